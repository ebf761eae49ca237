"""Compiled Gibbs sweep of the LCMCR sampler (numba, cached on disk).

One sweep follows the order of Manrique-Vallier (2016, §3): observed histories to classes,
item probabilities, stick-breaking weights, missing-cell probability, dark figure, invisible units
to classes, concentration. Classes are drawn per history (multinomial over classes) rather than
per unit, so a sweep costs O(#histories · K · J). Randomness comes from numba's generator,
seeded once per chain with :func:`run_chain`'s ``seed``.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from unforgotten.estimate.fastrand import rbeta, rbinom, rgamma

__all__ = ["run_chain"]

WARMUP = 500
STICK_MAX = 1.0 - 1e-12  # keeps later weights and the alpha update finite


@njit(cache=True)
def _multinomial(st: NDArray[np.uint64], total: int, w: NDArray[np.float64], out: NDArray[np.int64]) -> None:
    """Draw ``Multinomial(total, w)`` into ``out`` by sequential binomials (``w`` sums to 1)."""
    left = total
    mass = 1.0
    k_last = w.shape[0] - 1
    for k in range(k_last):
        out[k] = 0
        if left > 0:
            p = w[k] / mass if mass > 0 else 1.0
            p = min(max(p, 0.0), 1.0)
            out[k] = rbinom(st, left, p)
            left -= out[k]
            mass -= w[k]
    out[k_last] = left


@njit(cache=True)
def _weights_from_sticks(v: NDArray[np.float64], pi: NDArray[np.float64]) -> None:
    rest = 1.0
    for k in range(v.shape[0]):
        pi[k] = v[k] * rest
        rest *= 1.0 - v[k]


@njit(cache=True)
def _assign_observed(  # noqa: PLR0917 - numba kernels take positional arrays
    st: NDArray[np.uint64],
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    log_pi: NDArray[np.float64],
    log_lam: NDArray[np.float64],
    log_not: NDArray[np.float64],
    a: NDArray[np.int64],
    m: NDArray[np.int64],
    w: NDArray[np.float64],
    draw: NDArray[np.int64],
) -> None:
    """Step 1: class counts of every observed history; accumulates ``a`` (on-list) and ``m``."""
    n_cells, n_lists = patterns.shape
    n_classes = log_pi.shape[0]
    for i in range(n_cells):
        if counts[i] == 0:
            continue
        top = -np.inf
        for k in range(n_classes):
            s = log_pi[k]
            for j in range(n_lists):
                s += log_lam[j, k] if patterns[i, j] == 1 else log_not[j, k]
            w[k] = s
            top = max(top, s)
        total = 0.0
        for k in range(n_classes):
            w[k] = np.exp(w[k] - top)
            total += w[k]
        for k in range(n_classes):
            w[k] /= total
        _multinomial(st, counts[i], w, draw)
        for k in range(n_classes):
            if draw[k] > 0:
                m[k] += draw[k]
                for j in range(n_lists):
                    if patterns[i, j] == 1:
                        a[j, k] += draw[k]


@njit(cache=True)
def _update_params(  # noqa: PLR0917 - numba kernels take positional arrays
    st: NDArray[np.uint64],
    lam: NDArray[np.float64],
    v: NDArray[np.float64],
    a: NDArray[np.int64],
    m: NDArray[np.int64],
    alpha: float,
) -> None:
    """Steps 2–3: item probabilities and stick-breaking proportions."""
    n_lists, n_classes = lam.shape
    for k in range(n_classes):
        for j in range(n_lists):
            lam[j, k] = rbeta(st, 1.0 + a[j, k], 1.0 + m[k] - a[j, k])
    after = 0
    for k in range(n_classes - 1, -1, -1):
        if k < n_classes - 1:
            v[k] = min(rbeta(st, 1.0 + m[k], alpha + after), STICK_MAX)
        after += m[k]
    v[n_classes - 1] = 1.0


@njit(cache=True)
def _dark_figure(st: NDArray[np.uint64], n: int, p0: float, cap: int) -> tuple[int, int]:
    """Step 5: ``n0 ~ NegBin(n, 1 − p0)`` as a gamma–Poisson mixture, redrawn above ``cap``."""
    hits = 0
    if p0 <= 1e-300:
        return 0, hits
    for _ in range(100):
        rate = rgamma(st, n) * (p0 / (1.0 - p0)) if p0 < 1.0 else np.inf
        n0 = np.random.poisson(min(rate, 1e15))
        if n0 <= cap:
            return n0, hits
        hits += 1
    return cap, hits


@njit(cache=True)
def _sweep(  # noqa: PLR0917 - numba kernels take positional arrays
    st: NDArray[np.uint64],
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    lam: NDArray[np.float64],
    v: NDArray[np.float64],
    pi: NDArray[np.float64],
    c0: NDArray[np.int64],
    state: NDArray[np.float64],
    cap: int,
    a_alpha: float,
    b_alpha: float,
    update_alpha: bool,
) -> int:
    """One full Gibbs sweep; ``state`` holds (alpha, n0, occupied classes). Returns cap hits."""
    n_lists, n_classes = lam.shape
    log_lam = np.log(lam)
    log_not = np.log1p(-lam)
    log_pi = np.log(pi)
    a = np.zeros((n_lists, n_classes), dtype=np.int64)
    m = c0.copy()
    w = np.empty(n_classes)
    draw = np.empty(n_classes, dtype=np.int64)
    _assign_observed(st, patterns, counts, log_pi, log_lam, log_not, a, m, w, draw)
    _update_params(st, lam, v, a, m, state[0])
    state[2] = np.sum(m > 0)
    _weights_from_sticks(v, pi)
    p0 = 0.0
    for k in range(n_classes):
        miss = pi[k]
        for j in range(n_lists):
            miss *= 1.0 - lam[j, k]
        w[k] = miss
        p0 += miss
    n0, hits = _dark_figure(st, int(counts.sum()), p0, cap)
    for k in range(n_classes):
        w[k] = w[k] / p0 if p0 > 0 else 1.0 / n_classes
    _multinomial(st, n0, w, c0)
    state[1] = n0
    if update_alpha:
        log_last = 0.0
        for k in range(n_classes - 1):
            log_last += np.log1p(-v[k])
        state[0] = rgamma(st, a_alpha + n_classes - 1) / (b_alpha - log_last)
    return hits


@njit(cache=True)
def _reorder(
    lam: NDArray[np.float64], v: NDArray[np.float64], pi: NDArray[np.float64], c0: NDArray[np.int64]
) -> None:
    """Relabel classes by decreasing weight and rebuild the sticks."""
    order = np.argsort(-pi)
    lam[:, :] = lam[:, order]
    pi[:] = pi[order]
    c0[:] = c0[order]
    rest = 1.0
    for k in range(pi.shape[0]):
        v[k] = min(pi[k] / rest, STICK_MAX) if rest > 0 else STICK_MAX
        rest -= pi[k]
    v[pi.shape[0] - 1] = 1.0


@njit(cache=True)
def run_chain(  # noqa: PLR0917 - numba kernels take positional arrays
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    n_classes: int,
    burnin: int,
    samples: int,
    thinning: int,
    a_alpha: float,
    b_alpha: float,
    cap: int,
    seed: int,
    st: NDArray[np.uint64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], int]:
    """Run one chain; returns (N draws, occupied classes per draw, alpha draws, cap hits)."""
    np.random.seed(seed)
    n = int(counts.sum())
    n_lists = patterns.shape[1]
    lam = np.empty((n_lists, n_classes))
    for j in range(n_lists):
        on = 0
        for i in range(patterns.shape[0]):
            on += counts[i] * patterns[i, j]
        cover = min(max(on / n, 1e-3), 1 - 1e-3)
        lam[j, :] = cover
    v = np.empty(n_classes)
    for k in range(n_classes - 1):
        v[k] = rbeta(st, 1.0, 1.0)
    v[n_classes - 1] = 1.0
    pi = np.empty(n_classes)
    _weights_from_sticks(v, pi)
    c0 = np.zeros(n_classes, dtype=np.int64)
    state = np.array([0.3 / n_classes, 0.0, 0.0])
    hits = 0
    for _ in range(WARMUP):
        _sweep(st, patterns, counts, lam, v, pi, c0, state, cap, a_alpha, b_alpha, False)
    _reorder(lam, v, pi, c0)
    for _ in range(burnin):
        hits += _sweep(st, patterns, counts, lam, v, pi, c0, state, cap, a_alpha, b_alpha, True)
    n_draws = np.empty(samples, dtype=np.int64)
    occupied = np.empty(samples, dtype=np.int64)
    alphas = np.empty(samples)
    for s in range(samples):
        for _ in range(thinning):
            hits += _sweep(st, patterns, counts, lam, v, pi, c0, state, cap, a_alpha, b_alpha, True)
        n_draws[s] = n + int(state[1])
        occupied[s] = int(state[2])
        alphas[s] = state[0]
    return n_draws, occupied, alphas, hits
