"""Name keys and similarity, on the real public spellings and on hard pairs."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from unforgotten import korean
from unforgotten.data import data_path
from unforgotten.korean import name_key, name_keys, name_similarity


def _people() -> dict[str, list[str]]:
    text = data_path("korean", "public_name_variants.csv").read_text(encoding="utf-8")
    people: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        people.setdefault(row["person"], [row["hangul"]]).append(row["variant"])
    return people


PEOPLE = _people()


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_every_public_spelling_of_one_person_shares_the_key(person: str) -> None:
    keys = {name_key(spelling) for spelling in PEOPLE[person]}
    assert len(keys) == 1


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_every_public_spelling_of_one_person_scores_at_least_0_9(person: str) -> None:
    for a, b in itertools.combinations(PEOPLE[person], 2):
        assert name_similarity(a, b) >= 0.9, (a, b)


def test_different_public_people_score_clearly_lower() -> None:
    cross = [
        name_similarity(a, b)
        for p, q in itertools.combinations(PEOPLE.values(), 2)
        for a in p
        for b in q
    ]
    assert max(cross) <= 0.8  # 김정욱 / 김정은: one final consonant apart


def test_north_and_south_hangul_are_one_name() -> None:
    assert name_key("리설주") == name_key("이설주") == name_key("Yi Sol-chu")
    assert name_similarity("리설주", "이설주") == 1.0


@pytest.mark.parametrize(("a", "b"), [("김영희", "김영회"), ("이영희", "이연희"),
                                      ("Kim Young-hee", "Kim Yeon-hee")])
def test_similar_names_of_different_people_score_clearly_lower(a: str, b: str) -> None:
    assert name_similarity(a, b) <= 0.75
    assert name_key(a) != name_key(b)


def test_one_typo_still_shares_a_blocking_key() -> None:
    assert name_key("Kim Jong-wook") != name_key("Kim Jong-wok")
    assert set(name_keys("Kim Jong-wook")) & set(name_keys("Kim Jong-wok"))


def test_western_order_and_caps_and_dropped_hyphen() -> None:
    same = ("Young-hee Lee", "LEE Younghee", "이영희", "Ri Yong Hui", "Yi Yŏng-hŭi")
    assert len({name_key(s) for s in same}) == 1


def test_vowel_pairs_in_solid_tokens_are_read_both_ways() -> None:
    assert set(name_keys("Moon Jain")) & set(name_keys("문자인"))


def test_sound_changes_written_by_mr_only_meet_rr() -> None:
    assert name_key("Kim Kung-min") == name_key("Kim Guk-min") == name_key("김국민")


def test_unrelated_names_share_nothing() -> None:
    assert not set(name_keys("Park Geun-hye")) & set(name_keys("Kim Jong Un"))
    assert name_similarity("Park Geun-hye", "Kim Jong Un") < 0.3


def test_empty_names() -> None:
    assert name_keys("") == ()
    assert name_similarity("", "김정은") == 0.0


def test_similarity_is_symmetric_and_bounded() -> None:
    pairs = [("김정은", "Kim Jong Un"), ("Song Thaek Jang", "장성택"), ("김영희", "박철수")]
    for a, b in pairs:
        assert name_similarity(a, b) == name_similarity(b, a)
        assert 0.0 <= name_similarity(a, b) <= 1.0


def test_public_all_is_sorted() -> None:
    assert korean.__all__ == sorted(korean.__all__)
