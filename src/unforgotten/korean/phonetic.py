"""A coarse phonetic alphabet that every script and romanization system falls into.

Each sound class is one character, so that keys are short and edit distances count
sounds, not letters:

========  =============================  ====================================
class     Hangul                         romanized spellings
========  =============================  ====================================
K T P C   ㄱㄲㅋ ㄷㄸㅌ ㅂㅃㅍ ㅈㅉㅊ      g k kh k' c q / d t th / b p ph f / j ch tch z
S H M N   ㅅㅆ ㅎ ㅁ ㄴ                    s sh / h before a vowel / m / n
L G       ㄹ, final ㅇ                      r l / ng
A E O I   ㅏ, ㅐㅔ, ㅓㅗㅜㅡ, ㅣㅢ            a, ae e ai, eo o u eu oo ŏ ŭ, i ee ui y
a e o     ㅑ, ㅒㅖ, ㅕㅛㅠ                   ya, ye yae, yeo yo yu you yoo young's "you"
w v u i   ㅘ, ㅙㅚㅞ, ㅝ, ㅟ                 wa, oe oi we wae, wo weo, wi
========  =============================  ====================================

The classes merge exactly what the systems and list keepers merge in practice:
voicing and aspiration (Kim/Gim, Pak/Bak/Park), ㅓㅗㅜㅡ once breves are dropped
(Jong/Jung/Jeong), ㅕㅛㅠ (Young/Yong/Yeong). :func:`canonical` then undoes the sound
changes MR writes and RR does not (Kungmin/Gukmin), and :func:`initial_law` the Northern
word-initial ㄹ/ㄴ (Ri/Lee/Yi → I).

>>> hangul_classes("김정욱"), latin_classes("kimjongwook")
('KIMCOGOK', 'KIMCOGOK')
"""

from __future__ import annotations

import re
from functools import lru_cache

from unforgotten.korean.hangul import SYLLABLE_BASE, SYLLABLE_COUNT, syllable_parts
from unforgotten.korean.sound import neutral_final

__all__ = [
    "VOWEL_CLASSES",
    "canonical",
    "hangul_classes",
    "initial_law",
    "jamo_class",
    "latin_classes",
    "latin_readings",
    "syllable_class",
]

VOWEL_CLASSES = frozenset("AEOIaeowvui")
_Y_CLASSES = frozenset("Iaeo")
_INITIAL = {
    **dict.fromkeys("ㄱㄲㅋ", "K"), **dict.fromkeys("ㄷㄸㅌ", "T"), **dict.fromkeys("ㅂㅃㅍ", "P"),
    **dict.fromkeys("ㅈㅉㅊ", "C"), **dict.fromkeys("ㅅㅆ", "S"), "ㅎ": "H", "ㅁ": "M",
    "ㄴ": "N", "ㄹ": "L", "ㅇ": "",
}
_VOWEL = {
    "ㅏ": "A", "ㅐ": "E", "ㅔ": "E", "ㅓ": "O", "ㅗ": "O", "ㅜ": "O", "ㅡ": "O", "ㅣ": "I",
    "ㅢ": "I", "ㅑ": "a", "ㅒ": "e", "ㅖ": "e", "ㅕ": "o", "ㅛ": "o", "ㅠ": "o", "ㅘ": "w",
    "ㅙ": "v", "ㅚ": "v", "ㅞ": "v", "ㅝ": "u", "ㅟ": "i",
}
_FINAL = {"": "", "ㄱ": "K", "ㄴ": "N", "ㄷ": "T", "ㄹ": "L", "ㅁ": "M", "ㅂ": "P", "ㅇ": "G"}

# romanized letter groups, longest first within each leading letter
_LATIN_UNITS = (
    ("yeo", "o"), ("yeu", "o"), ("you", "o"), ("yoo", "o"), ("yae", "e"), ("yo", "o"),
    ("yu", "o"), ("ya", "a"), ("ye", "e"), ("yi", "I"), ("wae", "v"), ("woe", "v"),
    ("weo", "u"), ("woo", "O"), ("we", "v"), ("wo", "u"), ("wu", "O"), ("wa", "w"),
    ("wi", "i"), ("eui", "I"), ("ui", "I"), ("eo", "O"), ("eu", "O"), ("ee", "I"),
    ("ei", "E"), ("ie", "I"), ("oe", "v"), ("oi", "v"), ("oo", "O"),
    ("ou", "O"), ("au", "O"), ("ae", "E"), ("ai", "E"), ("tch", "C"),
    ("ch", "C"), ("kh", "K"), ("th", "T"), ("ph", "P"), ("sh", "S"), ("ng", "G"),
    ("ck", "K"), ("gh", "K"), ("rh", "L"), ("a", "A"), ("e", "E"), ("i", "I"), ("o", "O"),
    ("u", "O"), ("y", "I"), ("w", ""), ("k", "K"), ("g", "K"), ("c", "K"), ("q", "K"),
    ("t", "T"), ("d", "T"), ("p", "P"), ("b", "P"), ("f", "P"), ("v", "P"), ("j", "C"),
    ("z", "C"), ("s", "S"), ("x", "KS"), ("m", "M"), ("n", "N"), ("r", "L"), ("l", "L"),
)
_LATIN_RE = re.compile("|".join(re.escape(u) for u, _ in _LATIN_UNITS) + "|h")
_LATIN_CLASS = dict(_LATIN_UNITS)
_VOWEL_LETTERS = frozenset("aeiouwy")

