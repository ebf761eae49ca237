"""The workbench's JSON API: create with POST, change with PATCH and If-Match (412 when stale, 428
without), history with field differences, review by a second person, tokens from the CLI."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.conftest import _session_csrf

from unforgotten.store.workspace import Workspace
from unforgotten.web.tokens import create_token

SOURCE = {"name": "Testimonies 2024", "kind": "testimonies", "organisation": "NKDB"}
PERSON = {
    "name": "Kim Chol-su",
    "name_hangul": "김철수",
    "sex": "M",
    "birth_date": "1977-08",
    "source": "Testimonies 2024",
    "reason": "testimony of 2 March",
    "case": {"case_type": "abductee_postwar", "event_date": "1977"},
    "informant_name": "Witness Secret 9911",
}


def _bearer(app: FastAPI, registry: Workspace, user: str) -> TestClient:
    token = create_token(registry, user, label="tests")
    return TestClient(app, raise_server_exceptions=False, headers={"authorization": f"Bearer {token}"})


def test_create_patch_history_and_a_stale_patch(app: FastAPI, registry: Workspace) -> None:
    client = _bearer(app, registry, "documenter")
    assert client.post("/api/sources", json=SOURCE).status_code == 201
    created = client.post("/api/persons", json=PERSON)
    assert created.status_code == 201, created.text
    body = created.json()
    person_id, version = body["person_id"], body["version"]
    assert (version, body["state"], created.headers["etag"]) == (1, "draft", '"1"')
    assert "Witness Secret" not in created.text

    record = client.get(f"/api/persons/{person_id}/record")
    assert record.headers["etag"] == '"1"' and record.json()["document"]["birth_date"] == "1977-08"

    no_version = client.patch(
        f"/api/persons/{person_id}", json={"set": {"birth_date": "1976"}, "reason": "r"}
    )
    assert no_version.status_code == 428

    patched = client.patch(
        f"/api/persons/{person_id}",
        json={"set": {"birth_date": "1976"}, "reason": "family letter"},
        headers={"if-match": '"1"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == 2 and patched.headers["etag"] == '"2"'

    stale = client.patch(
        f"/api/persons/{person_id}",
        json={"set": {"sex": "F"}, "reason": "mine"},
        headers={"if-match": '"1"'},
    )
    assert stale.status_code == 412
    detail = stale.json()
    assert (detail["expected"], detail["current"]) == (1, 2)
    assert detail["theirs"]["birth_date"] == "1976" and detail["mine"]["sex"] == "F"

    history = client.get(f"/api/persons/{person_id}/history").json()
    assert [h["version"] for h in history] == [1, 2]
    assert history[1]["changes"] == {"birth_date": ["1977-08", "1976"]}

    bad = client.patch(
        f"/api/persons/{person_id}",
        json={"set": {"birth_date": "whenever"}, "reason": "x"},
        headers={"if-match": '"2"'},
    )
    assert bad.status_code == 422 and "birth_date" in bad.json()["errors"]


def test_review_needs_a_second_person_and_viewers_cannot_write(app: FastAPI, registry: Workspace) -> None:
    documenter = _bearer(app, registry, "documenter")
    documenter.post("/api/sources", json=SOURCE)
    person_id = documenter.post("/api/persons", json=PERSON).json()["person_id"]
    assert documenter.post(f"/api/persons/{person_id}/approve").status_code == 403
    drafts = documenter.get("/api/drafts").json()
    assert {"kind": "person", "id": person_id} in [{"kind": d["kind"], "id": d["id"]} for d in drafts]
    admin = _bearer(app, registry, "admin")
    approved = admin.post(f"/api/persons/{person_id}/approve", json={"reason": "checked"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    viewer = _bearer(app, registry, "viewer")
    assert viewer.post("/api/persons", json=PERSON).status_code == 403
    assert (
        viewer.patch(
            f"/api/persons/{person_id}",
            json={"set": {"sex": "F"}, "reason": "r"},
            headers={"if-match": '"1"'},
        ).status_code
        == 403
    )


def test_a_browser_post_without_the_csrf_token_is_refused(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    client = client_for("documenter")
    assert client.post("/api/sources", json=SOURCE).status_code == 403
    token = _session_csrf(client)
    assert client.post("/api/sources", json=SOURCE, headers={"x-csrf-token": token}).status_code == 201


def test_cases_incidents_and_sources_have_the_same_shape(app: FastAPI, registry: Workspace) -> None:
    client = _bearer(app, registry, "documenter")
    source = client.post("/api/sources", json=SOURCE).json()
    person = client.post("/api/persons", json=PERSON).json()
    case_id = person["case_id"]
    status = client.post(
        f"/api/cases/{case_id}/statuses",
        json={"status": "deceased", "date": "2004", "note": "per the DPRK", "reason": "notice"},
    )
    assert status.status_code == 200 and status.json()["status"] == "deceased"
    incident = client.post(
        "/api/incidents",
        json={
            "case_id": case_id,
            "title": "Taken at sea",
            "date": "1977-08",
            "acts": [{"violation": "NKV-F1", "perpetrator": "State Security Department"}],
            "reason": "testimony",
        },
    )
    assert incident.status_code == 201, incident.text
    incident_id = incident.json()["incident_id"]
    act = client.post(
        f"/api/incidents/{incident_id}/acts",
        json={"violation": "NKV-F1", "perpetrator": "boat crew", "reason": "second witness"},
    )
    assert act.status_code == 200 and act.json()["version"] == 2
    assert [
        a["perpetrator"]
        for a in client.get(f"/api/incidents/{incident_id}/record").json()["document"]["acts"]
    ] == ["State Security Department", "boat crew"]
    renamed = client.patch(
        f"/api/sources/{source['source_id']}",
        json={"set": {"organisation": "NKDB Seoul"}, "reason": "full name"},
        headers={"if-match": '"1"'},
    )
    assert renamed.status_code == 200
    assert [h["version"] for h in client.get(f"/api/sources/{source['source_id']}/history").json()] == [1, 2]
    openapi = _bearer(app, registry, "admin").get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/persons",
        "/api/persons/{row_id}",
        "/api/persons/{row_id}/history",
        "/api/cases",
        "/api/incidents",
        "/api/sources/{row_id}",
    ):
        assert path in openapi
