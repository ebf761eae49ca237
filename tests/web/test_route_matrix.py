"""The role × route matrix, over every route the application registers (new ones by construction).

Every route must declare its access (``require(PERMISSION)``, ``signed_in()`` or ``public()``);
a route without one fails :func:`test_every_route_declares_its_access`. Then each role (and an
anonymous visitor) calls every route, GET and a CSRF-valid POST: a role the declaration allows
never gets 401/403, a role it refuses always does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from tests.web.conftest import _session_csrf, login
from tests.web.test_protection import _ids, _routes

from unforgotten.domain.roles import Role
from unforgotten.store.workspace import Workspace
from unforgotten.web.deps import Access, access_of, allows
from unforgotten.web.tokens import create_token

#: Every route that is not a plain ``GET`` needing ``read`` (docs/security.md, "Routes").
EXPECTED: dict[tuple[str, str], list[str]] = {
    ("GET", "/login"): ["public"],
    ("POST", "/login"): ["public"],
    ("GET", "/login/totp"): ["public"],
    ("POST", "/login/totp"): ["public"],
    ("POST", "/logout"): ["public"],
    ("GET", "/lang/{code}"): ["public"],
    ("GET", "/api/account"): ["signed_in"],
    ("GET", "/account"): ["signed_in"],
    ("POST", "/account/totp"): ["signed_in"],
    ("POST", "/account/password"): ["signed_in"],
    ("GET", "/api/users"): ["manage"],
    ("GET", "/users"): ["manage"],
    ("POST", "/users"): ["manage"],
    ("POST", "/users/{name}/role"): ["manage"],
    ("POST", "/users/{name}/active"): ["manage"],
    ("POST", "/tokens/{token_id}/revoke"): ["manage"],
    ("GET", "/api/export/{what}.csv"): ["export"],
    ("POST", "/estimates"): ["estimate"],
    ("POST", "/review/{pair_id}"): ["link"],
    ("POST", "/persons/{person_id}/merges/{decision_id}/undo"): ["link"],
    ("POST", "/rounds"): ["edit"],
    ("POST", "/rounds/{round_id}/confirm"): ["edit"],
    **{
        (method, f"/api/{plural}{tail}"): [right]
        for plural in ("persons", "cases", "incidents", "sources")
        for method, tail, right in (
            ("POST", "", "edit"),
            ("PATCH", "/{row_id}", "edit"),
            ("POST", "/{row_id}/restore", "edit"),
            ("POST", "/{row_id}/retire", "edit"),
            ("POST", "/{row_id}/approve", "review"),
        )
    },
    ("POST", "/api/cases/{case_id}/statuses"): ["edit"],
    ("POST", "/api/incidents/{incident_id}/acts"): ["edit"],
    # the workbench's HTML forms (a GET shows the form, a POST saves it and redirects)
    **{
        (method, path): ["edit"]
        for path in (
            "/persons/new",
            "/persons/{row_id}/edit",
            "/persons/{person_id}/cases/new",
            "/cases/{row_id}/edit",
            "/cases/{case_id}/statuses/new",
            "/cases/{case_id}/incidents/new",
            "/incidents/{row_id}/edit",
            "/incidents/{incident_id}/acts/new",
            "/sources/new",
            "/sources/{row_id}/edit",
        )
        for method in ("GET", "POST")
    },
    **{
        ("POST", f"/{plural}/{{row_id}}/{action}"): ["review" if action == "approve" else "edit"]
        for plural in ("persons", "cases", "incidents", "sources")
        for action in ("restore", "retire", "approve")
    },
    ("POST", "/values/{value_id}/prefer"): ["edit"],
    # evidence: upload (streamed), download, and the consent form
    ("POST", "/persons/{person_id}/evidence"): ["import"],
    ("POST", "/cases/{case_id}/evidence"): ["import"],
    ("POST", "/sources/{source_id}/evidence"): ["import"],
    ("POST", "/api/evidence"): ["import"],
    ("GET", "/evidence/{evidence_id}/file"): ["import"],
    ("POST", "/persons/{person_id}/consent"): ["edit"],
    # accountability: names of alleged perpetrators (docs/accountability.md)
    **{
        ("GET", prefix + path): ["read_perpetrators"]
        for path in (
            "/accountability",
            "/accountability/stats",
            "/organisations/{org_id}",
            "/perpetrators/{person_id}",
            "/facilities/{facility_id}",
        )
        for prefix in ("", "/api")
    },
}


def _declared(app: FastAPI) -> list[tuple[str, str, list[Access]]]:
    out = []
    for route in _routes(list(app.routes)):
        if isinstance(route, Mount):
            continue
        assert isinstance(route, APIRoute), route
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, route.path, access_of(route.dependant)))
    return out


def test_every_route_declares_its_access(app: FastAPI) -> None:
    mounts = [r.path for r in _routes(list(app.routes)) if isinstance(r, Mount)]
    assert mounts == list(app.state.public_mounts)
    undeclared = [f"{m} {p}" for m, p, access in _declared(app) if not access]
    assert undeclared == []
    declared = {(m, p): [str(a) for a in access] for m, p, access in _declared(app)}
    special = {k: v for k, v in declared.items() if v != ["read"] or k[0] != "GET"}
    assert special == EXPECTED
    assert len(declared) >= 45


def test_a_route_without_a_declaration_is_caught(app: FastAPI) -> None:
    @app.get("/api/forgotten")
    def forgotten() -> dict[str, Any]:
        return {}

    assert [p for _, p, access in _declared(app) if not access] == ["/api/forgotten"]


def _client(app: FastAPI, role: str | None) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    if role is not None:
        login(client, role)
    return client


@pytest.mark.parametrize("role", [None, *(r.value for r in Role)])
def test_role_route_matrix(role: str | None, app: FastAPI, registry: Workspace) -> None:
    ids = {
        **_ids(registry),
        "name": "documenter",
        "token_id": "1",
        "row_id": "1",
        "incident_id": "1",
        "value_id": "1",
    }
    create_token(registry, "documenter", label="matrix")
    client = _client(app, role)
    wrong = []
    for method, path, access in _declared(app):
        url = re.sub(r"\{(\w+)\}", lambda m_: ids[m_.group(1)], path)
        headers = {"accept": "application/json", "x-csrf-token": _session_csrf(client)}
        response = client.request(method, url, headers=headers, follow_redirects=False)
        allowed = all(allows(a, role) for a in access)
        if allowed == (response.status_code in (401, 403)):
            wrong.append(f"{method} {path}: {access} for {role} gave {response.status_code}")
        if role is not None and client.get("/api/account").status_code == 401:
            login(client, role)  # the route was /logout
    assert wrong == []


def test_openapi_needs_a_log_in_unless_public(app: FastAPI, registry: Workspace) -> None:
    from unforgotten.web.app import create_app
    from unforgotten.web.config import WebSettings

    assert TestClient(app).get("/api/openapi.json").status_code == 401
    open_app = create_app(
        WebSettings(registry.settings, "s" * 48, openapi_public=True), engine=registry.engine
    )
    assert "/api/persons" in TestClient(open_app).get("/api/openapi.json").json()["paths"]
