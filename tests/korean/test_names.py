"""Initial-sound law, surname table, name parsing."""

from __future__ import annotations

import pytest

from unforgotten.korean import (
    Script,
    is_surname,
    north_surname,
    north_to_south,
    north_to_south_name,
    parse_name,
    south_to_north,
    surname_frequency,
    surname_table,
)
from unforgotten.korean.surnames import COMPOUND_SHARE, OTHER_SHARE, UNKNOWN_SHARE


@pytest.mark.parametrize(
    ("north", "south"),
    [("리설주", "이설주"), ("림", "임"), ("류", "유"), ("량강도", "양강도"), ("로동", "노동"),
     ("라선", "나선"), ("려", "여"), ("룡천", "용천"), ("녀자", "여자"), ("김정은", "김정은")],
)
def test_north_to_south(north: str, south: str) -> None:
    assert north_to_south(north) == south


def test_north_to_south_applies_to_both_name_parts() -> None:
    assert north_to_south_name("림", "룡철") == ("임", "용철")
    assert north_to_south("림 룡철") == "임 용철"


def test_south_to_north_changes_surnames_only() -> None:
    assert south_to_north("이설주") == "리설주"
    assert south_to_north("양 영철") == "량 영철"
    assert south_to_north("김영철") == "김영철"
    assert north_surname("유") == "류"


def test_surname_frequency_exact_rows_and_floors() -> None:
    assert surname_frequency("김") == pytest.approx(0.2151)
    assert surname_frequency("리") == surname_frequency("이") == pytest.approx(0.1470)
    assert surname_frequency("곽") == OTHER_SHARE
    assert surname_frequency("남궁") == COMPOUND_SHARE
    assert surname_frequency("똠") == UNKNOWN_SHARE


def test_blank_shares_are_interpolated_between_neighbours() -> None:
    rows = {row.rank: row for row in surname_table()}
    assert rows[19].share_estimated and not rows[18].share_estimated
    assert rows[20].share < rows[19].share < rows[18].share
    assert rows[30].share < rows[22].share
    assert surname_frequency("조") == pytest.approx(rows[7].share + rows[27].share)


def test_table_spellings_include_those_seen_in_the_wild() -> None:
    rows = {row.hangul: row for row in surname_table()}
    assert {"lee", "yi", "rhee", "ri"} <= set(rows["이"].spellings)
    assert "tsoi" in rows["최"].spellings
    assert is_surname("리") and not is_surname("똠")


@pytest.mark.parametrize(
    ("text", "family", "given", "order"),
    [
        ("Young-hee Lee", "Lee", "Young-hee", "given_first"),
        ("Lee Young-hee", "Lee", "Young-hee", "family_first"),
        ("Ri Sol Ju", "Ri", "Sol Ju", "family_first"),
        ("Sol Ju Ri", "Ri", "Sol Ju", "given_first"),
        ("KIM, Jong-un", "KIM", "Jong-un", "family_first"),
        ("Jong-un KIM", "KIM", "Jong-un", "given_first"),
        ("김정은", "김", "정은", "family_first"),
        ("남궁민", "남궁", "민", "family_first"),
        ("남궁", "남", "궁", "family_first"),
        ("황보 영수", "황보", "영수", "family_first"),
        ("Namgung Min", "Namgung", "Min", "family_first"),
        ("Kimjongun", "Kim", "jongun", "family_first"),
        ("정은 김", "김", "정은", "given_first"),
        ("金正恩", "金", "正恩", "family_first"),
    ],
)
def test_parse_name(text: str, family: str, given: str, order: str) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given, parsed.order) == (family, given, order)


def test_parse_name_marks_close_calls_ambiguous() -> None:
    parsed = parse_name("Song Jang")
    assert parsed.ambiguous and parsed.family == "Song"
    assert (parsed.swapped().family, parsed.swapped().given) == ("Jang", "Song")
    assert not parse_name("Kim Jong Un").ambiguous


def test_parse_name_script_and_empty() -> None:
    assert parse_name("Kim 정은").script is Script.MIXED
    assert parse_name("  ").order == "unknown"
