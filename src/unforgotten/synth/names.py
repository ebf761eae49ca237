"""Synthetic Korean names and the ways list keepers spell them.

The model, in three parts:

1. **Names** (:func:`random_korean_name`): a surname drawn by the shipped frequencies
   (:func:`unforgotten.korean.surname_frequency`; the 30 table rows, the further known
   surnames and the rare two-syllable ones), and a given name of two syllables (90 %),
   one (6 %) or three (4 %), each syllable drawn by the weights of
   :mod:`unforgotten.korean.given`.
2. **Systematic spellings** (:func:`variant_spellings`): Hangul in Southern and Northern
   spelling, RR strict (hyphenated and solid) and with the conventional surname, MR with
   and without diacritics, the DPRK system, and RR-conventional in Western order.
3. **One list keeper's spelling** (:func:`noisy_variant`): Hangul with probability 0.3
   (Northern surname spelling 30 % of those, a space after the surname 20 %, one jamo
   slipped 3 %); otherwise a romanization by system (RR 15 %, RR conventional 30 %, MR
   10 %, MR plain 20 %, DPRK 25 %), then independently: a surname spelling seen in the wild
   from ``surnames.csv`` (30 %), passport-style vowels in the given name (eo → u/o,
   eu → u, ui → ee, u → oo; 15 %), the hyphen dropped (30 %), given-first order (10 %), the
   surname in capitals (10 %) or everything in capitals (5 %) or lower case (5 %), and one
   typing error — a letter substituted, dropped, doubled or swapped with its neighbour —
   with probability 0.04.

The rates are judgement, not measurement: they make the benchmark hard in the ways real
lists are hard, in roughly the proportions the reference lists show.
"""

from __future__ import annotations

import random
import re
import string
from functools import cache

from unforgotten.korean import (
    known_surnames,
    north_to_south_name,
    romanize_name,
    south_to_north,
    surname_frequency,
    surname_table,
)
from unforgotten.korean.given import given_syllables
from unforgotten.korean.hangul import FINALS, INITIALS, MEDIALS, compose, decompose

__all__ = ["noisy_variant", "random_korean_name", "variant_spellings"]

_SYSTEM_WEIGHTS = {"rr": 0.15, "rr_conventional": 0.30, "mr": 0.10, "mr_plain": 0.20, "dprk": 0.25}
_GIVEN_LENGTHS: tuple[tuple[int, float], ...] = ((2, 0.90), (1, 0.06), (3, 0.04))
_PASSPORT_VOWELS = ((r"eo", "u"), (r"eo", "o"), (r"eu", "u"), (r"ui", "ee"), (r"(?<![eoy])u(?!i)", "oo"))
_TYPO_RATE = 0.04
_JAMO_SLIP_RATE = 0.03


@cache
def _surname_weights() -> tuple[tuple[str, ...], tuple[float, ...]]:
    names = known_surnames()
    return names, tuple(surname_frequency(s) for s in names)


@cache
def _syllable_weights() -> tuple[tuple[str, ...], tuple[float, ...]]:
    table = given_syllables()
    return tuple(table), tuple(table.values())


def random_korean_name(rng: random.Random) -> tuple[str, str]:
    """A (family, given) Hangul name, Southern spelling, drawn as the module note says.

    >>> random_korean_name(random.Random(7))
    ('이', '찬민')
    """
    names, weights = _surname_weights()
    family = rng.choices(names, weights)[0]
    lengths = [n for n, _ in _GIVEN_LENGTHS]
    length = rng.choices(lengths, [share for _, share in _GIVEN_LENGTHS])[0]
    syllables, syllable_weights = _syllable_weights()
    return family, "".join(rng.choices(syllables, syllable_weights, k=length))


def variant_spellings(family_hangul: str, given_hangul: str) -> list[str]:
    """Every systematic spelling of one name, without duplicates, Hangul first.

    >>> variant_spellings("이", "설주")[:3]
    ['이설주', '리설주', 'I Seol-ju']
    """
    family, given = north_to_south_name(family_hangul, given_hangul)
    spellings = [family + given, south_to_north(family) + given]
    spellings += [romanize_name(family, given, system="rr")]
    spellings += [romanize_name(family, given, system="rr", hyphen=False)]
    for system in ("rr_conventional", "mr", "mr_plain", "dprk"):
        spellings.append(romanize_name(family, given, system=system))
    western = romanize_name(family, given, system="rr_conventional").split(" ", 1)
    if len(western) == 2:
        spellings.append(f"{western[1]} {western[0]}")
    return list(dict.fromkeys(spellings))


def noisy_variant(family_hangul: str, given_hangul: str, rng: random.Random) -> str:
    """One spelling of a name as a list keeper might write it (see the module note).

    >>> noisy_variant("김", "정은", random.Random(5))
    'KIM Chong-un'
    """
    family, given = north_to_south_name(family_hangul, given_hangul)
    if rng.random() < 0.3:
        return _hangul_variant(family, given, rng)
    system = rng.choices(list(_SYSTEM_WEIGHTS), list(_SYSTEM_WEIGHTS.values()))[0]
    written = romanize_name(family, given, system=system)
    surname, _, rest = written.partition(" ")
    if rng.random() < 0.3:
        surname = _seen_surname(family, rng) or surname
    if rng.random() < 0.15:
        rest = _passport_vowels(rest, rng)
    if rng.random() < 0.3:
        rest = rest.replace("-", "").replace(" ", "").capitalize() if rest else rest
    text = _order_and_case(surname, rest, rng)
    return _typo(text, rng) if rng.random() < _TYPO_RATE else text


def _hangul_variant(family: str, given: str, rng: random.Random) -> str:
    if rng.random() < 0.3:
        family = south_to_north(family)
    text = f"{family} {given}" if rng.random() < 0.2 else family + given
    return _jamo_slip(text, rng) if rng.random() < _JAMO_SLIP_RATE else text


def _seen_surname(family: str, rng: random.Random) -> str | None:
    rows = [row for row in surname_table() if row.hangul == family]
    seen = [s for row in rows for s in row.spellings]
    return rng.choice(seen).capitalize() if seen else None


def _passport_vowels(given: str, rng: random.Random) -> str:
    old, new = rng.choice(_PASSPORT_VOWELS)
    return re.sub(old, new, given)


def _order_and_case(surname: str, given: str, rng: random.Random) -> str:
    text = f"{given} {surname}" if given and rng.random() < 0.1 else f"{surname} {given}"
    draw = rng.random()
    if draw < 0.10:
        text = text.replace(surname, surname.upper(), 1)
    elif draw < 0.15:
        text = text.upper()
    elif draw < 0.20:
        text = text.lower()
    return text.strip()


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not letters:
        return text
    i = rng.choice(letters)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    j = min(i + 1, len(text) - 1)
    return text[:i] + text[j] + text[i] + text[j + 1 :] if j > i else text


def _jamo_slip(text: str, rng: random.Random) -> str:
    """One jamo of one syllable replaced by another of the same position."""
    positions = [i for i, ch in enumerate(text) if "가" <= ch <= "힣"]
    i = rng.choice(positions)
    parts = list(decompose(text[i]))
    slot = rng.randrange(3)
    size = (len(INITIALS), len(MEDIALS), len(FINALS))[slot]
    parts[slot] = (parts[slot] + rng.randrange(1, size)) % size
    return text[:i] + compose(*parts) + text[i + 1 :]
