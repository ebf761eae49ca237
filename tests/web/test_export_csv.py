"""The web export neutralises spreadsheet formulas, unless ``raw=true``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from tests.store.test_export_cells import HOSTILE, hostile_registry, notes_of

from unforgotten.store.workspace import Workspace


def test_web_export_neutralises(
    client_for: Callable[[str], TestClient], registry: Workspace, tmp_path: Path
) -> None:
    hostile_registry(registry, tmp_path)
    admin = client_for("admin")
    raw = [n for n in notes_of(admin.get("/api/export/records.csv?raw=true").text) if n]
    assert len(raw) == len(HOSTILE)
    safe = [n for n in notes_of(admin.get("/api/export/records.csv").text) if n]
    assert safe == ["'" + v for v in raw]
