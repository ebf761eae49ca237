"""API tokens for scripts (no FastAPI here): create, list, check, revoke.

Only the SHA-256 of a token is stored; a token is shown once. A wrong token names no account,
so failures count against the client's address (:mod:`.throttle`): a locked address is refused
before any look-up, and every failure is counted under the throttle's lock.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import NotFoundError, PermissionDenied, ValidationError
from unforgotten.store.schema_web import api_token, web_user
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import now_iso
from unforgotten.web import throttle
from unforgotten.web.accounts import User, user_from_row

__all__ = ["Token", "create_token", "list_tokens", "revoke_token", "user_for_token"]


@dataclass(frozen=True, slots=True)
class Token:
    """An API token as listed (never the token itself)."""

    id: int
    user: str
    label: str | None
    created_at: str
    revoked: bool


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(ws: Workspace, name: str, *, label: str | None = None) -> str:
    """A new API token for user ``name`` (shown once; only its SHA-256 is kept)."""
    ws.require(Permission.MANAGE)
    token = "uft_" + secrets.token_urlsafe(32)
    with ws.write(action="token_create", subject=f"user:{name}") as writer:
        uid = writer.conn.execute(select(web_user.c.id).where(web_user.c.name == name)).scalar()
        if uid is None:
            raise NotFoundError(f"user {name!r} does not exist")
        row = {
            "id": writer.allocate(api_token),
            "user_id": uid,
            "token_sha256": _digest(token),
            "label": label,
            "created_at": now_iso(),
            "revoked": False,
        }
        writer.insert(api_token, [row])
    return token


def list_tokens(conn: Connection) -> list[Token]:
    """Every token, newest first (id, user, label, created, revoked)."""
    query = (
        select(api_token, web_user.c.name)
        .join(web_user, web_user.c.id == api_token.c.user_id)
        .order_by(api_token.c.id.desc())
    )
    return [
        Token(r["id"], r["name"], r["label"], r["created_at"], bool(r["revoked"]))
        for r in conn.execute(query).mappings()
    ]


def _token_id(conn: Connection, ref: str) -> int:
    if ref.isdigit():
        found = conn.execute(select(api_token.c.id).where(api_token.c.id == int(ref))).scalars().all()
    else:
        found = (
            conn.execute(select(api_token.c.id).where(api_token.c.label == ref).order_by(api_token.c.id))
            .scalars()
            .all()
        )
    if not found:
        raise NotFoundError(f"no token with id or label {ref!r}; see `unforgotten token list`")
    if len(found) > 1:
        raise ValidationError(f"{len(found)} tokens have the label {ref!r}; revoke one by id: {found}")
    return int(found[0])


def revoke_token(ws: Workspace, ref: str) -> int:
    """Revoke the token with id or label ``ref`` (audited); returns its id."""
    ws.require(Permission.MANAGE)
    with ws.write(action="token_revoke", subject=f"token:{ref[:100]}") as writer:
        token_id = _token_id(writer.conn, ref)
        writer.update(api_token, token_id, {"revoked": True}, reason="revoked")
    return token_id


def user_for_token(ws: Workspace, token: str, *, address: str | None) -> User:
    """The active user a token belongs to; :class:`PermissionDenied` otherwise (a failure counted)."""
    addr = throttle.address_key(address)
    with ws.read() as conn:
        if throttle.locked(conn, keys=[], address=addr):
            raise PermissionDenied("too many failed attempts from this address; wait 15 minutes")
        row = conn.execute(
            select(web_user)
            .join(api_token, api_token.c.user_id == web_user.c.id)
            .where(api_token.c.token_sha256 == _digest(token), api_token.c.revoked.is_(False))
        ).first()
    if row is None:
        throttle.reserve(ws, keys=[], address=addr, count_address=True)
        raise PermissionDenied("unknown or revoked token")
    user = user_from_row(row)
    if not user.active:
        raise PermissionDenied("unknown or revoked token")
    return user
