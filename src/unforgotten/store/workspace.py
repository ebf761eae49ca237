"""The registry as one object: database, keyring and who is acting.

>>> from unforgotten.settings import Settings
>>> ws = Workspace(Settings.build(db="sqlite:///:memory:"))  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine

from unforgotten.domain.roles import Permission, may
from unforgotten.errors import ConfigError, CryptoError, PermissionDenied
from unforgotten.settings import Settings
from unforgotten.store.crypto import Keyring
from unforgotten.store.db import (
    create_store_engine,
    encrypted_values,
    is_current,
    migrate,
    sealed_samples,
)
from unforgotten.store.writer import Writer, append_event, lock_chain

__all__ = ["InitReport", "Workspace"]


@dataclass(frozen=True, slots=True)
class InitReport:
    """What ``init`` did."""

    db_url: str
    key_file: str | None
    key_created: bool


class Workspace:
    """Opens the registry named by the settings; every write and protected read is audited."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._ready = False

    @property
    def engine(self) -> Engine:
        """The database engine (created on first use)."""
        if self._engine is None:
            self._engine = create_store_engine(self.settings.db_url)
        return self._engine

    @cached_property
    def keyring(self) -> Keyring:
        """The keyring that protects fields at rest (loaded on first use and checked to open
        this database's protected values: a missing or wrong key is named as such)."""
        from_env = bool(os.environ.get("UNFORGOTTEN_KEY"))
        path = self.settings.key_file
        missing = not from_env and not path.exists() and self._database_exists()
        if missing and (sealed := encrypted_values(self.engine)):
            raise ConfigError(
                f"the key file {path} is missing: this database holds {sealed:,} encrypted values "
                "that only its key opens; restore the key file from the key backup kept with this "
                "database's backup (or set UNFORGOTTEN_KEY, or point --key-file at it)"
            )
        ring = Keyring.load(path)
        if self._database_exists():
            self._check_key_opens(ring, origin="UNFORGOTTEN_KEY" if from_env else f"the key file {path}")
        return ring

    def _database_exists(self) -> bool:
        sqlite = self.settings.sqlite_path
        return sqlite is None or sqlite.exists()

    def _check_key_opens(self, ring: Keyring, *, origin: str) -> None:
        """Decrypt one stored value per protected column; a key that cannot is named wrong."""
        for context, stored in sealed_samples(self.engine):
            try:
                ring.decrypt(stored, context=context)
            except CryptoError:
                parts = stored.split(":", 2)
                key_id = parts[1] if len(parts) == 3 else "unknown"
                why = (
                    f"its values are sealed with key id {key_id}, which the file holds but which does "
                    "not open them: the file is corrupted or from another registry"
                    if key_id in ring.keys
                    else f"its values are sealed with key id {key_id}; the file holds "
                    + ", ".join(sorted(ring.keys))
                )
                raise CryptoError(
                    f"{origin} does not match this database (it cannot decrypt its protected values; "
                    f"{why}). Restore the key file backed up with this database, or point --key-file at it."
                ) from None

    def init(self) -> InitReport:
        """Create or upgrade the schema and write a key file if there is no key yet."""
        self.require(Permission.MANAGE)
        if sqlite := self.settings.sqlite_path:
            sqlite.parent.mkdir(parents=True, exist_ok=True)
        created = False
        if not os.environ.get("UNFORGOTTEN_KEY") and not self.settings.key_file.exists():
            self._refuse_new_key_for_encrypted_data()
            Keyring.generate().save(self.settings.key_file)
            created = True
        migrate(self.engine)
        with self.write(action="init", subject="store") as writer:
            writer.detail["schema"] = "head"
        key_file = None if os.environ.get("UNFORGOTTEN_KEY") else str(self.settings.key_file)
        return InitReport(self.settings.db_url, key_file, created)

    def _refuse_new_key_for_encrypted_data(self) -> None:
        """A new key cannot open values sealed with the old one: never make one silently."""
        if (sqlite := self.settings.sqlite_path) and not sqlite.exists():
            return
        sealed = encrypted_values(self.engine)
        if sealed:
            raise ConfigError(
                f"the key file {self.settings.key_file} is missing, but the database already holds "
                f"{sealed:,} encrypted values that only its key opens; restore the key file from its "
                "backup (or set UNFORGOTTEN_KEY, or point --key-file at it). No new key was made."
            )

    def ensure_ready(self) -> None:
        """Fail with a clear message unless the database is initialised and current (checked once)."""
        if self._ready:
            return
        missing = self.settings.sqlite_path is not None and not self.settings.sqlite_path.exists()
        if missing or not is_current(self.engine):
            raise ConfigError(
                f"the database {self.settings.db_url} is not initialised or not current; "
                "run `unforgotten init` first"
            )
        self._ready = True

    def require(self, permission: Permission) -> None:
        """Raise :class:`PermissionDenied` unless the acting role holds ``permission``."""
        if not may(self.settings.role, permission):
            raise PermissionDenied(f"role {self.settings.role.value!r} may not {permission.value}")

    @contextmanager
    def write(self, *, action: str, subject: str) -> Iterator[Writer]:
        """A transaction whose rows are versioned and closed by one audit event."""
        with self._begin(write=True) as conn:
            writer = Writer(conn, actor=self.settings.actor, role=self.settings.role.value)
            yield writer
            writer.close(action=action, subject=subject)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction."""
        with self._begin(write=False) as conn:
            yield conn

    def audit(self, *, action: str, subject: str, detail: dict[str, Any]) -> None:
        """Record an event that writes no rows (a read of protected data, an export)."""
        with self._begin(write=True) as conn:
            lock_chain(conn)
            append_event(
                conn,
                actor=self.settings.actor,
                role=self.settings.role.value,
                action=action,
                subject=subject,
                detail=detail,
            )

    @contextmanager
    def _begin(self, *, write: bool) -> Iterator[Connection]:
        options = {"sqlite_begin": "IMMEDIATE" if write else "DEFERRED"}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn
