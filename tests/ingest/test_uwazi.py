"""Uwazi exports (hand-written fixtures in tests/ingest/uwazi/, made from Uwazi's documented CSV
export and API formats): counts, canonical values, kept properties, links and proposals, evidence."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from unforgotten.errors import BatchRejected, DuplicateBatchError, ValidationError
from unforgotten.ingest import import_file
from unforgotten.ingest.uwazi_import import import_uwazi
from unforgotten.store import schema as s
from unforgotten.store.schema_evidence import evidence_link
from unforgotten.store.schema_relations import relation
from unforgotten.store.workspace import Workspace

HERE = Path(__file__).parent / "uwazi"


@pytest.fixture(autouse=True)
def _evidence_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Evidence files of a PostgreSQL registry go to a folder of the test's own."""
    monkeypatch.setenv("UNFORGOTTEN_EVIDENCE_DIR", str(tmp_path / "evidence-store"))


def _records(ws: Workspace, source: str) -> dict[str, dict[str, str]]:
    query = (
        select(s.source_record.c.record_id, s.source_record.c.raw)
        .join(s.source)
        .where(s.source.c.name == source)
    )
    with ws.read() as conn:
        return {r.record_id: dict(r.raw) for r in conn.execute(query)}


def _relations(ws: Workspace) -> list[tuple[str, str, str, str | None]]:
    """(record id, property, title, primary name of the linked person) for every relation."""
    sr, p = s.source_record, s.person
    query = (
        select(
            sr.c.record_id, relation.c.property, relation.c.target_text, relation.c.state, p.c.primary_name
        )
        .join(sr, sr.c.id == relation.c.source_record_id)
        .outerjoin(p, p.c.id == relation.c.person_id)
        .order_by(relation.c.id)
    )
    with ws.read() as conn:
        return [
            (r.record_id, r.property, r.target_text, r.state, r.primary_name) for r in conn.execute(query)
        ]


def _seed(ws: Workspace, tmp_path: Path) -> None:
    pre = tmp_path / "pre.csv"
    pre.write_text("record_id,full_name\nX1,Choi Min-ho\n", encoding="utf-8")
    import_file(ws, pre, source="Earlier list")


def test_english_collection_export_every_property_type(ws: Workspace, tmp_path: Path) -> None:
    _seed(ws, tmp_path)
    report = import_uwazi(ws, HERE / "collection_en.csv", source="Uwazi EN", files=HERE)
    assert (report.rows, report.format, len(report.difference.added)) == (3, "uwazi-csv", 3)
    assert report.details["skipped"] == {"Incident": 1, "Perpetrator": 1}
    assert report.details["relationships"] == ["Perpetrators", "Related victims"]
    assert report.details["relations"] == {"linked": 3, "proposed": 3}
    assert report.details["evidence"] == 2
    assert [w.code for w in report.warnings] == ["template_skipped", "template_skipped", "file_missing"]
    kim = _records(ws, "Uwazi EN")["Kim Chol-su"]
    assert {
        k: kim[k] for k in ("full_name", "sex", "birth_date", "birth_place", "case_type", "event_date")
    } == {
        "full_name": "Kim Chol-su",
        "sex": "Male",
        "birth_date": "1950-03-14",
        "birth_place": "South Hamgyong Hamhung",
        "case_type": "Post-war abductee",
        "event_date": "1977-08",
    }
    assert kim["Violations"] == "Abduction::At sea|Detention"  # unknown properties kept verbatim
    assert kim["Periods held"] == "1977-08-01~1978-02-28|1990-01-01~1990-12-31"
    assert kim["Source link"] == "NKDB record|https://example.org/records/1"
    assert kim["Geolocation"] == "39.91|127.53"
    assert kim["Case type"] == "Abductions::Post-war abductee"
    assert _relations(ws) == [
        ("Kim Chol-su", "Perpetrators", "Officer Ri", "proposed", None),
        ("Kim Chol-su", "Related victims", "Lee Young-hee", "linked", "Lee Young-hee"),
        ("Lee Young-hee", "Related victims", "김철수", "linked", "Kim Chol-su"),
        ("Pak Sun-ok", "Perpetrators", "Officer Ri", "proposed", None),
        ("Pak Sun-ok", "Related victims", "Nobody Known", "proposed", None),
        ("Pak Sun-ok", "Related victims", "최민호", "linked", "Choi Min-ho"),
    ]
    with ws.read() as conn:
        assert (
            conn.execute(select(func.count()).select_from(s.person)).scalar() == 4
        )  # no person from a title
        cases = dict(conn.execute(select(s.person.c.primary_name, s.case.c.case_type).join(s.case)).all())
        files = conn.execute(select(evidence_link.c.file_name).order_by(evidence_link.c.id)).scalars().all()
    assert cases == {
        "Kim Chol-su": "abductee_postwar",
        "Lee Young-hee": "detainee",
        "Pak Sun-ok": "abductee_postwar",
    }
    assert files == ["testimony-kim.txt", "letter-kim.txt"]


