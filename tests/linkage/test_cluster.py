"""Clusters from pairs: exact expectations for thresholds, decisions and the source rule."""

from __future__ import annotations

import pandas as pd
import pytest

from unforgotten.linkage import ConflictingDecisions, cluster_pairs


def _pairs(*rows: tuple[int, int, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


CHAIN = _pairs((1, 2, 0.99), (2, 3, 0.97), (3, 4, 0.40), (5, 6, 0.96))


def _as_dict(series: pd.Series) -> dict[int, int]:
    return {int(k): int(v) for k, v in series.items()}


def test_connected_components_at_threshold() -> None:
    clusters = cluster_pairs(CHAIN, ids=range(1, 8), threshold=0.95)
    assert _as_dict(clusters) == {1: 1, 2: 1, 3: 1, 4: 4, 5: 5, 6: 5, 7: 7}


def test_threshold_is_inclusive() -> None:
    clusters = cluster_pairs(_pairs((1, 2, 0.95)), ids=[1, 2], threshold=0.95)
    assert _as_dict(clusters) == {1: 1, 2: 1}


def test_accepted_pair_always_merges() -> None:
    clusters = cluster_pairs(CHAIN, ids=range(1, 8), threshold=0.95, accepted=[(4, 3)])
    assert _as_dict(clusters) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 5, 6: 5, 7: 7}


def test_accepted_pair_without_any_score_merges() -> None:
    clusters = cluster_pairs(_pairs(), ids=[1, 2, 3], threshold=0.95, accepted=[(3, 1)])
    assert _as_dict(clusters) == {1: 1, 2: 2, 3: 1}


def test_rejected_pair_never_shares_a_cluster() -> None:
    clusters = cluster_pairs(CHAIN, ids=range(1, 8), threshold=0.95, rejected=[(1, 3)])
    # 1-2 (0.99) merges first; 2-3 would then join 1 and 3, so it is skipped.
    assert _as_dict(clusters) == {1: 1, 2: 1, 3: 3, 4: 4, 5: 5, 6: 5, 7: 7}


def test_rejected_direct_pair_is_cut() -> None:
    clusters = cluster_pairs(CHAIN, ids=range(1, 8), threshold=0.95, rejected=[(6, 5)])
    assert clusters[5] != clusters[6]


def test_contradicting_decisions_raise() -> None:
    with pytest.raises(ConflictingDecisions):
        cluster_pairs(_pairs(), ids=[1, 2, 3], threshold=0.9, accepted=[(1, 2), (2, 3)], rejected=[(1, 3)])


def test_one_per_source_keeps_best_link() -> None:
    pairs = _pairs((1, 2, 0.99), (1, 3, 0.97), (2, 3, 0.96))
    sources = {1: "a", 2: "b", 3: "b"}
    clusters = cluster_pairs(pairs, ids=[1, 2, 3], threshold=0.9, method="one_per_source", sources=sources)
    assert _as_dict(clusters) == {1: 1, 2: 1, 3: 3}


def test_components_allow_duplicates_within_a_source() -> None:
    pairs = _pairs((1, 2, 0.99), (1, 3, 0.97))
    clusters = cluster_pairs(pairs, ids=[1, 2, 3], threshold=0.9, sources={1: "a", 2: "b", 3: "b"})
    assert _as_dict(clusters) == {1: 1, 2: 1, 3: 1}


def test_accepted_pair_overrides_the_source_rule() -> None:
    clusters = cluster_pairs(
        _pairs(),
        ids=[1, 2],
        threshold=0.9,
        method="one_per_source",
        sources={1: "a", 2: "a"},
        accepted=[(1, 2)],
    )
    assert _as_dict(clusters) == {1: 1, 2: 1}


def test_anchored_persons_are_not_merged_by_new_pairs() -> None:
    # 1 and 2 are existing persons 100 and 200; new record 3 resembles both.
    pairs = _pairs((1, 3, 0.99), (2, 3, 0.98))
    clusters = cluster_pairs(pairs, ids=[1, 2, 3], threshold=0.9, anchors={1: 100, 2: 200})
    assert _as_dict(clusters) == {1: 1, 2: 2, 3: 1}


def test_records_of_one_anchored_person_stay_together() -> None:
    clusters = cluster_pairs(_pairs(), ids=[1, 2, 3], threshold=0.9, anchors={1: 7, 3: 7})
    assert _as_dict(clusters) == {1: 1, 2: 2, 3: 1}


def test_decisions_about_unknown_records_are_ignored() -> None:
    clusters = cluster_pairs(_pairs(), ids=[1, 2], threshold=0.9, accepted=[(1, 99)])
    assert _as_dict(clusters) == {1: 1, 2: 2}
