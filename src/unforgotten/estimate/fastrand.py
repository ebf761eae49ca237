"""Fast exact random variates for the compiled sampler (numba), on numba's seeded stream.

numba's own ``np.random.binomial`` inverts the CDF (cost grows with ``n·p``) and its gamma
follows Python's ``random.gammavariate``; the sampler draws hundreds of each per sweep, so
these replacements matter:

* binomial: inversion for ``n·min(p, 1−p) < 10``, else Hörmann's BTRS (transformed rejection
  with squeeze), exact — Hörmann, W. (1993). The generation of binomial random variates.
  *J. Statist. Comput. Simul.* 46, 101–110.
* gamma: Marsaglia, G. & Tsang, W. W. (2000). A simple method for generating gamma variables.
  *ACM TOMS* 26, 363–372; shape < 1 by the ``U**(1/a)`` boost.
* beta: closed-form inversion when a shape is 1 (``Beta(1, 1)`` is a uniform, ``Beta(1, b)`` is
  ``1 − U**(1/b)``), Cheng's algorithm BB when both shapes exceed 1 — Cheng, R. C. H. (1978).
  Generating beta variates with nonintegral shape parameters. *Comm. ACM* 21, 317–322 — else the
  ratio of two gamma variates.
* log-gamma: the logarithm of a Gamma(shape, 1) variate, drawn on the log scale so that it stays
  exact (and finite) for tiny shapes: ``log G(a) = log G(a + 1) + log(U) / a`` for ``a < 1``,
  where ``G(a)`` itself would underflow to zero.
* normal: Marsaglia's polar method.
* uniforms: xoshiro256** (Blackman, D. & Vigna, S. (2021). Scrambled linear pseudorandom number
  generators. *ACM TOMS* 47(4)); its state is a ``uint64[4]`` array seeded from numpy's
  ``SeedSequence``, passed explicitly (``st``) so that every chain is reproducible.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["new_state", "rbeta", "rbinom", "rgamma", "rlgamma", "rnorm", "runif", "runif_open"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_TAIL = np.array(
    [math.lgamma(k + 1.0) - ((k + 0.5) * math.log(k + 1.0) - (k + 1.0) + _HALF_LOG_2PI) for k in range(10)]
)


_M53 = 1.0 / 9007199254740992.0
_LOG4 = math.log(4.0)
_BB_SQUEEZE = 1.0 + math.log(5.0)


def new_state(seed: int) -> np.ndarray:
    """A xoshiro256** state for ``seed`` (never all zero)."""
    state = np.random.SeedSequence(seed).generate_state(4, dtype=np.uint64)
    if not state.any():
        state[0] = np.uint64(1)
    return state


@njit(cache=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True)
def runif(st: np.ndarray) -> float:
    """One uniform on [0, 1) from xoshiro256**, advancing ``st`` in place."""
    s0, s1, s2, s3 = st[0], st[1], st[2], st[3]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    st[0], st[1], st[2], st[3] = s0, s1, s2, s3
    return float(result >> np.uint64(11)) * _M53


@njit(cache=True)
def runif_open(st: np.ndarray) -> float:
    """One uniform on the open interval (0, 1): the midpoint of a 2⁻⁵³ cell."""
    return runif(st) + 0.5 * _M53


@njit(cache=True)
def _stirling_tail(k: float) -> float:
    """``log k! − [(k+½)log(k+1) − (k+1) + ½log 2π]``."""
    if k < 10:
        return _TAIL[int(k)]
    kp1sq = (k + 1.0) * (k + 1.0)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1.0)


@njit(cache=True)
def _binom_inversion(st: np.ndarray, n: int, p: float) -> int:
    q = 1.0 - p
    s = p / q
    a = (n + 1) * s
    r = q**n
    u = runif(st)
    x = 0
    while u > r and x < n:
        u -= r
        x += 1
        r *= a / x - s
    return x


@njit(cache=True)
def _binom_btrs(st: np.ndarray, n: int, p: float) -> int:
    spq = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1.0 - p)
    alpha = (2.83 + 5.1 / b) * spq
    m = math.floor((n + 1) * p)
    while True:
        u = runif(st) - 0.5
        v = runif(st)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        v = math.log(v * alpha / (a / (us * us) + b))
        bound = (
            (m + 0.5) * math.log((m + 1.0) / (r * (n - m + 1.0)))
            + (n + 1.0) * math.log((n - m + 1.0) / (n - k + 1.0))
            + (k + 0.5) * math.log(r * (n - k + 1.0) / (k + 1.0))
            + _stirling_tail(m)
            + _stirling_tail(n - m)
            - _stirling_tail(k)
            - _stirling_tail(n - k)
        )
        if v <= bound:
            return int(k)


@njit(cache=True)
def rbinom(st: np.ndarray, n: int, p: float) -> int:
    """One Binomial(n, p) draw."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    pp = 1.0 - p if flip else p
    k = _binom_inversion(st, n, pp) if n * pp < 10.0 else _binom_btrs(st, n, pp)
    return n - k if flip else k


