"""Resolutions: the shipped list and passages, reading a full text, themes, the diff."""

from __future__ import annotations

import pytest

from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.tracking.resolutions import (
    THEMES,
    Passage,
    diff,
    load_passages,
    load_resolutions,
    parse_text,
    resolution,
    theme_hits,
    themes_for,
)

TEXT_2023 = """The General Assembly,
Recalling its earlier resolutions,
1. Condemns the abduction of foreign nationals and the continuing impunity;
2. Urges the Government:
(a) to allow separated families to meet and to exchange letters;
(b) to give the families of detainees information on their fate,
including (i) where they are held;
3. Decides to continue its examination of the question.
"""
TEXT_2024 = """The General Assembly,
1. Condemns in the strongest terms the abduction of foreign nationals and the continuing impunity;
2. Urges the Government:
(a) to allow separated families to meet and to exchange letters and video messages;
(b) to give the families of detainees information on their fate,
including (i) where they are held;
(c) to stop the refoulement of escapees;
"""


def test_shipped_list_has_symbols_sources_and_the_passages_belong_to_it() -> None:
    symbols = [r.symbol for r in load_resolutions()]
    assert symbols[0] == "A/RES/71/202" and "A/HRC/RES/55/21" in symbols and "A/RES/78/218" in symbols
    assert all(r.source_url.startswith("http") for r in load_resolutions())
    assert {p.symbol for p in load_passages()} <= set(symbols)
    assert all(p.status == "quoted" and p.source_url.startswith("http") for p in load_passages())
    assert resolution(" a/res/78/218 ").year == 2023
    with pytest.raises(NotFoundError):
        resolution("A/RES/1/1")


def test_the_shipped_passages_get_the_themes_a_reader_would_give() -> None:
    themed = {p.text[:40]: p.themes for p in load_passages() if p.themes}
    assert themed["systematic abduction, denial of repatria"] == ("NKV-F1",)
    assert themed["Condemns in the strongest terms the long"] == ("AGD-ACCOUNTABILITY",)
    assert len(themed) == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the immediate return of all abductees", ("NKV-F1",)),
        (
            "allegations of continued violations of the human rights of unrepatriated prisoners of war",
            ("NKV-F3",),
        ),
        ("to allow reunions of separated families", ("NKV-F4",)),
        ("to grant consular access to detained foreign nationals", ("NKV-F2",)),
        ("to repeal the Reactionary Ideology and Culture Rejection Act", ("NKV-A1",)),
        ("to respect the principle of non-refoulement of escapees", ("NKV-C3",)),
        ("to ensure that perpetrators are brought to justice", ("AGD-ACCOUNTABILITY",)),
        ("provide accurate information to the families of the victims on the fates", ()),
        ("Decides to continue its examination of the question", ()),
    ],
)
def test_themes(text: str, expected: tuple[str, ...]) -> None:
    assert themes_for(text) == expected
    assert {code for code, _, _ in theme_hits(text)} == set(expected)
    assert set(expected) <= set(THEMES)


def test_parse_text_takes_operative_paragraphs_and_their_letters() -> None:
    found = parse_text(TEXT_2023, symbol="EX/2023", source_url="https://example.org/ex")
    assert [(p.number, p.themes) for p in found] == [
        ("1", ("NKV-F1", "AGD-ACCOUNTABILITY")),
        ("2", ()),
        ("2(a)", ("NKV-F4",)),
        ("2(b)", ("NKV-F2",)),
        ("3", ()),
    ]
    assert (
        found[3].text
        == "to give the families of detainees information on their fate, including (i) where they are held;"
    )
    assert {p.source_url for p in found} == {"https://example.org/ex"}


def test_parse_text_refuses_a_text_without_numbered_paragraphs() -> None:
    with pytest.raises(ValidationError, match="EX/1: no numbered operative paragraph"):
        parse_text("The General Assembly,\nRecalling everything,\n", symbol="EX/1")


def test_diff_reports_changed_added_removed_and_same_paragraphs() -> None:
    old = parse_text(TEXT_2023, symbol="EX/2023")
    new = parse_text(TEXT_2024, symbol="EX/2024")
    changes = diff(old, new)
    assert [(c.kind, c.old_number, c.new_number) for c in changes] == [
        ("changed", "1", "1"),
        ("same", "2", "2"),
        ("changed", "2(a)", "2(a)"),
        ("same", "2(b)", "2(b)"),
        ("added", None, "2(c)"),
        ("removed", "3", None),
    ]
    assert (changes[0].words_added, changes[0].words_removed) == (("in the strongest terms",), ())
    assert changes[2].words_added == ("and video messages",)
    assert 0.55 <= changes[0].similarity < 1.0


def test_diff_matches_renumbered_paragraphs_by_wording() -> None:
    a = [
        Passage("A", "1", "Urges the release of all detainees", (), ""),
        Passage("A", "2", "Decides to act", (), ""),
    ]
    b = [
        Passage("B", "1", "Welcomes the visit", (), ""),
        Passage("B", "2", "Urges the release of all detainees", (), ""),
    ]
    assert [(c.kind, c.old_number, c.new_number) for c in diff(a, b)] == [
        ("added", None, "1"),
        ("same", "1", "2"),
        ("removed", "2", None),
    ]
