"""Estimates that carry the linkage's uncertainty: many plausible linkages, one estimate each.

A link run scores record pairs with a match probability. The registry keeps one linkage (pairs at
or above the threshold joined, reviewers' decisions respected), and an estimate on it treats that
linkage as certain. Here each scored pair is instead *drawn*: kept with its match probability,
independently of the others; pairs a reviewer decided stay as decided, and records of one imported
person stay together. The kept pairs are clustered by union-find (a rejected pair is never joined,
as in the linker), the capture table is rebuilt, the method re-estimates, and the draws are
combined (docs/estimation.md, "Linkage uncertainty"):

- log-linear and stepwise: Rubin's (1987) multiple-imputation rules on ``log N``, each side of the
  interval with its own within-draw variance so an asymmetric interval keeps its shape;
- LCMCR and dga: the mixture of the draws' posteriors (Sadinle 2018 propagates linkage uncertainty
  the same way, by mixing over linkage configurations).

Pure functions over pairs and memberships: no database, no linker.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from unforgotten.errors import ValidationError
from unforgotten.estimate.table import CaptureTable

__all__ = [
    "Combined",
    "LinkageDraws",
    "LinkageSpace",
    "combine_mixture",
    "combine_rubin",
    "draw_persons",
    "draw_tables",
    "linkage_summary",
]

MIN_DRAWS = 2


@dataclass(frozen=True)
class LinkageSpace:
    """What a draw needs: the counted records and the scored pairs of one link run.

    ``records``: store ids of the records counted in estimates; ``sources`` the list of each and
    ``anchors`` the person each was imported as (records of one person are never parted).
    ``left``/``right``/``probability``: the scored pairs drawn at random. ``accepted`` and
    ``rejected``: record pairs fixed by reviewers (merges and splits by hand leave these too).
    ``one_per_source``: the run's clustering never put two records of one list in one person.
    """

    run_id: int
    records: NDArray[np.int64]
    sources: tuple[str, ...]
    anchors: NDArray[np.int64]
    left: NDArray[np.int64]
    right: NDArray[np.int64]
    probability: NDArray[np.float64]
    accepted: tuple[tuple[int, int], ...] = ()
    rejected: tuple[tuple[int, int], ...] = ()
    one_per_source: bool = False

    def __post_init__(self) -> None:
        if len(self.records) != len(self.sources) or len(self.records) != len(self.anchors):
            raise ValidationError("linkage draws: records, sources and anchors differ in length")
        if not (len(self.left) == len(self.right) == len(self.probability)):
            raise ValidationError("linkage draws: pair columns differ in length")
        bad = ~((self.probability >= 0.0) & (self.probability <= 1.0))
        if bad.any():
            raise ValidationError(
                f"linkage draws: match probability {float(self.probability[bad][0])!r} is not in [0, 1]"
            )


@dataclass
class _Forest:
    parent: NDArray[np.int64]
    forbidden: dict[int, set[int]] = field(default_factory=dict)
    sources: dict[int, int] | None = None  # root → bit mask of its lists (one_per_source only)

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = int(parent[root])
        while parent[node] != root:
            parent[node], node = root, int(parent[node])
        return root

    def blocked(self, a: int, b: int) -> bool:
        if self.forbidden:
            mine = self.forbidden.get(a)
            if mine and any(self.find(x) == b for x in mine):
                return True
        return self.sources is not None and bool(self.sources[a] & self.sources[b])

    def union(self, a: int, b: int) -> None:
        keep, drop = (a, b) if a < b else (b, a)
        self.parent[drop] = keep
        moved = self.forbidden.pop(drop, None)
        if moved:
            self.forbidden.setdefault(keep, set()).update(moved)
        if self.sources is not None:
            self.sources[keep] |= self.sources.pop(drop)


@dataclass(frozen=True)
class _Prepared:
    lists: tuple[str, ...]
    bits: NDArray[np.int64]  # per record: its list's bit in the canonical history index
    fixed: NDArray[np.int64]  # pairs of record positions always joined (anchors, accepted)
    left: NDArray[np.int64]  # positions, sorted by falling probability
    right: NDArray[np.int64]
    probability: NDArray[np.float64]
    forbidden: dict[int, set[int]]
    one_per_source: bool


def _prepare(space: LinkageSpace, lists: Sequence[str]) -> _Prepared:
    order = {name: i for i, name in enumerate(lists)}
    unknown = sorted(set(space.sources) - set(order))
    if unknown:
        raise ValidationError(f"linkage draws: records on list(s) {unknown} not among the table's lists")
    j = len(lists)
    bits = np.array([1 << (j - 1 - order[s]) for s in space.sources], dtype=np.int64)
    position = {int(r): i for i, r in enumerate(space.records)}

    def placed(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(position[a], position[b]) for a, b in pairs if a in position and b in position and a != b]

    decided = {(min(a, b), max(a, b)) for a, b in (*space.accepted, *space.rejected)}
    fixed: list[tuple[int, int]] = []
    first: dict[int, int] = {}
    for i, person in enumerate(space.anchors.tolist()):
        if person in first:
            fixed.append((first[person], i))
        else:
            first[person] = i
    fixed.extend(placed(space.accepted))
    forbidden: dict[int, set[int]] = {}
    for a, b in placed(space.rejected):
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    keep = [
        k
        for k, (a, b) in enumerate(zip(space.left.tolist(), space.right.tolist(), strict=True))
        if a in position and b in position and (min(a, b), max(a, b)) not in decided
    ]
    idx = np.array(keep, dtype=np.int64)
    prob = space.probability[idx] if len(idx) else np.zeros(0)
    left = np.array([position[int(a)] for a in space.left[idx]], dtype=np.int64)
    right = np.array([position[int(b)] for b in space.right[idx]], dtype=np.int64)
    ranked = np.lexsort((right, left, -prob)) if len(prob) else np.zeros(0, dtype=np.int64)
    return _Prepared(
        tuple(lists),
        bits,
        np.array(fixed, dtype=np.int64).reshape(-1, 2),
        left[ranked],
        right[ranked],
        prob[ranked],
        forbidden,
        space.one_per_source,
    )


def _cluster(prep: _Prepared, kept: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Root position of every record, joining the fixed pairs and then the kept ones best-first."""
    n = len(prep.bits)
    forest = _Forest(
        parent=np.arange(n, dtype=np.int64),
        forbidden={k: set(v) for k, v in prep.forbidden.items()},
        sources={i: int(b) for i, b in enumerate(prep.bits.tolist())} if prep.one_per_source else None,
    )
    for a, b in prep.fixed.tolist():
        ra, rb = forest.find(a), forest.find(b)
        if ra != rb:
            if forest.forbidden and forest.blocked(ra, rb) and forest.sources is None:
                raise ValidationError(
                    "linkage draws: accepted decisions join records a reviewer rejected as one person"
                )
            forest.union(ra, rb)
    constrained = bool(forest.forbidden) or forest.sources is not None
    for a, b in zip(prep.left[kept].tolist(), prep.right[kept].tolist(), strict=True):
        ra, rb = forest.find(a), forest.find(b)
        if ra != rb and not (constrained and forest.blocked(ra, rb)):
            forest.union(ra, rb)
    return np.array([forest.find(i) for i in range(n)], dtype=np.int64)


