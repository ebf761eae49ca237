"""Log-in (password, lock-out, optional TOTP), log-out, language, account and the users page."""

from __future__ import annotations

from typing import Annotated

import pyotp
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unforgotten.domain.roles import Permission, Role
from unforgotten.web import accounts
from unforgotten.web import schemas as m
from unforgotten.web.deps import CsrfChecked, CurrentUser, Lang, WorkspaceDep, require, state
from unforgotten.web.i18n import LANGUAGES
from unforgotten.web.render import page, render

__all__ = ["router", "user_public"]

router = APIRouter()


def user_public(user: accounts.User) -> m.UserPublic:
    """The listed fields of a user."""
    return m.UserPublic(
        id=user.id,
        name=user.name,
        role=user.role.value,
        active=user.active,
        totp=user.totp,
        created_at=user.created_at,
    )


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, lang: Lang, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", lang=lang, user=None, next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse, include_in_schema=False, dependencies=[CsrfChecked])
def login(
    request: Request,
    lang: Lang,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    result = accounts.authenticate(state(request).base, name, password)
    if result.user is None:
        error = "locked" if result.reason == "locked" else "bad_login"
        return render(
            request, "login.html", lang=lang, user=None, next=_safe_next(next), error=error, status=401
        )
    request.session.clear()  # a fresh session at each log-in (no fixation)
    if result.needs_totp:
        request.session["pending"] = result.user.id
        return RedirectResponse(f"/login/totp?next={_safe_next(next)}", status_code=303)
    request.session["uid"] = result.user.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/login/totp", response_class=HTMLResponse, include_in_schema=False)
def totp_form(request: Request, lang: Lang, next: str = "/") -> HTMLResponse:
    return render(request, "totp.html", lang=lang, user=None, next=_safe_next(next), error=None)


@router.post("/login/totp", response_class=HTMLResponse, include_in_schema=False, dependencies=[CsrfChecked])
def totp(
    request: Request,
    lang: Lang,
    code: Annotated[str, Form(max_length=10)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    pending = request.session.get("pending")
    if not isinstance(pending, int) or not accounts.check_totp(state(request).base, pending, code):
        return render(
            request, "totp.html", lang=lang, user=None, next=_safe_next(next), error="bad_code", status=401
        )
    request.session.clear()
    request.session["uid"] = pending
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[CsrfChecked])
def logout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}", include_in_schema=False)
def choose_language(request: Request, code: str, next: str = "/") -> RedirectResponse:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            "lang",
            code,
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


@page(router, "/account", "account.html", m.UserPublic)
def account(user: CurrentUser, request: Request) -> m.UserPublic:
    """The signed-in user."""
    if not user.totp and "totp_setup" not in request.session:
        request.session["totp_setup"] = pyotp.random_base32()
    return user_public(user)


@router.post("/account/totp", include_in_schema=False, dependencies=[CsrfChecked])
def account_totp(
    request: Request, ws: WorkspaceDep, user: CurrentUser, code: Annotated[str, Form()]
) -> Response:
    secret = request.session.get("totp_setup")
    if not isinstance(secret, str):
        return RedirectResponse("/account", status_code=303)
    accounts.enable_totp(ws, user.id, secret, code)
    request.session.pop("totp_setup", None)
    return RedirectResponse("/account", status_code=303)


@page(router, "/users", "users.html", m.UsersPage)
def users(ws: WorkspaceDep, request: Request) -> m.UsersPage:
    """Every user (admins only)."""
    ws.require(Permission.MANAGE)
    with ws.read() as conn:
        listed = accounts.list_users(conn)
    shown = request.session.pop("new_password", None)
    return m.UsersPage(
        users=[user_public(u) for u in listed],
        roles=[r.value for r in Role],
        new_password=shown if isinstance(shown, str) else None,
    )


@router.post("/users", include_in_schema=False, dependencies=[CsrfChecked, require(Permission.MANAGE)])
def add_user(
    request: Request, ws: WorkspaceDep, name: Annotated[str, Form()], role: Annotated[str, Form()]
) -> Response:
    _, password = accounts.add_user(ws, name, role=role)
    request.session["new_password"] = f"{name}: {password}"
    return RedirectResponse("/users", status_code=303)


@router.post(
    "/users/{name}/role", include_in_schema=False, dependencies=[CsrfChecked, require(Permission.MANAGE)]
)
def change_role(ws: WorkspaceDep, name: str, role: Annotated[str, Form()]) -> Response:
    accounts.set_role(ws, name, role)
    return RedirectResponse("/users", status_code=303)
