"""Estimates from the registry: capture tables from the lists each live person is on, by stratum.

Strata: ``all``, ``case_type``, ``province`` or ``period`` (of the person's first case). Strata whose table
cannot be estimated (fewer than two lists, nobody observed) are reported with their reason.
Methods: log-linear (model selection by BIC), stepwise (Rcapture-style) and LCMCR with short
chains sized for an interactive page, plus dga when there are at most five lists.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, func, select

from unforgotten.domain.periods import period_of
from unforgotten.estimate.methods import MethodRun, Settings, run_methods
from unforgotten.estimate.summary import posterior_draws, run_rows
from unforgotten.estimate.table import tables_by_stratum
from unforgotten.store import schema as s
from unforgotten.store.estimates import save_estimate
from unforgotten.store.workspace import Workspace
from unforgotten.web import schemas as m
from unforgotten.web.views import memberships

__all__ = ["STRATA", "estimate_page", "run_estimates", "save_run"]

STRATA = ("all", "case_type", "province", "period")
QUICK = Settings(seed=1, burnin=2_000, samples=500, thinning=10, k=5)


def _strata(conn: Connection, by: str) -> dict[int, str]:
    if by == "all":
        return {}
    root = func.coalesce(s.person.c.merged_into, s.person.c.id)
    column = {
        "case_type": s.case.c.case_type,
        "province": s.location.c.province_code,
        "period": s.case.c.event_date_start,
    }[by]
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
        if by == "period":
            out.setdefault(int(pid), period_of(None if value is None else int(str(value)[:4])))
        else:
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


def estimate_page(saved: dict[str, Any] | None, *, stratify: str, may_run: bool) -> m.EstimatesPage:
    """The page model of a saved run (``store.estimates``), or an empty page when there is none."""
    if saved is None:
        return m.EstimatesPage(
            stratify=stratify, lists=[], rows=[], ran_at=None, may_run=may_run, posterior={}
        )
    return m.EstimatesPage(
        stratify=stratify,
        lists=list(saved["lists"]),
        rows=[m.EstimateRow(**row) for row in saved["rows"]],
        ran_at=saved["ran_at"],
        may_run=may_run,
        posterior={k: list(v) for k, v in saved["posterior"].items()},
        run_id=saved["id"],
        origin=saved["origin"],
        saved_by=saved["actor"],
    )


def save_run(ws: Workspace, stratify: str) -> int:
    """Run every method on the registry for ``stratify`` and save the run; its id."""
    with ws.read() as conn:
        lists, runs = run_estimates(conn, stratify)
    return save_estimate(
        ws,
        stratify=stratify,
        origin="web",
        lists=lists,
        rows=run_rows(runs),
        posterior=posterior_draws(runs),
        settings=asdict(QUICK),
    )
