"""Romanized → Hangul candidates."""

from __future__ import annotations

import pytest

from unforgotten.errors import ValidationError
from unforgotten.korean import hangul_candidates


def _top(text: str, n: int = 3) -> list[str]:
    return [c.hangul for c in hangul_candidates(text, limit=n)]


def test_ri_sol_ju_puts_both_hangul_spellings_first() -> None:
    assert set(_top("Ri Sol Ju", 2)) == {"리설주", "이설주"}


@pytest.mark.parametrize(
    ("romanized", "hangul"),
    [("Kim Jong Un", "김정은"), ("Kim Jeong-eun", "김정은"), ("Kim Chong-un", "김정은"),
     ("Park Geun-hye", "박근혜"), ("Moon Jae-in", "문재인"), ("Ban Ki-moon", "반기문"),
     ("Ko Hyon Chol", "고현철"), ("Kim Kook-ki", "김국기"), ("Young-hee Lee", "이영희"),
     ("Namgung Min", "남궁민"), ("Choi Chun-gil", "최춘길"), ("Jang Song Thaek", "장성택")],
)
def test_known_names_are_in_the_top_three(romanized: str, hangul: str) -> None:
    assert hangul in _top(romanized)


def test_scores_are_ranked_and_normalised() -> None:
    found = hangul_candidates("Kim Young-hee", limit=10)
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)
    assert 0 < sum(scores) <= 1.0 + 1e-9
    assert found[0].hangul == "김영희"


def test_hangul_surname_is_kept() -> None:
    assert _top("김 Jong-un", 1) == ["김정은"]


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        hangul_candidates("Kim", limit=0)


def test_empty_input_gives_nothing() -> None:
    assert hangul_candidates("   ") == []
