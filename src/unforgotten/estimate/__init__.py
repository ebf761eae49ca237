"""Multiple systems estimation: how many victims, counting those on no list.

Estimators follow one contract (keyword-only ``__init__``, ``fit(table)`` returns ``self``,
fitted attributes end in ``_``, ``result_`` is a frozen :class:`EstimateResult`):

* :class:`Loglinear` — one log-linear model or the best by AIC/BIC (Rcapture ``closedpMS.t``)
* :class:`ClosedPopulation` — Rcapture's ``closedp.t`` menu (M0, Mt, Mh, Mth, Mb, Mbh)
* :class:`Stepwise` — Silverman (2014) / SparseMSE stepwise selection
* :class:`LCMCR` — Bayesian latent-class model (Manrique-Vallier 2016)
* :class:`DGA` — Bayesian model averaging over decomposable graphs (Madigan & York 1997)

:func:`thin_reasons` says why a table (a stratum) is too thin to rely on; :func:`run_methods`
warns with it (:class:`ThinStratumWarning`).

Tables are :class:`CaptureTable`; :func:`tables_by_stratum` builds them from per-person list
memberships, :func:`run_methods` runs named methods over ``stratum → table``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unforgotten.estimate.dga import DGA
    from unforgotten.estimate.estimators import ClosedPopulation, Loglinear, Stepwise
    from unforgotten.estimate.lcmcr import LCMCR
    from unforgotten.estimate.methods import METHODS, MethodRun, Settings, make_estimator, run_methods
    from unforgotten.estimate.result import (
        ConvergenceWarning,
        EstimateResult,
        EstimateWarning,
        IdentifiabilityWarning,
        ThinStratumWarning,
    )
    from unforgotten.estimate.table import CaptureTable, TableRejected, tables_by_stratum, thin_reasons

# Each name is imported from its module on first use (PEP 562): the sampler (numba) and scipy
# load in seconds, and a log-linear estimate from the command line needs neither.
_HOME = {
    "DGA": "dga",
    "ClosedPopulation": "estimators",
    "Loglinear": "estimators",
    "Stepwise": "estimators",
    "LCMCR": "lcmcr",
    "METHODS": "methods",
    "MethodRun": "methods",
    "Settings": "methods",
    "make_estimator": "methods",
    "run_methods": "methods",
    "ConvergenceWarning": "result",
    "EstimateResult": "result",
    "EstimateWarning": "result",
    "IdentifiabilityWarning": "result",
    "ThinStratumWarning": "result",
    "CaptureTable": "table",
    "TableRejected": "table",
    "tables_by_stratum": "table",
    "thin_reasons": "table",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "DGA",
    "LCMCR",
    "METHODS",
    "CaptureTable",
    "ClosedPopulation",
    "ConvergenceWarning",
    "EstimateResult",
    "EstimateWarning",
    "IdentifiabilityWarning",
    "Loglinear",
    "MethodRun",
    "Settings",
    "Stepwise",
    "TableRejected",
    "ThinStratumWarning",
    "make_estimator",
    "run_methods",
    "tables_by_stratum",
    "thin_reasons",
]
