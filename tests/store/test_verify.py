"""Tampering behind the application's back is caught: edited, deleted, inserted rows, edited events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.helpers import canonical_rows, write_csv

from unforgotten.ingest import import_file
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace


def _raw_sql(ws: Workspace, sql: str) -> None:
    """Change the database directly: the sqlite3 module on the file, or psql-equivalent SQL."""
    if path := ws.settings.sqlite_path:
        ws.engine.dispose()
        with sqlite3.connect(path) as conn:
            conn.execute(sql)
    else:
        with ws.engine.begin() as conn:
            conn.execute(text(sql))


TAMPERING: dict[str, tuple[str, str]] = {
    "edited value": (
        "UPDATE person SET primary_name = 'Someone else' WHERE id = 2",
        "person 2: row differs from its last version (edited behind the application's back)",
    ),
    "deleted row": (
        "DELETE FROM name WHERE id = 3",
        "name 3: row is missing (deleted behind the application's back)",
    ),
    "inserted row": (
        "INSERT INTO person (id, primary_name, sex, birth_date_precision, birth_date_circa) "
        "VALUES (99, 'Ghost', 'U', 'unknown', false)",
        "person 99: row has no version (inserted behind the application's back)",
    ),
    "edited audit event": (
        "UPDATE audit_event SET actor = 'nobody' WHERE id = 2",
        "audit event 2: content does not match its hash (edited)",
    ),
    "deleted audit event": ("DELETE FROM audit_event WHERE id = 2", "audit event 2 is missing (next is 3)"),
    "edited version": (
        "UPDATE record_version SET data = replace(data, 'Kim', 'Kin') WHERE id = 12",
        "version 12 of ",
    ),
    "edited version and its hash": (
        "UPDATE record_version SET hash = 'x' || substr(hash, 2) WHERE id = 12",
        "version 12 of ",
    ),
}


@pytest.fixture
def loaded(ws: Workspace, tmp_path: Path) -> Workspace:
    import_file(ws, write_csv(tmp_path / "a.csv", canonical_rows(5)), source="A")
    import_file(ws, write_csv(tmp_path / "b.csv", canonical_rows(5, start=6)), source="B")
    with ws.read() as conn:
        assert verify_store(conn).ok
    return ws


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_verify_catches(loaded: Workspace, kind: str) -> None:
    sql, message = TAMPERING[kind]
    _raw_sql(loaded, sql)
    with loaded.read() as conn:
        report = verify_store(conn)
    assert not report.ok
    assert report.breaks[0].startswith(message), report.breaks


def test_removing_the_newest_event_is_caught_against_a_noted_head(loaded: Workspace) -> None:
    with loaded.read() as conn:
        head = verify_store(conn).head
    _raw_sql(loaded, "DELETE FROM record_version WHERE event_id = (SELECT max(id) FROM audit_event)")
    for table in (
        "informant",
        "name",
        "act",
        "incident",
        '"case"',
        "source_record",
        "person",
        "import_batch",
        "source",
    ):
        _raw_sql(
            loaded,
            f"DELETE FROM {table} WHERE id > (SELECT coalesce(max(row_id), 0) FROM record_version "
            f"WHERE table_name = '{table.strip(chr(34))}')",
        )
    _raw_sql(loaded, "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
    with loaded.read() as conn:
        assert verify_store(conn).ok  # undetectable from inside …
        report = verify_store(conn, expect_head=head)
    assert report.breaks[0].startswith(f"no event of the chain has the hash {head}")  # … but caught


def test_clean_store_verifies(loaded: Workspace) -> None:
    with loaded.read() as conn:
        report = verify_store(conn)
    assert report.ok and report.events == 3 and report.versions == report.rows
