"""Estimates, the map and the linkage review queue (each page with its JSON twin)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, func, select

from unforgotten.domain.roles import Permission, may
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.korean import counties, facilities, provinces
from unforgotten.store import schema as s
from unforgotten.store.estimates import latest_estimate
from unforgotten.store.schema_linkage import link_pair, link_run
from unforgotten.store.visibility import visibility
from unforgotten.web import schemas as m
from unforgotten.web.deps import CsrfChecked, WorkspaceDep, require
from unforgotten.web.estimates import STRATA, estimate_page, save_run
from unforgotten.web.render import page

__all__ = ["router"]

router = APIRouter()


def _stratify(value: str) -> str:
    if value not in STRATA:
        raise ValidationError(f"stratify by one of {', '.join(STRATA)}")
    return value


def _shown(value: str) -> str:
    """A stratification the page can show: those it runs, and ``sex``/``era`` saved from the CLI."""
    if value not in (*STRATA, "sex", "era"):
        raise ValidationError(f"stratify by one of {', '.join((*STRATA, 'sex', 'era'))}")
    return value


@page(router, "/estimates", "estimates.html", m.EstimatesPage)
def estimates(ws: WorkspaceDep, by: str = "all") -> m.EstimatesPage:
    """The newest saved estimate run of this stratification (web, `unforgotten estimate --save`, demo)."""
    with ws.read() as conn:
        saved = latest_estimate(conn, _shown(by))
    return estimate_page(saved, stratify=by, may_run=may(ws.settings.role, Permission.ESTIMATE))


@router.post(
    "/estimates",
    response_model=None,
    dependencies=[CsrfChecked, require(Permission.ESTIMATE)],
    summary="Run the estimates (log-linear, stepwise, LCMCR, dga) for a stratification and save them",
)
def run(ws: WorkspaceDep, request: Request, by: Annotated[str, Form()] = "all") -> Response | m.EstimatesPage:
    """Run every method on the registry's lists and save the run; a browser is sent back to the page."""
    save_run(ws, _stratify(by))
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/estimates?by={by}", status_code=303)
    with ws.read() as conn:
        return estimate_page(latest_estimate(conn, by), stratify=by, may_run=True)


@page(router, "/map", "map.html", m.MapPage)
def map_page(ws: WorkspaceDep) -> m.MapPage:
    """Cases by province and county of the event; detention facilities."""
    with ws.read() as conn:
        query = (
            select(s.location.c.province_code, s.location.c.code, func.count())
            .select_from(s.case.outerjoin(s.location, s.location.c.id == s.case.c.event_place_id))
            .group_by(s.location.c.province_code, s.location.c.code)
        )
        rows = conn.execute(query).all()
    by_prov: dict[str, int] = {}
    by_code: dict[str, int] = {}
    unresolved = 0
    for prov, code, n in rows:
        if prov is None:
            unresolved += int(n)
            continue
        by_prov[prov] = by_prov.get(prov, 0) + int(n)
        if code:
            by_code[code] = by_code.get(code, 0) + int(n)
    units = [
        m.MapUnit(code=p.code, name_en=p.name_en, name_ko=p.name_hangul, cases=by_prov.get(p.code, 0))
        for p in provinces()
    ]
    shown = [
        m.MapUnit(code=c.code, name_en=c.name_en, name_ko=c.name_hangul or c.name_en, cases=by_code[c.code])
        for c in counties()
        if by_code.get(c.code)
    ]
    marks = [
        {"code": f.code, "name_en": f.name_en, "name_ko": f.name_hangul, "lat": f.lat, "lon": f.lon}
        for f in facilities()
    ]
    return m.MapPage(
        provinces=units,
        counties=sorted(shown, key=lambda u: -u.cases),
        facilities=marks,
        unresolved=unresolved,
    )


