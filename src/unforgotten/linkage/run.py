"""One linkage run: records in, scored pairs, clusters and the trained model out.

:func:`link_records` links a whole store (within and across lists);
:func:`link_new_records` links records imported later against existing persons with a
saved model, without re-deciding anything already decided.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from unforgotten.errors import ValidationError
from unforgotten.linkage.calibration import IDENTITY, Calibration, calibrate, choose, error_budget
from unforgotten.linkage.cluster import cluster_pairs
from unforgotten.linkage.comparisons import present_columns
from unforgotten.linkage.config import LinkageConfig
from unforgotten.linkage.consistency import split_contradictions
from unforgotten.linkage.engines import Engine, database_api
from unforgotten.linkage.model import (
    has_surname_prior,
    new_linker,
    register_surname_prior,
    settings_for,
    train,
)
from unforgotten.linkage.prepare import prepare

__all__ = ["LinkageResult", "link_new_records", "link_records"]

Pair = tuple[int, int]


@dataclass(frozen=True)
class LinkageResult:
    """What a run produced.

    Attributes
    ----------
    pairs:
        One row per candidate pair scored at or above ``config.keep_floor``:
        ``unique_id_l < unique_id_r``, ``match_probability``, ``match_weight``,
        ``match_key`` (index of the blocking rule that found it), and per comparison
        ``gamma_<name>`` (the level reached, -1 for null) and ``mw_<name>`` (its weight).
    clusters:
        ``unique_id`` → cluster id (the smallest ``unique_id`` in the cluster).
    model_json:
        The trained Splink model (settings with m and u), as JSON text.
    timings:
        Wall-clock seconds per phase: ``features``, ``training``, ``blocking``,
        ``prediction``, ``clustering``, ``total``.
    counts:
        ``records``, ``candidate_pairs`` (after blocking), ``pairs`` (kept),
        ``clusters``, ``contradicting_clusters`` (clusters split because they joined both
        sexes or birth years too far apart) and ``held_apart_pairs`` (pairs above the
        threshold those splits cut: ``pairs.held_apart``, sent to review).
    config:
        The settings of the run.
    cpu_seconds:
        CPU seconds per phase (same keys as ``timings``; all threads and worker
        processes): with ``timings``, shows how much a busy machine slowed the run.
    calibration:
        How ``pairs.match_probability`` was calibrated from the match weight
        (:mod:`unforgotten.linkage.calibration`); Splink's own is ``match_probability_raw``.
    place_resolution:
        Per list (``source``): for ``birth_place`` and ``event_place``, how many records
        have the place written (``written``) and how many of those resolved to a gazetteer
        unit or province (``resolved``); see :func:`place_resolution`.
    """

    pairs: pd.DataFrame
    clusters: pd.Series
    model_json: str
    timings: Mapping[str, float]
    counts: Mapping[str, int]
    config: LinkageConfig = field(default_factory=LinkageConfig)
    cpu_seconds: Mapping[str, float] = field(default_factory=dict)
    place_resolution: Mapping[str, Mapping[str, Mapping[str, int]]] = field(default_factory=dict)
    calibration: Calibration = IDENTITY

    def uncertain(self, band: tuple[float, float] | None = None) -> pd.DataFrame:
        """Pairs with ``lo <= match_probability < hi`` (default: the config's band)."""
        lo, hi = band if band is not None else self.config.review_band
        probability = self.pairs["match_probability"]
        chosen = self.pairs.loc[(probability >= lo) & (probability < hi)]
        return chosen.sort_values("match_probability", ascending=False, ignore_index=True)

    def error_budget(self) -> dict[str, float]:
        """Expected errors by band (:func:`unforgotten.linkage.calibration.error_budget`)."""
        probabilities = self.pairs["match_probability"].to_numpy()
        lo, _ = self.config.review_band
        return error_budget(probabilities, threshold=self.config.threshold, review_from=lo)


def _cpu_seconds() -> float:
    """CPU time of this process (all threads, DuckDB's included) and its finished children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._start, self._cpu_start = time.perf_counter(), _cpu_seconds()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), _cpu_seconds()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
        self.cpu[name] = self.cpu.get(name, 0.0) + _cpu_seconds() - cpu

    def total(self) -> dict[str, float]:
        return {**self.timings, "total": time.perf_counter() - self._start}

    def cpu_total(self) -> dict[str, float]:
        return {**self.cpu, "total": _cpu_seconds() - self._cpu_start}


def _check_records(records: pd.DataFrame) -> None:
    missing = [c for c in ("unique_id", "source") if c not in records.columns]
    if missing:
        raise ValidationError(f"records lack the column(s) {', '.join(missing)}")
    if records["unique_id"].duplicated().any():
        raise ValidationError("records hold the same unique_id twice")


def _pairs_frame(linker: Linker, predictions: SplinkDataFrame) -> pd.DataFrame:
    names = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", "match_key"]
    columns = [c.unquote().name for c in predictions.columns]
    names += [c for c in columns if c.startswith(("gamma_", "mw_"))]
    sql = f"SELECT {', '.join(names)} FROM {predictions.physical_name}"
    frame: pd.DataFrame = linker.misc.query_sql(sql, output_type="pandas")
    return _ordered_ids(frame)


def _ordered_ids(frame: pd.DataFrame) -> pd.DataFrame:
    left = frame[["unique_id_l", "unique_id_r"]].min(axis=1)
    right = frame[["unique_id_l", "unique_id_r"]].max(axis=1)
    frame = frame.assign(unique_id_l=left.astype("int64"), unique_id_r=right.astype("int64"))
    return frame.sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)


def _score(linker: Linker, config: LinkageConfig, clock: _Clock) -> tuple[pd.DataFrame, int]:
    with clock.phase("blocking"):
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        sql = f"SELECT count(*) AS n FROM {blocked.physical_name}"
        candidates = int(linker.misc.query_sql(sql, output_type="pandas")["n"].iloc[0])
    with clock.phase("prediction"):
        predictions = linker.inference.predict(
            threshold_match_probability=config.keep_floor, warning_mode="never"
        )
        pairs = _pairs_frame(linker, predictions)
    return pairs, candidates


def _clusters(
    features: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    config: LinkageConfig,
    accepted: list[Pair],
    rejected: list[Pair],
    anchors: Mapping[int, int] | None = None,
) -> pd.Series:
    sources = dict(zip(features["unique_id"].tolist(), features["source"].tolist(), strict=True))
    return cluster_pairs(
        pairs,
        ids=features["unique_id"].tolist(),
        threshold=config.threshold,
        method=config.clustering,
        sources=sources,
        accepted=accepted,
        rejected=rejected,
        anchors=anchors,
    )


def _consistent(
    clusters: pd.Series,
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    config: LinkageConfig,
    accepted: list[Pair],
) -> tuple[pd.Series, pd.DataFrame, int]:
    """Clusters split where they join contradicting records; ``pairs.held_apart`` marks
    the pairs above the threshold that the split cut (they go to review)."""
    if not config.split_contradictions:
        return clusters, pairs.assign(held_apart=False), 0
    split = split_contradictions(clusters, pairs, features, threshold=config.threshold, accepted=accepted)
    cut = set(split.held_apart)
    keys = zip(pairs["unique_id_l"].tolist(), pairs["unique_id_r"].tolist(), strict=True)
    return split.clusters, pairs.assign(held_apart=[k in cut for k in keys]), split.contradicting


def _calibration(
    config: LinkageConfig, pairs: pd.DataFrame, *, accepted: list[Pair], rejected: list[Pair]
) -> Calibration:
    """Calibrated probabilities for the Korean profile (the one the shipped calibration
    was fitted for); the other profiles keep Splink's."""
    return choose(
        pairs,
        enabled=config.calibrate and config.profile == "korean",
        accepted=accepted,
        rejected=rejected,
        min_labels=config.min_labels,
    )


def place_resolution(records: pd.DataFrame, features: pd.DataFrame) -> dict[str, dict[str, dict[str, int]]]:
    """Per list, places written and places resolved (``{"birth_place": {"written": n,
    "resolved": k}, ...}``): a list whose places mostly do not resolve loses that evidence,
    and the rate says so before the matches do."""
    sources = features["source"].astype(str).to_numpy()
    out: dict[str, dict[str, dict[str, int]]] = {}
    for prefix in ("birth", "event"):
        column = f"{prefix}_place"
        if column not in records.columns:
            continue
        text = records[column].fillna("").astype(str).str.strip().to_numpy()
        written = text != ""
        resolved = (
            written
            & (features[f"{prefix}_place_code"].notna() | features[f"{prefix}_province"].notna()).to_numpy()
        )
        frame = pd.DataFrame({"source": sources, "written": written, "resolved": resolved})
        for source, group in frame.groupby("source", sort=True):
            counts = {"written": int(group["written"].sum()), "resolved": int(group["resolved"].sum())}
            out.setdefault(str(source), {})[column] = counts
    return out


def link_records(
    records: pd.DataFrame,
    *,
    config: LinkageConfig,
    accepted: Iterable[Pair] = (),
    rejected: Iterable[Pair] = (),
    engine: Engine = "duckdb",
    spark_session: Any = None,
) -> LinkageResult:
    """Deduplicate within and link across all lists in ``records``.

    ``records`` has ``unique_id``, ``source`` and the canonical columns (see
    :func:`unforgotten.linkage.prepare.prepare`). ``accepted`` pairs always end in one
    cluster, ``rejected`` pairs never; accepted pairs also train the model when
    ``config.use_review_labels``.
    """
    _check_records(records)
    clock, accepted, rejected = _Clock(), list(accepted), list(rejected)
    with clock.phase("features"):
        features = prepare(records, config=config)
    with database_api(engine, config=config, spark_session=spark_session) as api:
        present = present_columns(features)
        linker = new_linker(api.register(features), settings_for(config, present=present))
        with clock.phase("training"):
            register_surname_prior(linker, features)
            train(linker, config=config, present=present, accepted=accepted)
        pairs, candidates = _score(linker, config, clock)
        model = linker.misc.save_model_to_json()
    calibration = _calibration(config, pairs, accepted=accepted, rejected=rejected)
    pairs = calibrate(pairs, calibration, keep_floor=config.keep_floor)
    with clock.phase("clustering"):
        clusters = _clusters(features, pairs, config=config, accepted=accepted, rejected=rejected)
        clusters, pairs, contradicting = _consistent(clusters, pairs, features, config, accepted)
    return _result(
        pairs=pairs,
        clusters=clusters,
        model=model,
        clock=clock,
        config=config,
        candidates=candidates,
        places=place_resolution(records, features) if config.profile == "korean" else {},
        calibration=calibration,
        contradicting=contradicting,
    )


def _result(
    *,
    pairs: pd.DataFrame,
    clusters: pd.Series,
    model: dict[str, Any],
    clock: _Clock,
    config: LinkageConfig,
    candidates: int,
    places: Mapping[str, Mapping[str, Mapping[str, int]]] | None = None,
    calibration: Calibration = IDENTITY,
    contradicting: int = 0,
) -> LinkageResult:
    counts = {
        "records": len(clusters),
        "candidate_pairs": candidates,
        "pairs": len(pairs),
        "clusters": int(clusters.nunique()),
        "contradicting_clusters": contradicting,
        "held_apart_pairs": int(pairs["held_apart"].sum()) if "held_apart" in pairs else 0,
    }
    return LinkageResult(
        pairs=pairs,
        clusters=clusters,
        model_json=json.dumps(model, ensure_ascii=False, indent=1),
        timings=clock.total(),
        counts=counts,
        config=config,
        cpu_seconds=clock.cpu_total(),
        place_resolution=places or {},
        calibration=calibration,
    )


def _register_tf_tables(linker: Linker, features: pd.DataFrame) -> None:
    register_surname_prior(linker, features)
    for column in linker._settings_obj._term_frequency_columns:
        name = column.unquote().name
        if name == "surname_key" and has_surname_prior(features):
            continue
        linker.table_management.compute_tf_table(name)


def link_new_records(
    new: pd.DataFrame,
    existing: pd.DataFrame,
    *,
    persons: Mapping[int, int],
    model_json: str,
    config: LinkageConfig,
    accepted: Iterable[Pair] = (),
    rejected: Iterable[Pair] = (),
    engine: Engine = "duckdb",
    spark_session: Any = None,
) -> LinkageResult:
    """Link records imported later to the existing persons, with a saved model.

    ``persons`` maps each existing record to its person. New records are compared with
    existing ones and with each other (never existing with existing), then join an
    existing person (at most one: existing persons are never merged by new pairs) or
    form new clusters. The model is not retrained.
    """
    _check_records(pd.concat([existing[["unique_id", "source"]], new[["unique_id", "source"]]]))
    clock = _Clock()
    with clock.phase("features"):
        parts = [prepare(existing, config=config), prepare(new, config=config)]
        features = pd.concat(parts, ignore_index=True)
        is_new = features["unique_id"].isin(new["unique_id"])
    with database_api(engine, config=config, spark_session=spark_session) as api:
        linker = new_linker(api.register(features), json.loads(model_json))
        new_table, old_table = api.register(features[is_new]), api.register(features[~is_new])
        with clock.phase("training"):
            _register_tf_tables(linker, features)
        with clock.phase("prediction"):
            pairs = _incremental_pairs(linker, new_table, old_table, config)
        model = linker.misc.save_model_to_json()
    calibration = _calibration(config, pairs, accepted=list(accepted), rejected=list(rejected))
    pairs = calibrate(pairs, calibration, keep_floor=config.keep_floor)
    with clock.phase("clustering"):
        clusters = _clusters(
            features,
            pairs,
            config=config,
            accepted=list(accepted),
            rejected=list(rejected),
            anchors=persons,
        )
    return _result(
        pairs=pairs,
        clusters=clusters,
        model=model,
        clock=clock,
        config=config,
        candidates=len(pairs),
        calibration=calibration,
    )


def _incremental_pairs(
    linker: Linker, new: SplinkDataFrame, old: SplinkDataFrame, config: LinkageConfig
) -> pd.DataFrame:
    floor = config.keep_floor
    between = linker.inference.predict_between(
        new, old, threshold_match_probability=floor, warning_mode="never"
    )
    within = linker.inference.predict_within(new, threshold_match_probability=floor, warning_mode="never")
    frames = [_pairs_frame(linker, between), _pairs_frame(linker, within)]
    return _ordered_ids(pd.concat(frames, ignore_index=True))