def _table(prep: _Prepared, roots: NDArray[np.int64]) -> CaptureTable:
    masks = np.zeros(len(prep.bits), dtype=np.int64)
    np.bitwise_or.at(masks, roots, prep.bits)
    histories = masks[np.unique(roots)]
    counts = np.bincount(histories, minlength=2 ** len(prep.lists))[1:]
    return CaptureTable(prep.lists, tuple(int(c) for c in counts))


def _draws(
    space: LinkageSpace, lists: Sequence[str], draws: int, seed: int
) -> Iterator[tuple[_Prepared, NDArray[np.int64]]]:
    if draws < MIN_DRAWS:
        raise ValidationError(f"--linkage-draws must be at least {MIN_DRAWS} (got {draws})")
    prep = _prepare(space, lists)
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        kept = rng.random(len(prep.probability)) < prep.probability
        yield prep, _cluster(prep, kept)


def draw_persons(space: LinkageSpace, draws: int, *, seed: int = 0) -> list[NDArray[np.int64]]:
    """Per drawn linkage, the person of every record of ``space.records`` (its smallest record id)."""
    lists = sorted(set(space.sources))
    return [space.records[roots] for _, roots in _draws(space, lists, draws, seed)]


def draw_tables(
    space: LinkageSpace, lists: Sequence[str], draws: int, *, seed: int = 0
) -> list[CaptureTable]:
    """``draws`` capture tables, one per linkage drawn from the pairs' match probabilities."""
    return [_table(prep, roots) for prep, roots in _draws(space, lists, draws, seed)]


