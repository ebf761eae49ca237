"""Attempt limits and lock-out for every credential check: passwords, second factors, API tokens.

One mechanism, keyed by what is being guessed: ``password:NAME``, ``totp:NAME`` (an account) and
``addr:ADDRESS`` (the client, for names that do not exist and for tokens, which name no account).
A check first *reserves* a failure under the writer's lock (SQLite ``BEGIN IMMEDIATE``, a
PostgreSQL advisory lock): if the key already holds :data:`MAX_FAILURES` failures since its last
success within :data:`LOCKOUT`, or the client address holds :data:`MAX_ADDRESS_FAILURES`, the
check is refused without being made. The reservation counts as a failure until the check
succeeds and :func:`settle` marks it a success, so 60 parallel guesses make at most 5 checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select, update

from unforgotten.store.db import busy_timeout
from unforgotten.store.schema_web import credential_attempt
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import now_iso

__all__ = [
    "LOCKOUT",
    "MAX_ADDRESS_FAILURES",
    "MAX_FAILURES",
    "address_key",
    "claim_step",
    "locked",
    "reserve",
    "settle",
]

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
LOCKOUT = dt.timedelta(minutes=15)
_PG_LOCK = 7_272_025  # advisory lock key of the throttle (the audit chain has its own)
_t = credential_attempt


def address_key(address: str | None) -> str:
    """The throttle key of a client address."""
    return f"addr:{(address or 'unknown')[:100]}"


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _failures(conn: Connection, key: str, since: str) -> int:
    last_ok = conn.execute(select(func.max(_t.c.at)).where(_t.c.key == key, _t.c.ok.is_(True))).scalar()
    start = max(since, last_ok or "")
    query = select(func.count()).where(_t.c.key == key, _t.c.ok.is_(False), _t.c.at > start)
    return int(conn.execute(query).scalar_one())


def _over(conn: Connection, keys: Sequence[str], address: str, since: str) -> bool:
    if _failures(conn, address, since) >= MAX_ADDRESS_FAILURES:
        return True
    return any(_failures(conn, key, since) >= MAX_FAILURES for key in keys)


def locked(conn: Connection, *, keys: Sequence[str], address: str, now: dt.datetime | None = None) -> bool:
    """Whether a check on ``keys`` from ``address`` would be refused now (a read, no reservation)."""
    since = _iso((now or dt.datetime.now(dt.UTC)) - LOCKOUT)
    return _over(conn, keys, address, since)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout() * 1000)}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")


def reserve(
    ws: Workspace,
    *,
    keys: Sequence[str],
    address: str,
    count_address: bool,
    now: dt.datetime | None = None,
) -> list[int] | None:
    """Reserve one failed attempt on each key (and on ``address`` when ``count_address``).

    Returns the ids of the reserved rows, or ``None`` when the keys or the address are locked
    (nothing is reserved then: a refused check is not a check).
    """
    moment = now or dt.datetime.now(dt.UTC)
    since, at = _iso(moment - LOCKOUT), _iso(moment)
    with ws.state_write() as conn:
        _lock(conn)
        conn.execute(delete(_t).where(_t.c.at < _iso(moment - 2 * LOCKOUT)))
        if _over(conn, keys, address, since):
            return None
        counted = [*keys, address] if count_address else list(keys)
        first = int(conn.execute(select(func.coalesce(func.max(_t.c.id), 0))).scalar_one()) + 1
        rows = [{"id": first + i, "key": key, "at": at, "ok": False} for i, key in enumerate(counted)]
        conn.execute(_t.insert(), rows)
    return [first + i for i, key in enumerate(counted) if key != address]


def claim_step(ws: Workspace, *, name: str, step: int, now: dt.datetime | None = None) -> bool:
    """Claim one time step of a user's second factor: ``False`` when that step, or a later one,
    was already used (a code seen once, by a shoulder-surfer or a proxy log, is not accepted
    again). Kept as ``totp-step:NAME:STEP`` rows, under the throttle's lock."""
    moment = now or dt.datetime.now(dt.UTC)
    mine = [f"totp-step:{name}:{s}" for s in range(step, step + 3)]  # the step, and the two after it
    with ws.state_write() as conn:
        _lock(conn)
        if conn.execute(select(_t.c.id).where(_t.c.key.in_(mine)).limit(1)).first() is not None:
            return False
        first = int(conn.execute(select(func.coalesce(func.max(_t.c.id), 0))).scalar_one()) + 1
        conn.execute(_t.insert(), [{"id": first, "key": mine[0], "at": _iso(moment), "ok": True}])
    return True


def settle(conn: Connection, reserved: Sequence[int]) -> None:
    """Mark reserved attempts as successes (which ends their keys' count of failures)."""
    if reserved:
        conn.execute(update(_t).where(_t.c.id.in_(list(reserved))).values(ok=True, at=now_iso()))
