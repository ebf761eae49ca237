"""Clusters that join contradicting persons are split; the cut pairs go to review."""

from __future__ import annotations

import pandas as pd

from unforgotten.linkage.consistency import split_contradictions


def _features(rows: list[tuple[int, str | None, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": [r[0] for r in rows],
            "sex": pd.array([r[1] for r in rows], dtype="string"),
            "birth_year": pd.array([r[2] for r in rows], dtype="Int64"),
        }
    )


def _pairs(edges: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id_l": [e[0] for e in edges],
            "unique_id_r": [e[1] for e in edges],
            "match_probability": [e[2] for e in edges],
        }
    )


def test_a_chain_joining_both_sexes_is_split_at_its_weakest_link() -> None:
    features = _features([(1, "M", 1950), (2, None, 1950), (3, "F", 1951), (4, "M", None)])
    pairs = _pairs([(1, 2, 0.99), (2, 3, 0.96), (1, 4, 0.98)])
    clusters = pd.Series([1, 1, 1, 1], index=pd.Index([1, 2, 3, 4], name="unique_id"))
    split = split_contradictions(clusters, pairs, features, threshold=0.95)
    assert split.clusters.to_dict() == {1: 1, 2: 1, 3: 3, 4: 1}
    assert (split.contradicting, split.held_apart) == (1, [(2, 3)])


def test_birth_years_within_two_stay_and_further_apart_split() -> None:
    features = _features([(1, None, 1950), (2, None, 1952), (3, None, 1955)])
    pairs = _pairs([(1, 2, 0.99), (2, 3, 0.97)])
    clusters = pd.Series([1, 1, 1], index=pd.Index([1, 2, 3], name="unique_id"))
    split = split_contradictions(clusters, pairs, features, threshold=0.95)
    assert split.clusters.to_dict() == {1: 1, 2: 1, 3: 3}


def test_an_accepted_pair_stays_together_whatever_it_joins() -> None:
    features = _features([(1, "M", 1950), (2, "F", 1950)])
    pairs = _pairs([(1, 2, 0.99)])
    clusters = pd.Series([1, 1], index=pd.Index([1, 2], name="unique_id"))
    split = split_contradictions(clusters, pairs, features, threshold=0.95, accepted=[(2, 1)])
    assert split.clusters.to_dict() == {1: 1, 2: 1}
    assert split.held_apart == []


def test_clean_clusters_are_left_alone() -> None:
    features = _features([(1, "M", 1950), (2, "M", 1951), (3, "F", 1970)])
    clusters = pd.Series([1, 1, 3], index=pd.Index([1, 2, 3], name="unique_id"))
    split = split_contradictions(clusters, _pairs([(1, 2, 0.99)]), features, threshold=0.95)
    assert split.clusters.equals(clusters) and split.contradicting == 0
