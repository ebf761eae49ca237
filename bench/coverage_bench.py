"""Coverage of the estimators' intervals after linkage, on synthetic lists with known truth.

Issue 5's must-show: end to end (``unforgotten.synth`` → ``unforgotten.linkage`` →
``unforgotten.estimate``), over ``--populations`` synthetic populations with different list
dependence, how often each method's interval contains the true N. Every population is
estimated twice: from the capture table built by linkage (clusters → list memberships) and
from the table built by the true row → person mapping, so linkage error and model error can
be told apart.

Run: ``.venv/bin/python bench/coverage_bench.py --populations 20 --persons 2000 --lists 4
--seed 1 --out bench/results/coverage.md``.

Population ``i`` has its own population seed and a capture model drawn by
``random_model(lists, seed=..., dependence=d_i)`` with ``d_i`` cycling through
``--dependence`` (``--design presets`` cycles the named presets instead); lists are written
by ``make_lists`` with its default noise (5 % duplicates, 30 % noisy names, drifting and
partial dates). Linkage runs the Korean profile with default settings.

``--out`` writes the generated tables only: the hand-written reading at the end of
``bench/results/coverage.md`` is lost on a rerun and must be redone from the new numbers.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import re
import statistics
import sys
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from unforgotten.domain.dates import PartialDate, parse_partial_date
from unforgotten.domain.vocab import CASE_TYPES, SEX
from unforgotten.estimate import CaptureTable, MethodRun, Settings, run_methods, tables_by_stratum
from unforgotten.linkage import LinkageConfig, link_records
from unforgotten.synth import (
    PRESETS,
    CaptureModel,
    SyntheticLists,
    generate_population,
    make_lists,
    random_model,
)
from unforgotten.synth import preset as preset_model

DEFAULT_METHODS = ("loglinear", "stepwise", "lcmcr", "dga")
TEXT_COLUMNS = (
    "full_name",
    "family_name",
    "given_name",
    "name_hangul",
    "aliases",
    "birth_place",
    "event_place",
)
STRATUM = "all"


# ---------------------------------------------------------------- design


@dataclass(frozen=True)
class Design:
    """One population's capture design: its seeds and its model."""

    index: int
    label: str
    dependence: float | None
    population_seed: int
    lists_seed: int
    model: CaptureModel


def design(index: int, args: argparse.Namespace) -> Design:
    """Population ``index``: a random model at a cycled dependence, or a cycled preset."""
    base = args.seed * 1000 + index
    if args.design == "presets":
        name = PRESETS[index % len(PRESETS)]
        return Design(index, name, None, base, base + 500, preset_model(name, lists=args.lists))
    levels = args.dependence
    level = levels[index % len(levels)]
    model = random_model(args.lists, seed=base, dependence=level)
    return Design(index, f"random d={level:g}", level, base, base + 500, model)


# ---------------------------------------------------------------- linkage input


def _date_parts(parsed: PartialDate) -> tuple[int | None, int | None, int | None]:
    """Year, month, day as the registry's extract_records gives them (from the ISO form)."""
    iso = parsed.iso()
    if not iso:
        return None, None, None
    if "/" in iso:
        return int(iso[:4]), None, None
    parts = [int(p) for p in iso.split("-")]
    year, month, day = [*parts, None, None][:3]
    return year, month, day


def _vocab_code(raw: str, sex: bool) -> str | None:
    if not raw:
        return None
    code = (SEX if sex else CASE_TYPES).normalise(raw)
    return None if code == "U" else code


def canonical_record(unique_id: int, source: str, row: Mapping[str, str]) -> dict[str, Any]:
    """One list row as the registry hands it to linkage (see ``linkage/store.py``)."""
    birth = parse_partial_date(row.get("birth_date") or "")
    event = parse_partial_date(row.get("event_date") or "")
    year, month, day = _date_parts(birth)
    return {
        "unique_id": unique_id,
        "source": source,
        "record_id": row["record_id"],
        **{c: row.get(c) or None for c in TEXT_COLUMNS},
        "sex": _vocab_code(row.get("sex") or "", sex=True),
        "birth_date": row.get("birth_date") or None,
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "birth_precision": birth.precision,
        "case_type": _vocab_code(row.get("case_type") or "", sex=False),
        "event_date": row.get("event_date") or None,
        "event_year": _date_parts(event)[0],
    }


