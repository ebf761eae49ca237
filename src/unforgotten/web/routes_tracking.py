"""Consultation rounds and the brief for the next round (each page with its JSON twin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from unforgotten.domain.roles import Permission, may
from unforgotten.errors import ValidationError
from unforgotten.tracking.brief import brief
from unforgotten.tracking.queries import rounds
from unforgotten.tracking.readout import parse_readout
from unforgotten.tracking.store import confirm_round, save_draft
from unforgotten.web.deps import CsrfChecked, WorkspaceDep, require
from unforgotten.web.render import page

__all__ = ["router"]

router = APIRouter()


class RoundsPage(BaseModel):
    """Every stored consultation round, newest first."""

    rounds: list[dict[str, Any]]
    may_edit: bool = False


class BriefPage(BaseModel):
    """What a delegation needs before the next round: open commitments, changes, recommendations."""

    round: dict[str, Any]
    as_of: str
    open_commitments: list[dict[str, Any]]
    changes: dict[str, Any]
    recommendations: list[dict[str, Any]]
    overall: dict[str, Any]
    may_edit: bool = False


@page(router, "/rounds", "rounds.html", RoundsPage)
def round_list(ws: WorkspaceDep) -> RoundsPage:
    """Consultation rounds with their open commitments."""
    with ws.read() as conn:
        return RoundsPage(rounds=rounds(conn), may_edit=may(ws.settings.role, Permission.EDIT))


@page(router, "/rounds/{round_id}", "round.html", BriefPage)
def round_brief(ws: WorkspaceDep, round_id: int) -> BriefPage:
    """One round and the brief for the next one."""
    return BriefPage(**brief(ws, round_id).to_dict(), may_edit=may(ws.settings.role, Permission.EDIT))


def _browser(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


@router.post(
    "/rounds",
    response_model=None,
    dependencies=[CsrfChecked, require(Permission.EDIT)],
    summary="Save a readout as a draft round (409 when the readout or its round is stored already)",
)
def save_readout(
    ws: WorkspaceDep,
    request: Request,
    text: Annotated[str, Form()],
    source: Annotated[str | None, Form()] = None,
) -> Response | dict[str, Any]:
    """Read the readout into a draft round and save it; a browser is sent to the new round."""
    if not text.strip():
        raise ValidationError("the readout text is empty")
    draft = parse_readout(text, source=(source or "").strip() or None)
    round_id = save_draft(ws, draft)
    if _browser(request):
        return RedirectResponse(f"/rounds/{round_id}", status_code=303)
    return {"round_id": round_id, "status": "draft", **draft.to_dict()}


@router.post(
    "/rounds/{round_id}/confirm",
    response_model=None,
    dependencies=[CsrfChecked, require(Permission.EDIT)],
    summary="Confirm a draft round (409 when it is confirmed already)",
)
def confirm(ws: WorkspaceDep, request: Request, round_id: int) -> Response | dict[str, Any]:
    """Record that a person checked the draft against its readout."""
    confirm_round(ws, round_id)
    if _browser(request):
        return RedirectResponse(f"/rounds/{round_id}", status_code=303)
    return {"round_id": round_id, "status": "confirmed"}
