"""Engines for SQLite and PostgreSQL, and the migrations that build the schema on both.

SQLite runs in WAL mode with foreign keys on; a write transaction starts ``BEGIN IMMEDIATE`` so
two writers queue instead of failing half-way. On PostgreSQL a transaction-scoped advisory lock
serialises writers of the audit chain.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError

from unforgotten.errors import ConfigError

__all__ = [
    "ENCRYPTED_COLUMNS",
    "alembic_config",
    "busy_timeout",
    "create_store_engine",
    "encrypted_values",
    "is_busy",
    "is_current",
    "migrate",
    "sealed_samples",
]

_MIGRATIONS = Path(__file__).with_name("migrations")


def busy_timeout() -> float:
    """Seconds a write waits for another write's lock before :class:`RegistryBusy` (default 30)."""
    text = os.environ.get("UNFORGOTTEN_BUSY_TIMEOUT", "30")
    try:
        value = float(text)
    except ValueError as exc:
        raise ConfigError(f"UNFORGOTTEN_BUSY_TIMEOUT must be a number of seconds, not {text!r}") from exc
    if not 0 <= value <= 3600:
        raise ConfigError("UNFORGOTTEN_BUSY_TIMEOUT must be between 0 and 3600 seconds")
    return value


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means another writer held the lock past the busy timeout."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == "55P03":  # PostgreSQL lock_not_available
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    cursor = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=NORMAL",
        f"busy_timeout={int(busy_timeout() * 1000)}",
        "cache_size=-65536",
        "temp_store=MEMORY",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` with the pragmas and locking the store relies on."""
    try:
        engine = create_engine(url, future=True)
    except Exception as exc:
        raise ConfigError(f"cannot use database URL: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name != "postgresql":
        raise ConfigError(f"unsupported database {engine.dialect.name}; use SQLite or PostgreSQL")
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, *, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (the same migrations on SQLite and PostgreSQL).

    Each capability keeps its tables on its own branch of migrations from ``0001``
    (registry); ``heads`` applies every branch.
    """
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


@cache
def _heads() -> frozenset[str]:
    """The newest migration of each branch (read once: loading the scripts takes tens of ms)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_current(engine: Engine) -> bool:
    """Whether the database exists and its schema is at the newest migration."""
    heads = _heads()
    try:
        with engine.connect() as connection:
            if "alembic_version" not in inspect(connection).get_table_names():
                return False
            return set(MigrationContext.configure(connection).get_current_heads()) == heads
    except OperationalError as exc:
        raise ConfigError(f"cannot open the database: {exc.orig}") from exc


#: Columns that hold ciphertext sealed with the registry's key (see :mod:`.crypto`).
ENCRYPTED_COLUMNS = (
    ("informant", "name_enc"),
    ("informant", "contact_enc"),
    ("source_record", "protected_extra"),
    ("web_user", "totp_enc"),
    ("evidence_content", "file_key_enc"),
    ("evidence_link", "received_from_enc"),
    ("attribution_proposal", "text_enc"),
)


def encrypted_values(engine: Engine) -> int:
    """How many encrypted values the database holds (0 for a new or empty database)."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        total = 0
        for table, column in ENCRYPTED_COLUMNS:
            if table in tables:
                sql = f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL'
                total += int(conn.exec_driver_sql(sql).scalar_one())
    return total


def sealed_samples(engine: Engine) -> list[tuple[str, str]]:
    """One stored ciphertext per encrypted column that holds any, with its place
    (``table.column.row``): enough to tell whether a key opens this database."""
    samples = []
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        for table, column in ENCRYPTED_COLUMNS:
            if table in tables:
                sql = f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL ORDER BY id LIMIT 1'
                for row_id, stored in conn.exec_driver_sql(sql):
                    samples.append((f"{table}.{column}.{row_id}", str(stored)))
    return samples
