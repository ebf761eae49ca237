"""The closed-population menu of Rcapture's ``closedp.t``: M0, Mt, Mh, Mth, Mb, Mbh.

Each model is a log-linear design over the observed histories, written from the capture-recapture
parametrisations of Otis, Burnham, White & Anderson (1978) as re-expressed log-linearly by
Rivest & Baillargeon (2007). ``c`` is the number of captures of a history, ``f`` its first
capture occasion.

* M0: intercept + ``c``; Mt: intercept + one column per list.
* Mh / Mth: M0 / Mt plus a heterogeneity column ``h(c)``: Poisson2 ``2**c − 1``, Darroch
  ``c**2/2``, Gamma3.5 ``−log(1 + c/3.5)``; Chao's lower-bound model uses the ``t − 2`` columns
  ``(c − k)+`` for ``k = 2..t−1``, and columns whose coefficient is negative are removed and the
  model refitted until none is (Chao 1987; the ``(LB)`` of Rcapture).
* Mb (behavioural response): intercept + ``f`` + ``c``; Mbh adds ``1[f = 1]`` (first occasion
  heterogeneous). The missing cell is then not ``exp(β0)``: with ``logit(c) = β_c``,
  ``log(1−p) = β_f + log(1−c)``, ``μ0 = exp(β0 + (t+1)log(1−p) − log p + log c − (t+1)log(1−c))``.

References
----------
Otis, D. L., Burnham, K. P., White, G. C. & Anderson, D. R. (1978). Statistical inference from
capture data on closed animal populations. *Wildlife Monographs* 62.
Chao, A. (1987). Estimating the population size for capture-recapture data with unequal
catchability. *Biometrics* 43, 783–791.
Rivest, L.-P. & Baillargeon, S. (2007). Applications and extensions of Chao's moment estimator
for the size of a closed population. *Biometrics* 63, 999–1006.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from unforgotten.estimate.glm import FloatArray
from unforgotten.estimate.loglinear import LoglinearFit, fit_design
from unforgotten.estimate.table import CaptureTable

__all__ = ["CLOSEDP_MODELS", "HETEROGENEITY", "closedp_model", "closedp_table"]

HETEROGENEITY: dict[str, Callable[[FloatArray], FloatArray]] = {
    "Poisson2": lambda c: 2.0**c - 1.0,
    "Darroch": lambda c: c**2 / 2.0,
    "Gamma3.5": lambda c: -np.log(3.5 + c) + np.log(3.5),
}

CLOSEDP_MODELS = (
    "M0",
    "Mt",
    "Mh Chao (LB)",
    "Mh Poisson2",
    "Mh Darroch",
    "Mh Gamma3.5",
    "Mth Chao (LB)",
    "Mth Poisson2",
    "Mth Darroch",
    "Mth Gamma3.5",
    "Mb",
    "Mbh",
)


def _base(table: CaptureTable, time: bool) -> FloatArray:
    p = table.patterns.astype(np.float64)
    one = np.ones((p.shape[0], 1))
    return np.hstack([one, p]) if time else np.hstack([one, p.sum(axis=1, keepdims=True)])


def _chao(table: CaptureTable, time: bool, name: str) -> LoglinearFit:
    """Chao's lower-bound model: drop negative heterogeneity coefficients, refit, repeat."""
    base = _base(table, time)
    c = table.patterns.sum(axis=1).astype(np.float64)
    cols = [np.maximum(c - k, 0.0) for k in range(2, table.n_lists)]
    while True:
        fit = fit_design(table, np.column_stack([base, *cols]), name=name)
        eta = fit.glm.beta[base.shape[1] :]
        if not cols or np.all(eta >= 0):
            return fit
        cols = [col for col, e in zip(cols, eta, strict=True) if e >= 0]


def _behaviour_mu0(n_lists: int) -> Callable[[FloatArray], float]:
    """Missing cell of Mb / Mbh from (β0, β_f, β_c): the removal-model extrapolation."""

    def mu0(beta: FloatArray) -> float:
        recap = 1.0 / (1.0 + math.exp(-beta[2]))
        log_not_c = math.log1p(-recap)
        log_not_p = beta[1] + log_not_c
        if log_not_p >= 0:
            return math.inf
        log_p = math.log(-math.expm1(log_not_p))
        log_mu0 = beta[0] + (n_lists + 1) * log_not_p - log_p + math.log(recap) - (n_lists + 1) * log_not_c
        return math.exp(min(log_mu0, 700.0))

    return mu0


def _behaviour(table: CaptureTable, heterogeneous: bool) -> LoglinearFit:
    p = table.patterns.astype(np.float64)
    first = np.argmax(p == 1, axis=1).astype(np.float64) + 1.0
    cols = [np.ones(p.shape[0]), first, p.sum(axis=1)]
    if heterogeneous:
        cols.append((first == 1).astype(np.float64))
    name = "Mbh" if heterogeneous else "Mb"
    return fit_design(table, np.column_stack(cols), name=name, mu0=_behaviour_mu0(table.n_lists))


def closedp_model(table: CaptureTable, name: str) -> LoglinearFit:
    """Fit one model of the ``closedp.t`` menu by its Rcapture name (see :data:`CLOSEDP_MODELS`)."""
    if name not in CLOSEDP_MODELS:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(CLOSEDP_MODELS)}")
    if name in ("Mb", "Mbh"):
        return _behaviour(table, heterogeneous=name == "Mbh")
    time = name.startswith("Mt")
    if name in ("M0", "Mt"):
        return fit_design(table, _base(table, time), name=name)
    kind = name.split(" ", 1)[1]
    if kind == "Chao (LB)":
        return _chao(table, time, name)
    c = table.patterns.sum(axis=1).astype(np.float64)
    return fit_design(table, np.column_stack([_base(table, time), HETEROGENEITY[kind](c)]), name=name)


def closedp_table(table: CaptureTable) -> list[LoglinearFit]:
    """Every model of the ``closedp.t`` menu, in Rcapture's order."""
    return [closedp_model(table, name) for name in CLOSEDP_MODELS]
