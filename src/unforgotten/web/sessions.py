"""Server-side sessions (no FastAPI here): the cookie carries only a random id.

The ``web_session`` row is found by the HMAC-SHA-256 of that id under the session secret (a copy
of the table opens no session), holds the user, when the session began, was last seen and ends,
whether it was revoked, and the session's data encrypted with the registry's key (the CSRF token,
a password shown once, a second-factor secret being set up). Log-out, a password change and
disabling a user revoke rows, so a replayed cookie is refused at once.

The sealed data also hold the session's user, start and end, bound to the row by the encryption's
context: a database writer who clears ``revoked`` (revocation also drops the sealed data), moves
``expires_at`` or changes ``user_id`` opens nothing, since only the sealed values count. The
sealed data also hold a fingerprint of the user's password hash at log-in, so after a password
change no session begun before it opens, even one whose older sealed copy was put back. Putting
back an older sealed copy of a logged-out session can still revive it within its lifetime;
`verify` names such a row (see :mod:`unforgotten.store.verify_derived`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select, update

from unforgotten.errors import CryptoError
from unforgotten.store.schema_web import web_session, web_user
from unforgotten.store.verify_derived import SESSION_CONTEXT
from unforgotten.store.workspace import Workspace

__all__ = ["Loaded", "SessionStore", "revoke_sessions"]

TOUCH_EVERY = dt.timedelta(minutes=1)
_s = web_session


def revoke_sessions(conn: Connection, *, user_id: int) -> int:
    """Revoke every open session of a user (inside the caller's write); returns how many."""
    result = conn.execute(
        update(_s).where(_s.c.user_id == user_id, _s.c.revoked.is_(False)).values(revoked=True, data_enc=None)
    )
    return int(result.rowcount or 0)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A session found by its cookie: its key, user, data and when it was last seen."""

    sid_hash: str
    user_id: int | None
    data: dict[str, Any]
    last_seen: dt.datetime
    bounds: dict[str, Any]


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _fingerprint(password_hash: str | None) -> str | None:
    """A short digest of a user's password hash: it changes with the password."""
    if password_hash is None:
        return None
    return hashlib.sha256(b"session:" + password_hash.encode("utf-8")).hexdigest()[:32]


class SessionStore:
    """Load, save and end sessions of one registry."""

    def __init__(self, ws: Workspace, *, secret: str, hours: int) -> None:
        self.ws = ws
        self._secret = secret.encode("utf-8")
        self.lifetime = dt.timedelta(hours=hours)

    def _hash(self, sid: str) -> str:
        return hmac.new(self._secret, sid.encode("utf-8"), hashlib.sha256).hexdigest()

    def seal_anonymous(self, token: str) -> str:
        """The cookie value that carries a visitor's CSRF token without a row: token and HMAC."""
        mac = hmac.new(self._secret, b"anon:" + token.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{token}.{mac}"

    def open_anonymous(self, value: str) -> str | None:
        """The token of a value :meth:`seal_anonymous` made, else ``None`` (forged or edited)."""
        token, _, _mac = value[:200].rpartition(".")
        if not token:
            return None
        return token if hmac.compare_digest(self.seal_anonymous(token), value[:200]) else None

    def _seal(self, sid_hash: str, data: dict[str, Any], bounds: dict[str, Any]) -> str | None:
        sealed = {"v": 2, "data": data, **bounds}
        text = json.dumps(sealed, ensure_ascii=False, sort_keys=True)
        return self.ws.keyring.encrypt(text, context=SESSION_CONTEXT.format(sid_hash))

    def load(self, sid: str) -> Loaded | None:
        """The open session of cookie value ``sid`` (not revoked, not expired), else ``None``."""
        key, now = self._hash(sid[:200]), _iso(dt.datetime.now(dt.UTC))
        with self.ws.read() as conn:
            row = conn.execute(
                select(_s, web_user.c.password_hash)
                .outerjoin(web_user, web_user.c.id == _s.c.user_id)
                .where(_s.c.sid_hash == key, _s.c.revoked.is_(False), _s.c.expires_at > now)
            ).first()
        if row is None:
            return None
        r = row._mapping
        try:
            text = self.ws.keyring.decrypt(r["data_enc"], context=SESSION_CONTEXT.format(key))
        except CryptoError:
            return None
        sealed = json.loads(text) if text else None
        if not isinstance(sealed, dict) or sealed.get("v") != 2:
            return None  # revoked (no sealed data), or sealed before the bounds were
        if sealed.get("uid") != r["user_id"] or str(sealed.get("expires", "")) <= now:
            return None  # the row's user or end was edited, or the sealed end has passed
        if sealed.get("pw") != _fingerprint(r["password_hash"]):
            return None  # begun before the user's password changed
        bounds = {k: sealed.get(k) for k in ("uid", "created", "expires", "pw")}
        return Loaded(
            key, r["user_id"], dict(sealed["data"]), dt.datetime.fromisoformat(r["last_seen"]), bounds
        )

    def create(self, data: dict[str, Any], *, replaces: Loaded | None) -> str:
        """A new session holding ``data`` (the old one revoked); returns the cookie value."""
        sid, now = secrets.token_urlsafe(32), dt.datetime.now(dt.UTC)
        key = self._hash(sid)
        uid = data.get("uid") if isinstance(data.get("uid"), int) else None
        bounds = {"uid": uid, "created": _iso(now), "expires": _iso(now + self.lifetime), "pw": None}
        if uid is not None:
            with self.ws.read() as conn:
                hashed = conn.execute(select(web_user.c.password_hash).where(web_user.c.id == uid)).scalar()
            bounds["pw"] = _fingerprint(hashed)
        row = {
            "sid_hash": key,
            "user_id": uid,
            "created_at": bounds["created"],
            "last_seen": _iso(now),
            "expires_at": bounds["expires"],
            "revoked": False,
            "data_enc": self._seal(key, data, bounds),
        }
        with self.ws.state_write() as conn:
            conn.execute(delete(_s).where(_s.c.expires_at < _iso(now - dt.timedelta(days=1))))
            if replaces is not None:
                self._revoke(conn, replaces.sid_hash)
            conn.execute(_s.insert(), [row])
        return sid

    def update(self, loaded: Loaded, data: dict[str, Any] | None) -> None:
        """Store new data of a session (only while it is open), or only note that it was seen."""
        values: dict[str, Any] = {"last_seen": _iso(dt.datetime.now(dt.UTC))}
        if data is not None:
            values["data_enc"] = self._seal(loaded.sid_hash, data, loaded.bounds)
        with self.ws.state_write() as conn:
            conn.execute(
                update(_s).where(_s.c.sid_hash == loaded.sid_hash, _s.c.revoked.is_(False)).values(**values)
            )

    def end(self, loaded: Loaded) -> None:
        """Revoke one session (log-out)."""
        with self.ws.state_write() as conn:
            self._revoke(conn, loaded.sid_hash)

    @staticmethod
    def _revoke(conn: Connection, key: str) -> None:
        conn.execute(update(_s).where(_s.c.sid_hash == key).values(revoked=True, data_enc=None))

    def needs_touch(self, loaded: Loaded) -> bool:
        """Whether ``last_seen`` is old enough to be written again."""
        return dt.datetime.now(dt.UTC) - loaded.last_seen > TOUCH_EVERY
