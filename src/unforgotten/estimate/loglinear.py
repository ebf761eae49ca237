"""Log-linear multiple systems estimation (Fienberg 1972; Cormack 1989; Rcapture).

A model is a hierarchical set of interaction terms over the lists; main effects are always in.
It is fitted as a Poisson GLM over the ``2**J - 1`` observed cells; the missing cell's mean is
``exp(u0)`` because every indicator is zero there, so ``N̂ = n + exp(û0)``.

References
----------
Fienberg, S. E. (1972). The multiple recapture census for closed populations and incomplete
2^k contingency tables. *Biometrika* 59, 591–603.
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for capture-recapture in R.
*J. Stat. Softw.* 19(5).
Chan, L., Silverman, B. W. & Vincent, K. (2021). Multiple systems estimation for sparse capture
data: inferential challenges when there are nonoverlapping lists. *JASA* 116, 1297–1306.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from unforgotten.estimate.glm import FloatArray, PoissonFit, fit_poisson
from unforgotten.estimate.table import CaptureTable

__all__ = [
    "LoglinearFit",
    "Term",
    "closure",
    "design_matrix",
    "fit_design",
    "fit_terms",
    "hierarchical_models",
    "model_name",
    "parse_model",
    "zero_margin_terms",
]

Term = tuple[int, ...]
Mu0 = Callable[[FloatArray], float]


@dataclass(frozen=True)
class LoglinearFit:
    """One fitted log-linear model and what it implies for the population size.

    Attributes
    ----------
    name
        Rcapture-style name, e.g. ``[123,14,34]``, or a closedp model name.
    estimate, se
        ``N̂ = n + μ̂0`` and Rcapture's ``SE = sqrt(μ̂0 + ∇μ0' Σ ∇μ0)``.
    mu0, se_log_mu0
        Fitted missing cell and the standard error of its log (log-normal interval).
    deviance, df, aic, bic
        Goodness of fit; AIC ``= −2 logL + 2p``, BIC ``= −2 logL + p log n`` (Rcapture).
    """

    name: str
    terms: tuple[Term, ...]
    observed: int
    estimate: float
    se: float
    mu0: float
    se_log_mu0: float
    deviance: float
    df: int
    aic: float
    bic: float
    n_params: int
    converged: bool
    glm: PoissonFit = field(repr=False)
    design: FloatArray = field(repr=False)
    dropped_pairs: tuple[Term, ...] = ()


def closure(terms: Sequence[Term]) -> tuple[Term, ...]:
    """All interaction terms (size ≥ 2) implied by ``terms`` under the hierarchy principle."""
    out: set[Term] = set()
    for term in terms:
        for size in range(2, len(term) + 1):
            out.update(itertools.combinations(sorted(term), size))
    return tuple(sorted(out, key=lambda t: (len(t), t)))


def generators(terms: Sequence[Term], n_lists: int) -> list[Term]:
    """Maximal terms (plus lists in no interaction), the model's short name."""
    sets = [set(t) for t in terms]
    maximal = [t for t, s in zip(terms, sets, strict=True) if not any(s < o for o in sets)]
    covered = {j for t in terms for j in t}
    singles = [(j,) for j in range(n_lists) if j not in covered]
    return sorted([*maximal, *singles])


def model_name(terms: Sequence[Term], n_lists: int) -> str:
    """Rcapture-style name with 1-based list numbers: ``[123,14,34]``."""
    parts = ["".join(str(j + 1) for j in g) for g in generators(terms, n_lists)]
    return "[" + ",".join(parts) + "]"


