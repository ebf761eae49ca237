from __future__ import annotations

import importlib.util

import pytest

from unforgotten.synth import Population
from unforgotten.synth.bench import bulk_list, coverage_populations
from unforgotten.synth.capture import CaptureModel, ListSpec, simulate_capture

from .conftest import ManyVariantSpeller

needs_names = pytest.mark.skipif(
    importlib.util.find_spec("unforgotten.synth.names") is None, reason="names.py not landed yet"
)


def test_rates_of_zero_and_one(population: Population) -> None:
    model = CaptureModel("edge", (ListSpec("all", 1.0), ListSpec("none", 0.0)))
    truth = simulate_capture(population, model, seed=1)
    assert truth.histories[:, 0].all()
    assert not truth.histories[:, 1].any()


def test_coverage_populations_are_seeded_and_distinct() -> None:
    first = list(coverage_populations(3, persons=2_000, lists=4, seed=2))
    again = list(coverage_populations(3, persons=2_000, lists=4, seed=2))
    assert [t for _, _, t in first] == [t for _, _, t in again]
    assert len({m.name for m, _, _ in first}) == 3
    for _, n, table in first:
        assert n == 2_000
        assert len(table) == 15
        assert 0 < sum(table.values()) < n


@needs_names
def test_bulk_list_has_exactly_the_rows_asked() -> None:
    made = bulk_list(1_000, seed=3, speller=ManyVariantSpeller())
    assert made.list_names == ("ngo_db",)
    assert len(made["ngo_db"]) == 1_000
    assert len(set(made.truth.values())) == 1_000
