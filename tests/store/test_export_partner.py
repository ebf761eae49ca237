"""Exports partners load: records JSON with EDTF dates and links, Uwazi CSV, and the round trip
import → JSON export → import giving back every canonical field (a Hypothesis property)."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from unforgotten.errors import ValidationError
from unforgotten.ingest import import_file
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.export import export
from unforgotten.store.workspace import Workspace

HEADER = (
    "record_id,full_name,name_hangul,aliases,sex,birth_date,birth_place,case_type,event_date,"
    "event_place,status,notes,informant_name"
)
ROWS = [
    "r1,Kim Chol-su,김철수,Kim Cheol-su|Kim Ch'ŏl-su,M,1952년 3월,함흥,abductee_postwar,c. 1977,"
    "함흥,missing,at sea,SECRETX",
    "r2,Ri Yong-hui,,,F,1950~1953,,,,,,,",
]


def _workspace(folder: Path) -> Workspace:
    ws = Workspace(
        Settings.build(db=str(folder / "r.db"), key_file=str(folder / "r.key"), actor="test:officer")
    )
    ws.init()
    return ws


@pytest.fixture
def registry(ws: Workspace, tmp_path: Path) -> Workspace:
    """A registry (SQLite and PostgreSQL) holding the two rows above."""
    (tmp_path / "list.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    import_file(ws, tmp_path / "list.csv", source="S1")
    return ws


def test_json_export_has_edtf_dates_page_and_source_links(registry: Workspace, tmp_path: Path) -> None:
    export(registry, "records", tmp_path / "o.json", fmt="json", base_url="https://reg.example.org/")
    first, second = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    with registry.read() as conn:
        source_id = conn.execute(select(s.source.c.id).where(s.source.c.name == "S1")).scalar_one()
    assert (first["birth_date"], first["birth_date_text"]) == ("1952-03", "1952년 3월")
    assert (first["event_date"], first["event_date_text"]) == ("1977?", "c. 1977")
    assert (second["birth_date"], second["event_date"]) == ("1950/1953", None)
    assert first["url"] == f"https://reg.example.org/persons/{first['person_id']}"
    assert first["sources"] == [
        {"source": "S1", "record_id": "r1", "url": f"https://reg.example.org/sources/{source_id}"}
    ]
    assert "SECRETX" not in (tmp_path / "o.json").read_text(encoding="utf-8")
    assert "informant_name" not in first


def test_uwazi_csv_fits_its_template_with_language_columns(registry: Workspace, tmp_path: Path) -> None:
    export(
        registry,
        "records",
        tmp_path / "u.csv",
        fmt="uwazi-csv",
        languages=("en", "ko"),
        base_url="https://r.example",
    )
    with (tmp_path / "u.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    template = json.loads((tmp_path / "u.template.json").read_text(encoding="utf-8"))
    assert template["name"] == "Victim"
    names = {p["name"]: p["type"] for p in template["properties"]} | {"title": "text"}
    for header in rows[0]:  # every column is a property of the template, translated ones as name__lang
        name, _, language = header.partition("__")
        assert name in names and language in ("", "en", "ko"), header
        assert bool(language) == (names[name] in ("text", "markdown")), header
    first = rows[0]
    assert (first["title__en"], first["title__ko"]) == ("Kim Chol-su", "김철수")
    assert (first["date_of_birth"], first["date_of_incident"]) == (
        "1952-03-01:1952-03-31",
        "1977-01-01:1977-12-31",
    )
    assert (first["sex"], first["case_type"]) == ("male", "Post-war abductee")
    assert first["other_names__en"] == "Kim Cheol-su|Kim Ch'ŏl-su"
    assert first["record_page"] == f"Kim Chol-su|https://r.example/persons/{_person_of(registry, 'r1')}"
    assert first["geolocation_geolocation"] == "39.916|127.616"  # 함흥 in the gazetteer (KP0307)
    assert first["place_of_incident__ko"] == "함흥"
    assert rows[1]["date_of_incident"] == rows[1]["geolocation_geolocation"] == ""
    assert "SECRETX" not in (tmp_path / "u.csv").read_text(encoding="utf-8")


def _person_of(ws: Workspace, record_id: str) -> int:
    with ws.read() as conn:
        query = select(s.source_record.c.person_id).where(s.source_record.c.record_id == record_id)
        return int(conn.execute(query).scalar_one())


def test_uwazi_csv_is_for_records_only(registry: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="uwazi-csv exports records"):
        export(registry, "persons", tmp_path / "p.csv", fmt="uwazi-csv")
    assert not (tmp_path / "p.csv").exists()


_DATES = st.sampled_from(
    [
        "",
        "1952",
        "1952-03",
        "1952-03-14",
        "1952년 3월 14일",
        "March 1952",
        "c. 1950",
        "1950?",
        "1950~1953",
        "1950-03~1950-05",
        "1950년대",
        "1950s",
        "1977-08?",
        "약 1960",
        "14/03/1952",
        "sometime",
    ]
)
_TEXT = st.text(st.sampled_from(list("abcKimRi 김철수영희-'|")), max_size=8).map(str.strip)
_ROW = st.fixed_dictionaries(
    {
        "full_name": st.sampled_from(["Kim Chol-su", "김영희", "Ri Yong-ho", "Pak"]),
        "name_hangul": st.sampled_from(["", "김철수", "리영호"]),
        "aliases": _TEXT,
        "sex": st.sampled_from(["M", "F", "U", "남", "여", ""]),
        "birth_date": _DATES,
        "birth_place": st.sampled_from(["", "함흥", "Hamhung", "평양시"]),
        "case_type": st.sampled_from(["", "abductee_postwar", "detainee", "pow"]),
        "event_date": _DATES,
        "event_place": st.sampled_from(["", "Sokcho", "개성"]),
        "status": st.sampled_from(["", "missing", "returned"]),
        "notes": _TEXT,
    }
)


def _canonical(ws: Workspace) -> dict[str, tuple[object, ...]]:
    """Every canonical field as the registry understood it, by record id."""
    with ws.read() as conn:
        people = {r.id: r for r in conn.execute(select(s.person))}
        cases = {r.source_record_id: r for r in conn.execute(select(s.case))}
        records = conn.execute(select(s.source_record)).all()
        names = conn.execute(select(s.name.c.source_record_id, s.name.c.kind, s.name.c.text)).all()
    out = {}
    for r in records:
        p, c = people[r.person_id], cases.get(r.id)
        spelled = sorted((k, t) for rid, k, t in names if rid == r.id)
        cells = tuple(
            r.raw.get(k)
            for k in ("full_name", "name_hangul", "aliases", "birth_place", "event_place", "notes")
        )
        birth = (p.birth_date_start, p.birth_date_end, p.birth_date_precision, p.birth_date_circa)
        event = c and (
            c.case_type,
            c.status,
            c.event_date_start,
            c.event_date_end,
            c.event_date_precision,
            c.event_date_circa,
        )
        out[r.record_id] = (p.primary_name, p.sex, birth, event, cells, tuple(spelled), r.parsed["sex"])
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, min_size=1, max_size=5))
def test_import_of_the_json_export_gives_back_every_canonical_field(rows: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a").mkdir(), (folder / "b").mkdir()
        with (folder / "list.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["record_id", *rows[0]])
            writer.writeheader()
            writer.writerows({"record_id": f"r{i}", **row} for i, row in enumerate(rows))
        first, second = _workspace(folder / "a"), _workspace(folder / "b")
        try:
            import_file(first, folder / "list.csv", source="S")
            export(first, "records", folder / "records.json", fmt="json")
            import_file(second, folder / "records.json", source="S")
            assert _canonical(second) == _canonical(first)
        finally:
            first.engine.dispose()
            second.engine.dispose()


def test_uwazi_record_page_needs_a_base_url(registry: Workspace, tmp_path: Path) -> None:
    export(registry, "records", tmp_path / "u.csv", fmt="uwazi-csv", template="Abductee")
    with (tmp_path / "u.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["record_page"] for r in rows] == ["", ""]  # Uwazi refuses a link without a host
    assert "title" in rows[0] and "title__en" not in rows[0]
    assert json.loads((tmp_path / "u.template.json").read_text(encoding="utf-8"))["name"] == "Abductee"
