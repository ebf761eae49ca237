"""Users, passwords and second factors (no FastAPI here); API tokens are in :mod:`.tokens`.

Passwords are hashed with argon2id; a user may add a TOTP second factor (its secret encrypted
with the registry's keyring). Every password and code check goes through :mod:`.throttle`: after
:data:`~.throttle.MAX_FAILURES` failures within :data:`~.throttle.LOCKOUT` the name (or, for the
code, the name's second factor) is locked for that long, even against the right value.
Disabling a user or changing a password ends the user's sessions in the same audited write.
The command line (``unforgotten user ...``) and the admin pages both call these functions.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select

from unforgotten.domain.roles import Permission, Role
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.store.schema_web import web_user
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import now_iso
from unforgotten.web import throttle
from unforgotten.web.sessions import revoke_sessions

__all__ = [
    "LoginResult",
    "User",
    "add_user",
    "authenticate",
    "change_password",
    "check_totp",
    "enable_totp",
    "get_user",
    "list_users",
    "set_active",
    "set_password",
    "set_role",
    "user_from_row",
]

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


def user_from_row(row: object) -> User:
    """A :class:`User` from a ``web_user`` row."""
    r = row._mapping  # type: ignore[attr-defined]
    return User(
        r["id"], r["name"], Role(r["role"]), bool(r["active"]), r["totp_enc"] is not None, r["created_at"]
    )


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise ValidationError("a user name is 1–100 characters without spaces")
    return name


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD or len(password) > 1000:
        raise ValidationError(f"a password has {MIN_PASSWORD} to 1000 characters")
    return password


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(f"unknown role {role!r}; use one of {[r.value for r in Role]}") from None


def add_user(ws: Workspace, name: str, *, role: str, password: str | None = None) -> tuple[User, str]:
    """Create a user; returns it and its password (generated when not given)."""
    ws.require(Permission.MANAGE)
    name, parsed = _check_name(name), _role(role)
    password = _check_password(password or secrets.token_urlsafe(12))
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
    return [user_from_row(r) for r in conn.execute(select(web_user).order_by(web_user.c.name))]


def get_user(conn: Connection, user_id: int) -> User:
    """One user by id."""
    row = conn.execute(select(web_user).where(web_user.c.id == user_id)).first()
    if row is None:
        raise NotFoundError(f"user {user_id} does not exist")
    return user_from_row(row)


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


def _last_admin(conn: Connection, uid: int) -> bool:
    admins = conn.execute(
        select(web_user.c.id).where(web_user.c.role == Role.ADMIN.value, web_user.c.active.is_(True))
    ).scalars()
    return list(admins) == [uid]


def set_active(ws: Workspace, name: str, active: bool) -> None:
    """Enable or disable a user; disabling ends every session of the user at once."""
    ws.require(Permission.MANAGE)
    with ws.write(action="user_active", subject=f"user:{name}") as writer:
        uid = _id_of(writer.conn, name)
        if not active and _last_admin(writer.conn, uid):
            raise ValidationError(f"{name!r} is the last active admin; enable or add another first")
        writer.update(web_user, uid, {"active": active}, reason=f"active {active}")
        if not active:
            writer.detail["sessions_ended"] = revoke_sessions(writer.conn, user_id=uid)


def _store_password(ws: Workspace, uid: int, name: str, password: str, *, reason: str) -> None:
    digest = _HASHER.hash(_check_password(password))
    with ws.write(action="user_password", subject=f"user:{name}") as writer:
        writer.update(web_user, uid, {"password_hash": digest}, reason=reason)
        writer.detail["sessions_ended"] = revoke_sessions(writer.conn, user_id=uid)


def set_password(ws: Workspace, name: str, password: str) -> None:
    """Set a user's password (admins); every session of the user ends."""
    ws.require(Permission.MANAGE)
    with ws.read() as conn:
        uid = _id_of(conn, name)
    _store_password(ws, uid, name, password, reason="password set")


