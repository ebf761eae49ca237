"""Estimates from the registry: capture tables from the lists each live person is on, by stratum.

Strata: ``all``, ``case_type`` or ``province`` (of the person's first case). Strata whose table
cannot be estimated (fewer than two lists, nobody observed) are reported with their reason.
Methods: log-linear (model selection by BIC), stepwise (Rcapture-style) and LCMCR with short
chains sized for an interactive page, plus dga when there are at most five lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select

from unforgotten.estimate.methods import MethodRun, Settings, run_methods
from unforgotten.estimate.table import tables_by_stratum
from unforgotten.store import schema as s
from unforgotten.web import schemas as m
from unforgotten.web.views import memberships

__all__ = ["STRATA", "estimate_page", "run_estimates"]

STRATA = ("all", "case_type", "province")
QUICK = Settings(seed=1, burnin=2_000, samples=500, thinning=10, k=5)


def _strata(conn: Connection, by: str) -> dict[int, str]:
    if by == "all":
        return {}
    root = func.coalesce(s.person.c.merged_into, s.person.c.id)
    column = s.case.c.case_type if by == "case_type" else s.location.c.province_code
    query = (
        select(root, column)
        .select_from(
            s.case.join(s.person, s.person.c.id == s.case.c.person_id).outerjoin(
                s.location, s.location.c.id == s.case.c.event_place_id
            )
        )
        .order_by(s.case.c.id)
    )
    out: dict[int, str] = {}
    for pid, value in conn.execute(query):
        out.setdefault(int(pid), str(value or "unresolved"))
    return out


def run_estimates(conn: Connection, by: str = "all") -> tuple[list[str], list[MethodRun]]:
    """List names and the runs of every method on every stratum."""
    names = dict(conn.execute(select(s.source.c.id, s.source.c.name).order_by(s.source.c.id)).all())
    members = memberships(conn)
    stratum_of = _strata(conn, by)
    lists = [str(names[i]) for i in sorted(names)]
    if len(lists) < 2:
        return lists, []
    rows = [
        (stratum_of.get(pid, "all"), frozenset(str(names[x]) for x in srcs)) for pid, srcs in members.items()
    ]
    tables = tables_by_stratum(rows, lists)
    methods = ["loglinear", "stepwise", "lcmcr"] + (["dga"] if len(lists) <= 5 else [])
    return lists, run_methods(tables, methods, QUICK, keep_going=True)


def _finite(x: float | None) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def estimate_page(
    stratify: str, lists: list[str], runs: list[MethodRun], *, may_run: bool, ran_at: str | None
) -> m.EstimatesPage:
    """The page model of a set of runs (posterior draws thinned to 400 per stratum)."""
    rows = []
    posterior: dict[str, list[float]] = {}
    for r in runs:
        res = r.result
        rows.append(
            m.EstimateRow(
                stratum=r.stratum,
                method=r.method,
                observed=res.observed if res else None,
                estimate=_finite(res.estimate) if res else None,
                lower=_finite(res.lower) if res else None,
                upper=_finite(res.upper) if res else None,
                level=res.level if res else None,
                error=r.error,
                warnings=list(r.warnings),
            )
        )
        if r.method == "lcmcr" and r.estimator is not None:
            draws: Any = np.asarray(r.estimator.samples_).ravel()
            step = max(1, len(draws) // 400)
            posterior[r.stratum] = [float(v) for v in draws[::step]]
    return m.EstimatesPage(
        stratify=stratify, lists=lists, rows=rows, ran_at=ran_at, may_run=may_run, posterior=posterior
    )


def now() -> str:
    """When a run finished (UTC, minutes)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
