from __future__ import annotations

import numpy as np
import pytest

from unforgotten.errors import ValidationError
from unforgotten.synth import (
    PRESETS,
    CaptureModel,
    ListSpec,
    Population,
    capture,
    capture_table_counts,
    preset,
    random_model,
    simulate_capture,
)


def _sigma(p: np.ndarray) -> float:
    return float(np.sqrt((p * (1 - p)).sum()))


def test_independent_rates_are_the_base_rates(population: Population) -> None:
    model = preset("independent")
    truth = simulate_capture(population, model, seed=1)
    n = len(population)
    for j, spec in enumerate(model.lists):
        observed = truth.histories[:, j].sum()
        assert abs(observed - n * spec.base_rate) < 5 * (n * spec.base_rate * (1 - spec.base_rate)) ** 0.5
    assert np.allclose(truth.probabilities, [s.base_rate for s in model.lists])


@pytest.mark.parametrize("name", PRESETS)
def test_counts_match_the_model_probabilities(population: Population, name: str) -> None:
    truth = simulate_capture(population, preset(name), seed=2)
    for j in range(len(truth.list_names)):
        p = truth.probabilities[:, j]
        assert abs(truth.histories[:, j].sum() - p.sum()) < 5 * _sigma(p)


def _odds_ratio(history: np.ndarray, a: int, b: int) -> float:
    on_a = history[:, a]
    on_b = history[:, b]
    both, only_a = (on_a & on_b).sum(), (on_a & ~on_b).sum()
    only_b, neither = (~on_a & on_b).sum(), (~on_a & ~on_b).sum()
    return float(both * neither / (only_a * only_b))


def test_positive_dependence_has_the_set_odds_ratio(population: Population) -> None:
    model = preset("positive_dependence")
    truth = simulate_capture(population, model, seed=3)
    names = model.list_names
    assert _odds_ratio(truth.histories, names.index("ministry"), names.index("families")) == \
        pytest.approx(4.0, rel=0.15)
    assert _odds_ratio(truth.histories, names.index("ngo_db"), names.index("un_wgeid")) == \
        pytest.approx(5.0, rel=0.15)
    assert _odds_ratio(truth.histories, names.index("ministry"), names.index("ngo_db")) == \
        pytest.approx(1.0, rel=0.15)


def test_negative_dependence_lowers_overlap(population: Population) -> None:
    model = preset("negative_dependence")
    truth = simulate_capture(population, model, seed=4)
    names = model.list_names
    assert _odds_ratio(truth.histories, names.index("ministry"), names.index("families")) == \
        pytest.approx(0.3, rel=0.2)


def test_heterogeneity_makes_two_classes(population: Population) -> None:
    truth = simulate_capture(population, preset("heterogeneous"), seed=5)
    assert set(np.unique(truth.catchability)) == {-1.0, 1.0}
    assert (truth.catchability == 1.0).mean() == pytest.approx(0.35, abs=0.02)
    assert preset("mixed").heterogeneity.frailty_sd == 0.5


def test_capture_is_seeded(population: Population) -> None:
    model = preset("mixed", lists=3)
    assert capture(population, model, seed=9) == capture(population, model, seed=9)
    assert capture(population, model, seed=9) != capture(population, model, seed=10)
    assert capture(population, model, seed=9) == simulate_capture(population, model, seed=9).members()


def test_some_persons_are_on_no_list(population: Population) -> None:
    truth = simulate_capture(population, preset("mixed"), seed=6)
    assert 0 < truth.n_observed < truth.n_total == len(population)
    assert truth.n_observed == int(truth.histories.any(axis=1).sum())


def test_capture_table_counts_observed_patterns(population: Population) -> None:
    truth = simulate_capture(population, preset("mixed", lists=3), seed=7)
    table = capture_table_counts(truth)
    assert len(table) == 7 and (0, 0, 0) not in table
    assert sum(table.values()) == truth.n_observed
    expected = sum(1 for row in truth.histories if tuple(row) == (True, False, True))
    assert table[(1, 0, 1)] == expected
    assert capture_table_counts(truth.members()) == table


def test_capture_table_counts_on_plain_ids() -> None:
    table = capture_table_counts({"A": ["x", "y"], "B": ["y", "z"]}, list_names=["B", "A"])
    assert table == {(0, 1): 1, (1, 0): 1, (1, 1): 1}


def test_history_of_one_person(population: Population) -> None:
    truth = simulate_capture(population, preset("independent", lists=2), seed=8)
    first = population.person_ids[0]
    assert truth.history(first) == tuple(int(v) for v in truth.histories[0])


def test_take_drops_dependence_on_removed_lists() -> None:
    model = preset("mixed").take(3)
    assert model.list_names == ("ministry", "families", "ngo_db")
    assert preset("mixed", lists=5).lists[4].depends_on == (("ministry", 0.4),)
    trimmed = CaptureModel("t", preset("mixed").lists[3:])
    assert trimmed.take(1).lists[0].depends_on == ()
    with pytest.raises(ValueError, match="k must be between 1 and 5"):
        preset("mixed").take(6)


def test_more_lists_than_named_ones() -> None:
    assert preset("independent", lists=7).list_names[5:] == ("list6", "list7")


def test_unknown_preset_and_bad_dependence(population: Population) -> None:
    with pytest.raises(ValidationError, match="unknown capture model 'nope'"):
        preset("nope")
    bad = CaptureModel("bad", (ListSpec("a", 0.3, depends_on=(("b", 2.0),)), ListSpec("b", 0.3)))
    with pytest.raises(ValueError, match="not an earlier list"):
        simulate_capture(population, bad, seed=1)


def test_random_models_are_seeded_and_ordered() -> None:
    model = random_model(5, seed=3)
    assert model == random_model(5, seed=3)
    assert model != random_model(5, seed=4)
    for j, spec in enumerate(model.lists):
        assert all(model.list_names.index(parent) < j for parent, _ in spec.depends_on)
    flat = random_model(5, seed=3, dependence=0.0)
    assert all(odds == 1.0 for spec in flat.lists for _, odds in spec.depends_on)
