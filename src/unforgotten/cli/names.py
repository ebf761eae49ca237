"""``unforgotten names``: romanize, Hangul candidates, compare, resolve a place."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from unforgotten.cli.options import JsonOption, console, print_json
from unforgotten.errors import ValidationError
from unforgotten.korean import (
    Script,
    hangul_candidates,
    name_key,
    name_similarity,
    parse_name,
    resolve_place,
    romanize,
    romanize_name,
    script_of,
)

__all__ = ["register"]

_SHOWN_SYSTEMS = ("rr", "mr", "dprk")


def _romanized(text: str) -> dict[str, str]:
    if script_of(text) is not Script.HANGUL:
        raise ValidationError(f"{text!r} is not Hangul; romanize takes Hangul text")
    parsed = parse_name(text)
    if parsed.family and parsed.given and len(text.replace(" ", "")) <= 5:
        family, given = parsed.family, parsed.given.replace(" ", "")
        return {s: romanize_name(family, given, system=s) for s in _SHOWN_SYSTEMS}
    return {s: romanize(text, system=s) for s in _SHOWN_SYSTEMS}


def romanize_command(
    text: Annotated[str, typer.Argument(help="Hangul: a name (family first) or any text.")],
    as_json: JsonOption = False,
) -> None:
    """Romanize Hangul in Revised Romanization, McCune–Reischauer and the DPRK system.

    A name of up to five syllables is written as each system writes personal names;
    longer text is romanized word by word with the sound changes each system writes.

    Example:
        unforgotten names romanize 리설주 --json
    """
    result: dict[str, Any] = {"input": text, **_romanized(text)}
    if as_json:
        print_json(result)
        return
    for system in _SHOWN_SYSTEMS:
        console.print(f"{system:5} {result[system]}", highlight=False)


def candidates_command(
    text: Annotated[str, typer.Argument(help="A romanized name in any system and order.")],
    limit: Annotated[int, typer.Option("--limit", help="How many candidates.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Rank the Hangul spellings a romanized name may stand for, best first.

    Example:
        unforgotten names candidates "Ri Sol Ju" --limit 5 --json
    """
    found = hangul_candidates(text, limit=limit)
    if as_json:
        rows = [{"hangul": c.hangul, "score": round(c.score, 4)} for c in found]
        print_json({"input": text, "candidates": rows})
        return
    table = Table("hangul", "score")
    for candidate in found:
        table.add_row(candidate.hangul, f"{candidate.score:.4f}")
    console.print(table)


def compare_command(
    a: Annotated[str, typer.Argument(help="A name, any script or system.")],
    b: Annotated[str, typer.Argument(help="Another name.")],
    as_json: JsonOption = False,
) -> None:
    """Compare two written names: similarity in [0, 1] and whether they share the name key.

    Example:
        unforgotten names compare "Kim Jong Un" 김정은 --json
    """
    result = {"a": a, "b": b, "similarity": round(name_similarity(a, b), 4),
              "same_key": bool(name_key(a)) and name_key(a) == name_key(b)}
    if as_json:
        print_json(result)
        return
    console.print(f"similarity {result['similarity']:.4f}; same key: {result['same_key']}",
                  highlight=False)


def place_command(
    text: Annotated[str, typer.Argument(help="A North Korean place name in any spelling.")],
    as_json: JsonOption = False,
) -> None:
    """Resolve a place name to gazetteer units (ISO 3166-2:KP codes for provinces).

    Example:
        unforgotten names place "Hamgyong-bukto" --json
    """
    found = resolve_place(text)
    if as_json:
        matches = [
            {"code": m.code, "name_hangul": m.name_hangul, "name_en": m.name_en,
             "confidence": m.confidence, "note": m.note}
            for m in found
        ]
        print_json({"input": text, "matches": matches})
        return
    table = Table("code", "hangul", "english", "confidence", "note")
    for m in found:
        table.add_row(m.code, m.name_hangul, m.name_en, f"{m.confidence:.3f}", m.note)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``names`` group to the main app."""
    names = typer.Typer(help="Korean names and North Korean places.", no_args_is_help=True)
    names.command("romanize")(romanize_command)
    names.command("candidates")(candidates_command)
    names.command("compare")(compare_command)
    names.command("place")(place_command)
    app.add_typer(names, name="names")
