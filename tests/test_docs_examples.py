"""Every shell example of README.md, docs/ and the commands' help runs as written on the demo registry.

The demo registry is built once per session with the real command (``unforgotten demo
--no-serve``); each block then runs with ``bash`` under ``set -euo pipefail`` in a fresh folder
holding a copy of it: ``registry.db`` with its key, signing key and checkpoint file (the
``UNFORGOTTEN_DB`` of every block) and the whole ``demo-workspace/`` as the demo leaves it, plus the
example input files of ``tests/docs_inputs/``. ``unforgotten`` (and ``.venv/bin/unforgotten``) run
this checkout with this test's Python.

A line that serves the web application (``unforgotten serve``, or ``unforgotten demo`` without
``--no-serve``) is started in the background on a free port, and the block waits until the port
answers; a block that calls ``curl`` without such a line gets ``unforgotten serve`` started first.
Port 8000 in a block is replaced by that free port. The server and everything else the block
started are stopped when it ends.

A block whose first line is ``# not run: REASON`` is skipped; at most ``MAX_EXEMPT`` may be.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.docs_examples import ROOT, Block, help_examples, hidden_command_lines, shell_blocks
from unforgotten.cli.main import app

pytestmark = pytest.mark.slow

MAX_EXEMPT = 6
BLOCK_TIMEOUT_S = 180
INPUTS = Path(__file__).resolve().parent / "docs_inputs"
CURL = shutil.which("curl")
BLOCKS = [*shell_blocks(), *help_examples()]

_PRELUDE = """set -euo pipefail
wait_for_port() {
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "nothing answered on port $1; serve.log:" >&2; cat serve.log >&2; return 1
}
"""
_SERVING = re.compile(r"^(\s*)((?:\.venv/bin/)?unforgotten\s+(serve|demo)\b.*)$")
_CURL = re.compile(r"(^|[\s;|&($])curl\s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serving(command: str) -> bool:
    match = _SERVING.match(command)
    if match is None:
        return False
    return match.group(3) == "serve" or not re.search(r"--no-serve|--json", command)


def runnable(script: str, port: int) -> str:
    """The block as bash runs it: port 8000 replaced, serving lines in the background."""
    script = re.sub(r"(127\.0\.0\.1|localhost):8000\b", rf"127.0.0.1:{port}", script)
    script = re.sub(r"--port[ =]8000\b", f"--port {port}", script)
    lines: list[str] = []
    served = False
    for line in script.splitlines():
        command = re.split(r"\s+#\s", line, maxsplit=1)[0].rstrip()
        if _serving(command):
            if "--port" not in command:
                command += f" --port {port}"
            lines += [f"{command} > serve.log 2>&1 &", f"wait_for_port {port}"]
            served = True
        else:
            lines.append(line)
    if not served and _CURL.search(script):
        lines[:0] = [f"unforgotten serve --port {port} > serve.log 2>&1 &", f"wait_for_port {port}"]
    return _PRELUDE + "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the default demo built by the real command: ``demo-workspace/`` in it."""
    base = tmp_path_factory.mktemp("docs-demo")
    env = _environment(base / "bin")
    done = subprocess.run(
        ["unforgotten", "demo", "--no-serve", "--json"],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return base


def _environment(shim_dir: Path) -> dict[str, str]:
    """This process's environment without UNFORGOTTEN_*, with an ``unforgotten`` that runs this checkout."""
    shim_dir.mkdir(parents=True, exist_ok=True)
    shims = {"unforgotten": f"{sys.executable} -m unforgotten", "python": sys.executable}
    if CURL is not None:  # an HTTP error status fails the block, as a person reading the reply would see
        shims["curl"] = f"{CURL} --fail-with-body"
    for name, target in shims.items():
        shim = shim_dir / name
        shim.write_text(f'#!/bin/sh\nexec {target} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNFORGOTTEN_")}
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    env["PATH"] = os.pathsep.join((str(shim_dir), env.get("PATH", "")))
    env.update(COLUMNS="100", NO_COLOR="1", TERM="dumb")
    return env


@pytest.fixture
def workdir(demo_copy: Path, tmp_path: Path) -> Iterator[Path]:
    """A fresh folder: the demo's registry files, ``demo-workspace/``, the example inputs."""
    work = tmp_path / "work"
    shutil.copytree(demo_copy / "demo-workspace", work / "demo-workspace")
    for path in (work / "demo-workspace").glob("registry.db*"):
        if path.is_file():
            shutil.copy2(path, work / path.name)
    for path in INPUTS.iterdir():
        shutil.copy2(path, work / path.name)
    _environment(work / ".venv" / "bin")
    yield work
    shutil.rmtree(work)  # two registry copies a block: do not keep a gigabyte of them in /tmp


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_example_runs_as_written(block: Block, request: pytest.FixtureRequest) -> None:
    if block.exempt is not None:
        pytest.skip(f"not run: {block.exempt}")
    if CURL is None and _CURL.search(block.script):
        pytest.skip("curl is not installed")
    workdir: Path = request.getfixturevalue("workdir")  # only for a block that runs
    env = _environment(workdir / ".venv" / "bin")
    env["UNFORGOTTEN_DB"] = "registry.db"
    process = subprocess.Popen(
        ["bash", "-c", runnable(block.script, _free_port())],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,  # nobody at the keyboard: a prompt sees the end of input
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=BLOCK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        output = f"(still running after {BLOCK_TIMEOUT_S} s)"
    finally:
        _stop_group(process)
    assert process.returncode == 0, (
        f"{block.id} failed (exit {process.returncode}):\n{block.text}\n---\n{output}"
    )


def _stop_group(process: subprocess.Popen[str]) -> None:
    """Stop what the block left running (a server), TERM then KILL, and reap the shell."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            process.poll()
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def test_few_examples_are_exempt() -> None:
    exempt = [f"{b.id}: {b.exempt}" for b in BLOCKS if b.exempt is not None]
    assert len(exempt) <= MAX_EXEMPT, "\n".join(exempt)


def test_examples_are_found() -> None:
    files = {b.file for b in BLOCKS}
    assert {"README.md", "docs/getting-started.md", "docs/linkage.md", "src/unforgotten/cli/web.py"} <= files
    assert len(help_examples()) >= 40


def test_no_command_line_hides_in_a_fence_not_run() -> None:
    """A command line in a fence not labelled sh/bash/shell/console would escape the test above."""
    assert hidden_command_lines() == []


def test_cli_reference_shows_the_help_examples_whole() -> None:
    """docs/cli.md is generated from the docstrings: each example line is one line there, not rewrapped."""
    shown = {line.strip() for line in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").splitlines()}
    leaves = set(_leaf_commands(typer.main.get_command(app)))
    examples = [b for b in help_examples() if b.function in leaves]
    assert len(examples) >= 40
    missing = [
        f"{b.id}: {line.strip()}"
        for b in examples
        for line in b.text.splitlines()
        if line.strip() and line.strip() not in shown
    ]
    assert missing == [], "shorten the line (or continue it with \\), then run scripts/gen_cli_docs.py"


def _leaf_commands(group: Any) -> Iterator[str]:
    """``module.name`` of the function of each command that docs/cli.md documents (not the groups)."""
    for command in group.commands.values():
        if hasattr(command, "commands"):
            yield from _leaf_commands(command)
        else:
            function = inspect.unwrap(command.callback)
            yield f"{function.__module__}.{function.__name__}"
