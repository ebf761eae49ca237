"""Log-linear estimators pinned to Rcapture, SparseMSE and modslavmse (reference_results.csv)."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.estimate import (
    CaptureTable,
    ClosedPopulation,
    EstimateWarning,
    IdentifiabilityWarning,
    Loglinear,
    Stepwise,
)
from unforgotten.estimate.datasets import shipped_table as load
from unforgotten.estimate.loglinear import fit_terms, hierarchical_models, parse_model, zero_margin_terms
from unforgotten.estimate.models import closedp_table
from unforgotten.estimate.stepwise import check_identifiable, poisson_tails

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


def _without_pair(table: CaptureTable, a: str, b: str) -> CaptureTable:
    """The reference's derived test tables: every unit on both ``a`` and ``b`` removed."""
    i, j = table.lists.index(a), table.lists.index(b)
    cells = {
        tuple(int(v) for v in p): int(c)
        for p, c in zip(table.patterns, table.counts, strict=True)
        if not (p[i] == 1 and p[j] == 1)
    }
    return CaptureTable.from_counts(list(table.lists), cells)


TABLES = {
    "uk6": lambda: load("UKdat"),
    "uk5": lambda: load("UKdat_5"),
    "uk4": lambda: load("UKdat_4"),
    "kos": lambda: load("kosovo"),
    "uk6_no_NG_GO": lambda: _without_pair(load("UKdat"), "NG", "GO"),
    "uk5_no_LA_NG": lambda: _without_pair(load("UKdat_5"), "LA", "NG"),
}
with REFERENCE.open(encoding="utf-8") as _handle:
    _ROWS = list(csv.DictReader(_handle))
MSEFIT = [r for r in _ROWS if r["method"] == "modslavmse MSEfit stepwise"]
SPARSE = [r for r in _ROWS if r["method"] == "SparseMSE estimatepopulation.0 stepwise"]


@pytest.mark.parametrize("row", MSEFIT, ids=lambda r: f"{r['dataset']}-{r['settings']}")
@pytest.mark.filterwarnings("ignore::unforgotten.estimate.EstimateWarning")
def test_msefit_rule_reproduces_modslavmse(row: dict[str, str]) -> None:
    pthresh = float(row["settings"].split("=")[1])
    r = Stepwise(rule="msefit", pthresh=pthresh).fit(TABLES[row["dataset"]]()).result_
    expected = (float(row["estimate"]), float(row["lo95"]), float(row["hi95"]))
    assert all(close(a, e) for a, e in zip((r.estimate, r.lower, r.upper), expected, strict=True))
    assert r.settings["rule"] == "msefit"


@pytest.mark.parametrize("row", SPARSE, ids=lambda r: r["dataset"])
@pytest.mark.filterwarnings("ignore::unforgotten.estimate.EstimateWarning")
def test_sparsemse_rule_reproduces_estimatepopulation_0(row: dict[str, str]) -> None:
    r = Stepwise(rule="sparsemse").fit(TABLES[row["dataset"]]()).result_
    expected = (float(row["estimate"]), float(row["lo95"]), float(row["hi95"]))
    assert all(close(a, e) for a, e in zip((r.estimate, r.lower, r.upper), expected, strict=True))
    assert (r.settings["rule"], r.settings["pthresh"]) == ("sparsemse", 0.02)


def test_rules_disagree_on_a_pair_sharing_no_unit_mid_path() -> None:
    """README item 5: MSEfit stops at main effects (13,415) on UKdat without NG∩GO; the default
    rule skips NG·GO and goes on (34,197); the warning gives both figures."""
    table = _without_pair(load("UKdat"), "NG", "GO")
    with pytest.warns(EstimateWarning, match=r"rules disagree.*skip-disjoint 34,197.*msefit 13,415"):
        est = Stepwise().fit(table)
    assert est.result_.settings["rule"] == "skip-disjoint"
    assert est.fit_.name != "[1,2,3,4,5,6]"
    with pytest.warns(EstimateWarning, match=r"msefit 13,415.*skip-disjoint 34,197"):
        mse = Stepwise(rule="msefit").fit(table)
    assert mse.fit_.name == "[1,2,3,4,5,6]"
    assert "NG·GO (lists share no unit)" in mse.path_.steps[-1]
    assert mse.result_.diagnostics["other_rules"]["skip-disjoint"]["estimate"] == pytest.approx(
        est.result_.estimate
    )


