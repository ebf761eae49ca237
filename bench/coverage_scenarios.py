"""Coverage and bias of every estimator per capture scenario, with known truth.

Each scenario is a capture model of ``unforgotten.synth`` (heterogeneous catchability, list
dependence, both, neither) over four lists. Every replicate draws a fresh population of
``--persons`` and its captures, and every method estimates N from the capture table of the
true links; on the first ``--linked`` replicates of each scenario the lists are also written
with ``make_lists``' default noise and linked by our linker (Korean profile, default
settings), and every method estimates again from the linked table. The true-link tables carry
the study (hundreds of replicates cost minutes; linkage costs seconds per replicate); the
linked subset shows what linkage adds to each scenario.

Methods: the log-linear search (BIC and AIC), the three stepwise rules, LCMCR and dga. For each
scenario × method: the share of 95 % intervals that contain N, its Monte Carlo standard error
sqrt(c(1 − c)/R), the mean and median relative error (N̂ − N)/N and the median width / N.

    .venv/bin/python bench/coverage_scenarios.py --replicates 120 --linked 10 \
        --out bench/results/coverage_scenarios.md

On a shared machine the scenarios can run in separate processes, each keeping its fits
(``--scenarios a,b --fits-out a.jsonl``), and one report be written from them all
(``--from-fits a.jsonl b.jsonl --out …``).

``--out`` writes the generated tables; the reading in docs/estimation.md is written by hand.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from coverage_bench import capture_table, link, linkage_input, memberships

from unforgotten.estimate import CaptureTable, Settings, run_methods
from unforgotten.synth import (
    CaptureModel,
    Heterogeneity,
    capture_table_counts,
    generate_population,
    make_lists,
    preset,
    simulate_capture,
)

LISTS = 4


# ---------------------------------------------------------------- scenarios


def _frailty() -> CaptureModel:
    """Independent lists, a strong normal frailty loaded equally on every list (model Mh)."""
    base = preset("independent", lists=LISTS)
    return replace(base, name="frailty", heterogeneity=Heterogeneity(frailty_sd=1.0))


@dataclass(frozen=True)
class Scenario:
    """A named capture model, its population size and what it tests."""

    name: str
    build: Callable[[], CaptureModel]
    persons: int
    what: str


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "independent",
        lambda: preset("independent", lists=LISTS),
        2000,
        "equal catchability, independent lists: every assumption holds",
    ),
    Scenario(
        "positive_dependence",
        lambda: preset("positive_dependence", lists=LISTS),
        2000,
        "equal catchability; two lists copy an earlier one (odds ratios 4 and 5)",
    ),
    Scenario(
        "negative_dependence",
        lambda: preset("negative_dependence", lists=LISTS),
        2000,
        "equal catchability; one list avoids an earlier one (odds ratio 0.3)",
    ),
    Scenario(
        "heterogeneous",
        lambda: preset("heterogeneous", lists=LISTS),
        2000,
        "two catchability classes (35 % easy, 65 % hard), list-specific loadings, case-type"
        " and era effects; no direct dependence",
    ),
    Scenario(
        "frailty",
        _frailty,
        2000,
        "independent lists, normal frailty sd 1 loaded equally on every list",
    ),
    Scenario(
        "mixed",
        lambda: preset("mixed", lists=LISTS),
        2000,
        "classes, frailty sd 0.5, loadings, strata effects and positive and negative dependence",
    ),
    Scenario(
        "heterogeneous_small",
        lambda: preset("heterogeneous", lists=LISTS),
        400,
        "the heterogeneous model in a population of 400 (a thin stratum)",
    ),
)


# ---------------------------------------------------------------- methods


@dataclass(frozen=True)
class Method:
    """One column of the study: a method name and its settings."""

    label: str
    method: str
    settings: dict[str, object]


def methods(args: argparse.Namespace) -> tuple[Method, ...]:
    """Every method the command offers, with the study's LCMCR chain."""
    lcmcr = {
        "k": args.lcmcr_k,
        "burnin": args.lcmcr_burnin,
        "samples": args.lcmcr_samples,
        "thinning": args.lcmcr_thinning,
    }
    return (
        Method("loglinear (BIC)", "loglinear", {"criterion": "bic"}),
        Method("loglinear (AIC)", "loglinear", {"criterion": "aic"}),
        Method("stepwise skip-disjoint", "stepwise", {"rule": "skip-disjoint"}),
        Method("stepwise msefit", "stepwise", {"rule": "msefit"}),
        Method("stepwise sparsemse", "stepwise", {"rule": "sparsemse"}),
        Method("lcmcr", "lcmcr", lcmcr),
        Method("dga", "dga", {}),
    )


