"""The test set of ten public readouts (2022-2024) and what the issue asked of readout import:
names in Hangul, the list of officials, places outside the lead, date ranges, evidence."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from bench.readout_eval import HELD_OUT_SET, evaluate

from unforgotten.data import data_path
from unforgotten.tracking.officials import find_official, officials
from unforgotten.tracking.readout import parse_readout

HERE = Path(__file__).parent


def test_test_set_has_ten_sourced_readouts() -> None:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (HERE / "expected").glob("*.json")]
    test_set = [r for r in records if r.get("set") == HELD_OUT_SET]
    assert len(test_set) == 10
    for r in test_set:
        first_line = (HERE / "readouts" / r["source"]).read_text(encoding="utf-8").split("\n")[0]
        assert r["url"] == first_line and first_line.startswith("https://")
    assert {r["source"].rsplit("_", 1)[1] for r in test_set} == {"ko.txt", "en.txt"}


def test_floor_participant_recall_and_places() -> None:
    scores, per_doc = evaluate(HELD_OUT_SET)
    people = scores["participants"]
    assert people.recall is not None and people.recall >= 0.9, people.misses
    assert people.precision is not None and people.precision >= 0.9, people.misses
    assert all(d["place"] for d in per_doc if d["place_named"])
    assert all(d["range"] is not False for d in per_doc)


def test_hangul_names_get_their_latin_form() -> None:
    text = (HERE / "readouts" / "2022-12-12_mofa_amb-lee-shin-wha-tokyo-visit_ko.txt").read_text(
        encoding="utf-8"
    )
    draft = parse_readout(text)
    names = [p.name for p in draft.participants]
    assert "엘리자베스 살몬 (Elizabeth Salmón)" in names
    assert "마츠노 히로카즈 (Matsuno Hirokazu)" in names
    salmon = next(p for p in draft.participants if p.name.startswith("엘리자베스"))
    assert salmon.organization == "유엔" and salmon.title == "북한인권특별보고관"
    assert text[salmon.evidence.span[0] : salmon.evidence.span[1]] == salmon.evidence.sentence
    assert draft.to_dict()["date_range"] == {"from": "2022-12-10", "to": "2022-12-12"}


def test_place_from_the_headline_and_range_from_the_lead() -> None:
    text = (
        "Minister attends the Trilateral Meeting on Human Rights (October 17 to 20, Washington D.C.)\n\n"
        "1. The Minister visited from October 17 to 20, 2024 and met Deputy Secretary of State "
        "Kurt Campbell on October 18.\n"
    )
    draft = parse_readout(text)
    assert draft.place == "Washington, D.C."
    assert draft.place_evidence is not None and draft.place_evidence.paragraph == 0
    assert (draft.date, draft.date_from, draft.date_to) == (
        date(2024, 10, 17),
        date(2024, 10, 17),
        date(2024, 10, 20),
    )
    assert [p.name for p in draft.participants] == ["Kurt Campbell"]


def test_return_day_is_not_the_meeting_day() -> None:
    draft = parse_readout(
        "장관은 워싱턴을 방문하고 7.26.(금) 귀국한다.\n- 장관은 7.22.(월) 면담을 가졌다.\n", source="2024"
    )
    assert draft.date == date(2024, 7, 22)


def test_every_official_is_sourced_and_has_both_scripts_or_says_why() -> None:
    rows = list(csv.DictReader(data_path("un", "officials.csv").open(encoding="utf-8")))
    assert len(rows) == len(officials()) >= 15
    assert not find_official("Tomás Ojea Quintana")  # no sourced date: not listed
    for row in rows:
        assert row["source"].startswith("https://"), row["name_latin"]
        assert row["attested_on"] or row["term_from"] or row["term_to"], row["name_latin"]
    assert find_official("Julie TURNER") is find_official("터너")
    assert find_official("엘리자베스 살몬") is not None
    king = find_official("Robert King")
    assert king is not None and not king.in_office(date(2020, 1, 1)) and king.in_office(date(2016, 5, 1))
