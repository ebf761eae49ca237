"""The command line as a user drives it: exit codes, messages, JSON output, no tracebacks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import typer
from tests.helpers import canonical_rows, write_csv
from typer.testing import CliRunner

from unforgotten.cli.main import app, run

runner = CliRunner()


def _invoke(*args: str) -> tuple[int, str, str]:
    """Run the command the way the console script does (errors become messages and exit codes)."""
    result = runner.invoke(app, list(args), catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        # reproduce run(): our errors become a message and their exit code
        from unforgotten.errors import UnforgottenError

        if isinstance(result.exception, UnforgottenError):
            return result.exception.exit_code, result.stdout, str(result.exception)
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    monkeypatch.delenv("UNFORGOTTEN_DB", raising=False)
    path = str(tmp_path / "r.db")
    code, _, _ = _invoke("init", "--db", path)
    assert code == 0
    return path


def test_import_stats_verify_json(db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", canonical_rows(12))
    code, out, _ = _invoke("import", str(path), "--source", "KWAFU", "--db", db, "--json")
    assert code == 0 and json.loads(out)["rows"] == 12
    code, out, _ = _invoke("stats", "--db", db, "--json")
    assert json.loads(out)["by_source"] == {"KWAFU": 12}
    code, out, _ = _invoke("verify", "--db", db, "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, _ = _invoke("history", "1", "--db", db, "--json")
    assert {(r["table_name"], r["op"]) for r in json.loads(out)} >= {("person", "insert"), ("name", "insert")}


def test_bad_rows_exit_non_zero_with_every_problem(db: str, tmp_path: Path) -> None:
    rows = canonical_rows(5)
    rows[1]["sex"] = "maybe"
    rows[3]["record_id"] = ""
    code, _, message = _invoke(
        "import", str(write_csv(tmp_path / "l.csv", rows)), "--source", "S", "--db", db
    )
    assert code == 4
    assert message == "l.csv: 2 bad row(s); nothing was imported"


def test_uninitialised_database_is_a_clear_error(tmp_path: Path) -> None:
    code, _, message = _invoke("stats", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "not initialised" in message and "unforgotten init" in message


def test_console_script_prints_message_not_traceback(db: str, tmp_path: Path) -> None:
    rows = canonical_rows(3)
    rows[2]["case_type"] = "abductee-postwr"
    path = write_csv(tmp_path / "bad.csv", rows)
    done = subprocess.run(
        [sys.executable, "-m", "unforgotten", "import", str(path), "--source", "S", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 4
    assert "Traceback" not in done.stderr
    assert " ".join(done.stderr.split()) == (
        "error: bad.csv: 1 bad row(s); nothing was imported - bad.csv: row 4, column 'case_type': "
        "'abductee-postwr' not a known case_type; did you mean 'abductee_postwar' or 'abductee_wartime' "
        "or 'abductee_foreign'?"
    )


def _all_commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found += _all_commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


def test_every_command_has_help_with_an_example() -> None:
    commands = _all_commands(typer.main.get_command(app))
    assert {"init", "import", "history", "verify", "stats", "export", "demo"} <= {n for n, _ in commands}
    missing = [name for name, command in commands if "Example" not in (command.help or "")]
    assert missing == []


def test_every_command_is_in_the_cli_reference() -> None:
    reference = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _all_commands(typer.main.get_command(app))
    assert [n for n, _ in commands if f"## unforgotten {n}\n" not in reference] == []


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in {"Z", "X"}  # a zombie has ended; only its exit status is left


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from /proc")
def test_kill_9_mid_import_leaves_a_consistent_registry_and_no_orphan(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    where = ["--db", db_url, "--key-file", str(tmp_path / "r.key")]
    assert _invoke("init", *where)[0] == 0
    path = write_csv(tmp_path / "big.csv", canonical_rows(60_000))
    command = [sys.executable, "-m", "unforgotten", "import", str(path), "--source", "S", *where]
    importer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _children(importer.pid):
        time.sleep(0.02)  # wait for the child that prepares rows
    preparer = _children(importer.pid)
    time.sleep(1.0)  # rows are being written now
    assert importer.poll() is None and preparer, "import finished before it could be killed"
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _gone(preparer[0]):
        time.sleep(0.05)
    assert _gone(preparer[0]), "the child preparing rows outlived the killed import"
    code, out, _ = _invoke("stats", "--db", db_url, "--json")
    assert code == 0 and (json.loads(out)["records"], json.loads(out)["persons"]) == (0, 0)
    code, out, _ = _invoke("verify", "--db", db_url, "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    again = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0 and json.loads(again.stdout)["rows"] == 60_000  # no lock was left behind


def test_run_turns_errors_into_exit_codes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "argv", ["unforgotten", "stats", "--db", str(tmp_path / "x.db")])
    with pytest.raises(SystemExit) as caught:
        run()
    assert caught.value.code == 2
