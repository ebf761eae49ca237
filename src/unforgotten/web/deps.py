"""Dependencies of the routes, as ``Annotated`` aliases: the user, the workspace, CSRF, the language.

A request is authenticated by its session cookie (a browser) or by ``Authorization: Bearer TOKEN``
(a script). The workspace a route gets acts as that user: ``actor="web:NAME"`` and the user's role,
so the store's own permission checks and audit events apply unchanged.

Every route declares who may call it with one dependency: :func:`require` (a permission),
:func:`signed_in` (any user) or :func:`public` (anyone); :func:`access_of` reads the declaration
back, and a test walks every route of the application and fails for one without it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from sqlalchemy import Engine

from unforgotten.domain.roles import Permission, may
from unforgotten.errors import NotFoundError, PermissionDenied
from unforgotten.store.workspace import Workspace
from unforgotten.web.accounts import User, get_user
from unforgotten.web.config import WebSettings
from unforgotten.web.i18n import LANGUAGES
from unforgotten.web.tokens import user_for_token

__all__ = [
    "Access",
    "CsrfChecked",
    "CurrentUser",
    "Lang",
    "LoginRequired",
    "SessionDep",
    "WorkspaceDep",
    "access_of",
    "allows",
    "client_address",
    "csrf_token",
    "declare",
    "public",
    "require",
    "signed_in",
]

Access = Permission | Literal["public", "signed_in"]
_ACCESS: dict[Callable[..., Any], Access] = {}


class LoginRequired(Exception):
    """Raised when a page needs a signed-in user and there is none."""


@dataclass
class AppState:
    """What the application keeps between requests."""

    settings: WebSettings
    engine: Engine
    base: Workspace


def state(request: Request) -> AppState:
    """The application's state."""
    value: AppState = request.app.state.unforgotten
    return value


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def client_address(request: Request) -> str | None:
    """The client's address (behind a proxy, the one the proxy reports)."""
    return request.client.host if request.client else None


def current_user(request: Request) -> User:
    """The signed-in user (session or bearer token); :class:`LoginRequired` when none."""
    st = state(request)
    token = _bearer(request)
    if token is not None:
        user = user_for_token(st.base, token, address=client_address(request))
        request.state.bearer = True
        return user
    with st.base.read() as conn:
        uid = request.session.get("uid")
        if not isinstance(uid, int):
            raise LoginRequired
        try:
            user = get_user(conn, uid)
        except NotFoundError:
            request.session.clear()
            raise LoginRequired from None
    if not user.active:
        request.session.clear()
        raise LoginRequired
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def workspace(request: Request, user: CurrentUser) -> Workspace:
    """A workspace acting as the user, on the application's shared engine and keyring."""
    st = state(request)
    settings = replace(st.base.settings, actor=f"web:{user.name}", role=user.role)
    ws = Workspace(settings, engine=st.engine)
    ws.__dict__["keyring"] = st.base.keyring  # share the loaded keyring (cached_property slot)
    return ws


WorkspaceDep = Annotated[Workspace, Depends(workspace)]
SessionDep = WorkspaceDep  # the template's name for "the unit of work of this request"


@cache
def _permission_check(permission: Permission) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        if not may(user.role, permission):
            raise PermissionDenied(f"role {user.role.value!r} may not {permission.value}")
        return user

    _ACCESS[check] = permission
    return check


def require(permission: Permission) -> Any:
    """A dependency that refuses users whose role lacks ``permission``."""
    return Depends(_permission_check(permission))


def _signed_in(user: CurrentUser) -> User:
    return user


def _public() -> None:
    return None


_ACCESS[_signed_in] = "signed_in"
_ACCESS[_public] = "public"


def signed_in() -> Any:
    """A dependency that lets any signed-in user through (their own account, log-out)."""
    return Depends(_signed_in)


def public() -> Any:
    """A dependency that declares a route open to anyone (log-in, language, static files)."""
    return Depends(_public)


def declare(access: Access) -> Any:
    """The dependency that declares ``access``."""
    if access == "public":
        return public()
    if access == "signed_in":
        return signed_in()
    return require(Permission(access))


def access_of(dependant: Any) -> list[Access]:
    """Every access declared by a route's dependencies (``route.dependant``), outermost first."""
    found: list[Access] = []
    for dep in getattr(dependant, "dependencies", []):
        if dep.call in _ACCESS:
            found.append(_ACCESS[dep.call])
        found += access_of(dep)
    return found


def allows(access: Access, role: str | None) -> bool:
    """Whether ``role`` (``None``: anonymous) passes ``access``."""
    if access == "public":
        return True
    return role is not None and (access == "signed_in" or may(role, Permission(access)))


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request from a browser without the session's CSRF token."""
    if _bearer(request) is not None:
        return  # scripts authenticate with a header a foreign page cannot set
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")


CsrfChecked = Depends(check_csrf)


def language(request: Request) -> str:
    """The user's language: the ``lang`` cookie, else the browser's preference, else English."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    accept = request.headers.get("accept-language", "")
    return "ko" if accept.lower().startswith("ko") else "en"


Lang = Annotated[str, Depends(language)]