def test_rules_agree_when_the_disjoint_pair_comes_last() -> None:
    table = _without_pair(load("UKdat_5"), "LA", "NG")
    with warnings.catch_warnings():
        warnings.simplefilter("error", EstimateWarning)
        warnings.simplefilter("ignore", IdentifiabilityWarning)
        a = Stepwise(rule="msefit").fit(table).result_
        b = Stepwise(rule="skip-disjoint").fit(table).result_
    assert a.estimate == pytest.approx(b.estimate) == pytest.approx(11506.9, rel=1e-4)


@pytest.mark.filterwarnings("ignore::unforgotten.estimate.EstimateWarning")
def test_old_rule_name_is_the_default_rule() -> None:
    r = Stepwise(rule="silverman").fit(load("UKdat_4")).result_
    assert r.settings["rule"] == "skip-disjoint"
    with pytest.raises(ValueError, match="unknown stepwise rule"):
        Stepwise(rule="aic").fit(load("UKdat_4"))  # type: ignore[arg-type]


def test_search_leaves_out_non_estimable_models() -> None:
    """UKdat_4 without LA∩PFNCA: the best-BIC model has LA·PFNCA, a pair of lists that share no
    unit (coefficient near −20, cells fitted to zero); by default it is left out."""
    table = _without_pair(load("UKdat_4"), "LA", "PFNCA")
    with pytest.warns(IdentifiabilityWarning, match=r"left out of the selection.*\[12,13,24\] \(LA·PFNCA"):
        est = Loglinear().fit(table)
    kept = Loglinear(keep_non_estimable=True)
    with pytest.warns(IdentifiabilityWarning, match=r"not estimable"):
        kept.fit(table)
    assert zero_margin_terms(table, kept.fit_.terms) == [(0, 2)]
    assert min(kept.fit_.glm.beta) < -15
    assert kept.fit_.bic < est.fit_.bic
    assert zero_margin_terms(table, est.fit_.terms) == []
    assert est.result_.diagnostics["non_estimable_excluded"] > 0
    assert est.result_.estimate != pytest.approx(kept.result_.estimate, rel=0.01)
    best_estimable = next(f for f in kept.fits_ if not zero_margin_terms(table, f.terms))
    assert est.fit_.name == best_estimable.name


def test_one_named_model_is_fitted_even_if_not_estimable() -> None:
    table = load("UKdat_5")
    with pytest.warns(IdentifiabilityWarning, match="LA·GP"):
        r = Loglinear(model="[15,2,3,4]").fit(table).result_
    assert r.diagnostics["model"] == "[15,2,3,4]"


def test_cli_keep_non_estimable(tmp_path: Path) -> None:
    table = _without_pair(load("UKdat_4"), "LA", "PFNCA")
    csv_path = tmp_path / "t.csv"
    rows = [",".join([*table.lists, "count"])]
    rows += [",".join([*map(str, p), str(c)]) for p, c in zip(table.patterns, table.counts, strict=True)]
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = ["estimate", "--table", str(csv_path), "--method", "loglinear", "--json"]
    default = json.loads(CliRunner().invoke(app, args).stdout)
    kept = json.loads(CliRunner().invoke(app, [*args, "--keep-non-estimable"]).stdout)
    assert any("left out of the selection" in w for w in default["warnings"])
    assert default["settings"]["keep_non_estimable"] is False
    assert kept["settings"]["keep_non_estimable"] is True
    assert kept["diagnostics"]["top_models"][0]["non_estimable"] == "LA·PFNCA"
    assert (default["diagnostics"]["model"], kept["diagnostics"]["model"]) == ("[12,3,4]", "[12,13,24]")


@pytest.mark.parametrize(("k", "mean"), [(0, 0.3), (3, 12.5), (40, 3.0), (250, 180.2), (1200, 1500.0)])
def test_poisson_tails_match_scipy(k: int, mean: float) -> None:
    from scipy import stats

    low, high = poisson_tails(k, mean)
    assert low == pytest.approx(float(stats.poisson.cdf(k, mean)), rel=1e-9)
    assert high == pytest.approx(float(stats.poisson.sf(k - 1, mean)), rel=1e-9)
