"""Registry pages: overview, search, person, case, sources, batches, exports (each with its JSON twin)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import Connection

from unforgotten.domain.cells import neutralise_rows
from unforgotten.domain.roles import Permission, may
from unforgotten.errors import ValidationError
from unforgotten.records import Records
from unforgotten.store import queries
from unforgotten.store.search import SearchFilters, index_is_stale, refresh_index, search
from unforgotten.store.visibility import export_visibility, visibility
from unforgotten.store.workspace import Workspace
from unforgotten.web import evidence_views as ev
from unforgotten.web import schemas as m
from unforgotten.web import schemas_evidence as me
from unforgotten.web import views
from unforgotten.web.deps import WorkspaceDep, require
from unforgotten.web.render import page

__all__ = ["router"]

router = APIRouter()


@page(router, "/", "home.html", m.HomePage)
def home(ws: WorkspaceDep) -> m.HomePage:
    """Totals of the registry by source, case type and province."""
    with ws.read() as conn:
        data, hidden = views.home_page(conn), visibility(conn, ws.settings.role)
    if not hidden.hides_any:
        return data
    names = set(hidden.sources.values())  # totals stay: counts are statistics, not records
    return data.model_copy(update={"by_source": {k: v for k, v in data.by_source.items() if k not in names}})


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value if len(value) > 4 else f"{value}-01-01")
    except ValueError:
        raise ValidationError(f"{name} must be a date (YYYY, YYYY-MM-DD)") from None


def drafts_hidden_from(conn: Connection, ws: Workspace) -> frozenset[int]:
    """Drafts, for a role that may not see them (viewers): left out of search like hidden persons."""
    role = ws.settings.role
    if may(role, Permission.EDIT) or may(role, Permission.LINK):
        return frozenset()
    return frozenset(int(p) for p in conn.execute(queries.withheld_persons("draft")).scalars())


@page(router, "/persons", "search.html", m.SearchPage)
def persons(
    ws: WorkspaceDep,
    *,
    q: Annotated[str, Query(max_length=200, description="Name (any script or spelling) or place")] = "",
    case_type: str | None = None,
    province: str | None = None,
    source: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    status: str | None = None,
    sex: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> m.SearchPage:
    """Search persons by any spelling in any script, a surname alone or part of a name, by place,
    case type, status, sex and date range, with facets (codes, and their labels in English and Korean)."""
    filters = SearchFilters(
        case_type or None,
        province or None,
        source or None,
        _date(date_from, "from"),
        _date(date_to, "to"),
        status or None,
        sex or None,
    )
    with ws.read() as conn:
        stale = index_is_stale(conn)
    if stale:
        refresh_index(ws)
    with ws.read() as conn:
        hidden = visibility(conn, ws.settings.role)
        found = search(
            conn, q, filters, limit=limit, offset=offset, hidden=hidden.persons | drafts_hidden_from(conn, ws)
        )
    shown = {
        "case_type": case_type,
        "province": province,
        "source": source,
        "from": date_from,
        "to": date_to,
        "status": status,
        "sex": sex,
    }
    return m.SearchPage(
        query=found.query,
        total=found.total,
        offset=offset,
        limit=limit,
        place=found.place,
        place_label=views.label("place", found.place) if found.place else None,
        filters=shown,
        facets=found.facets,
        facet_labels=views.facet_labels(found.facets),
        results=[
            m.SearchHitPublic(
                person_id=h.person_id,
                primary_name=h.primary_name,
                names=list(h.names),
                case_types=list(h.case_types),
                provinces=list(h.provinces),
                score=h.score,
                matched=h.matched,
            )
            for h in found.hits
        ],
    )


@page(router, "/persons/{person_id}", "person.html", m.PersonPage)
def person(ws: WorkspaceDep, person_id: int, reveal: bool = False) -> m.PersonPage:
    """One person: names, cases, records, linkage, history, consent; protected fields on request."""
    allowed = may(ws.settings.role, Permission.READ_PROTECTED)
    with ws.read() as conn:
        live = views.live_person(conn, person_id)
        visibility(conn, ws.settings.role).check_person(live)
        data = views.person_page(conn, live, may_reveal=allowed)
        parts = {
            "consent_state": ev.consent_part(conn, live, may_record=may(ws.settings.role, Permission.EDIT)),
            "evidence": _evidence(
                ws,
                ev.listed(
                    conn,
                    persons=data.members,
                    cases=[c.id for c in data.cases],
                    incidents=[i.id for i in data.incidents],
                ),
                f"/persons/{live}/evidence",
            ),
        }
    data = data.model_copy(update={"workbench": views.workbench(ws, "person", live), **parts})
    if reveal:
        ws.require(Permission.READ_PROTECTED)
        data = views.reveal_protected(ws, data)
    return data.model_copy(update={"may_link": may(ws.settings.role, Permission.LINK)})


def _evidence(ws: Workspace, listed: list[me.EvidenceListed], upload: str) -> me.EvidencePart:
    """A record's evidence, and its upload form for roles that take files in."""
    allowed = may(ws.settings.role, Permission.IMPORT)
    return me.EvidencePart(items=listed, upload_url=upload if allowed else None)


