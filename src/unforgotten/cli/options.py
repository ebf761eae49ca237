"""Options shared by every command, as ``Annotated`` aliases, and output helpers."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

__all__ = ["DbOption", "JsonOption", "RawCellsOption", "console", "err_console", "print_json"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="UNFORGOTTEN_DB",
        help="Database URL or SQLite file path (default: unforgotten.db in the working directory).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]
RawCellsOption = Annotated[
    bool,
    typer.Option(
        "--raw-cells",
        help="CSV: write cells exactly as stored. By default a cell that starts like a spreadsheet "
        "formula (= + - @ tab CR) gets a leading apostrophe, so opening the file runs nothing.",
    ),
]

console = Console()
err_console = Console(stderr=True)


def print_json(data: Any) -> None:
    """Write ``data`` as JSON on standard output (UTF-8, Hangul kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
