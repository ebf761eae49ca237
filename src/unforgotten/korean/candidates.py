"""Romanized name → ranked Hangul spellings: a syllable lattice over every system.

Each romanized token of the given name is cut into syllable spans; each span is read as
every Hangul syllable that some system (RR, MR, DPRK, KPS; word-initial, voiced and
unvoiced positions) spells exactly that way (weight 1), or whose phonetic class it
shares (weight :data:`CLASS_MATCH`, which covers ad-hoc spellings: young, hee, kook). A
reading scores ``prior(syllable) × weight``; priors come from
:mod:`unforgotten.korean.given`. The surname is read from the surname table and scored by
its population share; a surname spelled with R (Ri, Rim, Ryu) puts the Northern Hangul
first and the Southern right behind it, and the reverse for other spellings. The given
name's length has a prior (two syllables: :data:`LENGTH_PRIOR`). Scores are normalised
over all readings found.

>>> [c.hangul for c in hangul_candidates("Ri Sol Ju", limit=2)]
['리설주', '이설주']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from unforgotten.errors import ValidationError
from unforgotten.korean.given import given_syllable_weight, given_syllables
from unforgotten.korean.hangul import (
    SYLLABLE_BASE,
    SYLLABLE_COUNT,
    is_hangul_syllable,
    syllable_parts,
)
from unforgotten.korean.initial_law import north_surname, south_initial
from unforgotten.korean.parse import parse_name
from unforgotten.korean.phonetic import latin_classes, syllable_class
from unforgotten.korean.romanize import romanize_syllables
from unforgotten.korean.surnames import fold_latin, surname_frequency, surnames_spelled

__all__ = ["CLASS_MATCH", "LENGTH_PRIOR", "Candidate", "hangul_candidates"]

CLASS_MATCH = 0.3
LENGTH_PRIOR = {1: 0.08, 2: 0.85, 3: 0.07}
NORTH_FORM = 0.95
OTHER_FORM = 0.4
_BEAM = 40
_PER_SPAN = 8
_SYSTEMS = ("rr", "mr_plain", "dprk", "kps")
_CONTEXTS = (None, "", "ㄱ", "ㄹ")
_USUAL_VOWELS = {
    "ㅓ": ("u", "eo", "o"), "ㅡ": ("eu", "u"), "ㅜ": ("oo", "u"), "ㅕ": ("yeo", "yo", "you", "yu"),
    "ㅢ": ("ui", "ee", "i", "eui"), "ㅣ": ("i", "ee"), "ㅠ": ("yu", "yoo", "you"),
    "ㅐ": ("ae", "ai"), "ㅚ": ("oe", "oi"), "ㅝ": ("wo", "weo"), "ㅗ": ("o", "oh"),
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One Hangul spelling of a romanized name and its share of the score (0–1)."""

    hangul: str
    score: float


@cache
def _lattice_index() -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """(exact spelling → syllables, class string → syllables by prior, best first)."""
    exact: dict[str, set[str]] = {}
    by_class: dict[str, list[str]] = {}
    for offset in range(SYLLABLE_COUNT):
        syllable = chr(SYLLABLE_BASE + offset)
        if offset % 28 not in (0, 1, 4, 8, 16, 17, 21):
            continue
        by_class.setdefault(syllable_class(syllable), []).append(syllable)
    for syllable in given_syllables():
        for spelling in _spellings(syllable):
            exact.setdefault(spelling, set()).add(syllable)
    ranked = {k: tuple(sorted(v, key=lambda s: -given_syllable_weight(s))) for k, v in
              by_class.items()}
    return {k: frozenset(v) for k, v in exact.items()}, ranked


def _spellings(syllable: str) -> set[str]:
    """Every system's spelling of a syllable, and the list keepers' usual ones (oo, ee, you)."""
    parts = [syllable_parts(syllable)]
    found = set()
    for system in _SYSTEMS:
        for prev in _CONTEXTS:
            found.add(fold_latin(romanize_syllables(parts, system=system, prev=prev)[0]))
    initial, vowel, final = parts[0]
    heads = {romanize_syllables([(initial, "ㅏ", "")], system=s)[0][:-1] for s in _SYSTEMS}
    tail = romanize_syllables([("ㅇ", "ㅏ", final)], system="rr")[0][1:]
    for head in heads:
        for letters in _USUAL_VOWELS.get(vowel, ()):
            if not head and letters[0] in "ou" and vowel in "ㅜㅝ":
                found.add(fold_latin("w" + letters + tail))
            found.add(fold_latin(head + letters + tail))
    if initial == "ㅅ" and vowel == "ㅣ":
        found.add("shi" + tail)
    return found


