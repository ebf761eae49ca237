"""Zero-width marks leave names at import; bidi controls are refused naming row and column; the
web app isolates user text (``<bdi>``) so what is stored cannot reorder the page around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers import canonical_rows, write_csv

from unforgotten.errors import BatchRejected
from unforgotten.ingest import import_file
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff"])
def test_zero_width_marks_are_stripped_from_names(ws: Workspace, tmp_path: Path, mark: str) -> None:
    rows = canonical_rows(2)
    rows[0]["full_name"] = f"{mark}Kim{mark} Chol-su{mark}"
    rows[0]["name_hangul"] = f"김{mark}철수"
    import_file(ws, write_csv(tmp_path / "z.csv", rows), source="S")
    with ws.read() as conn:
        texts = set(conn.execute(select(s.name.c.text)).scalars())
        raw = conn.execute(
            select(s.source_record.c.raw).where(s.source_record.c.record_id == "R000001")
        ).scalar()
    assert {"Kim Chol-su", "김철수"} <= texts
    assert not any(mark in t for t in texts)
    assert raw["full_name"] == "Kim Chol-su"


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING"),
        ("\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"),
    ],
)
def test_a_bidi_control_is_refused_naming_row_and_column(
    ws: Workspace, tmp_path: Path, char: str, named: str
) -> None:
    rows = canonical_rows(3)
    rows[1]["full_name"] = f"Kim {char}lohc"
    rows[2]["informant_contact"] = f"010{char}-1234"
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, write_csv(tmp_path / "b.csv", rows), source="S")
    reason = (
        f"holds the bidirectional control {named}, which makes text display in another order "
        "than stored; remove it"
    )
    assert [str(p) for p in caught.value.problems] == [
        f"b.csv: row 3, column 'full_name': {reason}",
        f"b.csv: row 4, column 'informant_contact': {reason}",
    ]
    assert all(p.value == "" for p in caught.value.problems)
