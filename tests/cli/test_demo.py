"""The demo end to end: synthetic lists imported, linked, estimated, seed round and brief."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unforgotten.cli.main import app


def test_demo_builds_a_linked_estimated_registry(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--dir", str(tmp_path / "demo"), "--persons", "400", "--no-serve", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["true_population"] == 400
    assert summary["records"] >= summary["documented_persons"] > 0
    assert summary["persons"] == summary["linkage"]["persons"] < summary["records"]
    estimate = summary["estimate"]
    assert estimate["lower"] <= estimate["estimate"] <= estimate["upper"]
    assert estimate["estimate"] >= estimate["observed"] == summary["persons"]
    assert summary["verified"] is True
    workspace = Path(summary["workspace"])
    kept = [json.loads(line) for line in (workspace / "registry.db.checkpoints").read_text().splitlines()]
    assert summary["checkpoint"] == kept[-1]  # the demo prints a current, signed checkpoint
    assert summary["checkpoint"]["head"] == summary["audit_head"]
    brief = Path(summary["brief"]).read_text(encoding="utf-8")
    assert brief.startswith("#") and "2024" in brief
