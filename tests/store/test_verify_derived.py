"""`verify` covers the tables security depends on that are not versioned: the search index, the
link pairs and the credential attempts. Each is edited with SQL; verify must name the table."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.helpers import canonical_rows, write_csv
from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.ingest import import_file
from unforgotten.linkage import LinkageConfig
from unforgotten.linkage.store import link_store
from unforgotten.store.search import refresh_index
from unforgotten.store.verify import verify_store
from unforgotten.store.verify_derived import KEEP
from unforgotten.store.workspace import Workspace
from unforgotten.web import accounts, throttle

PASSWORD = "correct horse battery"


def _sql(ws: Workspace, sql: str) -> None:
    if path := ws.settings.sqlite_path:
        ws.engine.dispose()
        with sqlite3.connect(path) as conn:
            conn.execute(sql)
    else:
        with ws.engine.begin() as conn:
            conn.execute(text(sql))


def _breaks(ws: Workspace) -> list[str]:
    with ws.read() as conn:
        return verify_store(conn).breaks


@pytest.fixture
def indexed(ws: Workspace, tmp_path: Path) -> Workspace:
    import_file(ws, write_csv(tmp_path / "a.csv", canonical_rows(30)), source="A")
    refresh_index(ws)
    assert _breaks(ws) == []
    return ws


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM search_key WHERE name_id = 3",  # hides a person from search
        "INSERT INTO search_key (name_id, key) VALUES (4, 'KIM|ZZZ')",  # finds one under a false name
        "UPDATE search_key SET name_id = 5 WHERE name_id = 6",
        "UPDATE search_state SET last_name_id = 1000",  # later names would never be indexed
    ],
)
def test_an_edited_search_index_is_reported(indexed: Workspace, tmp_path: Path, sql: str) -> None:
    _sql(indexed, sql)
    import_file(indexed, write_csv(tmp_path / "later.csv", canonical_rows(3, start=100)), source="L")
    (first, *_) = _breaks(indexed)
    assert first.startswith("search_key: the search index differs from the names"), first


def test_the_command_line_names_the_table_and_exits_non_zero(indexed: Workspace) -> None:
    if indexed.settings.sqlite_path is None:
        pytest.skip("the command line is tested on SQLite; the check itself on both backends")
    _sql(indexed, "DELETE FROM search_key WHERE name_id = 3")
    result = CliRunner().invoke(app, ["verify", "--db", str(indexed.settings.sqlite_path)])
    assert result.exit_code == 7, result.output
    assert "search_key" in result.output + str(result.exception)


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM link_pair WHERE id = (SELECT MIN(id) FROM link_pair)",
        "UPDATE link_pair SET band = CASE band WHEN 'review' THEN 'match' ELSE 'review' END "
        "WHERE id = (SELECT MAX(id) FROM link_pair)",  # steers the review queue
        "UPDATE link_pair SET match_probability = 0.5 WHERE id = (SELECT MIN(id) FROM link_pair)",
    ],
)
def test_edited_link_pairs_are_reported(ws: Workspace, tmp_path: Path, sql: str) -> None:
    rows = canonical_rows(30)
    twins = [{**r, "record_id": r["record_id"] + "b"} for r in rows[:10]]
    import_file(ws, write_csv(tmp_path / "a.csv", rows), source="A")
    import_file(ws, write_csv(tmp_path / "b.csv", twins), source="B")
    report = link_store(ws, config=LinkageConfig(u_max_pairs=2e4, em_max_pairs=None, threads=1))
    assert report.pairs > 0
    assert _breaks(ws) == []
    _sql(ws, sql)
    (first, *_) = _breaks(ws)
    assert first.startswith("link_pair: the pairs of link run 1 do not match the digest in audit event"), (
        first
    )


@pytest.fixture
def locked_out(ws: Workspace) -> Workspace:
    accounts.add_user(ws, "clerk", role="viewer", password=PASSWORD)
    for _ in range(throttle.MAX_FAILURES):
        assert accounts.authenticate(ws, "clerk", "wrong password!", address="10.0.0.1").reason == "bad"
    assert accounts.authenticate(ws, "clerk", PASSWORD, address="10.0.0.1").reason == "locked"
    assert _breaks(ws) == []
    return ws


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM credential_attempt WHERE key = 'password:clerk'",
        "UPDATE credential_attempt SET ok = true WHERE key = 'password:clerk'",
        "DELETE FROM credential_attempt WHERE id = (SELECT MIN(id) FROM credential_attempt)",
    ],
)
def test_a_lifted_lock_out_is_reported(locked_out: Workspace, sql: str) -> None:
    _sql(locked_out, sql)
    assert accounts.authenticate(locked_out, "clerk", PASSWORD, address="10.0.0.2").reason == "ok"  # lifted
    (first, *_) = _breaks(locked_out)
    assert first.startswith("credential_attempt: password key holds"), first
    assert "clerk" not in first  # a user name is not shown in a verify report


def test_the_window_is_the_throttles() -> None:
    assert KEEP == 2 * throttle.LOCKOUT


def test_attempts_older_than_the_window_may_be_pruned(locked_out: Workspace) -> None:
    later = dt.datetime.now(dt.UTC) + KEEP + dt.timedelta(minutes=2)
    throttle.reserve(
        locked_out, keys=["password:other"], address="addr:10.0.0.3", count_address=False, now=later
    )
    with locked_out.read() as conn:
        assert verify_store(conn, now=later).breaks == []
