"""Evidence and consent in the web application, on SQLite and PostgreSQL: the upload (streamed
through the evidence service, the same events and hashes as `evidence add`), the JSON upload,
the item, custody and download pages, the consent form and what a viewer is refused."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from tests.web.conftest import _session_csrf

from unforgotten.evidence import Evidence
from unforgotten.records.consent import consent_of
from unforgotten.store import schema as s
from unforgotten.store.schema_evidence import evidence_link
from unforgotten.store.workspace import Workspace
from unforgotten.web.tokens import create_token

SECRET_GIVER = "Choi Min-ji, brother of the witness"


@pytest.fixture(autouse=True)
def _evidence_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNFORGOTTEN_EVIDENCE_DIR", str(tmp_path / "evidence-store"))


def _person(ws: Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(select(s.person.c.id).order_by(s.person.c.id)).scalars().first() or 0)


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (8, 8), (200, 30, 30))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 1.0, 48.0), 3: "E", 4: (125.0, 45.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _upload(client: TestClient, url: str, files: list[tuple[str, bytes]], **fields: str) -> object:
    data = {"csrf": _session_csrf(client), **fields}
    parts = [("files", (name, body, "application/octet-stream")) for name, body in files]
    return client.post(url, data=data, files=parts, follow_redirects=False)


def test_an_upload_shows_the_hashes_and_is_recorded_like_the_cli(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    person = _person(registry)
    documenter = client_for("documenter")
    photo, letter = _jpeg_with_gps(), b"a letter from the camp\n" * 1000
    done = _upload(
        documenter,
        f"/persons/{person}/evidence",
        [("photo.jpg", photo), ("letter.txt", letter)],
        received_from=SECRET_GIVER,
        how="USB stick, in person",
        description="photos of the house",
    )
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    page = done.text  # type: ignore[attr-defined]
    for body in (photo, letter):
        assert hashlib.sha256(body).hexdigest() in page
        assert hashlib.sha512(body).hexdigest() in page
    assert SECRET_GIVER not in page
    ids = [int(i) for i in re.findall(r'data-evidence="(\d+)"', page)]
    shown = Evidence(registry).show(ids[0], protected=True)
    assert shown["media_type"] == "image/jpeg"
    assert shown["metadata"]["gps"]["position"] == [39.03, 125.75]
    assert shown["links"][0]["received_from"] == SECRET_GIVER
    assert shown["links"][0]["received_how"] == "USB stick, in person"
    assert shown["links"][0]["received_by"] == "web:documenter"
    custody = Evidence(registry).custody(ids[1])["events"]
    assert custody[0]["action"] == "evidence_received"
    assert custody[0]["detail"]["received_from"] == "recorded (protected)"
    assert SECRET_GIVER not in str(custody)
    listed = documenter.get(f"/persons/{person}").text
    assert f'href="/evidence/{ids[0]}"' in listed and "letter.txt" in listed
    incoming = registry.settings.evidence_dir / "incoming"
    assert list(incoming.iterdir()) == []  # no temporary or plain file left behind


def test_the_item_custody_and_download_pages(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    person = _person(registry)
    documenter = client_for("documenter")
    photo = _jpeg_with_gps()
    page = _upload(documenter, f"/persons/{person}/evidence", [("photo.jpg", photo)]).text  # type: ignore[attr-defined]
    evidence_id = int(re.findall(r'data-evidence="(\d+)"', page)[0])
    item = documenter.get(f"/api/evidence/{evidence_id}").json()
    assert item["item"]["sha256"] == hashlib.sha256(photo).hexdigest()
    assert item["item"]["gps_position"] == [39.03, 125.75]
    assert item["links"][0]["attached_to"] == f"person:{person}"
    assert item["may_download"] is True
    html = documenter.get(f"/evidence/{evidence_id}").text
    assert 'id="gps"' in html and 'id="download"' in html
    download = documenter.get(f"/evidence/{evidence_id}/file")
    assert download.status_code == 200
    assert download.content == photo
    custody = documenter.get(f"/api/evidence/{evidence_id}/custody").json()
    actions = [e["action"] for e in custody["events"]]
    assert actions == ["evidence_received", "evidence_viewed", "evidence_viewed", "evidence_copied"]
    assert "Chain of custody" in documenter.get(f"/evidence/{evidence_id}/custody").text
    viewer = client_for("viewer")
    assert viewer.get(f"/api/evidence/{evidence_id}").json()["may_download"] is False
    assert 'id="download"' not in viewer.get(f"/evidence/{evidence_id}").text
    assert viewer.get(f"/evidence/{evidence_id}/file").status_code == 403
    assert documenter.get("/api/evidence/999").status_code == 404


def test_the_case_form_attaches_to_an_incident_of_the_case_only(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    with registry.read() as conn:
        case_id, incident = conn.execute(select(s.incident.c.case_id, s.incident.c.id)).first() or (0, 0)
        other = conn.execute(select(s.case.c.id).where(s.case.c.id != case_id)).scalar()
    documenter = client_for("documenter")
    done = _upload(documenter, f"/cases/{case_id}/evidence", [("a.txt", b"one")], incident=str(incident))
    assert done.status_code == 200  # type: ignore[attr-defined]
    refused = _upload(documenter, f"/cases/{other}/evidence", [("b.txt", b"two")], incident=str(incident))
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert f"incident {incident} is not an incident of case {other}" in refused.text  # type: ignore[attr-defined]
    with registry.read() as conn:
        links = conn.execute(select(evidence_link.c.incident_id, evidence_link.c.case_id)).all()
    assert [tuple(r) for r in links] == [(incident, None)]
    assert "a.txt" in documenter.get(f"/cases/{case_id}").text


def test_the_json_upload_answers_like_evidence_add(
    client_for: Callable[[str], TestClient], registry: Workspace, app: object
) -> None:
    person = _person(registry)
    token = create_token(registry, "documenter", label="script")
    client = TestClient(app)  # type: ignore[arg-type]
    body = b"%PDF-1.4 not really a pdf"
    answer = client.post(
        f"/api/evidence?person={person}",
        files=[("file", ("scan.pdf", body, "application/pdf"))],
        data={"how": "e-mail"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text
    (item,) = answer.json()["evidence"]
    assert set(item) == {"evidence_id", "link_id", "sha256", "sha512", "size", "media_type", "stored"}
    assert (item["sha256"], item["size"], item["stored"]) == (
        hashlib.sha256(body).hexdigest(),
        len(body),
        True,
    )
    again = client.post(
        "/api/evidence",
        files=[("file", ("copy.pdf", body, "application/pdf"))],
        data={"person": str(person)},
        headers={"authorization": f"Bearer {token}"},
    )
    assert again.json()["evidence"][0] | {"link_id": 0} == item | {"stored": False, "link_id": 0}
    bad = client.post(
        "/api/evidence?person=99999",
        files=[("file", ("x.txt", b"x", "text/plain"))],
        headers={"authorization": f"Bearer {token}"},
    )
    assert (bad.status_code, bad.json()["detail"]) == (404, "person 99999 does not exist")


def test_forged_and_refused_uploads_take_nothing_in(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    person = _person(registry)
    documenter = client_for("documenter")
    files = [("files", ("x.txt", b"forged", "text/plain"))]
    no_token = documenter.post(f"/persons/{person}/evidence", files=files)
    assert no_token.status_code == 403
    wrong = documenter.post(f"/persons/{person}/evidence", files=files, data={"csrf": "nope"})
    assert wrong.status_code == 403
    header = documenter.post(f"/persons/{person}/evidence", files=files, headers={"x-csrf-token": "nope"})
    assert header.status_code == 403
    viewer = client_for("viewer")
    assert 'id="upload-form"' not in viewer.get(f"/persons/{person}").text
    refused = _upload(viewer, f"/persons/{person}/evidence", [("x.txt", b"viewer")])
    assert refused.status_code == 403  # type: ignore[attr-defined]
    empty = _upload(documenter, f"/persons/{person}/evidence", [])
    assert empty.status_code == 400  # type: ignore[attr-defined]
    with registry.read() as conn:
        assert conn.execute(select(s.evidence.c.id)).all() == []
    incoming = registry.settings.evidence_dir / "incoming"
    assert not incoming.exists() or list(incoming.iterdir()) == []


def test_the_consent_form_records_each_scope_and_lists_what_to_recall(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    person = _person(registry)
    documenter = client_for("documenter")
    form = {"scope": "un", "given_by": "the victim's son", "relation": "family", "how": "signed form"}
    granted = documenter.post(
        f"/persons/{person}/consent",
        data={**form, "decision": "granted", "reason": "form of 3 March", "csrf": _session_csrf(documenter)},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    with registry.read() as conn:
        assert consent_of(conn, person)["current"] == {
            "publication": False,
            "un": True,
            "court": False,
            "contact": False,
        }
    from unforgotten.store.consents import record_disclosure

    with registry.write(action="export", subject="export:test") as w:
        record_disclosure(w, kind="export", recipient="OHCHR Seoul", scope="un", person_ids=[person])
    missing = documenter.post(
        f"/persons/{person}/consent",
        data={**form, "decision": "withdrawn", "reason": "", "csrf": _session_csrf(documenter)},
    )
    assert missing.status_code == 422
    assert 'id="consent-errors"' in missing.text and 'value="the victim&#39;s son"' in missing.text
    withdrawn = documenter.post(
        f"/persons/{person}/consent",
        data={**form, "decision": "withdrawn", "reason": "asked by phone", "csrf": _session_csrf(documenter)},
    )
    assert withdrawn.status_code == 200
    recall = withdrawn.text[withdrawn.text.index('id="recall"') :]
    assert "OHCHR Seoul" in recall[: recall.index("</div>")]
    with registry.read() as conn:
        state = consent_of(conn, person)
    assert state["current"]["un"] is False
    assert [(r["scope"], r["granted"], r["recorded_by"]) for r in state["history"]] == [
        ("un", True, "web:documenter"),
        ("un", False, "web:documenter"),
    ]
    viewer = client_for("viewer")
    assert 'id="consent-form"' not in viewer.get(f"/persons/{person}").text
    forged = viewer.post(
        f"/persons/{person}/consent",
        data={**form, "decision": "granted", "reason": "x", "csrf": _session_csrf(viewer)},
    )
    assert forged.status_code == 403


def test_a_source_takes_files_and_lists_them(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    with registry.read() as conn:
        source_id = conn.execute(select(s.source.c.id).order_by(s.source.c.id)).scalars().first()
    documenter = client_for("documenter")
    done = _upload(documenter, f"/sources/{source_id}/evidence", [("ledger-scan.txt", b"the ledger")])
    assert done.status_code == 200  # type: ignore[attr-defined]
    with registry.read() as conn:
        assert conn.execute(select(evidence_link.c.source_id)).scalars().all() == [source_id]
    page = documenter.get(f"/sources/{source_id}").text
    assert "ledger-scan.txt" in page and 'id="upload-form"' in page
    assert _upload(documenter, "/sources/999/evidence", [("x.txt", b"x")]).status_code == 404  # type: ignore[attr-defined]


def test_who_handed_a_file_over_is_shown_only_on_request_to_roles_that_may_read_it(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    person = _person(registry)
    documenter = client_for("documenter")
    page = _upload(
        documenter, f"/persons/{person}/evidence", [("note.txt", b"a note\n")], received_from=SECRET_GIVER
    ).text  # type: ignore[attr-defined]
    evidence_id = int(re.findall(r'data-evidence="(\d+)"', page)[0])
    plain = documenter.get(f"/evidence/{evidence_id}").text
    assert SECRET_GIVER not in plain and 'id="reveal"' in plain
    revealed = documenter.get(f"/evidence/{evidence_id}?reveal=true")
    assert revealed.status_code == 200 and SECRET_GIVER in revealed.text
    assert documenter.get(f"/api/evidence/{evidence_id}?reveal=true").json()["links"][0]["received_from"] == (
        SECRET_GIVER
    )
    custody = Evidence(registry).custody(evidence_id)["events"]
    assert "with protected fields" in custody[-1]["detail"]["shown"]
    assert SECRET_GIVER not in str(custody)
    for name in ("viewer", "analyst"):
        other = client_for(name)
        assert 'id="reveal"' not in other.get(f"/evidence/{evidence_id}").text
        refused = other.get(f"/evidence/{evidence_id}?reveal=true")
        assert refused.status_code == 403 and SECRET_GIVER not in refused.text
