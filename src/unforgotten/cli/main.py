"""Entry point of the ``unforgotten`` command.

Each command group lives in its own module of this package and exposes
``register(app)``; :data:`COMMAND_MODULES` lists them in the order ``--help`` shows.
"""

from __future__ import annotations

import importlib
import sys

import typer

from unforgotten.cli.options import err_console
from unforgotten.errors import BatchRejected, FieldErrors, UnforgottenError

__all__ = ["COMMAND_MODULES", "app", "run"]

COMMAND_MODULES = [
    "unforgotten.cli.registry",
    "unforgotten.cli.records",
    "unforgotten.cli.evidence",
    "unforgotten.cli.audit",
    "unforgotten.cli.link",
    "unforgotten.cli.names",
    "unforgotten.cli.estimate",
    "unforgotten.cli.tracking",
    "unforgotten.cli.synth",
    "unforgotten.cli.demo",
    "unforgotten.cli.web",
]

app = typer.Typer(
    name="unforgotten",
    help="Records of abductions, detentions and disappearances in North Korea.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != _name:
            raise
        continue
    _module.register(app)


def _report(exc: UnforgottenError) -> None:
    if isinstance(exc, FieldErrors):
        err_console.print(f"[bold red]error:[/] the {exc.what} was not saved:", highlight=False)
        for field, why in exc.errors.items():
            err_console.print(f"  {field}: {why}", highlight=False)
        return
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
    if isinstance(exc, BatchRejected):
        for line in exc.lines():
            err_console.print(f"  {line}", highlight=False)


def run() -> None:
    """Run the command line; a user mistake ends in a message and a non-zero exit."""
    try:
        app()
    except UnforgottenError as exc:
        _report(exc)
        sys.exit(exc.exit_code)
