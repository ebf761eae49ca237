"""Tracking commands: ``readout``, ``round``, ``commitment``, ``brief``, ``upr``, ``export-public``.

Thin wrappers over :mod:`unforgotten.tracking`. ``readout import`` prints a draft round and,
with ``--save``, stores it for a person to confirm (``round confirm``). The store-side modules
are imported inside the commands that use them.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from unforgotten.cli.context import ActorOption, KeyFileOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, RawCellsOption, console, print_json
from unforgotten.domain.roles import Permission
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.tracking.brief import brief
from unforgotten.tracking.public import export_public
from unforgotten.tracking.queries import round_detail, rounds
from unforgotten.tracking.readout import DraftRound, parse_readout
from unforgotten.tracking.rules import agenda_topics, violation_labels
from unforgotten.tracking.store import (
    confirm_round,
    import_recommendations,
    load_upr,
    save_draft,
    set_commitment_status,
)
from unforgotten.tracking.upr import load_recommendations, summarise, theme_hits, themes_for

__all__ = [
    "brief_command",
    "export_public_command",
    "import_readout",
    "read_text",
    "register",
    "upr_summary",
    "upr_themes",
]

readout_app = typer.Typer(help="Turn official readouts into draft consultation rounds.", no_args_is_help=True)
round_app = typer.Typer(help="Consultation rounds: list, show, confirm a draft.", no_args_is_help=True)
commitment_app = typer.Typer(help="Commitments made at consultation rounds.", no_args_is_help=True)
upr_app = typer.Typer(
    help="UN recommendations to the DPRK: UPR cycles, themes, responses.", no_args_is_help=True
)


class By(StrEnum):
    """What ``upr summary`` groups by."""

    theme = "theme"
    category = "category"
    state = "state"
    group = "group"
    response = "response"
    cycle = "cycle"


def read_text(path: Path) -> str:
    """The file's text; a missing or unreadable file is a clear error, not a traceback."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file")
    if not path.is_file():
        raise ValidationError(f"{path}: not a file")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror})") from exc


def _topic_label(code: str) -> str:
    return agenda_topics().get(code) or violation_labels().get(code, "")


def _print_draft(draft: DraftRound) -> None:
    console.print("[bold]Draft round[/] — not saved; a person confirms it before it is recorded.")
    console.print(f"source: {draft.source}   language: {draft.language}")
    when = draft.date.isoformat() if draft.date else "?"
    console.print(f"date: {when}   place: {draft.place or '?'}   format: {draft.format or '?'}")
    people = Table("name", "title", "organisation", "¶", title="Participants")
    for p in draft.participants:
        people.add_row(p.name, p.title or "", p.organization or "", str(p.evidence.paragraph))
    console.print(people)
    topics = Table("code", "topic", "rule", "¶", title="Topics")
    for t in draft.topics:
        topics.add_row(t.code, _topic_label(t.code), t.evidence.rule, str(t.evidence.paragraph))
    console.print(topics)
    _print_items(draft)


def _print_items(draft: DraftRound) -> None:
    agreed = Table("¶", "agreed", title="Agreed")
    for a in draft.agreed:
        agreed.add_row(str(a.evidence.paragraph), a.text)
    console.print(agreed)
    steps = Table("¶", "next step", "due from", "due to", "window", title="Next steps")
    for s in draft.next_steps:
        due = [d.isoformat() if d else "" for d in (s.due_from, s.due_to)]
        steps.add_row(str(s.evidence.paragraph), s.text, *due, s.window or "")
    console.print(steps)
    refs = Table("¶", "reference", title="References to other meetings")
    for r in draft.references:
        refs.add_row(str(r.evidence.paragraph), r.text)
    console.print(refs)


