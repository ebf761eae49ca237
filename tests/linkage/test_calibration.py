"""Calibrated probabilities, the reliability table and the error budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unforgotten.linkage.calibration import (
    IDENTITY,
    SYNTHETIC,
    Calibration,
    ReliabilityRow,
    calibrate,
    choose,
    error_budget,
    fit,
    reliability_table,
)


def test_identity_is_splinks_probability() -> None:
    weights = np.array([-3.0, 0.0, 4.0])
    assert IDENTITY.apply(weights) == pytest.approx(2.0**weights / (1 + 2.0**weights))


def test_fit_recovers_the_calibration_that_made_the_labels() -> None:
    rng = np.random.default_rng(5)
    weights = rng.uniform(-10, 15, 100_000)
    truth = Calibration(0.5, -1.0, "truth")
    labels = rng.random(100_000) < truth.apply(weights)
    found = fit(weights, labels, prior_strength=0.0)
    assert found.slope == pytest.approx(0.5, abs=0.02)
    assert found.intercept == pytest.approx(-1.0, abs=0.08)


def test_few_labels_move_the_prior_little() -> None:
    found = fit([1.0, 2.0, 3.0], [False, False, False])
    assert abs(found.slope - SYNTHETIC.slope) < 0.02
    assert abs(found.intercept - SYNTHETIC.intercept) < 0.02


def test_reliability_table_counts_each_bin() -> None:
    rows = reliability_table([0.1, 0.15, 0.85, 0.97, 0.99], [False, True, True, True, True])
    assert rows == [
        ReliabilityRow(0.0, 0.2, 2, 0.125, 0.5),
        ReliabilityRow(0.8, 0.9, 1, 0.85, 1.0),
        ReliabilityRow(0.95, 0.98, 1, 0.97, 1.0),
        ReliabilityRow(0.99, 1.0, 1, 0.99, 1.0),
    ]


def test_error_budget_states_what_each_band_holds() -> None:
    budget = error_budget([0.99, 0.96, 0.8, 0.6, 0.3], threshold=0.95, review_from=0.5)
    assert budget == {
        "merged_pairs": 2,
        "merged_false_expected": 0.1,
        "review_pairs": 2,
        "review_matches_expected": 1.4,
        "review_errors_at_half": 0.6,
        "below_matches_expected": 0.3,
    }


def _pairs(weights: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id_l": range(len(weights)),
            "unique_id_r": range(100, 100 + len(weights)),
            "match_weight": weights,
            "match_probability": IDENTITY.apply(weights),
        }
    )


def test_calibrate_keeps_splinks_probability_and_drops_what_falls_under_the_floor() -> None:
    pairs = _pairs([-8.0, 2.0, 12.0])
    out = calibrate(pairs, SYNTHETIC, keep_floor=0.05)
    assert out["match_probability"].tolist() == pytest.approx(SYNTHETIC.apply([2.0, 12.0]).tolist())
    assert out["match_probability_raw"].tolist() == pytest.approx(IDENTITY.apply([2.0, 12.0]).tolist())


def test_review_decisions_refit_the_calibration_once_there_are_enough() -> None:
    pairs = _pairs([float(w) for w in range(-5, 15)])
    accepted = [(i, 100 + i) for i in range(10, 20)]
    rejected = [(i, 100 + i) for i in range(0, 10)]
    assert choose(pairs, enabled=True, accepted=accepted, rejected=rejected, min_labels=20) == SYNTHETIC
    refit = choose(pairs, enabled=True, accepted=accepted, rejected=rejected, min_labels=10)
    assert refit.source == "review decisions" and refit != SYNTHETIC
    assert choose(pairs, enabled=False, accepted=accepted, rejected=rejected, min_labels=1) == IDENTITY
