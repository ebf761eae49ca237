"""Estimates by stratum: thin strata are named, with the reason, on every path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.estimate import CaptureTable, Settings, run_methods, thin_reasons
from unforgotten.estimate.datasets import shipped_table
from unforgotten.estimate.report import render_report
from unforgotten.store.workspace import Workspace

THICK = CaptureTable.from_counts(["A", "B"], {(1, 0): 60, (0, 1): 50, (1, 1): 25})
THIN = CaptureTable.from_counts(["A", "B", "C"], {(1, 0, 0): 20, (0, 1, 0): 10, (1, 1, 0): 3, (0, 0, 1): 4})


def test_a_thick_table_has_no_reason() -> None:
    assert thin_reasons(THICK) == []
    assert thin_reasons(shipped_table("kosovo")) == []


def test_a_thin_table_says_why() -> None:
    assert thin_reasons(THIN) == [
        "37 persons observed (fewer than 50)",
        "3 persons on two or more lists (fewer than 20)",
    ]


def test_one_list_recording_anyone_is_named() -> None:
    lonely = CaptureTable.from_counts(["A", "B"], {(1, 0): 80})
    assert thin_reasons(lonely)[0] == "only 1 of its lists record anyone"


def test_run_methods_warns_on_the_thin_stratum_only() -> None:
    runs = run_methods({"famine": THIN, "recent": THICK}, ["stepwise"], Settings(), keep_going=True)
    thin, thick = (r.warnings for r in runs)
    assert thin[0] == (
        "stratum 'famine' is too thin to estimate reliably: 37 persons observed (fewer than 50);"
        " 3 persons on two or more lists (fewer than 20)"
    )
    assert not any("too thin" in w for w in thick)


def test_the_report_names_thin_strata() -> None:
    tables = {"famine": THIN, "recent": THICK}
    runs = run_methods(tables, ["stepwise"], Settings(), keep_going=True)
    page = render_report(runs, tables)
    assert page.count('class="warn thin"') == 1
    assert "famine: too thin to estimate reliably" in page
    assert page.count("estimate by stratum") == 1


@pytest.mark.slow
def test_estimate_by_period_from_the_registry(ws: Workspace, tmp_path: Path) -> None:
    from tests.web.demo_like import build

    build(ws, tmp_path, persons=400)
    report = tmp_path / "periods.html"
    done = CliRunner().invoke(
        app,
        [
            "estimate",
            "--db",
            ws.settings.db_url,
            "--by",
            "period",
            "--method",
            "stepwise",
            "--json",
            "--report",
            str(report),
        ],
    )
    assert done.exit_code == 0, done.output
    strata = json.loads(done.stdout)
    assert set(strata) <= {"before_1950", "korean_war", "cold_war", "famine", "recent", "unknown"}
    assert {"korean_war", "cold_war"} <= set(strata)
    observed = {s: r.get("observed") for s, r in strata.items()}
    whole = json.loads(
        CliRunner()
        .invoke(app, ["estimate", "--db", ws.settings.db_url, "--method", "stepwise", "--json"])
        .stdout
    )
    assert sum(v for v in observed.values() if v is not None) == whole["observed"]
    warned = {s for s, r in strata.items() if any("too thin" in w for w in r.get("warnings", []))}
    small = {s for s, r in strata.items() if (r.get("observed") or 0) < 50}
    assert small <= warned
    assert "Estimates by stratum" in report.read_text()
