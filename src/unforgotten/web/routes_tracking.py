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
from unforgotten.tracking.resolution_store import stored_passages
from unforgotten.tracking.resolutions import Passage, diff, load_resolutions
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
    resolutions: list[dict[str, Any]] = []
    adopted_since: list[dict[str, Any]] = []
    may_edit: bool = False


class ResolutionsPage(BaseModel):
    """The UN resolutions on the DPRK, their stored paragraphs, and (with ``old`` and ``new``) a diff."""

    resolutions: list[dict[str, Any]]
    paragraphs: list[dict[str, Any]]
    old: str | None = None
    new: str | None = None
    changes: list[dict[str, Any]] = []


def _passages(rows: list[dict[str, Any]]) -> list[Passage]:
    return [
        Passage(r["symbol"], r["paragraph"], r["text"], tuple(r["themes"]), r["source_url"]) for r in rows
    ]


def _changes(paragraphs: list[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    texts = [[p for p in paragraphs if p["symbol"].upper() == s.strip().upper()] for s in (old, new)]
    if not all(texts):
        raise ValidationError(f"compare two stored resolutions; {old!r} or {new!r} has no stored paragraph")
    return [
        {"kind": c.kind, "old": c.old_number, "new": c.new_number, "similarity": c.similarity,
         "old_text": c.old_text, "new_text": c.new_text, "words_added": list(c.words_added),
         "words_removed": list(c.words_removed)}
        for c in diff(_passages(texts[0]), _passages(texts[1]))
    ]  # fmt: skip


@page(router, "/resolutions", "resolutions.html", ResolutionsPage)
def resolution_list(ws: WorkspaceDep, old: str | None = None, new: str | None = None) -> ResolutionsPage:
    """UN resolutions on the DPRK paragraph by paragraph; ``?old=SYMBOL&new=SYMBOL`` adds a diff."""
    with ws.read() as conn:
        paragraphs = stored_passages(conn)
    shipped = [
        {"symbol": r.symbol, "body": r.body, "year": r.year, "adopted": r.adopted and r.adopted.isoformat(),
         "text_found": r.text_found, "source_url": r.source_url, "note": r.note}
        for r in load_resolutions()
    ]  # fmt: skip
    changes = _changes(paragraphs, old, new) if old and new else []
    return ResolutionsPage(resolutions=shipped, paragraphs=paragraphs, old=old, new=new, changes=changes)


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
