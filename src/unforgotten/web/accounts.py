"""Users, passwords, second factors, API tokens and the log-in throttle (no FastAPI here).

Passwords are hashed with argon2id; a user may add a TOTP second factor (its secret encrypted
with the registry's keyring); scripts use API tokens, of which only the SHA-256 is stored.
After :data:`MAX_FAILURES` failed log-ins within :data:`LOCKOUT` a name is locked for that long,
even against the right password. The command line (``unforgotten user add``) and the admin page
both call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, func, select

from unforgotten.domain.roles import Permission, Role
from unforgotten.errors import NotFoundError, PermissionDenied, ValidationError
from unforgotten.store.schema_web import api_token, login_attempt, web_user
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import now_iso

__all__ = [
    "LOCKOUT",
    "MAX_FAILURES",
    "LoginResult",
    "User",
    "add_user",
    "authenticate",
    "check_totp",
    "create_token",
    "enable_totp",
    "get_user",
    "list_users",
    "set_active",
    "set_role",
    "user_for_token",
]

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _HASHER.hash("not a password of anyone")  # equal time for unknown names


@dataclass(frozen=True, slots=True)
class User:
    """A web user as the application sees it (no hash, no secret)."""

    id: int
    name: str
    role: Role
    active: bool
    totp: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class LoginResult:
    """Outcome of a password check: the user, or why not."""

    user: User | None
    reason: str  # ok | bad | locked | inactive
    needs_totp: bool = False


def _user(row: object) -> User:
    r = row._mapping  # type: ignore[attr-defined]
    return User(
        r["id"], r["name"], Role(r["role"]), bool(r["active"]), r["totp_enc"] is not None, r["created_at"]
    )


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise ValidationError("a user name is 1–100 characters without spaces")
    return name


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(f"unknown role {role!r}; use one of {[r.value for r in Role]}") from None


def add_user(ws: Workspace, name: str, *, role: str, password: str | None = None) -> tuple[User, str]:
    """Create a user; returns it and its password (generated when not given)."""
    ws.require(Permission.MANAGE)
    name, parsed = _check_name(name), _role(role)
    password = password or secrets.token_urlsafe(12)
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"a password has at least {MIN_PASSWORD} characters")
    with ws.write(action="user_add", subject=f"user:{name}") as writer:
        if writer.conn.execute(select(web_user.c.id).where(web_user.c.name == name)).first():
            raise ValidationError(f"user {name!r} already exists")
        uid, created = writer.allocate(web_user), now_iso()
        row: dict[str, object] = {
            "id": uid,
            "name": name,
            "role": parsed.value,
            "password_hash": _HASHER.hash(password),
            "totp_enc": None,
            "active": True,
            "created_at": created,
        }
        writer.insert(web_user, [row])
        writer.detail["role"] = parsed.value
    return User(uid, name, parsed, True, False, created), password


def list_users(conn: Connection) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in conn.execute(select(web_user).order_by(web_user.c.name))]


def get_user(conn: Connection, user_id: int) -> User:
    """One user by id."""
    row = conn.execute(select(web_user).where(web_user.c.id == user_id)).first()
    if row is None:
        raise NotFoundError(f"user {user_id} does not exist")
    return _user(row)


def _id_of(conn: Connection, name: str) -> int:
    uid = conn.execute(select(web_user.c.id).where(web_user.c.name == name)).scalar()
    if uid is None:
        raise NotFoundError(f"user {name!r} does not exist")
    return int(uid)


def set_role(ws: Workspace, name: str, role: str) -> None:
    """Change a user's role (a new version of the user, audited)."""
    ws.require(Permission.MANAGE)
    parsed = _role(role)
    with ws.write(action="user_role", subject=f"user:{name}") as writer:
        writer.update(
            web_user, _id_of(writer.conn, name), {"role": parsed.value}, reason=f"role {parsed.value}"
        )


def set_active(ws: Workspace, name: str, active: bool) -> None:
    """Enable or disable a user."""
    ws.require(Permission.MANAGE)
    with ws.write(action="user_active", subject=f"user:{name}") as writer:
        writer.update(web_user, _id_of(writer.conn, name), {"active": active}, reason=f"active {active}")


