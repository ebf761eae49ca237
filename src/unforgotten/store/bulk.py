"""Fast bulk inserts: rows go to the driver as tuples, and each row's canonical JSON is made once.

SQLAlchemy's per-row parameter processing dominated import time; here each table's INSERT is
compiled once per dialect, values are converted by column kind (dates to ISO text, JSON to
text), and the same plain values feed the version hash, so the version holds exactly the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, Date, Table

from unforgotten.store.audit import canonical_json

__all__ = ["InsertPlan", "insert_plan", "insert_rows"]

_canonical = orjson.dumps
_SORTED = orjson.OPT_SORT_KEYS


@dataclass(frozen=True, slots=True)
class InsertPlan:
    """How to insert into one table on one dialect (``copy_sql``: PostgreSQL's ``COPY``, else empty)."""

    sql: str
    copy_sql: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    defaults: tuple[Any, ...]

    def prepare(self, rows: Sequence[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], list[str]]:
        """Driver tuples and canonical JSON texts for ``rows`` (missing columns get defaults)."""
        params: list[tuple[Any, ...]] = []
        texts: list[str] = []
        json_at = [i for i, kind in enumerate(self.kinds) if kind == "json"]
        date_at = [i for i, kind in enumerate(self.kinds) if kind == "date"]
        for row in rows:
            full = {**self._defaults, **row} if len(row) != len(self.columns) else row
            texts.append(canonical_json(full))
            values = [full[name] for name in self.columns]
            for i in date_at:
                if values[i] is not None:
                    values[i] = values[i].isoformat()
            for i in json_at:
                if values[i] is not None:
                    values[i] = orjson.dumps(values[i]).decode("utf-8")
            params.append(tuple(values))
        return params, texts

    def pack(self, rows: Sequence[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], list[bytes]]:
        """Driver tuples and canonical JSON (UTF-8 bytes) for rows given as tuples in column order.

        Values must already be plain: dates as ISO text, JSON columns as Python objects. No
        per-row dict is built for the driver; the canonical text is made from the same values.
        """
        columns, json_at = self.columns, self.json_at
        if set(map(len, rows)) - {len(columns)}:  # one pass in C
            raise ValueError(f"rows must have {len(columns)} values ({', '.join(columns)})")
        # zip(strict=True) costs a third of this line per row; the lengths were checked above
        texts = [_canonical(dict(zip(columns, row, strict=False)), option=_SORTED) for row in rows]
        if not json_at:
            return list(rows), texts
        params = []
        for row in rows:
            values = list(row)
            for i in json_at:
                if values[i] is not None:
                    values[i] = _canonical(values[i]).decode()
            params.append(tuple(values))
        return params, texts

    @property
    def json_at(self) -> tuple[int, ...]:
        """Positions of the JSON columns."""
        return tuple(i for i, kind in enumerate(self.kinds) if kind == "json")

    @property
    def _defaults(self) -> dict[str, Any]:
        return dict(zip(self.columns, self.defaults, strict=True))


def _kind(column: Any) -> str:
    if isinstance(column.type, JSON):
        return "json"
    if isinstance(column.type, Date):
        return "date"
    return "bool" if isinstance(column.type, Boolean) else "plain"


@cache
def _plan(table: Table, dialect: str, marker: str, quoted: tuple[str, ...], quoted_table: str) -> InsertPlan:
    columns = tuple(str(c.name) for c in table.columns)
    defaults = tuple(
        getattr(c.default, "arg", None) if c.default is not None and c.default.is_scalar else None
        for c in table.columns
    )
    sql = f"INSERT INTO {quoted_table} ({', '.join(quoted)}) VALUES ({', '.join([marker] * len(columns))})"
    copy_sql = f"COPY {quoted_table} ({', '.join(quoted)}) FROM STDIN" if dialect == "postgresql" else ""
    return InsertPlan(sql, copy_sql, columns, tuple(_kind(c) for c in table.columns), defaults)


def insert_plan(conn: Connection, table: Table) -> InsertPlan:
    """The compiled insert of ``table`` for this connection's dialect."""
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.name == "sqlite" else "%s"
    quoted = tuple(quote(c.name) for c in table.columns)
    return _plan(table, dialect.name, marker, quoted, quote(table.name))


def insert_rows(conn: Connection, plan: InsertPlan, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert driver tuples: through ``COPY`` on PostgreSQL (several times faster), else ``executemany``."""
    if not plan.copy_sql:
        conn.exec_driver_sql(plan.sql, list(rows))
        return
    dbapi: Any = conn.connection.dbapi_connection  # psycopg 3, inside SQLAlchemy's transaction
    with dbapi.cursor() as cursor, cursor.copy(plan.copy_sql) as copy:
        for row in rows:
            copy.write_row(row)
