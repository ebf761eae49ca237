"""Log-linear estimators pinned to Rcapture, SparseMSE and modslavmse (reference_results.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from unforgotten.estimate import ClosedPopulation, IdentifiabilityWarning, Loglinear, Stepwise
from unforgotten.estimate.datasets import shipped_table as load
from unforgotten.estimate.loglinear import fit_terms, hierarchical_models, parse_model
from unforgotten.estimate.models import closedp_table
from unforgotten.estimate.stepwise import check_identifiable

REFERENCE = Path(__file__).with_name("reference_results.csv")
with REFERENCE.open(encoding="utf-8") as _handle:
    CLOSEDP = [r for r in csv.DictReader(_handle) if "closedp.t " in r["method"]]
FILES = {"kosovo": "kosovo", "uk6": "UKdat"}


def close(actual: float, expected: float, rel: float = 1e-3) -> bool:
    return actual == pytest.approx(expected, rel=rel)


@pytest.mark.parametrize("row", CLOSEDP, ids=lambda r: f"{r['dataset']}-{r['method'][24:]}")
def test_closedp_table_matches_rcapture(row: dict[str, str]) -> None:
    table = load(FILES[row["dataset"]])
    fits = {f.name: f for f in closedp_table(table)}
    fit = fits[row["method"].split("closedp.t ")[1]]
    ref = dict(kv.split("=") for kv in row["settings"].split())
    assert close(fit.estimate, float(row["estimate"]))
    assert close(fit.deviance, float(ref["dev"]))
    assert fit.df == int(ref["df"])
    assert close(fit.aic, float(ref["AIC"]))
    assert close(fit.bic, float(ref["BIC"]))
    if not fit.name.startswith("Mbh"):  # Rcapture's Mbh SE differs from the delta method
        assert close(fit.estimate - 1.959964 * fit.se, float(row["lo95"]))


def test_kosovo_model_of_ball_et_al() -> None:
    res = Loglinear(model="[123,14,34]").fit(load("kosovo")).result_
    assert (round(res.estimate, 1), round(res.lower), round(res.upper)) == (10356.5, 9005, 12105)
    assert round(res.diagnostics["deviance"], 3) == 9.323
    assert round(res.diagnostics["aic"], 3) == 132.747


def test_kosovo_searches_113_models() -> None:
    assert len(hierarchical_models(4, 3)) == 113
    bic = Loglinear(criterion="bic", interval="profile").fit(load("kosovo"))
    assert bic.fit_.name == "[123,14,34]"
    r = bic.result_
    assert (round(r.estimate, 1), round(r.lower, 1), round(r.upper, 1)) == (10334.5, 8994.3, 12110.4)
    aic = Loglinear(criterion="aic", interval="profile").fit(load("kosovo")).result_
    assert aic.diagnostics["model"] == "[123,134]"
    assert (round(aic.estimate), round(aic.lower), round(aic.upper)) == (12688, 10184, 16703)


def test_uk5_best_bic_pairwise() -> None:
    est = Loglinear(criterion="bic", interval="profile").fit(load("UKdat_5"))
    assert est.fit_.name == "[12,13,23,25,34]"
    assert close(est.result_.estimate, 22964.4)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Mt", (7392.9, 7147.7, 7656.2)), ("[123,124,134,234]", (16574.0, 9114.5, 35335.7))],
)
def test_profile_intervals_kosovo(name: str, expected: tuple[float, float, float]) -> None:
    if name == "Mt":
        r = ClosedPopulation(model="Mt", interval="profile").fit(load("kosovo")).result_
    else:
        r = Loglinear(model=name, interval="profile").fit(load("kosovo")).result_
    assert all(close(a, e) for a, e in zip((r.estimate, r.lower, r.upper), expected, strict=True))


def test_uk_mt_profile() -> None:
    r = ClosedPopulation(model="Mt", interval="profile").fit(load("UKdat")).result_
    assert (round(r.estimate, 1), round(r.lower, 1), round(r.upper, 1)) == (12208.6, 10983.9, 13648.2)


def test_silverman_stepwise_uk6() -> None:
    with pytest.warns(IdentifiabilityWarning, match="LA·GP, LA·NCA"):
        est = Stepwise().fit(load("UKdat"))
    assert est.fit_.name == "[12,13,24,25,35,36,45]"
    r = est.result_
    assert (round(r.estimate), round(r.lower), round(r.upper)) == (11409, 9982, 13182)


@pytest.mark.parametrize(
    ("file", "pthresh", "expected"),
    [
        ("UKdat", 0.001, 14211.1),
        ("UKdat_5", 0.05, 11303.9),
        ("UKdat_4", 0.05, 11006.9),
        ("UKdat_4", 0.001, 11979.8),
        ("kosovo", 0.05, 14325.7),
    ],
)
@pytest.mark.filterwarnings("ignore::unforgotten.estimate.IdentifiabilityWarning")
def test_silverman_stepwise_other_tables(file: str, pthresh: float, expected: float) -> None:
    r = Stepwise(pthresh=pthresh).fit(load(file)).result_
    assert close(r.estimate, expected)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("UKdat", (11418.0, 9977.3, 13145.7)),
        ("UKdat_5", (11313.0, 9884.4, 13027.4)),
        ("kosovo", (14341.7, 12541.3, 16540.2)),
    ],
)
@pytest.mark.filterwarnings("ignore::unforgotten.estimate.IdentifiabilityWarning")
def test_sparsemse_stepwise(file: str, expected: tuple[float, float, float]) -> None:
    r = Stepwise(rule="sparsemse").fit(load(file)).result_
    assert all(close(a, e) for a, e in zip((r.estimate, r.lower, r.upper), expected, strict=True))


def test_sparsemse_main_effects_lognormal() -> None:
    r = Loglinear(model="[1,2,3,4,5,6]").fit(load("UKdat")).result_
    assert (round(r.estimate), round(r.lower, 1), round(r.upper, 1)) == (12214, 10988.8, 13621.3)


def test_artificial_3_non_existent_mle() -> None:
    table = load("Artificial_3")
    assert check_identifiable(table, ())
    assert not check_identifiable(table, parse_model("[12,13,23]", table.lists))


def test_nonoverlapping_pairs_are_structural_zeros() -> None:
    table = load("UKdat")
    fit = fit_terms(table, parse_model("[1,2,3,4,56,15]", table.lists), sparse_pairs=True)
    assert fit.dropped_pairs == ((0, 4),)
    assert fit.n_params == 1 + 6 + 2