def change_password(ws: Workspace, user: User, *, current: str, new: str, address: str | None) -> str:
    """A user changes their own password, proving the current one (throttled like a log-in).

    Returns ``ok``, ``bad`` or ``locked``; on ``ok`` every session of the user has ended.
    """
    _check_password(new)
    result = authenticate(ws, user.name, current, address=address)
    if result.user is None or result.user.id != user.id:
        return "locked" if result.reason == "locked" else "bad"
    _store_password(ws, user.id, user.name, new, reason="password changed")
    return "ok"


# ------------------------------------------------------------------ log-in
def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    ws: Workspace, name: str, password: str, *, address: str | None = None, now: dt.datetime | None = None
) -> LoginResult:
    """Check a name and password under the throttle; every attempt is recorded and audited."""
    subject = f"user:{name[:100]}"
    with ws.read() as conn:
        row = conn.execute(select(web_user).where(web_user.c.name == name)).first()
    reserved = throttle.reserve(
        ws,
        keys=[f"password:{name[:100]}"],
        address=throttle.address_key(address),
        count_address=row is None,
        now=now,
    )
    if reserved is None:
        ws.audit(action="login_locked", subject=subject, detail={})
        return LoginResult(None, "locked")
    good = _verify(row._mapping["password_hash"] if row is not None else _DUMMY_HASH, password)
    user = user_from_row(row) if good and row is not None else None
    ok = user is not None and user.active
    with ws.write(action="login" if good else "login_failed", subject=subject) as writer:
        if ok:
            throttle.settle(writer.conn, reserved)
    if user is None:
        return LoginResult(None, "bad")
    if not user.active:
        return LoginResult(None, "inactive")
    return LoginResult(user, "ok", needs_totp=user.totp)


# ------------------------------------------------------------------ second factor
def _totp_context(user_id: int) -> str:
    return f"web_user.totp_enc.{user_id}"


def enable_totp(ws: Workspace, user_id: int, secret: str, code: str) -> None:
    """Turn on the second factor once the user shows a code from the new secret. That code's
    time step is claimed as a log-in's is, so the code shown at set-up cannot sign in afterwards."""
    with ws.read() as conn:
        name = conn.execute(select(web_user.c.name).where(web_user.c.id == user_id)).scalar_one()
    step = _matching_step(secret, code.strip())
    if step is None:
        raise ValidationError("the code does not match; check the clock of the device")
    if not throttle.claim_step(ws, name=str(name), step=step):
        raise ValidationError("this code was used already; wait for the next one")
    with ws.write(action="user_totp", subject=f"user:{user_id}") as writer:
        enc = ws.keyring.encrypt(secret, context=_totp_context(user_id))
        writer.update(web_user, user_id, {"totp_enc": enc}, reason="second factor on")


def _matching_step(secret: str, code: str, *, now: dt.datetime | None = None) -> int | None:
    """The time step (of the previous, current or next 30 s) whose code is ``code``, else ``None``."""
    totp = pyotp.TOTP(secret)
    moment = now or dt.datetime.now(dt.UTC)
    current = totp.timecode(moment)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_totp(ws: Workspace, user_id: int, code: str, *, address: str | None = None) -> str:
    """Check the user's current TOTP code under the throttle: ``ok``, ``bad`` or ``locked``."""
    with ws.read() as conn:
        row = conn.execute(select(web_user).where(web_user.c.id == user_id)).first()
    if row is None or row._mapping["totp_enc"] is None:
        return "bad"
    name = str(row._mapping["name"])
    reserved = throttle.reserve(
        ws, keys=[f"totp:{name}"], address=throttle.address_key(address), count_address=False
    )
    if reserved is None:
        ws.audit(action="totp_locked", subject=f"user:{name}", detail={})
        return "locked"
    secret = ws.keyring.decrypt(row._mapping["totp_enc"], context=_totp_context(user_id))
    step = _matching_step(str(secret), code.strip()) if secret else None
    ok = step is not None and throttle.claim_step(ws, name=name, step=step)  # a code works once
    with ws.write(action="totp" if ok else "totp_failed", subject=f"user:{name}") as writer:
        if ok:
            throttle.settle(writer.conn, reserved)
    return "ok" if ok else "bad"
