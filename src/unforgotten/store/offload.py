"""Prepare a write's rows in a forked child process while this process stores them.

A bulk import spends about as long in Python (reading, validating, building rows, canonical JSON,
version hashes, encryption) as the database spends storing the rows. Here the child, a ``fork``
of this process holding a copy of the :class:`.Writer`, runs that Python work with the writer
detached: it records each bulk insert instead of running it and sends the statements here, a
chunk at a time. This process runs them, in order, in its own open transaction. So the batch is
still one transaction (all or nothing, one audit event), the event's digest is computed from the
versions actually written, and the database file is only ever touched by this process.

Where ``fork`` is not the platform's way (Windows, macOS), or for small writes, the work runs
inline on the writer itself; the result is the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from typing import Any, TypeVar

from unforgotten.store.writer import Writer

__all__ = ["Flush", "can_fork", "run_prepared"]

T = TypeVar("T")
Flush = Callable[[int], None]
"""Called by the work after each chunk with the number of input rows it covered."""


def can_fork() -> bool:
    """Whether rows can be prepared in a forked child here (Linux and the BSDs, not macOS)."""
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def run_prepared(
    writer: Writer,
    work: Callable[[Writer, Flush], T],
    *,
    progress: Flush | None = None,
    fork: bool = True,
) -> T:
    """Run ``work(writer, flush)``; its inserts are prepared in a child when ``fork`` allows.

    ``work`` may only call :meth:`.Writer.allocate` (for tables primed with
    :meth:`.Writer.prime`), :meth:`.Writer.insert` and :meth:`.Writer.insert_tuples`. Its
    return value must be picklable; an exception it raises is raised here.
    """
    report = progress or (lambda _rows: None)
    if not (fork and can_fork()):
        return work(writer, report)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(writer, work, sender), daemon=True)
    gc.freeze()  # the collector would otherwise write to every shared page, copying them all
    try:
        child.start()
        sender.close()
        return _receive(writer, receiver, report)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
        gc.unfreeze()


def _receive(writer: Writer, receiver: Pipe, report: Flush) -> Any:
    while True:
        try:
            kind, payload, extra = receiver.recv()
        except EOFError:
            raise RuntimeError("the process preparing the rows ended without a result") from None
        if kind == "rows":
            writer.replay(payload)
            report(extra)
        elif kind == "done":
            writer.adopt(payload)
            return extra
        else:
            raise payload


def _child(writer: Writer, work: Callable[[Writer, Flush], Any], sender: Pipe) -> None:
    """The forked side: prepare, send statements chunk by chunk, then the counters and result."""
    writer.detach()

    def flush(rows: int) -> None:
        _send(sender, ("rows", writer.take_statements(), rows))

    try:
        result = work(writer, flush)
        flush(0)
        _send(sender, ("done", writer.counters(), result))
    except BaseException as exc:  # every failure goes back to the writing process
        _send(sender, ("error", _picklable(exc), None))
    finally:
        sender.close()


def _send(sender: Pipe, message: tuple[str, Any, Any]) -> None:
    try:
        sender.send(message)
    except (BrokenPipeError, ConnectionResetError):  # the writing process is gone: nothing to do
        os._exit(1)


def _picklable(exc: BaseException) -> BaseException:
    import pickle  # noqa: PLC0415 - only on the error path

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # one that cannot cross is summarised instead
        return RuntimeError(f"preparing the rows failed: {type(exc).__name__}: {exc}")
    return exc
