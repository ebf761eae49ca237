"""The accountability pages and their JSON twins: organisation, perpetrator, facility, the index
with search in any script, the statistics; 403 for a viewer; every view with names audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from unforgotten.accountability import Accountability
from unforgotten.accountability.starter import load_starter
from unforgotten.ingest import import_file
from unforgotten.records import Records
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

EXAMPLE = Path(__file__).parents[1] / "docs_inputs" / "perpetrators_2024.csv"
SOURCE = "Detention survey 2024"


def seed_accountability(ws: Workspace) -> int:
    """The starter set, the example list imported, and a camp head with a post: his person id."""
    acc = Accountability(ws)
    load_starter(acc)
    import_file(ws, EXAMPLE, source=SOURCE)
    officer = (
        Records(ws)
        .add_person(
            {"name": "Ri Chol-ho", "name_hangul": "리철호"}, source=SOURCE, reason="named by a witness"
        )
        .row_id
    )
    acc.add_post(
        officer, "Bureau 7", title="head of bureau", command=True, start="2003", end="2015", source=SOURCE
    )
    acc.attribute(_act_of(ws, "DS24-007"), person_id=officer, involvement="direct", source=SOURCE)
    return officer


def _act_of(ws: Workspace, record_id: str) -> int:
    with ws.read() as conn:
        return int(
            conn.execute(
                select(s.act.c.id)
                .join(s.incident, s.incident.c.id == s.act.c.incident_id)
                .join(s.case, s.case.c.id == s.incident.c.case_id)
                .join(s.source_record, s.source_record.c.id == s.case.c.source_record_id)
                .where(s.source_record.c.record_id == record_id)
            ).scalar_one()
        )


@pytest.fixture
def officer(registry: Workspace) -> int:
    return seed_accountability(registry)


def test_organisation_page_and_its_json_twin(
    officer: int, client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    client = client_for("analyst")
    data = client.get("/api/organisations/1").json()  # the ministry: mss is loaded first
    assert data["organisation"]["key"] == "mss"
    assert data["victims"] == 5  # DS24-001, -002, -003, -010, and -007 through Bureau 7 (below it)
    assert data["acts_by_year"] == {"2002": 1, "2005": 1, "2014": 1, "2016": 1, "2017": 1}
    kinds = [e["kind"] for e in data["timeline"]]
    assert kinds.count("act") == 5 and "name" in kinds
    html = client.get("/organisations/1").text
    assert "국가보위성" in html and "국가안전보위부" in html and 'id="timeline"' in html
    bureau = client.get("/api/organisations/2").json()
    assert [p["name"] for p in bureau["organisation"]["posts"]] == ["리철호"]
    assert [f["name"] for f in bureau["facilities"]][:1] == ["Kaechon internment camp (Camp 14)"]


def test_perpetrator_and_facility_pages(officer: int, client_for: Callable[[str], TestClient]) -> None:
    client = client_for("documenter")
    data = client.get(f"/api/perpetrators/{officer}").json()
    assert [p["title"] for p in data["posts"]] == ["head of bureau"]
    assert data["victims"] == 1 and data["sources"] == [{"name": SOURCE, "confidentiality": "restricted"}]
    camp = client.get("/api/facilities/2").json()  # Yodok
    assert camp["facility"]["name_en"] == "Yodok (Camp 15)" and camp["victims"] == 3
    assert "no_coordinates" not in camp  # the page says so; the data has no coordinates
    assert 'id="no-coordinates"' in client.get("/facilities/2").text
    assert "<svg" in client.get("/facilities/1").text  # Camp 14 has citable coordinates
    assert client.get("/api/perpetrators/3").status_code == 404  # a victim is not a perpetrator


def test_search_finds_them_in_any_script_and_spelling(
    officer: int, client_for: Callable[[str], TestClient]
) -> None:
    client = client_for("analyst")

    def found(text: str) -> dict[str, list[str]]:
        data = client.get("/api/accountability", params={"q": text}).json()
        return {k: [h["name"] for h in data[k]] for k in ("organisations", "facilities", "perpetrators")}

    assert found("bowibu")["organisations"] == ["국가보위성"]
    assert found("State Security Department")["organisations"] == ["국가보위성"]
    assert found("요덕")["facilities"] == ["Yodok (Camp 15)"]
    assert found("Yodeok")["facilities"] == ["Yodok (Camp 15)"]
    assert found("Kaechŏn")["facilities"] == [
        "Kaechon internment camp (Camp 14)",
        "Kaechon (Kyo-hwa-so No. 1)",
    ]
    assert found("리철호")["perpetrators"] == ["리철호"]
    assert found("Yi Cheol-ho")["perpetrators"] == ["리철호"]
    assert found("Ri Chol-ho")["perpetrators"] == ["리철호"]


def test_statistics_page(officer: int, client_for: Callable[[str], TestClient]) -> None:
    data = client_for("analyst").get("/api/accountability/stats").json()
    assert data["acts"] == 9  # DS24-006 names a unit and a facility the registry does not know yet
    assert data["by_facility"]["Yodok (Camp 15)"] == 3
    assert data["by_organisation"]["국가보위성"] == 4
    assert sum(data["by_year"].values()) == 9


def test_viewers_are_refused_and_views_are_audited(
    officer: int, client_for: Callable[[str], TestClient], registry: Workspace
) -> None:
    viewer = client_for("viewer")
    for path in ("/accountability", "/organisations/1", f"/perpetrators/{officer}", "/facilities/2"):
        assert viewer.get(path).status_code == 403
        assert viewer.get("/api" + path).status_code == 403
    assert "/accountability" not in viewer.get("/").text
    client_for("analyst").get(f"/perpetrators/{officer}")
    with registry.read() as conn:
        events = conn.execute(
            select(s.audit_event.c.actor, s.audit_event.c.detail).where(
                s.audit_event.c.action == "read_perpetrators"
            )
        ).all()
    assert events and events[-1].actor == "web:analyst"
    assert "Ri Chol-ho" not in str(events[-1].detail)


def test_acts_from_a_confidential_source_stay_hidden_from_roles_that_may_not_see_it(
    officer: int, client_for: Callable[[str], TestClient], registry: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text(
        "record_id,full_name,case_type,event_date,perpetrator_unit,facility\n"
        "C1,Hong Pimil,detainee,2015-02,bowibu,Camp 15\n",
        encoding="utf-8",
    )
    import_file(registry, path, source="Secret ledger", confidentiality="confidential")
    analyst, admin = client_for("analyst"), client_for("admin")
    for url in ("/api/organisations/1", "/api/facilities/2", "/organisations/1", "/facilities/2"):
        assert "Secret ledger" not in analyst.get(url).text
    assert analyst.get("/api/organisations/1").json()["victims"] == 5
    assert admin.get("/api/organisations/1").json()["victims"] == 6
    assert "Secret ledger" in admin.get("/organisations/1").text
