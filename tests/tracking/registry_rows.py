"""Put persons straight into a test registry: one batch of one source per call.

Each person is ``Victim(case_type, province, year, consent)``; ``consent`` is a tuple of
``may_publish`` values recorded one after another (empty: no consent row at all).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Table, select

from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer

_batch_numbers = itertools.count(1)


class Victim(NamedTuple):
    case_type: str | None
    province: str | None
    year: int | None
    consent: tuple[bool, ...] = ()


def _insert(writer: Writer, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows with every column given (column defaults filled in here)."""
    blank = {
        str(c.name): c.default.arg if c.default is not None and c.default.is_scalar else None
        for c in table.columns
    }
    writer.insert(table, [{**blank, **row} for row in rows])


def _locations(ws: Workspace, provinces: set[str]) -> dict[str, int]:
    with ws.read() as conn:
        known = {t: i for i, t in conn.execute(select(s.location.c.id, s.location.c.text))}
    missing = sorted(p for p in provinces if f"province {p}" not in known)
    with ws.write(action="test_locations", subject="location") as writer:
        first = writer.allocate(s.location, len(missing))
        rows = [
            {"id": first + i, "text": f"province {p}", "code": p, "level": "province", "province_code": p}
            for i, p in enumerate(missing)
        ]
        _insert(writer, s.location, rows)
    known.update({r["text"]: r["id"] for r in rows})
    return {p: known[f"province {p}"] for p in provinces}


def add_people(
    ws: Workspace, people: Sequence[Victim], *, imported_at: str = "2026-01-01T00:00:00+00:00"
) -> list[int]:
    """Insert the persons (with records, cases and consent rows) as one batch; their ids."""
    places = _locations(ws, {v.province for v in people if v.province})
    number = next(_batch_numbers)
    with ws.write(action="test_people", subject="person") as writer:
        source_id = writer.allocate(s.source)
        _insert(
            writer,
            s.source,
            [
                {
                    "id": source_id,
                    "name": f"test list {source_id}",
                    "kind": "list",
                    "confidentiality": "restricted",
                }
            ],
        )
        batch_id = writer.allocate(s.import_batch)
        _insert(
            writer,
            s.import_batch,
            [
                {
                    "id": batch_id,
                    "source_id": source_id,
                    "file_name": "t.csv",
                    "sha256": f"{source_id:032d}{number:032d}",
                    "file_format": "csv",
                    "row_count": len(people),
                    "mapping": None,
                    "actor": "test",
                    "imported_at": imported_at,
                }
            ],
        )
        return _persons(writer, people, source_id=source_id, batch_id=batch_id, places=places)


def _persons(
    writer: Writer, people: Sequence[Victim], *, source_id: int, batch_id: int, places: dict[str, int]
) -> list[int]:
    n = len(people)
    pid, rid, cid = (
        writer.allocate(s.person, n),
        writer.allocate(s.source_record, n),
        writer.allocate(s.case, n),
    )
    _insert(writer, s.person, [{"id": pid + i, "primary_name": f"person {pid + i}"} for i in range(n)])
    _insert(
        writer,
        s.source_record,
        [
            {
                "id": rid + i,
                "source_id": source_id,
                "batch_id": batch_id,
                "row_number": i + 2,
                "record_id": str(i),
                "person_id": pid + i,
                "raw": {},
                "parsed": {},
            }
            for i in range(n)
        ],
    )
    cases = [
        {
            "id": cid + i,
            "person_id": pid + i,
            "source_record_id": rid + i,
            "case_type": v.case_type,
            "event_date_start": date(v.year, 6, 1) if v.year else None,
            "event_place_id": places.get(v.province) if v.province else None,
        }
        for i, v in enumerate(people)
        if v.case_type
    ]
    _insert(writer, s.case, cases)
    consents = [(pid + i, may) for i, v in enumerate(people) for may in v.consent]
    first = writer.allocate(s.consent, len(consents))
    _insert(
        writer,
        s.consent,
        [
            {
                "id": first + k,
                "person_id": p,
                "may_publish": may,
                "given_by": "test",
                "recorded_on": date(2025, 1, 1 + k % 28) if k < 28 else date(2025, 2, 1),
            }
            for k, (p, may) in enumerate(consents)
        ],
    )
    return [pid + i for i in range(n)]
