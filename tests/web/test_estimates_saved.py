"""Saved estimates appear on the estimates page: the demo's, `unforgotten estimate --save`'s, the page's own.

Before, the page showed only what the web process had run since it started (kept in memory), so
the demo's estimate and every command-line run were missing, and a restart lost the page's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, SECRET, csrf_of, login
from tests.web.demo_like import build
from typer.testing import CliRunner

from unforgotten.cli.main import app as cli
from unforgotten.settings import Settings
from unforgotten.store.workspace import Workspace
from unforgotten.web.accounts import add_user
from unforgotten.web.app import create_app
from unforgotten.web.config import WebSettings

runner = CliRunner()


def _client(ws: Workspace, role: str = "analyst") -> TestClient:
    client = TestClient(create_app(WebSettings(ws.settings, SECRET), engine=ws.engine))
    login(client, role)
    return client


def test_the_demos_estimate_is_on_the_page(tmp_path: Path) -> None:
    done = runner.invoke(
        cli, ["demo", "--dir", str(tmp_path / "demo"), "--persons", "400", "--no-serve", "--json"]
    )
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    ws = Workspace(Settings.build(db=summary["db"]))  # the key next to the database, as the demo leaves it
    add_user(ws, "viewer", role="viewer", password=PASSWORD)
    with _client(ws, "viewer") as client:
        page = client.get("/api/estimates").json()
        (row,) = page["rows"]
        shown = {k: round(row[k], 2) if isinstance(row[k], float) else row[k] for k in summary["estimate"]}
        assert shown == summary["estimate"]  # method, observed, estimate, lower, upper
        assert (page["stratify"], page["origin"], page["saved_by"], page["may_run"]) == (
            "all",
            "demo",
            "demo:officer",
            False,
        )
        client.cookies.set("lang", "ko")
        html = client.get("/estimates").text
    assert "아직 추정을 실행하지 않았습니다." not in html
    assert '<tr><td>전체</td><td class="nowrap">단계적 로그선형</td>' in html
    assert f"<strong>{summary['estimate']['estimate']:,.0f}</strong>" in html


def test_a_saved_command_line_run_is_on_the_page(ws: Workspace, tmp_path: Path) -> None:
    build(ws, tmp_path, persons=200)
    add_user(ws, "analyst", role="analyst", password=PASSWORD)
    db = ["--db", ws.settings.db_url]
    plain = runner.invoke(cli, ["estimate", "--method", "stepwise", "--json", *db])
    assert plain.exit_code == 0, plain.output
    with _client(ws) as client:
        assert client.get("/api/estimates").json()["rows"] == []  # not saved: not shown
        saved = runner.invoke(cli, ["estimate", "--method", "stepwise", "--json", "--save", *db])
        assert saved.exit_code == 0, saved.output
        assert "Saved estimate run 1; the web application shows it at /estimates?by=all." in saved.stderr
        result = json.loads(saved.stdout)
        page = client.get("/api/estimates").json()
        (row,) = page["rows"]
        assert (page["run_id"], page["origin"], row["method"], row["observed"]) == (
            1,
            "cli",
            "stepwise",
            result["observed"],
        )
        assert round(row["estimate"], 2) == result["estimate"]
        by_type = runner.invoke(cli, ["estimate", "--method", "stepwise", "--by", "case_type", "--save", *db])
        assert by_type.exit_code == 0, by_type.output
        strata = {r["stratum"] for r in client.get("/api/estimates?by=case_type").json()["rows"]}
        assert "pow" in strata and "abductee_wartime" in strata
        client.cookies.set("lang", "ko")
        html = client.get("/estimates?by=case_type").text
    assert "<td>국군포로</td>" in html and "<td>pow</td>" not in html


def test_table_runs_cannot_be_saved(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("A,B,count\n1,0,10\n0,1,12\n1,1,4\n", encoding="utf-8")
    done = runner.invoke(cli, ["estimate", "--table", str(table), "--save"])
    assert done.exit_code != 0
    assert str(done.exception) == "--save keeps estimates of the registry; not with --table or --dataset"


def test_a_run_from_the_page_survives_a_restart(
    registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    analyst = client_for("analyst")
    ran = analyst.post(
        "/estimates", data={"by": "all", "csrf": csrf_of(analyst)}, headers={"accept": "application/json"}
    )
    assert ran.status_code == 200, ran.text
    assert [r["method"] for r in ran.json()["rows"]] == ["loglinear", "stepwise", "lcmcr", "dga"]
    with _client(registry) as fresh:  # a new process: nothing in memory
        page = fresh.get("/api/estimates").json()
    assert (page["run_id"], page["origin"], page["saved_by"]) == (ran.json()["run_id"], "web", "web:analyst")
    assert page["rows"] == ran.json()["rows"]


@pytest.mark.parametrize("by", ["nothing", "sex; drop"])
def test_an_unknown_stratification_is_refused(client_for: Callable[[str], TestClient], by: str) -> None:
    got = client_for("viewer").get("/api/estimates", params={"by": by})
    assert got.status_code == 400
    assert got.json()["detail"] == "stratify by one of all, case_type, province, period, sex, era"


def test_the_page_runs_and_shows_estimates_by_period(
    registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    analyst = client_for("analyst")
    ran = analyst.post(
        "/estimates", data={"by": "period", "csrf": csrf_of(analyst)}, headers={"accept": "application/json"}
    )
    assert ran.status_code == 200, ran.text
    rows = ran.json()["rows"]
    strata = {r["stratum"] for r in rows}
    assert (
        {"korean_war", "cold_war"}
        <= strata
        <= {"before_1950", "korean_war", "cold_war", "famine", "recent", "unknown"}
    )
    for r in rows:  # a stratum with fewer than 50 persons is warned about, on every method
        if r["observed"] is not None and r["observed"] < 50:
            assert any("too thin to estimate reliably" in w for w in r["warnings"]), r
    html = analyst.get("/estimates?by=period").text
    assert '<a href="/estimates?by=period" aria-current="page">' in html
    assert "<td>Korean War (1950–1953)</td>" in html
    assert html.count("<svg") >= len(strata) + 1  # a forest per stratum, and observed vs estimated
    analyst.cookies.set("lang", "ko")
    assert "<td>한국전쟁기 (1950–1953)</td>" in analyst.get("/estimates?by=period").text
