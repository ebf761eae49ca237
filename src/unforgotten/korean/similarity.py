"""Name keys for blocking and a name similarity for linkage, on equal terms across scripts.

A name is reduced to its *forms*: family and given name as class strings
(:mod:`unforgotten.korean.phonetic`), after Northern spellings are made Southern and
romanized surnames are looked up in the surname table (Lee, Yi, Rhee, Ri → 이). When
the name is in Hangul the jamo themselves are kept too, so that two Hangul spellings are
compared letter by letter.

Keys (:func:`name_keys`) are opaque strings ``"family|given"``. Every spelling of one
name, in any script or system, gets the same first key. So that one typo does not split
a pair, the given part is also written with each class deleted in turn (two spellings one
edit apart then share a key), and a ``"*|given"`` key ignores the family name.

The similarity (:func:`name_similarity`) is ``0.3 × family + 0.7 × given``, each part
``max(0, 1 − 2 × edits / length)`` on jamo when both sides are Hangul and on classes
otherwise; it is 1.0 for any two systematic spellings of one name and about 0.7 for two
names one jamo apart (김영희 / 김영회).

>>> name_keys("Ri Sol Ju")[0] == name_keys("이설주")[0] == name_keys("Lee Seol-ju")[0]
True
>>> name_similarity("Kim Jong Un", "김정은"), round(name_similarity("김영희", "김영회"), 2)
(1.0, 0.72)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from unforgotten.korean.hangul import Script, to_jamo
from unforgotten.korean.initial_law import north_to_south, north_to_south_name
from unforgotten.korean.parse import ParsedName, hanja_surname_reading, parse_name
from unforgotten.korean.phonetic import (
    canonical,
    hangul_classes,
    initial_law,
    latin_classes,
    latin_readings,
)
from unforgotten.korean.surnames import COMPOUND_SURNAMES, fold_latin, is_surname, surnames_spelled

__all__ = [
    "NameForm",
    "given_readings",
    "levenshtein",
    "name_forms",
    "name_key",
    "name_keys",
    "name_similarity",
    "surname_classes",
]

FAMILY_WEIGHT = 0.3
EDIT_PENALTY = 2.0
MISSING_FAMILY = 0.5
_MAX_READINGS = 3
_SPLIT = re.compile(r"[\s\-·.]+")


@dataclass(frozen=True, slots=True)
class NameForm:
    """One reading of a name: class strings, and jamo when the part is written in Hangul."""

    family: str
    given: str
    family_jamo: str | None
    given_jamo: str | None


_SYLLABLES = re.compile("[\uac00-\ud7a3]+")


def _is_hangul(text: str) -> bool:
    """Whether ``text`` is all precomposed Hangul syllables (and not empty)."""
    return _SYLLABLES.fullmatch(text) is not None


@lru_cache(maxsize=65536)
def _latin_family(token: str) -> str:
    folded = fold_latin(token)
    spelled = surnames_spelled().get(folded)
    if spelled:
        return hangul_classes(spelled[0])
    return initial_law(latin_classes(folded))


def _family(token: str) -> tuple[str, str | None]:
    reading = hanja_surname_reading(token)
    if reading:
        token = reading
    if _is_hangul(token):
        south = north_to_south_name(token, "")[0]
        return hangul_classes(south), to_jamo(south)
    if not fold_latin(token).isascii():
        return "#" + token, None
    return _latin_family(token), None


@lru_cache(maxsize=262144)
def _given(given: str) -> tuple[tuple[str, str | None], ...]:
    """Readings of a given name: (classes, jamo); romanized vowel pairs may add readings."""
    parts = [p for p in _SPLIT.split(given) if p]
    if parts and all(map(_is_hangul, parts)):
        south = north_to_south("".join(parts))
        return ((canonical(initial_law(hangul_classes(south))), to_jamo(south)),)
    readings: list[tuple[str, ...]] = []
    for part in parts:
        folded = fold_latin(part)
        if _is_hangul(part):
            readings.append((hangul_classes(part),))
        elif folded.isascii():
            readings.append(latin_readings(folded))
        else:
            return (("#" + "".join(parts), None),)
    primary = [r[0] for r in readings]
    variants = [primary]
    for i, options in enumerate(readings):
        variants += [[*primary[:i], other, *primary[i + 1 :]] for other in options[1:]]
    found = (canonical(initial_law("".join(v))) for v in variants[:_MAX_READINGS])
    return tuple((classes, None) for classes in dict.fromkeys(found))


@lru_cache(maxsize=4096)
def surname_classes(token: str) -> tuple[str, ...]:
    """Family classes of one token that is a known surname alone, its commonest reading first.

    ``()`` when the token is not a surname. The classes are those :func:`name_keys` puts
    before the ``|``, so every spelling of the surname finds the same names.

    >>> surname_classes("Gim") == surname_classes("김") == surname_classes("KIM")
    True
    >>> surname_classes("Lee") == surname_classes("리"), surname_classes("Chol")
    (True, ())
    """
    token = token.strip()
    reading = hanja_surname_reading(token)
    if reading:
        token = reading
    if _is_hangul(token):
        south = north_to_south_name(token, "")[0]
        known = (len(token) == 1 and is_surname(south)) or token in COMPOUND_SURNAMES
        return (hangul_classes(south),) if known else ()
    spelled = surnames_spelled().get(fold_latin(token), ())
    return tuple(dict.fromkeys(hangul_classes(hangul) for hangul in spelled))


def given_readings(text: str) -> tuple[tuple[str, str | None], ...]:
    """The whole text read as a given name alone: (classes, jamo when it is Hangul) each.

    >>> given_readings("Chol Su")[0][0] == given_readings("Cholsu")[0][0] == given_readings("철수")[0][0]
    True
    """
    return _given(text)


def _forms(parsed: ParsedName) -> list[NameForm]:
    family, family_jamo = _family(parsed.family) if parsed.family else ("", None)
    return [NameForm(family, g, family_jamo, jamo) for g, jamo in _given(parsed.given)]


@lru_cache(maxsize=262144)
def name_forms(text: str) -> tuple[NameForm, ...]:
    """The readings of a name: one, or two when its order is ambiguous."""
    parsed = parse_name(text)
    if not parsed.family and not parsed.given:
        return ()
    forms = _forms(parsed)
    if parsed.ambiguous and (parsed.other is not None or parsed.script is not Script.HANGUL):
        forms += _forms(parsed.swapped())
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=262144)
def name_keys(text: str) -> tuple[str, ...]:
    """Blocking keys: spellings of one name share the first; one typo still shares one.

    >>> name_keys("Kim Jong-un")[:2]
    ('KIM|COGON', 'KIM|OGON')
    >>> name_keys("") == ()
    True
    """
    forms = name_forms(text)
    keys = [f"{form.family}|{form.given}" for form in forms]
    for form in forms[:2]:
        given = form.given
        if len(given) >= 3 and not given.startswith("#"):
            keys.extend(f"{form.family}|{given[:i]}{given[i + 1 :]}" for i in range(len(given)))
            keys.append(f"*|{given}")
    return tuple(dict.fromkeys(keys))


def name_key(text: str) -> str:
    """The first (exact) key of :func:`name_keys`; ``""`` for an empty name.

    >>> name_key("Choe Chun Gil") == name_key("최춘길") == name_key("Chun-gil Choi")
    True
    """
    keys = name_keys(text)
    return keys[0] if keys else ""


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two short strings.

    >>> levenshtein("kitten", "sitting")
    3
    """
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = previous[j - 1] + (ca != cb)
            current.append(min(previous[j] + 1, current[j - 1] + 1, cost))
        previous = current
    return previous[-1]


def _part(a: str, b: str) -> float:
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    return max(0.0, 1.0 - EDIT_PENALTY * levenshtein(a, b) / longest)


def _pair(a: NameForm, b: NameForm) -> float:
    if not a.family or not b.family:
        family = MISSING_FAMILY
    elif a.family_jamo is not None and b.family_jamo is not None:
        family = _part(a.family_jamo, b.family_jamo)
    else:
        family = _part(a.family, b.family)
    if a.given_jamo is not None and b.given_jamo is not None:
        given = _part(a.given_jamo, b.given_jamo)
    else:
        given = _part(a.given, b.given)
    return FAMILY_WEIGHT * family + (1 - FAMILY_WEIGHT) * given


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two written names, whatever their scripts and systems.

    >>> name_similarity("Lee Seol-ju", "Ri Sol Ju"), name_similarity("이영희", "이연희") < 0.8
    (1.0, True)
    """
    forms_a, forms_b = name_forms(a), name_forms(b)
    if not forms_a or not forms_b:
        return 0.0
    return max(_pair(x, y) for x in forms_a for y in forms_b)