@dataclass(frozen=True)
class Combined:
    """The draws combined: point estimate, interval and the parts of its variance (log scale)."""

    estimate: float
    lower: float
    upper: float
    within: float = 0.0  # W, mean within-draw variance of log N (mean of both sides)
    between: float = 0.0  # B, variance of log N̂ between draws
    total: float = 0.0  # T = W + (1 + 1/m) B
    df: float = math.inf


def _t_quantile(p: float, df: float) -> float:
    from scipy.stats import norm, t  # noqa: PLC0415 — scipy loads slowly

    return float(norm.ppf(p) if not math.isfinite(df) else t.ppf(p, df))


def combine_rubin(
    estimates: Sequence[float], lowers: Sequence[float], uppers: Sequence[float], *, level: float
) -> Combined:
    """Rubin's rules on ``log N`` over ``m`` draws.

    Each draw's interval gives its within-draw standard deviation on the log scale, one per side
    (``(log N̂ − log lower) / z`` and ``(log upper − log N̂) / z``), so W is their mean square per
    side; B is the sample variance of ``log N̂``; ``T = W + (1 + 1/m) B`` and the interval is
    ``exp(Q̄ ± t_ν √T)`` with Rubin's degrees of freedom ``ν = (m − 1)(1 + W / ((1 + 1/m) B))²``.
    With B = 0 and identical draws this is the draws' own interval.
    """
    m = len(estimates)
    if m < MIN_DRAWS or len(lowers) != m or len(uppers) != m:
        raise ValidationError(f"combining needs at least {MIN_DRAWS} draws with an interval each")
    q = np.log(np.asarray(estimates, dtype=np.float64))
    lo = np.log(np.asarray(lowers, dtype=np.float64))
    hi = np.log(np.asarray(uppers, dtype=np.float64))
    z = _t_quantile(0.5 + level / 2.0, math.inf)
    w_low = float(np.mean(((q - lo) / z) ** 2))
    w_high = float(np.mean(((hi - q) / z) ** 2))
    if np.all(q == q[0]):
        q_bar, between = float(q[0]), 0.0
    else:
        q_bar, between = float(np.mean(q)), float(np.var(q, ddof=1))
    extra = (1.0 + 1.0 / m) * between
    within = (w_low + w_high) / 2.0
    df = math.inf if extra == 0.0 else (m - 1) * (1.0 + within / extra) ** 2
    t = _t_quantile(0.5 + level / 2.0, df)
    if extra == 0.0 and np.all(lo == lo[0]) and np.all(hi == hi[0]):
        first = (float(estimates[0]), float(lowers[0]), float(uppers[0]))
        return Combined(*first, within, between, within + extra, df)
    lower = float(np.exp(q_bar - t * math.sqrt(w_low + extra)))
    upper = float(np.exp(q_bar + t * math.sqrt(w_high + extra)))
    return Combined(float(np.exp(q_bar)), lower, upper, within, between, within + extra, df)


def combine_mixture(
    samples: Sequence[NDArray[np.float64]],
    *,
    level: float,
    weights: Sequence[NDArray[np.float64]] | None = None,
) -> Combined:
    """The equal mixture of the draws' posteriors: its median and central interval.

    ``samples``: per draw, posterior draws of N (LCMCR) or, with ``weights``, the grid of N
    values and the posterior probability of each (dga). Each draw weighs the same.
    """
    m = len(samples)
    if m < MIN_DRAWS:
        raise ValidationError(f"combining needs at least {MIN_DRAWS} draws")
    tail = (1.0 - level) / 2.0
    if weights is None:
        if len({len(s) for s in samples}) == 1:
            pooled = np.concatenate([np.asarray(s, dtype=np.float64).ravel() for s in samples])
            lower, median, upper = np.quantile(pooled, [tail, 0.5, 1.0 - tail])
            return Combined(float(median), float(lower), float(upper))
        weights = [np.full(len(s), 1.0 / len(s)) for s in samples]
    values = np.concatenate([np.asarray(s, dtype=np.float64).ravel() for s in samples])
    mass = np.concatenate([np.asarray(w, dtype=np.float64) / np.sum(w) / m for w in weights])
    order = np.argsort(values, kind="stable")
    values, cdf = values[order], np.cumsum(mass[order])

    def quantile(p: float) -> float:
        return float(values[min(int(np.searchsorted(cdf, p - 1e-12)), len(values) - 1)])

    return Combined(quantile(0.5), quantile(tail), quantile(1.0 - tail))


