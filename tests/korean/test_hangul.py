"""Hangul ↔ jamo, script detection, normalisation, sound changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.errors import ValidationError
from unforgotten.korean import Script, from_jamo, normalize, pronounce, script_of, to_jamo

syllables = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1)


@given(syllables)
def test_jamo_round_trip(text: str) -> None:
    assert from_jamo(to_jamo(text)) == text


@pytest.mark.parametrize(
    ("text", "jamo"),
    [("김정은", "ㄱㅣㅁㅈㅓㅇㅇㅡㄴ"), ("닭", "ㄷㅏㄺ"), ("Kim 리", "Kim ㄹㅣ"), ("와", "ㅇㅘ")],
)
def test_to_jamo(text: str, jamo: str) -> None:
    assert to_jamo(text) == jamo


def test_from_jamo_compounds_vowels_and_finals() -> None:
    assert from_jamo("ㅇㅗㅏㄴㄷㅏㄹㄱ") == "완닭"
    assert from_jamo("ㄷㅏㄹㄱㅇㅣ") == "닭이"
    assert from_jamo("ㄷㅏㄹㄱㅣ") == "달기"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("김정은", Script.HANGUL), ("Kim Jong-un", Script.LATIN), ("金正恩", Script.HANJA),
        ("Kim 정은", Script.MIXED), ("ㄱㄴ", Script.HANGUL), ("12 - 3", Script.EMPTY),
        ("Ким", Script.OTHER), ("Kim Chŏng-ŭn", Script.LATIN),
    ],
)
def test_script_of(text: str, script: Script) -> None:
    assert script_of(text) is script


def test_normalize_full_width_halfwidth_and_spaces() -> None:
    assert normalize("Ｋｉｍ\u3000\u3000정은\u200b") == "Kim 정은"
    assert normalize("\uffa1\uffc2") == "ㄱㅏ"
    assert normalize("\u1100\u1161\u11a8") == "각"
    assert normalize("각", form="NFD") == "\u1100\u1161\u11a8"


def test_normalize_rejects_unknown_form() -> None:
    with pytest.raises(ValidationError):
        normalize("a", form="NFKC")


@pytest.mark.parametrize(
    ("written", "said"),
    [("국민", "궁민"), ("신라", "실라"), ("종로", "종노"), ("백리", "뱅니"), ("같이", "가치"),
     ("좋고", "조코"), ("국어", "구거"), ("설날", "설랄"), ("좋아", "조아"), ("값이", "갑씨")],
)
def test_pronounce(written: str, said: str) -> None:
    assert pronounce(written) == said
