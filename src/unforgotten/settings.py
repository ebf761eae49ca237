"""Settings: one typed object, built from options and the environment, passed in.

| setting | option | environment | default |
|---|---|---|---|
| database URL | ``--db`` | ``UNFORGOTTEN_DB`` | ``sqlite:///unforgotten.db`` in the working directory |
| key file | ``--key-file`` | ``UNFORGOTTEN_KEY_FILE`` | ``NAME.key`` by SQLite, else ``unforgotten.key`` |
| keyring itself | | ``UNFORGOTTEN_KEY`` | read from the key file |
| signing key | | ``UNFORGOTTEN_SIGNING_KEY_FILE`` | beside the key file: ``NAME.signing-key`` |
| checkpoints | | ``UNFORGOTTEN_CHECKPOINTS`` | beside the key file: ``NAME.checkpoints`` |
| evidence files | | ``UNFORGOTTEN_EVIDENCE_DIR`` | ``NAME.evidence/`` by SQLite, else ``./evidence`` |
| busy timeout (s) | | ``UNFORGOTTEN_BUSY_TIMEOUT`` | 30: a write waits this long behind another |
| actor | ``--as`` | ``UNFORGOTTEN_ACTOR`` | the login name of the local user |
| role | ``--role`` | ``UNFORGOTTEN_ROLE`` | ``admin`` (the command line acts as the local admin) |
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from unforgotten.domain.roles import Role
from unforgotten.errors import ConfigError

__all__ = ["DEFAULT_DB", "Settings", "resolve_db_url"]

DEFAULT_DB = "unforgotten.db"


def resolve_db_url(db: str | None) -> str:
    """Turn ``--db`` (a URL or a SQLite file path) into a SQLAlchemy URL.

    >>> resolve_db_url("postgresql://u@localhost/x")
    'postgresql+psycopg://u@localhost/x'
    """
    value = db or os.environ.get("UNFORGOTTEN_DB") or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):
            return "postgresql+psycopg://" + value[len(plain) :]
    if value.startswith(("sqlite://", "postgresql+")):
        return value
    raise ConfigError(f"unsupported database URL {value.split('://')[0]}://…; use SQLite or PostgreSQL")


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///"))
    return None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a command needs to reach the registry, and who is acting."""

    db_url: str
    key_file: Path
    actor: str
    role: Role

    @classmethod
    def build(
        cls,
        *,
        db: str | None = None,
        key_file: str | None = None,
        actor: str | None = None,
        role: str | None = None,
    ) -> Settings:
        """Settings from explicit values, falling back to the environment and defaults."""
        url = resolve_db_url(db)
        key = key_file or os.environ.get("UNFORGOTTEN_KEY_FILE")
        sqlite = _sqlite_path(url)
        default_key = sqlite.with_name(sqlite.name + ".key") if sqlite else Path("unforgotten.key")
        role_name = role or os.environ.get("UNFORGOTTEN_ROLE") or Role.ADMIN.value
        try:
            parsed_role = Role(role_name)
        except ValueError as exc:
            raise ConfigError(f"unknown role {role_name!r}; use one of {[r.value for r in Role]}") from exc
        who = actor or os.environ.get("UNFORGOTTEN_ACTOR") or _login()
        return cls(url, Path(key).resolve() if key else default_key.resolve(), who, parsed_role)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file when the store is SQLite on disk."""
        return _sqlite_path(self.db_url)

    def _beside(self, suffix: str, env: str) -> Path:
        """A file named after the key file, in its folder (``registry.db.key`` → ``registry.db`` + suffix)."""
        if value := os.environ.get(env):
            return Path(value).expanduser().resolve()
        key = self.key_file
        return key.with_name((key.stem if key.suffix == ".key" else key.name) + suffix)

    @property
    def signing_key_file(self) -> Path:
        """The organisation's Ed25519 key that signs checkpoints of the audit chain."""
        return self._beside(".signing-key", "UNFORGOTTEN_SIGNING_KEY_FILE")

    @property
    def checkpoint_file(self) -> Path:
        """Where signed checkpoints of the audit chain are appended."""
        return self._beside(".checkpoints", "UNFORGOTTEN_CHECKPOINTS")

    @property
    def evidence_dir(self) -> Path:
        """Where evidence files are kept, by SHA-256 (``UNFORGOTTEN_EVIDENCE_DIR``, else beside a
        SQLite file, else ./evidence)."""
        if value := os.environ.get("UNFORGOTTEN_EVIDENCE_DIR"):
            return Path(value).expanduser().resolve()
        base = self.sqlite_path
        return base.with_name(base.name + ".evidence") if base else Path("evidence").resolve()


def _login() -> str:
    try:
        return f"local:{getpass.getuser()}"
    except (KeyError, OSError):
        return "local:unknown"
