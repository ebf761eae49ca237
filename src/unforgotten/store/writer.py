"""One unit of work: rows written with their versions, closed by one audit event.

Every write to the registry goes through a :class:`Writer`. It allocates ids, inserts or updates
rows, writes a version of each row it touches (content + SHA-256) and, when the unit closes,
appends one event to the audit chain that carries a digest of those versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select

from unforgotten.errors import NotFoundError
from unforgotten.store.audit import (
    GENESIS,
    canonical_json,
    event_hash,
    insert_version_hashes,
    normalise_row,
    version_hash,
)
from unforgotten.store.bulk import InsertPlan, insert_plan, insert_rows
from unforgotten.store.db import busy_timeout
from unforgotten.store.schema import audit_event, record_version

__all__ = ["Statement", "Writer", "append_event", "head_event", "now_iso"]

Statement = tuple[str, Any, Any]
"""One recorded write: ``("rows", insert plan, params)``, or the versions of inserted rows as
``("versions", table, (items, reason))`` and ``("first_versions", table, (row ids, canonical JSON,
hashes))``. A first version's hash is made where it is prepared (it covers the exact text that is
stored); version ids, the other hashes and the event's digest are made where the statements are
run, in their order."""

_PG_LOCK = 7_272_024  # advisory lock key that serialises writers of the audit chain


def now_iso() -> str:
    """The current UTC time as ISO text (how the audit log stores time)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _next_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def lock_chain(conn: Connection) -> None:
    """Serialise writers (PostgreSQL; SQLite's BEGIN IMMEDIATE already does), waiting at most the
    busy timeout for another writer (then the database raises ``lock_not_available``)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout() * 1000)}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
        conn.exec_driver_sql("SET LOCAL lock_timeout = 0")


def head_event(conn: Connection) -> Any:
    """The newest audit event's ``(id, hash)``, or ``None`` for an empty chain."""
    return conn.execute(
        select(audit_event.c.id, audit_event.c.hash).order_by(audit_event.c.id.desc()).limit(1)
    ).first()


def append_event(
    conn: Connection, *, actor: str, role: str, action: str, subject: str, detail: Mapping[str, Any]
) -> dict[str, Any]:
    """Append one event to the audit chain (the caller holds the write lock)."""
    last = head_event(conn)
    event = {
        "id": (last.id + 1) if last else 1,
        "at": now_iso(),
        "actor": actor,
        "role": role,
        "action": action,
        "subject": subject,
        "detail": canonical_json(detail),
    }
    prev = last.hash if last else GENESIS
    row = {**event, "prev_hash": prev, "hash": event_hash(prev, event)}
    conn.execute(audit_event.insert(), [row])
    return row


class _NoDatabase:
    """Stands in for the connection of a detached writer: only the dialect may be asked for."""

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"a detached writer prepares rows only; it may not use the database ({name})")


