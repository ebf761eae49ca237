"""A small registry for web and search tests: one person spelled four ways, protected witnesses."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_csv

from unforgotten.ingest import import_file
from unforgotten.store.workspace import Workspace

SECRET_NAME = "Witness Hong Gil-dong 7731"
SECRET_CONTACT = "+82-10-5555-7731"
SECRET_EXTRA = "Safehouse Yanji 4412"

_COLUMNS = [
    "record_id",
    "full_name",
    "name_hangul",
    "aliases",
    "sex",
    "birth_date",
    "case_type",
    "event_date",
    "event_place",
    "status",
    "informant_name",
    "informant_contact",
]


def _row(
    rid: str,
    full: str,
    hangul: str,
    aliases: str,
    case: str,
    date: str,
    place: str,
    informant: str = "",
    contact: str = "",
) -> dict[str, str]:
    values = [rid, full, hangul, aliases, "F", "1950", case, date, place, "unresolved", informant, contact]
    return dict(zip(_COLUMNS, values, strict=True))


LIST_A = [
    _row(
        "A1",
        "Lee Young-hee",
        "이영희",
        "Ri Yong Hui|Yi Yŏng-hŭi",
        "abductee_postwar",
        "1977-08",
        "Hoeryong",
        SECRET_NAME,
        SECRET_CONTACT,
    ),
    _row("A2", "Kim Chul-su", "김철수", "", "detainee", "2014-03", "Pyongyang"),
    _row("A3", "Park Min-jun", "박민준", "", "pow", "1953-07", "혜산시"),
]
LIST_B = [
    _row("B1", "Choe Chun Gil", "최춘길", "", "detainee", "2014", "Hamgyong-bukto"),
    _row("B2", "Jung Soo-ah", "정수아", "", "abductee_postwar", "1978-06", "Sinuiju"),
]


def fill(ws: Workspace, tmp: Path) -> None:
    """Import two lists (one batch each) into ``ws``."""
    mapping = tmp / "protect.toml"
    mapping.write_text('[protected]\ncolumns = ["safehouse"]\n', encoding="utf-8")
    rows_a = [{**r, "safehouse": SECRET_EXTRA if r["record_id"] == "A1" else ""} for r in LIST_A]
    import_file(ws, write_csv(tmp / "list_a.csv", rows_a), source="Families association", mapping=mapping)
    import_file(ws, write_csv(tmp / "list_b.csv", LIST_B), source="NGO database")
