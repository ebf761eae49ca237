"""Reviewing the perpetrators and facilities an import could not match (``unforgotten proposals``),
and importing organisations and posts from a file (``unforgotten org import``).

Names of persons in proposals are shown only to roles holding ``read_perpetrators`` (audited).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.accountability import proposals as p
from unforgotten.accountability.orgfile import import_orgs
from unforgotten.cli.context import ActorOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, print_json

__all__ = ["org_import", "register"]

ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept with the decision).")]


def org_import(
    file: Annotated[Path, typer.Argument(help="A CSV or spreadsheet: one fact per row (see docs).")],
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import organisations, names, parents, posts and dissolutions from a file, all or nothing:
    any bad row rejects the whole file, every problem named by row and field.

    Example:
        unforgotten org load-starter
        unforgotten org import units_2024.csv --json
    """
    done = import_orgs(open_workspace(db, None, actor, role), file)
    if as_json:
        print_json(done.to_dict())
        return
    added = ", ".join(f"{n} {kind}" for kind, n in done.added.items() if n) or "nothing"
    console.print(f"{done.file}: {done.rows} rows; added {added}", highlight=False)


def proposals_list(
    state: Annotated[str, typer.Option("--state", help="open, accepted, rejected or all.")] = "open",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the perpetrators and facilities imports named that matched no single known entity.

    Example:
        unforgotten proposals list --json
        unforgotten proposals list --state all
    """
    found = p.list_proposals(open_workspace(db, None, actor, role), state=state)
    if as_json:
        print_json(found)
        return
    table = Table("id", "act", "field", "as written", "date", "state", "source, row")
    for item in found:
        table.add_row(
            str(item["id"]),
            str(item["act_id"]),
            item["field"],
            item["text"],
            item["date"] or "",
            item["state"],
            f"{item['source']}, row {item['row']}",
        )
    console.print(table)


def proposals_accept(
    proposal: Annotated[int, typer.Argument(help="The proposal's id.")],
    to: Annotated[
        str,
        typer.Option(
            "--to", help="What it means: an organisation or facility (id, key, name), a person (id)."
        ),
    ],
    remember: Annotated[
        bool, typer.Option("--remember", help="Keep the spelling as an alias of the organisation.")
    ] = False,
    reason: ReasonOption = "",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accept a proposal: the attribution (or the act's place) is written with the list as source.

    Example:
        unforgotten proposals list
        unforgotten proposals accept 1 --to "Kyohwaso No. 12" --reason "the witness named the prison"
    """
    done = p.accept(open_workspace(db, None, actor, role), proposal, to, reason=reason, remember=remember)
    if as_json:
        print_json(done)
        return
    console.print(f"proposal {proposal} accepted: {done['kind']} {done['entity']}", highlight=False)


def proposals_reject(
    proposal: Annotated[int, typer.Argument(help="The proposal's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject a proposal: the value names nothing the registry should hold.

    Example:
        unforgotten proposals reject 4 --reason "no such facility in the registry yet"
    """
    done = p.reject(open_workspace(db, None, actor, role), proposal, reason=reason)
    if as_json:
        print_json(done)
        return
    console.print(f"proposal {proposal} rejected", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``proposals`` to the main app (``org import`` is added with the ``org`` group)."""
    group = typer.Typer(
        no_args_is_help=True, help="Perpetrators and facilities imports could not match: review them."
    )
    group.command("list")(proposals_list)
    group.command("accept")(proposals_accept)
    group.command("reject")(proposals_reject)
    app.add_typer(group, name="proposals")