@cache
def _total_weight() -> float:
    return sum(given_syllables().values())


@lru_cache(maxsize=65536)
def _span_readings(span: str) -> tuple[tuple[str, float], ...]:
    """Readings of one span of letters as one syllable, best first."""
    exact, by_class = _lattice_index()
    classes = latin_classes(span)
    scored: dict[str, float] = {}
    total = _total_weight()
    for syllable in exact.get(span, ()):
        scored[syllable] = given_syllable_weight(syllable) / total
    for syllable in by_class.get(classes, ())[:_PER_SPAN * 2]:
        scored.setdefault(syllable, given_syllable_weight(syllable) / total * CLASS_MATCH)
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(ranked[:_PER_SPAN])


def _segmentations(token: str) -> list[list[tuple[tuple[str, float], ...]]]:
    """Every way to cut a token into spans that all have readings."""
    if not token:
        return [[]]
    out = []
    for cut in range(1, min(7, len(token)) + 1):
        readings = _span_readings(token[:cut])
        if not readings:
            continue
        for rest in _segmentations(token[cut:]):
            out.append([readings, *rest])
    return out


def _given_readings(given: str) -> list[tuple[str, float]]:
    tokens = [fold_latin(t) for t in re.split(r"[\s\-]+", given) if t]
    beam: list[tuple[str, float]] = [("", 1.0)]
    for raw in tokens:
        token = re.sub(r"[^a-z]", "", raw)
        options: dict[str, float] = {}
        for segmentation in _segmentations(token)[:64]:
            for text, score in _expand(segmentation):
                options[text] = max(options.get(text, 0.0), score)
        best = sorted(options.items(), key=lambda kv: -kv[1])[:_BEAM]
        beam = [(a + b, s * t) for a, s in beam for b, t in best]
        beam = sorted(beam, key=lambda kv: -kv[1])[:_BEAM]
    return [(text, score * LENGTH_PRIOR.get(len(text), 0.01)) for text, score in beam if text]


def _expand(segmentation: list[tuple[tuple[str, float], ...]]) -> list[tuple[str, float]]:
    beam: list[tuple[str, float]] = [("", 1.0)]
    for readings in segmentation:
        beam = [(a + b, s * t) for a, s in beam for b, t in readings]
        beam = sorted(beam, key=lambda kv: -kv[1])[:_BEAM]
    return beam


def _surname_readings(family: str) -> list[tuple[str, float]]:
    if family and all(map(is_hangul_syllable, family)):
        return [(family, 1.0)]
    folded = re.sub(r"[^a-z]", "", fold_latin(family))
    north_spelled = folded[:1] in ("r", "l") and folded not in ("lee", "lim", "leem", "lyu")
    out: list[tuple[str, float]] = []
    for south in surnames_spelled().get(folded, ()):
        share = surname_frequency(south)
        north = north_surname(south)
        out.append((south, share * (NORTH_FORM if north_spelled and north != south else 1.0)))
        if north != south:
            out.append((north, share * (1.0 if north_spelled else OTHER_FORM)))
    return out or [(s, w * 0.01) for s, w in _span_readings(folded)[:3]]


def hangul_candidates(romanized: str, *, limit: int = 10) -> list[Candidate]:
    """Ranked Hangul spellings of a romanized name, best first, scores summing to ≤ 1.

    >>> [c.hangul for c in hangul_candidates("Kim Jong-un", limit=3)][0]
    '김정은'
    """
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, not {limit}")
    parsed = parse_name(romanized)
    if not parsed.given and not parsed.family:
        return []
    surnames = _surname_readings(parsed.family) if parsed.family else [("", 1.0)]
    givens = _given_readings(parsed.given) if parsed.given else [("", 1.0)]
    givens = _add_south_initials(givens)
    scored: dict[str, float] = {}
    for family, s in surnames:
        for given, g in givens:
            scored[family + given] = max(scored.get(family + given, 0.0), s * g)
    total = sum(scored.values()) or 1.0
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [Candidate(hangul, score / total) for hangul, score in ranked]


def _add_south_initials(givens: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """A given name written with a Northern initial (룡철) also read the Southern way."""
    out = dict(givens)
    for text, score in givens:
        south = south_initial(text[0]) + text[1:]
        if south != text:
            out[south] = max(out.get(south, 0.0), score * NORTH_FORM)
    return list(out.items())
