"""Property: every method's estimate is at least the number observed."""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unforgotten.errors import EstimationError
from unforgotten.estimate import (
    DGA,
    LCMCR,
    CaptureTable,
    ClosedPopulation,
    Loglinear,
    Stepwise,
)


@st.composite
def tables(draw: st.DrawFn) -> CaptureTable:
    n_lists = draw(st.integers(min_value=2, max_value=4))
    counts = draw(st.lists(st.integers(0, 60), min_size=2**n_lists - 1, max_size=2**n_lists - 1))
    if sum(counts) == 0:
        counts[0] = 1
    return CaptureTable(lists=tuple("ABCD"[:n_lists]), counts=tuple(counts))


ESTIMATORS = [
    Loglinear,
    lambda: ClosedPopulation(model="Mth Chao (LB)"),
    lambda: Stepwise(rule="sparsemse"),
    Stepwise,
    lambda: DGA(max_total=2000),
    lambda: LCMCR(k=3, burnin=20, samples=20, thinning=2, seed=1),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_estimate_at_least_observed(table: CaptureTable) -> None:
    for make in ESTIMATORS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = make().fit(table).result_
            except EstimationError:
                continue
        assert result.estimate >= table.observed
