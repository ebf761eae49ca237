"""Evidence in the browser and the JSON API: upload (streamed, through the same evidence service
as ``evidence add``), the item page, its custody report and its download.

An upload form on the person, case and source pages posts ``multipart/form-data`` to
``/{persons|cases|sources}/{id}/evidence``; the body is read as it arrives (:mod:`.uploads`), so
a large file never sits whole in memory and no plain copy is written. The form works without
JavaScript (the answer is a page with the hashes); with it, ``upload.js`` shows a progress bar
and puts the same answer in the page. ``POST /api/evidence`` takes the same multipart body and
answers like ``evidence add --json``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from sqlalchemy import select

from unforgotten.domain.roles import Permission, may
from unforgotten.errors import NotFoundError, PermissionDenied, ValidationError
from unforgotten.evidence import Attach, Evidence, Received
from unforgotten.store import schema as s
from unforgotten.store.visibility import visibility
from unforgotten.store.workspace import Workspace
from unforgotten.web import evidence_views as ev
from unforgotten.web import schemas_evidence as m
from unforgotten.web.deps import CurrentUser, Lang, WorkspaceDep, require
from unforgotten.web.render import page, render
from unforgotten.web.uploads import Upload, read_upload

__all__ = ["router"]

router = APIRouter()
_IMPORT = [require(Permission.IMPORT)]


@page(router, "/evidence/{evidence_id}", "evidence.html", m.EvidencePage)
def evidence_item(ws: WorkspaceDep, evidence_id: int, reveal: bool = False) -> m.EvidencePage:
    """An evidence item: hashes, media type, EXIF/GPS and document metadata, the records it is
    attached to and each intake (audited as viewed). Who handed each file over is shown only with
    ``reveal``, to roles that may read protected fields (audited as such)."""
    with ws.read() as conn:
        ev.check_visible(conn, visibility(conn, ws.settings.role), evidence_id)
    if reveal:
        ws.require(Permission.READ_PROTECTED)
    shown = Evidence(ws).show(evidence_id, protected=reveal)
    return ev.evidence_page(
        shown,
        may_download=may(ws.settings.role, Permission.IMPORT),
        may_reveal=may(ws.settings.role, Permission.READ_PROTECTED),
        revealed=reveal,
    )


@page(router, "/evidence/{evidence_id}/custody", "custody.html", m.CustodyPage)
def evidence_custody(ws: WorkspaceDep, evidence_id: int) -> m.CustodyPage:
    """An item's chain of custody: every event of the audit chain about it, oldest first."""
    with ws.read() as conn:
        ev.check_visible(conn, visibility(conn, ws.settings.role), evidence_id)
    return ev.custody_page(Evidence(ws).custody(evidence_id))


@router.get(
    "/evidence/{evidence_id}/file",
    response_class=StreamingResponse,
    summary="Download an evidence file (audited as copied)",
    dependencies=_IMPORT,
)
def evidence_file(ws: WorkspaceDep, evidence_id: int) -> StreamingResponse:
    """The original bytes as received, decrypted as they are sent and checked against the hashes."""
    with ws.read() as conn:
        ev.check_visible(conn, visibility(conn, ws.settings.role), evidence_id)
    item, chunks = Evidence(ws).download(evidence_id)
    name = quote(item["file_name"])
    return StreamingResponse(
        chunks,
        media_type="application/octet-stream",
        headers={
            "content-disposition": f"attachment; filename*=UTF-8''{name}",
            "content-length": str(item["size"]),
        },
    )


# ---------------------------------------------------------------------------------- upload
def _csrf_expected(request: Request) -> str | None:
    """The token a browser's upload must carry in its body (``None``: checked already)."""
    if getattr(request.state, "bearer", False):
        return None
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is not None:
        if not isinstance(expected, str) or not sent or sent != expected:
            raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")
        return None
    return expected if isinstance(expected, str) else "\x00no token"


async def _receive(request: Request, ws: Workspace, first: Attach | None) -> tuple[Evidence, Upload]:
    service = Evidence(ws)
    if first is not None:
        await to_thread.run_sync(service.check_intake, first)
    upload = await read_upload(
        request.headers.get("content-type", ""),
        request.stream(),
        start_file=service.incoming,
        csrf=_csrf_expected(request),
    )
    if not upload.files:
        upload.discard()
        raise ValidationError("choose at least one file to upload")
    return service, upload


async def _take_in(service: Evidence, upload: Upload, attach: Attach) -> list[Received]:
    fields = upload.fields

    def run() -> list[Received]:
        return service.take_in(
            upload.files,
            attach=attach,
            received_from=fields.get("received_from", "").strip() or None,
            how=fields.get("how", "").strip() or None,
            description=fields.get("description", "").strip() or None,
        )

    return await to_thread.run_sync(run)


