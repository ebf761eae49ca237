"""The consent form on the person page, through the same consent service as ``consent set``.

A grant or withdrawal is saved and the browser goes back to the person page, which shows the
current consent per scope, every earlier row and, after a withdrawal, the exports and bundles
made earlier that included the person, so they can be recalled. A form that breaks a rule comes
back with the values typed and each message beside its field (422).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from unforgotten.domain.roles import Permission
from unforgotten.errors import FieldErrors
from unforgotten.records.consent import set_consent
from unforgotten.store.workspace import Workspace
from unforgotten.web import routes_registry
from unforgotten.web.deps import CsrfChecked, CurrentUser, Lang, WorkspaceDep, require
from unforgotten.web.render import render
from unforgotten.web.routes_forms import Posted

__all__ = ["router"]

router = APIRouter()
_TYPED = ("scope", "decision", "given_by", "relation", "how", "reason", "given_on")


def _day(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FieldErrors({"given_on": "must be a day (YYYY-MM-DD)"}, what="consent") from None


def _save(ws: Workspace, person_id: int, posted: Mapping[str, str]) -> dict[str, object]:
    decision = posted.get("decision", "")
    if decision not in ("granted", "withdrawn"):
        raise FieldErrors({"decision": "choose granted or withdrawn"}, what="consent")
    return set_consent(
        ws,
        person_id,
        scope=posted.get("scope", ""),
        granted=decision == "granted",
        given_by=posted.get("given_by", ""),
        reason=posted.get("reason", ""),
        how=posted.get("how", ""),
        relation=posted.get("relation", "victim"),
        given_on=_day(posted.get("given_on", "")),
    )


@router.post(
    "/persons/{person_id}/consent",
    include_in_schema=False,
    dependencies=[CsrfChecked, require(Permission.EDIT)],
)
def consent_save(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, person_id: int, posted: Posted
) -> Response:
    """Record a grant or a withdrawal of one scope for the person."""
    try:
        saved = _save(ws, person_id, posted)
    except FieldErrors as exc:
        data = routes_registry.person(ws=ws, person_id=person_id)
        typed = {k: posted.get(k, "") for k in _TYPED}
        return render(
            request,
            "person.html",
            lang=lang,
            user=user,
            status=422,
            page=data,
            consent_errors=exc.errors,
            consent_typed=typed,
        )
    state = "granted" if posted.get("decision") == "granted" else "withdrawn"
    return RedirectResponse(f"/persons/{person_id}?consent={saved['id']}&{state}=1#consent", status_code=303)
