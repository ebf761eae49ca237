"""Estimates with the linkage's uncertainty: combining rules, fixed decisions, the command end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm, t
from sqlalchemy import update
from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.errors import ValidationError
from unforgotten.estimate.linkage_draws import (
    LinkageSpace,
    combine_mixture,
    combine_rubin,
    draw_persons,
    draw_tables,
)
from unforgotten.ingest import import_file
from unforgotten.linkage import LinkageConfig
from unforgotten.linkage.store import link_store
from unforgotten.store.estimates import latest_estimate
from unforgotten.store.schema_linkage import link_pair
from unforgotten.store.workspace import Workspace
from unforgotten.synth import generate_population, make_lists, preset
from unforgotten.synth.writers import write_list

runner = CliRunner()
Z = float(norm.ppf(0.975))


def test_rubin_rules_on_hand_computed_numbers() -> None:
    q = [4.0, 4.2]  # log N̂ of two draws, each with a within-draw sd of 0.1 on the log scale
    got = combine_rubin(
        [math.exp(v) for v in q],
        [math.exp(v - Z * 0.1) for v in q],
        [math.exp(v + Z * 0.1) for v in q],
        level=0.95,
    )
    # W = 0.01, B = 0.02, T = W + (1 + 1/2) B = 0.04, ν = (2 − 1)(1 + 0.01 / 0.03)² = 16/9
    assert got.within == pytest.approx(0.01)
    assert got.between == pytest.approx(0.02)
    assert got.total == pytest.approx(0.04)
    assert got.df == pytest.approx(16 / 9)
    assert got.estimate == pytest.approx(math.exp(4.1))
    half = float(t.ppf(0.975, 16 / 9)) * 0.2
    assert (got.lower, got.upper) == pytest.approx((math.exp(4.1 - half), math.exp(4.1 + half)))


def test_identical_draws_keep_their_interval_exactly() -> None:
    got = combine_rubin([120.0] * 3, [100.0] * 3, [170.0] * 3, level=0.95)
    assert (got.estimate, got.lower, got.upper, got.between) == (120.0, 100.0, 170.0, 0.0)


def test_mixtures_of_samples_and_of_grids() -> None:
    pooled = combine_mixture([np.array([1.0, 2, 3, 4]), np.array([5.0, 6, 7, 8])], level=0.5)
    assert (pooled.lower, pooled.estimate, pooled.upper) == tuple(
        np.quantile(np.arange(1, 9), [0.25, 0.5, 0.75])
    )
    # grid posteriors: {10: .5, 11: .5} and {12: 1} mix to {10: .25, 11: .25, 12: .5}
    grid = combine_mixture(
        [np.array([10.0, 11]), np.array([12.0, 13])],
        weights=[np.array([0.5, 0.5]), np.array([1.0, 0.0])],
        level=0.5,
    )
    assert (grid.lower, grid.estimate, grid.upper) == (10.0, 11.0, 12.0)
    with pytest.raises(ValidationError, match="at least 2 draws"):
        combine_mixture([np.array([1.0])], level=0.95)


def _space(probability: list[float], **kw: object) -> LinkageSpace:
    # records 1..4 on lists A, B, A, B; pairs 1-2, 2-3, 3-4
    return LinkageSpace(
        run_id=1,
        records=np.array([1, 2, 3, 4]),
        sources=("A", "B", "A", "B"),
        anchors=np.array([1, 2, 3, 4]),
        left=np.array([1, 2, 3]),
        right=np.array([2, 3, 4]),
        probability=np.array(probability),
        **kw,  # type: ignore[arg-type]
    )


def test_certain_pairs_give_one_table_and_uncertain_ones_vary() -> None:
    tables = draw_tables(_space([1.0, 0.0, 1.0]), ["A", "B"], 20)
    assert {tb.counts for tb in tables} == {(0, 0, 2)}  # two persons, each on both lists
    varied = draw_tables(_space([0.5, 0.5, 0.5]), ["A", "B"], 50, seed=3)
    assert len({tb.counts for tb in varied}) > 2
    assert varied == draw_tables(_space([0.5, 0.5, 0.5]), ["A", "B"], 50, seed=3)  # seeded


def test_reviewed_decisions_stay_fixed_in_every_draw() -> None:
    space = _space([0.5, 0.99, 0.5], accepted=((1, 2),), rejected=((1, 4),))
    persons = draw_persons(space, 200, seed=1)
    assert all(p[0] == p[1] for p in persons)  # accepted: always one person
    assert all(p[0] != p[3] for p in persons)  # rejected: never, not even through 2-3 and 3-4
    assert any(p[2] == p[0] for p in persons) and any(p[2] != p[0] for p in persons)


def test_fewer_than_two_draws_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 2"):
        draw_tables(_space([0.5, 0.5, 0.5]), ["A", "B"], 1)


@pytest.fixture
def linked(ws: Workspace, tmp_path: Path) -> Workspace:
    synthetic = make_lists(generate_population(300, seed=5), preset("mixed", lists=3), seed=6)
    for source in synthetic.lists:
        import_file(ws, write_list(source, tmp_path), source=source.name)
    link_store(ws, config=LinkageConfig(review_band=(0.3, 0.95)))
    return ws


def test_the_command_reports_both_intervals_and_saves_them(linked: Workspace) -> None:
    db = ["--db", linked.settings.db_url]
    done = runner.invoke(
        app, ["estimate", "--method", "stepwise", "--linkage-draws", "10", "--json", "--save", *db]
    )
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    info = data["linkage"]
    assert info["draws"] == 10 and info["failed_draws"] == 0
    assert info["interval_without"] == [data["lower"], data["upper"]]
    assert 0.0 <= info["share_of_width"] < 1.0
    low, high = info["interval_with"]
    assert low < info["estimate_with"] < high
    with linked.read() as conn:
        saved = latest_estimate(conn, "all")
    assert saved is not None and saved["rows"][0]["linkage"] == info
    text = runner.invoke(app, ["estimate", "--method", "dga", "--linkage-draws", "3", *db])
    assert text.exit_code == 0, text.output
    assert "Linkage uncertainty, 3 draws from link run" in text.stdout


def test_certain_pairs_add_no_width(linked: Workspace) -> None:
    with linked.engine.begin() as conn:  # every pair certain: the registry's own linkage in every draw
        conn.execute(update(link_pair).where(link_pair.c.band == "match").values(match_probability=1.0))
        conn.execute(update(link_pair).where(link_pair.c.band != "match").values(match_probability=0.0))
    db = ["--db", linked.settings.db_url]
    for method in ("stepwise", "dga"):
        done = runner.invoke(app, ["estimate", "--method", method, "--linkage-draws", "5", "--json", *db])
        assert done.exit_code == 0, done.output
        info = json.loads(done.stdout)["linkage"]
        assert info["interval_with"] == info["interval_without"], method
        assert info["estimate_with"] == info["estimate_without"] and info["share_of_width"] == 0.0


def test_bad_draw_requests_exit_non_zero(ws: Workspace, tmp_path: Path) -> None:
    db = ["--db", ws.settings.db_url]
    table = tmp_path / "t.csv"
    table.write_text("A,B,count\n1,0,10\n0,1,12\n1,1,4\n", encoding="utf-8")
    cases = {
        ("--linkage-draws", "1", *db): "--linkage-draws must be at least 2 (got 1)",
        ("--linkage-draws", "5", "--table", str(table)): "not with --table or --dataset",
        ("--linkage-draws", "5", "--by", "sex", *db): "not with --by",
    }
    for args, message in cases.items():
        done = runner.invoke(app, ["estimate", *args])
        assert done.exit_code != 0 and message in str(done.exception), args
    synthetic = make_lists(generate_population(60, seed=1), preset("mixed", lists=3), seed=2)
    for source in synthetic.lists:
        import_file(ws, write_list(source, tmp_path), source=source.name)
    done = runner.invoke(app, ["estimate", "--linkage-draws", "5", *db])
    assert done.exit_code != 0 and "no linkage run yet" in str(done.exception)
