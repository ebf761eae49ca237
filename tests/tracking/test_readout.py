"""Readout import checked against expectations written by hand for each reference readout."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from unforgotten.tracking.readout import DraftRound, parse_readout
from unforgotten.tracking.text import segment

HERE = Path(__file__).parent
# the development set (the rules were written against it; the test set of 2022-2024 readouts is
# scored in test_readout_testset.py)
EXPECTED = sorted(
    p
    for p in (HERE / "expected").glob("*.json")
    if json.loads(p.read_text(encoding="utf-8")).get("set", "development") == "development"
)


def _load(path: Path) -> tuple[dict[str, Any], str, DraftRound]:
    expected = json.loads(path.read_text(encoding="utf-8"))
    text = (HERE / "readouts" / expected["source"]).read_text(encoding="utf-8")
    return expected, text, parse_readout(text, source=expected["source"])


@pytest.fixture(params=EXPECTED, ids=[p.stem[:30] for p in EXPECTED])
def case(request: pytest.FixtureRequest) -> tuple[dict[str, Any], str, DraftRound]:
    return _load(request.param)


def test_all_four_readouts_have_expectations() -> None:
    assert len(EXPECTED) == 4
    assert len(list((HERE / "readouts").glob("*.txt"))) == 14


def test_date_place_format(case: tuple[dict[str, Any], str, DraftRound]) -> None:
    expected, _, draft = case
    assert draft.to_dict()["date"] == expected["date"]
    assert draft.place == expected["place"]
    assert draft.format == expected["format"]


def test_participants(case: tuple[dict[str, Any], str, DraftRound]) -> None:
    expected, _, draft = case
    want = [(p["name"], p["title"], p["organization"], p["paragraph"]) for p in expected["participants"]]
    got = [(p.name, p.title, p.organization, p.evidence.paragraph) for p in draft.participants]
    assert got == want


def test_agreed_items(case: tuple[dict[str, Any], str, DraftRound]) -> None:
    expected, _, draft = case
    assert [(a.text, a.evidence.paragraph) for a in draft.agreed] == [
        (a["text"], a["paragraph"]) for a in expected["agreed"]
    ]


def test_next_steps(case: tuple[dict[str, Any], str, DraftRound]) -> None:
    expected, _, draft = case
    got = [(s["text"], s["due_from"], s["due_to"]) for s in draft.to_dict()["next_steps"]]
    assert got == [(s["text"], s["due_from"], s["due_to"]) for s in expected["next_steps"]]
    assert [s.evidence.paragraph for s in draft.next_steps] == [
        s["paragraph"] for s in expected["next_steps"]
    ]


def test_references_and_topics(case: tuple[dict[str, Any], str, DraftRound]) -> None:
    expected, _, draft = case
    assert [(r.text, r.evidence.paragraph) for r in draft.references] == [
        (r["text"], r["paragraph"]) for r in expected["references"]
    ]
    assert [t.code for t in draft.topics] == expected["topics"]


def test_every_evidence_points_at_its_sentence(case: tuple[dict[str, Any], str, DraftRound]) -> None:
    _, text, draft = case
    evidence = draft.to_dict()["evidence"]
    items = [
        ev for key in ("participants", "topics", "agreed", "next_steps", "references") for ev in evidence[key]
    ]
    items += [evidence["date"], evidence["place"]]
    for ev in items:
        a, b = ev["span"]
        assert text[a:b] == ev["sentence"]
        assert ev["rule"]


def test_json_shape_is_the_issues_shape(case: tuple[dict[str, Any], str, DraftRound]) -> None:
    _, _, draft = case
    data = draft.to_dict()
    assert list(data) == [
        "date",
        "date_range",
        "place",
        "participants",
        "topics",
        "agreed",
        "next_steps",
        "references",
        "evidence",
    ]
    assert all(set(p) == {"name", "title", "organization"} for p in data["participants"])
    assert all(set(s) == {"text", "due_from", "due_to"} for s in data["next_steps"])
    assert all(isinstance(a, str) for a in data["agreed"] + data["references"] + data["topics"])
    json.dumps(data)


def test_korean_agreed_next_step_and_reference() -> None:
    text = (
        "작성일\n2024-05-20\n"
        "1. 한미 양측은 5.20(월) 서울에서 제3차 북한인권 협의회를 개최하였다.\n"
        "2. 양측은 차기 협의회를 하반기 중 워싱턴에서 개최하기로 합의하였다.\n"
        "3. 양측은 2023년 4월 한미 정상회담에서 합의된 사항을 재확인하였다.\n"
    )
    draft = parse_readout(text)
    assert draft.date == date(2024, 5, 20)
    assert draft.place == "Seoul"
    assert [a.text for a in draft.agreed] == ["차기 협의회를 하반기 중 워싱턴에서 개최"]
    step = draft.next_steps[0]
    assert (step.due_from, step.due_to, step.window) == (date(2024, 7, 1), date(2024, 12, 31), "하반기")
    assert [r.text for r in draft.references] == ["2023년 4월 한미 정상회담"]
    assert draft.language == "ko"


def test_trilateral_format_and_will_next_step() -> None:
    text = (
        "1. The U.S.-ROK-Japan trilateral meeting took place in Tokyo on 3 March 2025.\n"
        "2. The three countries will hold the next meeting in early next year.\n"
    )
    draft = parse_readout(text)
    assert (draft.format, draft.place, draft.date) == ("trilateral", "Tokyo", date(2025, 3, 3))
    assert [(s.text, s.due_from, s.due_to) for s in draft.next_steps] == [
        ("hold the next meeting in early next year", date(2026, 1, 1), date(2026, 4, 30))
    ]


def test_date_without_year_takes_the_year_of_the_file_name() -> None:
    draft = parse_readout("1. Both sides met in Seoul on June 3.\n", source="2022-06-04_note.txt")
    assert draft.date == date(2022, 6, 3)


def test_december_meeting_in_a_january_release_is_last_year() -> None:
    draft = parse_readout("Date\n2024-01-05\n1. The talks took place in Seoul on December 28.\n")
    assert draft.date == date(2023, 12, 28)


def test_empty_text_gives_an_empty_draft() -> None:
    draft = parse_readout("")
    assert draft.to_dict()["participants"] == []
    assert (draft.date, draft.place, draft.format) == (None, None, None)


def test_segment_numbers_paragraphs_and_keeps_offsets() -> None:
    text = "# note\nTitle line\n1. First. Second U.S. sentence.\n[Heading]\n° Bullet text.\n2. Last."
    doc = segment(text)
    assert doc.title == "Title line"
    assert [(b.paragraph, b.kind) for b in doc.blocks] == [
        (1, "paragraph"),
        (1, "heading"),
        (1, "bullet"),
        (2, "paragraph"),
    ]
    assert [s.text for s in doc.sentences] == ["First.", "Second U.S. sentence.", "Bullet text.", "Last."]
    assert all(text[s.start : s.end] == s.text for s in doc.sentences)


def test_title_name_patterns_with_and_honorifics_and_particles() -> None:
    text = (
        "1. Deputy Minister for Planning and Coordination Park Min-soo met with Special Envoy for "
        "Human Rights Issues Anna De Vries and Foreign Ministry Director General for Asian Affairs "
        "Dr. Sato Kenji in Seoul on May 2, 2025.\n"
        "2. The three sides acknowledged the role of civil society and agreed to meet again "
        "later this year.\n"
    )
    draft = parse_readout(text)
    assert [(p.name, p.title, p.organization) for p in draft.participants] == [
        ("Park Min-soo", "Deputy Minister for Planning and Coordination", None),
        ("Anna De Vries", "Special Envoy for Human Rights Issues", None),
        ("Sato Kenji", "Director General for Asian Affairs", "Foreign Ministry"),
    ]
    assert draft.format == "trilateral"
    assert [(s.text, s.due_to) for s in draft.next_steps] == [
        ("meet again later this year", date(2025, 12, 31))
    ]
