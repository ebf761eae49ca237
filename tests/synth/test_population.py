from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES
from unforgotten.synth import Population, generate_population
from unforgotten.synth.places import PROVINCES, counties
from unforgotten.synth.population import CASE_PROFILES, era_of

from .conftest import stub_name

WAR_START, ARMISTICE = date(1950, 6, 25), date(1953, 7, 27)


def test_same_seed_same_population() -> None:
    first = generate_population(500, seed=3, name_source=stub_name)
    again = generate_population(500, seed=3, name_source=stub_name)
    other = generate_population(500, seed=4, name_source=stub_name)
    assert first.persons == again.persons
    assert first.persons != other.persons


def test_ids_are_unique_and_ordered(population: Population) -> None:
    ids = population.person_ids
    assert ids[:2] == ["P0000001", "P0000002"]
    assert len(set(ids)) == len(population) == 20_000
    assert population.by_id["P0000002"] is population.persons[1]


def test_empty_and_negative_sizes() -> None:
    assert len(generate_population(0, seed=1, name_source=stub_name)) == 0
    with pytest.raises(ValueError, match="n must be >= 0"):
        generate_population(-1, seed=1, name_source=stub_name)


def test_codes_are_in_the_domain_vocabularies(population: Population) -> None:
    assert {p.case_type for p in population} <= set(CASE_TYPES.codes)
    assert {p.status for p in population} <= set(CASE_STATUSES.codes)
    assert {p.sex for p in population} == {"M", "F"}


def test_case_type_shares_follow_the_profiles(population: Population) -> None:
    counts = Counter(p.case_type for p in population)
    n = len(population)
    for profile in CASE_PROFILES:
        sigma = (n * profile.share * (1 - profile.share)) ** 0.5
        assert abs(counts[profile.case_type] - n * profile.share) < 5 * sigma


def test_events_fall_in_their_eras(population: Population) -> None:
    for profile in CASE_PROFILES:
        events = [p.event_date for p in population if p.case_type == profile.case_type]
        assert profile.event_start <= min(events)
        assert max(events) <= profile.event_end
    wartime = [p for p in population if p.case_type in ("abductee_wartime", "pow")]
    assert all(WAR_START <= p.event_date <= ARMISTICE for p in wartime)
    assert all(p.era == "korean_war" for p in wartime)


def test_births_precede_events_by_a_plausible_age(population: Population) -> None:
    for p in population:
        age = (p.event_date - p.birth_date).days / 365.25
        assert 0 <= age <= 77, p


def test_prisoners_of_war_are_men(population: Population) -> None:
    assert {p.sex for p in population if p.case_type == "pow"} == {"M"}


def test_birth_places_come_from_the_gazetteer(population: Population) -> None:
    provinces = {place.key for place in PROVINCES}
    assert {p.birth_province for p in population} <= provinces
    shipped = {(c.province, c.name) for c in counties()}
    if shipped:
        assert {(p.birth_province, p.birth_county) for p in population} <= shipped
    else:
        assert {p.birth_county for p in population} == {""}


def test_era_boundaries() -> None:
    assert era_of(date(1953, 12, 31)) == "korean_war"
    assert era_of(date(1954, 1, 1)) == "cold_war"
    assert era_of(date(1995, 1, 1)) == "famine"
    assert era_of(date(2012, 1, 1)) == "recent"
    assert era_of(date(1949, 1, 1)) == "korean_war"


def test_gazetteer_and_csv_give_the_same_counties() -> None:
    from unforgotten.synth.places import _counties_from_csv, _counties_from_korean

    assert len(counties()) == 179
    assert _counties_from_korean() == _counties_from_csv()
