"""Fixtures of the web tests: a filled registry, one user per role, a client that logs in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.data import fill

from unforgotten.domain.roles import Role
from unforgotten.store.search import refresh_index
from unforgotten.store.workspace import Workspace
from unforgotten.web.accounts import add_user
from unforgotten.web.app import create_app
from unforgotten.web.config import WebSettings

PASSWORD = "correct horse battery"
SECRET = "s" * 48


@pytest.fixture
def registry(ws: Workspace, tmp_path: Path) -> Workspace:
    fill(ws, tmp_path)
    refresh_index(ws)
    for role in Role:
        add_user(ws, role.value, role=role.value, password=PASSWORD)
    return ws


@pytest.fixture
def app(registry: Workspace) -> FastAPI:
    return create_app(WebSettings(registry.settings, SECRET), engine=registry.engine)


def csrf_of(client: TestClient) -> str:
    client.get("/login")
    return str(client.cookies and _session_csrf(client))


def _session_csrf(client: TestClient) -> str:
    page = client.get("/login").text
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def setup_code(secret: str) -> str:
    """The code a user types to turn the second factor on: one step (30 s) before now, since the
    step of a set-up code is used up and a log-in right after it needs the next code."""
    return pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30))


def login(client: TestClient, name: str, password: str = PASSWORD) -> None:
    token = _session_csrf(client)
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        login(client, role)
        return client

    yield make
    for c in clients:
        c.close()
