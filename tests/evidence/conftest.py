"""Each test's evidence store in its own folder (on PostgreSQL the default is ./evidence)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _evidence_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNFORGOTTEN_EVIDENCE_DIR", str(tmp_path / "evidence-store"))
