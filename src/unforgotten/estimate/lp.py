"""A small dense simplex for the linear programmes of the existence checks.

The programmes here have at most a few dozen rows and columns (one row per model term, one
column per cell), so a dense two-phase tableau with Bland's rule solves them in microseconds,
and the command line need not load ``scipy.optimize`` (about half a second) for them.
"""

from __future__ import annotations

import numpy as np

from unforgotten.estimate.glm import FloatArray

__all__ = ["LinearProgramFailed", "minimise"]

EPS = 1e-9


class LinearProgramFailed(ArithmeticError):
    """The simplex did not finish within its pivot budget (numerically degenerate input)."""


def _pivot(tab: FloatArray, basis: list[int], row: int, col: int) -> None:
    tab[row] /= tab[row, col]
    for i in range(tab.shape[0]):
        if i != row and tab[i, col] != 0.0:
            tab[i] -= tab[i, col] * tab[row]
    basis[row] = col


def _entering(tab: FloatArray, allowed: int) -> int | None:
    negative = np.flatnonzero(tab[-1, :allowed] < -EPS)
    return int(negative[0]) if negative.size else None  # Bland: the lowest index


def _leaving(tab: FloatArray, basis: list[int], col: int) -> int | None:
    column, rhs = tab[:-1, col], tab[:-1, -1]
    rows = np.flatnonzero(column > EPS)
    if not rows.size:
        return None
    ratios = rhs[rows] / column[rows]
    best = ratios.min()
    ties = rows[ratios <= best + EPS * max(1.0, abs(best))]
    return int(min(ties, key=lambda r: basis[r]))  # Bland: the lowest basic index


def _optimise(tab: FloatArray, basis: list[int], allowed: int) -> bool:
    """Pivot to optimality; ``False`` when the programme is unbounded."""
    for _ in range(50 * tab.shape[1]):
        col = _entering(tab, allowed)
        if col is None:
            return True
        row = _leaving(tab, basis, col)
        if row is None:
            return False
        _pivot(tab, basis, row, col)
    raise LinearProgramFailed("simplex pivot budget exhausted")


def _drop_artificials(tab: FloatArray, basis: list[int], n: int) -> tuple[FloatArray, list[int]]:
    """Pivot artificial variables out of the basis; rows that cannot be are redundant."""
    keep = []
    for row, var in enumerate(basis):
        if var >= n:
            cols = np.flatnonzero(np.abs(tab[row, :n]) > EPS)
            if not cols.size:
                continue
            _pivot(tab, basis, row, int(cols[0]))
        keep.append(row)
    rows = [*keep, tab.shape[0] - 1]
    out = np.hstack([tab[rows][:, :n], tab[rows][:, -1:]])
    return out, [basis[r] for r in keep]


def minimise(cost: FloatArray, a_eq: FloatArray, b_eq: FloatArray) -> float | None:
    """The minimum of ``cost · z`` subject to ``a_eq z = b_eq`` and ``z ≥ 0``.

    ``None`` when no ``z`` is feasible; ``-inf`` when the minimum is unbounded.
    """
    a = np.array(a_eq, dtype=np.float64)
    b = np.array(b_eq, dtype=np.float64)
    flip = b < 0
    a[flip], b[flip] = -a[flip], -b[flip]
    m, n = a.shape
    tab = np.zeros((m + 1, n + m + 1))
    tab[:m, :n], tab[:m, n : n + m], tab[:m, -1] = a, np.eye(m), b
    tab[m, :n], tab[m, -1] = -a.sum(axis=0), -b.sum()
    basis = list(range(n, n + m))
    _optimise(tab, basis, n + m)
    if -tab[m, -1] > EPS * max(1.0, float(b.sum())):
        return None
    tab, basis = _drop_artificials(tab, basis, n)
    tab[-1, :] = 0.0
    tab[-1, :n] = cost
    for row, var in enumerate(basis):
        tab[-1] -= cost[var] * tab[row]
    if not _optimise(tab, basis, n):
        return -np.inf
    return float(-tab[-1, -1])
