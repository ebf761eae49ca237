"""Korean names and places (North and South), on equal terms across scripts and systems.

A pure package: it imports nothing from the rest of Unforgotten but
:mod:`unforgotten.errors` and :mod:`unforgotten.data`.

- :mod:`~unforgotten.korean.hangul`       syllables ↔ jamo, script detection, normalisation
- :mod:`~unforgotten.korean.sound`        sound changes between syllables
- :mod:`~unforgotten.korean.romanize`     RR (strict, conventional surnames), MR, DPRK, KPS 11080
- :mod:`~unforgotten.korean.initial_law`  Northern ↔ Southern spelling of a word's start
- :mod:`~unforgotten.korean.surnames`     the surname table and its frequencies
- :mod:`~unforgotten.korean.given`        given-name syllable weights (compiled prior)
- :mod:`~unforgotten.korean.parse`        family / given name from any written form
- :mod:`~unforgotten.korean.phonetic`     the sound classes every spelling falls into
- :mod:`~unforgotten.korean.similarity`   blocking keys and the name similarity
- :mod:`~unforgotten.korean.candidates`   romanized name → ranked Hangul spellings
- :mod:`~unforgotten.korean.gazetteer`    provinces, counties, facilities, ROK units as data
- :mod:`~unforgotten.korean.places`       ``resolve_place``
"""

from __future__ import annotations

from unforgotten.korean.candidates import Candidate, hangul_candidates
from unforgotten.korean.gazetteer import PlaceUnit, counties, facilities, provinces, south_korea
from unforgotten.korean.hangul import (
    Script,
    from_jamo,
    is_hangul_syllable,
    normalize,
    script_of,
    to_jamo,
)
from unforgotten.korean.initial_law import (
    north_surname,
    north_to_south,
    north_to_south_name,
    south_to_north,
)
from unforgotten.korean.parse import ParsedName, parse_name
from unforgotten.korean.places import PlaceMatch, place_key, resolve_place
from unforgotten.korean.romanize import SYSTEMS, romanize, romanize_name  # noqa: F401
from unforgotten.korean.similarity import name_key, name_keys, name_similarity
from unforgotten.korean.sound import pronounce
from unforgotten.korean.surnames import (
    Surname,
    is_surname,
    known_surnames,
    surname_frequency,
    surname_table,
)

__all__ = [
    "Candidate",
    "ParsedName",
    "PlaceMatch",
    "PlaceUnit",
    "Script",
    "Surname",
    "counties",
    "facilities",
    "from_jamo",
    "hangul_candidates",
    "is_hangul_syllable",
    "is_surname",
    "known_surnames",
    "name_key",
    "name_keys",
    "name_similarity",
    "normalize",
    "north_surname",
    "north_to_south",
    "north_to_south_name",
    "parse_name",
    "place_key",
    "pronounce",
    "provinces",
    "resolve_place",
    "romanize",
    "romanize_name",
    "script_of",
    "south_korea",
    "south_to_north",
    "surname_frequency",
    "surname_table",
    "to_jamo",
]
