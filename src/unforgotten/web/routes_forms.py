"""The workbench's HTML forms: enter, correct, restore, retire and approve persons, cases,
incidents (with their acts) and sources in the browser, through the same record service as the
JSON API and the CLI.

Every form is server-rendered and posts back (then redirects), so it works without JavaScript.
A form that breaks a rule comes back with the values typed and each message next to its field
(422). An edit carries the version it was based on (``expect_version``); when someone saved
first, the answer (409) shows their version beside what was typed, with a form based on their
version that already holds the typed changes, so one submit carries them over.

Protected fields (the informant's name and contact) are shown only to roles that may read them,
are never pre-filled from the store, never travel in a URL and are never echoed after a save.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from unforgotten.domain.roles import Permission, Role, may
from unforgotten.errors import (
    ConflictError,
    FieldErrors,
    NotFoundError,
    PermissionDenied,
    StaleVersionError,
    ValidationError,
)
from unforgotten.records import Provenance, Records
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace
from unforgotten.web import attribution_form
from unforgotten.web import forms as fm
from unforgotten.web.deps import CsrfChecked, CurrentUser, Lang, WorkspaceDep, require
from unforgotten.web.render import render

__all__ = ["router"]

router = APIRouter()

_PLURAL = {"person": "persons", "case": "cases", "incident": "incidents", "source": "sources"}
_EDIT = [require(Permission.EDIT)]
_POST = [CsrfChecked, require(Permission.EDIT)]


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Posted = Annotated[dict[str, str], Depends(_posted)]


def _sources(ws: Workspace) -> list[str]:
    with ws.read() as conn:
        return [str(n) for n in conn.execute(select(s.source.c.name).order_by(s.source.c.name)).scalars()]


def _target(kind: str, row_id: int, ws: Workspace) -> str:
    if kind == "incident":
        with ws.read() as conn:
            case_id = conn.execute(select(s.incident.c.case_id).where(s.incident.c.id == row_id)).scalar()
        if case_id is None:
            raise NotFoundError(f"incident {row_id} does not exist")
        return f"/cases/{case_id}#incident-{row_id}"
    return f"/{_PLURAL[kind]}/{row_id}"


def _done(url: str, version: int) -> RedirectResponse:
    anchor = ""
    if "#" in url:
        url, anchor = url.split("#", 1)
        anchor = "#" + anchor
    return RedirectResponse(f"{url}?saved={version}{anchor}", status_code=303)


def _version(posted: Mapping[str, str], name: str = "expect_version") -> int:
    text = posted.get(name, "").strip()
    if not text.isdigit():
        raise ValidationError(f"{name} is missing: reload the form and save again")
    return int(text)


def _provenance(posted: Mapping[str, str], *, keep: bool = False) -> Provenance:
    return Provenance(
        source=posted.get("source") or None,
        confidence=posted.get("confidence") or "confirmed",
        citation=posted.get("citation", ""),
        preferred=not (keep and posted.get("keep") == "1"),
    )


class Form:
    """One form's page: what it shows, its values and its errors."""

    def __init__(
        self,
        request: Request,
        lang: str,
        user: Any,
        ws: Workspace,
        *,
        heading: str,
        subject: str,
        action: str,
        cancel: str,
        fieldsets: list[tuple[str, tuple[fm.Field, ...]]],
        source: str = "optional",  # "required", "optional" (the record's own), "none"
        confidence: bool = True,
        keep: bool = False,
        version: int | None = None,
    ) -> None:
        self.request, self.lang, self.user, self.ws = request, lang, user, ws
        self.heading, self.subject, self.action, self.cancel = heading, subject, action, cancel
        self.fieldsets, self.source, self.confidence, self.keep = fieldsets, source, confidence, keep
        self.version = version
        self.protected = may(user.role, Permission.READ_PROTECTED)

    @property
    def fields(self) -> tuple[fm.Field, ...]:
        """Every field of the form, in order (protected ones only where the role may see them)."""
        return tuple(f for _, group in self.fieldsets for f in group if self.protected or not f.protected)

    @property
    def _protected_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.protected)

    def typed(self, posted: Mapping[str, str]) -> dict[str, str]:
        """The values typed, by form name."""
        return {f.name: posted.get(f.name, "") for f in self.fields}

    def page(
        self,
        values: Mapping[str, str],
        *,
        errors: Mapping[str, str] | None = None,
        provenance: Mapping[str, str] | None = None,
        stale: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """The form, filled with ``values`` and showing ``errors`` next to their fields.

        A refused form never sends a protected value back to the browser: those fields come back
        empty, to be typed again."""
        if status >= 400:
            values = {k: ("" if k in self._protected_names else v) for k, v in values.items()}
        inline, rest = fm.form_errors(errors or {}, self.fields)
        return render(
            self.request,
            "record_form.html",
            lang=self.lang,
            user=self.user,
            status=status,
            form=self,
            values=values,
            errors={k: fm.localise(self.lang, v) for k, v in inline.items()},
            other_errors={k: fm.localise(self.lang, v) for k, v in rest.items()},
            prov=provenance or {},
            stale=stale,
            sources=_sources(self.ws) if self.source != "none" else [],
            places=fm.place_names(),
            fm=fm,
        )

    def refused(self, exc: FieldErrors, values: Mapping[str, str], posted: Mapping[str, str]) -> HTMLResponse:
        """The form again with what was typed and the service's errors (422)."""
        return self.page(values, errors=exc.errors, provenance=posted, status=422)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _edit(records: Records, form: Form, kind: str, row_id: int, posted: Mapping[str, str]) -> Response:
    """Save an edit form: only the fields changed from the version it was based on."""
    typed = form.typed(posted)
    expected = _version(posted)
    history = records.history(kind, row_id)
    base = next((h["document"] for h in history if h["version"] == expected), history[-1]["document"])
    changes = {
        f.field: typed[f.name]
        for f in form.fields
        if (typed[f.name] if f.protected else typed[f.name] != _text(base.get(f.field)))
    }
    try:
        saved = records.edit(
            kind,
            row_id,
            changes,
            reason=posted.get("reason", ""),
            expect_version=expected,
            provenance=_provenance(posted, keep=True),
        )
    except FieldErrors as exc:
        return form.refused(exc, typed, posted)
    except StaleVersionError as exc:
        return _stale(form, exc, base, typed, changes, posted)
    return _done(_target(kind, row_id, records.ws), saved.version)


def _stale(  # noqa: PLR0917 - private helper; the call site reads in this order
    form: Form,
    exc: StaleVersionError,
    base: Mapping[str, Any],
    typed: Mapping[str, str],
    changes: Mapping[str, str],
    posted: Mapping[str, str],
) -> HTMLResponse:
    """Someone saved first: their version beside what was typed, and a form based on theirs
    that holds every change typed (409)."""
    theirs = exc.theirs
    rows = []
    carried: dict[str, str] = {}
    for f in form.fields:
        if f.protected:
            carried[f.name] = typed[f.name]
            continue
        mine = typed[f.name]
        old, new = _text(base.get(f.field)), _text(theirs.get(f.field))
        carried[f.name] = mine if f.field in changes else new
        if old == new and f.field not in changes:
            continue  # neither side changed it
        shown = dict(fm.options(f, form.lang)) if f.widget == "select" else {}
        rows.append(
            {
                "label": f.label,
                "name": f.name,
                "base": shown.get(old, old) if old else "",
                "theirs": shown.get(new, new) if new else "",
                "mine": shown.get(mine, mine) if mine else "",
                "they_changed": old != new,
                "you_changed": f.field in changes,
                "conflict": old != new and f.field in changes and mine != new,
            }
        )
    form.version = exc.current
    stale = {"expected": exc.expected, "current": exc.current, "rows": rows}
    return form.page(carried, provenance=posted, stale=stale, status=409)


def _document(records: Records, kind: str, row_id: int) -> tuple[dict[str, Any], int]:
    shown = records.show(kind, row_id)
    return shown["document"], int(shown["version"])


def _values(fields: tuple[fm.Field, ...], document: Mapping[str, Any]) -> dict[str, str]:
    return {f.name: "" if f.protected else _text(document.get(f.field)) for f in fields}


# ------------------------------------------------------------------------------ persons
def _person_form(
    request: Request, lang: str, user: Any, ws: Workspace, *, new: bool, row_id: int = 0
) -> Form:
    if new:
        return Form(
            request,
            lang,
            user,
            ws,
            heading="new_person",
            subject="",
            action="/persons/new",
            cancel="/persons",
            fieldsets=[("fs_person", fm.PERSON), ("fs_case", fm.PERSON_CASE)],
            source="required",
        )
    return Form(
        request,
        lang,
        user,
        ws,
        heading="edit_person",
        subject=f"{row_id}",
        action=f"/persons/{row_id}/edit",
        cancel=f"/persons/{row_id}",
        fieldsets=[("fs_person", fm.PERSON)],
        keep=True,
    )


@router.get("/persons/new", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT)
def person_new(*, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep) -> HTMLResponse:
    """The form to enter a person (and, if a type is chosen, their case)."""
    form = _person_form(request, lang, user, ws, new=True)
    return form.page({f.name: "" for f in form.fields}, provenance={"confidence": "confirmed"})


@router.post("/persons/new", include_in_schema=False, dependencies=_POST)
def person_create(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, posted: Posted
) -> Response:
    """Enter the person; a draft until someone else approves it."""
    form = _person_form(request, lang, user, ws, new=True)
    typed = form.typed(posted)
    person = {f.field: typed[f.name] for f in fm.PERSON if f.name in typed}
    case = {f.field: typed[f.name] for f in fm.PERSON_CASE}
    source = posted.get("source", "")
    try:
        saved = Records(ws).add_person(
            person,
            source=source,
            reason=posted.get("reason", ""),
            case=case if any(case.values()) else None,
            provenance=_provenance(posted),
        )
    except FieldErrors as exc:  # every bad field at once, the source's too
        known = not source or source in _sources(ws)
        errors = {**exc.errors, **({} if known else {"source": f"source {source!r} does not exist"})}
        if not source:
            errors["source"] = "is required: the source the person is entered from"
        return form.page(typed, errors=errors, provenance=posted, status=422)
    except NotFoundError as exc:  # the only lookup before the write: the source
        why = str(exc) if source else "is required: the source the person is entered from"
        return form.page(typed, errors={"source": why}, provenance=posted, status=422)
    return _done(f"/persons/{saved.row_id}", saved.version)


@router.get(
    "/persons/{row_id}/edit", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT
)
def person_edit(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int
) -> HTMLResponse:
    """The form to correct a person, based on its current version."""
    document, version = _document(Records(ws), "person", row_id)
    form = _person_form(request, lang, user, ws, new=False, row_id=row_id)
    form.version, form.subject = version, str(document.get("name") or row_id)
    return form.page(_values(form.fields, document), provenance={"confidence": "confirmed"})


@router.post("/persons/{row_id}/edit", include_in_schema=False, dependencies=_POST)
def person_save(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int, posted: Posted
) -> Response:
    """Save the corrections as the person's next version."""
    form = _person_form(request, lang, user, ws, new=False, row_id=row_id)
    form.version = _version(posted)
    return _edit(Records(ws), form, "person", row_id, posted)


# ------------------------------------------------------------------------------ cases
def _case_form(request: Request, lang: str, user: Any, ws: Workspace, row_id: int) -> Form:
    return Form(
        request,
        lang,
        user,
        ws,
        heading="edit_case",
        subject=str(row_id),
        action=f"/cases/{row_id}/edit",
        cancel=f"/cases/{row_id}",
        fieldsets=[("fs_case", fm.CASE_EDIT)],
        keep=True,
    )


def _new_case_form(request: Request, lang: str, user: Any, ws: Workspace, person_id: int) -> Form:
    return Form(
        request,
        lang,
        user,
        ws,
        heading="new_case",
        subject=str(person_id),
        action=f"/persons/{person_id}/cases/new",
        cancel=f"/persons/{person_id}",
        fieldsets=[("fs_case", fm.CASE_NEW)],
    )


@router.get(
    "/persons/{person_id}/cases/new", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT
)
def case_new(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, person_id: int
) -> HTMLResponse:
    """The form to open a case of a person."""
    Records(ws).show("person", person_id)
    form = _new_case_form(request, lang, user, ws, person_id)
    return form.page({f.name: "" for f in form.fields}, provenance={"confidence": "confirmed"})


@router.post("/persons/{person_id}/cases/new", include_in_schema=False, dependencies=_POST)
def case_create(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, person_id: int, posted: Posted
) -> Response:
    """Open the case (a draft), with its first status."""
    form = _new_case_form(request, lang, user, ws, person_id)
    typed = form.typed(posted)
    try:
        saved = Records(ws).add_case(
            person_id,
            {k: typed[k] for k in ("case_type", "event_date", "event_place")},
            reason=posted.get("reason", ""),
            source=posted.get("source") or None,
            status=typed["status"],
            provenance=_provenance(posted),
        )
    except FieldErrors as exc:
        return form.refused(exc, typed, posted)
    return _done(f"/cases/{saved.row_id}", saved.version)


@router.get("/cases/{row_id}/edit", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT)
def case_edit(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int
) -> HTMLResponse:
    """The form to correct a case."""
    document, version = _document(Records(ws), "case", row_id)
    form = _case_form(request, lang, user, ws, row_id)
    form.version = version
    return form.page(_values(form.fields, document), provenance={"confidence": "confirmed"})


@router.post("/cases/{row_id}/edit", include_in_schema=False, dependencies=_POST)
def case_save(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int, posted: Posted
) -> Response:
    """Save the corrections as the case's next version."""
    form = _case_form(request, lang, user, ws, row_id)
    form.version = _version(posted)
    return _edit(Records(ws), form, "case", row_id, posted)


def _status_form(request: Request, lang: str, user: Any, ws: Workspace, case_id: int) -> Form:
    return Form(
        request,
        lang,
        user,
        ws,
        heading="add_status",
        subject=str(case_id),
        action=f"/cases/{case_id}/statuses/new",
        cancel=f"/cases/{case_id}",
        fieldsets=[("fs_status", fm.STATUS)],
        confidence=False,
    )


@router.get(
    "/cases/{case_id}/statuses/new", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT
)
def status_new(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, case_id: int
) -> HTMLResponse:
    """The form to add a dated step to a case's status history."""
    version = _document(Records(ws), "case", case_id)[1]
    form = _status_form(request, lang, user, ws, case_id)
    form.version = version
    return form.page({f.name: "" for f in form.fields})


@router.post("/cases/{case_id}/statuses/new", include_in_schema=False, dependencies=_POST)
def status_create(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, case_id: int, posted: Posted
) -> Response:
    """Add the step; the case shows its latest status."""
    form = _status_form(request, lang, user, ws, case_id)
    form.version = _version(posted)
    typed = form.typed(posted)
    try:
        saved = Records(ws).add_status(
            case_id,
            status=typed["status"],
            date=typed["date"],
            note=typed["note"],
            source=posted.get("source") or None,
            reason=posted.get("reason", ""),
            expect_version=form.version,
        )
    except FieldErrors as exc:
        return form.refused(exc, typed, posted)
    except StaleVersionError as exc:
        form.version = exc.current
        stale = {"expected": exc.expected, "current": exc.current, "rows": []}
        return form.page(typed, provenance=posted, stale=stale, status=409)
    return _done(f"/cases/{case_id}", saved.version)


# ------------------------------------------------------------------------------ incidents and acts
def _incident_form(request: Request, lang: str, user: Any, ws: Workspace, case_id: int) -> Form:
    return Form(
        request,
        lang,
        user,
        ws,
        heading="new_incident",
        subject=str(case_id),
        action=f"/cases/{case_id}/incidents/new",
        cancel=f"/cases/{case_id}",
        fieldsets=[("fs_incident", fm.INCIDENT), ("fs_act", fm.ACT)],
    )


def _act(typed: Mapping[str, str]) -> dict[str, str]:
    return {f.field: typed[f.name] for f in fm.ACT}


@router.get(
    "/cases/{case_id}/incidents/new", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT
)
def incident_new(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, case_id: int
) -> HTMLResponse:
    """The form to record an incident of a case with its first act."""
    document = _document(Records(ws), "case", case_id)[0]
    form = _incident_form(request, lang, user, ws, case_id)
    values = {f.name: "" for f in form.fields} | {"act_victim_id": _text(document.get("person_id"))}
    return form.page(values, provenance={"confidence": "confirmed"})


@router.post("/cases/{case_id}/incidents/new", include_in_schema=False, dependencies=_POST)
def incident_create(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, case_id: int, posted: Posted
) -> Response:
    """Record the incident (a draft) with its act."""
    form = _incident_form(request, lang, user, ws, case_id)
    typed = form.typed(posted)
    try:
        saved = Records(ws).add_incident(
            case_id,
            {f.field: typed[f.name] for f in fm.INCIDENT},
            acts=[_act(typed)],
            reason=posted.get("reason", ""),
            source=posted.get("source") or None,
            provenance=_provenance(posted),
        )
    except FieldErrors as exc:
        return form.refused(exc, typed, posted)
    return _done(f"/cases/{case_id}#incident-{saved.row_id}", saved.version)


def _incident_edit_form(request: Request, lang: str, user: Any, ws: Workspace, row_id: int) -> Form:
    return Form(
        request,
        lang,
        user,
        ws,
        heading="edit_incident",
        subject=str(row_id),
        action=f"/incidents/{row_id}/edit",
        cancel=_target("incident", row_id, ws),
        fieldsets=[("fs_incident", fm.INCIDENT)],
        keep=True,
    )


@router.get(
    "/incidents/{row_id}/edit", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT
)
def incident_edit(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int
) -> HTMLResponse:
    """The form to correct an incident."""
    document, version = _document(Records(ws), "incident", row_id)
    form = _incident_edit_form(request, lang, user, ws, row_id)
    form.version = version
    return form.page(_values(form.fields, document), provenance={"confidence": "confirmed"})


@router.post("/incidents/{row_id}/edit", include_in_schema=False, dependencies=_POST)
def incident_save(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int, posted: Posted
) -> Response:
    """Save the corrections as the incident's next version."""
    form = _incident_edit_form(request, lang, user, ws, row_id)
    form.version = _version(posted)
    return _edit(Records(ws), form, "incident", row_id, posted)


def _act_form(request: Request, lang: str, user: Any, ws: Workspace, incident_id: int) -> Form:
    return Form(
        request,
        lang,
        user,
        ws,
        heading="add_act",
        subject=str(incident_id),
        action=f"/incidents/{incident_id}/acts/new",
        cancel=_target("incident", incident_id, ws),
        fieldsets=[("fs_act", fm.ACT), ("fs_attribution", attribution_form.fields(ws))],
        source="none",
        confidence=False,
    )


@router.get(
    "/incidents/{incident_id}/acts/new",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=_EDIT,
)
def act_new(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, incident_id: int
) -> HTMLResponse:
    """The form to add an act to an incident."""
    version = _document(Records(ws), "incident", incident_id)[1]
    form = _act_form(request, lang, user, ws, incident_id)
    form.version = version
    return form.page({f.name: "" for f in form.fields})


@router.post("/incidents/{incident_id}/acts/new", include_in_schema=False, dependencies=_POST)
def act_create(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, incident_id: int, posted: Posted
) -> Response:
    """Add the act (the incident's next version)."""
    form = _act_form(request, lang, user, ws, incident_id)
    form.version = _version(posted)
    typed = form.typed(posted)
    try:
        if attribution_form.given(typed):
            attribution_form.check(ws, typed)  # refused before the act is saved
        saved = Records(ws).add_act(
            incident_id, _act(typed), reason=posted.get("reason", ""), expect_version=form.version
        )
    except FieldErrors as exc:
        return form.refused(exc, typed, posted)
    except StaleVersionError as exc:
        form.version = exc.current
        stale = {"expected": exc.expected, "current": exc.current, "rows": []}
        return form.page(typed, provenance=posted, stale=stale, status=409)
    if attribution_form.given(typed):
        with ws.read() as conn:
            act_id = conn.execute(
                select(func.max(s.act.c.id)).where(s.act.c.incident_id == incident_id)
            ).scalar_one()
        attribution_form.save(ws, int(act_id), typed, reason=posted.get("reason", "") or "act recorded")
    return _done(_target("incident", incident_id, ws), saved.version)


# ------------------------------------------------------------------------------ sources
def _source_form(request: Request, lang: str, user: Any, ws: Workspace, row_id: int | None) -> Form:
    return Form(
        request,
        lang,
        user,
        ws,
        heading="new_source" if row_id is None else "edit_source",
        subject="" if row_id is None else str(row_id),
        action="/sources/new" if row_id is None else f"/sources/{row_id}/edit",
        cancel="/sources" if row_id is None else f"/sources/{row_id}",
        fieldsets=[("fs_source", fm.SOURCE)],
        source="none",
        confidence=False,
    )


@router.get("/sources/new", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT)
def source_new(*, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep) -> HTMLResponse:
    """The form to add a source."""
    form = _source_form(request, lang, user, ws, None)
    return form.page({f.name: "" for f in form.fields} | {"confidentiality": "restricted"})


@router.post("/sources/new", include_in_schema=False, dependencies=_POST)
def source_create(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, posted: Posted
) -> Response:
    """Add the source (sources are approved at once)."""
    form = _source_form(request, lang, user, ws, None)
    typed = form.typed(posted)
    try:
        saved = Records(ws).add_source(
            typed["name"],
            kind=typed["kind"],
            organisation=typed["organisation"],
            confidentiality=typed["confidentiality"] or "restricted",
            description=typed["description"],
            reason=posted.get("reason", ""),
        )
    except FieldErrors as exc:
        return form.refused(exc, typed, posted)
    return _done(f"/sources/{saved.row_id}", saved.version)


@router.get(
    "/sources/{row_id}/edit", response_class=HTMLResponse, include_in_schema=False, dependencies=_EDIT
)
def source_edit(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int
) -> HTMLResponse:
    """The form to correct a source."""
    document, version = _document(Records(ws), "source", row_id)
    form = _source_form(request, lang, user, ws, row_id)
    form.version = version
    return form.page(_values(form.fields, document))


@router.post("/sources/{row_id}/edit", include_in_schema=False, dependencies=_POST)
def source_save(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int, posted: Posted
) -> Response:
    """Save the corrections as the source's next version."""
    form = _source_form(request, lang, user, ws, row_id)
    form.version = _version(posted)
    return _edit(Records(ws), form, "source", row_id, posted)


# ------------------------------------------------------------------------------ restore, retire, approve
def _refused_page(
    request: Request, lang: str, user: Any, *, status: int, title: str, message: str
) -> HTMLResponse:
    return render(
        request,
        "error.html",
        lang=lang,
        user=user,
        status=status,
        title=title,
        message=fm.localise(lang, message),
        back=request.headers.get("referer", ""),
    )


def _back(posted: Mapping[str, str], default: str) -> str:
    url = posted.get("next", "")
    return url if url.startswith("/") and not url.startswith("//") else default


def _register(kind: str) -> None:
    plural = _PLURAL[kind]

    @router.post(f"/{plural}/{{row_id}}/restore", include_in_schema=False, dependencies=_POST)
    def restore(
        *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int, posted: Posted
    ) -> Response:
        try:
            saved = Records(ws).restore(
                kind, row_id, version=_version(posted, "version"), reason=posted.get("reason", "")
            )
        except FieldErrors as exc:
            return _refused_page(
                request, lang, user, status=422, title="not_saved", message="; ".join(exc.errors.values())
            )
        return _done(_target(kind, row_id, ws), saved.version)

    @router.post(f"/{plural}/{{row_id}}/retire", include_in_schema=False, dependencies=_POST)
    def retire(
        *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int, posted: Posted
    ) -> Response:
        try:
            saved = Records(ws).retire(
                kind, row_id, reason=posted.get("reason", ""), expect_version=_version(posted)
            )
        except FieldErrors as exc:
            return _refused_page(
                request, lang, user, status=422, title="not_saved", message="; ".join(exc.errors.values())
            )
        except StaleVersionError as exc:
            return _refused_page(
                request, lang, user, status=409, title="someone_saved_first", message=str(exc)
            )
        return _done(_target(kind, row_id, ws), saved.version)

    @router.post(
        f"/{plural}/{{row_id}}/approve",
        include_in_schema=False,
        dependencies=[CsrfChecked, require(Permission.REVIEW)],
    )
    def approve(
        *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, row_id: int, posted: Posted
    ) -> Response:
        expected = posted.get("expect_version", "")
        try:
            saved = Records(ws).approve(
                kind,
                row_id,
                reason=posted.get("reason", ""),
                expect_version=int(expected) if expected.isdigit() else None,
            )
        except PermissionDenied as exc:
            return _drafts(request, lang, user, ws, refused=str(exc), status=403)
        except StaleVersionError as exc:
            return _refused_page(
                request, lang, user, status=409, title="someone_saved_first", message=str(exc)
            )
        except (ConflictError, FieldErrors) as exc:
            return _drafts(request, lang, user, ws, refused=str(exc), status=409)
        return _done(_back(posted, _target(kind, row_id, ws)), saved.version)

    del restore, retire, approve  # registered on the router


for _kind in _PLURAL:
    _register(_kind)


@router.post("/values/{value_id}/prefer", include_in_schema=False, dependencies=_POST)
def prefer(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, value_id: int, posted: Posted
) -> Response:
    """Make one sourced value the one its record shows (the others stay beside it)."""
    expected = posted.get("expect_version", "")
    try:
        saved = Records(ws).prefer(
            value_id,
            reason=posted.get("reason", ""),
            expect_version=int(expected) if expected.isdigit() else None,
        )
    except FieldErrors as exc:
        return _refused_page(
            request, lang, user, status=422, title="not_saved", message="; ".join(exc.errors.values())
        )
    except StaleVersionError as exc:
        return _refused_page(request, lang, user, status=409, title="someone_saved_first", message=str(exc))
    return _done(_target(saved.kind, saved.row_id, ws), saved.version)


# ------------------------------------------------------------------------------ drafts
def _drafts(
    request: Request, lang: str, user: Any, ws: Workspace, *, refused: str = "", status: int = 200
) -> HTMLResponse:
    hidden = user.role == Role.VIEWER
    queue = [] if hidden else Records(ws).review_queue()
    return render(
        request,
        "drafts.html",
        lang=lang,
        user=user,
        status=status,
        queue=queue,
        hidden=hidden,
        refused=fm.localise(lang, refused),
        plural=_PLURAL,
        api_url="/api/drafts",
    )


@router.get(
    "/drafts", response_class=HTMLResponse, include_in_schema=False, dependencies=[require(Permission.READ)]
)
def drafts(*, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep) -> HTMLResponse:
    """Drafts and records edited since their review, with approve buttons for reviewers."""
    return _drafts(request, lang, user, ws)
