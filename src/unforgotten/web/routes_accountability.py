"""Accountability pages for roles holding ``read_perpetrators`` (admin, analyst, documenter):
the index and search of organisations, facilities and alleged perpetrators in any script and
spelling, an organisation's page (names and parents over time, facilities, personnel by period,
acts attributed, a timeline), a perpetrator's, a facility's (map, acts, victims, operating
periods) and the statistics by organisation, facility, violation and year. Each has its JSON
twin; other roles get 403. Every view that shows perpetrators' names is audited (ids only)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import Connection, select

from unforgotten.accountability import query as q
from unforgotten.accountability.matching import _facility_keys, match_key, name_at
from unforgotten.accountability.stats import overview
from unforgotten.domain.roles import Permission
from unforgotten.errors import NotFoundError
from unforgotten.korean.similarity import name_similarity
from unforgotten.store import schema as s
from unforgotten.store.perpetrators import perpetrator_ids
from unforgotten.store.schema_accountability import facility, org_name, organisation
from unforgotten.store.visibility import visibility
from unforgotten.store.workspace import Workspace
from unforgotten.web import schemas_accountability as m
from unforgotten.web.deps import WorkspaceDep
from unforgotten.web.render import page

__all__ = ["router"]

router = APIRouter()
_P = Permission.READ_PERPETRATORS


def _found(text: str, names: list[str]) -> bool:
    key = match_key(text)
    return not key or any(key in match_key(n) for n in names)


def _organisations(conn: Connection, text: str) -> list[m.AccountabilityHit]:
    names: dict[int, list[str]] = {}
    for org_id, name in conn.execute(
        select(org_name.c.organisation_id, org_name.c.text).order_by(org_name.c.id)
    ):
        names.setdefault(int(org_id), []).append(str(name))
    return [
        m.AccountabilityHit(
            kind="organisation", id=i, name=name_at(conn, i, None), other_names=n, url=f"/organisations/{i}"
        )
        for i, n in sorted(names.items())
        if _found(text, n)
    ]


def _facilities(conn: Connection, text: str) -> list[m.AccountabilityHit]:
    out = []
    key = match_key(text)
    for row in conn.execute(select(facility).order_by(facility.c.id)).mappings():
        spelled = [str(row[c]) for c in ("name_en", "name_hangul", "name_rr", "name_mr") if row[c]]
        if key and not (_found(text, spelled) or any(key in k for k in _facility_keys(row))):
            continue
        i = int(row["id"])
        out.append(
            m.AccountabilityHit(
                kind="facility", id=i, name=spelled[0], other_names=spelled[1:], url=f"/facilities/{i}"
            )
        )
    return out


def _perpetrators(conn: Connection, text: str) -> list[m.AccountabilityHit]:
    ids = sorted(perpetrator_ids(conn))
    spelled: dict[int, list[str]] = {i: [] for i in ids}
    primary = dict(
        conn.execute(select(s.person.c.id, s.person.c.primary_name).where(s.person.c.id.in_(ids))).all()
    )
    for pid, name in conn.execute(
        select(s.name.c.person_id, s.name.c.text).where(s.name.c.person_id.in_(ids))
    ):
        if str(name) not in spelled[int(pid)]:
            spelled[int(pid)].append(str(name))
    out = []
    for pid in ids:
        names = [str(primary[pid]), *(n for n in spelled[pid] if n != primary[pid])]
        if text.strip() and not (_found(text, names) or max(name_similarity(text, n) for n in names) >= 0.85):
            continue
        out.append(
            m.AccountabilityHit(
                kind="perpetrator", id=pid, name=names[0], other_names=names[1:], url=f"/perpetrators/{pid}"
            )
        )
    return out


@page(router, "/accountability", "accountability.html", m.AccountabilityIndexPage, access=_P)
def accountability_index(
    ws: WorkspaceDep,
    *,
    q: Annotated[str, Query(max_length=200, description="A name in any script or spelling")] = "",
) -> m.AccountabilityIndexPage:
    """Organisations, facilities and alleged perpetrators, found by any name in any script."""
    with ws.read() as conn:
        found = m.AccountabilityIndexPage(
            query=q,
            organisations=_organisations(conn, q),
            facilities=_facilities(conn, q),
            perpetrators=_perpetrators(conn, q),
        )
    if found.perpetrators:
        ids = [p.id for p in found.perpetrators]
        ws.audit(action="read_perpetrators", subject="accountability:index", detail={"persons": ids})
    return found


def _visible(ws: Workspace, held: dict[str, Any]) -> dict[str, Any]:
    """The dossier without what the role may not see: acts against persons known only from a
    source above its level, and statements and sources of such sources (counts recomputed)."""
    with ws.read() as conn:
        hidden = visibility(conn, ws.settings.role)
        if not hidden.hides_any:
            return held
        ids = [int(a["act_id"]) for a in held["acts"]]
        victims = dict(conn.execute(select(s.act.c.id, s.act.c.victim_id).where(s.act.c.id.in_(ids))).all())
    names = set(hidden.sources.values())
    acts = [
        {**a, "statements": [x for x in a["statements"] if x.get("source") not in names]}
        for a in held["acts"]
        if victims.get(int(a["act_id"])) not in hidden.persons
    ]
    return {
        **held,
        "acts": acts,
        "acts_by_year": dict(Counter(str(a["year"] or "unknown") for a in acts)),
        "acts_by_violation": dict(Counter(str(a["violation"]) for a in acts)),
        "victims": len({victims.get(int(a["act_id"])) for a in acts} - {None}),
        "sources": [x for x in held["sources"] if x["name"] not in names],
    }


def _scrub(ws: Workspace, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts whose source the role may not see keep the fact, not the source."""
    with ws.read() as conn:
        names = set(visibility(conn, ws.settings.role).sources.values())
    return [{**r, "source": None, "citation": None} if r.get("source") in names else r for r in rows]


