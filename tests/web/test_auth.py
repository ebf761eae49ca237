"""Log-in, lock-out, CSRF, cookies, TOTP, bearer tokens, roles, languages, OpenAPI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, _session_csrf, login, setup_code
from typer.testing import CliRunner

from unforgotten.errors import ConfigError, ValidationError
from unforgotten.store.workspace import Workspace
from unforgotten.web import accounts
from unforgotten.web.config import WebSettings, load_secret
from unforgotten.web.i18n import MESSAGES


def test_password_is_argon2id_and_lockout_after_five_failures(registry: Workspace) -> None:
    with registry.read() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM web_user WHERE name = 'viewer'").scalar()
    assert str(stored).startswith("$argon2id$")
    for _ in range(5):
        assert accounts.authenticate(registry, "viewer", "wrong password").reason == "bad"
    assert accounts.authenticate(registry, "viewer", PASSWORD).reason == "locked"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert accounts.authenticate(registry, "viewer", PASSWORD, now=later).reason == "ok"


def test_login_needs_csrf_and_sets_a_safe_cookie(app: FastAPI) -> None:
    client = TestClient(app)
    refused = client.post("/login", data={"name": "viewer", "password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 403
    token = _session_csrf(client)
    ok = client.post(
        "/login", data={"name": "viewer", "password": PASSWORD, "csrf": token}, follow_redirects=False
    )
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert "default-src 'self'" in ok.headers["content-security-policy"]


def test_cookies_are_secure_over_https(registry: Workspace) -> None:
    from unforgotten.web.app import create_app

    app = create_app(WebSettings(registry.settings, "s" * 48), engine=registry.engine)
    client = TestClient(app, base_url="https://testserver")
    assert "; secure" in client.get("/login").headers["set-cookie"].lower()


def test_forms_without_csrf_are_refused(client_for: Callable[[str], TestClient]) -> None:
    admin = client_for("admin")
    response = admin.post("/users", data={"name": "mallory", "role": "admin"})
    assert response.status_code == 403
    assert "mallory" not in admin.get("/api/users").text


def test_roles_are_enforced(client_for: Callable[[str], TestClient]) -> None:
    viewer = client_for("viewer")
    assert viewer.get("/api/users").status_code == 403
    assert viewer.get("/api/export/persons.csv").status_code == 403
    analyst = client_for("analyst")
    assert analyst.get("/api/export/persons.csv").status_code == 200


def test_admin_adds_user_on_the_page(client_for: Callable[[str], TestClient]) -> None:
    admin = client_for("admin")
    csrf = _session_csrf(admin)
    admin.post("/users", data={"name": "park", "role": "documenter", "csrf": csrf})
    users = admin.get("/api/users").json()["users"]
    assert [(u["name"], u["role"]) for u in users if u["name"] == "park"] == [("park", "documenter")]


def test_totp_second_factor(app: FastAPI, registry: Workspace) -> None:
    secret = pyotp.random_base32()
    with registry.read() as conn:
        uid = next(u.id for u in accounts.list_users(conn) if u.name == "analyst")
    accounts.enable_totp(registry, uid, secret, setup_code(secret))
    client = TestClient(app)
    login(client, "analyst")
    assert client.get("/api/persons").status_code == 401
    csrf = _session_csrf(client)
    bad = client.post("/login/totp", data={"code": "000000", "csrf": csrf})
    assert bad.status_code == 401
    client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf": csrf})
    assert client.get("/api/persons").status_code == 200


def test_a_totp_code_works_once(app: FastAPI, registry: Workspace) -> None:
    secret = pyotp.random_base32()
    with registry.read() as conn:
        uid = next(u.id for u in accounts.list_users(conn) if u.name == "analyst")
    accounts.enable_totp(registry, uid, secret, setup_code(secret))
    code = pyotp.TOTP(secret).now()
    first = TestClient(app)
    login(first, "analyst")
    first.post("/login/totp", data={"code": code, "csrf": _session_csrf(first)})
    assert first.get("/api/persons").status_code == 200
    second = TestClient(app)  # the same code, seen over a shoulder, within its 30 s
    login(second, "analyst")
    replay = second.post("/login/totp", data={"code": code, "csrf": _session_csrf(second)})
    assert replay.status_code == 401 and second.get("/api/persons").status_code == 401
    assert accounts.check_totp(registry, uid, code) == "bad"
    previous = pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30))
    assert accounts.check_totp(registry, uid, previous) == "bad"  # an older code after a newer one


def test_the_code_shown_at_set_up_cannot_sign_in(app: FastAPI, registry: Workspace) -> None:
    secret = pyotp.random_base32()
    with registry.read() as conn:
        uid = next(u.id for u in accounts.list_users(conn) if u.name == "analyst")
    code = pyotp.TOTP(secret).now()
    accounts.enable_totp(registry, uid, secret, code)
    with pytest.raises(ValidationError, match="used already"):
        accounts.enable_totp(registry, uid, secret, code)
    client = TestClient(app)
    login(client, "analyst")
    replay = client.post("/login/totp", data={"code": code, "csrf": _session_csrf(client)})
    assert replay.status_code == 401 and client.get("/api/persons").status_code == 401


def test_bearer_token_from_the_cli(app: FastAPI, registry: Workspace) -> None:
    from unforgotten.cli.main import app as cli

    db = registry.settings.db_url
    key = str(registry.settings.key_file)
    runner = CliRunner()
    added = runner.invoke(
        cli, ["user", "add", "script", "--role", "viewer", "--db", db, "--key-file", key, "--json"]
    )
    assert added.exit_code == 0, added.output
    created = runner.invoke(cli, ["token", "create", "script", "--db", db, "--key-file", key, "--json"])
    token = json.loads(created.output)["token"]
    client = TestClient(app)
    assert client.get("/api/persons?q=이영희").status_code == 401
    found = client.get("/api/persons?q=Ri Yong Hui", headers={"authorization": f"Bearer {token}"}).json()
    assert [(r["names"][:2], r["case_types"]) for r in found["results"]] == [
        (["Lee Young-hee", "이영희"], ["abductee_postwar"])
    ]
    assert set(found["results"][0]) >= {"person_id", "names", "case_types"}
    assert client.get("/api/persons", headers={"authorization": "Bearer nope"}).status_code == 403
    listed = runner.invoke(cli, ["user", "list", "--db", db, "--key-file", key, "--json"])
    assert "script" in listed.output


def test_every_label_is_translated() -> None:
    assert all(en and ko for en, ko in MESSAGES.values())
    templates = Path(__file__).parents[2] / "src" / "unforgotten" / "web" / "templates"
    import re

    used = {k for f in templates.glob("*.html") for k in re.findall(r"\bt\('(\w+)'\)", f.read_text())}
    assert used - set(MESSAGES) == set()


def test_language_is_chosen(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("viewer")
    client.get("/lang/ko")
    assert "검색" in client.get("/persons").text
    client.get("/lang/en")
    assert ">Search<" in client.get("/persons").text


def test_placeholder_secret_refused_outside_development(registry: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="session secret"):
        WebSettings(registry.settings, "changeme")
    assert WebSettings(registry.settings, "changeme", development=True).development
    path = tmp_path / "x.session"
    assert len(load_secret(path)) >= 32 and oct(path.stat().st_mode & 0o777) == "0o600"


def test_openapi_lists_the_json_twins(client_for: Callable[[str], TestClient]) -> None:
    paths = client_for("viewer").get("/api/openapi.json").json()["paths"]
    for twin in (
        "/api",
        "/api/persons",
        "/api/persons/{person_id}",
        "/api/cases/{case_id}",
        "/api/sources",
        "/api/sources/{source_id}",
        "/api/batches/{batch_id}",
        "/api/estimates",
        "/api/map",
        "/api/review",
        "/api/users",
        "/api/account",
    ):
        assert twin in paths, twin
