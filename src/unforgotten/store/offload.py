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

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from unforgotten.errors import UnforgottenError, WriteAborted
from unforgotten.store.writer import Writer

__all__ = ["Flush", "can_fork", "run_prepared"]

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # prctl(2)
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
    :meth:`.Writer.prime`), :meth:`.Writer.insert` and :meth:`.Writer.insert_tuples`, and must
    change no other state the caller relies on (the child's copy of it is discarded). Its return
    value must be picklable; an exception it raises is raised here. If the child dies or cannot
    be started, :class:`~unforgotten.errors.WriteAborted` is raised.
    """
    report = progress or (lambda _rows: None)
    if not (fork and can_fork()):
        return work(writer, report)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(writer, work, receiver, sender), daemon=True)
    finished = False
    gc.freeze()  # the collector would otherwise write to every shared page, copying them all
    try:
        _start(child)
        sender.close()  # the child holds the only write end: its death ends the pipe
        result = _receive(writer, receiver, report, child)
        finished = True
        return result
    finally:
        sender.close()
        _stop(child, wait=finished)
        receiver.close()
        gc.unfreeze()


def _start(child: BaseProcess) -> None:
    try:
        child.start()
    except OSError as exc:
        raise WriteAborted(
            f"could not start the process that prepares the rows ({exc.strerror or exc}); nothing was written"
        ) from exc


def _stop(child: BaseProcess, *, wait: bool) -> None:
    if child.pid is None:  # never started
        return
    if wait:
        child.join(timeout=10)  # it is exiting after its last message
    if child.is_alive():
        child.kill()
    child.join()


def _receive(writer: Writer, receiver: Pipe, report: Flush, child: BaseProcess) -> Any:
    while True:
        try:
            kind, payload, extra = receiver.recv()
        except EOFError:
            child.join(timeout=10)
            raise WriteAborted(
                f"the process preparing the rows ended without a result ({_ending(child.exitcode)}); "
                "nothing was written"
            ) from None
        if kind == "rows":
            writer.replay(payload)
            report(extra)
        elif kind == "done":
            writer.adopt(payload)
            return extra
        else:
            raise payload


def _ending(code: int | None) -> str:
    if code is None:
        return "it did not exit"
    if code < 0:
        name = signal.Signals(-code).name
        return f"killed by {name}" + (", perhaps for lack of memory" if -code == signal.SIGKILL else "")
    return f"exit status {code}"


def _child(writer: Writer, work: Callable[[Writer, Flush], Any], receiver: Pipe, sender: Pipe) -> None:
    """The forked side: prepare, send statements chunk by chunk, then the counters and result."""
    receiver.close()  # with the read end closed here too, a send fails as soon as the parent is gone
    _die_with_parent()
    _silence()
    writer.detach()

    def flush(rows: int) -> None:
        _send(sender, ("rows", writer.take_statements(), rows))

    try:
        result = work(writer, flush)
        flush(0)
        _send(sender, ("done", writer.counters(), result))
    except BaseException as exc:  # raised again in the writing process
        _send(sender, ("error", _crossing(exc), None))
    finally:
        sender.close()


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (nothing here needs cleaning up)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: a send to a closed pipe ends the child instead
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _silence() -> None:
    """Fresh streams on the null device: the inherited ones may have been locked mid-write."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until exit


def _send(sender: Pipe, message: tuple[str, Any, Any]) -> None:
    try:
        sender.send(message)
    except (BrokenPipeError, ConnectionResetError):  # the writing process is gone: nothing to do
        os._exit(1)


def _crossing(exc: BaseException) -> BaseException:
    """``exc`` as it can cross to the writing process, with this side's traceback for a bug."""
    if not isinstance(exc, UnforgottenError):
        exc.add_note("".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # what cannot be pickled is summarised instead
        return WriteAborted(f"preparing the rows failed: {type(exc).__name__}: {exc}")
    return exc
