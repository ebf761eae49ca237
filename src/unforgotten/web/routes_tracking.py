"""Consultation rounds and the brief for the next round (each page with its JSON twin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from unforgotten.tracking.brief import brief
from unforgotten.tracking.queries import rounds
from unforgotten.web.deps import WorkspaceDep
from unforgotten.web.render import page

__all__ = ["router"]

router = APIRouter()


class RoundsPage(BaseModel):
    """Every stored consultation round, newest first."""

    rounds: list[dict[str, Any]]


class BriefPage(BaseModel):
    """What a delegation needs before the next round: open commitments, changes, recommendations."""

    round: dict[str, Any]
    as_of: str
    open_commitments: list[dict[str, Any]]
    changes: dict[str, Any]
    recommendations: list[dict[str, Any]]
    overall: dict[str, Any]


@page(router, "/rounds", "rounds.html", RoundsPage)
def round_list(ws: WorkspaceDep) -> RoundsPage:
    """Consultation rounds with their open commitments."""
    with ws.read() as conn:
        return RoundsPage(rounds=rounds(conn))


@page(router, "/rounds/{round_id}", "round.html", BriefPage)
def round_brief(ws: WorkspaceDep, round_id: int) -> BriefPage:
    """One round and the brief for the next one."""
    return BriefPage(**brief(ws, round_id).to_dict())
