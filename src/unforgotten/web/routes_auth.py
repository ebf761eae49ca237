"""Log-in (password, lock-out, optional TOTP), log-out, language, the user's own account."""

from __future__ import annotations

from typing import Annotated

import pyotp
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unforgotten.errors import ValidationError
from unforgotten.web import accounts
from unforgotten.web import schemas as m
from unforgotten.web.deps import (
    CsrfChecked,
    CurrentUser,
    Lang,
    WorkspaceDep,
    client_address,
    public,
    signed_in,
    state,
)
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


@router.get("/login", response_class=HTMLResponse, include_in_schema=False, dependencies=[public()])
def login_form(request: Request, lang: Lang, next: str = "/", changed: bool = False) -> HTMLResponse:
    notice = "password_changed" if changed else None
    return render(
        request, "login.html", lang=lang, user=None, next=_safe_next(next), error=None, notice=notice
    )


@router.post(
    "/login", response_class=HTMLResponse, include_in_schema=False, dependencies=[public(), CsrfChecked]
)
def login(
    request: Request,
    lang: Lang,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    result = accounts.authenticate(state(request).base, name, password, address=client_address(request))
    if result.user is None:
        error = "locked" if result.reason == "locked" else "bad_login"
        return render(
            request, "login.html", lang=lang, user=None, next=_safe_next(next), error=error, status=401
        )
    request.session.clear()  # a new session id once signed in (no fixation): see middleware
    if result.needs_totp:
        request.session["pending"] = result.user.id
        return RedirectResponse(f"/login/totp?next={_safe_next(next)}", status_code=303)
    request.session["uid"] = result.user.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/login/totp", response_class=HTMLResponse, include_in_schema=False, dependencies=[public()])
def totp_form(request: Request, lang: Lang, next: str = "/") -> HTMLResponse:
    return render(request, "totp.html", lang=lang, user=None, next=_safe_next(next), error=None)


@router.post(
    "/login/totp", response_class=HTMLResponse, include_in_schema=False, dependencies=[public(), CsrfChecked]
)
def totp(
    request: Request,
    lang: Lang,
    code: Annotated[str, Form(max_length=10)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    pending = request.session.get("pending")
    outcome = "bad"
    if isinstance(pending, int):
        outcome = accounts.check_totp(state(request).base, pending, code, address=client_address(request))
    if outcome != "ok":
        error = "locked" if outcome == "locked" else "bad_code"
        return render(
            request, "totp.html", lang=lang, user=None, next=_safe_next(next), error=error, status=401
        )
    request.session.clear()
    request.session["uid"] = pending
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[public(), CsrfChecked])
def logout(request: Request) -> RedirectResponse:
    """End the session: its row is revoked, so the cookie opens nothing afterwards."""
    uid = request.session.get("uid")
    if isinstance(uid, int):
        key = request.scope.get("session_key")
        detail = {"session": key} if isinstance(key, str) else {}
        state(request).base.audit(action="logout", subject=f"user:{uid}", detail=detail)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}", include_in_schema=False, dependencies=[public()])
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


@page(router, "/account", "account.html", m.UserPublic, access="signed_in")
def account(user: CurrentUser, request: Request) -> m.UserPublic:
    """The signed-in user."""
    if not user.totp and "totp_setup" not in request.session:
        request.session["totp_setup"] = pyotp.random_base32()
    return user_public(user)


@router.post("/account/totp", include_in_schema=False, dependencies=[signed_in(), CsrfChecked])
def account_totp(
    request: Request, ws: WorkspaceDep, user: CurrentUser, code: Annotated[str, Form()]
) -> Response:
    secret = request.session.get("totp_setup")
    if not isinstance(secret, str):
        return RedirectResponse("/account", status_code=303)
    accounts.enable_totp(ws, user.id, secret, code)
    request.session.pop("totp_setup", None)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password", include_in_schema=False, dependencies=[signed_in(), CsrfChecked])
def account_password(
    request: Request,
    ws: WorkspaceDep,
    user: CurrentUser,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Change one's own password; every session of the user ends, this one included."""
    outcome = accounts.change_password(ws, user, current=current, new=new, address=client_address(request))
    if outcome == "locked":
        raise ValidationError("too many wrong passwords; wait 15 minutes and try again")
    if outcome != "ok":
        raise ValidationError("the current password is wrong")
    request.session.clear()
    return RedirectResponse("/login?changed=1", status_code=303)
