"""Rows prepared in a forked child and written here: same rows, same versions, one transaction."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from sqlalchemy import func, select

from unforgotten.errors import WriteAborted
from unforgotten.store import schema as s
from unforgotten.store.offload import can_fork, run_prepared
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer

pytestmark = pytest.mark.skipif(
    not can_fork(), reason="rows are prepared in a child only where fork is the way"
)


def _insert_sources(writer: Writer, flush: object, *, count: int = 3) -> list[int]:
    ids = []
    for i in range(count):
        source_id = writer.allocate(s.source)
        writer.insert(
            s.source,
            [
                {
                    "id": source_id,
                    "name": f"List {source_id}",
                    "kind": "list",
                    "organisation": None,
                    "confidentiality": "restricted",
                    "description": None,
                }
            ],
        )
        ids.append(source_id)
        assert callable(flush)
        flush(i)
    return ids


def _sources(ws: Workspace) -> list[tuple[int, str]]:
    with ws.read() as conn:
        return [(int(i), str(n)) for i, n in conn.execute(select(s.source.c.id, s.source.c.name))]


@pytest.mark.parametrize("fork", [True, False])
def test_prepared_rows_are_written_with_their_versions_and_one_event(ws: Workspace, fork: bool) -> None:
    seen: list[int] = []
    with ws.write(action="test", subject="sources") as writer:
        writer.prime(s.source)
        result = run_prepared(writer, _insert_sources, progress=seen.append, fork=fork)
    assert result == [1, 2, 3]
    assert seen == ([0, 1, 2, 0] if fork else [0, 1, 2])  # the child's last flush covers no rows
    assert _sources(ws) == [(1, "List 1"), (2, "List 2"), (3, "List 3")]
    with ws.read() as conn:
        report = verify_store(conn)
        versions = conn.execute(
            select(func.count())
            .select_from(s.record_version)
            .where(s.record_version.c.table_name == "source")
        ).scalar_one()
    assert report.ok, report.breaks
    assert versions == 3


def _fail(writer: Writer, flush: object) -> None:
    _insert_sources(writer, flush)
    raise ValueError("row 7: something the child found")


def _die(writer: Writer, flush: object) -> None:
    _insert_sources(writer, flush)
    os._exit(3)


@pytest.mark.parametrize(
    ("work", "error", "message"),
    [(_fail, ValueError, "row 7: something the child found"), (_die, WriteAborted, "exit status 3")],
)
def test_a_failing_or_dying_child_rolls_the_whole_write_back(
    ws: Workspace, work: object, error: type[Exception], message: str
) -> None:
    assert callable(work)
    with pytest.raises(error, match=message), ws.write(action="test", subject="sources") as writer:
        writer.prime(s.source)
        run_prepared(writer, work)
    assert _sources(ws) == []


def test_a_detached_writer_may_not_touch_the_database(ws: Workspace) -> None:
    def work(writer: Writer, flush: object) -> None:
        writer.allocate(s.person)  # not primed: would need a query

    with (
        pytest.raises(RuntimeError, match="ids must be primed"),
        ws.write(action="test", subject="x") as writer,
    ):
        run_prepared(writer, work)

    def update(writer: Writer, flush: object) -> None:
        writer.update(s.source, 1, {"name": "renamed"}, reason="test")

    with (
        pytest.raises(RuntimeError, match="may not use the database"),
        ws.write(action="test", subject="x") as writer,
    ):
        run_prepared(writer, update)


def test_a_fork_that_fails_is_a_clear_error_and_nothing_is_written(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import gc
    from multiprocessing.context import ForkProcess

    def refuse(self: object) -> None:
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setattr(ForkProcess, "start", refuse)
    with (
        pytest.raises(WriteAborted, match=r"could not start .*\(Cannot allocate memory\)"),
        ws.write(action="test", subject="sources") as writer,
    ):
        writer.prime(s.source)
        run_prepared(writer, _insert_sources)
    assert _sources(ws) == []
    assert gc.get_freeze_count() == 0


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("a lock inside")
        self.lock = threading.Lock()


def _unpicklable(writer: Writer, flush: object) -> None:
    _insert_sources(writer, flush)
    raise _Unpicklable()


def _killed(writer: Writer, flush: object) -> None:
    _insert_sources(writer, flush)
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize(
    ("work", "message"),
    [
        (_unpicklable, "preparing the rows failed: _Unpicklable: a lock inside"),
        (_killed, r"ended without a result \(killed by SIGKILL, perhaps for lack of memory\)"),
    ],
)
def test_what_cannot_cross_or_a_killed_child_is_a_write_aborted(
    ws: Workspace, work: object, message: str
) -> None:
    assert callable(work)
    with pytest.raises(WriteAborted, match=message), ws.write(action="test", subject="sources") as writer:
        writer.prime(s.source)
        run_prepared(writer, work)
    assert _sources(ws) == []
