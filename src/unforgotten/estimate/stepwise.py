"""Stepwise log-linear model selection: Silverman (2014) and SparseMSE (Chan et al. 2021).

Three named rules (:data:`RULES`):

* ``msefit`` — ``modslavmse::MSEfit`` exactly: from main effects, every pair not yet in the model
  is offered, including pairs of lists that share no unit (their cells are fitted to zero, the
  coefficient runs off to about −20 and its Wald p is about 1); keep the lowest-AIC term; stop
  when AIC does not improve or that term's Wald p exceeds ``pthresh`` (0.05).
* ``skip-disjoint`` (the default) — the same AIC steps, but pairs of lists that share no unit
  are never offered, so such a pair cannot end the search: MSEfit's stop there comes from a
  coefficient that cannot be estimated, not from evidence against more terms.
* ``sparsemse`` — SparseMSE's ``estimatepopulation.0`` stepwise (``stepwisefit``): add the pair
  whose observed overlap is most surprising under the current fit (``pthresh`` 0.02) if the
  enlarged model passes the existence and rank checks; non-overlapping pairs are structural zeros.

References
----------
Silverman, B. W. (2014). *Modern Slavery: an application of Multiple Systems Estimation*.
Home Office. (The procedure of ``modslavmse::MSEfit``.)
Chan, L., Silverman, B. W. & Vincent, K. (2021). Multiple systems estimation for sparse capture
data: inferential challenges when there are nonoverlapping lists. *JASA* 116, 1297–1306.
Fienberg, S. E. & Rinaldo, A. (2012). Maximum likelihood estimation in log-linear models.
*Ann. Statist.* 40, 996–1023 (the existence check as a linear programme).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np

from unforgotten.estimate.glm import FloatArray
from unforgotten.estimate.loglinear import (
    LoglinearFit,
    Term,
    _cells_without,
    design_matrix,
    fit_terms,
    nonoverlapping_pairs,
)
from unforgotten.estimate.lp import minimise
from unforgotten.estimate.table import CaptureTable

__all__ = [
    "DEFAULT_PTHRESH",
    "RULES",
    "StepwisePath",
    "check_identifiable",
    "msefit_stepwise",
    "poisson_tails",
    "run_rule",
    "silverman_stepwise",
    "sparse_stepwise",
]

RULES = ("skip-disjoint", "msefit", "sparsemse")
DEFAULT_PTHRESH = {"skip-disjoint": 0.05, "msefit": 0.05, "sparsemse": 0.02}


@dataclass(frozen=True)
class StepwisePath:
    """The model a stepwise search ended with and the terms it added, in order."""

    fit: LoglinearFit
    added: tuple[Term, ...]
    steps: tuple[str, ...]


def mle_exists(x: FloatArray, y: FloatArray) -> bool:
    """Whether the Poisson MLE exists (Fienberg & Rinaldo 2012).

    It exists iff some strictly positive ``w`` has the same sufficient statistics as ``y``
    (``x' w = x' y``); the linear programme maximises the smallest entry of such a ``w``.
    """
    if np.all(y > 0):  # y itself is a strictly positive solution
        return True
    # w = s + t·1 with s ≥ 0: maximise t ≤ 1 subject to x'(s + t·1) = x'y.
    m, p = x.shape
    a_eq = np.zeros((p + 1, m + 2))
    a_eq[:p, :m], a_eq[:p, m] = x.T, x.sum(axis=0)
    a_eq[p, m:] = 1.0  # t + u = 1
    cost = np.zeros(m + 2)
    cost[m] = -1.0
    best = minimise(cost, a_eq, np.append(x.T @ y, 1.0))
    return best is not None and -best > 1e-7


def check_identifiable(table: CaptureTable, terms: tuple[Term, ...]) -> bool:
    """SparseMSE's ``checkident``: full column rank and an existing MLE.

    Pairwise terms between non-overlapping lists are first removed with their cells.
    """
    dropped = nonoverlapping_pairs(table, terms)
    keep = _cells_without(table, dropped)
    kept = tuple(t for t in terms if not any(set(d) <= set(t) for d in dropped))
    x = design_matrix(table.patterns, kept)[keep]
    y = table.y[keep]
    if x.shape[0] <= x.shape[1] - 1 or np.linalg.matrix_rank(x) < x.shape[1]:
        return False
    return mle_exists(x, y)


def _pairs(n_lists: int) -> list[Term]:
    return list(itertools.combinations(range(n_lists), 2))


def _wald_p(fit: LoglinearFit, term: Term) -> float:
    """Two-sided Wald p-value of one interaction coefficient."""
    if term not in fit.terms:
        return 1.0
    index = fit.glm.beta.shape[0] - len(fit.terms) + fit.terms.index(term)
    se = math.sqrt(max(float(fit.glm.cov[index, index]), 0.0))
    if se == 0:
        return 1.0
    return math.erfc(abs(float(fit.glm.beta[index])) / se / math.sqrt(2.0))  # 2·(1 − Φ(|z|))


def silverman_stepwise(
    table: CaptureTable, *, pthresh: float = 0.05, every_pair: bool = False
) -> StepwisePath:
    """Forward selection of pairwise terms by AIC (Silverman 2014).

    From main effects, try every pairwise term not yet in; keep the one with the lowest AIC
    (the first in list order on a tie); stop when AIC does not improve or the added term's Wald
    p-value exceeds ``pthresh``. Pairs of lists that share no observed unit are offered only
    with ``every_pair`` (``modslavmse::MSEfit``); otherwise never (rule ``skip-disjoint``).
    """
    terms: tuple[Term, ...] = ()
    current = fit_terms(table, terms)
    added: list[Term] = []
    steps = [f"start {current.name} AIC={current.aic:.3f}"]
    candidates = [t for t in _pairs(table.n_lists) if every_pair or _overlap(table, t) > 0]
    while candidates:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # pairs sharing no unit: cells → 0
            trials = [(fit_terms(table, (*terms, t)), t) for t in candidates]
        best, term = min(trials, key=lambda pair: pair[0].aic)
        p_value = _wald_p(best, term)
        if best.aic >= current.aic or p_value > pthresh:
            disjoint = " (lists share no unit)" if _overlap(table, term) == 0 else ""
            steps.append(f"stop: best {_label(table, term)}{disjoint} AIC={best.aic:.3f} p={p_value:.3g}")
            break
        terms, current = (*terms, term), best
        added.append(term)
        candidates.remove(term)
        steps.append(f"add {_label(table, term)} AIC={best.aic:.3f} p={p_value:.3g}")
    return StepwisePath(fit=current, added=tuple(added), steps=tuple(steps))


def msefit_stepwise(table: CaptureTable, *, pthresh: float = 0.05) -> StepwisePath:
    """``modslavmse::MSEfit``: :func:`silverman_stepwise` offering every pair."""
    return silverman_stepwise(table, pthresh=pthresh, every_pair=True)


def run_rule(table: CaptureTable, rule: str, pthresh: float | None = None) -> StepwisePath:
    """Run one named rule of :data:`RULES` (``pthresh`` defaults by rule)."""
    if rule not in RULES:
        raise ValueError(f"unknown stepwise rule {rule!r}; choose from {', '.join(RULES)}")
    p = DEFAULT_PTHRESH[rule] if pthresh is None else pthresh
    if rule == "sparsemse":
        return sparse_stepwise(table, pthresh=p)
    return silverman_stepwise(table, pthresh=p, every_pair=rule == "msefit")


def _overlap(table: CaptureTable, term: Term) -> int:
    return table.overlap(table.lists[term[0]], table.lists[term[1]])


def _label(table: CaptureTable, term: Term) -> str:
    return "·".join(table.lists[j] for j in term)


def _pair_p_value(table: CaptureTable, fit: LoglinearFit, term: Term) -> float:
    """One-sided Poisson p-value of the observed overlap of a pair under the current fit."""
    i, j = term
    both = (table.patterns[:, i] == 1) & (table.patterns[:, j] == 1)
    observed = float(table.y[both].sum())
    keep = _cells_without(table, fit.dropped_pairs)
    mu_full = np.zeros(table.patterns.shape[0])
    mu_full[keep] = fit.glm.mu
    expected = float(mu_full[both].sum())
    if expected <= 0:
        return 1.0
    low, high = poisson_tails(round(observed), expected)
    return min(low, high)


def _log_sum_exp(values: FloatArray) -> float:
    top = float(values.max())
    return top + math.log(float(np.exp(values - top).sum()))


def poisson_tails(k: int, mean: float) -> tuple[float, float]:
    """``(P(X ≤ k), P(X ≥ k))`` for ``X ~ Poisson(mean)``, each summed from its own side.

    Terms are summed on the log scale, so a tail far from the mean keeps its relative
    accuracy (as scipy's ``poisson.cdf`` / ``sf``, without loading scipy.stats).
    """
    top = int(max(k, mean) + 40.0 * math.sqrt(mean + 1.0) + 50.0)
    i = np.arange(top + 1, dtype=np.float64)
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(i[1:]))])
    log_pmf = i * math.log(mean) - mean - log_factorial
    return math.exp(_log_sum_exp(log_pmf[: k + 1])), math.exp(_log_sum_exp(log_pmf[k:]))


def sparse_stepwise(table: CaptureTable, *, pthresh: float = 0.02) -> StepwisePath:
    """SparseMSE's ``stepwisefit``: add the pair with the most surprising overlap.

    For each pair not in the model, the observed number of units on both lists is compared with
    its Poisson mean under the current fit; the pair with the smallest one-sided p-value is
    added if below ``pthresh`` and the enlarged model passes :func:`check_identifiable`.
    Non-overlapping pairs in the model are handled as structural zeros.
    """
    terms: tuple[Term, ...] = ()
    current = fit_terms(table, terms, sparse_pairs=True)
    added: list[Term] = []
    steps = [f"start {current.name}"]
    remaining = _pairs(table.n_lists)
    while remaining:
        scored = sorted((_pair_p_value(table, current, t), t) for t in remaining)
        chosen = next(
            ((p, t) for p, t in scored if p < pthresh and check_identifiable(table, (*terms, t))),
            None,
        )
        if chosen is None:
            steps.append(f"stop: smallest p={scored[0][0]:.3g}")
            break
        p_value, term = chosen
        terms = (*terms, term)
        remaining.remove(term)
        current = fit_terms(table, terms, sparse_pairs=True)
        added.append(term)
        steps.append(f"add {_label(table, term)} p={p_value:.3g}")
    return StepwisePath(fit=current, added=tuple(added), steps=tuple(steps))
