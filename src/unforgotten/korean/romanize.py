"""Romanizers: Revised Romanization, McCune–Reischauer, the DPRK system and KPS 11080.

Each system is a table of letters plus a choice of which sound changes it writes:

=================  ======================  ======================================
system             sound changes           letters (ㄱ ㅋ ㅓ ㅡ, initial ㄹ)
=================  ======================  ======================================
``rr``             yes (not in names)      g/k, k, eo, eu, r
``rr_conventional``  as ``rr``; surnames Kim, Lee, Park, Choi, Jung …
``mr``             yes, and voicing        k/g, k', ŏ, ŭ, r
``mr_plain``       as ``mr``               k/g, k, o, u (no breves, no apostrophes)
``dprk``           yes, and voicing        k/g, kh, o, u, r (as KCNA writes it)
``kps``            none (transliteration)  k, kh, eo, eu, r (KPS 11080 / ISO TR 11941)
=================  ======================  ======================================

Voicing (MR and DPRK): ㄱ ㄷ ㅂ ㅈ are written g d b j between voiced sounds (after a
vowel, ㄴ ㅁ ㅇ ㄹ) and k t p ch elsewhere; after ㄹ, ㄷ and ㅈ stay t and ch because
Sino-Korean words tense them (발전 p'alchŏn). The DPRK writes ㅈ as j everywhere.

>>> romanize("평양", system="rr"), romanize("평양", system="mr"), romanize("평양", system="kps")
('Pyeongyang', "P'yŏngyang", 'Phyeongyang')
>>> romanize_name("리", "설주", system="dprk")
'Ri Sol Ju'
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from unforgotten.errors import ValidationError
from unforgotten.korean.hangul import is_hangul_syllable, syllable_parts
from unforgotten.korean.initial_law import north_surname
from unforgotten.korean.sound import Syllable, neutral_final, pronounce_word

__all__ = [
    "SYSTEMS",
    "conventional_surnames",
    "romanize",
    "romanize_name",
    "romanize_syllables",
]

SYSTEMS = ("rr", "rr_conventional", "mr", "mr_plain", "dprk", "kps")
_VOICED = ("", "ㄴ", "ㅁ", "ㅇ", "ㄹ")

_RR_INITIAL = dict(zip("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ", (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h"), strict=True))
_MR_INITIAL = {**_RR_INITIAL, "ㄱ": "k", "ㄷ": "t", "ㅂ": "p", "ㅈ": "ch", "ㅉ": "tch",
               "ㅊ": "ch'", "ㅋ": "k'", "ㅌ": "t'", "ㅍ": "p'"}
_DPRK_INITIAL = {**_MR_INITIAL, "ㅈ": "j", "ㅉ": "jj", "ㅊ": "ch", "ㅋ": "kh", "ㅌ": "th",
                 "ㅍ": "ph"}
_KPS_INITIAL = _DPRK_INITIAL
_VOICE = {"ㄱ": "g", "ㄷ": "d", "ㅂ": "b", "ㅈ": "j"}

_RR_VOWEL = dict(zip("ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ", (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "eu", "ui", "i"), strict=True))
_MR_VOWEL = {**_RR_VOWEL, "ㅓ": "ŏ", "ㅕ": "yŏ", "ㅝ": "wŏ", "ㅡ": "ŭ", "ㅢ": "ŭi"}
_DPRK_VOWEL = {**_RR_VOWEL, "ㅓ": "o", "ㅕ": "yo", "ㅝ": "wo", "ㅡ": "u", "ㅢ": "ui"}
_KPS_VOWEL = {**_RR_VOWEL, "ㅝ": "weo", "ㅢ": "eui"}
_FINAL = {"": "", "ㄱ": "k", "ㄴ": "n", "ㄷ": "t", "ㄹ": "l", "ㅁ": "m", "ㅂ": "p", "ㅇ": "ng"}

_CONVENTIONAL_SURNAMES = {
    "김": "Kim", "이": "Lee", "리": "Lee", "박": "Park", "최": "Choi", "정": "Jung",
    "강": "Kang", "조": "Cho", "윤": "Yoon", "장": "Chang", "임": "Lim", "림": "Lim",
    "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang",
    "안": "Ahn", "송": "Song", "전": "Jeon", "홍": "Hong", "유": "Yoo", "류": "Ryu",
    "고": "Ko", "문": "Moon", "양": "Yang", "량": "Yang", "손": "Son", "배": "Bae",
    "백": "Baek", "허": "Heo", "노": "Noh", "로": "Roh", "하": "Ha", "곽": "Kwak",
    "성": "Sung", "차": "Cha", "주": "Joo", "우": "Woo", "구": "Koo", "민": "Min",
    "나": "Na", "라": "Ra", "진": "Jin", "지": "Ji", "엄": "Um", "채": "Chae", "원": "Won",
    "천": "Chun", "방": "Bang", "공": "Kong", "현": "Hyun", "함": "Hahm", "변": "Byun",
    "염": "Yeom", "여": "Yeo", "추": "Choo", "도": "Do", "석": "Seok", "남": "Nam",
    "남궁": "Namkoong", "제갈": "Jegal", "선우": "Sunwoo", "황보": "Hwangbo", "독고": "Dokko",
}
_MR_SURNAMES = {"이": "Yi"}


def conventional_surnames() -> dict[str, str]:
    """Hangul surname → its conventional (passport) spelling: 김 Kim, 이 Lee, 박 Park …"""
    return dict(_CONVENTIONAL_SURNAMES)


def _initial(system: str, jamo: str, vowel: str, prev: str | None) -> str:
    """The letters of an initial consonant; ``prev`` is the (read) final before it."""
    if jamo == "ㄹ":
        return "l" if prev == "ㄹ" else "r"
    if system in ("rr", "rr_conventional"):
        return _RR_INITIAL[jamo]
    if system == "kps":
        return _KPS_INITIAL[jamo]
    table = _DPRK_INITIAL if system == "dprk" else _MR_INITIAL
    if jamo == "ㅅ" and vowel == "ㅟ" and system != "dprk":
        return "sh"
    voiced = prev is not None and prev in _VOICED
    if voiced and jamo in _VOICE and not (prev == "ㄹ" and jamo in "ㄷㅈ"):
        return _VOICE[jamo]
    return table[jamo]


def _vowel(system: str, jamo: str) -> str:
    if system in ("mr", "mr_plain"):
        return _MR_VOWEL[jamo]
    if system == "dprk":
        return _DPRK_VOWEL[jamo]
    return _KPS_VOWEL[jamo] if system == "kps" else _RR_VOWEL[jamo]


def romanize_syllables(
    syllables: list[Syllable], *, system: str, prev: str | None = None
) -> list[str]:
    """Letters for each (already pronounced) syllable; ``prev`` is the final before the first.

    ``prev=None`` means the first syllable starts a word.
    """
    out: list[str] = []
    for initial, vowel, final in syllables:
        head = _initial(system, initial, vowel, prev)
        if system in ("mr", "mr_plain") and prev == "ㄴ" and head == "g":
            head = "'g"
        read = final if system == "kps" and final in _FINAL else neutral_final(final)
        out.append(head + _vowel(system, vowel) + _FINAL[read])
        prev = read
    return out


def _check(system: str) -> None:
    if system not in SYSTEMS:
        raise ValidationError(f"unknown romanization system {system!r}; use one of {SYSTEMS}")


def _plain(text: str) -> str:
    """MR without breves and apostrophes."""
    stripped = unicodedata.normalize("NFD", text).replace("\u0306", "").replace("'", "")
    return unicodedata.normalize("NFC", stripped)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=65536)
def _word(word: str, system: str) -> str:
    parts = [syllable_parts(ch) for ch in word]
    said = parts if system == "kps" else pronounce_word(parts)
    text = _capital("".join(romanize_syllables(said, system=system)))
    return _plain(text) if system == "mr_plain" else text


def romanize(text: str, *, system: str = "rr") -> str:
    """Romanize any Hangul text; other characters pass through, each word capitalised.

    >>> romanize("신라", system="rr"), romanize("함경북도", system="kps")
    ('Silla', 'Hamkyeongpukto')
    >>> romanize("한국", system="mr"), romanize("한국", system="mr_plain")
    ("Han'guk", 'Hanguk')
    """
    _check(system)
    out: list[str] = []
    run = ""
    for ch in text + "\n":
        if is_hangul_syllable(ch):
            run += ch
            continue
        if run:
            word = _word(run, system)
            after_letter = bool(out) and out[-1][-1:].isalnum()
            out.append(word[:1].lower() + word[1:] if after_letter else word)
            run = ""
        out.append(ch)
    return "".join(out[:-1])


def _surname(family: str, system: str) -> str:
    if system == "rr_conventional" and family in _CONVENTIONAL_SURNAMES:
        return _CONVENTIONAL_SURNAMES[family]
    if system in ("mr", "mr_plain") and family in _MR_SURNAMES:
        return _MR_SURNAMES[family]
    if system == "rr_conventional":
        system = "rr"
    parts = [syllable_parts(ch) for ch in family]
    text = _capital("".join(romanize_syllables(parts, system=system)))
    return _plain(text) if system == "mr_plain" else text


def _given(given: str, system: str, hyphen: bool) -> str:
    parts = [syllable_parts(ch) for ch in given]
    if system in ("rr", "rr_conventional"):
        pieces = [romanize_syllables([p], system="rr")[0] for p in parts]
        return _capital(("-" if hyphen else "").join(pieces))
    if system in ("dprk", "kps"):
        pieces = _separate(parts, system)
        return " ".join(_capital(p) for p in pieces)
    pieces = romanize_syllables(pronounce_word(parts, liaison=False), system="mr")
    text = _capital(("-" if hyphen else "").join(pieces)).replace("-'", "-")
    return _plain(text) if system == "mr_plain" else text


def _separate(parts: list[Syllable], system: str) -> list[str]:
    """DPRK given names: syllables written apart, voiced by the sound before them."""
    pieces: list[str] = []
    prev: str | None = None
    for part in parts:
        pieces.append(romanize_syllables([part], system=system, prev=prev)[0])
        prev = neutral_final(part[2])
    return pieces


def romanize_name(family: str, given: str, *, system: str = "rr", hyphen: bool = True) -> str:
    """A personal name the way each system writes one: family name first.

    RR and MR hyphenate the given name (``hyphen=False`` joins it); the DPRK system
    writes each given-name syllable apart and uses the Northern surname (이 → Ri).

    >>> romanize_name("김", "정은", system="rr")
    'Gim Jeong-eun'
    >>> romanize_name("김", "정은", system="rr_conventional", hyphen=False)
    'Kim Jeongeun'
    >>> romanize_name("김", "정은", system="mr"), romanize_name("최", "춘길", system="mr_plain")
    ('Kim Chŏng-ŭn', 'Choe Chun-gil')
    >>> romanize_name("이", "설주", system="dprk"), romanize_name("박", "동구", system="dprk")
    ('Ri Sol Ju', 'Pak Tong Gu')
    """
    _check(system)
    if not all(map(is_hangul_syllable, family + given)):
        raise ValidationError(f"romanize_name needs Hangul, got {family!r} {given!r}")
    if system == "dprk":
        family = north_surname(family)
    surname = _surname(family, system)
    return f"{surname} {_given(given, system, hyphen)}" if given else surname
