"""The named methods of ``unforgotten estimate`` and how to run them over strata.

Built-in methods are registered in :data:`METHODS` the way a plugin would be: a name and a
factory taking :class:`Settings`. Everything here works on ``dict[str, CaptureTable]``
(stratum → table), so the command line, the web app and notebooks share one path.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from unforgotten.errors import EstimationError
from unforgotten.estimate.result import EstimateResult, EstimateWarning, ThinStratumWarning

if TYPE_CHECKING:
    from unforgotten.estimate.table import CaptureTable

# The factories import their estimator when called: numba (LCMCR) and scipy's optimisers load
# slowly, and one method should not wait for the others.

__all__ = ["METHODS", "Estimator", "MethodRun", "Settings", "make_estimator", "run_methods"]


class Estimator(Protocol):
    """What every estimator offers: ``fit(table)`` returning itself with ``result_``."""

    result_: EstimateResult

    def fit(self, table: CaptureTable) -> Any:
        """Fit to one table."""
        ...


@dataclass(frozen=True)
class Settings:
    """Every method setting the command line exposes, with the reference defaults."""

    seed: int | None = 0
    level: float = 0.95
    criterion: Literal["aic", "bic"] = "bic"
    model: str | None = None
    max_order: int | None = None
    interval: Literal["lognormal", "profile", "wald", "bootstrap"] | None = None
    n_boot: int = 200
    rule: Literal["skip-disjoint", "msefit", "sparsemse", "silverman"] = "skip-disjoint"
    pthresh: float | None = None
    k: int = 10
    burnin: int = 10_000
    samples: int = 1_000
    thinning: int = 100
    chains: int = 1
    delta: float | None = None
    max_total: int | None = None
    keep_non_estimable: bool = False


def _loglinear(s: Settings) -> Estimator:
    from unforgotten.estimate.estimators import Loglinear  # noqa: PLC0415

    return Loglinear(
        model=s.model,
        criterion=s.criterion,
        max_order=s.max_order,
        interval=s.interval or "lognormal",
        level=s.level,
        n_boot=s.n_boot,
        seed=s.seed,
        keep_non_estimable=s.keep_non_estimable,
    )


def _stepwise(s: Settings) -> Estimator:
    from unforgotten.estimate.estimators import Stepwise  # noqa: PLC0415

    return Stepwise(
        rule=s.rule,
        pthresh=s.pthresh,
        interval=s.interval,
        level=s.level,
        n_boot=s.n_boot,
        seed=s.seed,
    )


def _lcmcr(s: Settings) -> Estimator:
    from unforgotten.estimate.lcmcr import LCMCR  # noqa: PLC0415

    return LCMCR(
        k=s.k,
        burnin=s.burnin,
        samples=s.samples,
        thinning=s.thinning,
        chains=s.chains,
        level=s.level,
        seed=s.seed,
    )


def _dga(s: Settings) -> Estimator:
    from unforgotten.estimate.dga import DGA  # noqa: PLC0415

    return DGA(delta=s.delta, max_total=s.max_total, level=s.level)


METHODS: dict[str, Callable[[Settings], Estimator]] = {
    "loglinear": _loglinear,
    "stepwise": _stepwise,
    "lcmcr": _lcmcr,
    "dga": _dga,
}


def make_estimator(method: str, settings: Settings | None = None) -> Estimator:
    """A fresh estimator for a method name."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    return METHODS[method](settings or Settings())


@dataclass(frozen=True)
class MethodRun:
    """One method on one stratum: its result, or why it could not give one."""

    stratum: str
    method: str
    result: EstimateResult | None
    error: str | None
    warnings: tuple[str, ...]
    estimator: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the command (plus ``error``/``warnings`` when present)."""
        out: dict[str, Any] = (
            self.result.to_dict() if self.result else {"method": self.method, "error": self.error}
        )
        if self.result and "rule" in self.result.settings:
            out["rule"] = self.result.settings["rule"]
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


def run_methods(
    tables: Mapping[str, CaptureTable],
    methods: list[str],
    settings: Settings | None = None,
    *,
    keep_going: bool = False,
) -> list[MethodRun]:
    """Run methods on every stratum, collecting warnings into each run.

    With ``keep_going`` an :class:`~unforgotten.errors.EstimationError` of one method (e.g.
    dga on more than five lists) is recorded in its run and the others go on.
    """
    base = settings or Settings()
    runs = []
    for stratum, table in tables.items():
        for method in methods:
            runs.append(_run_one(stratum, table, method, base, keep_going))
    return runs


def _run_one(
    stratum: str, table: CaptureTable, method: str, settings: Settings, keep_going: bool
) -> MethodRun:
    from unforgotten.estimate.table import thin_reasons  # noqa: PLC0415

    est = make_estimator(method, replace(settings))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EstimateWarning)
        thin = thin_reasons(table)
        if thin:
            what = "the table" if stratum == "all" else f"stratum {stratum!r}"
            warnings.warn(
                f"{what} is too thin to estimate reliably: {'; '.join(thin)}",
                ThinStratumWarning,
                stacklevel=2,
            )
        try:
            est.fit(table)
        except EstimationError as exc:
            if not keep_going:
                raise
            return MethodRun(stratum, method, None, str(exc), _notes(caught))
    return MethodRun(stratum, method, est.result_, None, _notes(caught), est)


def _notes(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(str(w.message) for w in caught if issubclass(w.category, EstimateWarning))