def _done_page(
    request: Request, lang: str, user: Any, *, received: list[Received], names: list[str], back: str
) -> HTMLResponse:
    rows = [{"name": n, **r.to_dict()} for n, r in zip(names, received, strict=True)]
    return render(request, "upload_done.html", lang=lang, user=user, received=rows, back=back)


async def _upload_page(
    request: Request, ws: Workspace, lang: str, user: Any, *, attach: Attach, back: str
) -> HTMLResponse:
    service, upload = await _receive(request, ws, attach)
    names = [f.name for f in upload.files]
    received = await _take_in(service, upload, attach)
    return _done_page(request, lang, user, received=received, names=names, back=back)


@router.post("/persons/{person_id}/evidence", include_in_schema=False, dependencies=_IMPORT)
async def person_upload(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, person_id: int
) -> HTMLResponse:
    """Attach files to a person (the form on the person page)."""
    return await _upload_page(
        request, ws, lang, user, attach=Attach(person=person_id), back=f"/persons/{person_id}"
    )


@router.post("/cases/{case_id}/evidence", include_in_schema=False, dependencies=_IMPORT)
async def case_upload(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, case_id: int
) -> HTMLResponse:
    """Attach files to a case, or to one of its incidents (the form's ``incident`` field)."""
    service, upload = await _receive(request, ws, Attach(case=case_id))
    names = [f.name for f in upload.files]
    try:
        attach = await to_thread.run_sync(_case_or_incident, ws, case_id, upload.fields.get("incident", ""))
    except BaseException:
        upload.discard()
        raise
    received = await _take_in(service, upload, attach)
    return _done_page(request, lang, user, received=received, names=names, back=f"/cases/{case_id}")


def _case_or_incident(ws: Workspace, case_id: int, incident: str) -> Attach:
    if not incident.strip():
        return Attach(case=case_id)
    if not incident.strip().isdigit():
        raise ValidationError("incident: choose one of the case's incidents")
    with ws.read() as conn:
        owner = conn.execute(select(s.incident.c.case_id).where(s.incident.c.id == int(incident))).scalar()
    if owner != case_id:
        raise ValidationError(f"incident {int(incident)} is not an incident of case {case_id}")
    return Attach(incident=int(incident))


@router.post("/sources/{source_id}/evidence", include_in_schema=False, dependencies=_IMPORT)
async def source_upload(
    *, request: Request, lang: Lang, user: CurrentUser, ws: WorkspaceDep, source_id: int
) -> HTMLResponse:
    """Attach files to a source (the form on the source page)."""
    name = await to_thread.run_sync(_source_name, ws, source_id)
    return await _upload_page(
        request, ws, lang, user, attach=Attach(source=name), back=f"/sources/{source_id}"
    )


def _source_name(ws: Workspace, source_id: int) -> str:
    with ws.read() as conn:
        visibility(conn, ws.settings.role).check_source(source_id)
        found = conn.execute(select(s.source.c.name).where(s.source.c.id == source_id)).scalar()
    if found is None:
        raise NotFoundError(f"source {source_id} does not exist")
    return str(found)


def _api_attach(values: dict[str, str]) -> Attach:
    def number(name: str) -> int | None:
        text = values.get(name, "").strip()
        if text and not text.isdigit():
            raise ValidationError(f"{name} must be a record id (a whole number)")
        return int(text) if text else None

    source = values.get("source", "").strip() or None
    return Attach(person=number("person"), case=number("case"), incident=number("incident"), source=source)


@router.post(
    "/api/evidence",
    summary="Take in evidence files (multipart/form-data), like `evidence add --json`",
    status_code=201,
    response_model=m.UploadResult,
    dependencies=_IMPORT,
)
async def api_upload(
    request: Request,
    ws: WorkspaceDep,
    *,
    person: Annotated[int | None, Query()] = None,
    case: Annotated[int | None, Query()] = None,
    incident: Annotated[int | None, Query()] = None,
    source: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """Files in any part with a file name; ``person``, ``case``, ``incident`` or ``source`` (a
    name) as a query parameter (checked before the files are read) or a form field, and the
    fields ``received_from`` (protected), ``how`` and ``description``."""
    given = {k: str(v) for k, v in (("person", person), ("case", case), ("incident", incident)) if v}
    given |= {"source": source} if source else {}
    service, upload = await _receive(request, ws, _api_attach(given) if given else None)
    try:
        attach = _api_attach(given or upload.fields)
    except BaseException:
        upload.discard()
        raise
    received = await _take_in(service, upload, attach)
    return JSONResponse({"evidence": [r.to_dict() for r in received]}, status_code=201)