# ------------------------------------------------------------------ log-in
def _failures(conn: Connection, name: str, now: dt.datetime) -> int:
    since = (now - LOCKOUT).isoformat(timespec="microseconds")
    last_ok = conn.execute(
        select(func.max(login_attempt.c.at)).where(login_attempt.c.name == name, login_attempt.c.ok.is_(True))
    ).scalar()
    start = max(since, last_ok or "")
    query = select(func.count()).where(
        login_attempt.c.name == name, login_attempt.c.ok.is_(False), login_attempt.c.at > start
    )
    return int(conn.execute(query).scalar_one())


def _record_attempt(ws: Workspace, name: str, ok: bool) -> None:
    with ws.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        next_id = int(conn.execute(select(func.coalesce(func.max(login_attempt.c.id), 0))).scalar_one()) + 1
        conn.execute(login_attempt.insert(), [{"id": next_id, "name": name[:100], "at": now_iso(), "ok": ok}])


def authenticate(ws: Workspace, name: str, password: str, *, now: dt.datetime | None = None) -> LoginResult:
    """Check a name and password, with lock-out; every attempt is recorded and audited."""
    now = now or dt.datetime.now(dt.UTC)
    with ws.read() as conn:
        if _failures(conn, name, now) >= MAX_FAILURES:
            ws.audit(action="login_locked", subject=f"user:{name[:100]}", detail={})
            return LoginResult(None, "locked")
        row = conn.execute(select(web_user).where(web_user.c.name == name)).first()
    stored = row._mapping["password_hash"] if row is not None else _DUMMY_HASH
    try:
        good = _HASHER.verify(stored, password) and row is not None
    except (VerificationError, InvalidHashError):
        good = False
    _record_attempt(ws, name, good)
    ws.audit(action="login" if good else "login_failed", subject=f"user:{name[:100]}", detail={})
    if not good or row is None:
        return LoginResult(None, "bad")
    user = _user(row)
    if not user.active:
        return LoginResult(None, "inactive")
    return LoginResult(user, "ok", needs_totp=user.totp)


# ------------------------------------------------------------------ second factor
def _totp_context(user_id: int) -> str:
    return f"web_user.totp_enc.{user_id}"


def enable_totp(ws: Workspace, user_id: int, secret: str, code: str) -> None:
    """Turn on the second factor once the user shows a code from the new secret."""
    if not pyotp.TOTP(secret).verify(code, valid_window=1):
        raise ValidationError("the code does not match; check the clock of the device")
    with ws.write(action="user_totp", subject=f"user:{user_id}") as writer:
        enc = ws.keyring.encrypt(secret, context=_totp_context(user_id))
        writer.update(web_user, user_id, {"totp_enc": enc}, reason="second factor on")


def check_totp(ws: Workspace, user_id: int, code: str) -> bool:
    """Whether ``code`` is the user's current TOTP code (one step of clock drift allowed)."""
    with ws.read() as conn:
        enc = conn.execute(select(web_user.c.totp_enc).where(web_user.c.id == user_id)).scalar()
    if enc is None:
        return False
    secret = ws.keyring.decrypt(enc, context=_totp_context(user_id))
    ok = bool(secret) and pyotp.TOTP(str(secret)).verify(code.strip(), valid_window=1)
    if not ok:
        _record_attempt(ws, get_user_name(ws, user_id), False)
    return ok


def get_user_name(ws: Workspace, user_id: int) -> str:
    """The name of a user id."""
    with ws.read() as conn:
        return get_user(conn, user_id).name


# ------------------------------------------------------------------ API tokens
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(ws: Workspace, name: str, *, label: str | None = None) -> str:
    """A new API token for user ``name`` (shown once; only its SHA-256 is kept)."""
    ws.require(Permission.MANAGE)
    token = "uft_" + secrets.token_urlsafe(32)
    with ws.write(action="token_create", subject=f"user:{name}") as writer:
        uid = _id_of(writer.conn, name)
        writer.insert(
            api_token,
            [
                {
                    "id": writer.allocate(api_token),
                    "user_id": uid,
                    "token_sha256": _digest(token),
                    "label": label,
                    "created_at": now_iso(),
                    "revoked": False,
                }
            ],
        )
    return token


def user_for_token(conn: Connection, token: str) -> User:
    """The active user a token belongs to; :class:`PermissionDenied` for an unknown or revoked one."""
    row = conn.execute(
        select(web_user)
        .join(api_token, api_token.c.user_id == web_user.c.id)
        .where(api_token.c.token_sha256 == _digest(token), api_token.c.revoked.is_(False))
    ).first()
    if row is None or not row._mapping["active"]:
        raise PermissionDenied("unknown or revoked token")
    return _user(row)
