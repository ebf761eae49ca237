"""Saved estimate runs: keep a run of the estimators, read the newest of a stratification.

:func:`save_estimate` is what ``POST /estimates``, ``unforgotten estimate --save`` and
``unforgotten demo`` call, so the estimates page shows any of them: it reads the newest saved
run of the stratification asked for (:func:`latest_estimate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import ValidationError
from unforgotten.store.schema_estimates import estimate_run
from unforgotten.store.workspace import Workspace

__all__ = ["ORIGINS", "latest_estimate", "save_estimate"]

ORIGINS = ("web", "cli", "demo")


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def save_estimate(
    ws: Workspace,
    *,
    stratify: str,
    origin: str,
    lists: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    posterior: Mapping[str, Sequence[float]],
    settings: Mapping[str, Any],
) -> int:
    """Store one estimate run; its id. Needs the ESTIMATE permission."""
    ws.require(Permission.ESTIMATE)
    if origin not in ORIGINS:
        raise ValidationError(f"origin must be one of {', '.join(ORIGINS)}, not {origin!r}")
    ws.ensure_ready()
    with ws.write(action="estimate_save", subject=f"estimates:{stratify}") as writer:
        run_id = writer.allocate(estimate_run)
        row = {
            "id": run_id,
            "stratify": stratify,
            "origin": origin,
            "ran_at": _now(),
            "actor": ws.settings.actor,
            "lists": list(lists),
            "rows": [dict(r) for r in rows],
            "posterior": {k: list(v) for k, v in posterior.items()},
            "settings": dict(settings),
        }
        writer.insert_derived(estimate_run, [row])
        strata = len({r["stratum"] for r in rows})
        writer.detail.update({"estimate_run": run_id, "origin": origin, "strata": strata})
    return run_id


def latest_estimate(conn: Connection, stratify: str) -> dict[str, Any] | None:
    """The newest saved run of this stratification, as stored; ``None`` when there is none."""
    query = (
        select(estimate_run)
        .where(estimate_run.c.stratify == stratify)
        .order_by(estimate_run.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None