@dataclass(frozen=True)
class Fit:
    """One method on one table."""

    scenario: str
    replicate: int
    links: str  # "true" or "linkage"
    method: str
    true_n: int
    estimate: float | None
    lower: float | None
    upper: float | None
    seconds: float

    @property
    def covers(self) -> bool:
        """Whether the interval contains N (a failed fit does not)."""
        return self.lower is not None and self.upper is not None and self.lower <= self.true_n <= self.upper


def fit_all(
    table: CaptureTable, chosen: Sequence[Method], seed: int, context: dict[str, object]
) -> list[Fit]:
    """Every method on one table."""
    out = []
    for m in chosen:
        settings = Settings(seed=seed, **m.settings)  # type: ignore[arg-type]
        start = time.perf_counter()
        (run,) = run_methods({"all": table}, [m.method], settings, keep_going=True)
        res = run.result
        out.append(
            Fit(
                **context,  # type: ignore[arg-type]
                method=m.label,
                estimate=None if res is None else float(res.estimate),
                lower=None if res is None else float(res.lower),
                upper=None if res is None else float(res.upper),
                seconds=time.perf_counter() - start,
            )
        )
    return out


# ---------------------------------------------------------------- one replicate


def replicate(
    scenario: Scenario, index: int, *, linked: bool, chosen: Sequence[Method], seed: int
) -> list[Fit]:
    """Population, captures, the true-link table (and the linked one) and every fit."""
    base = seed * 100_000 + SCENARIOS.index(scenario) * 10_000 + index
    model = scenario.build()
    population = generate_population(scenario.persons, seed=base)
    context: dict[str, object] = {"scenario": scenario.name, "replicate": index, "true_n": len(population)}
    if not linked:
        truth = simulate_capture(population, model, seed=base + 1)
        table = CaptureTable.from_counts(list(model.list_names), capture_table_counts(truth))
        return fit_all(table, chosen, base, {**context, "links": "true"})
    # The same captures give both tables: the true one from the rows' persons, the other from
    # the linker's clusters.
    lists = make_lists(population, model, seed=base + 1)
    records, persons = linkage_input(lists)
    try:
        clusters, _ = link(records, None)
    except ValueError as exc:  # Splink's EM can underflow on small lists; counted, not hidden
        print(f"  {scenario.name} replicate {index}: linkage failed ({str(exc)[:60]}…)", flush=True)
        clusters = None
    sources = records.set_index("unique_id")["source"]
    true_table = capture_table(memberships(sources, persons), lists.list_names)
    fits = fit_all(true_table, chosen, base, {**context, "links": "true"})
    if clusters is None:
        return fits
    linked_table = capture_table(memberships(sources, clusters), lists.list_names)
    fits += fit_all(linked_table, chosen, base, {**context, "links": "linkage"})
    return fits


# ---------------------------------------------------------------- summary


@dataclass(frozen=True)
class Cell:
    """Coverage and error of one method in one scenario on one kind of links."""

    runs: int
    covered: int
    failed: int
    mean_rel: float
    median_rel: float
    median_width: float
    seconds: float

    @property
    def coverage(self) -> float:
        """Share of intervals that contain N."""
        return self.covered / self.runs if self.runs else math.nan

    @property
    def mc_se(self) -> float:
        """Monte Carlo standard error of the coverage."""
        c = self.coverage
        return math.sqrt(c * (1 - c) / self.runs) if self.runs else math.nan


