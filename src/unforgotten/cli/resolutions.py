"""``resolution``: UN resolutions on the DPRK's human rights situation, paragraph by paragraph.

Thin wrappers over :mod:`unforgotten.tracking.resolutions` (pure) and
:mod:`unforgotten.tracking.resolution_store` (the store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from unforgotten.cli.context import ActorOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, print_json
from unforgotten.cli.tracking import read_text
from unforgotten.domain.roles import Permission
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.tracking.resolution_store import (
    import_resolution_text,
    load_shipped_resolutions,
    stored_passages,
)
from unforgotten.tracking.resolutions import THEMES, Passage, diff, load_resolutions

__all__ = ["register", "resolution_app"]

resolution_app = typer.Typer(
    help="UN General Assembly and Human Rights Council resolutions on the DPRK, paragraph by paragraph.",
    no_args_is_help=True,
)


@resolution_app.command("load")
def resolution_load(
    file: Annotated[
        Path | None,
        typer.Argument(help="A resolution's full text (UTF-8); without it, the shipped passages."),
    ] = None,
    symbol: Annotated[str | None, typer.Option("--symbol", help="The UN symbol, e.g. A/RES/78/218.")] = None,
    body: Annotated[
        str, typer.Option("--body", help="'General Assembly' or 'Human Rights Council'.")
    ] = "General Assembly",
    year: Annotated[int | None, typer.Option("--year", help="The year it was adopted.")] = None,
    url: Annotated[
        str, typer.Option("--url", help="Where the text was read (kept with every paragraph).")
    ] = "",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Store resolution paragraphs: the shipped passages, or the operative paragraphs of a text.

    A text's numbered paragraphs ("1. Condemns …") and lettered sub-paragraphs ("(a) …") are
    stored one by one with their themes; the preamble is left out. Loading again adds nothing.

    Example:

        unforgotten resolution load
        unforgotten resolution load example_resolution_2023.txt --symbol EX/2023/1 --year 2023
    """
    ws = open_workspace(db, None, actor, role)
    if file is None:
        added = load_shipped_resolutions(ws)
    else:
        if not symbol or year is None:
            raise ValidationError("a text needs --symbol and --year (e.g. --symbol A/RES/78/218 --year 2023)")
        text = read_text(file)
        added = import_resolution_text(
            ws, text, name=file.name, symbol=symbol, body=body, year=year, source_url=url
        )
    if as_json:
        print_json({"added": added})
    else:
        console.print(f"{added} resolution paragraphs added.")


def _stored(db: str | None, role: str | None, symbol: str | None = None) -> list[dict[str, Any]]:
    ws = open_workspace(db, None, None, role)
    ws.require(Permission.READ)
    with ws.read() as conn:
        return stored_passages(conn, symbol=symbol)


@resolution_app.command("list")
def resolution_list(db: DbOption = None, role: RoleOption = None, as_json: JsonOption = False) -> None:
    """List the resolutions: symbol, body, year, adoption, what text was found, paragraphs stored.

    Example:

        unforgotten resolution list
    """
    counts: dict[str, int] = {}
    for p in _stored(db, role):
        counts[p["symbol"]] = counts.get(p["symbol"], 0) + 1
    shipped = {r.symbol for r in load_resolutions()}
    rows = [
        {"symbol": r.symbol, "body": r.body, "year": r.year, "adopted": r.adopted, "adoption": r.adoption,
         "text_found": r.text_found, "stored": counts.get(r.symbol, 0), "source_url": r.source_url}
        for r in load_resolutions()
    ] + [
        {"symbol": s, "body": None, "year": None, "adopted": None, "adoption": "", "text_found": "loaded",
         "stored": n, "source_url": ""}
        for s, n in counts.items() if s not in shipped
    ]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    view = Table("symbol", "body", "year", "adopted", "text found", "stored")
    for r in rows:
        cells = (r["symbol"], r["body"], r["year"], r["adopted"], r["text_found"], r["stored"])
        view.add_row(*("" if c is None else str(c) for c in cells))
    console.print(view)


@resolution_app.command("show")
def resolution_show(
    symbol: Annotated[str, typer.Argument(help="The resolution's symbol, e.g. A/RES/78/218.")],
    db: DbOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a resolution's stored paragraphs with their themes and sources.

    Example:

        unforgotten resolution load
        unforgotten resolution show A/RES/78/218
    """
    found = _stored(db, role, symbol)
    if not found:
        raise NotFoundError(f"no stored paragraph of {symbol!r} (run `unforgotten resolution load` first)")
    if as_json:
        print_json(found)
        return
    view = Table("id", "¶", "themes", "text", "status", title=symbol)
    for p in found:
        view.add_row(str(p["id"]), p["paragraph"] or "—", ", ".join(p["themes"]), p["text"], p["status"])
    console.print(view)
    console.print("Themes: " + "; ".join(f"{c} {label}" for c, label in THEMES.items()))


def _passages(rows: list[dict[str, Any]]) -> list[Passage]:
    return [
        Passage(r["symbol"], r["paragraph"], r["text"], tuple(r["themes"]), r["source_url"]) for r in rows
    ]


@resolution_app.command("diff")
def resolution_diff(
    old: Annotated[str, typer.Argument(help="The earlier resolution's symbol.")],
    new: Annotated[str, typer.Argument(help="The later resolution's symbol.")],
    changed_only: Annotated[
        bool, typer.Option("--changed-only", help="Leave out unchanged paragraphs.")
    ] = False,
    db: DbOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """What changed between two years' texts, paragraph by paragraph (matched by wording).

    Example:

        unforgotten resolution load example_resolution_2023.txt --symbol EX/2023/1 --year 2023
        unforgotten resolution load example_resolution_2024.txt --symbol EX/2024/1 --year 2024
        unforgotten resolution diff EX/2023/1 EX/2024/1
    """
    texts = []
    for symbol in (old, new):
        rows = _stored(db, role, symbol)
        if not rows:
            raise NotFoundError(f"no stored paragraph of {symbol!r} (load its text first)")
        texts.append(_passages(rows))
    changes = [c for c in diff(texts[0], texts[1]) if not (changed_only and c.kind == "same")]
    if as_json:
        print_json([{"kind": c.kind, "old": c.old_number, "new": c.new_number, "similarity": c.similarity,
                     "old_text": c.old_text, "new_text": c.new_text, "words_added": list(c.words_added),
                     "words_removed": list(c.words_removed)} for c in changes])  # fmt: skip
        return
    view = Table("change", old, new, "words added", "words removed", "text", title=f"{old} → {new}")
    for c in changes:
        moved = (" | ".join(c.words_added), " | ".join(c.words_removed)) if c.kind == "changed" else ("", "")
        view.add_row(c.kind, c.old_number or "", c.new_number or "", *moved, c.new_text or c.old_text or "")
    console.print(view)


def register(app: typer.Typer) -> None:
    """Add ``resolution`` to the main application."""
    app.add_typer(resolution_app, name="resolution")
