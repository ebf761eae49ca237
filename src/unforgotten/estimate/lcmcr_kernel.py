"""Compiled Gibbs sweep of the LCMCR sampler (numba, cached on disk).

One sweep follows the order of Manrique-Vallier (2016, §3): observed histories to classes,
item probabilities, stick-breaking weights, missing-cell probability, dark figure, invisible units
to classes, concentration. Classes are drawn per history (multinomial over classes) rather than
per unit, so a sweep costs O(#histories · K · J). Uniforms come from the xoshiro256** stream
``st``; the Poisson step of the dark figure from numba's generator, seeded once per chain with
:func:`run_chain`'s ``seed``.

A Kosovo sweep takes a few microseconds, so what a sweep does besides drawing counts:

* work arrays are allocated once per chain, and histories with no units are dropped up front;
* class weights are products of probabilities (the log scale is used only for a history whose
  weights underflow), so no exponentials;
* each multinomial is drawn as sequential binomials in decreasing order of class weight, so the
  light classes are usually skipped once the heavy ones have taken every unit. The order is kept
  per history from sweep to sweep and refreshed by an insertion sort (it is nearly sorted).
  Sequential binomials give the same multinomial in any order, so the sampler stays exact.

The stick-breaking proportions ``V_k ~ Beta(1 + m_k, α + Σ_{l>k} m_l)`` are drawn on the log
scale as ``V = X / (X + Y)`` from the logarithms of two gamma variates (exact for small shapes),
so ``log π_k`` and ``log(1 − V_k)`` are exact even when ``V_k`` rounds to one. The concentration
update needs ``−log π_K = Σ_k −log(1 − V_k)``; were ``V_k`` drawn on the linear scale and kept
below one, that sum would be bounded (about 27.6 per stick at ``1 − 10⁻¹²``) and ``α`` could never
approach zero, so a population that one class describes would keep too many classes.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from unforgotten.estimate.fastrand import rbeta, rbinom, rgamma, rlgamma

__all__ = ["run_chain"]

WARMUP = 500
TINY = 1e-250  # a history whose class weights sum below this is reweighed on the log scale


@njit(cache=True)
def _sort_desc(order: NDArray[np.int64], w: NDArray[np.float64]) -> None:
    """Insertion sort of the class indices ``order`` by decreasing ``w``."""
    for t in range(1, order.shape[0]):
        k = order[t]
        wk = w[k]
        s = t
        while s > 0 and w[order[s - 1]] < wk:
            order[s] = order[s - 1]
            s -= 1
        order[s] = k


@njit(cache=True)
def _multinomial(  # noqa: PLR0917 - numba kernels take positional arrays
    st: NDArray[np.uint64],
    total: int,
    w: NDArray[np.float64],
    order: NDArray[np.int64],
    tail: NDArray[np.float64],
    out: NDArray[np.int64],
) -> None:
    """Draw ``Multinomial(total, w / Σw)`` into ``out`` by sequential binomials along ``order``."""
    n_classes = w.shape[0]
    acc = 0.0
    for t in range(n_classes - 1, -1, -1):
        acc += w[order[t]]
        tail[t] = acc  # mass still to share, summed from the light end (no cancellation)
    left = total
    for t in range(n_classes - 1):
        k = order[t]
        if left == 0:
            out[k] = 0
            continue
        p = w[k] / tail[t] if tail[t] > 0 else 1.0
        out[k] = rbinom(st, left, min(p, 1.0))
        left -= out[k]
    out[order[n_classes - 1]] = left


@njit(cache=True)
def _weights(
    patterns: NDArray[np.int64],
    i: int,
    pi: NDArray[np.float64],
    lam: NDArray[np.float64],
    w: NDArray[np.float64],
) -> float:
    """Class weights ``π_k ∏_j λ_jk^x (1 − λ_jk)^(1−x)`` of history ``i``; returns their sum."""
    n_lists, n_classes = lam.shape
    total = 0.0
    for k in range(n_classes):
        s = pi[k]
        for j in range(n_lists):
            s *= lam[j, k] if patterns[i, j] == 1 else 1.0 - lam[j, k]
        w[k] = s
        total += s
    return total


@njit(cache=True)
def _log_weights(
    patterns: NDArray[np.int64],
    i: int,
    log_pi: NDArray[np.float64],
    lam: NDArray[np.float64],
    w: NDArray[np.float64],
) -> None:
    """The weights of :func:`_weights` divided by their largest, summed on the log scale."""
    n_lists, n_classes = lam.shape
    top = -np.inf
    for k in range(n_classes):
        s = log_pi[k]
        for j in range(n_lists):
            s += np.log(lam[j, k]) if patterns[i, j] == 1 else np.log1p(-lam[j, k])
        w[k] = s
        top = max(top, s)
    for k in range(n_classes):
        w[k] = np.exp(w[k] - top)


@njit(cache=True)
def _log_add(x: float, y: float) -> float:
    """``log(exp(x) + exp(y))`` without overflow."""
    top = max(x, y)
    if top == -np.inf:
        return top
    return float(top + np.log(np.exp(x - top) + np.exp(y - top)))


@njit(cache=True)
def _draw_sticks(
    st: NDArray[np.uint64],
    m: NDArray[np.int64],
    alpha: float,
    log_pi: NDArray[np.float64],
    pi: NDArray[np.float64],
) -> None:
    """Stick-breaking weights from ``V_k ~ Beta(1 + m_k, α + Σ_{l>k} m_l)``, on the log scale.

    ``V_k = X / (X + Y)`` with ``X ~ Gamma(1 + m_k)`` and ``Y ~ Gamma(α + Σ_{l>k} m_l)``; from
    ``log X`` and ``log Y``, ``log V_k`` and ``log(1 − V_k)`` are both exact.
    """
    n_classes = pi.shape[0]
    after = 0
    for k in range(n_classes):
        after += m[k]
    log_rest = 0.0  # log ∏_{l<k} (1 − V_l)
    for k in range(n_classes - 1):
        after -= m[k]
        log_x = rlgamma(st, 1.0 + m[k])
        log_y = rlgamma(st, alpha + after)
        log_xy = _log_add(log_x, log_y)
        log_pi[k] = log_x - log_xy + log_rest
        log_rest += log_y - log_xy
    log_pi[n_classes - 1] = log_rest
    for k in range(n_classes):
        pi[k] = np.exp(log_pi[k])


@njit(cache=True)
def _assign_observed(  # noqa: PLR0917 - numba kernels take positional arrays
    st: NDArray[np.uint64],
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    pi: NDArray[np.float64],
    log_pi: NDArray[np.float64],
    lam: NDArray[np.float64],
    order: NDArray[np.int64],
    a: NDArray[np.int64],
    m: NDArray[np.int64],
    w: NDArray[np.float64],
    tail: NDArray[np.float64],
    draw: NDArray[np.int64],
) -> None:
    """Step 1: class counts of every observed history; adds them to ``a`` (on-list) and ``m``."""
    n_cells, n_lists = patterns.shape
    n_classes = pi.shape[0]
    for i in range(n_cells):
        if not _weights(patterns, i, pi, lam, w) > TINY:
            _log_weights(patterns, i, log_pi, lam, w)
        _sort_desc(order[i], w)
        _multinomial(st, counts[i], w, order[i], tail, draw)
        for k in range(n_classes):
            x = draw[k]
            if x > 0:
                m[k] += x
                for j in range(n_lists):
                    if patterns[i, j] == 1:
                        a[j, k] += x


@njit(cache=True)
def _update_params(  # noqa: PLR0917 - numba kernels take positional arrays
    st: NDArray[np.uint64],
    lam: NDArray[np.float64],
    log_pi: NDArray[np.float64],
    pi: NDArray[np.float64],
    a: NDArray[np.int64],
    m: NDArray[np.int64],
    alpha: float,
) -> None:
    """Steps 2–3: item probabilities and stick-breaking weights (log scale)."""
    n_lists, n_classes = lam.shape
    for k in range(n_classes):
        for j in range(n_lists):
            lam[j, k] = rbeta(st, 1.0 + a[j, k], 1.0 + m[k] - a[j, k])
    _draw_sticks(st, m, alpha, log_pi, pi)


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
def _missed(pi: NDArray[np.float64], lam: NDArray[np.float64], w: NDArray[np.float64]) -> float:
    """Step 4: class weights of the all-zero history into ``w``; returns ``p0``, their sum."""
    n_lists, n_classes = lam.shape
    p0 = 0.0
    for k in range(n_classes):
        miss = pi[k]
        for j in range(n_lists):
            miss *= 1.0 - lam[j, k]
        w[k] = miss
        p0 += miss
    return p0


@njit(cache=True)
def _sweep(  # noqa: PLR0917 - numba kernels take positional arrays
    st: NDArray[np.uint64],
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    lam: NDArray[np.float64],
    log_pi: NDArray[np.float64],
    pi: NDArray[np.float64],
    c0: NDArray[np.int64],
    state: NDArray[np.float64],
    order: NDArray[np.int64],
    counts_work: NDArray[np.int64],
    weights_work: NDArray[np.float64],
    cap: int,
    a_alpha: float,
    b_alpha: float,
    update_alpha: bool,
) -> int:
    """One full Gibbs sweep; ``state`` holds (alpha, n0, occupied classes, n). Returns cap hits.

    ``order`` holds one row of class order per observed history plus one for the invisible
    units; ``counts_work`` rows are a (J rows), m and one multinomial draw; ``weights_work`` rows
    are the class weights and their tail sums.
    """
    n_lists, n_classes = lam.shape
    a = counts_work[:n_lists]
    m = counts_work[n_lists]
    draw = counts_work[n_lists + 1]
    w = weights_work[0]
    tail = weights_work[1]
    for k in range(n_classes):
        m[k] = c0[k]
        for j in range(n_lists):
            a[j, k] = 0
    _assign_observed(st, patterns, counts, pi, log_pi, lam, order, a, m, w, tail, draw)
    _update_params(st, lam, log_pi, pi, a, m, state[0])
    occupied = 0
    for k in range(n_classes):
        occupied += m[k] > 0
    state[2] = occupied
    p0 = _missed(pi, lam, w)
    n0, hits = _dark_figure(st, int(state[3]), p0, cap)
    _sort_desc(order[patterns.shape[0]], w)
    _multinomial(st, n0, w, order[patterns.shape[0]], tail, c0)
    state[1] = n0
    if update_alpha:  # −log π_K = Σ_{k<K} −log(1 − V_k), exact from the log-scale sticks
        state[0] = rgamma(st, a_alpha + n_classes - 1) / (b_alpha - log_pi[n_classes - 1])
    return hits


@njit(cache=True)
def _reorder(
    lam: NDArray[np.float64], log_pi: NDArray[np.float64], pi: NDArray[np.float64], c0: NDArray[np.int64]
) -> None:
    """Relabel classes by decreasing weight (the next sweep redraws the sticks)."""
    order = np.argsort(-log_pi)
    lam[:, :] = lam[:, order]
    log_pi[:] = log_pi[order]
    pi[:] = pi[order]
    c0[:] = c0[order]


@njit(cache=True)
def _observed_cells(
    patterns: NDArray[np.int64], counts: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The histories with at least one unit, and their counts."""
    keep = 0
    for i in range(counts.shape[0]):
        keep += counts[i] > 0
    pat = np.empty((keep, patterns.shape[1]), dtype=np.int64)
    cnt = np.empty(keep, dtype=np.int64)
    row = 0
    for i in range(counts.shape[0]):
        if counts[i] > 0:
            pat[row] = patterns[i]
            cnt[row] = counts[i]
            row += 1
    return pat, cnt


