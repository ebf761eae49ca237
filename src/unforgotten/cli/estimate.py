"""``unforgotten estimate``: population size from capture-pattern tables.

Loading is one function (:func:`load_tables`, stratum → table); the rest works on
``dict[str, CaptureTable]`` so a from-database mode only has to add another loader.
"""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from unforgotten.cli.options import DbOption, JsonOption, console, err_console, print_json
from unforgotten.errors import ValidationError

if TYPE_CHECKING:
    from unforgotten.estimate.linkage_draws import LinkageDraws
    from unforgotten.estimate.methods import MethodRun, Settings
    from unforgotten.estimate.table import CaptureTable

__all__ = ["estimate", "load_tables", "register"]


class Method(StrEnum):
    """Methods the command offers."""

    loglinear = "loglinear"
    stepwise = "stepwise"
    lcmcr = "lcmcr"
    dga = "dga"
    all = "all"


class Rule(StrEnum):
    """Stepwise rules (docs/estimation.md)."""

    skip_disjoint = "skip-disjoint"
    msefit = "msefit"
    sparsemse = "sparsemse"


class Criterion(StrEnum):
    """Model-selection criteria."""

    aic = "aic"
    bic = "bic"


def load_tables(
    table: Path | None,
    *,
    db: str | None = None,
    by: str | None = None,
    drop: list[str] | None = None,
    dataset: str | None = None,
) -> dict[str, CaptureTable]:
    """Stratum → table: ``--table`` (or a shipped ``--dataset``) gives one table (stratum ``all``);
    without it, the registry's linked persons, one table per value of ``--by`` (each source list is
    a list)."""
    from unforgotten.estimate.datasets import SHIPPED, shipped_table  # noqa: PLC0415
    from unforgotten.estimate.table import CaptureTable, tables_by_stratum  # noqa: PLC0415 — scipy loads slowly

    if table is not None and dataset is not None:
        raise ValidationError("give --table FILE or --dataset NAME, not both")
    if dataset is not None:
        if dataset not in SHIPPED:
            raise ValidationError(f"no shipped dataset {dataset!r}; choose from {', '.join(SHIPPED)}")
        tables = {"all": shipped_table(dataset)}
    elif table is not None:
        tables = {"all": CaptureTable.from_csv(table)}
    else:
        from unforgotten.cli.context import open_workspace  # noqa: PLC0415 — the database stack loads slowly
        from unforgotten.store.queries import capture_memberships  # noqa: PLC0415

        ws = open_workspace(db)
        with ws.read() as conn:
            rows, lists = capture_memberships(conn, by=by)
        tables = tables_by_stratum(rows, lists)
    if drop:
        tables = {k: t.drop_lists(drop) for k, t in tables.items()}
    return tables


def _print_runs(runs: list[MethodRun]) -> None:
    view = Table("stratum", "method", "observed", "estimate", "interval", "notes")
    for r in runs:
        res = r.result
        if res is None:
            view.add_row(r.stratum, r.method, "", "", "", r.error or "")
            continue
        interval = f"{res.lower:,.0f} – {res.upper:,.0f} ({res.level:.0%})"
        rule = res.settings.get("rule")
        name = f"{r.method} ({rule})" if rule else r.method
        view.add_row(
            r.stratum, name, f"{res.observed:,}", f"{res.estimate:,.0f}", interval, "; ".join(r.warnings)
        )
    console.print(view)


def _print_linkage(runs: list[MethodRun], linkage: dict[int, LinkageDraws]) -> None:
    view = Table("method", "without linkage uncertainty", "with", "share of width", "draws")
    for i, r in enumerate(runs):
        if i not in linkage:
            continue
        d = linkage[i]
        (a, b), (c, e) = d.interval_without, d.interval_with
        view.add_row(
            r.method,
            f"{d.estimate_without:,.0f} ({a:,.0f} – {b:,.0f})",
            f"{d.estimate_with:,.0f} ({c:,.0f} – {e:,.0f})",
            f"{d.share_of_width:.0%}",
            f"{d.draws} ({d.distinct_tables} distinct tables; {d.combining})",
        )
    console.print(
        f"Linkage uncertainty, {next(iter(linkage.values())).draws} draws from link run "
        f"{next(iter(linkage.values())).run_id}:"
    )
    console.print(view)


def _json_payload(
    runs: list[MethodRun], several: bool, linkage: dict[int, LinkageDraws] | None = None
) -> object:
    strata = list(dict.fromkeys(r.stratum for r in runs))
    linkage = linkage or {}

    def shown(i: int, r: MethodRun) -> dict[str, Any]:
        out = r.to_dict()
        if i in linkage:
            out["linkage"] = linkage[i].to_dict()
        return out

    by = {s: [shown(i, r) for i, r in enumerate(runs) if r.stratum == s] for s in strata}
    shaped = {s: (v if several else v[0]) for s, v in by.items()}
    return shaped[strata[0]] if len(strata) == 1 else shaped


