"""Perpetrators and facilities from imported lists, on SQLite and PostgreSQL: matched by alias and
by the name in force at the act's date, unmatched values kept as proposals to review (never new
entities), names of persons kept encrypted and withheld from viewers; and the all-or-nothing
import of organisations and posts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from unforgotten.accountability import Accountability
from unforgotten.accountability import proposals as p
from unforgotten.accountability import query as q
from unforgotten.accountability.orgfile import import_orgs
from unforgotten.accountability.starter import load_starter
from unforgotten.errors import BatchRejected, FieldErrors
from unforgotten.ingest import import_file
from unforgotten.records import Records
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.keys import rotate_key
from unforgotten.store.schema_accountability import attribution, attribution_proposal, organisation
from unforgotten.store.workspace import Workspace

HEADER = (
    "record_id,full_name,case_type,event_date,perpetrator_name,perpetrator_unit,perpetrator_role,facility\n"
)
ROWS = (
    "R1,Kim Chol-su,political_prisoner,2005-03,,국가안전보위부,member_of,요덕 제15호 관리소\n"
    "R2,Ri Myong-hui,forcibly_returned,2014-06,,bowibu,,온성 집결소|Kyohwaso No. 12|Camp 15\n"
    "R3,Pak Song-nam,political_prisoner,2017-09,Ri Chol-ho,국가보위성,ordered,Camp 16\n"
    "R4,Choe Un-ha,detainee,2009-11,,온성군 보위부,interrogator,\n"
    "R5,Han Yong-chol,,2010,,MSS,,\n"
)
SOURCE = "Detention survey 2024"


def _as(ws: Workspace, role: str, actor: str = "officer.kim") -> Workspace:
    settings = dataclasses.replace(ws.settings, actor=actor, role=Settings.build(role=role).role)
    return Workspace(settings, engine=ws.engine)


def _act(ws: Workspace, record_id: str) -> int:
    query = (
        select(s.act.c.id)
        .join(s.incident, s.incident.c.id == s.act.c.incident_id)
        .join(s.case, s.case.c.id == s.incident.c.case_id)
        .join(s.source_record, s.source_record.c.id == s.case.c.source_record_id)
        .where(s.source_record.c.record_id == record_id)
        .order_by(s.act.c.id)
    )
    with ws.read() as conn:
        return int(conn.execute(query).scalars().first() or 0)


@pytest.fixture
def imported(ws: Workspace, tmp_path: Path) -> Workspace:
    load_starter(Accountability(ws))
    path = tmp_path / "survey.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    report = import_file(ws, path, source=SOURCE)
    assert report.to_dict()["accountability"] == {
        "rows": 4,  # R5 has no case_type, so no act
        "attributions": 3,
        "placed_at_facility": 3,
        "acts_at_further_facilities": 1,
        "proposals": 3,
    }
    return ws


def _attributions(ws: Workspace, act: int) -> list[tuple[str | None, int | None, str, str | None]]:
    query = (
        select(organisation.c.key, attribution.c.person_id, attribution.c.involvement, attribution.c.text)
        .outerjoin(organisation, organisation.c.id == attribution.c.organisation_id)
        .where(attribution.c.act_id == act)
        .order_by(attribution.c.id)
    )
    with ws.read() as conn:
        return [tuple(r) for r in conn.execute(query)]


def test_units_match_by_alias_and_by_the_name_in_force(imported: Workspace) -> None:
    ws = imported
    assert _attributions(ws, _act(ws, "R1")) == [("mss", None, "member_of", None)]
    assert _attributions(ws, _act(ws, "R2")) == [("mss", None, "member_of", None)]
    assert _attributions(ws, _act(ws, "R3")) == [("mss", None, "ordered", None)]  # the name unmatched
    assert _attributions(ws, _act(ws, "R4")) == []  # the county office is not known yet
    # the unit's dossier, under its name of today, holds the acts recorded under every other name
    acts = {a["act_id"] for a in q.dossier(ws, "unit", "Ministry of State Security")["acts"]}
    assert acts == {_act(ws, r) for r in ("R1", "R2", "R3")}
    with ws.read() as conn:
        source = conn.execute(
            select(s.source.c.name).join(attribution, attribution.c.source_id == s.source.c.id)
        ).scalar()
        citation = conn.execute(select(attribution.c.citation).where(attribution.c.id == 1)).scalar()
    assert (source, citation) == (SOURCE, "survey.csv, row 2 (record R1)")


def test_facilities_place_acts_and_a_further_one_adds_an_act(imported: Workspace) -> None:
    ws = imported
    first = _act(ws, "R2")
    with ws.read() as conn:
        incident = conn.execute(select(s.act.c.incident_id).where(s.act.c.id == first)).scalar()
        acts = conn.execute(
            select(s.act.c.id, s.act.c.victim_id, s.act.c.violation_code)
            .where(s.act.c.incident_id == incident)
            .order_by(s.act.c.id)
        ).all()
    assert len(acts) == 2 and acts[0][1:] == acts[1][1:]  # the same victim and violation
    further = acts[1][0]
    camp15 = q.dossier(ws, "facility", "Camp 15")
    assert sorted(a["act_id"] for a in camp15["acts"]) == [_act(ws, "R1"), further]
    assert [a["act_id"] for a in q.dossier(ws, "facility", "전거리 제12호 교화소")["acts"]] == [first]


def test_unmatched_values_become_proposals_never_new_entities(imported: Workspace) -> None:
    ws = imported
    with ws.read() as conn:
        assert conn.execute(select(func.count()).select_from(organisation)).scalar() == 13
        stored = conn.execute(
            select(attribution_proposal.c.field, attribution_proposal.c.text, attribution_proposal.c.text_enc)
        ).all()
        raw = conn.execute(select(s.source_record.c.raw).where(s.source_record.c.record_id == "R3")).scalar()
    assert [(f, t) for f, t, _ in stored] == [
        ("facility", "온성 집결소"),
        ("perpetrator_name", None),
        ("perpetrator_unit", "온성군 보위부"),
    ]
    assert stored[1][2] is not None and "Ri Chol-ho" not in stored[1][2]  # encrypted at rest
    assert "perpetrator_name" not in raw and "Ri Chol-ho" not in json.dumps(raw)
    assert raw["perpetrator_unit"] == "국가보위성"


def test_perpetrator_names_in_proposals_are_withheld_from_viewers(imported: Workspace) -> None:
    viewer = p.list_proposals(_as(imported, "viewer"))
    assert [x["text"] for x in viewer] == ["온성 집결소", p.WITHHELD, "온성군 보위부"]
    analyst = p.list_proposals(_as(imported, "analyst", actor="analyst.lee"))
    assert analyst[1]["text"] == "Ri Chol-ho" and analyst[1]["unit"] == "국가보위성"
    with imported.read() as conn:
        events = conn.execute(
            select(s.audit_event.c.actor, s.audit_event.c.detail).where(
                s.audit_event.c.action == "read_perpetrators"
            )
        ).all()
    assert [e.actor for e in events] == ["analyst.lee"]
    assert "Ri Chol-ho" not in json.dumps(events[0].detail)


def test_accepting_writes_the_attribution_and_rejecting_keeps_nothing(imported: Workspace) -> None:
    ws = imported
    officer = Records(ws).add_person({"name": "리철호"}, source=SOURCE, reason="named by the list").row_id
    p.accept(ws, 2, str(officer), reason="the same officer")
    assert _attributions(ws, _act(ws, "R3"))[-1] == ("mss", officer, "ordered", None)
    p.accept(ws, 3, "mss", reason="a county office of the ministry", remember=True)
    assert _attributions(ws, _act(ws, "R4")) == [("mss", None, "member_of", "interrogator")]
    p.reject(ws, 1, reason="not a facility the registry holds")
    assert [x["state"] for x in p.list_proposals(ws, state="all")] == ["rejected", "accepted", "accepted"]
    with pytest.raises(FieldErrors, match="already accepted"):
        p.reject(ws, 2, reason="again")
    with pytest.raises(FieldErrors, match="already rejected"):
        p.accept(ws, 1, "mss")
    # the spelling is remembered: the next list with it matches
    assert q.org_show(ws, "온성군 보위부")["key"] == "mss"
    assert ws.verify().ok


def test_a_row_without_an_act_warns(ws: Workspace, tmp_path: Path) -> None:
    load_starter(Accountability(ws))
    path = tmp_path / "survey.csv"
    path.write_text(HEADER + ROWS.splitlines()[-1] + "\n", encoding="utf-8")
    report = import_file(ws, path, source=SOURCE)
    assert [w.code for w in report.warnings] == ["no_act"]
    assert "accountability" not in report.to_dict()


ORGS = (
    "record,key,kind,name,name_kind,parent,person,title,command,from,to,source,citation,confidence\n"
    "organisation,onsong,state_security,온성군 보위부,,mss,,,,,,,,\n"
    "name,onsong,,Onsong County SSD,english,,,,,,,,,\n"
    "post,onsong,,,,,{person},head,yes,2008,2015,Detention survey 2024,interview 3,probable\n"
    "dissolution,onsong,,,,,,,,,2019,,,\n"
)


def test_organisations_and_posts_import_from_one_file(ws: Workspace, tmp_path: Path) -> None:
    load_starter(Accountability(ws))
    Records(ws).add_source(SOURCE, kind="testimonies", organisation="NGO", confidentiality="restricted")
    person = Records(ws).add_person({"name": "리철호"}, source=SOURCE, reason="named").row_id
    path = tmp_path / "units.csv"
    path.write_text(ORGS.format(person=person), encoding="utf-8")
    done = import_orgs(ws, path)
    assert done.to_dict() == {
        "file": "units.csv",
        "rows": 4,
        "added": {"organisation": 1, "name": 1, "parent": 0, "post": 1, "dissolution": 1},
    }
    shown = q.org_show(ws, "Onsong County SSD")
    assert shown["key"] == "onsong" and [x["name"] for x in shown["parents"]] == ["국가보위성"]
    assert [x["title"] for x in shown["posts"]] == ["head"]


def test_a_bad_organisation_file_is_rejected_whole_naming_rows_and_fields(
    ws: Workspace, tmp_path: Path
) -> None:
    load_starter(Accountability(ws))
    Records(ws).add_source(SOURCE, kind="testimonies", organisation="NGO", confidentiality="restricted")
    person = Records(ws).add_person({"name": "리철호"}, source=SOURCE, reason="named").row_id
    path = tmp_path / "units.csv"
    rows = (  # f-string rows below: the person's id and the source
        "record,key,kind,name,person,title,from,to,source\n"
        "organisation,onsong,state_security,온성군 보위부,,,,,\n"
        "organisation,x,secret_police,엑스,,,,,\n"
        "post,onsong,,,abc,head,,,\n"
        f"post,onsong,,,{person},head,2010,2005,{SOURCE}\n"
        "parent,onsong,,,,,,,\n"
        "merger,onsong,,,,,,,\n"
    )
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(BatchRejected) as rejected:
        import_orgs(ws, path)
    assert [(x.row, x.column) for x in rejected.value.problems] == [
        (3, "kind"),
        (4, "person"),
        (5, "dates"),
        (6, "parent"),
        (7, "record"),
    ]
    with ws.read() as conn:  # nothing of the good row was kept
        assert conn.execute(select(func.count()).select_from(organisation)).scalar() == 13


def test_a_key_rotation_re_encrypts_the_names_in_proposals(imported: Workspace) -> None:
    report = rotate_key(imported)
    assert report.values["attribution_proposal"] == 1
    fresh = Workspace(imported.settings, engine=imported.engine)  # the rotated key, read afresh
    assert p.list_proposals(_as(fresh, "analyst"))[1]["text"] == "Ri Chol-ho"
    assert fresh.verify().ok
