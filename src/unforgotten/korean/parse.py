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

Before that, honorifics and placeholders are taken off (:func:`strip_placeholders`):
``박씨``, ``김 모``, ``박 (이름 미상)``, ``김선생``, ``박 여사``, ``Mr. Pak``, ``Ms. Kim``,
``Mrs Lee``. What is left of such an entry is the family name alone: the parse has
``given == ""`` and ``surname_only`` set (the given name is unknown, never "씨").

A token written all in capitals at either end (``SIM Yong Ho``, ``Yong Ho SIM``) is the
family name when the other tokens are not all capitals: that is how passports, the UN and
many lists mark it.

Compound surnames are kept whole when a syllable follows (``남궁민`` → 남궁 + 민). The real
exception: when the first syllable is a common single surname and the second a common
first syllable of given names (서문 → 서 + 문…, 선우 → 선 + 우…), the name is marked
ambiguous and the single-surname split is kept as the other reading
(:attr:`ParsedName.other`), so that a comparison can take the better of the two. Two
syllables alone that spell a compound (``남궁``) read as surname + one-syllable given name
(남 + 궁), with the compound surname alone as the other reading.

>>> parse_name("Young-hee Lee")
ParsedName(family='Lee', given='Young-hee', script=<Script.LATIN: 'latin'>, order='given_first', ambiguous=False, surname_only=False, other=None)
>>> parse_name("남궁민").family, parse_name("Ri Sol Ju").given
('남궁', 'Sol Ju')
"""  # noqa: E501

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from unforgotten.korean.given import given_syllable_weight
from unforgotten.korean.hangul import Script, is_hangul_syllable, normalize, script_of
from unforgotten.korean.surnames import (
    COMPOUND_SHARE,
    COMPOUND_SURNAMES,
    fold_latin,
    is_surname,
    surname_frequency,
    surnames_spelled,
)

__all__ = ["ParsedName", "parse_name", "strip_placeholders", "surname_share_of_token"]

_FAMILY_FIRST_ODDS = 5.0
_SPACED_FAMILY_FIRST_ODDS = 25.0  # "Mun Mun I": DPRK-style spaced syllables are family-first
_COMPOUND_WEIGHT = 0.05  # a two-syllable surname token is hardly ever a given name
_HANJA_SURNAMES = {
    "金": "김",
    "李": "이",
    "朴": "박",
    "崔": "최",
    "鄭": "정",
    "姜": "강",
    "趙": "조",
    "尹": "윤",
    "張": "장",
    "林": "임",
    "韓": "한",
    "吳": "오",
    "徐": "서",
    "申": "신",
    "權": "권",
    "黃": "황",
    "安": "안",
    "宋": "송",
    "全": "전",
    "洪": "홍",
    "柳": "유",
    "高": "고",
    "文": "문",
    "梁": "양",
    "孫": "손",
    "裵": "배",
    "曺": "조",
    "白": "백",
    "許": "허",
    "劉": "유",
}
#: Latin titles before a name (``Mr. Pak``): the name that follows is the family name.
_LATIN_TITLES = re.compile(r"^(?:mr|mrs|ms|miss|mx|mme|madam|mdm|mister)\.?(?:\s+|$)", re.IGNORECASE)
#: Hangul honorifics written after a name (never part of a given name), longest first.
_HANGUL_HONORIFICS = ("선생님", "선생", "여사님", "여사", "씨", "氏")
#: Placeholders and honorifics that are also given-name syllables (김영모, 이복님): taken
#: off only when what is left is a surname alone (김모, 박님).
_HANGUL_AFTER_SURNAME = ("아무개", "모", "某", "님", "○○", "○", "OO", "XX", "**")
#: Whole tokens that stand for an unknown given name.
_PLACEHOLDER_TOKENS = frozenset(
    {
        "씨",
        "氏",
        "모",
        "某",
        "아무개",
        "선생",
        "선생님",
        "여사",
        "여사님",
        "님",
        "미상",
        "불명",
        "무명",
        "이름미상",
        "○○",
        "○",
        "oo",
        "xx",
        "**",
        "?",
        "??",
        "unknown",
        "n/a",
        "nn",
        "n.n.",
        "-",
        "—",
    }
)
_PARENTHESIS = re.compile(r"\s*[(（\[]([^)）\]]*)[)）\]]\s*")
#: Given-name syllables this common (see :mod:`unforgotten.korean.given`) make a compound
#: surname's single-surname split a real second reading.
_SPLIT_GIVEN_WEIGHT = 8.0


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
    surname_only: bool = False
    other: tuple[str, str] | None = None

    @property
    def given_known(self) -> bool:
        """Whether a given name was written (not a placeholder, not left out)."""
        return bool(self.given)

    def swapped(self) -> ParsedName:
        """The other reading of an ambiguous parse: other order, or other surname split.

        >>> parse_name("Song Jang").swapped().family
        'Jang'
        >>> parse_name("서문석").swapped().family
        '서'
        """
        if self.other is not None:
            family, given = self.other
            return ParsedName(family, given, self.script, self.order, True, not given)
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
    clean, marked = strip_placeholders(normalize(text))
    clean = clean.strip(" ,")
    script = script_of(clean)
    if marked:
        alone = _surname_alone(clean, script)
        if alone is not None:
            return alone
    if "," in clean:
        family, _, given = clean.partition(",")
        return ParsedName(family.strip(), " ".join(given.split()), script, "family_first")
    tokens = [t for t in re.split(r"\s+", clean) if t]
    if not tokens:
        return ParsedName("", "", script, "unknown")
    if len(tokens) == 1:
        return _one_token(tokens[0], script)
    return _several_tokens(tokens, script)


def strip_placeholders(text: str) -> tuple[str, bool]:
    """The name without honorifics and placeholders, and whether any was there.

    >>> strip_placeholders("박 (이름 미상)"), strip_placeholders("Mr. Pak")
    (('박', True), ('Pak', True))
    >>> strip_placeholders("박씨"), strip_placeholders("김철수")
    (('박', True), ('김철수', False))
    """
    clean = " ".join(text.split())
    marked = False
    if _PARENTHESIS.search(clean):
        inner = [m.strip() for m in _PARENTHESIS.findall(clean)]
        if all(_is_placeholder(m) for m in inner):
            clean, marked = _PARENTHESIS.sub(" ", clean).strip(), True
    while (titled := _LATIN_TITLES.sub("", clean, count=1)) != clean:
        clean, marked = titled.strip(), True
    tokens = clean.split()
    if tokens and all(map(_is_placeholder, tokens)):
        return "", True
    while len(tokens) > 1 and _is_placeholder(tokens[-1]):
        tokens, marked = tokens[:-1], True
    if len(tokens) == 1 and script_of(tokens[0]) is Script.HANGUL:
        stripped = _hangul_suffix_off(tokens[0])
        if stripped != tokens[0]:
            tokens, marked = [stripped], True
    return " ".join(tokens), marked


def _hangul_suffix_off(token: str) -> str:
    for suffix in _HANGUL_HONORIFICS:
        if token.endswith(suffix) and len(token) > len(suffix):
            return token[: -len(suffix)]
    for suffix in _HANGUL_AFTER_SURNAME:
        rest = token[: -len(suffix)]
        if token.endswith(suffix) and (is_surname(rest) or rest in COMPOUND_SURNAMES):
            return rest
    return token


def _is_placeholder(token: str) -> bool:
    return token.replace(" ", "").casefold() in _PLACEHOLDER_TOKENS or not token.strip()


def _surname_alone(clean: str, script: Script) -> ParsedName | None:
    """A marked entry reduced to one token: that token is the family name."""
    tokens = clean.split()
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if script is Script.HANGUL and len(token) == 2 and token not in COMPOUND_SURNAMES:
        return None  # "김철씨": a given name is there
    if script is Script.HANGUL and len(token) > 2:
        return None
    return ParsedName(token, "", script, "family_first", surname_only=True)


def _one_token(token: str, script: Script) -> ParsedName:
    if script is Script.HANGUL and len(token) == 1 and is_surname(token):
        return ParsedName(token, "", script, "family_first", surname_only=True)
    if script is Script.HANGUL and len(token) >= 2:
        return _hangul_split(token, script)
    if script is Script.HANJA and len(token) >= 2:
        return ParsedName(token[0], token[1:], script, "family_first")
    if script is Script.LATIN and "-" not in token:
        cut = _latin_surname_prefix(token)
        if cut:
            return ParsedName(token[:cut], token[cut:], script, "family_first")
    return ParsedName("", token, script, "unknown")


def _hangul_split(token: str, script: Script) -> ParsedName:
    """Solid Hangul: compound surname whole, with the single-surname split where real."""
    head = token[:2]
    if head not in COMPOUND_SURNAMES:
        return ParsedName(token[:1], token[1:], script, "family_first")
    if len(token) == 2:
        return ParsedName(token[:1], token[1:], script, "family_first", True, other=(token, ""))
    single = token[:1]
    splits = is_surname(single) and given_syllable_weight(token[1]) >= _SPLIT_GIVEN_WEIGHT
    other = (single, token[1:]) if splits and len(token) <= 3 else None
    return ParsedName(head, token[2:], script, "family_first", other is not None, other=other)


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
    if script is Script.LATIN:
        capital = [_all_capitals(t) for t in tokens]
        if capital.count(True) == 1 and (capital[0] or capital[-1]):
            return family_first if capital[0] else given_first
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


def _all_capitals(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def _fields(parsed: ParsedName) -> tuple[str, str, Script, str]:
    return parsed.family, parsed.given, parsed.script, parsed.order


def hanja_surname_reading(hanja: str) -> str | None:
    """The Hangul reading of one of the 30 common surname Hanja (金 → 김), else ``None``."""
    return _HANJA_SURNAMES.get(hanja)
