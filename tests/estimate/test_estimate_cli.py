from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.estimate.datasets import DATA_DIR as DATA

KEYS = [
    "method",
    "observed",
    "estimate",
    "lower",
    "upper",
    "level",
    "seed",
    "settings",
    "diagnostics",
    "seconds",
]


def test_json_shape_for_one_method() -> None:
    out = CliRunner().invoke(
        app, ["estimate", "--table", str(DATA / "kosovo.csv"), "--method", "loglinear", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert list(data)[:10] == KEYS
    assert (data["estimate"], data["lower"], data["upper"]) == (10356.52, 9004.98, 12104.72)


def test_all_methods_and_report(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    out = CliRunner().invoke(
        app,
        [
            "estimate",
            "--table",
            str(DATA / "UKdat_4.csv"),
            "--method",
            "all",
            "--burnin",
            "500",
            "--samples",
            "100",
            "--thinning",
            "5",
            "--json",
            "--report",
            str(report),
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [d["method"] for d in data] == ["loglinear", "stepwise", "lcmcr", "dga"]
    page = report.read_text()
    assert page.count("<svg") >= 3 and "http://" not in page.replace("http://www.w3.org", "")
    assert "<script" not in page


def test_bad_table_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,x,3\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["estimate", "--table", str(bad)])
    assert out.exit_code != 0
    assert "column 'B'" in str(out.exception)


def test_help_ends_with_example() -> None:
    out = CliRunner().invoke(app, ["estimate", "--help"])
    assert "Example:" in out.output


def test_stepwise_rule_is_stated() -> None:
    table = str(DATA / "UKdat_4.csv")
    out = CliRunner().invoke(
        app, ["estimate", "--table", table, "--method", "stepwise", "--rule", "msefit", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["rule"] == data["settings"]["rule"] == "msefit"
    assert set(data["diagnostics"]["other_rules"]) == {"skip-disjoint", "sparsemse"}
    text = CliRunner().invoke(
        app, ["estimate", "--table", table, "--method", "stepwise"], env={"COLUMNS": "200"}
    )
    assert text.exit_code == 0, text.output
    assert "stepwise (skip-disjoint)" in text.stdout
    bad = CliRunner().invoke(app, ["estimate", "--table", table, "--rule", "aic"])
    assert bad.exit_code != 0
    assert "aic" in bad.output
