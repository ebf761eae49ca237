"""Clusters from scored pairs, respecting what reviewers decided.

Two methods, one rule for decisions:

- ``components``: connected components of the pairs at or above the threshold.
- ``one_per_source``: the same pairs merged best-first, skipping any merge that would
  put two records of one source list in one cluster.

Accepted pairs are merged first and always; rejected pairs are never in one cluster.
With rejected pairs, components are grown best-first and a merge that would join a
rejected pair is skipped (plain connected components could not honour them: A-B and B-C
above the threshold join A and C even when a reviewer said A is not C). Anchored records
(``anchors``: record → existing person) keep their persons apart: new pairs never merge
two existing persons; only an accepted pair does.

A cluster's id is the smallest ``unique_id`` in it, so ids are stable across runs that
find the same clusters. Pure Python and NumPy: no Splink, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from unforgotten.errors import ValidationError
from unforgotten.linkage.config import ClusterMethod

__all__ = ["ConflictingDecisions", "cluster_pairs"]


class ConflictingDecisions(ValidationError):
    """Raised when accepted pairs chain two records that a reviewer rejected as one."""


@dataclass
class _Forest:
    """Union-find over record ids with per-cluster constraints."""

    parent: dict[int, int]
    forbidden: dict[int, set[int]] = field(default_factory=dict)
    sources: dict[int, set[str]] = field(default_factory=dict)
    anchor: dict[int, int] = field(default_factory=dict)

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def blocked(self, a: int, b: int, *, one_per_source: bool, anchored: bool) -> bool:
        if any(self.find(x) == b for x in self.forbidden.get(a, ())):
            return True
        if one_per_source and not self.sources[a].isdisjoint(self.sources[b]):
            return True
        return anchored and a in self.anchor and b in self.anchor

    def union(self, a: int, b: int) -> None:
        keep, drop = (a, b) if a < b else (b, a)
        self.parent[drop] = keep
        forbidden = self.forbidden.pop(drop, None)
        if forbidden is not None:
            self.forbidden.setdefault(keep, set()).update(forbidden)
        sources = self.sources.pop(drop, None)
        if sources is not None:
            self.sources.setdefault(keep, set()).update(sources)
        if drop in self.anchor:
            self.anchor.setdefault(keep, self.anchor.pop(drop))


def _ordered_edges(pairs: pd.DataFrame, threshold: float) -> list[tuple[int, int]]:
    kept = pairs.loc[pairs["match_probability"] >= threshold]
    kept = kept.sort_values(
        ["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    )
    return list(zip(kept["unique_id_l"].tolist(), kept["unique_id_r"].tolist(), strict=True))


def _fast_components(
    ids: np.ndarray, pairs: pd.DataFrame, threshold: float, accepted: list[tuple[int, int]]
) -> pd.Series:
    kept = pairs.loc[pairs["match_probability"] >= threshold, ["unique_id_l", "unique_id_r"]]
    forced = np.array(accepted, dtype=np.int64).reshape(-1, 2)
    edges = np.vstack([kept.to_numpy(dtype=np.int64), forced])
    position = pd.Index(ids)
    left, right = position.get_indexer(edges[:, 0]), position.get_indexer(edges[:, 1])
    size = len(ids)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    smallest = pd.Series(ids).groupby(labels).transform("min").to_numpy()
    return pd.Series(smallest, index=pd.Index(ids, name="unique_id"), name="cluster_id")


def _forest(
    ids: np.ndarray,
    *,
    rejected: list[tuple[int, int]],
    sources: Mapping[int, str] | None,
    anchors: Mapping[int, int],
) -> _Forest:
    forest = _Forest(parent={int(i): int(i) for i in ids})
    for a, b in rejected:
        forest.forbidden.setdefault(a, set()).add(b)
        forest.forbidden.setdefault(b, set()).add(a)
    if sources is not None:
        forest.sources = {int(i): {sources[int(i)]} for i in ids}
    _join_anchored(forest, anchors)
    return forest


def _join_anchored(forest: _Forest, anchors: Mapping[int, int]) -> None:
    """Records of one existing person start in one cluster."""
    first: dict[int, int] = {}
    for record, person in sorted(anchors.items()):
        if person in first:
            a, b = forest.find(first[person]), forest.find(record)
            if a != b:
                forest.union(a, b)
        else:
            first[person] = record
    for record, person in anchors.items():
        forest.anchor[forest.find(record)] = person


def _force(forest: _Forest, accepted: list[tuple[int, int]]) -> None:
    for a, b in accepted:
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            continue
        if forest.blocked(ra, rb, one_per_source=False, anchored=False):
            raise ConflictingDecisions(
                f"accepting {a}-{b} would join records a reviewer rejected as one person"
            )
        forest.union(ra, rb)


def _grow(forest: _Forest, edges: list[tuple[int, int]], *, one_per_source: bool) -> None:
    for a, b in edges:
        ra, rb = forest.find(a), forest.find(b)
        if ra != rb and not forest.blocked(ra, rb, one_per_source=one_per_source, anchored=True):
            forest.union(ra, rb)


def _normalised(pairs: Iterable[tuple[int, int]], known: set[int]) -> list[tuple[int, int]]:
    out = sorted({(min(int(a), int(b)), max(int(a), int(b))) for a, b in pairs})
    return [(a, b) for a, b in out if a != b and a in known and b in known]


def cluster_pairs(
    pairs: pd.DataFrame,
    *,
    ids: Iterable[int],
    threshold: float,
    method: ClusterMethod = "components",
    sources: Mapping[int, str] | None = None,
    accepted: Iterable[tuple[int, int]] = (),
    rejected: Iterable[tuple[int, int]] = (),
    anchors: Mapping[int, int] | None = None,
) -> pd.Series:
    """Cluster id (smallest member id) of every record in ``ids``.

    ``pairs`` has ``unique_id_l``, ``unique_id_r`` and ``match_probability``. ``sources``
    (record → source list) is needed by ``one_per_source``. Decisions about records not
    in ``ids`` are ignored.
    """
    id_array = np.unique(np.fromiter((int(i) for i in ids), dtype=np.int64))
    known = set(id_array.tolist())
    forced, forbidden = _normalised(accepted, known), _normalised(rejected, known)
    anchored = {int(k): int(v) for k, v in (anchors or {}).items() if int(k) in known}
    if method == "components" and not forbidden and not anchored:
        return _fast_components(id_array, pairs, threshold, forced)
    if method == "one_per_source" and sources is None:
        raise ValidationError("one_per_source clustering needs each record's source")
    one_per_source = method == "one_per_source"
    forest = _forest(
        id_array,
        rejected=forbidden,
        sources=sources if one_per_source else None,
        anchors=anchored,
    )
    _force(forest, forced)
    _grow(forest, _ordered_edges(pairs, threshold), one_per_source=one_per_source)
    roots = [forest.find(int(i)) for i in id_array]
    return pd.Series(roots, index=pd.Index(id_array, name="unique_id"), name="cluster_id")
