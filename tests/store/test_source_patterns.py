"""Capture patterns and shared persons from the store, past one 62-bit mask, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from tests.helpers import canonical_rows, write_csv

from unforgotten.ingest import import_file
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

# source ids on both sides of each mask's edge: bits 61 and 0 of masks 0, 1 and 2
FAR = (61, 62, 123, 124)
# person (by row of the first list) → the far sources it has a record on, besides the first list (1)
ON = {1: (61, 62, 123, 124), 2: (62, 124), 3: (123,), 4: ()}


@pytest.fixture
def far(ws: Workspace, tmp_path: Path) -> Workspace:
    import_file(ws, write_csv(tmp_path / "first.csv", canonical_rows(len(ON))), source="First")
    with ws.read() as conn:
        batch = conn.execute(select(s.import_batch.c.id)).scalar_one()
        query = select(s.source_record.c.person_id).order_by(s.source_record.c.id)
        person = dict(enumerate(conn.execute(query).scalars(), start=1))
    source = {"kind": "list", "organisation": None, "confidentiality": "public", "description": None}
    records = [
        {
            "source_id": sid,
            "batch_id": batch,
            "row_number": row,
            "record_id": f"{row}",
            "raw": {},
            "parsed": {},
        }
        for row, sources in ON.items()
        for sid in sources
    ]
    with ws.write(action="add_sources", subject="test") as writer:
        writer.insert(s.source, [{"id": sid, "name": f"Far {sid}", **source} for sid in FAR])
        first = writer.allocate(s.source_record, len(records))
        writer.insert(
            s.source_record,
            [{**r, "id": first + i, "person_id": person[r["row_number"]]} for i, r in enumerate(records)],
        )
    return ws


def test_patterns_past_one_mask(far: Workspace) -> None:
    with far.read() as conn:
        patterns = queries.source_patterns(conn)
    assert patterns == {
        frozenset({1, 61, 62, 123, 124}): 1,
        frozenset({1, 62, 124}): 1,
        frozenset({1, 123}): 1,
        frozenset({1}): 1,
    }


def test_shared_persons_past_one_mask(far: Workspace) -> None:
    with far.read() as conn:
        shared = {sid: queries.shared_persons(conn, sid) for sid in (1, 62, 123)}
    assert shared == {
        1: {61: 1, 62: 2, 123: 2, 124: 2},
        62: {1: 2, 61: 1, 123: 1, 124: 2},
        123: {1: 2, 61: 1, 62: 1, 124: 1},
    }


def test_no_records_no_patterns(ws: Workspace) -> None:
    with ws.read() as conn:
        assert (queries.source_patterns(conn), queries.shared_persons(conn, 1)) == ({}, {})


def test_source_page_indexes_match_the_migration(ws: Workspace) -> None:
    ours = {"ix_source_record_source_id_person_id", "ix_case_case_type_source_record_id"}
    with ws.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), s.metadata)
        found = {
            ix["name"]: ix["column_names"]
            for table in ("source_record", "case")
            for ix in inspect(conn).get_indexes(table)
            if ix["name"] in ours
        }
    assert [d for d in diff if any(name in str(d) for name in ours)] == []
    assert found == {
        "ix_source_record_source_id_person_id": ["source_id", "person_id"],
        "ix_case_case_type_source_record_id": ["case_type", "source_record_id"],
    }
