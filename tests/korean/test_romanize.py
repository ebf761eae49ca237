"""Romanizers: every system on names and places."""

from __future__ import annotations

import pytest

from unforgotten.errors import ValidationError
from unforgotten.korean import romanize, romanize_name

PLACES = [
    # hangul, rr, mr, mr_plain, dprk, kps
    ("평양", "Pyeongyang", "P'yŏngyang", "Pyongyang", "Phyongyang", "Phyeongyang"),
    ("함경북도", "Hamgyeongbukdo", "Hamgyŏngbukto", "Hamgyongbukto", "Hamgyongbukto",
     "Hamkyeongpukto"),
    ("자강도", "Jagangdo", "Chagangdo", "Chagangdo", "Jagangdo", "Jakangto"),
    ("신의주", "Sinuiju", "Sinŭiju", "Sinuiju", "Sinuiju", "Sineuiju"),
    ("남포", "Nampo", "Namp'o", "Nampo", "Nampho", "Nampho"),
    ("강원도", "Gangwondo", "Kangwŏndo", "Kangwondo", "Kangwondo", "Kangweonto"),
]


@pytest.mark.parametrize(("hangul", "rr", "mr", "plain", "dprk", "kps"), PLACES)
def test_places_in_every_system(
    hangul: str, rr: str, mr: str, plain: str, dprk: str, kps: str
) -> None:
    got = [romanize(hangul, system=s) for s in ("rr", "mr", "mr_plain", "dprk", "kps")]
    assert got == [rr, mr, plain, dprk, kps]


def test_rr_writes_sound_changes_in_words() -> None:
    assert [romanize(w) for w in ("신라", "종로", "백마", "한국")] == [
        "Silla", "Jongno", "Baengma", "Hanguk"]


def test_mr_apostrophe_between_n_and_g() -> None:
    assert romanize("한국", system="mr") == "Han'guk"


def test_non_hangul_passes_through() -> None:
    assert romanize("제14호 관리소", system="rr") == "Je14ho Gwalliso"


@pytest.mark.parametrize(
    ("family", "given", "system", "expected"),
    [
        ("김", "정은", "rr", "Gim Jeong-eun"),
        ("김", "정은", "rr_conventional", "Kim Jeong-eun"),
        ("김", "정은", "mr", "Kim Chŏng-ŭn"),
        ("김", "정은", "mr_plain", "Kim Chong-un"),
        ("김", "정은", "dprk", "Kim Jong Un"),
        ("이", "설주", "dprk", "Ri Sol Ju"),
        ("이", "설주", "mr_plain", "Yi Sol-chu"),
        ("이", "설주", "rr_conventional", "Lee Seol-ju"),
        ("최", "춘길", "mr", "Ch'oe Ch'un-gil"),
        ("최", "춘길", "rr_conventional", "Choi Chun-gil"),
        ("고", "현철", "dprk", "Ko Hyon Chol"),
        ("박", "동구", "dprk", "Pak Tong Gu"),
        ("김", "계관", "dprk", "Kim Kye Gwan"),
        ("김", "정욱", "dprk", "Kim Jong Uk"),
        ("김", "필은", "mr", "Kim P'il-ŭn"),
        ("남궁", "민", "rr", "Namgung Min"),
        ("정", "희", "rr_conventional", "Jung Hui"),
    ],
)
def test_romanize_name(family: str, given: str, system: str, expected: str) -> None:
    assert romanize_name(family, given, system=system) == expected


def test_romanize_name_without_hyphen() -> None:
    assert romanize_name("박", "근혜", system="rr_conventional", hyphen=False) == "Park Geunhye"


def test_unknown_system_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        romanize("김", system="yale")


def test_romanize_name_needs_hangul() -> None:
    with pytest.raises(ValidationError):
        romanize_name("Kim", "Jong", system="rr")