def cell(fits: Sequence[Fit]) -> Cell:
    """Summarise the fits of one scenario × method × links."""
    ok = [f for f in fits if f.estimate is not None and f.lower is not None and f.upper is not None]
    rel = [(f.estimate - f.true_n) / f.true_n for f in ok if f.estimate is not None]
    width = [(f.upper - f.lower) / f.true_n for f in ok if f.upper is not None and f.lower is not None]
    return Cell(
        runs=len(fits),
        covered=sum(f.covers for f in fits),
        failed=len(fits) - len(ok),
        mean_rel=statistics.fmean(rel) if rel else math.nan,
        median_rel=statistics.median(rel) if rel else math.nan,
        median_width=statistics.median(width) if width else math.nan,
        seconds=sum(f.seconds for f in fits),
    )


def _select(fits: Sequence[Fit], scenario: str, method: str, links: str) -> list[Fit]:
    return [f for f in fits if f.scenario == scenario and f.method == method and f.links == links]


def _coverage(c: Cell) -> str:
    """Coverage ± its Monte Carlo SE; at 0 or 100 % the one-sided 95 % bound (rule of three)."""
    if c.covered == c.runs:
        return f"100% (≥ {1 - 3 / c.runs:.0%})"
    if c.covered == 0:
        return f"0% (≤ {3 / c.runs:.0%})"
    return f"{c.coverage:.0%} ± {c.mc_se:.1%}"


def coverage_grid(fits: Sequence[Fit], chosen: Sequence[Method], links: str) -> list[str]:
    """Scenario rows, method columns: coverage ± Monte Carlo SE."""
    head = " | ".join(m.label for m in chosen)
    lines = [f"| scenario | N | runs | {head} |", "|---|---|---|" + "---|" * len(chosen)]
    for s in SCENARIOS:
        cells = [cell(_select(fits, s.name, m.label, links)) for m in chosen]
        if not cells[0].runs:
            continue
        shown = [_coverage(c) + (f" ({c.failed} failed)" if c.failed else "") for c in cells]
        lines.append(f"| {s.name} | {s.persons:,} | {cells[0].runs} | {' | '.join(shown)} |")
    return lines


def _rel(value: float, *, sign: bool = True) -> str:
    """A relative figure; beyond ±1,000 % (an estimate that ran away) said so, not printed."""
    if abs(value) > 10:
        return "> +1,000%" if value > 0 else "< −1,000%"
    return f"{value:+.1%}" if sign else f"{value:.0%}"


def bias_grid(fits: Sequence[Fit], chosen: Sequence[Method], links: str) -> list[str]:
    """Scenario rows, method columns: mean relative error (median) and median width / N."""
    head = " | ".join(m.label for m in chosen)
    lines = [f"| scenario | {head} |", "|---|" + "---|" * len(chosen)]
    for s in SCENARIOS:
        cells = [cell(_select(fits, s.name, m.label, links)) for m in chosen]
        if not cells[0].runs:
            continue
        shown = [
            f"{_rel(c.mean_rel)} ({_rel(c.median_rel)}) w {_rel(c.median_width, sign=False)}" for c in cells
        ]
        lines.append(f"| {s.name} | {' | '.join(shown)} |")
    return lines


def seconds_line(fits: Sequence[Fit], chosen: Sequence[Method]) -> str:
    """Total seconds per method over the whole study."""
    parts = [f"{m.label} {sum(f.seconds for f in fits if f.method == m.label):.0f} s" for m in chosen]
    return "Seconds of estimation per method (all fits): " + ", ".join(parts) + "."


