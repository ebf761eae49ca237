"""The registry as one object: database, keyring and who is acting.

>>> from unforgotten.settings import Settings
>>> ws = Workspace(Settings.build(db="sqlite:///:memory:"))  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from unforgotten.domain.roles import Permission, may
from unforgotten.errors import ConfigError, CryptoError, PermissionDenied, RegistryBusy
from unforgotten.settings import Settings
from unforgotten.store import checkpoints
from unforgotten.store.crypto import Keyring
from unforgotten.store.db import (
    busy_timeout,
    create_store_engine,
    encrypted_values,
    is_busy,
    is_current,
    migrate,
    sealed_samples,
)
from unforgotten.store.files import FileStore
from unforgotten.store.verify import VerifyReport, verify_files, verify_store
from unforgotten.store.verify_derived import check_sessions
from unforgotten.store.writer import Writer, append_event, head_event, lock_chain

__all__ = ["InitReport", "Workspace"]

_log = logging.getLogger("unforgotten.audit")


@dataclass(frozen=True, slots=True)
class InitReport:
    """What ``init`` did."""

    db_url: str
    key_file: str | None
    key_created: bool
    signing_key_file: str = ""
    signing_key_created: bool = False


def _owner_only(path: Path) -> None:
    """Create the SQLite file readable by its owner only, or take group and world access away
    from an existing one (and its write-ahead log), so other local users cannot copy it."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o077:
            file.chmod(0o600)


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

    @cached_property
    def signer(self) -> checkpoints.SigningKey | None:
        """The organisation's checkpoint key, or ``None`` where the registry has none yet."""
        return checkpoints.SigningKey.load(self.settings.signing_key_file)

    def init(self) -> InitReport:
        """Create or upgrade the schema; write a key file and a signing key where there are none."""
        self.require(Permission.MANAGE)
        if sqlite := self.settings.sqlite_path:
            sqlite.parent.mkdir(parents=True, exist_ok=True)
        created = False
        if not os.environ.get("UNFORGOTTEN_KEY") and not self.settings.key_file.exists():
            self._refuse_new_key_for_encrypted_data()
            Keyring.generate().save(self.settings.key_file)
            created = True
        if sqlite:
            _owner_only(sqlite)
        signing = self.settings.signing_key_file
        signing_created = self.signer is None
        if signing_created:
            checkpoints.SigningKey.generate().save(signing)
            self.__dict__.pop("signer", None)
        migrate(self.engine)
        with self.write(action="init", subject="store") as writer:
            writer.detail["schema"] = "head"
        key_file = None if os.environ.get("UNFORGOTTEN_KEY") else str(self.settings.key_file)
        return InitReport(self.settings.db_url, key_file, created, str(signing), signing_created)

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
            event = writer.close(action=action, subject=writer.subject or subject)
        self._sign(event)

    @contextmanager
    def state_write(self) -> Iterator[Connection]:
        """A write of unversioned state (web sessions, the credential throttle): no versions and no
        audit event, but the same lock and busy timeout as :meth:`write`."""
        with self._begin(write=True) as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction."""
        with self._begin(write=False) as conn:
            yield conn

    def audit(self, *, action: str, subject: str, detail: dict[str, Any]) -> None:
        """Record an event that writes no rows (a read of protected data, an export)."""
        with self._begin(write=True) as conn:
            lock_chain(conn)
            event = append_event(
                conn,
                actor=self.settings.actor,
                role=self.settings.role.value,
                action=action,
                subject=subject,
                detail=detail,
            )
        self._sign(event)

    def checkpoint(self) -> checkpoints.Checkpoint:
        """Sign the chain's current head now and append it to the checkpoint file."""
        self.require(Permission.VERIFY)
        if self.signer is None:
            raise ConfigError(
                f"no signing key at {self.settings.signing_key_file}; run `unforgotten init` to make "
                "one, or point UNFORGOTTEN_SIGNING_KEY_FILE at the organisation's key"
            )
        with self.read() as conn:
            last = head_event(conn)
        if last is None:
            raise ConfigError("the audit chain is empty; run `unforgotten init` first")
        signed = self.signer.sign(event_id=int(last.id), head=str(last.hash))
        checkpoints.append(self.settings.checkpoint_file, signed)
        return signed

    def verify(
        self,
        *,
        expect_head: str | None = None,
        copies: tuple[Path, ...] = (),
        public_key: checkpoints.SigningKey | None = None,
    ) -> VerifyReport:
        """:func:`verify_store` on this registry, against its signed checkpoints and kept ``copies``
        (with ``public_key``, a verify-only key, in place of the signing key file)."""
        self.require(Permission.VERIFY)
        with self.read() as conn:
            report = verify_store(
                conn,
                expect_head=expect_head,
                signer=public_key or self.signer,
                checkpoint_file=self.settings.checkpoint_file,
                copies=copies,
            )
            files, problems = verify_files(conn, self.files, lambda: self.keyring)
            if not report.breaks:
                check_sessions(conn, lambda: self.keyring, report.breaks, report.notes)
        report.breaks.extend(problems)
        return dataclasses.replace(report, files=files)

    @property
    def files(self) -> FileStore:
        """The store of evidence files (see :mod:`.files`)."""
        return FileStore(self.settings.evidence_dir)

    def _sign(self, event: dict[str, Any]) -> None:
        """Append a signed checkpoint of a committed event (where the registry has a signing key)."""
        if self.signer is None:
            return
        signed = self.signer.sign(event_id=int(event["id"]), head=str(event["hash"]))
        try:
            checkpoints.append(self.settings.checkpoint_file, signed)
        except OSError as exc:
            _log.warning(
                "event %s committed but its checkpoint could not be written to %s (%s)",
                event["id"],
                self.settings.checkpoint_file,
                exc.strerror,
            )

    @contextmanager
    def _begin(self, *, write: bool) -> Iterator[Connection]:
        """A transaction; a write that waited past the busy timeout for another writer's lock
        ends in :class:`RegistryBusy` (rolled back, nothing written), never a raw database error."""
        options = {"sqlite_begin": "IMMEDIATE" if write else "DEFERRED"}
        try:
            with self.engine.connect().execution_options(**options) as conn, conn.begin():
                yield conn
        except OperationalError as exc:
            if is_busy(exc):
                raise RegistryBusy(busy_timeout()) from None
            raise
