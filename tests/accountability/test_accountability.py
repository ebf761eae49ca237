"""Accountability on SQLite and PostgreSQL: a synthetic hierarchy with renamings and
re-parentings, its command chains at three dates, name resolution over time in matching and
dossiers, refused unsourced attributions, perpetrators' names withheld from viewers, the starter
set, and ``verify`` over the new tables."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from unforgotten.accountability import Accountability, match_facility, match_organisation, match_perpetrator
from unforgotten.accountability import query as q
from unforgotten.accountability.starter import load_starter
from unforgotten.cli.main import build_app
from unforgotten.errors import FieldErrors, NotFoundError, PermissionDenied
from unforgotten.records import Records
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.schema_accountability import attribution
from unforgotten.store.schema_records import record_entry
from unforgotten.store.workspace import Workspace

SOURCE = "Testimonies 2024"


def _as(ws: Workspace, role: str, actor: str = "officer.kim") -> Workspace:
    settings = dataclasses.replace(ws.settings, actor=actor, role=Settings.build(role=role).role)
    return Workspace(settings, engine=ws.engine)


@dataclasses.dataclass
class World:
    ws: Workspace
    acc: Accountability
    people: dict[str, int]
    acts: dict[str, int]


def _person(records: Records, name: str, case: bool = False) -> int:
    return records.add_person(
        {"name": name},
        source=SOURCE,
        reason="testimony",
        case={"case_type": "detainee", "event_date": "1995"} if case else None,
    ).row_id


def _act(ws: Workspace, records: Records, victim: int, when: str, perpetrator: str, place: str = "") -> int:
    with ws.read() as conn:
        case_id = int(conn.execute(select(s.case.c.id).where(s.case.c.person_id == victim)).scalar_one())
    saved = records.add_incident(
        case_id,
        {"title": f"detention {when}"},
        acts=[{"violation": "NKV-F1", "date": when, "perpetrator": perpetrator, "place": place}],
        reason="testimony",
    )
    with ws.read() as conn:
        return int(conn.execute(select(s.act.c.id).where(s.act.c.incident_id == saved.row_id)).scalar_one())


@pytest.fixture
def world(ws: Workspace) -> World:
    """Ministry 갑보위부 (to 1999) → 갑보위성 (from 2000); its bureau 제9국 moved from the ministry
    to the committee in 2000; the camp administration is under the bureau throughout."""
    Records(ws).add_source(SOURCE, kind="testimonies", organisation="NKDB", confidentiality="restricted")
    acc = Accountability(ws)
    acc.add_org(
        "ministry",
        kind="state_security",
        names=[
            {"text": "갑보위부", "kind": "hangul", "to": "1999", "source": SOURCE},
            {"text": "Alpha Security Department", "kind": "english", "to": "1999"},
            {"text": "alphasec", "kind": "alias"},
        ],
    )
    acc.rename("ministry", "갑보위성", on="2000", source=SOURCE)
    acc.rename("ministry", "Alpha Security Ministry", on="2000", kind="english")
    acc.add_org("committee", kind="party", names=[{"text": "을위원회", "kind": "hangul"}])
    acc.add_org("bureau", kind="state_security", names=[{"text": "제9국", "kind": "hangul"}])
    acc.set_parent("bureau", "ministry", start="1990", end="1999", source=SOURCE, citation="p. 4")
    acc.set_parent("bureau", "committee", start="2000", source=SOURCE, citation="p. 9")
    acc.add_org("camp-admin", kind="camp_administration", names=[{"text": "Camp Office", "kind": "english"}])
    acc.set_parent("camp-admin", "bureau", start="1990", source=SOURCE)
    records = Records(ws)
    people = {n: _person(records, n) for n in ("박영수", "최동일", "정민호", "한상철")}
    acc.add_post(
        people["박영수"], "bureau", title="head", command=True, start="1990", end="1998", source=SOURCE
    )
    acc.add_post(
        people["최동일"], "bureau", title="head", command=True, start="2001", end="2010", source=SOURCE
    )
    acc.add_post(
        people["정민호"], "갑보위부", title="minister", command=True, start="1985", end="2005", source=SOURCE
    )
    acc.add_post(people["한상철"], "committee", title="chair", command=True, start="2000", source=SOURCE)
    victim = _person(records, "김영희", case=True)
    acts = {
        "1995": _act(ws, records, victim, "1995-05", "갑보위부"),
        "1999": _act(ws, records, victim, "1999-03", "Alpha Security Department"),
        "2003": _act(ws, records, victim, "2003-07", ""),
    }
    for when in ("1995", "1999", "2003"):
        acc.attribute(acts[when], org="bureau", involvement="member_of", text="two agents", source=SOURCE)
    return World(ws, acc, people, acts)


def _links(chain: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(link["name"], [c["name"] for c in link["commanders"]]) for link in chain["chains"][0]["links"]]


def test_the_chain_at_three_dates_follows_renamings_and_re_parentings(world: World) -> None:
    ws, acts = world.ws, world.acts
    assert _links(q.command_chain(ws, acts["1995"])) == [("제9국", ["박영수"]), ("갑보위부", ["정민호"])]
    late_90s = q.command_chain(ws, acts["1999"])
    assert _links(late_90s) == [("제9국", []), ("갑보위부", ["정민호"])]
    assert "no known commander of 제9국 in 1999" in late_90s["chains"][0]["gaps"]
    after = q.command_chain(ws, acts["2003"])
    assert _links(after) == [("제9국", ["최동일"]), ("을위원회", ["한상철"])]
    assert after["chains"][0]["links"][1]["below_by"]["citation"] == "p. 9"
    assert "may bear command responsibility" in after["statement"]
    assert ws.verify().ok


def test_names_resolve_by_alias_and_over_time(world: World) -> None:
    with world.ws.read() as conn:
        old = match_organisation(conn, "갑 보위부", date(1995, 1, 1))
        new = match_organisation(conn, "Alpha Security Ministry", date(1995, 1, 1))
        alias = match_organisation(conn, "ALPHASEC")
        assert old is not None and new is not None and alias is not None
        assert old.id == new.id == alias.id
        assert (old.in_force, old.label) == (True, "갑보위부")
        assert (new.in_force, new.label) == (False, "갑보위부")  # the act predates the new name
        assert match_organisation(conn, "Beta Ministry") is None
        found = match_perpetrator(conn, "Pak Yong-su", date(1995, 1, 1))
        assert found is not None and found.id == world.people["박영수"]
        assert match_perpetrator(conn, "김영희") is None  # a victim, no post: not a perpetrator


def test_dossier_of_a_unit_finds_acts_recorded_under_its_other_names(world: World) -> None:
    ministry = q.dossier(world.ws, "unit", "갑보위성")
    recorded = {a["act_id"]: a["statements"][0] for a in ministry["acts"]}
    assert set(recorded) == {world.acts["1995"], world.acts["1999"]}
    assert recorded[world.acts["1995"]]["recorded_as"] == "갑보위부"
    assert ministry["victims"] == 1 and ministry["acts_by_year"] == {"1995": 1, "1999": 1}
    bureau = q.dossier(world.ws, "unit", "bureau", start=date(2000, 1, 1))
    assert [a["act_id"] for a in bureau["acts"]] == [world.acts["2003"]]
    assert bureau["sources"] == [{"name": SOURCE, "confidentiality": "restricted"}]
    assert [link["name"] for link in bureau["chain"][0]["links"]] == ["제9국", "을위원회"]
    assert "김영희" not in json.dumps(bureau, ensure_ascii=False)  # victims are counted, not named


def test_an_unsourced_attribution_is_refused(world: World) -> None:
    with pytest.raises(FieldErrors) as refused:
        world.acc.attribute(
            world.acts["1995"], person_id=world.people["박영수"], involvement="ordered", source=None
        )
    assert "source" in refused.value.errors
    with pytest.raises(FieldErrors):
        world.acc.attribute(
            world.acts["1995"], person_id=world.people["박영수"], involvement="hid", source=SOURCE
        )
    with pytest.raises(NotFoundError):
        world.acc.attribute(world.acts["1995"], org="nowhere", involvement="ordered", source=SOURCE)
    with world.ws.read() as conn:
        assert (
            conn.execute(select(attribution.c.id).where(attribution.c.person_id.is_not(None))).first() is None
        )


def test_a_viewer_sees_no_perpetrator_names_and_every_view_is_audited(world: World, tmp_path: Path) -> None:
    viewer = _as(world.ws, "viewer")
    chain = q.command_chain(viewer, world.acts["1995"])
    assert "박영수" not in json.dumps(chain, ensure_ascii=False)
    assert chain["chains"][0]["links"][0]["commanders"][0]["name"] == q.WITHHELD
    with pytest.raises(PermissionDenied):
        q.dossier(viewer, "person", str(world.people["박영수"]))
    analyst = _as(world.ws, "analyst", actor="analyst.lee")
    assert "박영수" in json.dumps(q.command_chain(analyst, world.acts["1995"]), ensure_ascii=False)
    with world.ws.read() as conn:
        events = conn.execute(
            select(s.audit_event.c.actor, s.audit_event.c.detail).where(
                s.audit_event.c.action == "read_perpetrators"
            )
        ).all()
    assert [e.actor for e in events] == ["analyst.lee"]
    assert "박영수" not in events[0].detail  # ids, never names
    # the same through the command line, with --json
    url = world.ws.settings.db_url
    runner = CliRunner()
    env = {"UNFORGOTTEN_KEY_FILE": str(world.ws.settings.key_file)}
    app = build_app(["unforgotten.cli.accountability"])
    shown = runner.invoke(
        app, ["chain", str(world.acts["1995"]), "--db", url, "--role", "viewer", "--json"], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert "박영수" not in shown.output and q.WITHHELD in shown.output
    refused = runner.invoke(
        app, ["dossier", "person", str(world.people["박영수"]), "--db", url, "--role", "viewer"], env=env
    )
    assert refused.exit_code != 0
    out = tmp_path / "dossier"
    done = runner.invoke(
        app,
        ["dossier", "unit", "alphasec", "--db", url, "--role", "analyst", "--json", "--out", str(out)],
        env=env,
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["victims"] == 1
    assert "갑보위부" in (out / "dossier.html").read_text(encoding="utf-8")


def test_unsourced_attribution_by_cli_is_a_clear_error(world: World) -> None:
    app = build_app(["unforgotten.cli.accountability"])
    env = {"UNFORGOTTEN_KEY_FILE": str(world.ws.settings.key_file)}
    result = CliRunner().invoke(
        app,
        [
            "attribute",
            str(world.acts["1995"]),
            "--org",
            "bureau",
            "--involvement",
            "ordered",
            "--db",
            world.ws.settings.db_url,
        ],
        env=env,
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, FieldErrors) and "source" in result.exception.errors


def test_statistics_by_unit_and_facility(world: World) -> None:
    records = _as(world.ws, "documenter", actor="reviewer.park")
    with world.ws.read() as conn:
        incidents = list(
            conn.execute(
                select(record_entry.c.row_id).where(
                    record_entry.c.table_name == "incident", record_entry.c.state == "draft"
                )
            ).scalars()
        )
    assert len(incidents) == 3
    assert q.stats_by(world.ws, "unit")["total"] == 0  # drafts are left out
    for incident in incidents:
        Records(records).approve("incident", int(incident))
    by_unit = q.stats_by(world.ws, "unit")["rows"]
    assert {(r["unit"], r["year"], r["acts"]) for r in by_unit} == {
        ("제9국", "1995", 1),
        ("제9국", "1999", 1),
        ("제9국", "2003", 1),
        ("갑보위성", "1995", 1),
        ("갑보위성", "1999", 1),
    }


def test_starter_set_and_facilities(ws: Workspace) -> None:
    acc = Accountability(ws)
    first = load_starter(acc)
    assert (first.organisations, first.facilities) == (13, 7)
    assert load_starter(acc).organisations == 0  # loads only what is missing
    with ws.read() as conn:
        mss = match_organisation(conn, "bowibu")
        renamed = match_organisation(conn, "국가보위성")
        assert mss is not None and renamed is not None and mss.id == renamed.id
        assert (
            match_organisation(conn, "State Security Department", date(2010, 1, 1)).label == "국가안전보위부"
        )  # type: ignore[union-attr]
        yodok = match_facility(conn, "요덕 제15호 관리소")
        assert yodok is not None and match_facility(conn, "Camp 15").id == yodok.id  # type: ignore[union-attr]
        assert match_facility(conn, "Kaechon") is None  # a camp and a prison share the name
    camp = q.facility_show(ws, "kwanliso-15")
    assert camp["operators"][0]["name"] == "Bureau 7" and camp["latitude"] is None
    # an act typed in a list at "요덕 제15호 관리소" is an act at the facility
    records = Records(ws)
    records.add_source(SOURCE, kind="testimonies", organisation="NKDB", confidentiality="restricted")
    victim = _person(records, "이순자", case=True)
    act = _act(ws, records, victim, "2005", "보위부", place="요덕 제15호 관리소")
    facility = q.dossier(ws, "facility", "Yodok")
    assert [a["act_id"] for a in facility["acts"]] == [act]
    links = facility["chain"][0]["links"]
    assert [link["name"] for link in links] == ["Bureau 7", "국가안전보위부"]
    assert q.dossier(ws, "unit", "국가보위성")["acts"][0]["act_id"] == act  # recorded as 보위부
    assert ws.verify().ok


def test_verify_covers_the_new_tables(world: World) -> None:
    assert world.ws.verify().ok
    with world.ws.engine.begin() as conn:
        conn.execute(text("UPDATE attribution SET involvement = 'direct' WHERE id = 1"))
    assert not world.ws.verify().ok


def test_exports_for_outside_recipients_leave_alleged_perpetrators_out(world: World, tmp_path: Path) -> None:
    from unforgotten.records.consent import set_consent
    from unforgotten.store.export import export

    with world.ws.read() as conn:
        victim = int(
            conn.execute(select(s.person.c.id).where(s.person.c.primary_name == "김영희")).scalar_one()
        )
    for person in (victim, world.people["박영수"]):
        set_consent(world.ws, person, scope="un", granted=True, given_by="the person", reason="signed form")
    out = tmp_path / "persons.json"
    export(world.ws, "persons", out, fmt="json", scope="un", recipient="UN WGEID")
    exported = {int(r["person_id"]) for r in json.loads(out.read_text(encoding="utf-8"))}
    assert victim in exported and world.people["박영수"] not in exported


def test_every_gap_a_dossier_states_is_said_in_korean_on_korean_pages(world: World) -> None:
    from unforgotten.web.gaps import gap_text

    gaps = [g for name in ("bureau", "갑보위성") for g in q.dossier(world.ws, "unit", name)["gaps"]]
    gaps += [
        g for act in world.acts.values() for c in q.command_chain(world.ws, act)["chains"] for g in c["gaps"]
    ]
    assert "no known commander of 제9국 in 1999" in gaps
    for gap in gaps:
        korean = gap_text(gap, "ko")
        assert korean != gap and not re.search(r"[A-Za-z]{3,}", korean.replace("Alpha", "")), (gap, korean)
        assert gap_text(gap, "en") == gap
    assert gap_text("no known commander of 제9국 in 1999", "ko") == "1999년 제9국의 지휘관이 기록에 없음"
    assert (
        gap_text("act 7 has no date: it cannot be placed in any chain", "ko")
        == "행위 7: 일자가 없어 지휘 계통에 둘 수 없음"
    )


def test_a_units_dossier_holds_the_acts_of_the_units_below_it_at_each_date(world: World) -> None:
    committee = q.dossier(world.ws, "unit", "committee")
    acts = {a["act_id"]: a for a in committee["acts"]}
    assert set(acts) == {world.acts["2003"]}  # the bureau was below the ministry in 1995 and 1999
    (statement,) = acts[world.acts["2003"]]["statements"]
    assert statement["through"] == "제9국" and statement["involvement"] == "member_of"
    assert [link["name"] for link in committee["chain"][0]["links"]] == ["제9국", "을위원회"]
    ministry = q.dossier(world.ws, "unit", "갑보위성")
    through = [s.get("through") for a in ministry["acts"] for s in a["statements"]]
    assert through.count("제9국") == 2 and world.acts["2003"] not in {a["act_id"] for a in ministry["acts"]}
