"""Settings of the web application: one typed object, built from the environment, passed in.

| setting | environment | default |
|---|---|---|
| session secret | ``UNFORGOTTEN_SESSION_SECRET`` | ``KEYFILE.session`` beside the key file (0600) |
| secure cookies | ``UNFORGOTTEN_SECURE_COOKIES`` | ``auto``: Secure over https (or ``always``/``never``) |
| development | ``UNFORGOTTEN_ENV=development`` | off |
| session lifetime | ``UNFORGOTTEN_SESSION_HOURS`` | 12 |
| public OpenAPI | ``UNFORGOTTEN_OPENAPI_PUBLIC=1`` | off: ``/api/openapi.json`` needs a log-in |

Outside development a missing, short or placeholder secret is refused.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from unforgotten.errors import ConfigError
from unforgotten.settings import Settings

__all__ = ["WebSettings", "load_secret"]

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "changethis", "development", "test", "xxx"}
MIN_SECRET = 32


def load_secret(path: Path) -> str:
    """The session secret in ``path``, written there (owner-only) first if the file is absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path} is readable by others; chmod 600 it")
    return path.read_text(encoding="ascii").strip()


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What the web application needs beyond the registry's settings."""

    registry: Settings
    session_secret: str
    secure_cookies: str = "auto"
    development: bool = False
    session_hours: int = 12
    openapi_public: bool = False

    def __post_init__(self) -> None:
        weak = self.session_secret.lower() in _PLACEHOLDERS or len(self.session_secret) < MIN_SECRET
        if weak and not self.development:
            raise ConfigError(
                "the session secret is missing, a placeholder or shorter than 32 characters; "
                "set UNFORGOTTEN_SESSION_SECRET or remove it to have one generated"
            )

    @classmethod
    def build(cls, registry: Settings, *, development: bool | None = None) -> WebSettings:
        """Settings from the environment, generating a session secret file when needed."""
        dev = development if development is not None else os.environ.get("UNFORGOTTEN_ENV") == "development"
        secret = os.environ.get("UNFORGOTTEN_SESSION_SECRET")
        if secret is None:
            secret = load_secret(registry.key_file.with_name(registry.key_file.name + ".session"))
        secure = os.environ.get("UNFORGOTTEN_SECURE_COOKIES", "auto")
        if secure not in ("auto", "always", "never"):
            raise ConfigError("UNFORGOTTEN_SECURE_COOKIES is auto, always or never")
        hours = int(os.environ.get("UNFORGOTTEN_SESSION_HOURS", "12"))
        public = os.environ.get("UNFORGOTTEN_OPENAPI_PUBLIC", "0") == "1"
        return cls(
            registry,
            secret,
            secure_cookies=secure,
            development=dev,
            session_hours=hours,
            openapi_public=public,
        )
