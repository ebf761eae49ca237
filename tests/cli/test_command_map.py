"""The start-up map of ``unforgotten.cli.main``: each top-level command → the module registering it."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer

from unforgotten.cli.main import COMMAND_MODULES, COMMANDS


def _registered(module: str) -> set[str]:
    app = typer.Typer()
    importlib.import_module(module).register(app)
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    names |= {g.name or g.typer_instance.info.name or "" for g in app.registered_groups}
    return {n.replace("_", "-") for n in names}


def test_map_matches_registration() -> None:
    actual = {name: module for module in COMMAND_MODULES for name in _registered(module)}
    assert actual == COMMANDS


def test_estimate_loads_neither_database_nor_scipy() -> None:
    code = (
        "import sys; sys.argv = ['unforgotten', 'estimate', '--dataset', 'kosovo', '--method', "
        "'loglinear', '--json'];\n"
        "from unforgotten.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sqlalchemy', 'scipy', 'numba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"estimate": 10356.52' in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"