@njit(cache=True)
def _initial_lambda(
    patterns: NDArray[np.int64], counts: NDArray[np.int64], n_classes: int
) -> NDArray[np.float64]:
    """Every class starts at the observed coverage of each list."""
    n = counts.sum()
    n_lists = patterns.shape[1]
    lam = np.empty((n_lists, n_classes))
    for j in range(n_lists):
        on = 0
        for i in range(patterns.shape[0]):
            on += counts[i] * patterns[i, j]
        lam[j, :] = min(max(on / n, 1e-3), 1 - 1e-3)
    return lam


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
    patterns, counts = _observed_cells(patterns, counts)
    n = int(counts.sum())
    n_lists = patterns.shape[1]
    lam = _initial_lambda(patterns, counts, n_classes)
    log_pi = np.empty(n_classes)
    pi = np.empty(n_classes)
    _draw_sticks(st, np.zeros(n_classes, dtype=np.int64), 1.0, log_pi, pi)  # V_k ~ Beta(1, 1)
    c0 = np.zeros(n_classes, dtype=np.int64)
    state = np.array([0.3 / n_classes, 0.0, 0.0, float(n)])
    order = np.empty((patterns.shape[0] + 1, n_classes), dtype=np.int64)
    for i in range(order.shape[0]):
        order[i] = np.arange(n_classes)
    counts_work = np.zeros((n_lists + 2, n_classes), dtype=np.int64)
    weights_work = np.zeros((2, n_classes))
    work = (order, counts_work, weights_work)
    hits = 0
    for _ in range(WARMUP):
        _sweep(st, patterns, counts, lam, log_pi, pi, c0, state, *work, cap, a_alpha, b_alpha, False)
    _reorder(lam, log_pi, pi, c0)
    for _ in range(burnin):
        hits += _sweep(st, patterns, counts, lam, log_pi, pi, c0, state, *work, cap, a_alpha, b_alpha, True)
    n_draws = np.empty(samples, dtype=np.int64)
    occupied = np.empty(samples, dtype=np.int64)
    alphas = np.empty(samples)
    for s in range(samples):
        for _ in range(thinning):
            hits += _sweep(
                st, patterns, counts, lam, log_pi, pi, c0, state, *work, cap, a_alpha, b_alpha, True
            )
        n_draws[s] = n + int(state[1])
        occupied[s] = int(state[2])
        alphas[s] = state[0]
    return n_draws, occupied, alphas, hits
