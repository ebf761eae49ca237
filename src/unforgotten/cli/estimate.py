"""``unforgotten estimate``: population size from capture-pattern tables.

Loading is one function (:func:`load_tables`, stratum → table); the rest works on
``dict[str, CaptureTable]`` so a from-database mode only has to add another loader.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.cli.options import JsonOption, console, print_json
from unforgotten.estimate.methods import METHODS, MethodRun, Settings, run_methods
from unforgotten.estimate.report import render_report
from unforgotten.estimate.table import CaptureTable

__all__ = ["estimate", "load_tables", "register"]


class Method(StrEnum):
    """Methods the command offers."""

    loglinear = "loglinear"
    stepwise = "stepwise"
    lcmcr = "lcmcr"
    dga = "dga"
    all = "all"


class Criterion(StrEnum):
    """Model-selection criteria."""

    aic = "aic"
    bic = "bic"


def load_tables(table: Path) -> dict[str, CaptureTable]:
    """Stratum → table. ``--table`` gives one table, stratum ``all``."""
    return {"all": CaptureTable.from_csv(table)}


def _print_runs(runs: list[MethodRun]) -> None:
    view = Table("stratum", "method", "observed", "estimate", "interval", "notes")
    for r in runs:
        res = r.result
        if res is None:
            view.add_row(r.stratum, r.method, "", "", "", r.error or "")
            continue
        interval = f"{res.lower:,.0f} – {res.upper:,.0f} ({res.level:.0%})"
        view.add_row(
            r.stratum, r.method, f"{res.observed:,}", f"{res.estimate:,.0f}", interval, "; ".join(r.warnings)
        )
    console.print(view)


def _json_payload(runs: list[MethodRun], several: bool) -> object:
    strata = list(dict.fromkeys(r.stratum for r in runs))
    by = {s: [r.to_dict() for r in runs if r.stratum == s] for s in strata}
    shaped = {s: (v if several else v[0]) for s, v in by.items()}
    return shaped[strata[0]] if len(strata) == 1 else shaped


def estimate(
    table: Annotated[
        Path,
        typer.Option(
            "--table",
            help="Capture table CSV: a 0/1 column per list and `count` (or one row per record).",
            exists=True,
            dir_okay=False,
        ),
    ],
    method: Annotated[Method, typer.Option(help="Estimation method.")] = Method.stepwise,
    seed: Annotated[int, typer.Option(help="Seed (LCMCR chains, bootstrap).")] = 0,
    level: Annotated[float, typer.Option(help="Interval level.")] = 0.95,
    criterion: Annotated[Criterion, typer.Option(help="Log-linear selection.")] = Criterion.bic,
    model: Annotated[str | None, typer.Option(help="One log-linear model, e.g. [123,14,34].")] = None,
    interval: Annotated[
        str | None, typer.Option(help="lognormal | profile | wald | bootstrap (log-linear methods).")
    ] = None,
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 200,
    k: Annotated[int, typer.Option("--k", help="LCMCR latent classes.")] = 10,
    burnin: Annotated[int, typer.Option(help="LCMCR burn-in sweeps.")] = 10_000,
    samples: Annotated[int, typer.Option(help="LCMCR draws kept per chain.")] = 1_000,
    thinning: Annotated[int, typer.Option(help="LCMCR sweeps between draws.")] = 100,
    chains: Annotated[int, typer.Option(help="LCMCR chains.")] = 1,
    delta: Annotated[float | None, typer.Option(help="dga prior mass per cell (2^-J).")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a self-contained HTML report.", dir_okay=False)
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Estimate the total number of victims, counting those on no list.

    Example:

        unforgotten estimate --table kosovo.csv --method all --json
        unforgotten estimate --table kosovo.csv --method lcmcr --seed 7 --chains 4
        unforgotten estimate --table uk.csv --method stepwise --report uk.html
    """
    tables = load_tables(table)
    methods = list(METHODS) if method is Method.all else [method.value]
    settings = Settings(
        seed=seed,
        level=level,
        criterion=criterion.value,
        model=model,
        interval=interval,  # type: ignore[arg-type]  # checked by the estimators
        n_boot=n_boot,
        k=k,
        burnin=burnin,
        samples=samples,
        thinning=thinning,
        chains=chains,
        delta=delta,
    )
    runs = run_methods(tables, methods, settings, keep_going=method is Method.all)
    if report is not None:
        report.write_text(render_report(runs, tables), encoding="utf-8")
    if as_json:
        print_json(_json_payload(runs, several=method is Method.all))
    else:
        _print_runs(runs)


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` command to the main application."""
    app.command("estimate")(estimate)