def linkage_input(lists: SyntheticLists) -> tuple[pd.DataFrame, pd.Series]:
    """Every row of every list as a linkage record, and each record's true person."""
    records, persons = [], []
    for source in lists.lists:
        for row in source.rows:
            records.append(canonical_record(len(records), source.name, row))
            persons.append(lists.truth[(source.name, row["record_id"])])
    frame = pd.DataFrame(records)
    return frame, pd.Series(persons, index=frame["unique_id"], name="person")


# ---------------------------------------------------------------- tables and metrics


def memberships(sources: pd.Series, groups: pd.Series) -> list[frozenset[str]]:
    """Per group (linked person or true person): the lists its records are on."""
    frame = pd.DataFrame({"source": sources.to_numpy(), "group": groups.to_numpy()})
    return [frozenset(s) for s in frame.groupby("group", sort=True)["source"].agg(set)]


def capture_table(members: Iterable[frozenset[str]], lists: Sequence[str]) -> CaptureTable:
    """One capture table over ``lists`` (a single stratum)."""
    return tables_by_stratum(((STRATUM, m) for m in members), lists)[STRATUM]


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_metrics(clusters: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Pairwise precision, recall and F1 of ``clusters`` against the true persons."""
    frame = pd.DataFrame({"c": clusters.to_numpy(), "t": truth.reindex(clusters.index).to_numpy()})
    together = _pairs(frame.groupby(["c", "t"]).size())
    predicted = _pairs(frame.groupby("c").size())
    actual = _pairs(frame.groupby("t").size())
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# ---------------------------------------------------------------- estimation


@dataclass(frozen=True)
class Estimate:
    """One method on one table of one population."""

    population: int
    label: str
    links: str  # "linkage" or "true"
    method: str
    true_n: int
    observed: int
    estimate: float | None
    lower: float | None
    upper: float | None
    seconds: float
    warnings: tuple[str, ...] = ()
    error: str | None = None

    @property
    def covers(self) -> bool:
        """Whether the interval contains the true N (a failed run does not)."""
        if self.lower is None or self.upper is None:
            return False
        return self.lower <= self.true_n <= self.upper


def settings_for(args: argparse.Namespace, seed: int) -> Settings:
    """Method settings: BIC log-linear, Silverman stepwise, an affordable LCMCR."""
    return Settings(
        seed=seed,
        criterion="bic",
        rule="silverman",
        k=args.lcmcr_k,
        burnin=args.lcmcr_burnin,
        samples=args.lcmcr_samples,
        thinning=args.lcmcr_thinning,
        chains=args.lcmcr_chains,
    )


def _estimate(run: MethodRun, seconds: float, context: dict[str, Any]) -> Estimate:
    result = run.result
    return Estimate(
        **context,
        method=run.method,
        estimate=None if result is None else float(result.estimate),
        lower=None if result is None else float(result.lower),
        upper=None if result is None else float(result.upper),
        seconds=seconds,
        warnings=run.warnings,
        error=run.error,
    )


def estimate_table(
    table: CaptureTable, methods: Sequence[str], settings: Settings, context: dict[str, Any]
) -> list[Estimate]:
    """Every method on one table, timed one by one."""
    out = []
    for method in methods:
        start = time.perf_counter()
        (run,) = run_methods({STRATUM: table}, [method], settings, keep_going=True)
        out.append(_estimate(run, time.perf_counter() - start, context))
    return out


# ---------------------------------------------------------------- one population


@dataclass
class Population:
    """What one population produced: linkage quality and the estimates on both tables."""

    design: Design
    true_n: int
    records: int
    observed_true: int
    observed_linked: int
    linkage: dict[str, float]
    linkage_seconds: float
    estimates: list[Estimate] = field(default_factory=list)


def link(records: pd.DataFrame, threads: int | None) -> tuple[pd.Series, float]:
    """Clusters of the Korean-profile linkage with default settings, and its seconds."""
    start = time.perf_counter()
    result = link_records(records, config=LinkageConfig(profile="korean", threads=threads))
    clusters = result.clusters.reindex(records["unique_id"].to_numpy())
    return clusters, time.perf_counter() - start


def run_population(index: int, args: argparse.Namespace) -> Population:
    """Synthesise, link, build both tables and estimate on each."""
    plan = design(index, args)
    population = generate_population(args.persons, seed=plan.population_seed)
    lists = make_lists(population, plan.model, seed=plan.lists_seed)
    records, truth = linkage_input(lists)
    clusters, seconds = link(records, args.threads)
    sources = records.set_index("unique_id")["source"]
    linked = capture_table(memberships(sources, clusters), lists.list_names)
    true = capture_table(memberships(sources, truth), lists.list_names)
    out = Population(
        plan,
        len(population),
        len(records),
        true.observed,
        linked.observed,
        pairwise_metrics(clusters, truth),
        seconds,
    )
    settings = settings_for(args, plan.population_seed)
    for links, table in (("linkage", linked), ("true", true)):
        context = {
            "population": index,
            "label": plan.label,
            "links": links,
            "true_n": out.true_n,
            "observed": table.observed,
        }
        out.estimates += estimate_table(table, args.methods, settings, context)
    return out


# ---------------------------------------------------------------- summary


@dataclass(frozen=True)
class Summary:
    """Coverage and error of one method on one kind of links over all populations."""

    method: str
    links: str
    runs: int
    failed: int
    coverage: float
    median_rel_error: float
    median_abs_rel_error: float
    median_width: float
    median_rel_width: float
    below: int
    above: int
    seconds: float


def summarise(estimates: Sequence[Estimate], method: str, links: str) -> Summary:
    """Coverage, median signed and absolute relative error, median width, misses by side."""
    chosen = [e for e in estimates if e.method == method and e.links == links]
    ok = [e for e in chosen if e.estimate is not None and e.lower is not None and e.upper is not None]
    rel = [(e.estimate - e.true_n) / e.true_n for e in ok if e.estimate is not None]
    width = [e.upper - e.lower for e in ok if e.upper is not None and e.lower is not None]
    return Summary(
        method=method,
        links=links,
        runs=len(chosen),
        failed=len(chosen) - len(ok),
        coverage=sum(e.covers for e in chosen) / len(chosen) if chosen else float("nan"),
        median_rel_error=_median(rel),
        median_abs_rel_error=_median([abs(r) for r in rel]),
        median_width=_median(width),
        median_rel_width=_median([w / e.true_n for w, e in zip(width, ok, strict=True)]),
        below=sum(1 for e in ok if e.upper is not None and e.upper < e.true_n),
        above=sum(1 for e in ok if e.lower is not None and e.lower > e.true_n),
        seconds=sum(e.seconds for e in chosen),
    )


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------- report


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:,.{digits}f}"


def summary_table(pops: Sequence[Population], methods: Sequence[str]) -> list[str]:
    """The headline table: per method, after linkage and with true links."""
    estimates = [e for p in pops for e in p.estimates]
    lines = [
        "| method | links | coverage | intervals below N / above N | failed | median rel. error"
        " | median abs. rel. error | median width | median width / N | seconds (all) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for method in methods:
        for links in ("linkage", "true"):
            s = summarise(estimates, method, links)
            lines.append(
                f"| {method} | {links} | **{s.coverage:.0%}** ({round(s.coverage * s.runs)}/{s.runs})"
                f" | {s.below} / {s.above} | {s.failed} | {s.median_rel_error:+.1%}"
                f" | {s.median_abs_rel_error:.1%} | {_fmt(s.median_width)}"
                f" | {s.median_rel_width:.1%} | {s.seconds:.1f} |"
            )
    return lines


def linkage_shift(pops: Sequence[Population], methods: Sequence[str]) -> list[str]:
    """Per method: how far linkage moved the estimate, (N̂ linked − N̂ true) / N."""
    lines = ["| method | median shift | min | max |", "|---|---|---|---|"]
    for method in methods:
        shifts = []
        for p in pops:
            found = {e.links: e.estimate for e in p.estimates if e.method == method}
            linked, true = found.get("linkage"), found.get("true")
            if linked is not None and true is not None:
                shifts.append((linked - true) / p.true_n)
        if shifts:
            lines.append(f"| {method} | {_median(shifts):+.2%} | {min(shifts):+.2%} | {max(shifts):+.2%} |")
    return lines


def linkage_table(pops: Sequence[Population]) -> list[str]:
    """Per population: model, N, records, persons observed vs linked, linkage quality."""
    lines = [
        "| pop | model | true N | records | persons observed (truth) | persons after linkage"
        " | pairwise P | pairwise R | F1 | linkage s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in pops:
        m = p.linkage
        lines.append(
            f"| {p.design.index} | {p.design.label} | {p.true_n:,} | {p.records:,}"
            f" | {p.observed_true:,} | {p.observed_linked:,} | {m['precision']:.3f}"
            f" | {m['recall']:.3f} | {m['f1']:.3f} | {p.linkage_seconds:.1f} |"
        )
    return lines


def _cell(e: Estimate | None) -> str:
    if e is None or e.estimate is None:
        return "failed" if e is None or e.error is None else f"failed: {e.error[:40]}"
    mark = "✓" if e.covers else "✗"
    flag = " ⚠" if e.warnings else ""
    return f"{_fmt(e.estimate)} ({_fmt(e.lower)}–{_fmt(e.upper)}) {mark}{flag}"


def method_rows(pops: Sequence[Population], method: str) -> list[str]:
    """Per population rows for one method: both tables side by side."""
    lines = [
        f"#### {method}",
        "",
        "| pop | model | true N | after linkage: N̂ (interval) | s | true links: N̂ (interval) | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in pops:
        found = {e.links: e for e in p.estimates if e.method == method}
        linked, true = found.get("linkage"), found.get("true")
        lines.append(
            f"| {p.design.index} | {p.design.label} | {p.true_n:,} | {_cell(linked)}"
            f" | {_fmt(linked.seconds if linked else None, 1)} | {_cell(true)}"
            f" | {_fmt(true.seconds if true else None, 1)} |"
        )
    return [*lines, ""]


def by_dependence(pops: Sequence[Population], methods: Sequence[str]) -> list[str]:
    """Coverage per model label (dependence level or preset), both kinds of links."""
    labels = list(dict.fromkeys(p.design.label for p in pops))
    head = " | ".join(f"{m} linked / true" for m in methods)
    lines = [f"| model | populations | {head} |", "|---|---|" + "---|" * len(methods)]
    for label in labels:
        chosen = [e for p in pops if p.design.label == label for e in p.estimates]
        count = sum(1 for p in pops if p.design.label == label)
        cells = []
        for method in methods:
            parts = [
                sum(e.covers for e in chosen if e.method == method and e.links == links)
                for links in ("linkage", "true")
            ]
            cells.append(f"{parts[0]}/{count} / {parts[1]}/{count}")
        lines.append(f"| {label} | {count} | {' | '.join(cells)} |")
    return lines


def warning_lines(pops: Sequence[Population]) -> list[str]:
    """Distinct estimator warnings, counted per method."""
    counts: dict[tuple[str, str], int] = {}
    for e in (e for p in pops for e in p.estimates):
        for w in e.warnings:
            key = (e.method, re.sub(r"\d[\d,.]*", "#", w)[:120])
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return ["None."]
    return [f"- {m}: {text} — {n}×" for (m, text), n in sorted(counts.items())]


def report(pops: Sequence[Population], args: argparse.Namespace, command: str, wall: float) -> str:
    """The Markdown results file (numbers only; the reading is written by hand below it)."""
    methods = list(args.methods)
    f1 = [p.linkage["f1"] for p in pops]
    parts = [
        "# Coverage after linkage: measured",
        "",
        f"Command: `{command}`",
        "",
        f"{len(pops)} synthetic populations of {args.persons:,} persons, {args.lists} lists,"
        f" design `{args.design}`"
        + (
            f" (dependence cycling {', '.join(f'{d:g}' for d in args.dependence)})"
            if args.design == "random"
            else ""
        )
        + f"; total wall time {wall / 60:.1f} min. Linkage: Korean profile, default"
        f" `LinkageConfig` (threshold 0.95, connected components); pairwise F1 median"
        f" {statistics.median(f1):.3f} (min {min(f1):.3f}, max {max(f1):.3f}).",
        "",
        f"Methods: `loglinear` (all hierarchical models, BIC, log-normal interval), `stepwise`"
        f" (Silverman rule, profile-likelihood interval), `lcmcr` (K={args.lcmcr_k},"
        f" burn-in {args.lcmcr_burnin:,}, {args.lcmcr_samples:,} samples, thinning"
        f" {args.lcmcr_thinning}, {args.lcmcr_chains} chain(s) — shorter than the reference"
        f" 10,000 + 1,000 × 100 to keep 40 fits affordable), `dga` (default δ and grid to"
        f" 20 × n). All at 95 %. A failed run counts as not covering.",
        "",
        f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end of the run;"
        " seconds are indicative only.",
        "",
        "## Coverage per method",
        "",
        *summary_table(pops, methods),
        "",
        'Relative error is (N̂ − N) / N, signed (negative: underestimate). "below N":'
        " the whole interval under the true N.",
        "",
        "## What linkage alone does to the estimate",
        "",
        "(N̂ after linkage − N̂ with true links) / N, per population, same method and seed.",
        "",
        *linkage_shift(pops, methods),
        "",
        "## Coverage per capture model",
        "",
        *by_dependence(pops, methods),
        "",
        "## Linkage per population",
        "",
        *linkage_table(pops),
        "",
        "## Per population and method",
        "",
        "✓ the interval contains the true N, ✗ it does not, ⚠ the estimator warned.",
        "",
    ]
    for method in methods:
        parts += method_rows(pops, method)
    parts += ["## Estimator warnings (counted over both tables)", "", *warning_lines(pops), ""]
    return "\n".join(parts)


# ---------------------------------------------------------------- main


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",") if v.strip()]


def _methods(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--populations", type=int, default=20)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--lists", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--design", choices=("random", "presets"), default="random")
    parser.add_argument(
        "--dependence",
        type=_floats,
        default=[0.0, 0.5, 1.0, 1.5, 2.0],
        help="comma-separated dependence levels cycled over populations",
    )
    parser.add_argument("--methods", type=_methods, default=list(DEFAULT_METHODS))
    parser.add_argument("--lcmcr-k", type=int, default=10)
    parser.add_argument("--lcmcr-burnin", type=int, default=2000)
    parser.add_argument("--lcmcr-samples", type=int, default=500)
    parser.add_argument("--lcmcr-thinning", type=int, default=10)
    parser.add_argument("--lcmcr-chains", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None, help="linkage threads")
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown here")
    args = parser.parse_args(argv)
    if args.lists > 5 and "dga" in args.methods:
        parser.error("dga takes at most 5 lists; drop it from --methods")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run every population, print progress, write the report."""
    args = parse_args(argv)
    warnings.simplefilter("ignore")
    logging.getLogger("splink").setLevel(logging.ERROR)
    command = ".venv/bin/python bench/coverage_bench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    start, pops = time.perf_counter(), []
    for index in range(args.populations):
        pop = run_population(index, args)
        pops.append(pop)
        covered = " ".join(f"{e.method}:{e.links[0]}{'+' if e.covers else '-'}" for e in pop.estimates)
        print(
            f"[{index + 1}/{args.populations}] {pop.design.label} N={pop.true_n}"
            f" n={pop.observed_true}/{pop.observed_linked} F1={pop.linkage['f1']:.3f}"
            f" {covered} ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    text = report(pops, args, command, time.perf_counter() - start)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print("\n".join(summary_table(pops, list(args.methods))))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
