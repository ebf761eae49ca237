"""Attempt limits on every credential check: passwords, second-factor codes and API tokens."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.web.conftest import PASSWORD, _session_csrf, login, setup_code
from tests.web.live import live_server

from unforgotten.store import schema as s
from unforgotten.store.schema_web import credential_attempt
from unforgotten.store.workspace import Workspace
from unforgotten.web import accounts, throttle
from unforgotten.web.tokens import create_token


def _events(ws: Workspace, subject: str) -> Counter[str]:
    with ws.read() as conn:
        rows = conn.execute(select(s.audit_event.c.action).where(s.audit_event.c.subject == subject))
        return Counter(str(a) for (a,) in rows)


def _csrf(client: httpx.Client) -> str:
    page = client.get("/login").text
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_sixty_parallel_wrong_passwords_make_five_checks(app: FastAPI, registry: Workspace) -> None:
    with live_server(app) as url:
        clients = [httpx.Client(base_url=url, timeout=60) for _ in range(60)]
        tokens = [_csrf(c) for c in clients]
        start = threading.Barrier(60)

        def attempt(i: int) -> int:
            start.wait()
            form = {"name": "viewer", "password": f"wrong password {i}", "csrf": tokens[i]}
            return clients[i].post("/login", data=form).status_code

        with ThreadPoolExecutor(60) as pool:
            statuses = list(pool.map(attempt, range(60)))
        right = clients[0].post("/login", data={"name": "viewer", "password": PASSWORD, "csrf": tokens[0]})
        for c in clients:
            c.close()
    assert statuses == [401] * 60
    assert right.status_code == 401 and "Too many failed attempts" in right.text
    assert _events(registry, "user:viewer") == Counter({"user_add": 1, "login_failed": 5, "login_locked": 56})


def test_wrong_codes_lock_the_second_factor_even_after_a_new_password_log_in(
    app: FastAPI, registry: Workspace
) -> None:
    secret = pyotp.random_base32()
    with registry.read() as conn:
        uid = next(u.id for u in accounts.list_users(conn) if u.name == "analyst")
    accounts.enable_totp(registry, uid, secret, setup_code(secret))
    client = TestClient(app)
    login(client, "analyst")
    csrf = _session_csrf(client)
    wrong = [client.post("/login/totp", data={"code": "000000", "csrf": csrf}).status_code for _ in range(5)]
    assert wrong == [401] * 5
    login(client, "analyst")  # the password again does not reset the count of wrong codes
    csrf = _session_csrf(client)
    refused = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf": csrf})
    assert refused.status_code == 401 and client.get("/api/account").status_code == 401
    assert _events(registry, "user:analyst")["totp_failed"] == 5
    assert _events(registry, "user:analyst")["totp_locked"] == 1
    with registry.engine.begin() as conn:  # the lock-out ends after LOCKOUT
        past = "2000-01-01T00:00:00.000000+00:00"
        conn.execute(update(credential_attempt).values(at=past))
    ok = client.post(
        "/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf": csrf}, follow_redirects=False
    )
    assert ok.status_code == 303 and client.get("/api/account").json()["name"] == "analyst"


def test_wrong_tokens_lock_the_address_then_even_a_good_token_is_refused(
    app: FastAPI, registry: Workspace
) -> None:
    good = create_token(registry, "viewer", label="script")
    client = TestClient(app)
    assert client.get("/api/account", headers={"authorization": f"Bearer {good}"}).status_code == 200
    statuses = [
        client.get("/api/persons", headers={"authorization": f"Bearer uft_guess{i}"}).status_code
        for i in range(throttle.MAX_ADDRESS_FAILURES + 3)
    ]
    assert statuses == [403] * (throttle.MAX_ADDRESS_FAILURES + 3)
    locked = client.get("/api/account", headers={"authorization": f"Bearer {good}"})
    assert locked.status_code == 403 and "too many failed attempts" in locked.json()["detail"]
    with registry.read() as conn:
        counted = conn.execute(
            select(credential_attempt.c.key).where(credential_attempt.c.ok.is_(False))
        ).all()
    assert counted == [("addr:testclient",)] * throttle.MAX_ADDRESS_FAILURES


def test_unknown_names_count_against_the_address(registry: Workspace) -> None:
    for i in range(throttle.MAX_ADDRESS_FAILURES):
        assert accounts.authenticate(registry, f"nobody{i}", "x" * 12, address="10.0.0.9").reason == "bad"
    assert accounts.authenticate(registry, "viewer", PASSWORD, address="10.0.0.9").reason == "locked"
    assert accounts.authenticate(registry, "viewer", PASSWORD, address="10.0.0.8").reason == "ok"