@page(router, "/cases/{case_id}", "case.html", m.CasePage)
def case(ws: WorkspaceDep, case_id: int) -> m.CasePage:
    """One case with its incidents and acts and the record behind it."""
    part = views.workbench(ws, "case", case_id)
    with ws.read() as conn:
        data = views.case_page(conn, case_id)
        visibility(conn, ws.settings.role).check_person(views.live_person(conn, data.case.person_id))
        incidents = [i.id for i in data.incidents]
        evidence = _evidence(
            ws, ev.listed(conn, cases=[case_id], incidents=incidents), f"/cases/{case_id}/evidence"
        )
    statuses = Records(ws).show("case", case_id)["document"].get("statuses", [])
    evidence = evidence.model_copy(update={"incidents": incidents})
    return data.model_copy(update={"workbench": part, "statuses": statuses, "evidence": evidence})


@page(router, "/sources", "sources.html", m.SourcesPage)
def sources(ws: WorkspaceDep) -> m.SourcesPage:
    """Every source with counts and the overlap of persons between lists."""
    with ws.read() as conn:
        data, hidden = views.sources_page(conn), visibility(conn, ws.settings.role)
    keep = [i for i, x in enumerate(data.sources) if x.id not in hidden.sources]
    return m.SourcesPage(
        sources=[data.sources[i] for i in keep], overlap=[[data.overlap[i][j] for j in keep] for i in keep]
    )


@page(router, "/sources/{source_id}", "source.html", m.SourcePage)
def source_detail(ws: WorkspaceDep, source_id: int) -> m.SourcePage:
    """One source: batches, case types, and how many of its persons each other list holds."""
    with ws.read() as conn:
        hidden = visibility(conn, ws.settings.role)
        hidden.check_source(source_id)
        data = views.source_page(conn, source_id)
        listed = ev.listed(conn, sources=[source_id])
    names = set(hidden.sources.values())
    return data.model_copy(
        update={
            "shared_with": {k: v for k, v in data.shared_with.items() if k not in names},
            "evidence": _evidence(ws, listed, f"/sources/{source_id}/evidence"),
        }
    )


@page(router, "/batches/{batch_id}", "batch.html", m.BatchPage)
def batch(ws: WorkspaceDep, batch_id: int) -> m.BatchPage:
    """One import batch with its report and first records."""
    with ws.read() as conn:
        data = views.batch_page(conn, batch_id)
        visibility(conn, ws.settings.role).check_source(data.batch.source_id)
        return data


@router.get(
    "/api/export/{what}.csv",
    response_class=Response,
    summary="Export persons or records (CSV)",
    dependencies=[require(Permission.EXPORT)],
)
def export_csv(ws: WorkspaceDep, what: str, raw: bool = False) -> Response:
    """An export without protected fields, audited; roles that may export only. Cells that start
    like a spreadsheet formula get a leading apostrophe unless ``raw=true``."""
    ws.require(Permission.EXPORT)
    producer = {"persons": queries.person_rows, "records": queries.record_rows}.get(what)
    if producer is None:
        raise ValidationError("export persons or records")
    with ws.read() as conn:
        hidden = export_visibility(conn, include_confidential=False)
        rows = [{k: v for k, v in r.items() if k != "_id"} for r in hidden.rows(producer(conn))]
    ws.audit(
        action="export",
        subject=f"export:{what}",
        detail={
            "what": what,
            "rows": len(rows),
            "format": "csv",
            "include_protected": False,
            "raw_cells": raw,
            "via": "web",
        },
    )
    rows = rows if raw else neutralise_rows(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{what}.csv"'},
    )