def test_korean_collection_with_translated_headers_and_day_first_dates(ws: Workspace, tmp_path: Path) -> None:
    import_uwazi(ws, HERE / "collection_en.csv", source="Uwazi EN", files=HERE)
    report = import_uwazi(ws, HERE / "collection_ko.csv", source="Uwazi KO", mapping=HERE / "mapping_ko.toml")
    assert (report.rows, report.details["skipped"], report.details["relations"]) == (
        2,
        {"가해자": 1},
        {"linked": 2, "proposed": 1},
    )
    choi = _records(ws, "Uwazi KO")["최영수"]
    assert (choi["sex"], choi["birth_date"], choi["event_date"], choi["case_type"]) == (
        "남",
        "1948-03-14",
        "1950-06-28",
        "전시납북",
    )
    assert choi["birth_place"] == "함경남도 함흥시"
    assert choi["추가된 날짜"] == "02/05/2021" and choi["게시됨"] == "게시됨"
    jung = _records(ws, "Uwazi KO")["정미란"]
    assert jung["event_date"] == "1969-12-11~1969-12-12"
    ko = [r for r in _relations(ws) if r[0] in ("최영수", "정미란")]
    assert ko == [
        ("최영수", "관련 피해자", "박순옥", "linked", "Pak Sun-ok"),
        ("최영수", "관련 피해자", "Kim Chol-su", "linked", "Kim Chol-su"),
        ("정미란", "관련 피해자", "없는 사람", "proposed", None),
    ]
    with ws.read() as conn:
        born = conn.execute(
            select(s.person.c.birth_date_start).where(s.person.c.primary_name == "최영수")
        ).scalar()
    assert str(born) == "1948-03-14"


def test_csv_zip_files_become_evidence_of_their_person(ws: Workspace, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("import.csv", "yun-testimony.txt", "yun-photo.txt", "yun-letter.txt"):
            z.write(HERE / name, name)
    report = import_uwazi(ws, archive, source="Uwazi ZIP")
    assert (report.rows, report.details["evidence"]) == (2, 3)
    assert [(w.row, w.column, w.code) for w in report.warnings] == [(3, "Attachments", "file_missing")]
    with ws.read() as conn:
        linked = conn.execute(
            select(s.person.c.primary_name, evidence_link.c.file_name, evidence_link.c.received_how)
            .join(s.person, s.person.c.id == evidence_link.c.person_id)
            .order_by(evidence_link.c.id)
        ).all()
        events = conn.execute(
            select(func.count())
            .select_from(s.audit_event)
            .where(s.audit_event.c.action == "evidence_received")
        ).scalar()
    assert [tuple(r) for r in linked] == [
        ("Yun Dong-ho", "yun-testimony.txt", "Uwazi import (document)"),
        ("Yun Dong-ho", "yun-photo.txt", "Uwazi import (attachment)"),
        ("Yun Dong-ho", "yun-letter.txt", "Uwazi import (attachment)"),
    ]
    assert events == 3


def test_entities_json_with_templates_and_thesauri(ws: Workspace, tmp_path: Path) -> None:
    report = import_uwazi(ws, HERE / "json" / "entities.json", source="Uwazi JSON")
    assert (report.rows, report.format, report.details["skipped"]) == (2, "uwazi-json", {"Incident": 1})
    assert report.details["relations"] == {"linked": 2, "proposed": 1}
    assert report.details["evidence"] == 1
    ri = _records(ws, "Uwazi JSON")["ab12cd34"]
    assert {k: ri[k] for k in ("full_name", "sex", "birth_date", "case_type", "event_date")} == {
        "full_name": "Ri Myong-hui",
        "sex": "Female",
        "birth_date": "1950-01-01",
        "case_type": "Post-war abductee",
        "event_date": "1977-07-01~1977-07-31",
    }
    assert ri["Violations"] == "Abductions::Post-war abductee|Detainee"  # labels from thesauri.json
    assert ri["Sightings"] == "1980-01-02|1985-01-01"
    assert ri["Where taken"] == "39.03|125.75"
    assert ri["Source link"] == "Family report|https://example.org/family/7"
    assert ri["Published"] == "Published" and ri["Date added"] == "2021-05-03"
    assert _relations(ws) == [
        ("ab12cd34", "Family members", "Ri Chang-ho", "linked", "Ri Chang-ho"),
        ("ab12cd34", "Family members", "Unknown Relative", "proposed", None),
        ("ef56gh78", "Family members", "리명희", "linked", "Ri Myong-hui"),
    ]


def test_same_export_twice_is_refused_and_a_newer_one_updates(ws: Workspace, tmp_path: Path) -> None:
    import_uwazi(ws, HERE / "collection_en.csv", source="Uwazi EN", files=HERE)
    with pytest.raises(DuplicateBatchError, match="already imported"):
        import_uwazi(ws, HERE / "collection_en.csv", source="Uwazi EN", files=HERE)
    newer = tmp_path / "collection_en.csv"
    text = (HERE / "collection_en.csv").read_text(encoding="utf-8")
    newer.write_text(text.replace("Seoul", "Incheon"), encoding="utf-8")
    shutil.copy(HERE / "testimony-kim.txt", tmp_path)
    report = import_uwazi(ws, newer, source="Uwazi EN", dry_run=True)
    assert report.difference.to_dict(rows=False) == {"added": 0, "changed": 1, "unchanged": 2, "withdrawn": 0}
    assert report.difference.changed[0][1]["birth_place"] == ("Seoul", "Incheon")


def test_bad_rows_are_named_and_nothing_is_written(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Title,Date added,Template,Sex,Published\nA Person,2021-01-01,Victim,Mle,Published\n"
        ",2021-01-01,Victim,Male,Published\n",
        encoding="utf-8",
    )
    with pytest.raises(BatchRejected) as caught:
        import_uwazi(ws, bad, source="Bad")
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (2, "sex", "unknown_value"),
        (3, "record_id", "missing_record_id"),
        (3, "full_name", "no_name"),
    ]
    with ws.read() as conn:
        assert conn.execute(select(func.count()).select_from(s.source_record)).scalar() == 0


def test_a_file_that_is_not_an_uwazi_export_is_refused(ws: Workspace, tmp_path: Path) -> None:
    other = tmp_path / "list.csv"
    other.write_text("record_id,full_name\n1,Kim\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not an Uwazi CSV export"):
        import_uwazi(ws, other, source="Other")
