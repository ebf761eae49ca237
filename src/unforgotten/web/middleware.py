"""ASGI middleware of the application: security headers and server-side sessions.

:class:`ServerSessions` gives each request ``request.session`` (a dict) loaded from the
``web_session`` row its cookie names. After the response starts it stores changed data, begins
a new session (new id, the old one revoked) whenever the signed-in user changes, and revokes the
session when the data was cleared (log-out). The cookie holds only the random id.

A visitor who has not signed in gets no row: the only thing such a session holds is its CSRF
token, which travels in a second cookie (``unforgotten_anon``) with its HMAC under the session
secret, so requests without a log-in cannot grow the session table. The row begins at log-in.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unforgotten.web.sessions import Loaded, SessionStore

__all__ = ["ANON_COOKIE", "COOKIE", "CSP", "SecurityHeaders", "ServerSessions"]

COOKIE = "unforgotten_session"
ANON_COOKIE = "unforgotten_anon"
_ANON_KEYS = frozenset({"csrf"})  # what a session without a log-in may hold (no row for it)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds security headers and marks cookies ``Secure`` when served over https (or always)."""

    def __init__(self, app: ASGIApp, *, secure_cookies: str) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.secure_cookies == "always" or (
            self.secure_cookies == "auto" and scope.get("scheme") == "https"
        )

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (
                        k,
                        v + b"; Secure"
                        if secure and k == b"set-cookie" and b"secure" not in v.lower()
                        else v,
                    )
                    for k, v in message.get("headers", [])
                ] + _HEADERS
            await send(message)

        await self.app(scope, receive, wrapped)


def _cookie(scope: Scope, name: str = COOKIE) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            jar.load(value.decode("latin-1"))
            if name in jar:
                return jar[name].value
    return None


def _anonymous(data: dict[str, object]) -> bool:
    return set(data) <= _ANON_KEYS and isinstance(data.get("csrf", ""), str)


class ServerSessions:
    """``request.session`` kept in the database; the cookie carries only a random id."""

    def __init__(self, app: ASGIApp, *, store: SessionStore, max_age: int) -> None:
        self.app = app
        self.store = store
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sid = _cookie(scope)
        loaded = await to_thread.run_sync(self.store.load, sid) if sid else None
        if loaded is not None:
            scope["session"] = dict(loaded.data)
            scope["session_key"] = loaded.sid_hash  # named in the log-out's audit event
        else:
            token = self.store.open_anonymous(_cookie(scope, ANON_COOKIE) or "")
            scope["session"] = {"csrf": token} if token else {}
        before = json.dumps(scope["session"], sort_keys=True)

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = await to_thread.run_sync(self._save, loaded, scope["session"], before)
                message["headers"] = [
                    *message.get("headers", []),
                    *((b"set-cookie", h.encode("latin-1")) for h in headers),
                ]
            await send(message)

        await self.app(scope, receive, wrapped)

    def _save(self, loaded: Loaded | None, data: dict[str, object], before: str) -> list[str]:
        changed = json.dumps(data, sort_keys=True) != before
        if loaded is None and _anonymous(data):  # no log-in: no row, the token in a signed cookie
            if not changed or not data:
                return []
            value = self.store.seal_anonymous(str(data["csrf"]))
            return [f"{ANON_COOKIE}={value}; path=/; Max-Age={self.max_age}; httponly; samesite=lax"]
        if not data:
            if loaded is None:
                return []
            self.store.end(loaded)
            return [f"{COOKIE}=null; path=/; Max-Age=0; httponly; samesite=lax"]
        if loaded is None or data.get("uid") != loaded.user_id:
            sid = self.store.create(data, replaces=loaded)
            return [
                f"{COOKIE}={sid}; path=/; Max-Age={self.max_age}; httponly; samesite=lax",
                f"{ANON_COOKIE}=null; path=/; Max-Age=0; httponly; samesite=lax",
            ]
        if changed:
            self.store.update(loaded, data)
        elif self.store.needs_touch(loaded):
            self.store.update(loaded, None)
        return []
