"""Hangul syllables and jamo, script detection and Unicode normalisation.

A precomposed Hangul syllable (U+AC00–U+D7A3) is ``initial × 588 + medial × 28 + final``
above U+AC00 (Unicode §3.12). Everything here works on the *compatibility* jamo
(ㄱ U+3131 …), the letters people type, and keeps one table per syllable so that the
romanizers and the name keys never repeat the arithmetic.

>>> to_jamo("김정은")
'ㄱㅣㅁㅈㅓㅇㅇㅡㄴ'
>>> from_jamo("ㄱㅣㅁㅈㅓㅇㅇㅡㄴ")
'김정은'
>>> script_of("Kim 정은")
<Script.MIXED: 'mixed'>
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache

from unforgotten.errors import ValidationError

__all__ = [
    "FINALS",
    "INITIALS",
    "MEDIALS",
    "Script",
    "compose",
    "decompose",
    "from_jamo",
    "is_hangul_syllable",
    "normalize",
    "script_of",
    "split_final",
    "syllable_parts",
    "to_jamo",
]

SYLLABLE_BASE = 0xAC00
SYLLABLE_LAST = 0xD7A3
SYLLABLE_COUNT = 11172
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

_INITIAL_INDEX = {ch: i for i, ch in enumerate(INITIALS)}
_MEDIAL_INDEX = {ch: i for i, ch in enumerate(MEDIALS)}
_FINAL_INDEX = {ch: i for i, ch in enumerate(FINALS) if ch}
# two jamo typed one after the other that make one vowel or one final consonant
_VOWEL_PAIRS = {
    ("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ", ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ",
}
_FINAL_PAIRS = {
    ("ㄱ", "ㅅ"): "ㄳ", ("ㄴ", "ㅈ"): "ㄵ", ("ㄴ", "ㅎ"): "ㄶ", ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ", ("ㄹ", "ㅂ"): "ㄼ", ("ㄹ", "ㅅ"): "ㄽ", ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ", ("ㄹ", "ㅎ"): "ㅀ", ("ㅂ", "ㅅ"): "ㅄ",
}
_SPLIT_FINAL = {v: k for k, v in _FINAL_PAIRS.items()}


class Script(StrEnum):
    """The writing system of a piece of text."""

    HANGUL = "hangul"
    LATIN = "latin"
    HANJA = "hanja"
    MIXED = "mixed"
    OTHER = "other"
    EMPTY = "empty"


def is_hangul_syllable(ch: str) -> bool:
    """Whether ``ch`` is one precomposed Hangul syllable.

    >>> is_hangul_syllable("한"), is_hangul_syllable("ㅎ")
    (True, False)
    """
    return len(ch) == 1 and SYLLABLE_BASE <= ord(ch) <= SYLLABLE_LAST


def decompose(syllable: str) -> tuple[int, int, int]:
    """The (initial, medial, final) indices of one syllable; final 0 means none.

    >>> decompose("한")
    (18, 0, 4)
    """
    offset = ord(syllable) - SYLLABLE_BASE
    return offset // 588, (offset % 588) // 28, offset % 28


def compose(initial: int, medial: int, final: int = 0) -> str:
    """The syllable of the given jamo indices (the inverse of :func:`decompose`).

    >>> compose(18, 0, 4)
    '한'
    """
    return chr(SYLLABLE_BASE + initial * 588 + medial * 28 + final)


def _build_parts() -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (INITIALS[i // 588], MEDIALS[(i % 588) // 28], FINALS[i % 28])
        for i in range(SYLLABLE_COUNT)
    )


_PARTS = _build_parts()


def syllable_parts(syllable: str) -> tuple[str, str, str]:
    """The (initial, medial, final) compatibility jamo of a syllable; final ``""`` if none.

    >>> syllable_parts("닭")
    ('ㄷ', 'ㅏ', 'ㄺ')
    """
    return _PARTS[ord(syllable) - SYLLABLE_BASE]


def to_jamo(text: str) -> str:
    """Spell every Hangul syllable out in compatibility jamo; other characters stay.

    Compound finals stay one letter (ㄺ), as a keyboard does not split them.
    """
    return "".join(_syllable_jamo(ch) for ch in normalize(text))


@lru_cache(maxsize=16384)
def _syllable_jamo(ch: str) -> str:
    return "".join(_PARTS[ord(ch) - SYLLABLE_BASE]) if is_hangul_syllable(ch) else ch


def from_jamo(jamo: str) -> str:
    """Compose a run of compatibility jamo into syllables, as a Korean keyboard does.

    >>> from_jamo("ㄹㅣㅅㅓㄹㅈㅜ")
    '리설주'
    >>> from_jamo("ㅇㅗㅏㄴ")
    '완'
    """
    out: list[str] = []
    buffer: list[str] = []
    for ch in jamo:
        buffer.append(ch)
        if ch not in _MEDIAL_INDEX and ch not in _INITIAL_INDEX and ch not in _FINAL_INDEX:
            out.append(_flush(buffer[:-1]) + ch)
            buffer.clear()
    out.append(_flush(buffer))
    return "".join(out)


def _flush(letters: list[str]) -> str:
    """Compose a list of jamo: each syllable starts at a consonant followed by a vowel."""
    out: list[str] = []
    i = 0
    while i < len(letters):
        taken, text = _one_syllable(letters, i)
        out.append(text)
        i += taken
    return "".join(out)


def _one_syllable(letters: list[str], i: int) -> tuple[int, str]:
    ch = letters[i]
    nxt = letters[i + 1] if i + 1 < len(letters) else ""
    if ch not in _INITIAL_INDEX or nxt not in _MEDIAL_INDEX:
        return 1, ch
    j = i + 2
    vowel = nxt
    if j < len(letters) and (vowel, letters[j]) in _VOWEL_PAIRS:
        vowel = _VOWEL_PAIRS[(vowel, letters[j])]
        j += 1
    final, j = _take_final(letters, j)
    return j - i, compose(_INITIAL_INDEX[ch], _MEDIAL_INDEX[vowel], _FINAL_INDEX.get(final, 0))


def _take_final(letters: list[str], j: int) -> tuple[str, int]:
    """The final consonant starting at ``j`` (none when it begins the next syllable)."""

    def starts_syllable(k: int) -> bool:
        return k + 1 < len(letters) and letters[k + 1] in _MEDIAL_INDEX

    if j >= len(letters) or letters[j] not in _FINAL_INDEX or starts_syllable(j):
        return "", j
    pair = (letters[j], letters[j + 1]) if j + 1 < len(letters) else ("", "")
    if pair in _FINAL_PAIRS and not starts_syllable(j + 1):
        return _FINAL_PAIRS[pair], j + 2
    return letters[j], j + 1


def split_final(final: str) -> tuple[str, str]:
    """A compound final as its two consonants (ㄺ → ㄹ, ㄱ); a simple one as (final, "")."""
    return _SPLIT_FINAL.get(final, (final, ""))


_WIDE_SPACE = "\u3000"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"))
_NEEDS_NARROWING = re.compile("[\u3000\uff01-\uff5e\uffa0-\uffdc]")
_HANGUL_RE = re.compile("[\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_HANJA_RE = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")


def normalize(text: str, *, form: str = "NFC") -> str:
    """Unicode-normalise text the way names and places are compared.

    Full-width Latin and digits become ASCII, half-width Hangul letters become
    compatibility jamo, zero-width characters go, runs of white space become one
    space, and conjoining jamo compose into syllables (``form="NFC"``). With
    ``form="NFD"`` syllables come back as conjoining jamo instead.

    >>> normalize("Ｋｉｍ\u3000정은")
    'Kim 정은'
    >>> len(normalize("한", form="NFD"))
    3
    """
    if not text.isascii():
        text = text.translate(_INVISIBLE)
        if _NEEDS_NARROWING.search(text):
            text = "".join(_narrow(ch) for ch in text)
    text = " ".join(text.split())
    if form == "NFC":
        return unicodedata.normalize("NFC", text)
    if form == "NFD":
        return unicodedata.normalize("NFD", text)
    raise ValidationError(f"form must be NFC or NFD, not {form!r}")


def _narrow(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if ch == _WIDE_SPACE:
        return " "
    if 0xFFA0 <= code <= 0xFFDC:
        decomposition = unicodedata.decomposition(ch).split()
        if len(decomposition) == 2 and decomposition[0] == "<narrow>":
            return chr(int(decomposition[1], 16))
    return ch


@lru_cache(maxsize=65536)
def script_of(text: str) -> Script:
    """The script of ``text``: ``HANGUL``, ``LATIN``, ``HANJA``, ``MIXED``, ``OTHER`` or ``EMPTY``.

    Digits, punctuation and spaces do not count.

    >>> script_of("金正恩"), script_of("Kim Jong-un"), script_of("12-3")
    (<Script.HANJA: 'hanja'>, <Script.LATIN: 'latin'>, <Script.EMPTY: 'empty'>)
    """
    text = normalize(text)
    if text.isascii():
        return Script.LATIN if any(ch.isalpha() for ch in text) else Script.EMPTY
    seen = set()
    if _HANGUL_RE.search(text):
        seen.add(Script.HANGUL)
    if _HANJA_RE.search(text):
        seen.add(Script.HANJA)
    rest = _HANJA_RE.sub("", _HANGUL_RE.sub("", text))
    if _LATIN_RE.search(rest):
        seen.add(Script.LATIN)
    if any(ch.isalpha() for ch in _LATIN_RE.sub("", rest)):
        seen.add(Script.OTHER)
    if not seen:
        return Script.EMPTY
    if len(seen) > 1:
        return Script.MIXED
    return seen.pop()
