"""A confidential source's records reach only roles that may read protected fields: by no route
of the web app (pages, JSON twins, search, exports, review) for the others, and by no CLI export
without ``--include-confidential``."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.helpers import write_csv
from tests.web.conftest import _session_csrf
from tests.web.data import add_review_pairs
from tests.web.test_protection import _urls

from unforgotten.domain.roles import Permission, Role, may
from unforgotten.errors import PermissionDenied, ValidationError
from unforgotten.evidence import Attach, Evidence
from unforgotten.ingest import import_file
from unforgotten.store import schema as s
from unforgotten.store.export import export
from unforgotten.store.schema_linkage import link_pair
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.store import seed_demo

SOURCE = "Shelter intake ledger"
NAME, HANGUL, NOTE = "Hong Pimil-dong", "홍비밀동", "crossed at Hyesan ford"
MARKS = (SOURCE, NAME, HANGUL, NOTE)
BLIND = [r.value for r in Role if not may(r, Permission.READ_PROTECTED)]
SEEING = [r.value for r in Role if may(r, Permission.READ_PROTECTED)]


def _confidential(ws: Workspace, tmp: Path) -> dict[str, str]:
    row = {
        "record_id": "C1",
        "full_name": NAME,
        "name_hangul": HANGUL,
        "case_type": "detainee",
        "event_place": "Hyesan",
        "notes": NOTE,
    }
    import_file(ws, write_csv(tmp / "ledger.csv", [row]), source=SOURCE, confidentiality="confidential")
    round_id = seed_demo(ws)
    with ws.read() as conn:
        rec = (
            conn.execute(select(s.source_record).where(s.source_record.c.record_id == "C1")).mappings().one()
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
        "what": "records",
        "name": "viewer",
        "token_id": "1",
        "code": "ko",
        "row_id": str(rec["person_id"]),
        "incident_id": "1",
        "value_id": "1",
        "evidence_id": str(_evidence(ws, tmp, int(rec["person_id"]))),
        "org_id": "1",
        "facility_id": "1",
    }


def _evidence(ws: Workspace, tmp: Path, person: int) -> int:
    """A file attached to the confidential person, described with one of the marks."""
    (tmp / "ford.txt").write_text("the ford at night", encoding="utf-8")
    return Evidence(ws).add([tmp / "ford.txt"], attach=Attach(person=person), description=NOTE)[0].evidence_id


@pytest.fixture(autouse=True)
def _evidence_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNFORGOTTEN_EVIDENCE_DIR", str(tmp_path / "evidence-store"))


@pytest.mark.parametrize("role", BLIND)
def test_no_route_shows_a_confidential_source_to_a_role_that_may_not_see_it(
    role: str, app: FastAPI, registry: Workspace, tmp_path: Path, client_for: Callable[[str], TestClient]
) -> None:
    ids = _confidential(registry, tmp_path)
    client = client_for(role)
    urls = _urls(app, ids)
    assert len(urls) >= 25
    for what in ("persons", "records"):
        urls.append(("GET", f"/api/export/{what}.csv"))
    for method, url in urls:
        for suffix in ("", "?q=Hong+Pimil", "?q=홍비밀", "?q=Hyesan"):  # the marks are not echoed
            for accept in ("application/json", "text/html"):
                response = client.request(
                    method,
                    url + suffix,
                    data={"decision": "accepted"} if method == "POST" else None,
                    headers={"accept": accept},
                )
                for mark in MARKS:
                    assert mark not in response.text, f"{mark!r} at {role} {method} {url}{suffix}"
    assert client.get(f"/api/persons/{ids['person_id']}").status_code == 404
    assert client.get(f"/api/sources/{ids['source_id']}").status_code == 404
    assert client.get(f"/api/evidence/{ids['evidence_id']}").status_code == 404


@pytest.mark.parametrize("role", SEEING)
def test_roles_that_may_read_protected_fields_see_it(
    role: str, registry: Workspace, tmp_path: Path, client_for: Callable[[str], TestClient]
) -> None:
    ids = _confidential(registry, tmp_path)
    client = client_for(role)
    person = client.get(f"/api/persons/{ids['person_id']}")
    assert person.status_code == 200 and person.json()["primary_name"] == HANGUL
    assert NAME in client.get("/api/persons?q=Hong+Pimil").text
    assert NAME in client.get("/api/persons?q=홍비밀").text


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli_exports_leave_confidential_sources_out_unless_asked(ws: Workspace, tmp_path: Path) -> None:
    import_file(
        ws, write_csv(tmp_path / "open.csv", [{"record_id": "O1", "full_name": "Kim Open"}]), source="Open"
    )
    import_file(
        ws,
        write_csv(tmp_path / "c.csv", [{"record_id": "C1", "full_name": NAME}]),
        source=SOURCE,
        confidentiality="confidential",
    )
    for what in ("records", "persons", "clusters"):
        export(ws, what, tmp_path / f"{what}.csv")
        text = (tmp_path / f"{what}.csv").read_text(encoding="utf-8")
        assert "Kim Open" in text or "O1" in text
        assert NAME not in text and SOURCE not in text, what
    export(ws, "records", tmp_path / "all.csv", include_confidential=True)
    assert {r["record_id"] for r in _rows(tmp_path / "all.csv")} == {"O1", "C1"}
    analyst = Workspace(replace(ws.settings, role=Role.ANALYST), engine=ws.engine)
    with pytest.raises(PermissionDenied):
        export(analyst, "records", tmp_path / "no.csv", include_confidential=True)


def test_an_unknown_confidentiality_is_refused(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="use one of public, restricted, confidential"):
        import_file(
            ws,
            write_csv(tmp_path / "x.csv", [{"record_id": "1", "full_name": "K"}]),
            source="X",
            confidentiality="secret",
        )


def test_a_review_pair_with_a_confidential_record_is_neither_shown_nor_decided(
    registry: Workspace, tmp_path: Path, client_for: Callable[[str], TestClient]
) -> None:
    _confidential(registry, tmp_path)
    add_review_pairs(registry)
    with registry.read() as conn:
        recs = dict(conn.execute(select(s.source_record.c.record_id, s.source_record.c.id)).all())
    with registry.engine.begin() as conn:  # a pair of the newest run joining C1 to a visible record
        conn.execute(link_pair.update().where(link_pair.c.id == 2).values(record_l=recs["C1"]))
    analyst = client_for("analyst")
    queue = analyst.get("/api/review").json()
    assert [p["pair_id"] for p in queue["pairs"]] == [1]
    refused = analyst.post("/review/2", data={"decision": "accepted", "csrf": _session_csrf(analyst)})
    assert refused.status_code == 404
    admin = client_for("admin")
    assert [p["pair_id"] for p in admin.get("/api/review").json()["pairs"]] == [1, 2]
