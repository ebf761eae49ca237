"""A write that finds the registry locked by another (a long import) waits the busy timeout, then
ends in RegistryBusy — nothing written, a clear message, 503 with Retry-After on the web — never a
raw "database is locked" error or a write that waits for ever."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.helpers import canonical_rows, write_csv

from unforgotten.errors import RegistryBusy
from unforgotten.ingest import import_file
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace


@contextmanager
def held_write_lock(ws: Workspace) -> Iterator[None]:
    """Another process's write transaction, holding the registry's write lock until the block ends."""
    if path := ws.settings.sqlite_path:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    else:
        engine = sa.create_engine(ws.settings.db_url)
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7272024)")
            yield
        engine.dispose()


@pytest.fixture
def impatient(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The same registry opened with a busy timeout of 0.4 s (a fresh engine reads it)."""
    monkeypatch.setenv("UNFORGOTTEN_BUSY_TIMEOUT", "0.4")
    ws.engine.dispose()
    return Workspace(ws.settings)


def _batches(ws: Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(s.import_batch)).scalar_one())


def test_a_write_behind_a_held_lock_is_refused_clearly_and_writes_nothing(
    impatient: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", canonical_rows(3))
    with held_write_lock(impatient):
        started = time.monotonic()
        with pytest.raises(RegistryBusy) as caught:
            import_file(impatient, path, source="A")
        waited = time.monotonic() - started
        with pytest.raises(RegistryBusy):
            impatient.audit(action="export", subject="export:persons", detail={})
    assert 0.3 < waited < 10
    assert str(caught.value).startswith("the registry is busy with another write (such as a long import)")
    assert caught.value.exit_code == 12
    assert _batches(impatient) == 0
    assert import_file(impatient, path, source="A").rows == 3  # once the lock is gone, it goes through
    assert impatient.verify().ok


def test_a_bad_busy_timeout_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from unforgotten.errors import ConfigError
    from unforgotten.store.db import busy_timeout

    monkeypatch.setenv("UNFORGOTTEN_BUSY_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="must be a number of seconds"):
        busy_timeout()
