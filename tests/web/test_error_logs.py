"""The server's and the application's logs hold no data: no SQL, parameters, values or tracebacks."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from tests.web.live import live_server

from unforgotten.store.workspace import Workspace
from unforgotten.web.deps import public

PROTECTED = "Kim Informant 010-9999-1234"


def test_a_500_logs_an_error_id_and_type_only(
    app: FastAPI, registry: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/api/fails", dependencies=[public()])
    def fails() -> None:
        with registry.engine.begin() as conn:  # a failing statement whose parameters hold a value
            conn.execute(
                text("INSERT INTO web_user (id, name) VALUES (:id, :name)"), {"id": 1, "name": PROTECTED}
            )

    caplog.set_level(logging.DEBUG)
    with live_server(app) as url:
        response = httpx.get(f"{url}/api/fails?q={PROTECTED}", timeout=30)
        page = httpx.get(f"{url}/api/fails", headers={"accept": "text/html"}, timeout=30)
    assert response.status_code == 500 and page.status_code == 500
    error_id = re.fullmatch(
        r"an unexpected error; it was logged without its data as error ([0-9a-f]{12})",
        response.json()["detail"],
    )
    assert error_id is not None
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]  # not the client's
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.exc_info or ''}" for r in server)
    assert f"error {error_id.group(1)}: IntegrityError on GET /api/fails" in logged
    assert re.search(r"as error [0-9a-f]{12}", page.text)
    for leak in (PROTECTED, "Kim", "INSERT", "Traceback", "web_user"):
        assert leak not in logged, leak
    assert "GET /api/fails HTTP/1.1" in logged  # the access log keeps the path, not the query
