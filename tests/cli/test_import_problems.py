"""How a refused import shows its problems: the first --max-errors, a count of the rest, and
every one of them in the --report file or the --json output, never a protected value."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers import canonical_rows, write_csv

SECRETS = ("Witness Secret", "+82-10-7777", "Safehouse Lane")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script as a user runs it (errors become a message and an exit code)."""
    command = [sys.executable, "-c", "from unforgotten.cli.main import run; run()", *args]
    env = {**os.environ, "COLUMNS": "400"}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    path = str(tmp_path / "r.db")
    assert _cli("init", "--db", path).returncode == 0
    return path


@pytest.fixture
def bad(tmp_path: Path) -> list[str]:
    """100 rows, each with an unknown case type, each with an informant and a protected cell."""
    rows = [
        {
            **r,
            "case_type": f"abducted{i}",
            "informant_name": f"Witness Secret {i}",
            "informant_contact": f"+82-10-7777-{i:04d}",
            "safehouse": f"Safehouse Lane {i}",
        }
        for i, r in enumerate(canonical_rows(100))
    ]
    mapping = tmp_path / "protect.toml"
    mapping.write_text('[protected]\ncolumns = ["safehouse"]\n', encoding="utf-8")
    return [str(write_csv(tmp_path / "bad.csv", rows)), "--source", "S", "--mapping", str(mapping)]


def _shown(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.strip()]  # the progress bar leaves a blank


def _no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def test_twenty_shown_and_a_count_of_the_rest(db: str, bad: list[str]) -> None:
    done = _cli("import", *bad, "--db", db)
    assert done.returncode == 4 and done.stdout == ""
    lines = _shown(done.stderr)
    assert lines[0] == "error: bad.csv: 100 bad row(s); nothing was imported"
    assert len(lines) == 22
    where = [f" row {i + 2}, column 'case_type'" for i in range(20)]
    assert [line.split(":")[1] for line in lines[1:21]] == where
    assert lines[21] == "… and 80 more; to see all 100, use --report FILE (CSV or JSON) or --json"
    _no_secret(done.stdout, done.stderr)
    stats = _cli("stats", "--db", db, "--json")
    assert json.loads(stats.stdout)["records"] == 0  # nothing written


def test_max_errors_and_a_csv_report_of_every_problem(db: str, bad: list[str], tmp_path: Path) -> None:
    report = tmp_path / "problems.csv"
    done = _cli("import", *bad, "--db", db, "--max-errors", "5", "--report", str(report))
    assert done.returncode == 4
    lines = _shown(done.stderr)
    assert len(lines) == 7
    assert lines[1].startswith("- bad.csv: row 2, column 'case_type': 'abducted0' not a known case_type")
    assert lines[5].startswith("- bad.csv: row 6, column 'case_type': 'abducted4' not a known case_type")
    assert lines[6] == f"… and 95 more (all 100 in {report})"
    with report.open(encoding="utf-8", newline="") as handle:
        found = list(csv.DictReader(handle))
    assert len(found) == 100
    assert [int(r["row"]) for r in found] == list(range(2, 102))
    assert {(r["file"], r["column"], r["severity"], r["code"]) for r in found} == {
        ("bad.csv", "case_type", "error", "unknown_value")
    }
    assert found[0]["message"].startswith("not a known case_type; ")
    assert all(f"abducted{i}" not in r["message"] for i, r in enumerate(found))  # no cell values
    _no_secret(done.stdout, done.stderr, report.read_text(encoding="utf-8"))


def test_json_lists_every_problem_with_the_total(db: str, bad: list[str], tmp_path: Path) -> None:
    report = tmp_path / "problems.json"
    done = _cli("import", *bad, "--db", db, "--json", "--report", str(report))
    assert done.returncode == 4
    data = json.loads(done.stdout)
    assert (data["ok"], data["file"], data["total"], len(data["problems"])) == (False, "bad.csv", 100, 100)
    assert [p["row"] for p in data["problems"]] == list(range(2, 102))
    assert set(data["problems"][0]) == {"file", "row", "column", "value", "reason", "severity", "code"}
    written = json.loads(report.read_text(encoding="utf-8"))
    assert (written["file"], written["total"], len(written["problems"])) == ("bad.csv", 100, 100)
    assert written["problems"][99] == {
        "file": "bad.csv",
        "row": 101,
        "column": "case_type",
        "severity": "error",
        "code": "unknown_value",
        "message": data["problems"][99]["reason"],
    }
    _no_secret(done.stdout, done.stderr, report.read_text(encoding="utf-8"))


def test_a_report_of_an_accepted_import_holds_its_warnings(db: str, tmp_path: Path) -> None:
    rows = canonical_rows(3)
    rows[1]["birth_date"] = "sometime"
    report = tmp_path / "warnings.csv"
    done = _cli("import", str(write_csv(tmp_path / "ok.csv", rows)), "--source", "S", "--db", db,
                "--report", str(report))
    assert done.returncode == 0, done.stderr
    with report.open(encoding="utf-8", newline="") as handle:
        found = list(csv.DictReader(handle))
    assert found == [{
        "file": "ok.csv",
        "row": "3",
        "column": "birth_date",
        "severity": "warning",
        "code": "date_not_understood",
        "message": "date not understood; kept as written with precision 'unknown'",
    }]
