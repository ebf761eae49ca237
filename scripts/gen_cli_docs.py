"""Write docs/cli.md from the commands' own --help (run after changing a command).

    .venv/bin/python scripts/gen_cli_docs.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from unforgotten.cli.main import app

OUT = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _commands(group: Any, prefix: str = "") -> list[str]:
    found = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append(f"{prefix}{name}")
    return found


def main() -> None:
    os.environ["COLUMNS"] = "100"
    os.environ["NO_COLOR"] = "1"
    os.environ["TERM"] = "dumb"
    runner = CliRunner()
    parts = [
        "# Command-line reference",
        "",
        "Generated from each command's `--help` by `scripts/gen_cli_docs.py`; a test fails when a",
        "command is missing here. Every command takes `--db URL` (or `UNFORGOTTEN_DB`) where it uses",
        "the registry, and `--json` where it prints results.",
        "",
    ]
    for name in _commands(typer.main.get_command(app)):
        result = runner.invoke(app, [*name.split(), "--help"], terminal_width=100)
        text = re.sub(r"\x1b\[[0-9;]*m", "", result.output).rstrip()
        parts += [f"## unforgotten {name}", "", "```text", text, "```", ""]
    OUT.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