@readout_app.command("import")
def import_readout(
    file: Annotated[Path, typer.Argument(help="The readout as UTF-8 text (English or Korean).")],
    save: Annotated[bool, typer.Option("--save", help="Store the draft round and print its id.")] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read an official readout into a draft round and print it; --save stores the draft.

    Every extracted item carries its evidence (paragraph, sentence, character span, rule);
    with --json it is in the top-level "evidence" object. A saved draft waits for a person
    to check it against the readout and run `round confirm`.

    Example:

        unforgotten readout import 2024-11-20_readout.txt
        unforgotten readout import 2024-11-20_readout.txt --json
        unforgotten readout import 2024-11-20_readout.txt --save --db registry.db
    """
    draft = parse_readout(read_text(file), source=file.name)
    round_id = None
    if save:
        round_id = save_draft(open_workspace(db, key_file, actor, role), draft)
    if as_json:
        print_json(draft.to_dict() if round_id is None else {"round_id": round_id, **draft.to_dict()})
        return
    if round_id is None:
        _print_draft(draft)
    else:
        console.print(f"Saved draft round {round_id}; check it, then: unforgotten round confirm {round_id}")


def _summary_json(by: str) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "label": r.label,
            "total": r.total,
            "accepted": r.accepted,
            "partially_accepted": r.partially_accepted,
            "noted": r.noted,
            "rejected": r.rejected,
            "pending": r.pending,
            "accepted_share": round(r.accepted_share, 4),
        }
        for r in summarise(load_recommendations(), by=by)
    ]


@upr_app.command("summary")
def upr_summary(
    by: Annotated[
        By, typer.Option("--by", help="Group by theme, category, state, group, response or cycle.")
    ] = By.theme,
    as_json: JsonOption = False,
) -> None:
    """Count the shipped UPR recommendations (cycles 1–2) and the share the DPRK accepted.

    A recommendation with several themes counts once under each.

    Example:

        unforgotten upr summary --by theme
        unforgotten upr summary --by state --json
    """
    rows = _summary_json(by.value)
    if as_json:
        print_json(rows)
        return
    view = Table(by.value, "label", "total", "accepted", "partly", "noted", "rejected", "accepted %")
    for r in rows:
        view.add_row(
            r["key"], r["label"], str(r["total"]), str(r["accepted"]), str(r["partially_accepted"]),
            str(r["noted"]), str(r["rejected"]), f"{100 * r['accepted_share']:.1f}",
        )  # fmt: skip
    console.print(view)


@upr_app.command("themes")
def upr_themes(
    text: Annotated[str, typer.Argument(help="A recommendation's text.")],
    as_json: JsonOption = False,
) -> None:
    """Show which violation codes the theme rules give a text, and which rule fired.

    Example:

        unforgotten upr themes "Close all political prison camps and release all political prisoners"
    """
    hits = theme_hits(text)
    if as_json:
        print_json(
            {
                "themes": list(themes_for(text)),
                "hits": [{"code": c, "rule": r, "matched": m} for c, r, m in hits],
            }
        )
        return
    view = Table("code", "label", "rule", "matched")
    for code, rule, matched in hits:
        view.add_row(code, violation_labels().get(code, ""), rule, matched)
    console.print(view if hits else "no theme rule matches this text")


@round_app.command("list")
def round_list(db: DbOption = None, role: RoleOption = None, as_json: JsonOption = False) -> None:
    """List the stored consultation rounds with their open commitments.

    Example:

        unforgotten round list --db registry.db
    """
    ws = open_workspace(db, None, None, role)
    ws.require(Permission.READ)
    with ws.read() as conn:
        found = rounds(conn)
    if as_json:
        print_json(found)
        return
    view = Table("id", "date", "place", "format", "status", "commitments", "open", "source")
    for r in found:
        view.add_row(
            str(r["id"]), str(r["date"] or "?"), r["place"] or "?", r["format"] or "?", r["status"],
            str(r["commitments"]), str(r["open"]), r["source_name"] or "",
        )  # fmt: skip
    console.print(view)


@round_app.command("show")
def round_show(
    round_id: Annotated[int, typer.Argument(help="The round's id.")],
    db: DbOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one round: delegations, topics, agreed items, commitments, references.

    Example:

        unforgotten round show 1 --json
    """
    ws = open_workspace(db, None, None, role)
    ws.require(Permission.READ)
    with ws.read() as conn:
        detail = round_detail(conn, round_id)
    if as_json:
        print_json(detail)
        return
    _print_round(detail)


def _print_round(detail: dict[str, Any]) -> None:
    console.print(
        f"[bold]Round {detail['id']}[/] ({detail['status']}) — {detail['date'] or '?'}, "
        f"{detail['place'] or '?'}, {detail['format'] or '?'}"
    )
    people = Table("name", "title", "organisation", "side", title="Delegations")
    for p in detail["participants"]:
        people.add_row(p["name"], p["title"] or "", p["organisation"] or "", p["side"] or "")
    console.print(people)
    console.print("Topics: " + ", ".join(f"{t['code']} {_topic_label(t['code'])}" for t in detail["topics"]))
    duties = Table("id", "commitment", "who", "due from", "due to", "status", title="Commitments")
    for c in detail["commitments"]:
        due = [str(d) if d else "" for d in (c["due_from"], c["due_to"])]
        duties.add_row(str(c["id"]), c["text"], c["who"], *due, c["status"])
    console.print(duties)
    console.print("References: " + ("; ".join(r["text"] for r in detail["references"]) or "none"))


@round_app.command("confirm")
def round_confirm(
    round_id: Annotated[int, typer.Argument(help="The draft round's id.")],
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Confirm a draft round after checking it against its readout.

    Example:

        unforgotten readout import 2024-11-20_readout.txt --save    # draft round 2
        unforgotten round confirm 2 --as "officer:kim"
    """
    confirm_round(open_workspace(db, key_file, actor, role), round_id)
    if as_json:
        print_json({"round_id": round_id, "status": "confirmed"})
    else:
        console.print(f"Round {round_id} confirmed.")


@commitment_app.command("set")
def commitment_set(
    commitment_id: Annotated[int, typer.Argument(help="The commitment's id (see `round show`).")],
    status: Annotated[str, typer.Option("--status", help="open, done or dropped.")],
    reason: Annotated[str, typer.Option("--reason", help="Why; kept in the commitment's history.")],
    follow_up: Annotated[
        int | None, typer.Option("--follow-up", help="The later round that acted on it.")
    ] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set a commitment's status (open, done, dropped) with a reason; history is kept.

    Example:

        unforgotten readout import 2024-11-20_readout.txt --save    # the next round: draft round 2
        unforgotten round confirm 2
        unforgotten commitment set 3 --status done --reason "next round held 2024-11-20" --follow-up 2
    """
    ws = open_workspace(db, key_file, actor, role)
    row = set_commitment_status(ws, commitment_id, status, reason=reason, follow_up_round=follow_up)
    if as_json:
        print_json(row)
    else:
        console.print(f"Commitment {commitment_id} is now {row['status']}.")


class BriefFormat(StrEnum):
    """What ``brief`` writes."""

    md = "md"
    html = "html"
    docx = "docx"
    pdf = "pdf"


class BriefLang(StrEnum):
    """The brief's language."""

    en = "en"
    ko = "ko"


def brief_command(
    round_id: Annotated[int, typer.Option("--round", help="The last round's id.")],
    fmt: Annotated[
        BriefFormat, typer.Option("--format", help="md, html, docx (Word) or pdf.")
    ] = BriefFormat.md,
    lang: Annotated[BriefLang, typer.Option("--lang", help="en (English) or ko (Korean).")] = BriefLang.en,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file (default: print; needed for docx and pdf)."),
    ] = None,
    font: Annotated[
        Path | None,
        typer.Option(
            "--font", help="pdf: a TrueType font file (default: the shipped Hangul font; needed for Hanja)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge overdue commitments at this date (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
    role: RoleOption = None,
) -> None:
    """Brief a delegation before the next round: open commitments, changes, recommendations.

    Open commitments of this and earlier rounds (overdue ones marked), what the registry
    gained since the round's date (with the latest saved estimates and their intervals), the
    UN recommendations on the round's topics with the DPRK's responses, and the resolution
    paragraphs bearing on open cases and commitments: Markdown, a self-contained HTML page, a
    Word document or a PDF, in English or Korean.

    Example:

        unforgotten brief --round 1
        unforgotten brief --round 1 --format html --out brief.html
        unforgotten brief --round 1 --format docx --lang ko --out brief-ko.docx
        unforgotten brief --round 1 --format pdf --out brief.pdf
    """
    when = _date(as_of) if as_of else None
    if fmt in {BriefFormat.docx, BriefFormat.pdf} and out is None:
        raise ValidationError(f"--format {fmt.value} writes a file: give --out FILE")
    result = brief(open_workspace(db, None, None, role), round_id, as_of=when)
    if fmt is BriefFormat.docx or fmt is BriefFormat.pdf:
        data = result.to_docx(lang.value) if fmt is BriefFormat.docx else result.to_pdf(lang.value, font=font)
        assert out is not None
        out.write_bytes(data)
        console.print(f"Brief written to {out}")
        return
    text = result.to_html(lang.value) if fmt is BriefFormat.html else result.to_markdown(lang.value)
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"Brief written to {out}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"--as-of must be a date YYYY-MM-DD, not {text!r}") from exc


@upr_app.command("load")
def upr_load(
    db: DbOption = None, actor: ActorOption = None, role: RoleOption = None, as_json: JsonOption = False
) -> None:
    """Store the shipped recommendations of UPR cycles 1–2 (once; again adds nothing).

    Example:

        unforgotten upr load --db registry.db
    """
    added = load_upr(open_workspace(db, None, actor, role))
    if as_json:
        print_json({"added": added})
    else:
        console.print(f"{added} recommendations added.")


@upr_app.command("import")
def upr_import(
    file: Annotated[Path, typer.Argument(help="CSV of recommendations (columns: docs/tracking.md).")],
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Store more recommendations from CSV (cycles 3–4, resolution paragraphs): all rows or none.

    Every bad row is reported (row, column, reason); rows already stored are skipped.

    Example:

        unforgotten upr import upr_cycle3.csv
    """
    added = import_recommendations(open_workspace(db, None, actor, role), file)
    if as_json:
        print_json({"added": added})
    else:
        console.print(f"{added} recommendations added from {file.name}.")


class PublicFormat(StrEnum):
    """What ``export-public`` writes."""

    csv = "csv"
    json = "json"
    site = "site"


def export_public_command(
    out: Annotated[Path, typer.Option("--out", help="The file to write (a folder for --format site).")],
    by: Annotated[str, typer.Option("--by", help="One or two of case_type, province, period.")] = "case_type",
    threshold: Annotated[int, typer.Option("--threshold", help="Suppress counts from 1 to this - 1.")] = 5,
    fmt: Annotated[
        PublicFormat, typer.Option("--format", help="csv, json, or site (a folder any web host can serve).")
    ] = PublicFormat.csv,
    raw_cells: RawCellsOption = False,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export public statistics: consenting persons only, small cells suppressed (audited).

    Counts by case type, province and/or period; every count from 1 to threshold − 1 is
    suppressed, and enough others that none can be worked out (rules in docs/tracking.md).

    Example:

        unforgotten export-public --by case_type,province --threshold 5 --out public.csv
        unforgotten export-public --by period --format json --out public.json
        unforgotten export-public --by case_type,period --format site --out public-site
    """
    dims = [d.strip() for d in by.split(",") if d.strip()]
    ws = open_workspace(db, None, actor, role)
    table = export_public(ws, by=dims, out=out, threshold=threshold, fmt=fmt.value, raw_cells=raw_cells)
    cells = (*table.cells, *table.totals)
    summary = {"out": str(out), "cells": len(cells), "suppressed": sum(c.suppressed for c in cells)}
    if as_json:
        print_json(summary)
    else:
        console.print(f"Wrote {summary['cells']} cells ({summary['suppressed']} suppressed) to {out}")


def register(app: typer.Typer) -> None:
    """Add the tracking commands to the main application."""
    app.add_typer(readout_app, name="readout")
    app.add_typer(round_app, name="round")
    app.add_typer(commitment_app, name="commitment")
    app.add_typer(upr_app, name="upr")
    app.command("brief")(brief_command)
    app.command("export-public")(export_public_command)