@dataclass(frozen=True)
class LinkageDraws:
    """One method's estimate with and without the linkage's uncertainty."""

    run_id: int
    draws: int
    seed: int
    interval_without: tuple[float, float]
    interval_with: tuple[float, float]
    estimate_without: float
    estimate_with: float
    combining: str
    distinct_tables: int
    failed: int
    within: float | None = None
    between: float | None = None

    @property
    def share_of_width(self) -> float:
        """Share of the interval's width (with linkage uncertainty) that the linkage adds."""
        width_with = self.interval_with[1] - self.interval_with[0]
        width_without = self.interval_without[1] - self.interval_without[0]
        if not math.isfinite(width_with) or width_with <= 0:
            return 0.0
        return max(0.0, (width_with - width_without) / width_with)

    def to_dict(self) -> dict[str, Any]:
        """The ``linkage`` object of ``estimate --json`` and of a saved run."""
        out: dict[str, Any] = {
            "run": self.run_id,
            "draws": self.draws,
            "seed": self.seed,
            "combining": self.combining,
            "estimate_without": round(self.estimate_without, 2),
            "estimate_with": round(self.estimate_with, 2),
            "interval_without": [round(v, 2) for v in self.interval_without],
            "interval_with": [round(v, 2) for v in self.interval_with],
            "share_of_width": round(self.share_of_width, 4),
            "distinct_tables": self.distinct_tables,
            "failed_draws": self.failed,
        }
        if self.within is not None:
            out["within_variance_log"] = self.within
            out["between_variance_log"] = self.between
        return out


Fit = Callable[[CaptureTable], Any]  # returns an estimator with ``result_`` (and samples_/posterior_)


def linkage_summary(
    method: str,
    plain: Any,
    plain_table: CaptureTable,
    tables: Sequence[CaptureTable],
    fit: Fit,
    *,
    run_id: int,
    seed: int,
) -> LinkageDraws:
    """Re-estimate on every drawn table (a table seen before reuses its fit) and combine.

    ``plain``: the estimator fitted to ``plain_table``, the registry's own linkage (a draw that
    gives that table reuses it, so draws that all agree with the registry give its estimate
    exactly); ``fit`` fits a fresh one.
    A draw whose fit fails counts in ``failed`` and is left out (at least two must succeed).
    """
    from unforgotten.errors import EstimationError  # noqa: PLC0415

    seen: dict[CaptureTable, Any] = {plain_table: plain}
    fits: list[Any] = []
    failed = 0
    for table in tables:
        if table not in seen:
            try:
                seen[table] = fit(table)
            except EstimationError:
                seen[table] = None
        if seen[table] is None:
            failed += 1
        else:
            fits.append(seen[table])
    if len(fits) < MIN_DRAWS:
        raise ValidationError(f"linkage draws: only {len(fits)} of {len(tables)} draws could be estimated")
    res = plain.result_
    level = float(res.level)
    within: float | None = None
    between: float | None = None
    if all(f is fits[0] for f in fits):
        one = fits[0].result_
        combined = Combined(float(one.estimate), float(one.lower), float(one.upper))
        how = "every draw gave the same table"
        within, between = (0.0, 0.0) if method not in ("lcmcr", "dga") else (None, None)
    elif method == "lcmcr":
        combined = combine_mixture([np.asarray(f.samples_, dtype=np.float64) for f in fits], level=level)
        how = "mixture of posterior draws"
    elif method == "dga":
        combined = combine_mixture(
            [np.asarray(f.posterior_.totals, dtype=np.float64) for f in fits],
            weights=[np.asarray(f.posterior_.post_n, dtype=np.float64) for f in fits],
            level=level,
        )
        how = "mixture of posteriors"
    else:
        results = [f.result_ for f in fits]
        combined = combine_rubin(
            [r.estimate for r in results],
            [r.lower for r in results],
            [r.upper for r in results],
            level=level,
        )
        within, between = combined.within, combined.between
        how = "Rubin's rules on log N"
    return LinkageDraws(
        run_id=run_id,
        draws=len(tables),
        seed=seed,
        interval_without=(float(res.lower), float(res.upper)),
        interval_with=(combined.lower, combined.upper),
        estimate_without=float(res.estimate),
        estimate_with=combined.estimate,
        combining=how,
        distinct_tables=len({id(f) for f in fits}),
        failed=failed,
        within=within,
        between=between,
    )
