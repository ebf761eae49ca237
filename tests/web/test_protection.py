"""No role without ``read_protected`` sees a protected value anywhere: every registered route, every role.

The walk takes every route the application registers (pages, JSON twins, exports, OpenAPI, form
posts), fills its path parameters with ids of the record that holds the secrets, and checks the
body of each response for the secrets, with and without ``reveal=true``; then errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.data import SECRET_CONTACT, SECRET_EXTRA, SECRET_NAME

from unforgotten.domain.roles import Permission, Role, may
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.store import seed_demo

SECRETS = (SECRET_NAME, SECRET_CONTACT, SECRET_EXTRA)
NO_PROTECTED = [r.value for r in Role if not may(r, Permission.READ_PROTECTED)]


def _ids(ws: Workspace) -> dict[str, str]:
    round_id = seed_demo(ws)
    with ws.read() as conn:
        rec = (
            conn.execute(select(s.source_record).where(s.source_record.c.record_id == "A1")).mappings().one()
        )
        case_id = conn.execute(select(s.case.c.id).where(s.case.c.source_record_id == rec["id"])).scalar_one()
    return {
        "person_id": str(rec["person_id"]),
        "case_id": str(case_id),
        "source_id": str(rec["source_id"]),
        "batch_id": str(rec["batch_id"]),
        "pair_id": "1",
        "decision_id": "1",
        "round_id": str(round_id),
        "row_id": str(rec["person_id"]),  # the workbench's routes: /persons/{row_id}/edit, ...
        "incident_id": "1",
        "value_id": "1",
        "what": "records",
        "name": "viewer",
        "token_id": "1",
        "code": "ko",
        "evidence_id": "1",
        "org_id": "1",
        "facility_id": "1",
    }


def _routes(routes: list[Any]) -> list[Any]:
    """Every route, looking inside included routers (FastAPI keeps them nested)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out += _routes(list(inner.routes)) if inner is not None else [route]
    return out


def _urls(app: FastAPI, ids: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    for route in _routes(list(app.routes)):
        path = getattr(route, "path", "")
        methods = getattr(route, "methods", None) or {"GET"}
        if path.startswith("/static"):
            continue
        filled = re.sub(r"\{(\w+)\}", lambda m_: ids[m_.group(1)], path)
        for method in sorted(methods - {"HEAD"}):
            out.append((method, filled))
    return out


def _assert_clean(body: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked at {where}"


@pytest.mark.parametrize("role", NO_PROTECTED)
def test_every_route_hides_protected_fields(
    role: str, app: FastAPI, registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    client = client_for(role)
    ids = _ids(registry)
    urls = _urls(app, ids)
    assert len(urls) >= 25  # the walk really covers the application
    seen = 0
    for method, url in urls:
        for suffix in ("", "?reveal=true", "?q=Lee+Young-hee&reveal=true"):
            response = client.request(
                method,
                url + suffix,
                data={"decision": "accepted"} if method == "POST" else None,
                headers={"accept": "text/html"} if seen % 2 else {"accept": "application/json"},
            )
            _assert_clean(response.text, f"{role} {method} {url}{suffix} ({response.status_code})")
            seen += 1
    person = client.get(f"/persons/{ids['person_id']}?reveal=true")
    assert person.status_code == 403
    api = client.get(f"/api/persons/{ids['person_id']}")
    assert api.status_code == 200 and api.json()["protected"] is None and api.json()["may_reveal"] is False


@pytest.mark.parametrize("role", [r.value for r in Role if may(r, Permission.READ_PROTECTED)])
def test_allowed_roles_see_them_only_on_request_and_each_view_is_audited(
    role: str, registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    client = client_for(role)
    pid = _ids(registry)["person_id"]
    plain = client.get(f"/api/persons/{pid}")
    _assert_clean(plain.text, "default view")
    with registry.read() as conn:
        before = conn.execute(
            select(s.audit_event.c.id).where(s.audit_event.c.action == "read_protected")
        ).all()
    shown = client.get(f"/api/persons/{pid}?reveal=true").json()["protected"]
    assert shown == [
        {
            "record_id": shown[0]["record_id"],
            "fields": {
                "informant_name": SECRET_NAME,
                "informant_contact": SECRET_CONTACT,
                "safehouse": SECRET_EXTRA,
            },
        }
    ]
    html = client.get(f"/persons/{pid}?reveal=true").text
    assert SECRET_NAME in html
    with registry.read() as conn:
        events = (
            conn.execute(select(s.audit_event).where(s.audit_event.c.action == "read_protected"))
            .mappings()
            .all()
        )
    assert len(events) == len(before) + 2
    assert events[-1]["actor"] == f"web:{role}" and events[-1]["role"] == role
    _assert_clean(events[-1]["detail"], "audit detail")


def test_error_pages_do_not_echo_input(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("viewer")
    response = client.get(f"/persons?q=x&from={SECRET_NAME}")
    assert response.status_code == 400
    _assert_clean(response.text, "error page")
    missing = client.get("/api/persons/999999")
    assert missing.status_code == 404 and missing.json() == {
        "error": "not_found",
        "detail": "person 999999 does not exist",
    }
