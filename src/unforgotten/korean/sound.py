"""Sound changes between syllables: how a written word is pronounced.

RR (for words, not personal names), McCune–Reischauer and the DPRK system spell what is
*heard*, so they first turn the written syllables into pronounced ones. The rules kept
here are those the three systems agree to write (Standard Pronunciation rules 12–23,
29 and the RR notation rules, Art. 1 of Ch. 3):

1. palatalisation: final ㄷ/ㅌ before 이 → 지/치 (굳이 → 구지);
2. liaison: a final consonant before a vowel-initial syllable moves across (국어 → 구거);
   a final ㅎ before a vowel is silent (좋아 → 조아);
3. ㅎ aspirates a following ㄱ ㄷ ㅈ (좋고 → 조코);
4. ㄹ after any consonant but ㄴ/ㄹ is read ㄴ (종로 → 종노, 백리 → 백니 → 뱅니);
5. nasalisation: obstruent finals before ㄴ/ㅁ become ㅇ/ㄴ/ㅁ (국민 → 궁민);
6. liquidisation: ㄴ+ㄹ and ㄹ+ㄴ are read ㄹ+ㄹ (신라 → 실라).

Tensification is not written by any system and is left out; neither is the aspiration of
ㄱㄷㅂ before ㅎ, which RR does not write in nouns (묵호 Mukho).

>>> pronounce("국민")
'궁민'
>>> pronounce("신라")
'실라'
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from unforgotten.korean.hangul import (
    FINALS,
    INITIALS,
    MEDIALS,
    compose,
    is_hangul_syllable,
    split_final,
    syllable_parts,
)

__all__ = ["Syllable", "neutral_final", "pronounce", "pronounce_word"]

Syllable = tuple[str, str, str]

_K_CLASS = set("ㄱㄲㅋㄳㄺ")
_T_CLASS = set("ㄷㅅㅆㅈㅊㅌㅎ")
_P_CLASS = set("ㅂㅍㄼㄿㅄ")
_NEUTRAL = {
    **dict.fromkeys("ㄱㄲㅋㄳㄺ", "ㄱ"), **dict.fromkeys("ㄴㄵㄶ", "ㄴ"),
    **dict.fromkeys("ㄷㅅㅆㅈㅊㅌㅎ", "ㄷ"), **dict.fromkeys("ㄹㄽㄾㅀ", "ㄹ"),
    **dict.fromkeys("ㅁㄻ", "ㅁ"), **dict.fromkeys("ㅂㅍㄼㄿㅄ", "ㅂ"), "ㅇ": "ㅇ", "": "",
}
_ASPIRATE = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅈ": "ㅊ"}
_H_FINALS = {"ㅎ": "", "ㄶ": "ㄴ", "ㅀ": "ㄹ"}


def neutral_final(final: str) -> str:
    """The one of the seven final sounds a written final is read as (ㅅ → ㄷ, ㄺ → ㄱ).

    >>> neutral_final("ㅊ"), neutral_final("ㄼ")
    ('ㄷ', 'ㅂ')
    """
    return _NEUTRAL[final]


def pronounce_word(syllables: list[Syllable], *, liaison: bool = True) -> list[Syllable]:
    """Apply the rules above across each syllable boundary of one word, left to right.

    ``liaison=False`` keeps every final in its syllable (MR given names: 필은 P'il-ŭn).
    """
    word = [list(s) for s in syllables]
    for left, right in pairwise(word):
        if liaison or right[0] != "ㅇ":
            _boundary(left, right)
    return [(s[0], s[1], s[2]) for s in word]


def _boundary(left: list[str], right: list[str]) -> None:
    if not left[2]:
        return
    if right[0] == "ㅇ":
        _before_vowel(left, right)
        return
    if left[2] in _H_FINALS and right[0] in _ASPIRATE:
        right[0] = _ASPIRATE[right[0]]
        left[2] = _H_FINALS[left[2]]
        return
    if right[0] == "ㄹ":
        _before_rieul(left, right)
    if right[0] in "ㄴㅁ":
        _nasalise(left, right)


def _before_vowel(left: list[str], right: list[str]) -> None:
    final = left[2]
    if final in ("ㄷ", "ㅌ") and right[1] == "ㅣ":
        left[2], right[0] = "", "ㅈ" if final == "ㄷ" else "ㅊ"
    elif final in _H_FINALS:
        left[2] = _H_FINALS[final]
        if left[2]:
            left[2], right[0] = "", left[2]
    elif final != "ㅇ":
        first, second = split_final(final)
        if second:
            left[2], right[0] = first, "ㅆ" if second == "ㅅ" else second
        else:
            left[2], right[0] = "", final


def _before_rieul(left: list[str], right: list[str]) -> None:
    if left[2] in ("ㄴ", "ㄵ", "ㄶ"):
        left[2] = "ㄹ"
    elif _NEUTRAL[left[2]] != "ㄹ":
        right[0] = "ㄴ"


def _nasalise(left: list[str], right: list[str]) -> None:
    final = left[2]
    if final in _K_CLASS:
        left[2] = "ㅇ"
    elif final in _T_CLASS:
        left[2] = "ㄴ"
    elif final in _P_CLASS:
        left[2] = "ㅁ"
    elif _NEUTRAL[final] == "ㄹ" and right[0] == "ㄴ":
        right[0] = "ㄹ"


@lru_cache(maxsize=65536)
def pronounce(word: str) -> str:
    """The pronounced Hangul of a written word (non-Hangul characters break the word).

    >>> pronounce("백리"), pronounce("같이"), pronounce("설주")
    ('뱅니', '가치', '설주')
    """
    out: list[str] = []
    run: list[Syllable] = []
    for ch in word + "\n":
        if is_hangul_syllable(ch):
            run.append(syllable_parts(ch))
            continue
        out.extend(_spell(s) for s in pronounce_word(run))
        run = []
        out.append(ch)
    return "".join(out[:-1])


def _spell(s: Syllable) -> str:
    return compose(INITIALS.index(s[0]), MEDIALS.index(s[1]), FINALS.index(s[2]))
