"""The variation kinds real lists have, at list-specific rates, recorded per row."""

from __future__ import annotations

from collections import Counter

import pytest

from unforgotten.domain.dates import parse_partial_date
from unforgotten.korean import parse_name, resolve_place
from unforgotten.synth.bench import linkage_lists
from unforgotten.synth.variations import KINDS, RATES, Enriched, enrich


@pytest.fixture(scope="module")
def enriched() -> Enriched:
    return enrich(linkage_lists(3000, seed=4), seed=4)


def _rows(enriched: Enriched, kind: str) -> list[tuple[str, dict[str, str]]]:
    return [
        (source.name, row)
        for source in enriched.lists.lists
        for row in source.rows
        if kind in enriched.kinds[(source.name, row["record_id"])]
    ]


def test_every_kind_appears_and_only_where_its_list_has_it(enriched: Enriched) -> None:
    seen = Counter(k for kinds in enriched.kinds.values() for k in kinds)
    assert set(seen) == set(KINDS)
    for kind in KINDS:
        assert {name for name, _ in _rows(enriched, kind)} <= {n for n, r in RATES.items() if kind in r}


def test_rates_are_list_specific(enriched: Enriched) -> None:
    for source in enriched.lists.lists:
        blank = sum(1 for r in source.rows if not r["birth_date"]) / len(source.rows)
        if source.name == "ngo_db":
            assert blank > 0.5  # the testimony database leaves most birth dates blank
        if source.name == "ministry":
            assert blank < 0.1


def test_surname_only_entries_parse_without_a_given_name(enriched: Enriched) -> None:
    rows = _rows(enriched, "surname_only")
    assert rows
    for _, row in rows:
        parsed = parse_name(row["full_name"])
        assert parsed.family and not parsed.given, row["full_name"]


def test_lunar_dates_are_marked_and_read_back_as_the_solar_birth_date(enriched: Enriched) -> None:
    population = enriched.lists.population.by_id
    for name, row in _rows(enriched, "lunar"):
        assert row["birth_date"].endswith("(음력)")
        person = population[enriched.lists.truth[(name, row["record_id"])]]
        assert parse_partial_date(row["birth_date"]).start == person.birth_date


def test_south_korean_places_resolve_to_one_unit_per_person(enriched: Enriched) -> None:
    codes: dict[str, set[str]] = {}
    for name, row in _rows(enriched, "south_place"):
        found = resolve_place(row["event_place"])
        assert found and found[0].code.startswith("KR-"), row["event_place"]
        person = enriched.lists.truth[(name, row["record_id"])]
        codes.setdefault(person, set()).add(found[0].code)
    assert sum(len(c) == 1 for c in codes.values()) / len(codes) > 0.95


def test_same_seed_same_lists() -> None:
    first = enrich(linkage_lists(300, seed=2), seed=2)
    second = enrich(linkage_lists(300, seed=2), seed=2)
    assert first.kinds == second.kinds
    assert [s.rows for s in first.lists.lists] == [s.rows for s in second.lists.lists]
