"""dga pinned to Madigan & York (1997) and the dga package (reference_results.csv)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.special import gammaln
from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.errors import ValidationError
from unforgotten.estimate import DGA, EstimateWarning
from unforgotten.estimate.datasets import shipped_table as load
from unforgotten.estimate.dga import decomposable_graphs, dga_posterior


def test_graph_counts() -> None:
    assert [len(decomposable_graphs(j)) for j in (3, 4, 5)] == [8, 61, 822]


def test_madigan_york_spina_bifida() -> None:
    table = load("spina_bifida_MY1997")
    a, b = 13.14, 55.17

    def prior(n: np.ndarray) -> np.ndarray:
        return n * np.log(b) - (n + a) * np.log(1 + b) + gammaln(n + a) - gammaln(n + 1) - gammaln(a)

    post = dga_posterior(table, n_missing=np.arange(1, 301), delta=1.0, log_prior=prior)
    best = int(np.argmax(post.graph_weights))
    assert post.graphs[best].name(table.lists) == "L3 + L1*L2"
    assert round(float(post.graph_weights[best]), 2) == 0.37
    assert post.quantile(0.5) == 731
    assert round(post.relative_loss_estimate()) == 731
    assert post.mode() == 728


@pytest.mark.parametrize(
    ("file", "max_total", "expected"),
    [("kosovo", 44000, (12595, 9827, 16544)), ("UKdat_4", 40000, (11364, 9535, 13549))],
)
def test_dga_reference(file: str, max_total: int, expected: tuple[int, int, int]) -> None:
    r = DGA(max_total=max_total).fit(load(file)).result_
    assert (r.estimate, r.lower, r.upper) == expected


def test_short_grid_warns() -> None:
    with pytest.warns(EstimateWarning, match=r"N up to 9,000\); raise --grid-max"):
        r = DGA(max_total=9000).fit(load("kosovo")).result_
    assert r.settings["grid"] == "N = 4,400 to 9,000, every integer"
    assert r.settings["grid_default"] is False


def test_grid_below_observed_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="grid-max"):
        DGA(max_total=100).fit(load("kosovo"))


def test_cli_grid_max_is_stated() -> None:
    args = ["estimate", "--dataset", "spina_bifida_MY1997", "--method", "dga", "--json"]
    out = CliRunner().invoke(app, [*args, "--grid-max", "3000"])
    assert out.exit_code == 0, out.output
    settings = json.loads(out.stdout)["settings"]
    assert (settings["max_total"], settings["grid"]) == (3000, "N = 626 to 3,000, every integer")
    default = json.loads(CliRunner().invoke(app, args).stdout)["settings"]
    assert (default["max_total"], default["grid_default"]) == (20 * 626, True)
