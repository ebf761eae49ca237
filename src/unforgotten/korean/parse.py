"""Splitting a written name into family and given name, in any script and order.

Rules, in the order they are tried:

1. Hangul written solid (김정은): a known two-syllable surname (남궁, 제갈, 선우, 황보, 독고,
   사공, 서문) when at least one syllable follows it, else the first syllable.
2. A comma means "family, given" (``KIM, Jong-un``).
3. Several tokens: the first is the family name when it is a known surname spelling and
   the last is not; the last when it is and the first is not, or when the first token is
   hyphenated (``Young-hee Lee``). When both ends are surnames the one written in capitals
   wins (``Jong-un KIM``); otherwise family-first is assumed unless the last token's
   surname is over five times as common (25 times when there are three or more tokens,
   the DPRK style ``Mun Mun I``; ``Sol Ju Ri`` still reads given-first). The parse is marked
   ``ambiguous`` when neither end is a surname or the two readings are within a factor
   of five of each other (``Song Jang``).
4. One romanized token (``Kimjongun``): a known surname spelling at its start.

>>> parse_name("Young-hee Lee")
ParsedName(family='Lee', given='Young-hee', script=<Script.LATIN: 'latin'>, order='given_first', ambiguous=False)
>>> parse_name("남궁민").family, parse_name("Ri Sol Ju").given
('남궁', 'Sol Ju')
"""  # noqa: E501

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from unforgotten.korean.hangul import Script, is_hangul_syllable, normalize, script_of
from unforgotten.korean.surnames import (
    COMPOUND_SHARE,
    COMPOUND_SURNAMES,
    fold_latin,
    is_surname,
    surname_frequency,
    surnames_spelled,
)

__all__ = ["ParsedName", "parse_name", "surname_share_of_token"]

_FAMILY_FIRST_ODDS = 5.0
_SPACED_FAMILY_FIRST_ODDS = 25.0  # "Mun Mun I": DPRK-style spaced syllables are family-first
_COMPOUND_WEIGHT = 0.05  # a two-syllable surname token is hardly ever a given name
_HANJA_SURNAMES = {
    "金": "김", "李": "이", "朴": "박", "崔": "최", "鄭": "정", "姜": "강", "趙": "조", "尹": "윤",
    "張": "장", "林": "임", "韓": "한", "吳": "오", "徐": "서", "申": "신", "權": "권", "黃": "황",
    "安": "안", "宋": "송", "全": "전", "洪": "홍", "柳": "유", "高": "고", "文": "문", "梁": "양",
    "孫": "손", "裵": "배", "曺": "조", "白": "백", "許": "허", "劉": "유",
}


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into its parts, as written (no respelling).

    ``order`` is ``"family_first"``, ``"given_first"`` or ``"unknown"`` (one part only);
    ``ambiguous`` says the other order was nearly as likely.
    """

    family: str
    given: str
    script: Script
    order: str
    ambiguous: bool = False

    def swapped(self) -> ParsedName:
        """The same tokens read in the other order (for ambiguous parses).

        >>> parse_name("Song Jang").swapped().family
        'Jang'
        """
        if self.order == "family_first":
            tokens = f"{self.family} {self.given}".split()
            return ParsedName(tokens[-1], " ".join(tokens[:-1]), self.script, "given_first", True)
        tokens = f"{self.given} {self.family}".split()
        return ParsedName(tokens[0], " ".join(tokens[1:]), self.script, "family_first", True)


def surname_share_of_token(token: str) -> float:
    """Population share of the most common surname this token can spell; 0 if none."""
    if all(map(is_hangul_syllable, token)) and token:
        return surname_frequency(token) if is_surname(token) else 0.0
    spelled = surnames_spelled().get(fold_latin(token), ())
    return max((surname_frequency(h) for h in spelled), default=0.0)


@lru_cache(maxsize=262144)
def parse_name(text: str) -> ParsedName:
    """Split a full name (any script, any order) into family and given name.

    >>> parse_name("KIM, Jong-un").family, parse_name("Jong-un KIM").order
    ('KIM', 'given_first')
    """
    clean = normalize(text).strip(" ,")
    script = script_of(clean)
    if "," in clean:
        family, _, given = clean.partition(",")
        return ParsedName(family.strip(), " ".join(given.split()), script, "family_first")
    tokens = [t for t in re.split(r"\s+", clean) if t]
    if not tokens:
        return ParsedName("", "", script, "unknown")
    if len(tokens) == 1:
        return _one_token(tokens[0], script)
    return _several_tokens(tokens, script)


def _one_token(token: str, script: Script) -> ParsedName:
    if script is Script.HANGUL and len(token) >= 2:
        cut = 2 if len(token) >= 3 and token[:2] in COMPOUND_SURNAMES else 1
        return ParsedName(token[:cut], token[cut:], script, "family_first")
    if script is Script.HANJA and len(token) >= 2:
        return ParsedName(token[0], token[1:], script, "family_first")
    if script is Script.LATIN and "-" not in token:
        cut = _latin_surname_prefix(token)
        if cut:
            return ParsedName(token[:cut], token[cut:], script, "family_first")
    return ParsedName("", token, script, "unknown")


def _latin_surname_prefix(token: str) -> int:
    """Length of the longest known surname spelling that starts a solid token (0: none)."""
    folded = fold_latin(token)
    if len(folded) != len(token):
        return 0
    spelled = surnames_spelled()
    for cut in range(min(8, len(token) - 2), 0, -1):
        if folded[:cut] in spelled:
            return cut
    return 0


@lru_cache(maxsize=65536)
def _token_share(token: str) -> float:
    """How likely a token is a family name: its surname share (compound ones count as 5 %)."""
    if token in _HANJA_SURNAMES:
        return surname_frequency(_HANJA_SURNAMES[token])
    share = surname_share_of_token(token.strip("-"))
    return _COMPOUND_WEIGHT if share == COMPOUND_SHARE else share


def _several_tokens(tokens: list[str], script: Script) -> ParsedName:
    first, last = _token_share(tokens[0]), _token_share(tokens[-1])
    family_first = ParsedName(tokens[0], " ".join(tokens[1:]), script, "family_first")
    given_first = ParsedName(tokens[-1], " ".join(tokens[:-1]), script, "given_first")
    if "-" in tokens[0] and "-" not in tokens[-1]:
        return given_first
    if first and not last:
        return family_first
    if last and not first:
        return given_first
    if not first:
        return ParsedName(*_fields(family_first), ambiguous=True)
    caps = [t.isupper() and len(t) > 1 for t in (tokens[0], tokens[-1])]
    if caps in ([True, False], [False, True]):
        return family_first if caps[0] else given_first
    prior = _FAMILY_FIRST_ODDS if len(tokens) == 2 else _SPACED_FAMILY_FIRST_ODDS
    odds = first * prior / last
    chosen = family_first if odds >= 1 else given_first
    close = 1 / _FAMILY_FIRST_ODDS < odds < _FAMILY_FIRST_ODDS
    return ParsedName(*_fields(chosen), ambiguous=close)


def _fields(parsed: ParsedName) -> tuple[str, str, Script, str]:
    return parsed.family, parsed.given, parsed.script, parsed.order


def hanja_surname_reading(hanja: str) -> str | None:
    """The Hangul reading of one of the 30 common surname Hanja (金 → 김), else ``None``."""
    return _HANJA_SURNAMES.get(hanja)
