"""LCMCR: reproducibility, diagnostics and the Kosovo reference spread."""

from __future__ import annotations

import numpy as np
import pytest

from unforgotten.estimate import LCMCR, CaptureTable, ConvergenceWarning

SHORT = {"k": 5, "burnin": 200, "samples": 50, "thinning": 5}


def test_same_seed_same_draws(kosovo: CaptureTable) -> None:
    with pytest.warns(ConvergenceWarning):
        a = LCMCR(**SHORT, seed=7, chains=2).fit(kosovo)
        b = LCMCR(**SHORT, seed=7, chains=2).fit(kosovo)
    assert np.array_equal(a.samples_, b.samples_)
    assert not np.array_equal(a.samples_[0], a.samples_[1])
    assert a.result_.seed == 7 and a.result_.to_dict()["settings"]["chains"] == 2


def test_cap_is_reported() -> None:
    table = CaptureTable.from_counts(["A", "B", "C"], {(1, 0, 0): 40, (0, 1, 0): 35, (0, 0, 1): 30})
    with pytest.warns(ConvergenceWarning, match="cap"):
        est = LCMCR(**SHORT, cap=2, seed=1).fit(table)
    assert est.result_.diagnostics["cap_hits"] > 0
    assert est.samples_.max() <= 3 * table.observed


@pytest.mark.slow
def test_kosovo_reference_spread(kosovo: CaptureTable) -> None:
    medians, uppers = [], []
    for seed in (1, 2, 3, 12345, 2024):
        r = LCMCR(k=10, burnin=10_000, samples=1_000, thinning=100, seed=seed).fit(kosovo).result_
        medians.append(r.estimate)
        uppers.append(r.upper)
    assert 10_350 <= float(np.median(medians)) <= 10_650
    reference_upper = float(np.median([14785.9, 13620.5, 14118.4, 13280.8, 13788.1]))
    assert float(np.median(uppers)) == pytest.approx(reference_upper, rel=0.10)
