"""The workbench's HTML forms without a browser: status codes, inline errors (422), the stale
save (409) carried over, restore, review by a second person, roles and CSRF, protected fields."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.web.conftest import _session_csrf

from unforgotten.records import Records
from unforgotten.store.workspace import Workspace

SOURCE = "Families association"
SECRET = "Informant Secret 4471"


def _form(client: TestClient, url: str, data: dict[str, str]) -> object:
    return client.post(url, data={"csrf": _session_csrf(client), **data}, follow_redirects=False)


def _new_person(client: TestClient, **extra: str) -> int:
    data = {
        "name": "Kim Yong-nam",
        "name_hangul": "김영남",
        "name_system": "mr",
        "sex": "M",
        "birth_date": "1977-08",
        "birth_place": "Chongjin",
        "source": SOURCE,
        "confidence": "probable",
        "citation": "p. 4",
        "reason": "testimony of 2 March",
        **extra,
    }
    response = _form(client, "/persons/new", data)
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/persons/(\d+)\?saved=1", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def _field(html: str, name: str) -> str:
    found = re.search(rf'<input id="f-{name}" name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_new_person_form_saves_a_draft(client_for: Callable[[str], TestClient], registry: Workspace) -> None:
    documenter = client_for("documenter")
    form = documenter.get("/persons/new")
    assert form.status_code == 200
    assert 'list="gazetteer"' in form.text and '<option value="Chongjin">' in form.text
    assert 'name="informant_contact"' in form.text and 'autocomplete="off"' in form.text
    person_id = _new_person(documenter, informant_name=SECRET)
    page = documenter.get(f"/persons/{person_id}?saved=1")
    assert page.status_code == 200
    assert 'id="state">draft' in page.text and "Version 1" in page.text
    assert SECRET not in page.text
    shown = Records(registry).show("person", person_id)
    assert shown["document"]["birth_date"] == "1977-08" and shown["document"]["has_informant"]
    assert {v["confidence"] for v in shown["values"]} == {"probable"}


def test_bad_values_come_back_with_inline_errors(client_for: Callable[[str], TestClient]) -> None:
    documenter = client_for("documenter")
    response = _form(
        documenter,
        "/persons/new",
        {
            "name": "이순희",
            "birth_date": "next spring",
            "source": SOURCE,
            "reason": "",
            "informant_name": SECRET,
        },
    )
    assert response.status_code == 422
    html = response.text
    assert _field(html, "name") == "이순희" and _field(html, "birth_date") == "next spring"
    assert 'aria-describedby="help-birth_date err-birth_date" aria-invalid="true"' in html
    assert re.search(r'id="err-birth_date">[^<]*is not a date', html)
    assert re.search(r'id="err-reason">[^<]*is required', html)
    assert SECRET not in html  # a refused form never sends a protected value back
    korean = TestClient(documenter.app, raise_server_exceptions=False, cookies=documenter.cookies)
    korean.cookies.set("lang", "ko")
    again = _form(korean, "/persons/new", {"name": "", "source": "", "reason": "x"})
    assert again.status_code == 422
    assert "필수 항목입니다" in again.text and 'id="err-source"' in again.text


def test_edit_stale_save_carry_over_restore(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    documenter = client_for("documenter")
    person_id = _new_person(documenter)
    form = documenter.get(f"/persons/{person_id}/edit").text
    assert 'name="expect_version" value="1"' in form and _field(form, "birth_date") == "1977-08"
    saved = _form(
        documenter,
        f"/persons/{person_id}/edit",
        {
            **_values(form),
            "birth_date": "1978-08",
            "reason": "the family corrected the year",
            "expect_version": "1",
        },
    )
    assert saved.status_code == 303
    page = documenter.get(f"/persons/{person_id}").text
    assert re.search(
        r'data-field="birth_date"><th>Birth date</th><td class="old">1977-08</td>.*?1978-08', page
    )

    # a second user still has version 1's form open: refused, and nothing typed is lost
    stale = _form(
        documenter,
        f"/persons/{person_id}/edit",
        {
            **_values(form),
            "aliases": "Kim Yong Nam|Gim Yeong-nam",
            "reason": "alias from the list",
            "expect_version": "1",
        },
    )
    assert stale.status_code == 409
    html = stale.text
    assert "Someone saved first" in html and 'name="expect_version" value="2"' in html
    assert _field(html, "aliases") == "Kim Yong Nam|Gim Yeong-nam"  # mine
    assert _field(html, "birth_date") == "1978-08"  # theirs, kept
    assert 'value="alias from the list"' in html
    carried = _form(
        documenter, f"/persons/{person_id}/edit", _values(html) | {"reason": "alias from the list"}
    )
    assert carried.status_code == 303
    document = Records(registry).show("person", person_id)["document"]
    assert (
        document["birth_date"],
        document["aliases"],
        Records(registry).show("person", person_id)["version"],
    ) == (
        "1978-08",
        "Kim Yong Nam|Gim Yeong-nam",
        3,
    )
    assert (
        _form(documenter, f"/persons/{person_id}/restore", {"version": "1", "reason": ""}).status_code == 422
    )
    restored = _form(
        documenter, f"/persons/{person_id}/restore", {"version": "1", "reason": "wrong corrections"}
    )
    assert restored.status_code == 303
    assert Records(registry).show("person", person_id)["document"]["birth_date"] == "1977-08"


def _values(html: str) -> dict[str, str]:
    """The values a form holds (inputs, selected options, the hidden version)."""
    out = dict(re.findall(r'<input id="f-(\w+)" name="\w+" value="([^"]*)"', html))
    for name, body in re.findall(r'<select id="f-(\w+)" name="\w+".*?>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        out[name] = chosen.group(1) if chosen else ""
    version = re.search(r'name="expect_version" value="(\d+)"', html)
    if version:
        out["expect_version"] = version.group(1)
    return out


def test_review_roles_and_csrf(client_for: Callable[[str], TestClient]) -> None:
    documenter, viewer, admin = client_for("documenter"), client_for("viewer"), client_for("admin")
    person_id = _new_person(documenter)
    assert viewer.get(f"/persons/{person_id}").status_code == 404  # a draft: not for viewers
    own = _form(documenter, f"/persons/{person_id}/approve", {"expect_version": "1", "next": "/drafts"})
    assert own.status_code == 403 and "a second person must approve it" in own.text
    drafts = documenter.get("/drafts").text
    assert f'id="approve-person-{person_id}"' in drafts
    assert _form(admin, f"/persons/{person_id}/approve", {"expect_version": "1"}).status_code == 303
    page = viewer.get(f"/persons/{person_id}")
    assert page.status_code == 200 and 'id="state">approved' in page.text
    assert "/edit" not in page.text and "/restore" not in page.text and 'id="approve"' not in page.text
    assert viewer.get(f"/persons/{person_id}/edit").status_code == 403
    assert (
        _form(
            viewer, f"/persons/{person_id}/edit", {"name": "X", "reason": "r", "expect_version": "1"}
        ).status_code
        == 403
    )
    forged = documenter.post(
        f"/persons/{person_id}/edit",
        data={"name": "X", "reason": "r", "expect_version": "1"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert client_for("analyst").get("/persons/new").status_code == 403


def test_case_status_incident_and_source_forms(
    client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    documenter = client_for("documenter")
    assert documenter.get("/sources/new").status_code == 200
    made = _form(
        documenter,
        "/sources/new",
        {
            "name": "Testimonies 2025",
            "kind": "testimonies",
            "organisation": "NKDB",
            "confidentiality": "confidential",
            "reason": "new",
        },
    )
    assert made.status_code == 303
    dup = _form(
        documenter, "/sources/new", {"name": "Testimonies 2025", "kind": "testimonies", "reason": "x"}
    )
    assert dup.status_code == 422 and "exists already" in dup.text
    person_id = _new_person(documenter)
    assert documenter.get(f"/persons/{person_id}/cases/new").status_code == 200
    case = _form(
        documenter,
        f"/persons/{person_id}/cases/new",
        {
            "case_type": "abductee_postwar",
            "event_date": "1977-08",
            "event_place": "함경북도",
            "status": "",
            "reason": "testimony",
        },
    )
    assert case.status_code == 303
    case_id = int(re.search(r"/cases/(\d+)", case.headers["location"]).group(1))  # type: ignore[union-attr]
    step = _form(
        documenter,
        f"/cases/{case_id}/statuses/new",
        {
            "status": "alive",
            "date": "2002",
            "note": "reported alive",
            "source": "Testimonies 2025",
            "reason": "report",
            "expect_version": "1",
        },
    )
    assert step.status_code == 303
    stale_step = _form(
        documenter,
        f"/cases/{case_id}/statuses/new",
        {"status": "deceased", "date": "2004", "reason": "r", "expect_version": "1"},
    )
    assert stale_step.status_code == 409 and 'name="expect_version" value="2"' in stale_step.text
    page = documenter.get(f"/cases/{case_id}").text
    assert "Status history" in page and "2002" in page
    bad = _form(
        documenter,
        f"/cases/{case_id}/incidents/new",
        {"title": "Abduction", "act_violation": "", "reason": "r"},
    )
    assert bad.status_code == 422 and 'id="err-act_violation"' in bad.text
    incident = _form(
        documenter,
        f"/cases/{case_id}/incidents/new",
        {
            "title": "Abduction at sea",
            "date": "1977-08",
            "act_violation": "NKV-A1",
            "act_perpetrator": "agents",
            "reason": "testimony",
        },
    )
    assert incident.status_code == 303, incident.text
    assert "Abduction at sea" in documenter.get(f"/cases/{case_id}").text
    alternative = _form(
        documenter,
        f"/persons/{person_id}/edit",
        {
            "name": "Kim Yong-nam",
            "birth_date": "1976",
            "source": "Testimonies 2025",
            "keep": "1",
            "reason": "other testimony",
            "expect_version": "1",
        },
    )
    assert alternative.status_code == 303
    values = [v for v in Records(registry).show("person", person_id)["values"] if v["field"] == "birth_date"]
    assert [(v["value"], v["preferred"]) for v in values] == [("1977-08", True), ("1976", False)]
    beside = values[1]["id"]
    preferred = _form(documenter, f"/values/{beside}/prefer", {"reason": "the later testimony is firmer"})
    assert preferred.status_code == 303
    assert Records(registry).show("person", person_id)["document"]["birth_date"] == "1976"
