"""A web write behind a long import answers 503 with Retry-After, not a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.store.test_busy import held_write_lock
from tests.web.conftest import login

from unforgotten.store.workspace import Workspace
from unforgotten.web.app import create_app
from unforgotten.web.config import WebSettings


def test_the_web_answers_503_with_retry_after(registry: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNFORGOTTEN_BUSY_TIMEOUT", "0.4")
    registry.engine.dispose()
    app = create_app(WebSettings(registry.settings, "s" * 48))
    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, "admin")
        with held_write_lock(registry):
            response = client.get("/api/export/persons.csv")  # an audited read: a write
        assert (response.status_code, response.headers["retry-after"]) == (503, "1")
        assert response.json()["error"] == "busy"
        assert client.get("/api/export/persons.csv").status_code == 200
