"""Small builders of import files used across tests."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine, select

from unforgotten.store.schema import audit_event, record_version

HEADER = [
    "record_id",
    "full_name",
    "name_hangul",
    "sex",
    "birth_date",
    "birth_place",
    "case_type",
    "event_date",
    "event_place",
    "status",
    "notes",
    "informant_name",
    "informant_contact",
]


def canonical_rows(count: int, *, start: int = 1) -> list[dict[str, str]]:
    """``count`` valid rows in the canonical columns (deterministic)."""
    surnames = ["김", "이", "박", "최", "정"]
    return [
        {
            "record_id": f"R{i:06d}",
            "full_name": f"Kim Test{i}",
            "name_hangul": f"{surnames[i % 5]}영희",
            "sex": "여" if i % 2 else "M",
            "birth_date": f"{1920 + i % 60}",
            "birth_place": "함북",
            "case_type": "abductee_wartime",
            "event_date": "1950-07",
            "event_place": "서울",
            "status": "unresolved",
            "notes": "",
            "informant_name": f"Informant {i}" if i % 10 == 0 else "",
            "informant_contact": f"+82-10-0000-{i % 10000:04d}" if i % 10 == 0 else "",
        }
        for i in range(start, start + count)
    ]


def write_csv(
    path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def cut_chain(engine: Engine, *, keep: int) -> None:
    """Remove every audit event after ``keep`` and everything those events wrote, directly in the
    database, so that the chain, the versions and the rows still agree (as an attacker would)."""
    from unforgotten.store.schema import VERSIONED_TABLES

    with engine.begin() as conn:
        versioned = set(VERSIONED_TABLES.values())
        for table in reversed(next(iter(versioned)).metadata.sorted_tables):
            if table not in versioned:
                continue
            name = table.name
            kept = select(record_version.c.row_id).where(
                record_version.c.table_name == name, record_version.c.event_id <= keep
            )
            conn.execute(table.delete().where(table.c.id.not_in(kept)))
        conn.execute(record_version.delete().where(record_version.c.event_id > keep))
        conn.execute(audit_event.delete().where(audit_event.c.id > keep))
