"""Server-side sessions: log-out, password change and disabling end them; nothing secret in the cookie."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web.conftest import PASSWORD, _session_csrf, login
from typer.testing import CliRunner

from unforgotten.cli.main import app as cli
from unforgotten.errors import UnforgottenError
from unforgotten.store.schema_web import web_session
from unforgotten.store.workspace import Workspace
from unforgotten.web.middleware import ANON_COOKIE, COOKIE
from unforgotten.web.tokens import create_token

NEW = "a brand new passphrase"


def _cli(ws: Workspace, *args: str, stdin: str | None = None) -> dict[str, object]:
    common = ["--db", ws.settings.db_url, "--key-file", str(ws.settings.key_file), "--json"]
    done = CliRunner().invoke(cli, [*args, *common], input=stdin)
    assert done.exit_code == 0, done.output
    result: dict[str, object] = json.loads(done.output)
    return result


def _replay(app: FastAPI, cookie: str) -> int:
    other = TestClient(app)
    other.cookies.set(COOKIE, cookie)
    return other.get("/api/account").status_code


def _decoded(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("latin-1")
    except (binascii.Error, ValueError):
        return ""


def test_a_cookie_replayed_after_logout_is_refused(app: FastAPI, registry: Workspace) -> None:
    client = TestClient(app)
    login(client, "viewer")
    cookie = str(client.cookies[COOKIE])
    assert _replay(app, cookie) == 200
    client.post("/logout", data={"csrf": _session_csrf(client)})
    assert _replay(app, cookie) == 401
    with registry.read() as conn:
        rows = conn.execute(select(web_session.c.revoked, web_session.c.data_enc)).all()
    assert (True, None) in rows


def test_log_in_begins_a_new_session_id(app: FastAPI) -> None:
    client = TestClient(app)
    client.get("/login")
    assert COOKIE not in client.cookies and ANON_COOKIE in client.cookies  # no session before log-in
    login(client, "viewer")
    after = str(client.cookies[COOKIE])  # made at log-in: no id from before it to fix
    assert ANON_COOKIE not in client.cookies and _replay(app, after) == 200


def test_visitors_without_a_log_in_make_no_session_rows(app: FastAPI, registry: Workspace) -> None:
    for _ in range(200):  # a flood of fresh visitors, each fetching the form (and its CSRF token)
        fresh = TestClient(app)
        assert fresh.get("/login").status_code == 200
        fresh.close()
    with registry.read() as conn:
        assert conn.execute(select(func.count()).select_from(web_session)).scalar_one() == 0
    client = TestClient(app)
    login(client, "viewer")  # the token from the signed cookie is accepted by the log-in form
    assert client.get("/api/account").status_code == 200
    with registry.read() as conn:
        assert conn.execute(select(func.count()).select_from(web_session)).scalar_one() == 1


def test_an_edited_visitor_token_is_refused(app: FastAPI) -> None:
    client = TestClient(app)
    client.get("/login")
    token, _, mac = str(client.cookies[ANON_COOKIE]).rpartition(".")
    client.cookies.set(ANON_COOKIE, f"{token}x.{mac}")
    response = client.post("/login", data={"name": "viewer", "password": PASSWORD, "csrf": token + "x"})
    assert response.status_code == 403


def test_password_change_by_cli_ends_sessions(app: FastAPI, registry: Workspace) -> None:
    client = TestClient(app)
    login(client, "viewer")
    assert client.get("/api/account").status_code == 200
    done = _cli(registry, "user", "password", "viewer", "--password-stdin", stdin=NEW + "\n")
    assert done == {"name": "viewer", "password_changed": True}
    assert client.get("/api/account").status_code == 401
    fresh = TestClient(app)
    login(fresh, "viewer", NEW)
    assert fresh.get("/api/account").json()["name"] == "viewer"


def test_own_password_change_on_the_account_page(app: FastAPI) -> None:
    client = TestClient(app)
    login(client, "documenter")
    csrf = _session_csrf(client)
    wrong = client.post("/account/password", data={"current": "not it at all", "new": NEW, "csrf": csrf})
    assert wrong.status_code == 400 and "current password is wrong" in wrong.text
    changed = client.post(
        "/account/password", data={"current": PASSWORD, "new": NEW, "csrf": csrf}, follow_redirects=False
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/login?changed=1"
    assert client.get("/api/account").status_code == 401
    login(client, "documenter", NEW)
    assert client.get("/api/account").status_code == 200


def test_admin_disables_a_user_and_their_session_ends(
    app: FastAPI, registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    viewer = client_for("viewer")
    admin = client_for("admin")
    done = admin.post("/users/viewer/active", data={"active": "false", "csrf": _session_csrf(admin)})
    assert done.status_code == 200
    assert viewer.get("/api/account").status_code == 401
    again = TestClient(app)
    token = _session_csrf(again)
    refused = again.post("/login", data={"name": "viewer", "password": PASSWORD, "csrf": token})
    assert refused.status_code == 401
    assert _cli(registry, "user", "enable", "viewer") == {"name": "viewer", "active": True}
    login(again, "viewer")
    assert _cli(registry, "user", "disable", "viewer") == {"name": "viewer", "active": False}
    assert again.get("/api/account").status_code == 401


def test_tokens_are_revoked_by_label_on_the_cli_and_by_id_on_the_page(
    app: FastAPI, registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    first = create_token(registry, "viewer", label="nightly")
    second = create_token(registry, "viewer", label="other")
    client = TestClient(app)

    def status(token: str) -> int:
        return client.get("/api/account", headers={"authorization": f"Bearer {token}"}).status_code

    assert (status(first), status(second)) == (200, 200)
    assert _cli(registry, "token", "revoke", "nightly") == {"id": 1, "revoked": True}
    assert (status(first), status(second)) == (403, 200)
    admin = client_for("admin")
    listed = admin.get("/api/users").json()["tokens"]
    assert [(t["id"], t["label"], t["revoked"]) for t in listed] == [
        (2, "other", False),
        (1, "nightly", True),
    ]
    admin.post("/tokens/2/revoke", data={"csrf": _session_csrf(admin)})
    assert status(second) == 403


def test_nothing_secret_is_in_the_cookie_or_stored_in_clear(
    registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    added = admin.post(
        "/users",
        data={"name": "park", "role": "viewer", "csrf": _session_csrf(admin)},
        follow_redirects=False,
    )
    cookie = str(admin.cookies[COOKIE])
    shown = admin.get("/users").text
    password = shown.split("park: ", 1)[1].split("<", 1)[0]
    assert added.status_code == 303 and len(password) >= 10
    account = admin.get("/account").text
    secret = account.split('<code class="mono">', 1)[1].split("<", 1)[0]
    assert len(secret) == 32
    cookies = [cookie, str(admin.cookies[COOKIE]), added.headers.get("set-cookie", "")]
    for value in cookies:
        for text in (value, _decoded(value), _decoded(value.split(".", 1)[0])):
            assert password not in text and secret not in text and "park" not in text
    assert len(cookie) == 43  # 32 random bytes, URL-safe base64: the id and nothing else
    with registry.read() as conn:
        stored = " ".join(str(v) for (v,) in conn.execute(select(web_session.c.data_enc)))
    assert password not in stored and secret not in stored


def _mistake(*args: str, stdin: str | None = None) -> str:
    """The message ``run()`` prints for a command ending in one of our errors (exit code > 0)."""
    done = CliRunner().invoke(cli, list(args), input=stdin)
    assert isinstance(done.exception, UnforgottenError) and done.exception.exit_code > 0, done.output
    return str(done.exception)


def test_cli_mistakes_are_clear_messages(registry: Workspace) -> None:
    common = ["--db", registry.settings.db_url, "--key-file", str(registry.settings.key_file)]
    assert _mistake("token", "revoke", "nightly", *common) == (
        "no token with id or label 'nightly'; see `unforgotten token list`"
    )
    create_token(registry, "viewer", label="twice")
    create_token(registry, "viewer", label="twice")
    assert _mistake("token", "revoke", "twice", *common) == (
        "2 tokens have the label 'twice'; revoke one by id: [1, 2]"
    )
    short = _mistake("user", "password", "viewer", "--password-stdin", *common, stdin="short\n")
    assert short == "a password has 10 to 1000 characters"
    assert _mistake("user", "disable", "admin", *common) == (
        "'admin' is the last active admin; enable or add another first"
    )
