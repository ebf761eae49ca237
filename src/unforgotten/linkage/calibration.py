"""Calibrated match probabilities, a reliability table, and what the review band holds.

Splink's probability is ``sigmoid(ln 2 · w)`` of the pair's match weight ``w`` (bits): right
when the fields are independent given match status and the m and u are right, off when they
are not (a date and a place drift together; a common name repeats with its era; EM on thin
records). Measured on labelled synthetic lists it is off both ways: on the plain lists pairs
scored 0.6–0.8 were true matches 55 % of the time, not 71 %; on the enriched lists (thin
records, surname-only entries) 82 %, not 72 %.

A :class:`Calibration` maps the weight to ``sigmoid(slope · w + intercept)`` (Platt
scaling: Platt 1999, "Probabilistic outputs for support vector machines"). The shipped
:data:`SYNTHETIC` was fitted on the project's labelled synthetic lists
(``bench/linkage_bench.py calibration``, which prints it and its reliability table); with
enough review decisions in a registry, :func:`fit` refits it on them, drawn towards
:data:`SYNTHETIC` by a Gaussian prior (few labels move it little).

:func:`reliability_table` compares predicted with observed rates per probability bin, and
:func:`error_budget` states how many errors each band is expected to hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "IDENTITY",
    "SYNTHETIC",
    "Calibration",
    "ReliabilityRow",
    "calibrate",
    "choose",
    "error_budget",
    "fit",
    "reliability_table",
]

LN2 = float(np.log(2.0))
#: Bin edges of :func:`reliability_table`: fine near certainty, where most pairs are.
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0)


@dataclass(frozen=True, slots=True)
class Calibration:
    """``p = sigmoid(slope · match_weight + intercept)``; ``source`` says where it came from."""

    slope: float
    intercept: float
    source: str

    def apply(self, weights: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Calibrated probabilities of match weights (bits)."""
        z = self.slope * np.asarray(weights, dtype=np.float64) + self.intercept
        return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


#: Splink's own probabilities.
IDENTITY = Calibration(LN2, 0.0, "uncalibrated (Splink)")
#: Fitted on the 34,393 labelled scored pairs of the enriched synthetic lists (30,000
#: persons, seed 1; ``bench/linkage_bench.py calibration``); checked on fresh lists (seed 2).
SYNTHETIC = Calibration(0.72087, 0.54200, "labelled synthetic lists")


def fit(
    weights: Sequence[float] | npt.NDArray[np.float64],
    labels: Sequence[bool] | npt.NDArray[np.bool_],
    *,
    prior: Calibration = SYNTHETIC,
    prior_strength: float = 500.0,
    source: str = "review decisions",
) -> Calibration:
    """Platt scaling of ``labels`` (True: same person) on ``weights``, by Newton's method,
    with a Gaussian prior of precision ``prior_strength`` centred on ``prior``."""
    x = np.c_[np.asarray(weights, dtype=np.float64), np.ones(len(weights))]
    y = np.asarray(labels, dtype=np.float64)
    centre = np.array([prior.slope, prior.intercept])
    theta = centre.copy()
    for _ in range(50):
        q = 0.5 * (1.0 + np.tanh(0.5 * (x @ theta)))
        gradient = x.T @ (q - y) + prior_strength * (theta - centre)
        hessian = (x * (q * (1 - q))[:, None]).T @ x + (prior_strength + 1e-6) * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        step *= min(1.0, 1.0 / max(float(np.abs(step).max()), 1e-12))  # damped: never overshoot far
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return Calibration(round(float(theta[0]), 5), round(float(theta[1]), 5), source)


@dataclass(frozen=True, slots=True)
class ReliabilityRow:
    """One bin: pairs predicted in ``[lo, hi)``, their mean prediction and observed rate."""

    lo: float
    hi: float
    pairs: int
    predicted: float
    observed: float


def reliability_table(
    probabilities: npt.ArrayLike, labels: npt.ArrayLike, *, bins: Sequence[float] = BINS
) -> list[ReliabilityRow]:
    """Predicted against observed match rates per bin of predicted probability."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    which = np.clip(np.searchsorted(bins, p, side="right") - 1, 0, len(bins) - 2)
    rows = []
    for index in range(len(bins) - 1):
        chosen = which == index
        if chosen.any():
            rows.append(
                ReliabilityRow(
                    bins[index],
                    bins[index + 1],
                    int(chosen.sum()),
                    round(float(p[chosen].mean()), 4),
                    round(float(y[chosen].mean()), 4),
                )
            )
    return rows


def error_budget(probabilities: npt.ArrayLike, *, threshold: float, review_from: float) -> dict[str, float]:
    """Expected errors by band, if the probabilities are calibrated.

    ``merged``: pairs at or above ``threshold`` and the false merges among them
    (Σ 1 − p); ``review``: pairs in ``[review_from, threshold)`` and the true matches among
    them (Σ p), missed unless a person reviews them, and the errors a coin at 0.5 would
    make there (Σ min(p, 1 − p)); ``below``: true matches expected among the scored pairs
    under ``review_from`` (Σ p).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    merged, band = p >= threshold, (p >= review_from) & (p < threshold)
    below = p < review_from
    return {
        "merged_pairs": int(merged.sum()),
        "merged_false_expected": round(float((1 - p[merged]).sum()), 1),
        "review_pairs": int(band.sum()),
        "review_matches_expected": round(float(p[band].sum()), 1),
        "review_errors_at_half": round(float(np.minimum(p[band], 1 - p[band]).sum()), 1),
        "below_matches_expected": round(float(p[below].sum()), 1),
    }


def choose(
    pairs: pd.DataFrame,
    *,
    enabled: bool,
    accepted: Sequence[tuple[int, int]],
    rejected: Sequence[tuple[int, int]],
    min_labels: int,
) -> Calibration:
    """The calibration of a run: :data:`IDENTITY` when disabled; refitted on the review
    decisions among ``pairs`` when there are ``min_labels`` of each kind; else
    :data:`SYNTHETIC`."""
    if not enabled:
        return IDENTITY
    decided = {**{_key(p): True for p in accepted}, **{_key(p): False for p in rejected}}
    keys = list(zip(pairs["unique_id_l"].tolist(), pairs["unique_id_r"].tolist(), strict=True))
    labelled = [(i, decided[k]) for i, k in enumerate(keys) if k in decided]
    labels = [label for _, label in labelled]
    if sum(labels) < min_labels or len(labels) - sum(labels) < min_labels:
        return SYNTHETIC
    weights = pairs["match_weight"].to_numpy(dtype=np.float64)[[i for i, _ in labelled]]
    return fit(weights, labels)


def _key(pair: tuple[int, int]) -> tuple[int, int]:
    a, b = int(pair[0]), int(pair[1])
    return (a, b) if a < b else (b, a)


def calibrate(pairs: pd.DataFrame, calibration: Calibration, *, keep_floor: float) -> pd.DataFrame:
    """``pairs`` with ``match_probability`` calibrated (Splink's kept as
    ``match_probability_raw``), pairs now under ``keep_floor`` dropped."""
    raw = pairs["match_probability"].to_numpy(dtype=np.float64)
    if calibration == IDENTITY:
        return pairs.assign(match_probability_raw=raw)
    calibrated = calibration.apply(pairs["match_weight"].to_numpy(dtype=np.float64))
    out = pairs.assign(match_probability=calibrated, match_probability_raw=raw)
    return out.loc[out["match_probability"] >= keep_floor].reset_index(drop=True)