def parse_model(text: str, lists: Sequence[str]) -> tuple[Term, ...]:
    """Parse ``[123,14,34]`` (1-based digits) or ``EXH*ABA*OSCE+EXH*HRW`` (list names)."""
    body = text.strip().strip("[]")
    terms: list[Term] = []
    for raw in body.replace("+", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        if "*" in part or part in lists:
            names = [p.strip() for p in part.split("*")]
            terms.append(tuple(sorted(lists.index(n) for n in names)))
        else:
            terms.append(tuple(sorted(int(c) - 1 for c in part)))
    bad = [t for t in terms if any(j < 0 or j >= len(lists) for j in t)]
    if bad:
        raise ValueError(f"model {text!r} names lists outside 1..{len(lists)}")
    return closure([t for t in terms if len(t) >= 2])


def hierarchical_models(n_lists: int, max_order: int) -> list[tuple[Term, ...]]:
    """Every hierarchical model with interactions up to ``max_order`` (never the J-way one)."""
    max_order = min(max_order, n_lists - 1)
    candidates = [t for size in range(2, max_order + 1) for t in itertools.combinations(range(n_lists), size)]
    models: list[tuple[Term, ...]] = [()]
    for term in candidates:  # candidates sorted by size: subsets come first
        extra = []
        for model in models:
            present = set(model)
            subs = itertools.combinations(term, len(term) - 1)
            if len(term) == 2 or all(s in present for s in subs):
                extra.append((*model, term))
        models.extend(extra)
    return models


def design_matrix(patterns: NDArray[np.int64], terms: Sequence[Term]) -> FloatArray:
    """Intercept, main effects and one product column per interaction term."""
    cols = [np.ones(patterns.shape[0]), *(patterns[:, j] for j in range(patterns.shape[1]))]
    cols += [np.prod(patterns[:, list(t)], axis=1) for t in terms]
    return np.column_stack(cols).astype(np.float64)


def _gradient(mu0: Mu0, beta: FloatArray) -> FloatArray:
    """Central-difference gradient of ``mu0`` (used only for non-standard models)."""
    grad = np.zeros_like(beta)
    for i in range(beta.shape[0]):
        step = np.zeros_like(beta)
        step[i] = 1e-6 * max(1.0, abs(beta[i]))
        grad[i] = (mu0(beta + step) - mu0(beta - step)) / (2 * step[i])
    return grad


def fit_design(
    table: CaptureTable,
    x: FloatArray,
    *,
    name: str,
    terms: tuple[Term, ...] = (),
    mu0: Mu0 | None = None,
    keep: NDArray[np.bool_] | None = None,
    dropped_pairs: tuple[Term, ...] = (),
) -> LoglinearFit:
    """Fit a design over the observed cells and turn it into a population estimate.

    ``mu0`` maps coefficients to the fitted missing cell (default ``exp(β0)``); ``keep``
    selects the cells used (cells fitted as structural zeros are left out).
    """
    y = table.y if keep is None else table.y[keep]
    xx = x if keep is None else x[keep]
    glm = fit_poisson(xx, y)
    if mu0 is None:
        m0 = float(np.exp(glm.beta[0]))
        var_log = float(glm.cov[0, 0])
        var_mu0 = m0 * m0 * var_log
    else:
        m0 = mu0(glm.beta)
        grad = _gradient(mu0, glm.beta)
        var_mu0 = float(grad @ glm.cov @ grad)
        var_log = var_mu0 / (m0 * m0) if m0 > 0 else math.inf
    p = glm.n_params + len(dropped_pairs)
    n = table.observed
    return LoglinearFit(
        name=name,
        terms=terms,
        observed=n,
        estimate=n + m0,
        se=math.sqrt(max(m0 + var_mu0, 0.0)),
        mu0=m0,
        se_log_mu0=math.sqrt(max(var_log, 0.0)),
        deviance=glm.deviance,
        df=int(y.shape[0]) - glm.n_params,
        aic=-2 * glm.loglik + 2 * p,
        bic=-2 * glm.loglik + p * math.log(n),
        n_params=p,
        converged=glm.converged,
        glm=glm,
        design=x,
        dropped_pairs=dropped_pairs,
    )


def nonoverlapping_pairs(table: CaptureTable, terms: Sequence[Term]) -> list[Term]:
    """Pairwise terms of the model whose two lists share no observed unit."""
    return [t for t in terms if len(t) == 2 and table.overlap(table.lists[t[0]], table.lists[t[1]]) == 0]


def fit_terms(table: CaptureTable, terms: Sequence[Term], *, sparse_pairs: bool = False) -> LoglinearFit:
    """Fit the hierarchical model with these interaction terms.

    With ``sparse_pairs`` (Chan, Silverman & Vincent 2021), each pairwise term between two
    non-overlapping lists is removed with every cell that has both lists: those cells are
    fitted as structural zeros (the term's MLE is −∞) and AIC counts the term all the same.
    """
    full = closure(terms)
    dropped: tuple[Term, ...] = ()
    keep = None
    if sparse_pairs:
        dropped = tuple(nonoverlapping_pairs(table, full))
        if dropped:
            keep = _cells_without(table, dropped)
            full = tuple(t for t in full if not any(set(d) <= set(t) for d in dropped))
    x = design_matrix(table.patterns, full)
    name = model_name(closure([*full, *dropped]), table.n_lists)
    return fit_design(table, x, name=name, terms=full, keep=keep, dropped_pairs=dropped)


def zero_margin_terms(table: CaptureTable, terms: Sequence[Term]) -> list[Term]:
    """Interaction terms whose lists share no observed unit: their MLE is −∞ (not estimable).

    Only the smallest such terms are returned (a triple over a pair sharing no unit is implied).

    The term's sufficient statistic, the number of units on all of its lists, is zero, so the
    fit drives its coefficient towards −∞ (IRLS stops near −20) and fits those cells to zero.
    """
    out = []
    for term in terms:
        if len(term) < 2:
            continue
        on_all = np.all(table.patterns[:, list(term)] == 1, axis=1)
        if float(table.y[on_all].sum()) == 0.0:
            out.append(term)
    return [t for t in out if not any(set(o) < set(t) for o in out)]  # the smallest such terms


def _cells_without(table: CaptureTable, pairs: Sequence[Term]) -> NDArray[np.bool_]:
    keep = np.ones(table.patterns.shape[0], dtype=bool)
    for i, j in pairs:
        keep &= ~((table.patterns[:, i] == 1) & (table.patterns[:, j] == 1))
    return keep
