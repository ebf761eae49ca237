"""The initial-sound law (두음 법칙): how Southern and Northern Hangul spell a word's start.

South Korean spelling changes a word-initial ㄹ to ㅇ before ㅣ ㅑ ㅕ ㅛ ㅠ ㅖ and to ㄴ
elsewhere, and a word-initial ㄴ to ㅇ before ㅣ ㅑ ㅕ ㅛ ㅠ ㅖ; North Korean spelling
keeps them: 리설주 / 이설주, 림 / 임, 류 / 유, 량강도 / 양강도, 로동 / 노동, 라선 / 나선.

The Northern → Southern direction is mechanical. The other direction is not: a Southern
이 may stand for 李 (North 리) or for 伊 (North 이). :func:`south_to_north` therefore only
changes what it can know: a surname at the start of a word, by the surname table
(유 is taken as 柳 → 류, the more common clan).

>>> north_to_south("리설주"), north_to_south("로동 신문"), south_to_north("이설주")
('이설주', '노동 신문', '리설주')
"""

from __future__ import annotations

from functools import cache, lru_cache

from unforgotten.korean.hangul import compose, decompose, is_hangul_syllable
from unforgotten.korean.surnames import COMPOUND_SURNAMES, south_surname, surname_table

__all__ = [
    "north_surname",
    "north_to_south",
    "north_to_south_name",
    "south_initial",
    "south_to_north",
]

_RIEUL, _NIEUN, _IEUNG = 5, 2, 11
_Y_MEDIALS = {20, 2, 6, 12, 17, 7}  # ㅣ ㅑ ㅕ ㅛ ㅠ ㅖ
_EXTRA_NORTH = {"노": "로", "나": "라", "여": "려", "육": "륙", "용": "룡", "염": "렴"}


@lru_cache(maxsize=16384)
def south_initial(syllable: str) -> str:
    """One word-initial syllable respelled the Southern way (룡 → 용, 로 → 노, 녀 → 여).

    >>> south_initial("룡"), south_initial("락"), south_initial("녀"), south_initial("김")
    ('용', '낙', '여', '김')
    """
    if not is_hangul_syllable(syllable):
        return syllable
    initial, medial, final = decompose(syllable)
    if initial == _RIEUL:
        initial = _IEUNG if medial in _Y_MEDIALS else _NIEUN
    elif initial == _NIEUN and medial in _Y_MEDIALS:
        initial = _IEUNG
    return compose(initial, medial, final)


def north_to_south(hangul: str) -> str:
    """Respell the start of every word the Southern way (the initial-sound law).

    >>> north_to_south("량강도"), north_to_south("라선")
    ('양강도', '나선')
    """
    return " ".join(south_initial(w[:1]) + w[1:] for w in hangul.split(" "))


def north_to_south_name(family: str, given: str) -> tuple[str, str]:
    """Both parts of a name respelled the Southern way: the law applies to each.

    >>> north_to_south_name("림", "룡철")
    ('임', '용철')
    """
    family = south_surname(family) if family in _north_forms() else north_to_south(family)
    return family, north_to_south(given)


@cache
def _north_forms() -> dict[str, str]:
    forms = {row.hangul_north: row.hangul for row in surname_table()}
    forms.update({north: south for south, north in _EXTRA_NORTH.items()})
    return forms


@lru_cache(maxsize=4096)
def north_surname(family: str) -> str:
    """The Northern spelling of a surname (이 → 리, 임 → 림, 유 → 류, 양 → 량, 노 → 로).

    >>> north_surname("이"), north_surname("김"), north_surname("리")
    ('리', '김', '리')
    """
    for north, south in _north_forms().items():
        if south == family and north != south:
            return north
    return family


def south_to_north(hangul: str) -> str:
    """Respell a surname at the start of each word the Northern way (이설주 → 리설주).

    Only surnames are changed (see the module note); two-syllable surnames have no
    Northern form and are left alone.

    >>> south_to_north("임 영철"), south_to_north("김정은"), south_to_north("남궁민")
    ('림 영철', '김정은', '남궁민')
    """
    return " ".join(_north_word(w) for w in hangul.split(" "))


def _north_word(word: str) -> str:
    if not word or word[:2] in COMPOUND_SURNAMES:
        return word
    return north_surname(word[0]) + word[1:]
