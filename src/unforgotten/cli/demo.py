"""``unforgotten demo``: synthetic lists with known truth, imported into a fresh SQLite registry."""

from __future__ import annotations

import shutil
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress
from rich.table import Table

if TYPE_CHECKING:
    from unforgotten.store.workspace import Workspace

from unforgotten.cli.options import JsonOption, console, err_console, print_json

__all__ = ["register"]


def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Workspace folder (replaced).")] = Path(
        "demo-workspace"
    ),
    persons: Annotated[int, typer.Option("--persons", help="True population size.")] = 3000,
    lists: Annotated[int, typer.Option("--lists", help="Number of source lists.")] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 2024,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web application at the end.")
    ] = True,
    port: Annotated[
        int | None,
        typer.Option("--port", help="Port of the web application [default: 8000, or the next free one]."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Build a demo registry from synthetic lists with known truth and summarise it.

    Writes the lists (CSV) and a SQLite registry with its key into --dir, loads the starter set
    of DPRK institutions and detention facilities, imports every list as one batch (its
    perpetrator and facility columns matched to them, the rest kept as proposals to review),
    links the records into persons, estimates the total (saved, so the web estimates page
    shows it), loads the seed consultation round with a brief, verifies the
    audit chain, prints a summary, then serves the web application with a demo log-in
    (unless --no-serve or --json).

    Example:
        unforgotten demo    # builds demo-workspace/, then serves the web app until Ctrl-C
        unforgotten demo --persons 1000 --lists 5 --dir demo-small --no-serve
    """
    # imported here, not at the top: the rest of the command line must start fast
    from unforgotten.accountability import Accountability  # noqa: PLC0415
    from unforgotten.accountability.starter import load_starter  # noqa: PLC0415
    from unforgotten.ingest import import_file  # noqa: PLC0415
    from unforgotten.linkage.store import link_store  # noqa: PLC0415
    from unforgotten.settings import Settings  # noqa: PLC0415
    from unforgotten.store import queries  # noqa: PLC0415
    from unforgotten.store.workspace import Workspace  # noqa: PLC0415
    from unforgotten.synth import generate_population, make_lists, preset  # noqa: PLC0415
    from unforgotten.synth.writers import write_list  # noqa: PLC0415
    from unforgotten.tracking.brief import brief  # noqa: PLC0415
    from unforgotten.tracking.store import seed_demo  # noqa: PLC0415

    if directory.exists():
        shutil.rmtree(directory)
    (directory / "lists").mkdir(parents=True)
    population = generate_population(persons, seed=seed)
    synthetic = make_lists(population, preset("mixed", lists=lists), seed=seed + 1, perpetrators=True)
    ws = Workspace(Settings.build(db=str(directory / "registry.db"), actor="demo:officer"))
    ws.init()
    load_starter(Accountability(ws))  # the lists' perpetrator and facility columns match these
    with Progress(console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task("importing lists", total=sum(len(s) for s in synthetic.lists))
        for source in synthetic.lists:
            path = write_list(source, directory / "lists")
            import_file(ws, path, source=source.name, progress=lambda n: bar.advance(task, n))
    with console.status("linking records…", spinner="dots") if not as_json else nullcontext():
        linked = link_store(ws)
        estimate = _estimate(ws)
    round_id = seed_demo(ws)
    brief_path = directory / "brief.md"
    brief_path.write_text(brief(ws, round_id).to_markdown(), encoding="utf-8")
    login = _demo_login(ws) if serve and not as_json else None
    with ws.read() as conn:
        summary = queries.stats(conn)
    report = ws.verify()
    signed = ws.checkpoint()
    result = {
        "workspace": str(directory),
        "db": ws.settings.db_url,
        "true_population": persons,
        "documented_persons": len(set(synthetic.truth.values())),
        **summary,
        "linkage": {"run": linked.run_id, "persons": linked.persons, "review": linked.review},
        "estimate": estimate,
        "seed_round": round_id,
        "brief": str(brief_path),
        "verified": report.ok,
        "audit_head": report.head,
        "checkpoint": signed.to_dict(),
    }
    if as_json:
        print_json(result)
    else:
        _print_summary(result, synthetic.list_names)
    if login is not None:
        _serve(ws, port, login)


def _demo_login(ws: Workspace) -> tuple[str, str]:
    from unforgotten.web import create_demo_user  # noqa: PLC0415

    return create_demo_user(ws)


def _serve(ws: Workspace, port: int | None, login: tuple[str, str]) -> None:
    from unforgotten.web import free_port  # noqa: PLC0415
    from unforgotten.web import serve as serve_web  # noqa: PLC0415

    if port is None:
        port = free_port("127.0.0.1", 8000)
        if port != 8000:
            console.print(f"Port 8000 is in use; serving on {port}.")
    name, password = login
    console.print(
        f"\n[bold]Web application:[/] http://127.0.0.1:{port}/  log in as [bold]{name}[/] "
        f"with password [bold]{password}[/]  (Ctrl-C to stop)"
    )
    serve_web(ws, "127.0.0.1", port, development=True)


def _estimate(ws: Workspace) -> dict[str, object]:
    from unforgotten.estimate.methods import Settings as EstimateSettings  # noqa: PLC0415
    from unforgotten.estimate.methods import run_methods  # noqa: PLC0415
    from unforgotten.estimate.summary import posterior_draws, run_rows  # noqa: PLC0415
    from unforgotten.estimate.table import tables_by_stratum  # noqa: PLC0415
    from unforgotten.store import queries  # noqa: PLC0415
    from unforgotten.store.estimates import save_estimate  # noqa: PLC0415

    with ws.read() as conn:
        rows, lists = queries.capture_memberships(conn)
    settings = EstimateSettings(seed=1)
    run = run_methods(tables_by_stratum(rows, lists), ["stepwise"], settings)[0]
    assert run.result is not None
    save_estimate(  # the web estimates page shows the newest saved run
        ws,
        stratify="all",
        origin="demo",
        lists=lists,
        rows=run_rows([run]),
        posterior=posterior_draws([run]),
        settings=asdict(settings),
    )
    return {
        k: v
        for k, v in run.result.to_dict().items()
        if k in ("method", "observed", "estimate", "lower", "upper")
    }


def _print_summary(result: dict[str, object], names: tuple[str, ...]) -> None:
    console.print(f"[bold]Unforgotten demo[/] — registry {result['db']}")
    console.print(
        f"True population {result['true_population']:,}; {result['documented_persons']:,} of them on at "
        f"least one of {len(names)} lists; {result['records']:,} records imported in "
        f"{result['batches']} batches."
    )
    table = Table("source list", "records")
    for name, count in dict(result["by_source"]).items():  # type: ignore[call-overload]
        table.add_row(name, f"{count:,}")
    console.print(table)
    linkage, estimate = dict(result["linkage"]), dict(result["estimate"])  # type: ignore[call-overload]
    console.print(
        f"Linkage: {result['records']:,} records → {linkage['persons']:,} persons "
        f"({linkage['review']} pairs to review: unforgotten review)."
    )
    console.print(
        f"Estimated total (stepwise log-linear): {estimate['estimate']:,.0f} "
        f"(95% {estimate['lower']:,.0f}–{estimate['upper']:,.0f}); true population "
        f"{result['true_population']:,}."
    )
    console.print(
        f"Seed consultation round {result['seed_round']} loaded; brief written to {result['brief']}."
    )
    verified = "yes" if result["verified"] else "NO"
    signed = dict(result["checkpoint"])  # type: ignore[call-overload]
    console.print(
        f"Audit chain verified: {verified}. Current checkpoint: event {signed['event_id']}, "
        f"head {signed['head']}, signed by {signed['key_id']} (unforgotten checkpoint --json).",
        highlight=False,
    )
    db = f"{result['workspace']}/registry.db"
    console.print(
        f"Next: unforgotten stats --db {db} · unforgotten review --db {db} · "
        f"unforgotten estimate --db {db} --method all"
    )


def register(app: typer.Typer) -> None:
    """Add the demo command."""
    app.command("demo")(demo)
