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
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from unforgotten.estimate.fastrand import rbeta, rbinom, rgamma

__all__ = ["run_chain"]

WARMUP = 500
STICK_MAX = 1.0 - 1e-12  # keeps later weights and the alpha update finite
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
    pi: NDArray[np.float64],
    lam: NDArray[np.float64],
    w: NDArray[np.float64],
) -> None:
    """The weights of :func:`_weights` divided by their largest, summed on the log scale."""
    n_lists, n_classes = lam.shape
    top = -np.inf
    for k in range(n_classes):
        s = np.log(pi[k])
        for j in range(n_lists):
            s += np.log(lam[j, k]) if patterns[i, j] == 1 else np.log1p(-lam[j, k])
        w[k] = s
        top = max(top, s)
    for k in range(n_classes):
        w[k] = np.exp(w[k] - top)


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
    pi: NDArray[np.float64],
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
            _log_weights(patterns, i, pi, lam, w)
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
    v: NDArray[np.float64],
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
    _assign_observed(st, patterns, counts, pi, lam, order, a, m, w, tail, draw)
    _update_params(st, lam, v, a, m, state[0])
    occupied = 0
    for k in range(n_classes):
        occupied += m[k] > 0
    state[2] = occupied
    _weights_from_sticks(v, pi)
    p0 = _missed(pi, lam, w)
    n0, hits = _dark_figure(st, int(state[3]), p0, cap)
    _sort_desc(order[patterns.shape[0]], w)
    _multinomial(st, n0, w, order[patterns.shape[0]], tail, c0)
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
    v = np.empty(n_classes)
    for k in range(n_classes - 1):
        v[k] = rbeta(st, 1.0, 1.0)
    v[n_classes - 1] = 1.0
    pi = np.empty(n_classes)
    _weights_from_sticks(v, pi)
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
        _sweep(st, patterns, counts, lam, v, pi, c0, state, *work, cap, a_alpha, b_alpha, False)
    _reorder(lam, v, pi, c0)
    for _ in range(burnin):
        hits += _sweep(st, patterns, counts, lam, v, pi, c0, state, *work, cap, a_alpha, b_alpha, True)
    n_draws = np.empty(samples, dtype=np.int64)
    occupied = np.empty(samples, dtype=np.int64)
    alphas = np.empty(samples)
    for s in range(samples):
        for _ in range(thinning):
            hits += _sweep(st, patterns, counts, lam, v, pi, c0, state, *work, cap, a_alpha, b_alpha, True)
        n_draws[s] = n + int(state[1])
        occupied[s] = int(state[2])
        alphas[s] = state[0]
    return n_draws, occupied, alphas, hits