def _timeline(shown: dict[str, Any], acts: list[dict[str, Any]]) -> list[m.TimelineEntry]:
    entries = [
        m.TimelineEntry(
            date=n["from"], kind="name", text=f"{n['text']} ({n['kind']})", source=n.get("source")
        )
        for n in shown["names"]
        if n["from"]
    ]
    entries += [
        m.TimelineEntry(date=p["from"], kind="parent", text=p["name"], source=p.get("source"))
        for p in shown["parents"]
    ]
    entries += [
        m.TimelineEntry(
            date=p["from"], kind="post", text=f"{p['name']}: {p['title']}", source=p.get("source")
        )
        for p in shown["posts"]
    ]
    entries += [
        m.TimelineEntry(date=a["date"], kind="act", text=f"act {a['act_id']} · {a['violation']}", source=None)
        for a in acts
    ]
    if shown["dissolved"]:
        entries.append(
            m.TimelineEntry(date=shown["dissolved"], kind="dissolved", text=shown["key"], source=None)
        )
    return sorted(entries, key=lambda e: (e.date is None, e.date or ""))


def _org(conn: Connection, org_id: int) -> None:
    if conn.execute(select(organisation.c.id).where(organisation.c.id == org_id)).first() is None:
        raise NotFoundError(f"organisation {org_id} does not exist")


@page(router, "/organisations/{org_id}", "organisation.html", m.OrganisationPage, access=_P)
def organisation_page(ws: WorkspaceDep, org_id: int) -> m.OrganisationPage:
    """An organisation: names and parents over time, units, facilities it ran, personnel by
    period, the acts attributed to it under any of its names, and a timeline."""
    with ws.read() as conn:
        _org(conn, org_id)
    shown = q.org_show(ws, str(org_id))
    shown = {**shown, **{k: _scrub(ws, shown[k]) for k in ("names", "parents", "posts")}}
    held = _visible(ws, q.dossier(ws, "unit", str(org_id)))
    with ws.read() as conn:
        labels = {
            int(f["id"]): f["name_en"]
            for f in conn.execute(select(facility.c.id, facility.c.name_en)).mappings()
        }
    facilities = [{**f, "name": labels.get(int(f["facility_id"]), "")} for f in shown["facilities"]]
    return m.OrganisationPage(
        organisation=shown,
        facilities=facilities,
        **_held(held),
        timeline=_timeline(shown, held["acts"]),
        statement=held["statement"],
    )


_HELD = ("acts", "acts_by_year", "acts_by_violation", "victims", "sources", "gaps")


def _held(dossier: dict[str, Any]) -> dict[str, Any]:
    """What every dossier page shows of its dossier: acts, their counts, victims, sources, gaps."""
    return {k: dossier[k] for k in _HELD}


def _perpetrator(ws: Workspace, person_id: int) -> None:
    with ws.read() as conn:
        if person_id not in perpetrator_ids(conn):
            raise NotFoundError(f"person {person_id} holds no post and no attribution")


@page(router, "/perpetrators/{person_id}", "perpetrator.html", m.PerpetratorPage, access=_P)
def perpetrator_page(ws: WorkspaceDep, person_id: int) -> m.PerpetratorPage:
    """An alleged perpetrator: posts held, acts attributed, victims (counted), sources."""
    _perpetrator(ws, person_id)
    held = _visible(ws, q.dossier(ws, "person", str(person_id)))
    subject = held["subject"]
    return m.PerpetratorPage(
        person={k: v for k, v in subject.items() if k != "posts"},
        posts=_scrub(ws, subject["posts"]),
        **_held(held),
        statement=held["statement"],
    )


@page(router, "/facilities/{facility_id}", "facility.html", m.FacilityPage, access=_P)
def facility_page(ws: WorkspaceDep, facility_id: int) -> m.FacilityPage:
    """A detention facility: names, place and map, operating period, who ran it, acts there and
    victims (counted)."""
    held = _visible(ws, q.dossier(ws, "facility", str(facility_id)))
    return m.FacilityPage(
        facility=held["subject"],
        **_held(held),
    )


def _totals(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for row in rows:
        counts[str(row[key])] += int(row["acts"])
    return dict(counts.most_common())


@page(router, "/accountability/stats", "accountability_stats.html", m.AccountabilityStatsPage, access=_P)
def accountability_stats(ws: WorkspaceDep) -> m.AccountabilityStatsPage:
    """Acts by organisation, facility, violation and year (drafts and retired incidents left out)."""
    units, places, acts = q.stats_by(ws, "unit"), q.stats_by(ws, "facility"), overview(ws)
    return m.AccountabilityStatsPage(
        acts=acts["acts"],
        by_organisation=_totals(units["rows"], "unit"),
        by_facility=_totals(places["rows"], "facility"),
        by_violation=acts["by_violation"],
        by_year=acts["by_year"],
        rows_by_unit=units["rows"],
        rows_by_facility=places["rows"],
        total_attributed=units["total"],
        total_at_facilities=places["total"],
    )
