"""A small registry for web and search tests: one person spelled four ways, protected witnesses."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from tests.helpers import write_csv

from unforgotten.ingest import import_file
from unforgotten.store import schema as s
from unforgotten.store.schema_linkage import link_pair, link_run
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import now_iso

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


def add_review_pairs(ws: Workspace) -> None:
    """Two pairs of the review band (A2–B1, A3–B2) of one linkage run, undecided."""
    with ws.read() as conn:
        recs = dict(conn.execute(select(s.source_record.c.record_id, s.source_record.c.id)).all())
    with ws.write(action="link", subject="test") as writer:
        run = writer.allocate(link_run)
        writer.insert(
            link_run,
            [
                {
                    "id": run,
                    "kind": "full",
                    "engine": "duckdb",
                    "started_at": now_iso(),
                    "actor": "test",
                    "config": {},
                    "counts": {},
                    "timings": {},
                    "model": "{}",
                }
            ],
        )
        evidence = {"name": [3, 6.2], "birth_year": [2, 1.4], "sex": [1, 0.6], "event_place": [0, -2.1]}
        writer.conn.execute(
            link_pair.insert(),
            [
                {
                    "id": 1,
                    "run_id": run,
                    "record_l": recs["A2"],
                    "record_r": recs["B1"],
                    "match_probability": 0.81,
                    "match_weight": 2.1,
                    "evidence": evidence,
                    "band": "review",
                },
                {
                    "id": 2,
                    "run_id": run,
                    "record_l": recs["A3"],
                    "record_r": recs["B2"],
                    "match_probability": 0.64,
                    "match_weight": 0.8,
                    "evidence": evidence,
                    "band": "review",
                },
            ],
        )
