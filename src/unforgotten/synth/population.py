"""The true population: who the victims are, before any list records them.

Every person has an exact birth date, a birth place in North Korea, a case type with a
realistic era for its event, an event place and a status. Nothing here is noisy: the noise
is added when lists are written (:mod:`unforgotten.synth.lists`).

>>> population = generate_population(5, seed=1, name_source=lambda rng: ("김", "영수"))
>>> len(population), population.persons[0].person_id, population.persons[0].name_hangul
(5, 'P0000001', '김영수')
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from unforgotten.synth.names import random_korean_name
from unforgotten.synth.places import PROVINCES, County, counties, event_places

__all__ = [
    "CASE_PROFILES",
    "CASE_TYPES",
    "ERAS",
    "CaseProfile",
    "NameSource",
    "Population",
    "TruePerson",
    "era_of",
    "generate_population",
]

NameSource = Callable[[random.Random], tuple[str, str]]
"""Draws one (family, given) Hangul name; :func:`unforgotten.synth.names.random_korean_name`."""


@dataclass(frozen=True, slots=True)
class CaseProfile:
    """How one case type is drawn: its share, its era, ages, sex ratio and statuses.

    Event dates follow a triangular distribution between ``event_start`` and ``event_end``
    with its mode at ``event_mode``; ages at the event likewise over ``age`` (min, mode, max).
    """

    case_type: str
    share: float
    event_start: date
    event_mode: date
    event_end: date
    age: tuple[float, float, float]
    male_share: float
    statuses: tuple[tuple[str, float], ...]


CASE_PROFILES: tuple[CaseProfile, ...] = (
    CaseProfile("abductee_wartime", 0.30, date(1950, 6, 25), date(1950, 8, 1),
                date(1953, 7, 27), (14, 24, 60), 0.88,
                (("unresolved", 0.70), ("deceased", 0.25), ("returned", 0.05))),
    CaseProfile("abductee_postwar", 0.05, date(1955, 1, 1), date(1968, 1, 1),
                date(1999, 12, 31), (16, 30, 60), 0.90,
                (("unresolved", 0.60), ("alive", 0.15), ("returned", 0.15), ("deceased", 0.10))),
    CaseProfile("detainee", 0.02, date(1995, 1, 1), date(2014, 1, 1), date(2020, 12, 31),
                (25, 50, 70), 0.80,
                (("detained", 0.60), ("released", 0.25), ("deceased", 0.05), ("unresolved", 0.10))),
    CaseProfile("pow", 0.15, date(1950, 6, 25), date(1951, 6, 1), date(1953, 7, 27),
                (17, 21, 35), 1.00,
                (("unresolved", 0.55), ("deceased", 0.40), ("returned", 0.05))),
    CaseProfile("forcibly_returned", 0.23, date(1995, 1, 1), date(1999, 1, 1),
                date(2020, 12, 31), (14, 28, 60), 0.30,
                (("detained", 0.35), ("released", 0.25), ("unresolved", 0.35), ("deceased", 0.05))),
    CaseProfile("political_prisoner", 0.25, date(1955, 1, 1), date(1990, 1, 1),
                date(2020, 12, 31), (0, 35, 75), 0.55,
                (("detained", 0.40), ("deceased", 0.30), ("released", 0.10), ("unresolved", 0.20))),
)
CASE_TYPES: tuple[str, ...] = tuple(profile.case_type for profile in CASE_PROFILES)

ERAS: tuple[tuple[str, int, int], ...] = (
    ("korean_war", 1950, 1953),
    ("cold_war", 1954, 1994),
    ("famine", 1995, 2011),
    ("recent", 2012, 9999),
)
"""Eras by event year (name, first year, last year): strata for capture rates."""


def era_of(event: date) -> str:
    """The era an event date falls in (``"korean_war"``, ``"cold_war"``, ``"famine"``, …)."""
    for name, first, last in ERAS:
        if first <= event.year <= last:
            return name
    return ERAS[0][0] if event.year < ERAS[0][1] else ERAS[-1][0]


@dataclass(frozen=True, slots=True)
class TruePerson:
    """One victim as they truly are: exact dates, the true Hangul name, one case."""

    person_id: str
    family_hangul: str
    given_hangul: str
    sex: str
    birth_date: date
    birth_province: str
    birth_county: str
    case_type: str
    event_date: date
    event_place: str
    status: str

    @property
    def name_hangul(self) -> str:
        """Family and given name written together, as Korean does (김영수)."""
        return self.family_hangul + self.given_hangul

    @property
    def era(self) -> str:
        """The era of the event (see :data:`ERAS`)."""
        return era_of(self.event_date)


@dataclass(frozen=True)
class Population:
    """A generated population: the persons in id order and the seed that made them."""

    persons: tuple[TruePerson, ...]
    seed: int

    def __len__(self) -> int:
        return len(self.persons)

    def __iter__(self) -> Iterator[TruePerson]:
        return iter(self.persons)

    @cached_property
    def by_id(self) -> dict[str, TruePerson]:
        """Persons keyed by ``person_id``."""
        return {person.person_id: person for person in self.persons}

    @property
    def person_ids(self) -> list[str]:
        """Person ids in population order."""
        return [person.person_id for person in self.persons]


def generate_population(
    n: int, *, seed: int, name_source: NameSource | None = None
) -> Population:
    """Draw ``n`` persons; the same ``seed`` always gives the same population.

    ``name_source`` draws one Hangul name from a :class:`random.Random`; by default
    :func:`unforgotten.synth.names.random_korean_name`.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    draw_name = name_source or random_korean_name
    seeds = np.random.SeedSequence(seed).spawn(2)
    gen = np.random.default_rng(seeds[0])
    names_rng = random.Random(int(seeds[1].generate_state(1)[0]))
    columns = _draw_columns(n, gen)
    names = [draw_name(names_rng) for _ in range(n)]
    persons = tuple(_person(i, names[i], columns) for i in range(n))
    return Population(persons=persons, seed=seed)


