"""Ready-made inputs for the benchmarks: one big list, the linkage set, coverage populations.

* :func:`bulk_list` — one list holding every person exactly once (import throughput).
* :func:`linkage_lists` — 30,000 persons in five lists under the ``mixed`` model.
* :func:`coverage_populations` — populations with different list dependence and their true N.
"""

from __future__ import annotations

from collections.abc import Iterator

from unforgotten.synth.capture import (
    CaptureModel,
    ListSpec,
    capture_table_counts,
    preset,
    random_model,
    simulate_capture,
)
from unforgotten.synth.lists import SyntheticLists, make_lists
from unforgotten.synth.population import generate_population
from unforgotten.synth.spelling import Speller

__all__ = ["bulk_list", "coverage_populations", "linkage_lists"]


def bulk_list(rows: int, *, seed: int, style: str = "ngo_db", speller: Speller | None = None
              ) -> SyntheticLists:
    """One list named ``style`` with exactly ``rows`` rows, one per person, no duplicates."""
    population = generate_population(rows, seed=seed)
    model = CaptureModel("census", (ListSpec(style, 1.0),))
    return make_lists(population, model, seed=seed + 1, duplicate_rate=0.0, speller=speller)


def linkage_lists(persons: int = 30_000, *, seed: int = 1, lists: int = 5,
                  speller: Speller | None = None) -> SyntheticLists:
    """The linkage benchmark: ``persons`` persons in ``lists`` lists, ``mixed`` capture."""
    population = generate_population(persons, seed=seed)
    return make_lists(population, preset("mixed", lists=lists), seed=seed + 1, speller=speller)


def coverage_populations(
    count: int = 20, *, persons: int = 5_000, lists: int = 5, seed: int = 1
) -> Iterator[tuple[CaptureModel, int, dict[tuple[int, ...], int]]]:
    """``(model, true N, observed capture table)`` for ``count`` random models.

    Only captures are drawn (no rows written): estimators need the table, not the names.
    """
    population = generate_population(persons, seed=seed, name_source=lambda rng: ("김", "영수"))
    for index in range(count):
        model = random_model(lists, seed=seed * 1000 + index)
        truth = simulate_capture(population, model, seed=seed * 1000 + index)
        yield model, truth.n_total, capture_table_counts(truth)
