"""A database writer cannot revive or stretch a web session unnoticed (sealed bounds, `verify`)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.web.conftest import _session_csrf, login
from typer.testing import CliRunner

from unforgotten.cli.main import app as cli
from unforgotten.store.schema_web import web_session, web_user
from unforgotten.store.workspace import Workspace
from unforgotten.web.middleware import COOKIE


def _replay(app: FastAPI, cookie: str) -> int:
    other = TestClient(app)
    other.cookies.set(COOKIE, cookie)
    return other.get("/api/account").status_code


def _rows(ws: Workspace) -> list[dict[str, Any]]:
    with ws.read() as conn:
        return [dict(r) for r in conn.execute(select(web_session)).mappings()]


def _edit(ws: Workspace, key: str, **values: Any) -> None:
    with ws.engine.begin() as conn:  # as someone who can write the database file would
        conn.execute(update(web_session).where(web_session.c.sid_hash == key).values(**values))


def _breaks(ws: Workspace) -> list[str]:
    return [b for b in ws.verify().breaks if b.startswith("web_session")]


def _logged_in(app: FastAPI, ws: Workspace, name: str) -> tuple[TestClient, str, dict[str, Any]]:
    client = TestClient(app)
    login(client, name)
    cookie = str(client.cookies[COOKIE])
    assert _replay(app, cookie) == 200
    (row,) = [r for r in _rows(ws) if not r["revoked"]]
    return client, cookie, row


def test_clearing_revoked_after_logout_opens_nothing_and_verify_names_it(
    app: FastAPI, registry: Workspace
) -> None:
    client, cookie, row = _logged_in(app, registry, "viewer")
    assert _breaks(registry) == []
    client.post("/logout", data={"csrf": _session_csrf(client)})
    _edit(registry, row["sid_hash"], revoked=False)
    assert _replay(app, cookie) == 401
    assert any("revocation undone" in b for b in _breaks(registry))


def test_an_older_sealed_copy_put_back_after_logout_is_named_by_verify(
    app: FastAPI, registry: Workspace
) -> None:
    client, _cookie, row = _logged_in(app, registry, "viewer")
    client.post("/logout", data={"csrf": _session_csrf(client)})
    _edit(registry, row["sid_hash"], revoked=False, data_enc=row["data_enc"])
    assert any("logged out (audit log) but open again" in b for b in _breaks(registry))


def test_moving_the_end_or_the_user_of_a_row_gives_nothing(app: FastAPI, registry: Workspace) -> None:
    _client, cookie, row = _logged_in(app, registry, "viewer")
    _edit(registry, row["sid_hash"], expires_at="2999-01-01T00:00:00.000000+00:00")
    assert _replay(app, cookie) == 200  # the sealed end still applies (the row's own is ignored)
    assert any("expires differ from the sealed values" in b for b in _breaks(registry))
    with registry.read() as conn:
        admin = conn.execute(select(web_user.c.id).where(web_user.c.name == "admin")).scalar_one()
    _edit(registry, row["sid_hash"], expires_at=row["expires_at"], user_id=admin)
    assert _replay(app, cookie) == 401  # the viewer's cookie does not become the admin's session
    assert any("uid differ from the sealed values" in b for b in _breaks(registry))


def test_a_session_older_than_a_password_change_opens_nothing_and_is_named_when_revived(
    app: FastAPI, registry: Workspace
) -> None:
    _client, cookie, row = _logged_in(app, registry, "viewer")
    common = ["--db", registry.settings.db_url, "--key-file", str(registry.settings.key_file), "--json"]
    done = CliRunner().invoke(
        cli, ["user", "password", "viewer", "--password-stdin", *common], input="a brand new passphrase\n"
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["password_changed"] is True
    assert _replay(app, cookie) == 401
    _edit(registry, row["sid_hash"], revoked=False, data_enc=row["data_enc"])
    assert _replay(app, cookie) == 401  # sealed with the old password's fingerprint: opens nothing
    assert any("password change or disabling" in b for b in _breaks(registry))
