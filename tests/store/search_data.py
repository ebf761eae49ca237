"""A registry for the search tests: surnames in several spellings, parts of names, ROK places."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_csv

from unforgotten.ingest import import_file
from unforgotten.store.search import refresh_index
from unforgotten.store.workspace import Workspace

_COLUMNS = ["record_id", "full_name", "name_hangul", "aliases", "sex", "birth_place", "case_type",
            "event_date", "event_place", "status"]
ROWS = [
    ("K1", "Kim Chol-su", "김철수", "Gim Cheol-su", "M", "", "detainee", "2014", "Pyongyang", "detained"),
    ("K2", "KIM Chol-min", "김철민", "", "M", "", "pow", "1953", "", "unresolved"),
    ("K3", "Gim Yong-ho", "", "", "M", "", "abductee_postwar", "1977", "Hongdo", "unresolved"),
    ("K4", "", "김영희", "", "F", "", "abductee_postwar", "1968", "연평도", "unresolved"),
    ("P1", "Park Chul-soo", "박철수", "Pak Chol Su", "M", "", "detainee", "1974", "Yeonpyeong-do",
     "released"),
    ("P2", "Pak Chol", "", "", "M", "", "forcibly_returned", "1997", "", "unresolved"),
    ("L1", "Ri Chol Su", "리철수", "", "M", "Baengnyeong-do", "abductee_wartime", "1950", "", "deceased"),
    ("L2", "Lee Min-ho", "이민호", "", "M", "", "abductee_postwar", "1978", "Hong-do Island", "returned"),
    ("L3", "Yi Chol", "", "", "F", "", "detainee", "2015", "", "detained"),
    ("C1", "Choe Chun Gil", "최춘길", "", "M", "", "detainee", "2014", "Hamgyong-bukto", "detained"),
    ("J1", "Jung Soo-ah", "정수아", "", "F", "홍도", "abductee_postwar", "1978", "선유도", "returned"),
]


def fill_names(ws: Workspace, tmp: Path) -> dict[str, int]:
    """Import the rows as one list, index them; record id → person id."""
    rows = [dict(zip(_COLUMNS, row, strict=True)) for row in ROWS]
    import_file(ws, write_csv(tmp / "names.csv", rows), source="Families association")
    refresh_index(ws)
    from sqlalchemy import select

    from unforgotten.store import schema as s

    with ws.read() as conn:
        found = conn.execute(select(s.source_record.c.record_id, s.source_record.c.person_id)).all()
    return {rid: int(pid) for rid, pid in found}
