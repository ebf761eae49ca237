"""The workbench's JSON API: create, change, restore, retire and approve persons, cases, incidents
and sources, through the same record service as the forms and the CLI.

``POST /api/persons`` creates; ``PATCH /api/persons/{id}`` changes with ``If-Match: "<version>"``
(a stale version is answered 412 with both versions; a missing one 428);
``GET /api/persons/{id}/history`` lists the versions with their field differences. The same
shape serves ``cases``, ``incidents`` and ``sources``. Every response that names a record's
version carries it as the ``ETag``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from unforgotten.domain.roles import Permission
from unforgotten.errors import ValidationError
from unforgotten.records import KINDS, Provenance, Records, Saved
from unforgotten.web.deps import CsrfChecked, WorkspaceDep, require

__all__ = ["router"]

router = APIRouter()

_PLURAL = {"person": "persons", "case": "cases", "incident": "incidents", "source": "sources"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProvenanceIn(_Strict):
    """Where the values come from: a source (default: the record's own), a confidence, a citation."""

    source: str | None = None
    confidence: str = "confirmed"
    citation: str = ""
    preferred: bool = Field(True, description="False: keep the values beside the shown ones")


class CaseIn(_Strict):
    """A case opened with a person."""

    case_type: str
    event_date: str = ""
    event_place: str = ""
    status: str = ""


class PersonIn(ProvenanceIn):
    """A new person. ``informant_name`` and ``informant_contact`` are protected: encrypted before
    they are stored, never in versions, logs or default exports."""

    name: str
    name_hangul: str = ""
    name_system: str = ""
    aliases: str = Field("", description="|-separated")
    sex: str = ""
    birth_date: str = Field("", description="Partial date, any format the importer reads")
    birth_place: str = ""
    source: str | None = Field(None, description="The source the person is entered from (required)")
    reason: str
    case: CaseIn | None = None
    informant_name: str = ""
    informant_contact: str = ""


class NewCase(ProvenanceIn):
    """A new case of a person."""

    person_id: int
    case_type: str
    event_date: str = ""
    event_place: str = ""
    status: str = ""
    reason: str


class ActIn(_Strict):
    """One act: a violation (vocabulary code) done to a victim (default: the case's person)."""

    violation: str
    victim_id: int | None = None
    perpetrator: str = ""
    place: str = ""
    date: str = ""
    description: str = ""


class NewAct(ActIn):
    """One more act of an incident, and why."""

    reason: str


class NewIncident(ProvenanceIn):
    """A new incident of a case, made of acts."""

    case_id: int
    title: str
    date: str = ""
    place: str = ""
    description: str = ""
    acts: list[ActIn]
    reason: str


class NewSource(_Strict):
    """A new source."""

    name: str
    kind: str
    organisation: str = ""
    confidentiality: str = "restricted"
    description: str = ""
    reason: str = ""


class Change(ProvenanceIn):
    """Fields to change (text; "" clears one) and why."""

    set: dict[str, str]
    reason: str


class Reason(_Strict):
    """Why."""

    reason: str = ""


class RestoreIn(_Strict):
    """The version to bring back and why."""

    version: int
    reason: str


class StatusIn(_Strict):
    """One dated step of a case's status history."""

    status: str
    date: str = ""
    note: str = ""
    source: str | None = None
    reason: str


def _answer(saved: Saved, status: int = 200) -> JSONResponse:
    return JSONResponse(saved.to_dict(), status_code=status, headers={"etag": f'"{saved.version}"'})


def _version(if_match: str | None, *, required: bool = True) -> int | None:
    """The version an ``If-Match`` header names (``"3"``, ``W/"3"`` or ``3``)."""
    if if_match is None:
        if required:
            raise _PreconditionRequired
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise ValidationError(f'If-Match must name a version, e.g. If-Match: "3" (got {if_match!r})')
    return int(text)


class PreconditionRequired(ValidationError):
    """A change sent without ``If-Match``: answered 428."""


_PreconditionRequired = PreconditionRequired(
    'send If-Match: "<version>" with the version the change is based on (GET the record for its ETag)'
)

IfMatch = Annotated[str | None, Header(alias="if-match", description='The version changed: "3"')]


def _provenance(body: ProvenanceIn) -> Provenance:
    return Provenance(
        source=body.source, confidence=body.confidence, citation=body.citation, preferred=body.preferred
    )


def _register(kind: str) -> None:
    plural = _PLURAL[kind]
    editing = [CsrfChecked, require(Permission.EDIT)]

    @router.get(
        f"/api/{plural}/{{row_id}}/record",
        summary=f"A {kind}'s document, version and sourced values",
        dependencies=[require(Permission.READ)],
        name=f"{kind}_record",
    )
    def record(ws: WorkspaceDep, row_id: int) -> JSONResponse:
        shown = Records(ws).show(kind, row_id)
        return JSONResponse(shown, headers={"etag": f'"{shown["version"]}"'})

    @router.get(
        f"/api/{plural}/{{row_id}}/history",
        summary=f"Every version of a {kind} with its changed fields",
        dependencies=[require(Permission.READ)],
        name=f"{kind}_history",
    )
    def history(ws: WorkspaceDep, row_id: int) -> list[dict[str, Any]]:
        return Records(ws).history(kind, row_id)

    @router.patch(
        f"/api/{plural}/{{row_id}}",
        summary=f"Change a {kind} (If-Match required; 412 when stale)",
        dependencies=editing,
        name=f"{kind}_patch",
    )
    def patch(ws: WorkspaceDep, row_id: int, body: Change, if_match: IfMatch = None) -> JSONResponse:
        saved = Records(ws).edit(
            kind,
            row_id,
            body.set,
            reason=body.reason,
            expect_version=_version(if_match),
            provenance=_provenance(body),
        )
        return _answer(saved)

    @router.post(
        f"/api/{plural}/{{row_id}}/restore",
        summary=f"Restore an earlier version of a {kind}",
        dependencies=editing,
        name=f"{kind}_restore",
    )
    def restore(ws: WorkspaceDep, row_id: int, body: RestoreIn) -> JSONResponse:
        return _answer(Records(ws).restore(kind, row_id, version=body.version, reason=body.reason))

    @router.post(
        f"/api/{plural}/{{row_id}}/retire",
        summary=f"Retire a {kind} with a reason",
        dependencies=editing,
        name=f"{kind}_retire",
    )
    def retire(ws: WorkspaceDep, row_id: int, body: Reason, if_match: IfMatch = None) -> JSONResponse:
        expected = _version(if_match, required=False)
        return _answer(Records(ws).retire(kind, row_id, reason=body.reason, expect_version=expected))

    @router.post(
        f"/api/{plural}/{{row_id}}/approve",
        summary=f"Approve a {kind} someone else entered",
        dependencies=[CsrfChecked, require(Permission.REVIEW)],
        name=f"{kind}_approve",
    )
    def approve(
        ws: WorkspaceDep, row_id: int, body: Reason | None = None, if_match: IfMatch = None
    ) -> JSONResponse:
        expected = _version(if_match, required=False)
        reason = body.reason if body else ""
        return _answer(Records(ws).approve(kind, row_id, reason=reason, expect_version=expected))

    del record, history, patch, restore, retire, approve  # registered on the router


for _kind in KINDS:
    _register(_kind)


@router.post(
    "/api/persons",
    status_code=201,
    summary="Enter a new person (a draft)",
    dependencies=[CsrfChecked, require(Permission.EDIT)],
)
def create_person(ws: WorkspaceDep, body: PersonIn) -> JSONResponse:
    """Enter a person from a source, with a case when ``case`` is given; returns its id and version."""
    if not body.source:
        raise ValidationError("source is required: the name of an existing source")
    values = body.model_dump(
        include={
            "name",
            "name_hangul",
            "name_system",
            "aliases",
            "sex",
            "birth_date",
            "birth_place",
            "informant_name",
            "informant_contact",
        }
    )
    saved = Records(ws).add_person(
        values,
        source=body.source,
        reason=body.reason,
        case=body.case.model_dump() if body.case else None,
        provenance=Provenance(confidence=body.confidence, citation=body.citation),
    )
    return _answer(saved, 201)


@router.post(
    "/api/cases",
    status_code=201,
    summary="Open a new case of a person (a draft)",
    dependencies=[CsrfChecked, require(Permission.EDIT)],
)
def create_case(ws: WorkspaceDep, body: NewCase) -> JSONResponse:
    """Open a case; its first status is dated at the event."""
    saved = Records(ws).add_case(
        body.person_id,
        {"case_type": body.case_type, "event_date": body.event_date, "event_place": body.event_place},
        reason=body.reason,
        source=body.source,
        status=body.status,
        provenance=_provenance(body),
    )
    return _answer(saved, 201)


@router.post(
    "/api/cases/{case_id}/statuses",
    summary="Add a dated step to a case's status history",
    dependencies=[CsrfChecked, require(Permission.EDIT)],
)
def add_status(ws: WorkspaceDep, case_id: int, body: StatusIn, if_match: IfMatch = None) -> JSONResponse:
    """The case shows the latest status; every step is kept."""
    saved = Records(ws).add_status(
        case_id,
        status=body.status,
        date=body.date,
        note=body.note,
        source=body.source,
        reason=body.reason,
        expect_version=_version(if_match, required=False),
    )
    return _answer(saved)


@router.post(
    "/api/incidents",
    status_code=201,
    summary="Record an incident of a case, made of acts (a draft)",
    dependencies=[CsrfChecked, require(Permission.EDIT)],
)
def create_incident(ws: WorkspaceDep, body: NewIncident) -> JSONResponse:
    """An incident with at least one act."""
    saved = Records(ws).add_incident(
        body.case_id,
        {"title": body.title, "date": body.date, "place": body.place, "description": body.description},
        acts=[a.model_dump() for a in body.acts],
        reason=body.reason,
        source=body.source,
        provenance=_provenance(body),
    )
    return _answer(saved, 201)


@router.post(
    "/api/incidents/{incident_id}/acts",
    summary="Add an act to an incident",
    dependencies=[CsrfChecked, require(Permission.EDIT)],
)
def add_act(ws: WorkspaceDep, incident_id: int, body: NewAct, if_match: IfMatch = None) -> JSONResponse:
    """One more act; the incident's next version."""
    saved = Records(ws).add_act(
        incident_id,
        body.model_dump(exclude={"reason"}),
        reason=body.reason,
        expect_version=_version(if_match, required=False),
    )
    return _answer(saved)


@router.post(
    "/api/sources",
    status_code=201,
    summary="Add a source (list, testimonies, document)",
    dependencies=[CsrfChecked, require(Permission.EDIT)],
)
def create_source(ws: WorkspaceDep, body: NewSource) -> JSONResponse:
    """A source is approved at once; `source` elsewhere names it."""
    saved = Records(ws).add_source(
        body.name,
        kind=body.kind,
        organisation=body.organisation,
        confidentiality=body.confidentiality,
        description=body.description,
        reason=body.reason,
    )
    return _answer(saved, 201)


@router.get("/api/drafts", summary="Records waiting for review", dependencies=[require(Permission.READ)])
def drafts(ws: WorkspaceDep, request: Request) -> list[dict[str, Any]]:
    """Drafts, and approved records changed since their approval, oldest first."""
    del request
    return Records(ws).review_queue()
