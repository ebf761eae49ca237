"""Runs of the estimators as plain data: what a saved estimate keeps and the estimates page shows.

One row per stratum and method (observed, estimate, interval, error, warnings; infinite bounds
become ``None``) and the LCMCR posterior of each stratum thinned to at most ``draws`` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from unforgotten.estimate.methods import MethodRun

__all__ = ["posterior_draws", "run_rows"]


def _finite(x: float | None) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def _row(run: MethodRun) -> dict[str, Any]:
    res = run.result
    return {
        "stratum": run.stratum,
        "method": run.method,
        "observed": int(res.observed) if res else None,
        "estimate": _finite(res.estimate) if res else None,
        "lower": _finite(res.lower) if res else None,
        "upper": _finite(res.upper) if res else None,
        "level": float(res.level) if res else None,
        "error": run.error,
        "warnings": list(run.warnings),
    }


def run_rows(runs: Sequence[MethodRun]) -> list[dict[str, Any]]:
    """One plain row per run."""
    return [_row(r) for r in runs]


def posterior_draws(runs: Sequence[MethodRun], *, draws: int = 400) -> dict[str, list[float]]:
    """Stratum → LCMCR posterior draws of N, thinned to at most ``draws`` values."""
    out: dict[str, list[float]] = {}
    for r in runs:
        if r.method == "lcmcr" and r.estimator is not None:
            values: Any = np.asarray(r.estimator.samples_).ravel()
            step = max(1, len(values) // draws)
            out[r.stratum] = [float(v) for v in values[::step]]
    return out
