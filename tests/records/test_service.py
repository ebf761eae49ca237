"""The record service on SQLite and PostgreSQL: entry, versions, optimistic locking, review,
provenance per value, restore and retire, protected fields, all covered by ``verify``."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.helpers import canonical_rows, write_csv
from unforgotten.errors import ConflictError, FieldErrors, NotFoundError, PermissionDenied, StaleVersionError
from unforgotten.ingest import import_file
from unforgotten.records import Provenance, Records
from unforgotten.records.purge import purge_protected
from unforgotten.settings import Settings
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.schema_records import field_value
from unforgotten.store.workspace import Workspace


def _as(ws: Workspace, actor: str, role: str = "documenter") -> Records:
    settings = dataclasses.replace(ws.settings, actor=actor, role=Settings.build(role=role).role)
    return Records(Workspace(settings, engine=ws.engine))


@pytest.fixture
def records(ws: Workspace) -> Records:
    service = Records(ws)
    service.add_source(
        "Testimonies 2024", kind="testimonies", organisation="NKDB", confidentiality="restricted"
    )
    return _as(ws, "officer.kim")


def _kim(records: Records) -> int:
    saved = records.add_person(
        {"name": "김철수", "sex": "남", "birth_date": "1977-08", "birth_place": "함경북도 청진시"},
        source="Testimonies 2024",
        reason="testimony of 2024-03-02",
        case={"case_type": "abductee_postwar", "event_date": "1977", "status": "unresolved"},
    )
    return saved.row_id


def _case_of(ws: Workspace, person_id: int) -> int:
    with ws.read() as conn:
        return int(conn.execute(select(s.case.c.id).where(s.case.c.person_id == person_id)).scalar_one())


def test_a_person_entered_is_a_draft_with_a_record_of_its_source(records: Records, ws: Workspace) -> None:
    person_id = _kim(records)
    shown = records.show("person", person_id)
    assert (shown["version"], shown["state"], shown["author"]) == (1, "draft", "officer.kim")
    assert shown["document"]["name"] == "김철수"
    assert shown["document"]["sex"] == "M"
    with ws.read() as conn:
        person = conn.execute(select(s.person).where(s.person.c.id == person_id)).mappings().one()
        detail = queries.person_detail(conn, person_id)
    assert str(person["birth_date_start"]) == "1977-08-01" and person["birth_date_precision"] == "month"
    assert [r["source"] for r in detail["records"]] == ["Testimonies 2024"]
    assert detail["events"][0]["case_type"] == "abductee_postwar"
    fields = {v["field"]: v for v in shown["values"]}
    assert fields["birth_date"]["source"] == "Testimonies 2024" and fields["birth_date"]["preferred"]
    assert ws.verify().ok


def test_every_bad_field_is_named_and_nothing_is_written(records: Records, ws: Workspace) -> None:
    with ws.read() as conn:
        before = conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
    with pytest.raises(FieldErrors) as caught:
        records.add_person(
            {"name": "", "sex": "yes", "birth_date": "next spring"},
            source="Testimonies 2024",
            reason="",
            case={"case_type": "abductee_postwr"},
        )
    errors = caught.value.errors
    assert set(errors) == {"name", "sex", "birth_date", "case_type", "reason"}
    assert "abductee_postwar" in errors["case_type"]  # a suggestion
    with pytest.raises(NotFoundError, match="Testimonies 2024"):
        records.add_person({"name": "Ri"}, source="No such list", reason="r")
    with ws.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == before


def test_edit_makes_a_version_with_field_differences_and_restore_brings_back(records: Records) -> None:
    person_id = _kim(records)
    saved = records.edit(
        "person", person_id, {"birth_date": "1976"}, reason="family letter", expect_version=1
    )
    assert (saved.version, saved.changed) == (2, ("birth_date",))
    history = records.history("person", person_id)
    assert [h["version"] for h in history] == [1, 2]
    assert history[1]["changes"] == {"birth_date": ["1977-08", "1976"]}
    assert history[1]["reason"] == "family letter" and history[1]["actor"] == "officer.kim"
    restored = records.restore("person", person_id, version=1, reason="letter misread")
    assert restored.version == 3 and restored.changed == ("birth_date",)
    assert records.show("person", person_id)["document"]["birth_date"] == "1977-08"


def test_a_stale_save_changes_nothing_and_names_both_versions(records: Records, ws: Workspace) -> None:
    person_id = _kim(records)
    other = _as(ws, "officer.lee")
    other.edit("person", person_id, {"sex": "F"}, reason="registry extract", expect_version=1)
    with pytest.raises(StaleVersionError) as caught:
        records.edit("person", person_id, {"birth_date": "1975"}, reason="mine", expect_version=1)
    stale = caught.value
    assert (stale.expected, stale.current) == (1, 2)
    assert stale.theirs["sex"] == "F" and stale.mine["birth_date"] == "1975"
    assert "version 2" in str(stale) and "version 1" in str(stale)
    assert records.show("person", person_id)["document"]["birth_date"] == "1977-08"
    carried = records.edit("person", person_id, {"birth_date": "1975"}, reason="mine", expect_version=2)
    assert carried.version == 3
    assert records.show("person", person_id)["document"]["sex"] == "F"


def test_a_documenter_cannot_approve_their_own_draft(records: Records, ws: Workspace) -> None:
    person_id = _kim(records)
    with pytest.raises(PermissionDenied, match="second person"):
        records.approve("person", person_id)
    viewer = _as(ws, "someone", role="viewer")
    with pytest.raises(PermissionDenied):
        viewer.approve("person", person_id)
    with pytest.raises(PermissionDenied):
        viewer.edit("person", person_id, {"sex": "F"}, reason="r")
    assert [q["id"] for q in records.review_queue() if q["kind"] == "person"] == [person_id]
    approved = _as(ws, "reviewer.park").approve("person", person_id, reason="checked against the file")
    assert approved.state == "approved"
    assert [q for q in records.review_queue() if q["kind"] == "person"] == []
    with pytest.raises(ConflictError, match="nothing waiting"):
        _as(ws, "reviewer.park").approve("person", person_id)


def test_drafts_and_retired_records_are_left_out_of_estimates_and_statistics(
    records: Records, ws: Workspace
) -> None:
    person_id = _kim(records)
    with ws.read() as conn:
        assert queries.stats(conn)["persons"] == 0
        assert queries.capture_memberships(conn)[0] == []
        assert queries.source_patterns(conn) == {}
    _as(ws, "reviewer.park").approve("person", person_id)
    with ws.read() as conn:
        assert queries.stats(conn)["persons"] == 1
        assert sum(queries.source_patterns(conn).values()) == 1
    records.retire("person", person_id, reason="duplicate entry of person 1")
    with ws.read() as conn:
        assert queries.stats(conn)["persons"] == 0
        assert queries.source_patterns(conn) == {}
    with pytest.raises(ConflictError, match="retired"):
        records.edit("person", person_id, {"sex": "F"}, reason="r")
    back = records.restore("person", person_id, version=2, reason="not a duplicate after all")
    assert back.state == "draft"


def test_two_sources_that_disagree_are_kept_side_by_side(records: Records, ws: Workspace) -> None:
    Records(ws).add_source("MOU registry", kind="list", confidentiality="restricted")
    person_id = _kim(records)
    records.edit(
        "person",
        person_id,
        {"birth_date": "1978"},
        reason="registry extract",
        provenance=Provenance(
            source="MOU registry", confidence="probable", citation="p. 12", preferred=False
        ),
    )
    shown = records.show("person", person_id)
    assert shown["document"]["birth_date"] == "1977-08"  # the preferred value still shows
    births = [v for v in shown["values"] if v["field"] == "birth_date"]
    assert [(v["value"], v["source"], v["preferred"]) for v in births] == [
        ("1977-08", "Testimonies 2024", True),
        ("1978", "MOU registry", False),
    ]
    other = next(v for v in births if v["source"] == "MOU registry")
    records.prefer(other["id"], reason="the registry is the better source")
    shown = records.show("person", person_id)
    assert shown["document"]["birth_date"] == "1978"
    assert [v["preferred"] for v in shown["values"] if v["field"] == "birth_date"] == [True, False]
    assert len([v for v in shown["values"] if v["field"] == "birth_date"]) == 2


def test_an_imported_person_gets_version_1_as_imported_at_its_first_edit(
    records: Records, ws: Workspace, tmp_path: Path
) -> None:
    rows = canonical_rows(1)
    import_file(ws, write_csv(tmp_path / "list.csv", rows), source="Families 2023")
    assert records.show("person", 1)["version"] == 1
    records.edit("person", 1, {"birth_date": "1951"}, reason="correction from the family", expect_version=1)
    history = records.history("person", 1)
    assert [h["version"] for h in history] == [1, 2]
    assert history[0]["reason"].startswith("as imported")
    assert history[1]["changes"]["birth_date"][1] == "1951"
    values = [v for v in records.show("person", 1)["values"] if v["field"] == "birth_date"]
    assert {v["source"] for v in values} == {"Families 2023"}  # a correction by the record's own source
    assert ws.verify().ok


def test_case_status_history_and_an_incident_made_of_acts(records: Records, ws: Workspace) -> None:
    person_id = _kim(records)
    case_id = records.show("person", person_id)["document"] and _case_of(ws, person_id)
    for status, date, note in (
        ("alive", "2002", "reported alive"),
        ("deceased", "2004", "per DPRK"),
        ("disputed", "2005", "disputed by the family"),
    ):
        records.add_status(case_id, status=status, date=date, note=note, reason="chronology")
    shown = records.show("case", case_id)
    assert shown["document"]["status"] == "disputed"
    assert [st["status"] for st in shown["document"]["statuses"]] == [
        "unresolved",
        "alive",
        "deceased",
        "disputed",
    ]
    saved = records.add_incident(
        case_id,
        {"title": "Abduction at sea", "date": "1977-08-15", "place": "함경북도"},
        acts=[{"violation": "NKV-F1", "perpetrator": "Unit 586", "date": "1977-08-15~1977-08-16"}],
        reason="testimony",
    )
    incident = records.show("incident", saved.row_id)
    assert incident["document"]["acts"][0]["perpetrator"] == "Unit 586"
    assert incident["document"]["acts"][0]["victim_id"] == person_id
    with pytest.raises(FieldErrors) as caught:
        records.add_incident(case_id, {"title": "x"}, acts=[{"violation": "NKV-ZZ"}], reason="r")
    assert "act 1 violation" in caught.value.errors
    assert ws.verify().ok


def test_protected_fields_are_encrypted_and_never_in_documents_or_versions(
    records: Records, ws: Workspace
) -> None:
    saved = records.add_person(
        {
            "name": "Pak Yong-ho",
            "informant_name": "SECRET-INFORMANT",
            "informant_contact": "+82-10-5555-0000",
        },
        source="Testimonies 2024",
        reason="interview",
    )
    records.edit("person", saved.row_id, {"informant_contact": "+82-10-5555-1111"}, reason="new number")
    with ws.read() as conn:
        dump = json.dumps(
            [list(r) for r in conn.execute(select(s.record_version.c.data))], ensure_ascii=False
        )
        values = conn.execute(select(field_value.c.value)).scalars().all()
    assert "SECRET-INFORMANT" not in dump and "5555" not in dump
    assert all("5555" not in (v or "") for v in values)
    assert records.show("person", saved.row_id)["document"]["has_informant"] is True
    with ws.read() as conn:
        record = queries.person_detail(conn, saved.row_id)["records"][0]["id"]
        secret = queries.protected_of_records(conn, ws.keyring, [record])
    assert secret[record] == {"informant_name": "SECRET-INFORMANT", "informant_contact": "+82-10-5555-1111"}


def test_verify_catches_an_edited_entry(records: Records, ws: Workspace) -> None:
    person_id = _kim(records)
    records.edit("person", person_id, {"birth_date": "1976"}, reason="letter")
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE record_entry SET state = 'approved' WHERE row_id = :p"), {"p": person_id})
    report = ws.verify()
    assert not report.ok


def test_a_purge_clears_protected_values_and_their_history_and_verify_still_holds(
    records: Records, ws: Workspace
) -> None:
    saved = records.add_person(
        {
            "name": "Pak Yong-ho",
            "informant_name": "SECRET-INFORMANT",
            "informant_contact": "+82-10-5555-0000",
        },
        source="Testimonies 2024",
        reason="interview",
    )
    records.edit("person", saved.row_id, {"informant_contact": "+82-10-5555-1111"}, reason="new number")
    with pytest.raises(PermissionDenied):
        purge_protected(_as(ws, "officer.kim").ws, saved.row_id, reason="consent withdrawn")
    report = purge_protected(ws, saved.row_id, reason="consent withdrawn, request 14")
    assert report.values == 2 and report.versions == 2
    with ws.read() as conn:
        informants = conn.execute(select(s.informant.c.name_enc, s.informant.c.contact_enc)).all()
        versions = (
            conn.execute(select(s.record_version.c.data).where(s.record_version.c.table_name == "informant"))
            .scalars()
            .all()
        )
        secret = queries.protected_of_records(conn, ws.keyring, [saved.extra["source_record_id"]])
    assert informants == [(None, None)]
    assert all('"name_enc":null' in v and '"contact_enc":null' in v for v in versions)
    assert secret == {saved.extra["source_record_id"]: {"informant_name": None, "informant_contact": None}}
    assert ws.verify().ok
    with ws.engine.begin() as conn:  # a rewritten version is still caught
        conn.execute(
            text(
                "UPDATE record_version SET data = replace(data, 'null', '\"x\"') "
                "WHERE table_name = 'informant'"
            )
        )
    assert not ws.verify().ok


def test_drafts_are_hidden_from_viewers_and_confidential_sources_from_who_may_not_see_them(
    records: Records, ws: Workspace
) -> None:
    person_id = _kim(records)
    viewer = _as(ws, "someone", role="viewer")
    with pytest.raises(NotFoundError):
        viewer.show("person", person_id)
    assert [q for q in viewer.review_queue() if q["kind"] == "person"] == []
    _as(ws, "reviewer.park").approve("person", person_id)
    assert viewer.show("person", person_id)["state"] == "approved"
    Records(ws).add_source("Safehouse notes", kind="testimonies", confidentiality="confidential")
    secret = records.add_person({"name": "Ri Ok-hui"}, source="Safehouse notes", reason="interview").row_id
    _as(ws, "reviewer.park").approve("person", secret)
    analyst = _as(ws, "analyst.choi", role="analyst")
    for reader in (viewer, analyst):
        with pytest.raises(NotFoundError):
            reader.show("person", secret)
        with pytest.raises(NotFoundError):
            reader.history("person", secret)
    assert records.show("person", secret)["document"]["name"] == "Ri Ok-hui"  # documenters may
