"""The admin pages: users (add, role, disable or enable) and API tokens (revoke)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from unforgotten.domain.roles import Permission, Role
from unforgotten.web import accounts, tokens
from unforgotten.web import schemas as m
from unforgotten.web.deps import CsrfChecked, WorkspaceDep, require
from unforgotten.web.render import page
from unforgotten.web.routes_auth import user_public

__all__ = ["router"]

router = APIRouter()
_ADMIN = [require(Permission.MANAGE), CsrfChecked]


@page(router, "/users", "users.html", m.UsersPage, access=Permission.MANAGE)
def users(ws: WorkspaceDep, request: Request) -> m.UsersPage:
    """Every user and every API token (admins only)."""
    ws.require(Permission.MANAGE)
    with ws.read() as conn:
        listed, issued = accounts.list_users(conn), tokens.list_tokens(conn)
    shown = request.session.pop("new_password", None)
    return m.UsersPage(
        users=[user_public(u) for u in listed],
        roles=[r.value for r in Role],
        new_password=shown if isinstance(shown, str) else None,
        tokens=[
            m.TokenPublic(id=t.id, user=t.user, label=t.label, created_at=t.created_at, revoked=t.revoked)
            for t in issued
        ],
    )


@router.post("/users", include_in_schema=False, dependencies=_ADMIN)
def add_user(
    request: Request, ws: WorkspaceDep, name: Annotated[str, Form()], role: Annotated[str, Form()]
) -> Response:
    _, password = accounts.add_user(ws, name, role=role)
    request.session["new_password"] = f"{name}: {password}"  # server-side, shown once
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/role", include_in_schema=False, dependencies=_ADMIN)
def change_role(ws: WorkspaceDep, name: str, role: Annotated[str, Form()]) -> Response:
    accounts.set_role(ws, name, role)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/active", include_in_schema=False, dependencies=_ADMIN)
def change_active(ws: WorkspaceDep, name: str, active: Annotated[bool, Form()]) -> Response:
    """Disable (every session ends at once) or enable a user."""
    accounts.set_active(ws, name, active)
    return RedirectResponse("/users", status_code=303)


@router.post("/tokens/{token_id}/revoke", include_in_schema=False, dependencies=_ADMIN)
def revoke_token(ws: WorkspaceDep, token_id: int) -> Response:
    tokens.revoke_token(ws, str(token_id))
    return RedirectResponse("/users", status_code=303)
