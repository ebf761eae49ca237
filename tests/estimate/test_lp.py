"""The simplex of the existence check agrees with scipy's HiGHS on every programme it meets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import optimize

from unforgotten.estimate.loglinear import design_matrix
from unforgotten.estimate.lp import minimise
from unforgotten.estimate.stepwise import mle_exists
from unforgotten.estimate.table import _all_patterns


def _highs_exists(x: np.ndarray, y: np.ndarray) -> bool:
    """The check as SparseMSE states it, solved by HiGHS."""
    m, p = x.shape
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    res = optimize.linprog(
        cost,
        A_ub=np.hstack([-np.eye(m), np.ones((m, 1))]),
        b_ub=np.zeros(m),
        A_eq=np.hstack([x.T, np.zeros((p, 1))]),
        b_eq=x.T @ y,
        bounds=[(0, None)] * m + [(0, 1)],
        method="highs",
    )
    return bool(res.status == 0 and -res.fun > 1e-7)


def _cases(seed: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    gen = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        lists = int(gen.integers(3, 6))
        patterns = _all_patterns(lists)
        pairs = list(itertools.combinations(range(lists), 2))
        chosen = [pairs[i] for i in np.flatnonzero(gen.random(len(pairs)) < 0.5)]
        if lists >= 4 and gen.random() < 0.3:
            chosen.append((0, 1, 2))
        x = design_matrix(patterns, chosen)
        y = gen.poisson(gen.uniform(0.2, 30.0), size=x.shape[0]).astype(np.float64)
        y[gen.random(x.shape[0]) < gen.uniform(0.1, 0.6)] = 0.0
        out.append((x, y))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_the_simplex_decides_existence_as_highs_does(seed: int) -> None:
    cases = _cases(seed, 150)
    ours = [mle_exists(x, y) for x, y in cases]
    assert ours == [_highs_exists(x, y) for x, y in cases]
    assert 10 < sum(ours) < len(ours) - 10  # both answers are exercised


def test_minimise_on_a_small_programme() -> None:
    # min -z0 - 2 z1  subject to  z0 + z1 + z2 = 4,  z1 + z3 = 3
    got = minimise(
        np.array([-1.0, -2.0, 0.0, 0.0]), np.array([[1.0, 1, 1, 0], [0, 1, 0, 1]]), np.array([4.0, 3])
    )
    assert got == pytest.approx(-7.0)


def test_minimise_says_when_nothing_is_feasible() -> None:
    # z0 + z1 = 1 and z0 + z1 = 2 cannot both hold
    assert minimise(np.zeros(2), np.array([[1.0, 1], [1, 1]]), np.array([1.0, 2])) is None


def test_minimise_keeps_a_redundant_row() -> None:
    # the second row repeats the first: min z0 with z0 + z1 = 2 (twice), z0 - z2 = 1
    a = np.array([[1.0, 1, 0], [1, 1, 0], [1, 0, -1]])
    assert minimise(np.array([1.0, 0, 0]), a, np.array([2.0, 2, 1])) == pytest.approx(1.0)
