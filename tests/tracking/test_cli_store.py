"""The store-side tracking commands as a user drives them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.store.workspace import Workspace

runner = CliRunner()
SEED = Path(__file__).parent / "readouts" / "2024-04-15_rok-us_2nd-consultation_seed-full-text.txt"


def _run(ws: Workspace, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", ws.settings.db_url])
    assert result.exit_code == 0, (result.stdout, result.exception)
    return result.stdout


def test_save_confirm_show_and_set(ws: Workspace) -> None:
    saved = json.loads(_run(ws, "readout", "import", str(SEED), "--save", "--json"))
    assert (saved["round_id"], saved["date"]) == (1, "2024-04-15")
    assert [r["status"] for r in json.loads(_run(ws, "round", "list", "--json"))] == ["draft"]
    assert json.loads(_run(ws, "round", "confirm", "1", "--json")) == {"round_id": 1, "status": "confirmed"}
    shown = json.loads(_run(ws, "round", "show", "1", "--json"))
    assert [c["window"] for c in shown["commitments"]] == [None, None, "the second half of this year"]
    row = json.loads(
        _run(ws, "commitment", "set", "3", "--status", "dropped", "--reason", "postponed", "--json")
    )
    assert row["status"] == "dropped"


def test_upr_load_import_and_brief(ws: Workspace, tmp_path: Path) -> None:
    assert json.loads(_run(ws, "upr", "load", "--json")) == {"added": 436}
    csv_file = tmp_path / "c3.csv"
    csv_file.write_text(
        "cycle,recommending_state,text,response\n3,Japan,Return all abductees,noted\n", encoding="utf-8"
    )
    assert json.loads(_run(ws, "upr", "import", str(csv_file), "--json")) == {"added": 1}
    _run(ws, "readout", "import", str(SEED), "--save")
    markdown = _run(ws, "brief", "--round", "1", "--as-of", "2025-01-15")
    assert "| NKV-F1 Abductees | 13 | 0 | 0 | 13 | 0 | 0 | 0.0% |" in markdown
    out = tmp_path / "brief.html"
    _run(ws, "brief", "--round", "1", "--format", "html", "--out", str(out))
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_export_public(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "public.json"
    summary = json.loads(
        _run(
            ws,
            "export-public",
            "--by",
            "case_type,province",
            "--threshold",
            "3",
            "--format",
            "json",
            "--out",
            str(out),
            "--json",
        )
    )
    assert summary == {"out": str(out), "cells": 1, "suppressed": 0}
    assert json.loads(out.read_text(encoding="utf-8"))["threshold"] == 3
