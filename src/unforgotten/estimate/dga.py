"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997; dga).

Every decomposable (chordal) graph on the lists is a log-linear model whose likelihood factorises
over its cliques and separators. With the hyper-Dirichlet prior of Dawid & Lauritzen (1993)
each marginal table has a closed-form Dirichlet-multinomial marginal likelihood, so the joint
posterior of (graph, dark figure) is computed exactly on a grid of dark-figure values: no MCMC.

References
----------
Madigan, D. & York, J. C. (1997). Bayesian methods for estimation of the size of a closed
population. *Biometrika* 84, 19–31.
Dawid, A. P. & Lauritzen, S. L. (1993). Hyper Markov laws in the statistical analysis of
decomposable graphical models. *Ann. Statist.* 21, 1272–1317.
Johndrow, J., Lum, K. & Ball, P. (2016). dga: Capture-recapture estimation using Bayesian model
averaging. R package.
"""

from __future__ import annotations

import itertools
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

from unforgotten.errors import EstimationError, ValidationError
from unforgotten.estimate.glm import FloatArray
from unforgotten.estimate.result import EstimateResult, EstimateWarning
from unforgotten.estimate.table import CaptureTable

__all__ = [
    "DGA",
    "DecomposableGraph",
    "DgaPosterior",
    "decomposable_graphs",
    "dga_posterior",
]

MAX_LISTS = 5
Subset = tuple[int, ...]


@dataclass(frozen=True)
class DecomposableGraph:
    """A chordal graph given by its edges, maximal cliques and (junction-tree) separators."""

    edges: tuple[tuple[int, int], ...]
    cliques: tuple[Subset, ...]
    separators: tuple[Subset, ...]

    def name(self, lists: tuple[str, ...]) -> str:
        """Cliques written with list names: ``EXH*ABA + OSCE``."""
        return " + ".join("*".join(lists[j] for j in c) for c in self.cliques)


def _is_chordal(n: int, edges: set[tuple[int, int]]) -> bool:
    """Repeatedly remove a simplicial vertex; chordal iff every vertex goes."""
    left = set(range(n))
    while left:
        for v in sorted(left):
            nbrs = [u for u in left if u != v and (min(u, v), max(u, v)) in edges]
            if all((min(a, b), max(a, b)) in edges for a, b in itertools.combinations(nbrs, 2)):
                left.remove(v)
                break
        else:
            return False
    return True


def _maximal_cliques(n: int, edges: set[tuple[int, int]]) -> list[Subset]:
    complete = [
        s
        for size in range(1, n + 1)
        for s in itertools.combinations(range(n), size)
        if all(pair in edges for pair in itertools.combinations(s, 2))
    ]
    return [s for s in complete if not any(set(s) < set(o) for o in complete)]


def _separators(cliques: list[Subset]) -> list[Subset]:
    """Intersections along a maximum-weight spanning tree of the clique graph (Kruskal)."""
    pairs = sorted(
        itertools.combinations(range(len(cliques)), 2),
        key=lambda p: -len(set(cliques[p[0]]) & set(cliques[p[1]])),
    )
    parent = list(range(len(cliques)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    seps = []
    for i, j in pairs:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[ri] = rj
            common = tuple(sorted(set(cliques[i]) & set(cliques[j])))
            if common:
                seps.append(common)
    return seps


@cache
def decomposable_graphs(n_lists: int) -> tuple[DecomposableGraph, ...]:
    """All decomposable graphs on ``n_lists`` labelled vertices (8, 61, 822 for 3, 4, 5)."""
    all_edges = list(itertools.combinations(range(n_lists), 2))
    graphs = []
    for mask in range(2 ** len(all_edges)):
        edges = {e for b, e in enumerate(all_edges) if mask >> b & 1}
        if _is_chordal(n_lists, edges):
            cliques = _maximal_cliques(n_lists, edges)
            graphs.append(
                DecomposableGraph(tuple(sorted(edges)), tuple(cliques), tuple(_separators(cliques)))
            )
    return tuple(graphs)


@dataclass(frozen=True)
class DgaPosterior:
    """Joint posterior over graphs and the dark-figure grid.

    Attributes
    ----------
    n_missing
        Grid of dark-figure values.
    post_n
        Posterior probability of each grid value (sums to one).
    graph_weights
        Posterior probability of each graph, aligned with ``graphs``.
    """

    observed: int
    n_missing: NDArray[np.int64]
    post_n: FloatArray
    graphs: tuple[DecomposableGraph, ...]
    graph_weights: FloatArray

    @property
    def totals(self) -> NDArray[np.int64]:
        """Grid of population sizes ``n + n0``."""
        return self.observed + self.n_missing

    def quantile(self, q: float) -> float:
        """Smallest grid total whose posterior CDF reaches ``q`` (dga's convention)."""
        cdf = np.cumsum(self.post_n)
        return float(self.totals[min(int(np.searchsorted(cdf, q)), cdf.shape[0] - 1)])

    def mean(self) -> float:
        """Posterior mean of ``N``."""
        return float(np.sum(self.post_n * self.totals))

    def mode(self) -> float:
        """Posterior mode of ``N``."""
        return float(self.totals[int(np.argmax(self.post_n))])

    def relative_loss_estimate(self) -> float:
        """Bayes estimate under relative squared-error loss, ``E[1/N] / E[1/N²]`` (M&Y)."""
        inv = 1.0 / self.totals
        return float(np.sum(self.post_n * inv) / np.sum(self.post_n * inv**2))


def _marginal_terms(
    table: CaptureTable, subset: Subset, n_missing: NDArray[np.int64], delta: float
) -> FloatArray:
    """``ℓ(D_S)`` for every grid value: Dirichlet-multinomial marginal likelihood of a margin."""
    j = table.n_lists
    size = len(subset)
    a = delta * 2.0 ** (j - size)
    big_a = delta * 2.0**j
    margin = np.zeros(2**size)
    if size:
        idx = table.patterns[:, list(subset)] @ (2 ** np.arange(size - 1, -1, -1))
        np.add.at(margin, idx, table.y)
    else:
        margin[0] = table.observed
    fixed = float(np.sum(gammaln(margin[1:] + a))) - 2**size * float(gammaln(a)) + gammaln(big_a)
    total = table.observed + n_missing
    return fixed + gammaln(margin[0] + n_missing + a) - gammaln(total + big_a)


def dga_posterior(
    table: CaptureTable,
    *,
    n_missing: NDArray[np.int64],
    delta: float,
    log_prior: Callable[[NDArray[np.int64]], FloatArray] | None = None,
) -> DgaPosterior:
    """Posterior of (graph, dark figure) over all decomposable graphs, uniform graph prior.

    Parameters
    ----------
    n_missing
        Grid of dark-figure values to consider.
    delta
        Hyper-Dirichlet prior mass per full cell (dga suggests ``2**-J``).
    log_prior
        Log prior of ``N`` on the grid totals; default ``−log N`` (``p(N) ∝ 1/N``).
    """
    if table.n_lists > MAX_LISTS:
        raise EstimationError(
            f"dga enumerates decomposable graphs for at most {MAX_LISTS} lists; "
            f"this table has {table.n_lists}: merge or drop lists first"
        )
    graphs = decomposable_graphs(table.n_lists)
    grid = np.asarray(n_missing, dtype=np.int64)
    total = table.observed + grid
    prior = -np.log(total) if log_prior is None else log_prior(total)
    common = gammaln(total + 1.0) - gammaln(grid + 1.0) - float(np.sum(gammaln(table.y + 1.0)))
    cache_terms: dict[Subset, FloatArray] = {}

    def term(s: Subset) -> FloatArray:
        if s not in cache_terms:
            cache_terms[s] = _marginal_terms(table, s, grid, delta)
        return cache_terms[s]

    def log_weight(graph: DecomposableGraph) -> FloatArray:
        row = common + prior
        for c in graph.cliques:
            row = row + term(c)
        for s in graph.separators:
            row = row - term(s)
        return row

    top = max(float(log_weight(g).max()) for g in graphs)  # two passes: no graphs × grid matrix
    post_n = np.zeros(grid.shape[0])
    graph_weights = np.empty(len(graphs))
    for i, graph in enumerate(graphs):
        w = np.exp(log_weight(graph) - top)
        post_n += w
        graph_weights[i] = w.sum()
    norm = post_n.sum()
    return DgaPosterior(
        observed=table.observed,
        n_missing=grid,
        post_n=post_n / norm,
        graphs=graphs,
        graph_weights=graph_weights / norm,
    )


class DGA:
    """Bayesian model averaging over decomposable graphs (the ``dga`` package's ``bma.cr``).

    Parameters
    ----------
    delta
        Hyper-Dirichlet mass per full cell; default ``2**-J``.
    max_total
        Largest population size on the grid (``--grid-max``); default ``20 × n``. The grid is
        every integer dark figure from 0 to ``max_total − n``, stated in the result
        (``settings.grid``); a warning says when the posterior reaches its top. The reference
        runs of the R package use ``11 × n`` or a stated maximum (e.g. 40,000 for UKdat_4).
    level
        Posterior probability of the reported central interval.

    Examples
    --------
    >>> from unforgotten.estimate.table import CaptureTable
    >>> t = CaptureTable.from_counts(["A", "B", "C"], {(1, 0, 0): 50, (0, 1, 0): 40,
    ...     (0, 0, 1): 30, (1, 1, 0): 10, (1, 0, 1): 8, (0, 1, 1): 6, (1, 1, 1): 2})
    >>> DGA().fit(t).result_.estimate > t.observed
    True
    """

    def __init__(
        self, *, delta: float | None = None, max_total: int | None = None, level: float = 0.95
    ) -> None:
        self.delta = delta
        self.max_total = max_total
        self.level = level

    def fit(self, table: CaptureTable) -> DGA:
        """Compute the posterior; returns ``self`` with ``posterior_``."""
        started = time.perf_counter()
        delta = self.delta if self.delta is not None else 2.0**-table.n_lists
        top = self.max_total or 20 * table.observed
        if top <= table.observed:
            raise ValidationError(
                f"dga: the grid's largest population size ({top:,}) must exceed the "
                f"{table.observed:,} observed; raise --grid-max"
            )
        grid = np.arange(0, top - table.observed + 1, dtype=np.int64)
        self.posterior_ = dga_posterior(table, n_missing=grid, delta=delta)
        self.result_ = self._result(table, delta, top, time.perf_counter() - started)
        return self

    def _result(self, table: CaptureTable, delta: float, top: int, seconds: float) -> EstimateResult:
        post = self.posterior_
        tail = (1.0 - self.level) / 2.0
        best = np.argsort(-post.graph_weights)[:5]
        edge_mass = float(post.post_n[-max(1, post.post_n.shape[0] // 100) :].sum())
        if edge_mass > 1e-3:
            warnings.warn(
                f"dga: {edge_mass:.1%} of the posterior lies in the top 1% of the grid (N up to "
                f"{top:,}); raise --grid-max",
                EstimateWarning,
                stacklevel=3,
            )
        diag: dict[str, Any] = {
            "posterior_mean": post.mean(),
            "posterior_mode": post.mode(),
            "relative_loss_estimate": post.relative_loss_estimate(),
            "graphs": len(post.graphs),
            "top_graphs": [
                {"graph": post.graphs[i].name(table.lists), "weight": float(post.graph_weights[i])}
                for i in best
            ],
            "grid_top_mass": edge_mass,
        }
        return EstimateResult(
            method="dga",
            observed=table.observed,
            estimate=post.quantile(0.5),
            lower=post.quantile(tail),
            upper=post.quantile(1.0 - tail),
            level=self.level,
            seed=None,
            settings={
                "delta": delta,
                "max_total": top,
                "grid": f"N = {table.observed:,} to {top:,}, every integer",
                "grid_default": self.max_total is None,
                "prior": "1/N",
            },
            diagnostics=diag,
            seconds=seconds,
        )
