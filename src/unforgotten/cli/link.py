"""Linkage commands: link, review, merge, split.

Splink and DuckDB are imported inside the commands, so the rest of the command line starts fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from unforgotten.cli.context import ActorOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, print_json

__all__ = ["register"]


def link(
    threshold: Annotated[float, typer.Option(help="Match probability that joins two records.")] = 0.9,
    clustering: Annotated[str, typer.Option(help="components or one_per_source.")] = "components",
    profile: Annotated[str, typer.Option(help="korean (default), generic or plain.")] = "korean",
    engine: Annotated[str, typer.Option(help="duckdb (default) or spark.")] = "duckdb",
    review_from: Annotated[
        float, typer.Option(help="Pairs from this probability up to the threshold go to review.")
    ] = 0.5,
    explain_model: Annotated[
        bool, typer.Option("--explain", help="Show the newest saved model instead of linking.")
    ] = False,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link records within and across all lists into persons (Splink, Korean-aware).

    Reviewed decisions are respected: an accepted pair is always one person, a rejected pair
    never. Every merge is a versioned, audited change that a later run or a split can undo.

    Example:
        unforgotten link
        unforgotten link --threshold 0.9 --clustering one_per_source --json
        unforgotten link --explain
    """
    from unforgotten.linkage import LinkageConfig, explain  # noqa: PLC0415 — Splink loads slowly
    from unforgotten.linkage.store import latest_model, link_store  # noqa: PLC0415

    ws = open_workspace(db, actor=actor, role=role)
    if explain_model:
        with ws.read() as conn:
            run_id, model = latest_model(conn)
        rows = explain(model)
        if as_json:
            print_json({"run": run_id, "levels": [r.__dict__ for r in rows]})
            return
        table = Table("comparison", "level", "m", "u", "weight", title=f"model of run {run_id}")
        for r in rows:
            table.add_row(r.comparison, r.level, _num(r.m), _num(r.u), _num(r.match_weight))
        console.print(table)
        return
    config = LinkageConfig(
        profile=profile,  # type: ignore[arg-type]  # Typer checked it against the choices
        threshold=threshold,
        clustering=clustering,  # type: ignore[arg-type]
        review_band=(review_from, threshold),
    )
    with console.status("linking records…", spinner="dots"):
        report = link_store(ws, config=config, engine=engine)
    if as_json:
        print_json(report.to_dict())
        return
    console.print(
        f"run {report.run_id}: {report.records:,} records → {report.persons:,} persons; "
        f"{report.pairs:,} scored pairs, {report.review:,} to review; "
        f"{report.merged:,} merges, {report.unmerged:,} undone"
    )
    console.print("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()))
    for source, places in report.place_resolution.items():
        console.print(f"places resolved in {source}: " + _rates(places), highlight=False)
    _print_errors(report.error_budget, report.calibration, report.contradicting_clusters)
    if report.reliability:
        table = Table(
            "predicted", "pairs", "mean predicted", "share accepted", title="reliability on reviews"
        )
        for row in report.reliability:
            band = f"{row['lo']:.2f}–{row['hi']:.2f}"
            table.add_row(band, str(row["pairs"]), f"{row['predicted']:.3f}", f"{row['observed']:.3f}")
        console.print(table)


def _print_errors(budget: dict[str, float], calibration: dict[str, Any], split: int) -> None:
    """What each band is expected to hold, by the calibrated probabilities."""
    if not budget:
        return
    console.print(
        f"probabilities: {calibration.get('source', 'uncalibrated')}; expected: "
        f"≈{budget['merged_false_expected']:g} false among {budget['merged_pairs']:,} merged pairs, "
        f"≈{budget['review_matches_expected']:g} true matches among {budget['review_pairs']:,} "
        f"review pairs (missed unless reviewed), ≈{budget['below_matches_expected']:g} below the band; "
        f"{split:,} clusters split (both sexes or birth years apart)",
        highlight=False,
    )


def _rates(places: dict[str, dict[str, int]]) -> str:
    """``birth_place 812/860 (94.4 %), event_place 0/0``."""
    parts = []
    for column, n in places.items():
        rate = f" ({100 * n['resolved'] / n['written']:.1f} %)" if n["written"] else ""
        parts.append(f"{column} {n['resolved']:,}/{n['written']:,}{rate}")
    return ", ".join(parts)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _show_pair(item: dict[str, Any]) -> None:
    left, right = item["left"], item["right"]
    table = Table(
        "field",
        f"{left['source']} / {left['record_id']}",
        f"{right['source']} / {right['record_id']}",
        title=f"pair {item['pair_id']}: match probability {item['match_probability']:.3f}",
    )
    for field in sorted(set(left["fields"]) | set(right["fields"])):
        table.add_row(field, str(left["fields"].get(field, "")), str(right["fields"].get(field, "")))
    console.print(table)
    evidence = ", ".join(f"{name}: level {g}, weight {w:+.2f}" for name, (g, w) in item["evidence"].items())
    console.print(f"evidence: {evidence}", highlight=False)


def _ask(question: str) -> str:
    """The reviewer's answer, one letter; the end of input (Ctrl-D, a pipe run dry) is [q]uit."""
    try:
        return str(typer.prompt(question, default="s")).strip().lower()[:1]
    except typer.Abort as stop:
        if isinstance(stop.__context__, EOFError):  # Ctrl-C stays an abort
            console.print("\nend of input: stopped")
            return "q"
        raise


def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Pairs to go through.")] = 50,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
) -> None:
    """Review uncertain pairs side by side: [a]ccept, [r]eject, [s]kip, [q]uit.

    Example:
        unforgotten review
        unforgotten review list --json
        unforgotten review decide 1417 accept
    """
    if ctx.invoked_subcommand is not None:
        return
    from unforgotten.linkage.store import decide, review_progress, review_queue  # noqa: PLC0415

    ws = open_workspace(db, actor=actor, role=role)
    with ws.read() as conn:
        queue, progress = review_queue(conn, limit=limit), review_progress(conn)
    console.print(f"{progress['decided']} of {progress['total']} review pairs decided")
    for item in queue:
        _show_pair(item)
        answer = _ask("[a]ccept / [r]eject / [s]kip / [q]uit")
        if answer == "q":
            break
        if answer in ("a", "r"):
            result = decide(ws, item["pair_id"], "accepted" if answer == "a" else "rejected")
            console.print(
                f"→ {result['decision']}"
                + (" (takes effect at the next `unforgotten link`)" if result["split_at_next_run"] else "")
            )