@njit(cache=True)
def rnorm(st: np.ndarray) -> float:
    """One standard normal draw (polar method; the second value is discarded)."""
    while True:
        x = 2.0 * runif(st) - 1.0
        y = 2.0 * runif(st) - 1.0
        s = x * x + y * y
        if 0.0 < s < 1.0:
            return x * math.sqrt(-2.0 * math.log(s) / s)


@njit(cache=True)
def rgamma(st: np.ndarray, shape: float) -> float:
    """One Gamma(shape, 1) draw."""
    if shape < 1.0:
        u = runif(st)
        return _gamma_large(st, shape + 1.0) * u ** (1.0 / shape)
    return _gamma_large(st, shape)


@njit(cache=True)
def rlgamma(st: np.ndarray, shape: float) -> float:
    """The logarithm of one Gamma(shape, 1) draw, exact on the log scale for small shapes."""
    if shape < 1.0:
        return math.log(_gamma_large(st, shape + 1.0)) + math.log(runif_open(st)) / shape
    return math.log(_gamma_large(st, shape))


@njit(cache=True)
def _gamma_large(st: np.ndarray, shape: float) -> float:
    """Marsaglia–Tsang for ``shape ≥ 1``."""
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = rnorm(st)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = runif(st)
        if u < 1.0 - 0.0331 * x * x * x * x:
            return d * v
        if math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v


@njit(cache=True)
def rbeta(st: np.ndarray, a: float, b: float) -> float:
    """One Beta(a, b) draw: inversion when a shape is 1, Cheng's BB when both exceed 1."""
    if a == 1.0:
        u = runif_open(st)
        return u if b == 1.0 else -math.expm1(math.log(u) / b)
    if b == 1.0:
        return math.exp(math.log(runif_open(st)) / a)
    if a > 1.0 and b > 1.0:
        return _beta_cheng(st, a, b)
    x = rgamma(st, a)
    y = rgamma(st, b)
    total = x + y
    if total <= 0.0:
        return 1.0 if a >= b else 0.0
    return x / total


@njit(cache=True)
def _beta_cheng(st: np.ndarray, a0: float, b0: float) -> float:
    """Cheng's (1978) algorithm BB for ``min(a0, b0) > 1`` (rejection with two squeezes)."""
    a = min(a0, b0)
    b = max(a0, b0)
    alpha = a + b
    beta = math.sqrt((alpha - 2.0) / (2.0 * a * b - alpha))
    gamma = a + 1.0 / beta
    while True:
        u1 = runif_open(st)
        u2 = runif_open(st)
        v = beta * math.log(u1 / (1.0 - u1))
        w = a * math.exp(v)
        z = u1 * u1 * u2
        r = gamma * v - _LOG4
        s = a + r - w
        if s + _BB_SQUEEZE >= 5.0 * z:
            break
        t = math.log(z)
        if s > t or r + alpha * math.log(alpha / (b + w)) >= t:
            break
    return w / (b + w) if a == a0 else b / (b + w)
