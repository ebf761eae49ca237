"""Log-linear estimators with the estimator contract: model search, closedp menu, stepwise.

``__init__`` stores keyword-only parameters, ``fit(table)`` returns ``self``, fitted attributes
end in ``_`` and ``result_`` is the frozen :class:`~unforgotten.estimate.result.EstimateResult`.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any, Literal

from unforgotten.errors import EstimationError
from unforgotten.estimate.intervals import (
    bootstrap_interval,
    lognormal_interval,
    profile_interval,
    wald_interval,
)
from unforgotten.estimate.loglinear import (
    LoglinearFit,
    fit_terms,
    hierarchical_models,
    parse_model,
    zero_margin_terms,
)
from unforgotten.estimate.models import CLOSEDP_MODELS, closedp_model
from unforgotten.estimate.result import (
    ConvergenceWarning,
    EstimateResult,
    EstimateWarning,
    IdentifiabilityWarning,
)
from unforgotten.estimate.stepwise import DEFAULT_PTHRESH, RULES, StepwisePath, run_rule
from unforgotten.estimate.table import CaptureTable

__all__ = ["ClosedPopulation", "Loglinear", "Stepwise"]

Interval = Literal["lognormal", "profile", "wald", "bootstrap"]
MAX_SEARCH_MODELS = 5_000


def _check_fit(fit: LoglinearFit) -> None:
    """Refuse impossible fits; warn on non-convergence and huge intervals."""
    if not math.isfinite(fit.estimate) or fit.mu0 > 1e12:
        raise EstimationError(f"model {fit.name}: the missing cell diverges (no finite MLE)")
    if not fit.converged:
        warnings.warn(
            f"model {fit.name}: IRLS did not converge; some cell is fitted near zero "
            "(a non-existent MLE, see Chan, Silverman & Vincent 2021)",
            ConvergenceWarning,
            stacklevel=3,
        )


def _interval(table: CaptureTable, fit: LoglinearFit, kind: str, level: float) -> tuple[float, float, float]:
    """(point, lower, upper) for a fitted model; profile intervals also move the point."""
    if kind == "lognormal":
        return (fit.estimate, *lognormal_interval(fit, level))
    if kind == "wald":
        return (fit.estimate, *wald_interval(fit, level))
    if kind == "profile":
        if fit.dropped_pairs:
            raise EstimationError("the profile interval needs every cell; use lognormal")
        return profile_interval(table, fit.design, start=fit.mu0, level=level)
    raise ValueError(f"unknown interval {kind!r}")


class Loglinear:
    """One log-linear model, or the best hierarchical model by AIC or BIC (Rcapture).

    Parameters
    ----------
    model
        ``[123,14,34]`` or ``A*B+C`` to fit one model; ``None`` searches every hierarchical
        model with interactions up to ``max_order`` (Rcapture ``closedpMS.t``).
    criterion
        ``"aic"`` (``−2 logL + 2p``) or ``"bic"`` (``−2 logL + p log n``).
    max_order
        Highest interaction searched; default ``J − 1`` for up to 4 lists, else 2.
    interval
        ``"lognormal"`` (on the dark figure), ``"profile"`` (Cormack 1992), ``"wald"`` or
        ``"bootstrap"`` (the whole search redone on multinomial resamples; BCa).
    keep_non_estimable
        A model with an interaction between lists that share no unit cannot be estimated: the
        coefficient runs towards −∞ (IRLS stops near −20), its cells are fitted to zero, and the
        fit looks converged. Such models are left out of the search by default, with a warning
        naming the best of them; ``True`` keeps them (the selection then matches Rcapture's
        ``closedpMS.t`` ranking, which only warns).

    Examples
    --------
    >>> from unforgotten.estimate.table import CaptureTable
    >>> t = CaptureTable.from_counts(["A", "B"], {(1, 0): 60, (0, 1): 40, (1, 1): 20})
    >>> round(Loglinear(model="[1,2]").fit(t).result_.estimate, 1)
    240.0
    """

    def __init__(
        self,
        *,
        model: str | None = None,
        criterion: Literal["aic", "bic"] = "bic",
        max_order: int | None = None,
        interval: Interval = "lognormal",
        level: float = 0.95,
        n_boot: int = 200,
        seed: int | None = 0,
        keep_non_estimable: bool = False,
    ) -> None:
        self.model = model
        self.criterion = criterion
        self.max_order = max_order
        self.interval = interval
        self.level = level
        self.n_boot = n_boot
        self.seed = seed
        self.keep_non_estimable = keep_non_estimable

    def _candidates(self, table: CaptureTable) -> list[LoglinearFit]:
        if self.model is not None:
            return [fit_terms(table, parse_model(self.model, table.lists))]
        order = self.max_order or (table.n_lists - 1 if table.n_lists <= 4 else 2)
        models = hierarchical_models(table.n_lists, order)
        if len(models) > MAX_SEARCH_MODELS:
            raise EstimationError(
                f"{len(models)} models to search for {table.n_lists} lists; use --method "
                "stepwise, a lower max_order, or merge lists"
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fits = [fit_terms(table, m) for m in models]
        return sorted(fits, key=lambda f: getattr(f, self.criterion))

    def _usable(self, table: CaptureTable, fit: LoglinearFit) -> bool:
        if not math.isfinite(fit.estimate):
            return False
        searching = self.model is None
        return self.keep_non_estimable or not searching or not zero_margin_terms(table, fit.terms)

    def _select(self, table: CaptureTable) -> LoglinearFit:
        fits = [f for f in self._candidates(table) if self._usable(table, f)]
        if not fits:
            raise EstimationError("no log-linear model gives a finite estimate for this table")
        return fits[0]

    def fit(self, table: CaptureTable) -> Loglinear:
        """Fit (or search and fit) and compute the interval; returns ``self``."""
        started = time.perf_counter()
        self.fits_ = self._candidates(table)
        usable = [f for f in self.fits_ if self._usable(table, f)]
        if not usable and any(math.isfinite(f.estimate) for f in self.fits_):
            raise EstimationError(
                "every log-linear model with a finite estimate has an interaction between lists "
                "that share no unit; use --keep-non-estimable or --method stepwise"
            )
        self.fit_ = usable[0] if usable else self.fits_[0]
        self.excluded_ = [f for f in self.fits_ if math.isfinite(f.estimate) and not self._usable(table, f)]
        self._warn_non_estimable(table)
        _check_fit(self.fit_)
        if self.interval == "bootstrap":
            point = self.fit_.estimate
            lower, upper, self.replicates_ = bootstrap_interval(
                table,
                lambda t: self._select(t).estimate,
                n_boot=self.n_boot,
                seed=self.seed or 0,
                level=self.level,
            )
        else:
            point, lower, upper = _interval(table, self.fit_, self.interval, self.level)
        self.result_ = self._result(table, point, lower, upper, time.perf_counter() - started)
        return self

    def _warn_non_estimable(self, table: CaptureTable) -> None:
        chosen = zero_margin_terms(table, self.fit_.terms)
        if chosen:
            warnings.warn(
                f"model {self.fit_.name} has interactions between lists that share no unit "
                f"({_terms_label(table, chosen)}): not estimable, their coefficients run to −∞ "
                "and their cells are fitted to zero",
                IdentifiabilityWarning,
                stacklevel=3,
            )
        if not self.excluded_ or self.fits_.index(self.excluded_[0]) > self.fits_.index(self.fit_):
            return
        best = self.excluded_[0]
        terms = _terms_label(table, zero_margin_terms(table, best.terms))
        warnings.warn(
            f"{len(self.excluded_)} model(s) with interactions between lists that share no unit "
            f"left out of the selection; the best by {self.criterion.upper()} was {best.name} "
            f"({terms}; N̂ = {best.estimate:,.0f}) — chosen instead: {self.fit_.name} "
            f"(N̂ = {self.fit_.estimate:,.0f}). --keep-non-estimable keeps them",
            IdentifiabilityWarning,
            stacklevel=3,
        )

    def _result(
        self, table: CaptureTable, point: float, lower: float, upper: float, seconds: float
    ) -> EstimateResult:
        fit = self.fit_
        ranking = [
            {
                "model": f.name,
                "estimate": f.estimate,
                "aic": f.aic,
                "bic": f.bic,
                "df": f.df,
                "non_estimable": _terms_label(table, zero_margin_terms(table, f.terms)) or None,
            }
            for f in self.fits_[:10]
        ]
        diag: dict[str, Any] = {
            "model": fit.name,
            "poisson_estimate": fit.estimate,
            "deviance": fit.deviance,
            "df": fit.df,
            "aic": fit.aic,
            "bic": fit.bic,
            "converged": fit.converged,
            "models_compared": len(self.fits_),
            "non_estimable_excluded": 0 if self.keep_non_estimable else len(self.excluded_),
            "top_models": ranking,
        }
        return EstimateResult(
            method="loglinear",
            observed=table.observed,
            estimate=point,
            lower=lower,
            upper=upper,
            level=self.level,
            seed=self.seed if self.interval == "bootstrap" else None,
            settings=self.get_params(),
            diagnostics=diag,
            seconds=seconds,
        )

    def get_params(self) -> dict[str, Any]:
        """Parameters as given to ``__init__``."""
        return {
            "model": self.model,
            "criterion": self.criterion,
            "max_order": self.max_order,
            "interval": self.interval,
            "n_boot": self.n_boot,
            "keep_non_estimable": self.keep_non_estimable,
        }


class ClosedPopulation:
    """One model of Rcapture's ``closedp.t`` menu (M0, Mt, Mh…, Mth…, Mb, Mbh).

    Parameters
    ----------
    model
        A name from :data:`~unforgotten.estimate.models.CLOSEDP_MODELS`.
    interval
        ``"wald"`` (Rcapture's ``closedp.t``), ``"lognormal"`` or ``"profile"`` (not for Mb/Mbh).
    """

    def __init__(self, *, model: str = "Mt", interval: Interval = "wald", level: float = 0.95) -> None:
        self.model = model
        self.interval = interval
        self.level = level

    def fit(self, table: CaptureTable) -> ClosedPopulation:
        """Fit the model; returns ``self``."""
        started = time.perf_counter()
        if self.model not in CLOSEDP_MODELS:
            raise ValueError(f"unknown model {self.model!r}")
        self.fit_ = closedp_model(table, self.model)
        _check_fit(self.fit_)
        if self.interval == "profile" and self.model in ("Mb", "Mbh"):
            raise EstimationError("the profile interval is not defined for Mb / Mbh here")
        point, lower, upper = _interval(table, self.fit_, self.interval, self.level)
        f = self.fit_
        self.result_ = EstimateResult(
            method=f"closedp {self.model}",
            observed=table.observed,
            estimate=point,
            lower=lower,
            upper=upper,
            level=self.level,
            seed=None,
            settings={"model": self.model, "interval": self.interval},
            diagnostics={
                "se": f.se,
                "deviance": f.deviance,
                "df": f.df,
                "aic": f.aic,
                "bic": f.bic,
                "converged": f.converged,
            },
            seconds=time.perf_counter() - started,
        )
        return self


Rule = Literal["skip-disjoint", "msefit", "sparsemse", "silverman"]
RULE_ALIASES = {"silverman": "skip-disjoint"}  # the name this rule had before msefit existed
DISAGREEMENT = 0.01  # rules whose estimates differ by more than this share are reported


class Stepwise:
    """Stepwise pairwise selection under a named rule (:data:`~unforgotten.estimate.stepwise.RULES`).

    Parameters
    ----------
    rule
        ``"skip-disjoint"`` (default: AIC steps, Wald p stop at 0.05, pairs of lists sharing no
        unit never offered, profile interval), ``"msefit"`` (``modslavmse::MSEfit`` exactly: every
        pair offered, profile interval) or ``"sparsemse"`` (SparseMSE ``estimatepopulation.0``:
        overlap p-values, ``pthresh`` 0.02, existence checks, log-normal interval).
        ``"silverman"`` is the old name of ``"skip-disjoint"``.
    interval
        Default by rule; ``"bootstrap"`` redoes the whole selection on resamples (BCa).
    compare_rules
        Also run the other rules on the table (each with its default threshold and interval) and
        warn, with every figure, when their estimates differ from this one by more than 1 %.
    """

    def __init__(
        self,
        *,
        rule: Rule = "skip-disjoint",
        pthresh: float | None = None,
        interval: Interval | None = None,
        level: float = 0.95,
        n_boot: int = 200,
        seed: int | None = 0,
        compare_rules: bool = True,
    ) -> None:
        self.rule = rule
        self.pthresh = pthresh
        self.interval = interval
        self.level = level
        self.n_boot = n_boot
        self.seed = seed
        self.compare_rules = compare_rules

    @property
    def rule_name(self) -> str:
        """The rule's name, old aliases resolved."""
        name = RULE_ALIASES.get(self.rule, self.rule)
        if name not in RULES:
            raise ValueError(f"unknown stepwise rule {self.rule!r}; choose from {', '.join(RULES)}")
        return name

    def _run(self, table: CaptureTable) -> StepwisePath:
        return run_rule(table, self.rule_name, self.pthresh)

    def fit(self, table: CaptureTable) -> Stepwise:
        """Run the selection and the interval; returns ``self``."""
        started = time.perf_counter()
        rule = self.rule_name
        self.path_ = self._run(table)
        self.fit_ = self.path_.fit
        _check_fit(self.fit_)
        self._warn_pairs(table, rule)
        kind = self.interval or ("lognormal" if rule == "sparsemse" else "profile")
        if kind == "bootstrap":
            point = self.fit_.estimate
            lower, upper, self.replicates_ = bootstrap_interval(
                table,
                lambda t: self._run(t).fit.estimate,
                n_boot=self.n_boot,
                seed=self.seed or 0,
                level=self.level,
            )
        else:
            point, lower, upper = _interval(table, self.fit_, kind, self.level)
        known: dict[tuple[str, str], tuple[float, float, float]] = {
            (self.fit_.name, kind): (point, lower, upper)
        }
        self.other_rules_ = self._other_rules(table, rule, known) if self.compare_rules else {}
        pthresh = DEFAULT_PTHRESH[rule] if self.pthresh is None else self.pthresh
        self._warn_disagreement(rule, point, pthresh)
        self.result_ = EstimateResult(
            method="stepwise",
            observed=table.observed,
            estimate=point,
            lower=lower,
            upper=upper,
            level=self.level,
            seed=self.seed if kind == "bootstrap" else None,
            settings={"rule": rule, "pthresh": pthresh, "interval": kind, "n_boot": self.n_boot},
            diagnostics={
                "rule": rule,
                "model": self.fit_.name,
                "poisson_estimate": self.fit_.estimate,
                "deviance": self.fit_.deviance,
                "df": self.fit_.df,
                "aic": self.fit_.aic,
                "steps": list(self.path_.steps),
                "nonoverlapping_pairs": _nonoverlapping(table),
                "other_rules": self.other_rules_,
            },
            seconds=time.perf_counter() - started,
        )
        return self

    def _other_rules(
        self, table: CaptureTable, rule: str, known: dict[tuple[str, str], tuple[float, float, float]]
    ) -> dict[str, dict[str, Any]]:
        """Each other rule's model and estimate on this table.

        The two AIC rules share a threshold (``pthresh`` when given); sparsemse, whose p-values
        mean something else, keeps its own 0.02.
        """
        out: dict[str, dict[str, Any]] = {}
        for other in RULES:
            if other == rule:
                continue
            same_kind = "sparsemse" not in (rule, other)
            pthresh = self.pthresh if same_kind and self.pthresh is not None else DEFAULT_PTHRESH[other]
            try:
                fit = run_rule(table, other, pthresh).fit
            except EstimationError as exc:
                out[other] = {"model": None, "estimate": None, "error": str(exc), "pthresh": pthresh}
                continue
            kind = "lognormal" if other == "sparsemse" else "profile"
            if (fit.name, kind) not in known:  # the same model under the same interval: reuse
                known[fit.name, kind] = _interval(table, fit, kind, self.level)
            point, lower, upper = known[fit.name, kind]
            out[other] = {
                "model": fit.name,
                "estimate": point,
                "lower": lower,
                "upper": upper,
                "pthresh": pthresh,
            }
        return out

    def _warn_disagreement(self, rule: str, point: float, pthresh: float) -> None:
        differ = {
            name: o
            for name, o in self.other_rules_.items()
            if o["estimate"] is not None and abs(o["estimate"] - point) > DISAGREEMENT * point
        }
        if differ:
            others = "; ".join(
                f"{name} {o['estimate']:,.0f} (model {o['model']}, pthresh {o['pthresh']:g})"
                for name, o in differ.items()
            )
            warnings.warn(
                f"stepwise rules disagree on this table: {rule} {point:,.0f} "
                f"(model {self.fit_.name}, pthresh {pthresh:g}); {others}. "
                "docs/estimation.md explains the rules",
                EstimateWarning,
                stacklevel=3,
            )

    def _warn_pairs(self, table: CaptureTable, rule: str) -> None:
        pairs = _nonoverlapping(table)
        if not pairs:
            return
        how = {
            "skip-disjoint": "was not offered to the selection",
            "msefit": "was offered, as MSEfit does: its cells are fitted to zero and its Wald p is "
            "about 1, so it ends the search if it wins an AIC step",
            "sparsemse": "is fitted as structural zeros when selected",
        }[rule]
        warnings.warn(
            f"lists that share no unit: {', '.join(pairs)}; their interaction is not "
            f"estimable (MLE −∞) and {how}",
            IdentifiabilityWarning,
            stacklevel=3,
        )


def _terms_label(table: CaptureTable, terms: list[tuple[int, ...]]) -> str:
    return ", ".join("·".join(table.lists[j] for j in t) for t in terms)


def _nonoverlapping(table: CaptureTable) -> list[str]:
    names = table.lists
    return [f"{a}·{b}" for i, a in enumerate(names) for b in names[i + 1 :] if table.overlap(a, b) == 0]
