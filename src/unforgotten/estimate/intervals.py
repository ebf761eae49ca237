"""Interval estimates for log-linear fits: Wald, log-normal, profile likelihood, bootstrap.

References
----------
Cormack, R. M. (1992). Interval estimation for mark-recapture studies of closed populations.
*Biometrics* 48, 567–576 (the multinomial profile likelihood).
Chao, A. (1987). *Biometrics* 43, 783–791 (the log-normal interval on the dark figure).
Efron, B. (1987). Better bootstrap confidence intervals. *JASA* 82, 171–185 (BCa).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np

from unforgotten.errors import EstimationError
from unforgotten.estimate.glm import FloatArray, fit_poisson
from unforgotten.estimate.loglinear import LoglinearFit
from unforgotten.estimate.table import CaptureTable

__all__ = [
    "bootstrap_interval",
    "lognormal_interval",
    "profile_interval",
    "profile_loglik",
    "wald_interval",
]


_NORMAL = NormalDist()  # the standard normal from the standard library: scipy.stats loads slowly


def _z(level: float) -> float:
    return _NORMAL.inv_cdf(0.5 + level / 2.0)


def wald_interval(fit: LoglinearFit, level: float = 0.95) -> tuple[float, float]:
    """``N̂ ± z·SE`` (can fall below the observed count; poor for skewed cases)."""
    half = _z(level) * fit.se
    return fit.estimate - half, fit.estimate + half


def lognormal_interval(fit: LoglinearFit, level: float = 0.95) -> tuple[float, float]:
    """``n + exp(log μ̂0 ± z·se(log μ̂0))``: log-normal on the dark figure (SparseMSE)."""
    if fit.mu0 <= 0 or not math.isfinite(fit.se_log_mu0):
        return float(fit.observed), math.inf
    half = _z(level) * fit.se_log_mu0
    log_mu0 = math.log(fit.mu0)
    return fit.observed + _exp(log_mu0 - half), fit.observed + _exp(log_mu0 + half)


def _exp(x: float) -> float:
    """``exp`` that returns ``inf`` instead of overflowing (unidentified models)."""
    return math.exp(x) if x < 700 else math.inf


def profile_loglik(table: CaptureTable, x: FloatArray, n0: float) -> float:
    """Multinomial profile log-likelihood of ``N = n + n0`` (Cormack 1992), up to a constant.

    The complete table, with ``n0`` in the all-zero cell, is fitted as Poisson with the design
    row ``(1, 0, …, 0)`` for that cell; then
    ``ℓ(N) = −D/2 + n0 log n0 + log N! − N log N − log n0!``.
    """
    y = np.concatenate([[n0], table.y])
    zero = np.zeros((1, x.shape[1]))
    zero[0, 0] = 1.0
    fit = fit_poisson(np.vstack([zero, x]), y, max_iter=50)
    total = table.observed + n0
    n0_log_n0 = n0 * math.log(n0) if n0 > 0 else 0.0
    corr = n0_log_n0 + math.lgamma(total + 1) - total * math.log(total) - math.lgamma(n0 + 1)
    return -fit.deviance / 2.0 + corr


def profile_interval(
    table: CaptureTable, x: FloatArray, *, start: float, level: float = 0.95
) -> tuple[float, float, float]:
    """Profile-likelihood MLE and interval for ``N`` under design ``x`` (Rcapture ``closedpCI``).

    Parameters
    ----------
    x
        Design over the observed cells whose row for the all-zero history is ``(1, 0, …)``.
    start
        A first guess of the dark figure (the Poisson ``μ̂0``).

    Returns
    -------
    (mle, lower, upper) of ``N``.
    """
    n = table.observed

    def negll(log_n0: float) -> float:
        return -profile_loglik(table, x, math.exp(log_n0))

    guess = math.log(max(start, 1e-3))
    at, low = _minimise(negll, guess - 0.2, guess + 0.2)
    cut = -low - _z(level) ** 2 / 2.0  # the chi-square(1) quantile

    def gap(log_n0: float) -> float:
        return -negll(log_n0) - cut

    lower = _root_towards(gap, at, step=-0.5)
    upper = _root_towards(gap, at, step=0.5)
    return n + math.exp(at), n + lower, n + upper


_GOLD = (math.sqrt(5.0) - 1.0) / 2.0  # 0.618…


def _minimise(f: Callable[[float], float], a: float, b: float, tol: float = 1e-10) -> tuple[float, float]:
    """Minimum of a unimodal ``f``: downhill bracketing from ``(a, b)``, then golden sections.

    Returns ``(x, f(x))``. Written out here rather than taken from scipy, whose optimisers take
    most of a command-line estimate's start-up to import.
    """
    fa, fb = f(a), f(b)
    if fb > fa:
        a, b, fa, fb = b, a, fb, fa
    c = b + (b - a) / _GOLD
    fc = f(c)
    for _ in range(200):  # walk downhill until the middle point is the lowest
        if fc >= fb:
            break
        a, b, fa, fb = b, c, fb, fc
        c = b + (b - a) / _GOLD
        fc = f(c)
    lo, hi = min(a, c), max(a, c)
    x1 = hi - _GOLD * (hi - lo)
    x2 = lo + _GOLD * (hi - lo)
    f1, f2 = f(x1), f(x2)
    while hi - lo > tol * (1.0 + abs(lo)):
        if f1 <= f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - _GOLD * (hi - lo)
            f1 = f(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + _GOLD * (hi - lo)
            f2 = f(x2)
    return (x1, f1) if f1 <= f2 else (x2, f2)


def _bisect(f: Callable[[float], float], a: float, b: float, xtol: float = 1e-10) -> float:
    """A root of ``f`` between ``a`` and ``b``, where ``f`` changes sign.

    Regula falsi with the Illinois modification (the retained end's value is halved when the
    same end is kept twice), which converges superlinearly and never leaves the bracket; a
    bisection step whenever the bracket shrinks too slowly.
    """
    fa, fb = f(a), f(b)
    side = 0
    previous = math.nan
    for step in range(200):
        c = b - fb * (b - a) / (fb - fa) if fb != fa else 0.5 * (a + b)
        if step >= 60 or not a < c < b:
            c = 0.5 * (a + b)
        fc = f(c)
        if fc == 0.0 or abs(c - previous) <= xtol or b - a <= xtol:
            return c
        previous = c
        if (fc < 0) == (fa < 0):
            a, fa = c, fc
            if side == -1:
                fb *= 0.5
            side = -1
        else:
            b, fb = c, fc
            if side == 1:
                fa *= 0.5
            side = 1
    return 0.5 * (a + b)


def _root_towards(gap: Callable[[float], float], at: float, *, step: float) -> float:
    """Dark figure where ``gap`` crosses zero, searching from ``at`` in ``step`` strides."""
    edge = at
    for _ in range(60):
        nxt = edge + step
        if gap(nxt) < 0:
            return math.exp(_bisect(gap, min(edge, nxt), max(edge, nxt)))
        edge = nxt
        if edge < -20:
            return 0.0
    return math.inf


def bootstrap_interval(
    table: CaptureTable,
    procedure: Callable[[CaptureTable], float],
    *,
    n_boot: int,
    seed: int,
    level: float = 0.95,
    bca: bool = True,
) -> tuple[float, float, list[float]]:
    """Bootstrap over a whole estimation procedure (model selection included).

    Resamples the observed units multinomially with ``n`` fixed (SparseMSE
    ``estimatepopulation``); with ``bca`` the interval is Efron's BCa, its acceleration from a
    jackknife that deletes one unit from each non-empty history.

    Returns
    -------
    (lower, upper, replicates)
    """
    rng = np.random.default_rng(seed)
    n = table.observed
    probs = np.asarray(table.counts, dtype=np.float64) / n
    reps = []
    for _ in range(n_boot):
        draw = rng.multinomial(n, probs)
        try:
            reps.append(procedure(type(table)(lists=table.lists, counts=tuple(map(int, draw)))))
        except EstimationError:
            reps.append(math.inf)
    boot = np.asarray(reps)
    alpha = (1.0 - level) / 2.0
    if not bca:
        lo, hi = np.quantile(boot, [alpha, 1 - alpha])
        return float(lo), float(hi), reps
    return (*_bca(table, procedure, boot, alpha), reps)


def _bca(
    table: CaptureTable,
    procedure: Callable[[CaptureTable], float],
    boot: FloatArray,
    alpha: float,
) -> tuple[float, float]:
    """Efron's bias-corrected and accelerated percentile limits."""
    theta = procedure(table)
    share = (np.sum(boot < theta) + 0.5 * np.sum(boot == theta)) / boot.shape[0]
    z0 = _NORMAL.inv_cdf(min(max(share, 1e-6), 1 - 1e-6))
    jack, weights = [], []
    for i, count in enumerate(table.counts):
        if count == 0:
            continue
        counts = list(table.counts)
        counts[i] -= 1
        if sum(counts) == 0:
            continue
        jack.append(procedure(type(table)(lists=table.lists, counts=tuple(counts))))
        weights.append(count)
    values, w = np.asarray(jack), np.asarray(weights, dtype=np.float64)
    dev = np.average(values, weights=w) - values
    denom = 6.0 * float(np.sum(w * dev**2)) ** 1.5
    accel = float(np.sum(w * dev**3)) / denom if denom > 0 else 0.0
    limits = []
    for q in (alpha, 1.0 - alpha):
        zq = z0 + _NORMAL.inv_cdf(q)
        limits.append(_NORMAL.cdf(z0 + zq / (1 - accel * zq)))
    finite = boot[np.isfinite(boot)]
    lo, hi = np.quantile(finite, limits)
    return float(lo), float(hi)
