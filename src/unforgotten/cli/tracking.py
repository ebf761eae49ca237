"""``unforgotten readout`` and ``unforgotten upr``: readout import (draft) and UN recommendations.

Thin wrappers over :mod:`unforgotten.tracking`. Saving a draft round to the database comes
with the store tables for rounds; until then ``readout import`` prints the draft.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from unforgotten.cli.options import JsonOption, console, print_json
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.tracking.readout import DraftRound, parse_readout
from unforgotten.tracking.rules import agenda_topics, violation_labels
from unforgotten.tracking.upr import load_recommendations, summarise, theme_hits, themes_for

__all__ = ["import_readout", "read_text", "register", "upr_summary", "upr_themes"]

readout_app = typer.Typer(help="Turn official readouts into draft consultation rounds.", no_args_is_help=True)
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
    as_json: JsonOption = False,
) -> None:
    """Read an official readout into a draft round and print it (nothing is saved yet).

    Every extracted item carries its evidence (paragraph, sentence, character span, rule);
    with --json it is in the top-level "evidence" object.

    Example:

        unforgotten readout import 2024-04-15_readout.txt
        unforgotten readout import 2024-04-15_readout.txt --json
    """
    draft = parse_readout(read_text(file), source=file.name)
    if as_json:
        print_json(draft.to_dict())
    else:
        _print_draft(draft)


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


def register(app: typer.Typer) -> None:
    """Add the ``readout`` and ``upr`` command groups to the main application."""
    app.add_typer(readout_app, name="readout")
    app.add_typer(upr_app, name="upr")
