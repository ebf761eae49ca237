"""Clusters that join persons who cannot be one: split them, send the cut pairs to review.

Connected components chain: A = B and B = C put A and C in one cluster although nothing
compared them. When a cluster holds both sexes, or stated birth years further apart than
:data:`BIRTH_YEAR_TOLERANCE` (a year off by one is common: lunar calendar, Korean age), it
is regrown from its own pairs best-first, and a merge that would join two such records
that no pair above the threshold links directly is skipped (the model weighed the pairs
it scored; the chain it did not); the skipped pairs go to review. Accepted pairs are
merged first, whatever they join: a reviewer's word stands. Pure Python: no Splink, no
database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = ["BIRTH_YEAR_TOLERANCE", "Split", "split_contradictions"]

#: Stated birth years at most this far apart may be one person.
BIRTH_YEAR_TOLERANCE = 2


@dataclass(frozen=True, slots=True)
class _Person:
    sex: str | None
    year: int | None

    def contradicts(self, other: _Person) -> bool:
        """Both sexes known and different, or stated birth years beyond the tolerance."""
        if self.sex and other.sex and self.sex != other.sex:
            return True
        return (
            self.year is not None
            and other.year is not None
            and (abs(self.year - other.year) > BIRTH_YEAR_TOLERANCE)
        )


@dataclass(frozen=True)
class Split:
    """The clusters after splitting, and what the split did."""

    clusters: pd.Series
    contradicting: int
    held_apart: list[tuple[int, int]]


def _attributes(features: pd.DataFrame) -> dict[int, _Person]:
    sexes = features["sex"].astype(object).where(features["sex"].notna(), None)
    years = features["birth_year"].astype("Float64")
    return {
        int(uid): _Person(sex if sex in ("M", "F") else None, None if pd.isna(year) else int(year))
        for uid, sex, year in zip(features["unique_id"].tolist(), sexes, years, strict=True)
    }


def _contradicting(clusters: pd.Series, features: pd.DataFrame) -> set[int]:
    """Clusters holding both sexes or stated birth years beyond the tolerance."""
    frame = pd.DataFrame(
        {
            "cluster": clusters.reindex(features["unique_id"].to_numpy()).to_numpy(),
            "sex": features["sex"].where(features["sex"].isin(["M", "F"])).to_numpy(),
            "year": features["birth_year"].astype("Float64").to_numpy(),
        }
    )
    grouped = frame.groupby("cluster")
    sexes = grouped["sex"].nunique()
    spread = grouped["year"].max() - grouped["year"].min()
    bad = (sexes > 1) | (spread.fillna(0) > BIRTH_YEAR_TOLERANCE)
    return {int(c) for c in bad.index[bad.to_numpy(dtype=bool)]}


def _regrow(
    members: list[int],
    edges: list[tuple[int, int]],
    persons: dict[int, _Person],
    forced: set[tuple[int, int]],
) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Best-first union of one cluster's edges (forced ones first). A merge is skipped when
    it would put together two contradicting records that no edge links directly: the
    model weighed a pair it scored, not the chain."""
    direct = set(edges)
    group = {m: [m] for m in members}
    root = {m: m for m in members}
    held: list[tuple[int, int]] = []
    ordered = [e for e in edges if e in forced] + [e for e in edges if e not in forced]
    for a, b in ordered:
        ra, rb = root[a], root[b]
        if ra == rb:
            continue
        if (a, b) not in forced and _clash(group[ra], group[rb], persons, direct):
            held.append((a, b))
            continue
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        for m in group[drop]:
            root[m] = keep
        group[keep] += group.pop(drop)
    return {m: min(group[root[m]]) for m in members}, held


def _clash(
    left: list[int], right: list[int], persons: dict[int, _Person], direct: set[tuple[int, int]]
) -> bool:
    return any(
        persons[x].contradicts(persons[y]) and (min(x, y), max(x, y)) not in direct
        for x in left
        for y in right
    )


def split_contradictions(
    clusters: pd.Series,
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    *,
    threshold: float,
    accepted: Iterable[tuple[int, int]] = (),
) -> Split:
    """Split every cluster of ``clusters`` that joins records of both sexes or of stated
    birth years more than :data:`BIRTH_YEAR_TOLERANCE` apart (see the module note)."""
    bad = _contradicting(clusters, features)
    if not bad:
        return Split(clusters, 0, [])
    chosen = clusters[clusters.isin(bad)]
    persons = _attributes(features.loc[features["unique_id"].isin(chosen.index)])
    members = chosen.groupby(chosen).groups
    kept = pairs.loc[pairs["match_probability"] >= threshold]
    kept = kept.sort_values("match_probability", ascending=False, kind="stable")
    forced = {(min(a, b), max(a, b)) for a, b in accepted}
    out = clusters.copy()
    held: list[tuple[int, int]] = []
    by_cluster: dict[int, list[tuple[int, int]]] = {}
    cluster_of = clusters.to_dict()
    for a, b in zip(kept["unique_id_l"].tolist(), kept["unique_id_r"].tolist(), strict=True):
        c = cluster_of.get(a)
        if c in bad and cluster_of.get(b) == c:
            by_cluster.setdefault(c, []).append((a, b))
    for c in sorted(bad):
        ids = [int(i) for i in members[c]]
        edges = by_cluster.get(c, []) + sorted(f for f in forced if f[0] in ids and f[1] in ids)
        new, cut = _regrow(ids, list(dict.fromkeys(edges)), persons, forced)
        out.loc[list(new)] = list(new.values())
        held += cut
    return Split(out, len(bad), held)
