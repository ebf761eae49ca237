"""End-to-end linkage on a small synthetic store: quality, outputs, decisions, increments."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.linkage.conftest import FAST
from unforgotten.linkage import LinkageResult, explain, link_new_records, link_records


def _pair_f1(clusters: pd.Series, truth: pd.Series) -> float:
    def pairs(labels: pd.Series) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for members in labels.groupby(labels).groups.values():
            ids = sorted(int(i) for i in members)
            out.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
        return out

    found, true = pairs(clusters), pairs(truth.reindex(clusters.index))
    hits = len(found & true)
    return 2 * hits / (len(found) + len(true))


def test_links_the_synthetic_lists_well(synthetic: pd.DataFrame, linked: LinkageResult) -> None:
    truth = synthetic.set_index("unique_id")["person"]
    assert _pair_f1(linked.clusters, truth) >= 0.97


def test_pairs_table_shape(linked: LinkageResult) -> None:
    pairs = linked.pairs
    assert (pairs["unique_id_l"] < pairs["unique_id_r"]).all()
    assert pairs["match_probability"].between(FAST.keep_floor, 1.0).all()
    assert {"gamma_given_name", "mw_given_name", "gamma_birth_date", "match_key"} <= set(pairs)
    assert linked.counts["pairs"] == len(pairs)
    assert linked.counts["candidate_pairs"] >= len(pairs)


def test_every_record_has_a_cluster(synthetic: pd.DataFrame, linked: LinkageResult) -> None:
    assert sorted(linked.clusters.index) == sorted(synthetic["unique_id"])
    assert (linked.clusters <= linked.clusters.index).all()


def test_timings_cover_every_phase(linked: LinkageResult) -> None:
    phases = {"features", "training", "blocking", "prediction", "clustering", "total"}
    assert set(linked.timings) == phases


def test_uncertain_band(linked: LinkageResult) -> None:
    band = linked.uncertain((0.2, 0.95))
    assert band["match_probability"].between(0.2, 0.95, inclusive="left").all()
    assert band["match_probability"].is_monotonic_decreasing


def test_model_json_is_a_trained_splink_model(linked: LinkageResult) -> None:
    model = json.loads(linked.model_json)
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert names[:2] == ["surname_name", "given_name"]
    assert 0 < model["probability_two_random_records_match"] < 0.01


def test_explain_rows_match_the_model(linked: LinkageResult) -> None:
    rows = explain(linked.model_json)
    assert rows[0].comparison == "prior"
    exact_given = next(r for r in rows if r.level == "given_key equal")
    assert exact_given.term_frequency_adjusted
    assert exact_given.m is not None and exact_given.u is not None
    assert exact_given.match_weight == pytest.approx(np.log2(exact_given.m / exact_given.u))
    assert exact_given.match_weight > 5


def _merged_pair(linked: LinkageResult) -> tuple[int, int]:
    top = linked.pairs.sort_values("match_probability", ascending=False).iloc[0]
    return int(top["unique_id_l"]), int(top["unique_id_r"])


def test_rejected_pair_is_never_merged(synthetic: pd.DataFrame, linked: LinkageResult) -> None:
    a, b = _merged_pair(linked)
    assert linked.clusters[a] == linked.clusters[b]
    again = link_records(synthetic.drop(columns="person"), config=FAST, rejected=[(a, b)])
    assert again.clusters[a] != again.clusters[b]


def test_accepted_pair_is_always_merged(synthetic: pd.DataFrame, linked: LinkageResult) -> None:
    a, b = (int(i) for i in linked.clusters.drop_duplicates().index[:2])
    again = link_records(synthetic.drop(columns="person"), config=FAST, accepted=[(a, b)])
    assert again.clusters[a] == again.clusters[b]


def test_new_list_joins_existing_persons(synthetic: pd.DataFrame) -> None:
    records = synthetic.drop(columns="person")
    is_new = records["source"] == "press"
    existing, new = records[~is_new], records[is_new]
    first = link_records(existing, config=FAST)
    later = link_new_records(
        new,
        existing,
        persons=first.clusters.to_dict(),
        model_json=first.model_json,
        config=FAST,
    )
    old_clusters = later.clusters.loc[first.clusters.index]
    # existing persons are neither split nor merged
    assert old_clusters.groupby(first.clusters).nunique().max() == 1
    assert first.clusters.groupby(old_clusters).nunique().max() == 1
    truth = synthetic.set_index("unique_id")["person"]
    assert _pair_f1(later.clusters, truth) >= 0.97
    assert (
        later.pairs["unique_id_l"].isin(new["unique_id"]) | later.pairs["unique_id_r"].isin(new["unique_id"])
    ).all()


def test_thin_records_without_birth_dates_still_link(synthetic: pd.DataFrame) -> None:
    """A testimony list that leaves every birth date blank: its pairs are decided by the name,
    event year, case type, places and sex (missing is not disagreement)."""
    thin = synthetic.copy()
    source = sorted(thin["source"].unique())[0]
    blank = thin["source"] == source
    thin.loc[blank, "birth_date"] = ""
    thin.loc[blank, ["birth_year", "birth_month", "birth_day"]] = None
    thin.loc[blank, "birth_precision"] = "unknown"
    result = link_records(thin.drop(columns="person"), config=FAST)
    truth = thin.set_index("unique_id")["person"]
    on_list = set(thin.loc[blank, "unique_id"])
    clusters = result.clusters
    found = [
        clusters[a] == clusters[b]
        for members in truth.groupby(truth).groups.values()
        for i, a in enumerate(sorted(members))
        for b in sorted(members)[i + 1 :]
        if (a in on_list) != (b in on_list)
    ]
    assert len(found) > 100
    assert sum(found) / len(found) >= 0.95  # 0.986 when written


def test_no_place_level_is_a_veto_and_closer_levels_weigh_more(linked: LinkageResult) -> None:
    from unforgotten.linkage import explain

    for comparison in ("birth_place", "event_place"):
        weights = [r.match_weight for r in explain(linked.model_json) if r.comparison == comparison]
        weights = [w for w in weights if w is not None]
        assert len(weights) == 3  # same unit, same province, different
        assert min(weights) >= -linked.config.place_floor_bits - 1e-9
        assert weights == sorted(weights, reverse=True)


def test_link_reports_the_place_resolution_of_every_list(
    synthetic: pd.DataFrame, linked: LinkageResult
) -> None:
    rates = linked.place_resolution
    assert set(rates) == set(synthetic["source"])
    for source, places in rates.items():
        rows = synthetic[synthetic["source"] == source]
        written = int((rows["birth_place"].fillna("").str.strip() != "").sum())
        assert places["birth_place"]["written"] == written
        assert 0.8 * written <= places["birth_place"]["resolved"] <= written


def test_related_case_types_never_count_against_a_pair(linked: LinkageResult) -> None:
    from unforgotten.linkage import explain

    related = [r for r in explain(linked.model_json) if r.level == "related case types"]
    assert len(related) == 1
    assert related[0].match_weight is not None and related[0].match_weight >= 0
