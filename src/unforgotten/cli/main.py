"""Entry point of the ``unforgotten`` command.

Each command group lives in its own module of this package and exposes
``register(app)``; :data:`COMMAND_MODULES` lists them in the order ``--help`` shows.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from functools import cache

import typer

from unforgotten.cli.options import err_console
from unforgotten.errors import BatchRejected, FieldErrors, UnforgottenError

__all__ = ["COMMANDS", "COMMAND_MODULES", "build_app", "run"]  # and ``app``, built on first use

COMMAND_MODULES = [
    "unforgotten.cli.registry",
    "unforgotten.cli.records",
    "unforgotten.cli.evidence",
    "unforgotten.cli.accountability",
    "unforgotten.cli.proposals",
    "unforgotten.cli.audit",
    "unforgotten.cli.backup",
    "unforgotten.cli.link",
    "unforgotten.cli.names",
    "unforgotten.cli.estimate",
    "unforgotten.cli.tracking",
    "unforgotten.cli.resolutions",
    "unforgotten.cli.synth",
    "unforgotten.cli.demo",
    "unforgotten.cli.web",
]

# Top-level command → the module that registers it, so that ``unforgotten estimate …`` imports
# only the estimate module, not the database, web and import stacks (start-up time). A command
# missing here still works: the full application is built. tests/cli pins this map.
COMMANDS = {
    **dict.fromkeys(("init", "import", "history", "stats", "export", "key"), "unforgotten.cli.registry"),
    **dict.fromkeys(("person", "case", "incident", "source", "drafts", "consent"), "unforgotten.cli.records"),
    **dict.fromkeys(
        ("org", "post", "facility", "attribute", "chain", "dossier"), "unforgotten.cli.accountability"
    ),
    "proposals": "unforgotten.cli.proposals",
    **dict.fromkeys(("verify", "checkpoint"), "unforgotten.cli.audit"),
    **dict.fromkeys(("backup", "restore"), "unforgotten.cli.backup"),
    **dict.fromkeys(("evidence", "bundle"), "unforgotten.cli.evidence"),
    **dict.fromkeys(("link", "merge", "split", "review"), "unforgotten.cli.link"),
    "names": "unforgotten.cli.names",
    "estimate": "unforgotten.cli.estimate",
    **dict.fromkeys(
        ("brief", "export-public", "readout", "round", "commitment", "upr"), "unforgotten.cli.tracking"
    ),
    "resolution": "unforgotten.cli.resolutions",
    "synth": "unforgotten.cli.synth",
    "demo": "unforgotten.cli.demo",
    **dict.fromkeys(("serve", "user", "token"), "unforgotten.cli.web"),
}


def _new_app() -> typer.Typer:
    return typer.Typer(
        name="unforgotten",
        help="Records of abductions, detentions and disappearances in North Korea.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def _unwrapped(doc: str) -> str:
    """Help text with the line breaks of prose paragraphs removed, so that the terminal wraps them
    (examples, whose lines are indented, keep theirs)."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    kept = [
        p if any(line[:1].isspace() for line in p.splitlines()) else " ".join(p.split("\n"))
        for p in paragraphs
    ]
    return "\n\n".join(kept)


def _unwrap_help(app: typer.Typer) -> None:
    for info in app.registered_commands:
        if info.help:
            info.help = _unwrapped(info.help)
        elif info.callback is not None and info.callback.__doc__:
            info.callback.__doc__ = _unwrapped(info.callback.__doc__)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _unwrap_help(group.typer_instance)


def build_app(modules: list[str] | None = None) -> typer.Typer:
    """The application with the command groups of ``modules`` (default: all of them)."""
    target = _new_app()
    for name in COMMAND_MODULES if modules is None else modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command group not built yet
            if exc.name != name:
                raise
            continue
        module.register(target)
    _unwrap_help(target)
    if modules is not None:

        @target.callback()
        def _group() -> None:
            """Keeps a one-command application a group (``unforgotten estimate …``)."""

    return target


@cache
def _full_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> typer.Typer:
    """``app``, the full application, is built on first use."""
    if name == "app":
        return _full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app_for(argv: list[str]) -> typer.Typer:
    """Only the module of the command named first, when it is known; else everything."""
    first = argv[0] if argv else ""
    module = COMMANDS.get(first)
    return build_app([module]) if module else _full_app()


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
        _app_for(sys.argv[1:])()
    except UnforgottenError as exc:
        _report(exc)
        sys.exit(exc.exit_code)