class Writer:
    """Writes rows with versions inside one transaction; :meth:`close` appends the event."""

    def __init__(self, conn: Connection, *, actor: str, role: str) -> None:
        self.conn = conn
        self.actor = actor
        self.role = role
        self.detail: dict[str, Any] = {}
        self.subject: str | None = None  # set to name the subject once it is known (a new row's id)
        self._next: dict[str, int] = {}
        self._digest = hashlib.sha256()
        self._versions = 0
        self._first_version: int | None = None
        self._outbox: list[Statement] | None = None  # set where rows are prepared but not written
        self._parked: Connection | None = None  # the real connection, while detached
        lock_chain(conn)
        self._event_id = _next_id(conn, audit_event)
        self._version_id = _next_id(conn, record_version)

    @property
    def event_id(self) -> int:
        """The id of the audit event that will close this unit."""
        return self._event_id

    def allocate(self, table: Table, count: int = 1) -> int:
        """Reserve ``count`` consecutive ids in ``table``; returns the first."""
        first = self._next.get(table.name)
        if first is None:
            if self._outbox is not None:
                raise RuntimeError(f"{table.name}: ids must be primed before rows are prepared elsewhere")
            first = _next_id(self.conn, table)
        self._next[table.name] = first + count
        return first

    def prime(self, *tables: Table) -> None:
        """Look up the next id of each table now (one query), so that :meth:`allocate` needs no
        query later."""
        wanted = [t for t in dict.fromkeys(tables) if t.name not in self._next]
        if not wanted:
            return
        if self._outbox is not None:
            raise RuntimeError("ids must be primed before rows are prepared elsewhere")
        highest = [select(func.coalesce(func.max(t.c.id), 0)).scalar_subquery() for t in wanted]
        row = self.conn.execute(select(*highest)).one()
        for table, value in zip(wanted, row, strict=True):
            self._next[table.name] = int(value) + 1

    # ---------------------------------------------------------- rows prepared in another process
    def detach(self) -> None:
        """Record bulk inserts instead of running them (in a process that must not use the database)."""
        self._outbox = []
        self._parked = self.conn  # kept alive: finalising it here would roll back the parent's transaction
        self.conn = cast(Connection, _NoDatabase(self.conn.dialect))

    def take_statements(self) -> list[Statement]:
        """The inserts recorded since the last call, in order (see :meth:`detach`)."""
        taken, self._outbox = self._outbox or [], []
        return taken

    def counters(self) -> dict[str, int]:
        """The id counters, to hand back from the process that prepared rows."""
        return dict(self._next)

    def replay(self, statements: Sequence[Statement]) -> None:
        """Run the writes recorded by a detached copy of this writer, in order."""
        for kind, target, payload in statements:
            if kind == "rows":
                insert_rows(self.conn, target, payload)
            elif kind == "versions":
                self._write_versions(target, *payload)
            elif kind == "first_versions":
                self._store_first_versions(target, *payload)
            else:
                raise ValueError(f"unknown recorded write {kind!r}")

    def adopt(self, counters: Mapping[str, int]) -> None:
        """Take the id counters of a detached copy whose statements were replayed here."""
        self._next.update(counters)

    def _insert_rows(self, plan: InsertPlan, params: list[tuple[Any, ...]]) -> None:
        if self._outbox is not None:
            self._outbox.append(("rows", plan, params))
        else:
            insert_rows(self.conn, plan, params)

    def _insert_versions(self, batch: list[tuple[Any, ...]]) -> None:
        """Insert version rows (hash last) and fold their hashes into the event's digest."""
        self._digest.update("".join([row[-1] for row in batch]).encode("ascii"))
        self._first_version = self._first_version or batch[0][0]
        self._versions += len(batch)
        insert_rows(self.conn, insert_plan(self.conn, record_version), batch)

    def insert(self, table: Table, rows: Sequence[dict[str, Any]], *, reason: str | None = None) -> None:
        """Insert rows (each with its ``id``) and their first versions."""
        if not rows:
            return
        plan = insert_plan(self.conn, table)
        params, texts = plan.prepare(rows)
        self._insert_rows(plan, params)
        self._write_versions(
            str(table.name), [(r["id"], 1, "insert", t) for r, t in zip(rows, texts, strict=True)], reason
        )

    def insert_tuples(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert rows given as tuples in column order (``id`` first, values plain) with first versions.

        The fast path of bulk imports: see :meth:`.InsertPlan.pack` for what "plain" means.
        """
        if not rows:
            return
        plan = insert_plan(self.conn, table)
        params, texts = plan.pack(rows)
        self._insert_rows(plan, params)
        self._write_first_versions(str(table.name), [row[0] for row in rows], texts)

    def update(self, table: Table, row_id: int, changes: Mapping[str, Any], *, reason: str) -> dict[str, Any]:
        """Change columns of one row and write its next version; returns the new row."""
        current = self.conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if current is None:
            raise NotFoundError(f"{table.name} {row_id} does not exist")
        self.conn.execute(table.update().where(table.c.id == row_id).values(**changes))
        row = {**dict(current), **changes}
        data = canonical_json(normalise_row(row))
        self._write_versions(
            table.name, [(row_id, self._latest(table.name, row_id) + 1, "update", data)], reason
        )
        return row

    def update_many(self, table: Table, changes: Mapping[int, Mapping[str, Any]], *, reason: str) -> int:
        """Apply ``changes`` (row id → new values) with one version each; returns the count."""
        ids = sorted(changes)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = {
                r["id"]: dict(r)
                for r in self.conn.execute(select(table).where(table.c.id.in_(chunk))).mappings()
            }
            missing = [i for i in chunk if i not in rows]
            if missing:
                raise NotFoundError(f"{table.name} {missing[0]} does not exist")
            latest = self._latest_many(table.name, chunk)
            items = []
            for row_id in chunk:
                row = {**rows[row_id], **changes[row_id]}
                self.conn.execute(table.update().where(table.c.id == row_id).values(**changes[row_id]))
                items.append(
                    (row_id, latest.get(row_id, 0) + 1, "update", canonical_json(normalise_row(row)))
                )
            self._write_versions(table.name, items, reason)
        return len(ids)

    def insert_derived(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows of derived data (rebuilt by the application, not versioned)."""
        if rows:
            plan = insert_plan(self.conn, table)
            insert_rows(self.conn, plan, plan.prepare(rows)[0])

    def _latest_many(self, table_name: str, row_ids: Sequence[int]) -> dict[int, int]:
        query = (
            select(record_version.c.row_id, func.max(record_version.c.version))
            .where(record_version.c.table_name == table_name, record_version.c.row_id.in_(row_ids))
            .group_by(record_version.c.row_id)
        )
        return {int(r): int(v) for r, v in self.conn.execute(query)}

    def _latest(self, table_name: str, row_id: int) -> int:
        query = select(func.max(record_version.c.version)).where(
            record_version.c.table_name == table_name, record_version.c.row_id == row_id
        )
        return int(self.conn.execute(query).scalar_one() or 0)

    def _write_versions(
        self, table_name: str, items: Iterable[tuple[int, int, str, str]], reason: str | None
    ) -> None:
        table_name = str(table_name)  # a plain str: sqlite3 probes a str subclass for adapters per row
        if self._outbox is not None:
            self._outbox.append(("versions", table_name, (list(items), reason)))
            return
        batch = []
        for row_id, version, op, data in items:
            digest = version_hash(table_name, row_id, version, op, data)
            batch.append(
                (self._version_id, self._event_id, table_name, row_id, version, op, reason, data, digest)
            )
            self._version_id += 1
        if batch:
            self._insert_versions(batch)

    def _write_first_versions(self, table_name: str, row_ids: Sequence[int], texts: Sequence[bytes]) -> None:
        """Hash first versions here (in the process preparing rows, when detached); the process
        that stores them builds their rows and folds the hashes into its digest."""
        hashes = insert_version_hashes(table_name, list(zip(row_ids, texts, strict=True)))
        if self._outbox is not None:  # bytes travel through the pipe as they are; text would be re-encoded
            self._outbox.append(("first_versions", table_name, (row_ids, texts, hashes)))
            return
        self._store_first_versions(table_name, row_ids, texts, hashes)

    def _store_first_versions(
        self, table_name: str, row_ids: Sequence[int], texts: Sequence[bytes], hashes: Sequence[str]
    ) -> None:
        first, event = self._version_id, self._event_id
        batch = [
            (first + i, event, table_name, row_id, 1, "insert", None, data.decode("utf-8"), digest)
            for i, (row_id, data, digest) in enumerate(zip(row_ids, texts, hashes, strict=True))
        ]
        self._version_id += len(batch)
        self._insert_versions(batch)

    def close(self, *, action: str, subject: str) -> dict[str, Any]:
        """Append the event that closes this unit; call once, just before commit."""
        detail = dict(self.detail)
        if self._versions:
            detail["versions"] = {
                "count": self._versions,
                "first": self._first_version,
                "digest": self._digest.hexdigest(),
            }
        event = append_event(
            self.conn, actor=self.actor, role=self.role, action=action, subject=subject, detail=detail
        )
        if event["id"] != self._event_id:  # pragma: no cover - guarded by the write lock
            raise RuntimeError("audit chain moved during a write")
        return event