@page(router, "/review", "review.html", m.ReviewPage)
def review(ws: WorkspaceDep, request: Request, skip: int | None = None) -> m.ReviewPage:
    """Undecided pairs of the newest linkage run, most probable first, with field-level evidence."""
    skipped = [int(x) for x in request.session.get("skipped", []) if isinstance(x, int)]
    if skip is not None and skip not in skipped:
        skipped = [*skipped, skip][-200:]
        request.session["skipped"] = skipped
    from unforgotten.linkage import store as linkage  # noqa: PLC0415 - Splink loads on first use

    with ws.read() as conn:
        hidden = visibility(conn, ws.settings.role)
        pairs = linkage.review_queue(conn, limit=20 + len(skipped))
        progress = linkage.review_progress(conn)
        newest = conn.execute(select(link_run.c.counts).order_by(link_run.c.id.desc()).limit(1)).scalar()
    counts = newest or {}  # a JSON column: a dict on every backend
    unseen = set(hidden.sources.values())
    places = [
        m.PlaceRate(source=source, column=column, resolved=int(n["resolved"]), written=int(n["written"]))
        for source, columns in sorted(counts.get("place_resolution", {}).items())
        if source not in unseen
        for column, n in columns.items()
    ]
    pairs = [
        p
        for p in pairs
        if p["left"]["person_id"] not in hidden.persons and p["right"]["person_id"] not in hidden.persons
    ]
    rest = [p for p in pairs if p["pair_id"] not in skipped] or pairs
    return m.ReviewPage(
        pairs=[m.ReviewPair(**p) for p in rest[:20]],
        total=progress["total"],
        decided=progress["decided"],
        may_decide=may(ws.settings.role, Permission.LINK),
        places=places,
        expected_errors={k: float(v) for k, v in counts.get("error_budget", {}).items()},
    )


def _pair_persons(conn: Connection, pair_id: int) -> set[int]:
    """The live persons of a review pair's two records."""
    pair = conn.execute(
        select(link_pair.c.record_l, link_pair.c.record_r).where(link_pair.c.id == pair_id)
    ).first()
    if pair is None:
        return set()
    live = func.coalesce(s.person.c.merged_into, s.person.c.id)
    query = (
        select(live)
        .select_from(s.source_record.join(s.person, s.person.c.id == s.source_record.c.person_id))
        .where(s.source_record.c.id.in_([pair.record_l, pair.record_r]))
    )
    return {int(p) for (p,) in conn.execute(query)}


@router.post(
    "/review/{pair_id}",
    dependencies=[CsrfChecked, require(Permission.LINK)],
    response_model=None,
    summary="Accept or reject a review pair",
)
def decide(
    ws: WorkspaceDep,
    request: Request,
    pair_id: int,
    decision: Annotated[Literal["accepted", "rejected"], Form()],
) -> Response | dict[str, object]:
    """Record a decision (an accepted pair is merged at once); a browser is sent to the next pair."""
    with ws.read() as conn:
        hidden = visibility(conn, ws.settings.role)
        if hidden.hides_any and _pair_persons(conn, pair_id) & hidden.persons:
            raise NotFoundError(f"review pair {pair_id} does not exist")  # a source the user may not see
    from unforgotten.linkage import store as linkage  # noqa: PLC0415 - Splink loads on first use

    result = linkage.decide(ws, pair_id, decision)
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/review", status_code=303)
    return result


@router.post(
    "/persons/{person_id}/merges/{decision_id}/undo",
    dependencies=[CsrfChecked, require(Permission.LINK)],
    response_model=None,
    summary="Undo a merge (puts back the persons and decisions of before)",
)
def undo_merge(
    ws: WorkspaceDep, request: Request, person_id: int, decision_id: int
) -> Response | dict[str, object]:
    """Undo the merge that made an accepted decision; a browser returns to the person page."""
    from unforgotten.linkage import store as linkage  # noqa: PLC0415 - Splink loads on first use

    done = linkage.undo_merge(ws, decision_id)
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/persons/{person_id}", status_code=303)
    return asdict(done)