_SOUND_RULES = (
    (re.compile(r"NK(?=[AEOIaeowvui])"), "G"),  # han-guk / hanguk: n+g read as ng
    (re.compile(r"NL|LN"), "L"),  # 신라 Silla
    (re.compile(r"(?<=[MGKPT])L"), "N"),  # 종로 Chongno, 백리 Paengni
    (re.compile(r"K(?=[NM])"), "G"),  # 국민 Kungmin
    (re.compile(r"T(?=[NM])"), "N"),
    (re.compile(r"P(?=[NM])"), "M"),
    (re.compile(r"(?<=[KTPC])H"), ""),  # 택효 Thaekhyo: kh, th, ph read as one letter
    (re.compile(r"([KTPCSHMNLG])\1+"), r"\1"),  # kk, ll, nn: doubled letters
)


def jamo_class(jamo: str, *, position: str) -> str:
    """The class of one compatibility jamo as an ``"initial"``, ``"medial"`` or ``"final"``."""
    if position == "initial":
        return _INITIAL[jamo]
    if position == "medial":
        return _VOWEL[jamo]
    return _FINAL[neutral_final(jamo)]


def _build_syllables() -> tuple[str, ...]:
    out = []
    for i in range(SYLLABLE_COUNT):
        initial, medial, final = syllable_parts(chr(SYLLABLE_BASE + i))
        out.append(_INITIAL[initial] + _VOWEL[medial] + _FINAL[neutral_final(final)])
    return tuple(out)


_SYLLABLE_CLASSES = _build_syllables()


def syllable_class(syllable: str) -> str:
    """The class string of one Hangul syllable (from a table over all 11,172).

    >>> syllable_class("희"), syllable_class("회"), syllable_class("영")
    ('HI', 'Hv', 'oG')
    """
    return _SYLLABLE_CLASSES[ord(syllable) - SYLLABLE_BASE]


def hangul_classes(text: str) -> str:
    """Class string of Hangul text (syllables only; anything else is skipped)."""
    table = _SYLLABLE_CLASSES
    out = []
    for ch in text:
        offset = ord(ch) - SYLLABLE_BASE
        if 0 <= offset < SYLLABLE_COUNT:
            out.append(table[offset])
    return "".join(out)


def _latin_unit(match: re.Match[str]) -> str:
    unit = match.group()
    if unit != "h":
        return _LATIN_CLASS[unit]
    following = match.string[match.end() : match.end() + 1]
    return "H" if following in _VOWEL_LETTERS else ""


@lru_cache(maxsize=262144)
def latin_classes(folded: str) -> str:
    """Class string of folded (lower-case ASCII) romanized letters; others are skipped.

    >>> latin_classes("younghee"), latin_classes("choe"), latin_classes("kookkie")
    ('oGHI', 'Cv', 'KOKKI')
    """
    letters = "".join(ch for ch in folded if "a" <= ch <= "z")
    return _LATIN_RE.sub(_latin_unit, letters)


@lru_cache(maxsize=65536)
def latin_readings(folded: str) -> tuple[str, ...]:
    """Class strings of a solid romanized token: the greedy reading, then up to three more
    that split one vowel pair across a syllable boundary (``jain`` → 자인 as well as 잰).

    >>> latin_readings("jain")
    ('CEN', 'CAIN')
    """
    letters = "".join(ch for ch in folded if "a" <= ch <= "z")
    readings = [latin_classes(letters)]
    for k in range(len(letters) - 1):
        if letters[k] in "aeiou" and letters[k + 1] in "aeiou":
            split = latin_classes(letters[: k + 1]) + latin_classes(letters[k + 1 :])
            if split not in readings:
                readings.append(split)
    return tuple(readings[:4])


@lru_cache(maxsize=262144)
def canonical(classes: str) -> str:
    """Undo the sound changes some systems write, and merge doubled consonants.

    >>> canonical("KOKMIN") == canonical("KOGMIN"), canonical("HANKOL") == canonical("HAGOL")
    (True, True)
    """
    for pattern, replacement in _SOUND_RULES:
        classes = pattern.sub(replacement, classes)
    return classes


def initial_law(classes: str) -> str:
    """Apply the Southern initial-sound law to the start of a class string (Ri → I, Ro → No).

    >>> initial_law("LI"), initial_law("LO"), initial_law("NoG"), initial_law("NAM")
    ('I', 'NO', 'oG', 'NAM')
    """
    if len(classes) < 2 or classes[0] not in "LN":
        return classes
    if classes[1] in _Y_CLASSES:
        return classes[1:]
    return "N" + classes[1:] if classes[0] == "L" else classes