def estimate(
    table: Annotated[
        Path | None,
        typer.Option(
            "--table",
            help="Capture table CSV: a 0/1 column per list and `count` (or one row per record). "
            "Without it, the registry's linked persons are used (run `unforgotten link` first).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset",
            help="A published table shipped with Unforgotten (its README gives each one's source): "
            "Artificial_3, Congenital, UKdat, UKdat_4, UKdat_5, kosovo, spina_bifida_MY1997.",
        ),
    ] = None,
    method: Annotated[Method, typer.Option(help="Estimation method.")] = Method.stepwise,
    seed: Annotated[int, typer.Option(help="Seed (LCMCR chains, bootstrap).")] = 0,
    level: Annotated[float, typer.Option(help="Interval level.")] = 0.95,
    criterion: Annotated[Criterion, typer.Option(help="Log-linear selection.")] = Criterion.bic,
    model: Annotated[str | None, typer.Option(help="One log-linear model, e.g. [123,14,34].")] = None,
    rule: Annotated[
        Rule,
        typer.Option(
            help="Stepwise rule: skip-disjoint (AIC steps, pairs of lists sharing no unit never "
            "offered), msefit (modslavmse MSEfit exactly: every pair offered) or sparsemse "
            "(SparseMSE estimatepopulation.0)."
        ),
    ] = Rule.skip_disjoint,
    pthresh: Annotated[
        float | None,
        typer.Option(help="Stepwise p-value threshold (default 0.05; 0.02 for sparsemse)."),
    ] = None,
    interval: Annotated[
        str | None, typer.Option(help="lognormal | profile | wald | bootstrap (log-linear methods).")
    ] = None,
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 200,
    k: Annotated[int, typer.Option("--k", help="LCMCR latent classes.")] = 10,
    burnin: Annotated[int, typer.Option(help="LCMCR burn-in sweeps.")] = 10_000,
    samples: Annotated[int, typer.Option(help="LCMCR draws kept per chain.")] = 1_000,
    thinning: Annotated[int, typer.Option(help="LCMCR sweeps between draws.")] = 100,
    chains: Annotated[int, typer.Option(help="LCMCR chains.")] = 1,
    keep_non_estimable: Annotated[
        bool,
        typer.Option(
            "--keep-non-estimable",
            help="Log-linear search: keep models with an interaction between lists that share no "
            "unit (not estimable; left out by default, with a warning).",
        ),
    ] = False,
    delta: Annotated[float | None, typer.Option(help="dga prior mass per cell (2^-J).")] = None,
    grid_max: Annotated[
        int | None,
        typer.Option(
            "--grid-max",
            help="dga: largest population size on the grid (default 20 × observed); the result "
            "states the grid.",
        ),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a self-contained HTML report.", dir_okay=False)
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            help="From the registry: stratify by period (of the event: before_1950, korean_war, "
            "cold_war, famine, recent), province, case_type, sex or era (decade); a stratum too thin "
            "to estimate is warned about."
        ),
    ] = None,
    drop_list: Annotated[
        list[str] | None, typer.Option("--drop-list", help="Leave out a source list (repeatable).")
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="From the registry: keep the run; the web estimates page shows it.")
    ] = False,
    linkage_draws: Annotated[
        int | None,
        typer.Option(
            "--linkage-draws",
            help="From the registry: draw this many linkages from the newest link run's match "
            "probabilities (reviewed pairs fixed), re-estimate on each and report the interval with "
            "and without the linkage's uncertainty (docs/estimation.md).",
        ),
    ] = None,
    linkage_seed: Annotated[int, typer.Option(help="Seed of the linkage draws.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Estimate the total number of victims, counting those on no list.

    Example:

        unforgotten estimate --dataset kosovo --method stepwise --json
        unforgotten estimate --dataset kosovo --method lcmcr --seed 7 --chains 2 --samples 200
        unforgotten estimate --dataset UKdat --method stepwise --report uk.html
        unforgotten estimate --dataset UKdat --method stepwise --rule msefit
        unforgotten estimate --table my_lists.csv --method all
        unforgotten estimate --db registry.db --by case_type --method stepwise --json
        unforgotten estimate --db registry.db --by period --method stepwise --report periods.html
        unforgotten estimate --db registry.db --method all --save
        unforgotten estimate --db registry.db --method stepwise --linkage-draws 50
    """
    from unforgotten.estimate.methods import METHODS, Settings, run_methods  # noqa: PLC0415

    if save and (table is not None or dataset is not None):
        raise ValidationError("--save keeps estimates of the registry; not with --table or --dataset")
    _check_draws(linkage_draws, table=table, dataset=dataset, by=by)
    draw_inputs = _draw_inputs(db) if linkage_draws is not None else None
    tables = load_tables(table, db=db, by=by, drop=drop_list, dataset=dataset)
    methods = list(METHODS) if method is Method.all else [method.value]
    settings = Settings(
        seed=seed,
        level=level,
        criterion=criterion.value,
        model=model,
        rule=rule.value,
        pthresh=pthresh,
        interval=interval,  # type: ignore[arg-type]  # checked by the estimators
        n_boot=n_boot,
        k=k,
        burnin=burnin,
        samples=samples,
        thinning=thinning,
        chains=chains,
        delta=delta,
        max_total=grid_max,
        keep_non_estimable=keep_non_estimable,
    )
    runs = run_methods(tables, methods, settings, keep_going=method is Method.all or len(tables) > 1)
    linkage = (
        _linkage_draws(
            draw_inputs, runs, tables, settings, draws=linkage_draws, seed=linkage_seed, drop=drop_list
        )
        if linkage_draws is not None and draw_inputs is not None
        else {}
    )
    if report is not None:
        from unforgotten.estimate.report import render_report  # noqa: PLC0415

        report.write_text(render_report(runs, tables), encoding="utf-8")
    if save:
        lists = list(dict.fromkeys(name for t in tables.values() for name in t.lists))
        kept = asdict(settings)
        if linkage_draws is not None:
            kept.update(linkage_draws=linkage_draws, linkage_seed=linkage_seed)
        run_id = _save(db, runs, stratify=by or "all", lists=lists, settings=kept, linkage=linkage)
        shown = f"/estimates?by={by or 'all'}"
        err_console.print(f"Saved estimate run {run_id}; the web application shows it at {shown}.")
    if as_json:
        print_json(_json_payload(runs, several=method is Method.all, linkage=linkage))
    else:
        _print_runs(runs)
        if linkage:
            _print_linkage(runs, linkage)


def _check_draws(draws: int | None, *, table: Path | None, dataset: str | None, by: str | None) -> None:
    if draws is None:
        return
    from unforgotten.estimate.linkage_draws import MIN_DRAWS  # noqa: PLC0415 — loads numpy and the draws

    if table is not None or dataset is not None:
        raise ValidationError("--linkage-draws draws linkages of the registry; not with --table or --dataset")
    if by is not None:
        raise ValidationError("--linkage-draws estimates the whole registry; not with --by")
    if draws < MIN_DRAWS:
        raise ValidationError(f"--linkage-draws must be at least {MIN_DRAWS} (got {draws})")


def _draw_inputs(db: str | None) -> dict[str, Any]:
    from unforgotten.cli.context import open_workspace  # noqa: PLC0415
    from unforgotten.store.queries import linkage_draw_inputs  # noqa: PLC0415

    with open_workspace(db).read() as conn:
        return linkage_draw_inputs(conn)


def _linkage_draws(
    got: dict[str, Any],
    runs: list[MethodRun],
    tables: dict[str, CaptureTable],
    settings: Settings,
    *,
    draws: int,
    seed: int,
    drop: list[str] | None,
) -> dict[int, LinkageDraws]:
    """Run index → the run's estimate with and without the linkage's uncertainty."""
    import warnings  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415

    from unforgotten.estimate.linkage_draws import LinkageSpace, draw_tables, linkage_summary  # noqa: PLC0415
    from unforgotten.estimate.methods import make_estimator  # noqa: PLC0415
    from unforgotten.estimate.result import EstimateWarning  # noqa: PLC0415

    dropped = set(drop or ())
    records = [r for r in got["records"] if r[1] not in dropped]
    pairs = got["pairs"]
    space = LinkageSpace(
        run_id=got["run_id"],
        records=np.array([r[0] for r in records], dtype=np.int64),
        sources=tuple(r[1] for r in records),
        anchors=np.array([r[2] for r in records], dtype=np.int64),
        left=np.array([p[0] for p in pairs], dtype=np.int64),
        right=np.array([p[1] for p in pairs], dtype=np.int64),
        probability=np.array([p[2] for p in pairs], dtype=np.float64),
        accepted=tuple(got["accepted"]),
        rejected=tuple(got["rejected"]),
        one_per_source=got["one_per_source"],
    )
    plain_table = tables["all"]
    drawn = draw_tables(space, plain_table.lists, draws, seed=seed)
    out: dict[int, LinkageDraws] = {}
    for i, run in enumerate(runs):
        if run.estimator is None:
            continue

        def fit(table: CaptureTable, method: str = run.method) -> Any:
            est = make_estimator(method, settings)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EstimateWarning)
                est.fit(table)
            return est

        out[i] = linkage_summary(
            run.method, run.estimator, plain_table, drawn, fit, run_id=space.run_id, seed=seed
        )
    return out


def _save(
    db: str | None,
    runs: list[MethodRun],
    *,
    stratify: str,
    lists: list[str],
    settings: dict[str, Any],
    linkage: dict[int, LinkageDraws] | None = None,
) -> int:
    from unforgotten.cli.context import open_workspace  # noqa: PLC0415
    from unforgotten.estimate.summary import posterior_draws, run_rows  # noqa: PLC0415
    from unforgotten.store.estimates import save_estimate  # noqa: PLC0415

    rows = run_rows(runs)
    for i, d in (linkage or {}).items():
        rows[i]["linkage"] = d.to_dict()
    return save_estimate(
        open_workspace(db),
        stratify=stratify,
        origin="cli",
        lists=lists,
        rows=rows,
        posterior=posterior_draws(runs),
        settings=settings,
    )


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` command to the main application."""
    app.command("estimate")(estimate)
