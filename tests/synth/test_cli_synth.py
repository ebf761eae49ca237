from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unforgotten.cli.main import app

needs_names = pytest.mark.skipif(
    importlib.util.find_spec("unforgotten.synth.names") is None, reason="names.py not landed yet"
)

runner = CliRunner()
ARGS = ["synth", "--persons", "300", "--lists", "3", "--model", "mixed", "--seed", "7"]


@needs_names
def test_writes_lists_truth_and_population(tmp_path: Path) -> None:
    result = runner.invoke(app, [*ARGS, "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n_total"] == 300
    assert report["n_observed"] + report["n_unobserved"] == 300
    assert [item["name"] for item in report["lists"]] == ["ministry", "families", "ngo_db"]
    assert len(report["overlaps"]) == 3
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["capture_table.csv", "families.csv", "ministry.csv", "ngo_db.csv",
                     "population.csv", "truth.csv"]
    truth_rows = (tmp_path / "truth.csv").read_text(encoding="utf-8").splitlines()
    assert len(truth_rows) - 1 == report["rows"] == sum(i["rows"] for i in report["lists"])


@needs_names
def test_same_seed_same_files(tmp_path: Path) -> None:
    for run in ("a", "b"):
        assert runner.invoke(app, [*ARGS, "--out", str(tmp_path / run)]).exit_code == 0
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


@needs_names
def test_table_summary_and_xlsx(tmp_path: Path) -> None:
    result = runner.invoke(app, [*ARGS, "--out", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert "N = 300 persons (mixed model)" in result.stdout
    assert (tmp_path / "ministry.xlsx").is_file()


def test_unknown_model_is_a_clean_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--model", "nope", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "unknown capture model 'nope'" in str(result.exception)


def test_help_ends_with_an_example() -> None:
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "unforgotten synth --persons 2000" in result.stdout