@dataclass(frozen=True)
class _Columns:
    case: np.ndarray
    sex: np.ndarray
    birth: np.ndarray
    event: np.ndarray
    birth_place: Sequence[tuple[str, str]]
    birth_index: np.ndarray
    event_place: list[str]
    status: list[str]


def _draw_columns(n: int, gen: np.random.Generator) -> _Columns:
    shares = np.array([profile.share for profile in CASE_PROFILES])
    case = gen.choice(len(CASE_PROFILES), size=n, p=shares / shares.sum())
    event = np.zeros(n, dtype=np.int64)
    age_days = np.zeros(n, dtype=np.int64)
    male = np.zeros(n, dtype=bool)
    for index, profile in enumerate(CASE_PROFILES):
        rows = np.flatnonzero(case == index)
        event[rows] = _triangular_ordinals(profile, rows.size, gen)
        age_days[rows] = (_triangular(profile.age, rows.size, gen) * 365.25).astype(np.int64)
        male[rows] = gen.random(rows.size) < profile.male_share
    birth = event - age_days - gen.integers(0, 365, size=n)
    places = _birth_places()
    return _Columns(
        case=case,
        sex=np.where(male, "M", "F"),
        birth=birth,
        event=event,
        birth_place=places,
        birth_index=gen.integers(0, len(places), size=n),
        event_place=_per_case_choice(case, gen, _event_place_options),
        status=_per_case_choice(case, gen, _status_options),
    )


def _triangular(spec: tuple[float, float, float], size: int, gen: np.random.Generator
                ) -> np.ndarray:
    low, mode, high = spec
    return gen.triangular(low, mode, high, size=size) if high > low else np.full(size, low)


def _triangular_ordinals(profile: CaseProfile, size: int, gen: np.random.Generator
                         ) -> np.ndarray:
    spec = (float(profile.event_start.toordinal()), float(profile.event_mode.toordinal()),
            float(profile.event_end.toordinal()))
    ordinals: np.ndarray = np.rint(_triangular(spec, size, gen)).astype(np.int64)
    return ordinals


def _birth_places() -> list[tuple[str, str]]:
    found: tuple[County, ...] = counties()
    if found:
        return [(county.province, county.name) for county in found]
    return [(prov.key, "") for prov in PROVINCES]


def _event_place_options(profile: CaseProfile) -> tuple[list[str], list[float]]:
    keys = [place.key for place in event_places(profile.case_type)]
    return keys, [1.0 / len(keys)] * len(keys)


def _status_options(profile: CaseProfile) -> tuple[list[str], list[float]]:
    return [s for s, _ in profile.statuses], [w for _, w in profile.statuses]


def _per_case_choice(
    case: np.ndarray,
    gen: np.random.Generator,
    options: Callable[[CaseProfile], tuple[list[str], list[float]]],
) -> list[str]:
    out = np.empty(case.size, dtype=object)
    for index, profile in enumerate(CASE_PROFILES):
        rows = np.flatnonzero(case == index)
        values, weights = options(profile)
        p = np.asarray(weights) / np.sum(weights)
        out[rows] = np.asarray(values, dtype=object)[gen.choice(len(values), size=rows.size, p=p)]
    return list(out)


def _person(i: int, name: tuple[str, str], cols: _Columns) -> TruePerson:
    province_key, county = cols.birth_place[int(cols.birth_index[i])]
    return TruePerson(
        person_id=f"P{i + 1:07d}",
        family_hangul=name[0],
        given_hangul=name[1],
        sex=str(cols.sex[i]),
        birth_date=date.fromordinal(int(cols.birth[i])),
        birth_province=province_key,
        birth_county=county,
        case_type=CASE_TYPES[int(cols.case[i])],
        event_date=date.fromordinal(int(cols.event[i])),
        event_place=cols.event_place[i],
        status=cols.status[i],
    )
