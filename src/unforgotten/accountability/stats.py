"""Acts held against an organisation or placed at a facility, each act counted once, by
violation and by year (drafts and retired incidents left out, as in every statistic). The
counts by organisation and by facility are :func:`~unforgotten.accountability.query.stats_by`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from unforgotten.accountability import query as q
from unforgotten.store.schema_accountability import attribution
from unforgotten.store.workspace import Workspace

__all__ = ["overview"]


def overview(ws: Workspace) -> dict[str, Any]:
    """``{"acts", "by_violation", "by_year"}`` over the acts attributed to an organisation, recorded
    under an organisation's name, or placed at a facility."""
    q.stats_by(ws, "unit")  # the same permission check
    by_violation: Counter[str] = Counter()
    by_year: Counter[str] = Counter()
    with ws.read() as conn:
        skip = q._excluded(conn)
        attributed: dict[int, list[Any]] = {}
        for a in conn.execute(select(attribution).where(attribution.c.retired_reason.is_(None))).mappings():
            attributed.setdefault(int(a["act_id"]), []).append(a)
        facilities = q._facility_places(conn)
        for act in q._act_rows(conn):
            if int(act["incident_id"]) in skip:
                continue
            held = q._orgs_of_act(conn, act, attributed.get(int(act["id"]), []))
            placed = act["place_id"] is not None and int(act["place_id"]) in facilities
            if held or placed:
                by_violation[str(act["violation_code"])] += 1
                by_year[str(act["when"].year) if act["when"] else "unknown"] += 1
    return {
        "acts": sum(by_violation.values()),
        "by_violation": dict(by_violation.most_common()),
        "by_year": dict(sorted(by_year.items())),
    }