def review_list(
    limit: Annotated[int, typer.Option(help="Pairs to list.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the undecided review pairs with their evidence.

    Example:
        unforgotten review list --limit 10 --json
    """
    from unforgotten.linkage.store import review_progress, review_queue  # noqa: PLC0415

    ws = open_workspace(db)
    with ws.read() as conn:
        queue, progress = review_queue(conn, limit=limit), review_progress(conn)
    if as_json:
        print_json({"progress": progress, "pairs": queue})
        return
    for item in queue:
        _show_pair(item)


def review_decide(
    pair_id: Annotated[int, typer.Argument(help="Pair id (from `review list`).")],
    decision: Annotated[str, typer.Argument(help="accept or reject.")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accept or reject one pair (audited; later runs respect it).

    Example:
        unforgotten review decide 1345 reject --note "different family names in every spelling"
    """
    from unforgotten.linkage.store import decide  # noqa: PLC0415

    words = {"accept": "accepted", "accepted": "accepted", "reject": "rejected", "rejected": "rejected"}
    if decision not in words:
        raise typer.BadParameter("use accept or reject", param_hint="DECISION")
    result = decide(open_workspace(db, actor=actor, role=role), pair_id, words[decision], note=note)  # type: ignore[arg-type]
    print_json(result) if as_json else console.print(f"pair {pair_id}: {result['decision']}")


def merge(
    first: Annotated[int | None, typer.Argument(help="Person id (as `unforgotten person` shows).")] = None,
    second: Annotated[int | None, typer.Argument(help="The other person id.")] = None,
    undo: Annotated[
        int | None,
        typer.Option("--undo", metavar="DECISION", help="Undo the merge that made this decision id."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Merge two persons by hand, or undo a merge with --undo DECISION.

    A merge is recorded as an accepted decision (its id is printed) and withdraws any keep-apart
    decision between the two persons' records. `--undo` puts back exactly the persons and
    decisions that merge changed (an accepted review decision can be undone the same way); it
    refuses, naming the change, when the same persons were changed since.

    Example:
        unforgotten merge 2735 3633 --note "one syllable mistyped, both political prisoners"
        unforgotten merge --undo 1
    """
    from unforgotten.linkage.merges import merge_persons, undo_merge  # noqa: PLC0415

    ws = open_workspace(db, actor=actor, role=role)
    if undo is not None:
        if first is not None or second is not None:
            raise typer.BadParameter("give either two person ids or --undo DECISION, not both")
        done = undo_merge(ws, undo, note=note)
        if as_json:
            print_json(asdict(done))
            return
        who = (
            f"person {_ids(done.persons)} is"
            if len(done.persons) == 1
            else f"persons {_ids(done.persons)} are"
        )
        console.print(f"merge undone (decision {done.decision_id}): {who} as before")
        return
    if first is None or second is None:
        raise typer.BadParameter("give two person ids (or --undo DECISION)", param_hint="FIRST SECOND")
    report = merge_persons(ws, first, second, note=note)
    if as_json:
        print_json(asdict(report))
        return
    console.print(
        f"merged persons {first} and {second} into person {report.person_id} "
        f"(decision {report.decision_id}; undo with `unforgotten merge --undo {report.decision_id}`)"
    )


def _ids(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


def split(
    person_id: Annotated[int, typer.Argument(help="Person id.")],
    records: Annotated[
        list[int] | None,
        typer.Option("--record", metavar="STORE_ID", help="Store id of a record to move out (repeatable)."),
    ] = None,
    persons: Annotated[
        list[int] | None,
        typer.Option("--person", metavar="PERSON", help="A merged person to move out whole (repeatable)."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move records or merged persons out of a person into a new one; later runs keep them apart.

    Records are named by their store id (`unforgotten person ID` lists them); a person that was
    merged in is named with --person and moves out with all its records. To take back a merge
    exactly, use `unforgotten merge --undo DECISION` instead.

    Example:
        unforgotten split 14 --record 2363 --record 2560 --note "her sister, held in the same camp"
        unforgotten split 12 --person 1979
    """
    from unforgotten.linkage.merges import split_person  # noqa: PLC0415

    if not records and not persons:
        raise typer.BadParameter("name what moves out: --record STORE_ID or --person PERSON")
    ws = open_workspace(db, actor=actor, role=role)
    new = split_person(ws, person_id, records or [], persons=persons or [], note=note)
    print_json({"person_id": new}) if as_json else console.print(f"records moved to person {new}")


def register(app: typer.Typer) -> None:
    """Add the linkage commands."""
    app.command("link")(link)
    group = typer.Typer(help="Review uncertain pairs.", invoke_without_command=True)
    group.callback()(review)
    group.command("list")(review_list)
    group.command("decide")(review_decide)
    app.add_typer(group, name="review")
    app.command("merge")(merge)
    app.command("split")(split)