def report(fits: Sequence[Fit], args: argparse.Namespace, command: str, wall: float) -> str:
    """The Markdown results file."""
    chosen = methods(args)
    linked_runs = args.linked
    replicates = max(f.replicate for f in fits) + 1
    failures = [
        f"{s.name} replicate {i}"
        for s in SCENARIOS
        for i in range(linked_runs)
        if any(f.scenario == s.name for f in fits)
        and not any(f.scenario == s.name and f.replicate == i and f.links == "linkage" for f in fits)
    ]
    timing = (
        f"Total wall time {wall / 60:.1f} min"
        if not args.from_fits
        else f"Run as {len(args.from_fits)} processes side by side, report written from their fits"
    )
    parts = [
        "# Coverage per scenario and method: measured",
        "",
        f"Command: `{command}`",
        "",
        f"{replicates} replicates per scenario (a fresh population and fresh captures each),"
        f" {LISTS} lists; the first {linked_runs} of each also linked by our linker."
        f" {timing}; {os.cpu_count()} cores (load average"
        f" {os.getloadavg()[0]:.1f} at the end). LCMCR: K={args.lcmcr_k}, burn-in"
        f" {args.lcmcr_burnin:,}, {args.lcmcr_samples:,} samples thinned by {args.lcmcr_thinning},"
        " one chain; dga: default δ and grid (20 × n); stepwise at its rules' default thresholds;"
        " every interval at 95 %. A failed fit counts as not covering.",
        "",
        "## Scenarios",
        "",
        "| scenario | N | capture model |",
        "|---|---|---|",
        *[f"| {s.name} | {s.persons:,} | {s.what} |" for s in SCENARIOS],
        "",
        "## Coverage of the 95 % interval (true links)",
        "",
        f"Share of {replicates} intervals that contain N ± its Monte Carlo standard error"
        " (at 0 or 100 %, the one-sided 95 % bound 3/R instead).",
        "",
        *coverage_grid(fits, chosen, "true"),
        "",
        "## Bias and width (true links)",
        "",
        "Mean relative error (N̂ − N)/N, the median in brackets, and the median interval width / N.",
        "",
        *bias_grid(fits, chosen, "true"),
        "",
        f"## After linkage (first {linked_runs} replicates of each scenario)",
        "",
        "Coverage ± Monte Carlo SE of the same methods on the table our linker built:",
        "",
        *coverage_grid(fits, chosen, "linkage"),
        "",
        "Bias and width after linkage:",
        "",
        *bias_grid(fits, chosen, "linkage"),
        "",
        "The same replicates with true links, for comparison:",
        "",
        *coverage_grid([f for f in fits if f.replicate < linked_runs], chosen, "true"),
        "",
        "Linkage failed (Splink's EM underflowed; the replicate's true-link fits are kept): "
        + (", ".join(failures) or "none")
        + ".",
        "",
        seconds_line(fits, chosen),
        "",
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--start", type=int, default=0, help="index of the first replicate (to split a run)")
    parser.add_argument("--linked", type=int, default=10, help="replicates per scenario also linked")
    parser.add_argument("--scenarios", default=",".join(s.name for s in SCENARIOS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lcmcr-k", type=int, default=10)
    parser.add_argument("--lcmcr-burnin", type=int, default=5000)
    parser.add_argument("--lcmcr-samples", type=int, default=1000)
    parser.add_argument("--lcmcr-thinning", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown here")
    parser.add_argument("--fits-out", type=Path, default=None, help="append every fit here (JSON lines)")
    parser.add_argument("--from-fits", type=Path, nargs="+", default=None, help="report these fits only")
    return parser.parse_args(argv)


def read_fits(paths: Sequence[Path]) -> list[Fit]:
    """Fits kept by ``--fits-out`` runs."""
    return [Fit(**json.loads(line)) for path in paths for line in path.read_text().splitlines() if line]


def main(argv: Sequence[str] | None = None) -> None:
    """Run every scenario's replicates, print progress, write the report."""
    args = parse_args(argv)
    warnings.simplefilter("ignore")
    logging.getLogger("splink").setLevel(logging.ERROR)
    command = ".venv/bin/python bench/coverage_scenarios.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    wanted = set(args.scenarios.split(","))
    chosen, fits, start = methods(args), [], time.perf_counter()
    if args.from_fits:
        wanted, fits = set(), read_fits(args.from_fits)
    for scenario in (s for s in SCENARIOS if s.name in wanted):
        done: list[Fit] = []
        for index in range(args.start, args.start + args.replicates):
            done += replicate(scenario, index, linked=index < args.linked, chosen=chosen, seed=args.seed)
        fits += done
        if args.fits_out:
            with args.fits_out.open("a", encoding="utf-8") as handle:
                handle.writelines(json.dumps(asdict(f)) + "\n" for f in done)
        done = [f for f in fits if f.scenario == scenario.name and f.links == "true"]
        summary = ", ".join(
            f"{m.label} {cell([f for f in done if f.method == m.label]).coverage:.0%}" for m in chosen
        )
        print(f"{scenario.name}: {summary} ({time.perf_counter() - start:.0f} s)", flush=True)
    text = report(fits, args, command, time.perf_counter() - start)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
