"""Multiple systems estimation: how many victims, counting those on no list.

Estimators follow one contract (keyword-only ``__init__``, ``fit(table)`` returns ``self``,
fitted attributes end in ``_``, ``result_`` is a frozen :class:`EstimateResult`):

* :class:`Loglinear` — one log-linear model or the best by AIC/BIC (Rcapture ``closedpMS.t``)
* :class:`ClosedPopulation` — Rcapture's ``closedp.t`` menu (M0, Mt, Mh, Mth, Mb, Mbh)
* :class:`Stepwise` — Silverman (2014) / SparseMSE stepwise selection
* :class:`LCMCR` — Bayesian latent-class model (Manrique-Vallier 2016)
* :class:`DGA` — Bayesian model averaging over decomposable graphs (Madigan & York 1997)

Tables are :class:`CaptureTable`; :func:`tables_by_stratum` builds them from per-person list
memberships, :func:`run_methods` runs named methods over ``stratum → table``.
"""

from unforgotten.estimate.dga import DGA
from unforgotten.estimate.estimators import ClosedPopulation, Loglinear, Stepwise
from unforgotten.estimate.lcmcr import LCMCR
from unforgotten.estimate.methods import METHODS, MethodRun, Settings, make_estimator, run_methods
from unforgotten.estimate.result import (
    ConvergenceWarning,
    EstimateResult,
    EstimateWarning,
    IdentifiabilityWarning,
)
from unforgotten.estimate.table import CaptureTable, TableRejected, tables_by_stratum

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
    "make_estimator",
    "run_methods",
    "tables_by_stratum",
]
