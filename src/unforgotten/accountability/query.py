"""Reading accountability facts: organisations over time, facilities, derived command chains,
dossiers and statistics.

The names of alleged perpetrators are shown only to a role holding ``read_perpetrators``, and
every view that shows them writes an audit event ``read_perpetrators`` naming the person ids
(never the names). Others see ``[withheld]`` in their place.

A command chain is derived, never stored: for an act at date *d* attributed to unit *U*, the units
above *U* at *d* and the persons holding command posts in each at *d*, with the sources of every
link. It says who **may bear command responsibility**; it asserts nothing, and states the gaps.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.accountability.matching import (
    active,
    match_facility,
    match_organisation,
    name_at,
    names_at,
)
from unforgotten.domain.roles import Permission, may
from unforgotten.errors import NotFoundError, PermissionDenied
from unforgotten.store import schema as s
from unforgotten.store.perpetrators import perpetrator_ids
from unforgotten.store.schema_accountability import (
    attribution,
    facility,
    facility_operator,
    org_name,
    org_parent,
    organisation,
    post,
)
from unforgotten.store.schema_records import record_entry
from unforgotten.store.workspace import Workspace

__all__ = [
    "WITHHELD",
    "act_date",
    "command_chain",
    "dossier",
    "facility_id",
    "facility_list",
    "facility_show",
    "org_list",
    "org_show",
    "perpetrator_ids",
    "stats_by",
]

WITHHELD = "[withheld]"
STATEMENT = (
    "derived from the recorded units and posts: the persons listed may bear command responsibility; "
    "nothing here asserts it"
)
_MAX_DEPTH = 30


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _dates(row: Any) -> dict[str, Any]:
    return {
        "from": _iso(row["valid_from"]),
        "to": _iso(row["valid_to"]),
        "as_written": row["dates_raw"],
        "uncertain": bool(row["dates_uncertain"]),
    }


def _sources(conn: Connection) -> dict[int, str]:
    return {int(i): str(n) for i, n in conn.execute(select(s.source.c.id, s.source.c.name))}


def _basis(row: Any, sources: dict[int, str]) -> dict[str, Any]:
    return {
        "source": sources.get(int(row["source_id"])) if row["source_id"] is not None else None,
        "citation": row["citation"],
        "confidence": row["confidence"],
    }


class _Names:
    """Perpetrators' names as the acting role may see them; what was shown is audited on close."""

    def __init__(self, ws: Workspace, conn: Connection) -> None:
        self.visible = may(ws.settings.role, Permission.READ_PERPETRATORS)
        self.shown: set[int] = set()
        self._names = dict(conn.execute(select(s.person.c.id, s.person.c.primary_name)).all())

    def person(self, person_id: int) -> dict[str, Any]:
        if not self.visible:
            return {"person_id": None, "name": WITHHELD}
        self.shown.add(person_id)
        return {"person_id": person_id, "name": self._names.get(person_id)}

    def audit(self, ws: Workspace, subject: str) -> None:
        if self.shown:
            ws.audit(action="read_perpetrators", subject=subject, detail={"persons": sorted(self.shown)})


def _read(ws: Workspace) -> None:
    ws.require(Permission.READ)
    ws.ensure_ready()


# -------------------------------------------------------------------------------- organisations
def org_list(ws: Workspace) -> list[dict[str, Any]]:
    """Every organisation with its names in force today (or last)."""
    _read(ws)
    with ws.read() as conn:
        rows = conn.execute(select(organisation).order_by(organisation.c.id)).mappings().all()
        return [
            {
                "id": r["id"],
                "key": r["key"],
                "kind": r["kind"],
                **names_at(conn, int(r["id"]), None),
                "dissolved": _iso(r["dissolved_on"]),
            }
            for r in rows
        ]


def org_show(ws: Workspace, ref: str, at: date | None = None) -> dict[str, Any]:
    """An organisation: every name with its dates and source, parents and units over time, posts
    (names withheld unless the role may see them), facilities it ran."""
    from unforgotten.accountability.service import organisation_id  # noqa: PLC0415 - a cycle otherwise

    _read(ws)
    with ws.read() as conn:
        org_id = organisation_id(conn, ref, at)
        sources = _sources(conn)
        names = _Names(ws, conn)
        row = conn.execute(select(organisation).where(organisation.c.id == org_id)).mappings().one()
        label = {
            int(o): name_at(conn, int(o), None) for o in conn.execute(select(organisation.c.id)).scalars()
        }
        out = {
            "id": org_id,
            "key": row["key"],
            "kind": row["kind"],
            "note": row["note"],
            "dissolved": _iso(row["dissolved_on"]),
            "names": [
                {"text": n["text"], "kind": n["kind"], **_dates(n), **_basis(n, sources)}
                for n in conn.execute(
                    select(org_name)
                    .where(org_name.c.organisation_id == org_id)
                    .order_by(org_name.c.valid_from, org_name.c.id)
                ).mappings()
            ],
            "parents": [
                {
                    "organisation_id": p["parent_id"],
                    "name": label[int(p["parent_id"])],
                    **_dates(p),
                    **_basis(p, sources),
                }
                for p in conn.execute(
                    select(org_parent).where(org_parent.c.organisation_id == org_id)
                ).mappings()
            ],
            "units": [
                {
                    "organisation_id": p["organisation_id"],
                    "name": label[int(p["organisation_id"])],
                    **_dates(p),
                }
                for p in conn.execute(select(org_parent).where(org_parent.c.parent_id == org_id)).mappings()
            ],
            "posts": [
                {
                    **names.person(int(p["person_id"])),
                    "title": p["title"],
                    "command": bool(p["command"]),
                    **_dates(p),
                    **_basis(p, sources),
                }
                for p in conn.execute(
                    select(post).where(post.c.organisation_id == org_id).order_by(post.c.valid_from)
                ).mappings()
            ],
            "facilities": [
                {"facility_id": f["facility_id"], **_dates(f)}
                for f in conn.execute(
                    select(facility_operator).where(facility_operator.c.organisation_id == org_id)
                ).mappings()
            ],
        }
    names.audit(ws, f"organisation:{org_id}")
    return out


# -------------------------------------------------------------------------------- facilities
def facility_id(conn: Connection, ref: str | int) -> int:
    """A facility by id, key or any of its names (:class:`NotFoundError` otherwise)."""
    text = str(ref).strip()
    if text.isdigit() and conn.execute(select(facility.c.id).where(facility.c.id == int(text))).first():
        return int(text)
    by_key = conn.execute(select(facility.c.id).where(facility.c.key == text)).scalar()
    if by_key is not None:
        return int(by_key)
    found = match_facility(conn, text)
    if found is None:
        raise NotFoundError(f"no single facility is called {text!r} (try `unforgotten facility list`)")
    return found.id


def _facility_dict(conn: Connection, row: Any, sources: dict[int, str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "key": row["key"],
        "kind": row["kind"],
        "number": row["number"],
        "name_en": row["name_en"],
        "name_hangul": row["name_hangul"],
        "name_rr": row["name_rr"],
        "name_mr": row["name_mr"],
        "place": row["place"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "coordinate_source": row["coordinate_source"],
        "status_note": row["status_note"],
        "operating": _dates(row),
        "operators": [
            {
                "organisation_id": o["organisation_id"],
                "name": name_at(conn, int(o["organisation_id"]), None),
                **_dates(o),
                **_basis(o, sources),
            }
            for o in conn.execute(
                select(facility_operator).where(facility_operator.c.facility_id == row["id"])
            ).mappings()
        ],
    }


def facility_list(ws: Workspace) -> list[dict[str, Any]]:
    """Every facility."""
    _read(ws)
    with ws.read() as conn:
        sources = _sources(conn)
        return [
            _facility_dict(conn, r, sources)
            for r in conn.execute(select(facility).order_by(facility.c.id)).mappings()
        ]


def facility_show(ws: Workspace, ref: str) -> dict[str, Any]:
    """One facility by id, key or name."""
    _read(ws)
    with ws.read() as conn:
        row = conn.execute(select(facility).where(facility.c.id == facility_id(conn, ref))).mappings().one()
        return _facility_dict(conn, row, _sources(conn))


# -------------------------------------------------------------------------------- chains
def act_date(conn: Connection, act_id: int) -> date | None:
    """The act's date (its first day), else its incident's, else its case's event date."""
    row = conn.execute(
        select(s.act.c.date_start, s.incident.c.date_start.label("incident_date"), s.case.c.event_date_start)
        .join(s.incident, s.incident.c.id == s.act.c.incident_id)
        .join(s.case, s.case.c.id == s.incident.c.case_id)
        .where(s.act.c.id == act_id)
    ).first()
    if row is None:
        raise NotFoundError(f"act {act_id} does not exist")
    found: date | None = row[0] or row[1] or row[2]
    return found


def _chain(
    conn: Connection, org_id: int, at: date | None, names: _Names, sources: dict[int, str]
) -> tuple[list[dict[str, Any]], list[str]]:
    links: list[dict[str, Any]] = []
    gaps: list[str] = []
    when = str(at.year) if at else "an unknown year"
    current: int | None = org_id
    via: dict[str, Any] | None = None
    seen: set[int] = set()
    while current is not None and current not in seen and len(links) < _MAX_DEPTH:
        seen.add(current)
        label = name_at(conn, current, at)
        commanders = [
            {**names.person(int(p["person_id"])), "title": p["title"], **_dates(p), **_basis(p, sources)}
            for p in conn.execute(
                select(post).where(post.c.organisation_id == current, post.c.command.is_(True))
            ).mappings()
            if at is not None and active(p, at)
        ]
        if not commanders:
            gaps.append(f"no known commander of {label} in {when}")
        links.append(
            {
                "organisation_id": current,
                "name": label,
                **names_at(conn, current, at),
                "below_by": via,  # the link that puts the unit below this one: dates and source
                "commanders": commanders,
            }
        )
        parents = [
            p
            for p in conn.execute(
                select(org_parent).where(org_parent.c.organisation_id == current)
            ).mappings()
            if at is not None and active(p, at)
        ]
        if len(parents) > 1:
            gaps.append(
                f"{label} has {len(parents)} recorded parents in {when}; the first recorded is followed"
            )
        if not parents:
            ever = conn.execute(
                select(org_parent.c.id).where(org_parent.c.organisation_id == current)
            ).first()
            if ever is not None:
                gaps.append(f"no known parent of {label} in {when}")
            current = None
            continue
        parent = parents[0]
        current = int(parent["parent_id"])
        via = {**_dates(parent), **_basis(parent, sources)}
    return links, gaps


def command_chain(ws: Workspace, act_id: int) -> dict[str, Any]:
    """The derived chain of every organisation act ``act_id`` is attributed to (see the module
    docstring): ``{"act_id", "date", "statement", "chains": [{"attribution", "links", "gaps"}]}``."""
    _read(ws)
    with ws.read() as conn:
        at = act_date(conn, act_id)
        sources = _sources(conn)
        names = _Names(ws, conn)
        chains = []
        for a in conn.execute(
            select(attribution).where(attribution.c.act_id == act_id, attribution.c.retired_reason.is_(None))
        ).mappings():
            org_ids = [int(a["organisation_id"])] if a["organisation_id"] is not None else []
            if a["person_id"] is not None and not org_ids:
                org_ids = [
                    int(p["organisation_id"])
                    for p in conn.execute(select(post).where(post.c.person_id == a["person_id"])).mappings()
                    if at is not None and active(p, at)
                ]
            for org_id in org_ids:
                links, gaps = _chain(conn, org_id, at, names, sources)
                if at is None:
                    gaps.insert(0, f"act {act_id} has no date: no one can be placed in the chain")
                chains.append(
                    {
                        "attribution_id": a["id"],
                        "involvement": a["involvement"],
                        **_basis(a, sources),
                        "links": links,
                        "gaps": gaps,
                    }
                )
    names.audit(ws, f"act:{act_id}")
    return {
        "act_id": act_id,
        "date": _iso(at),
        "statement": STATEMENT,
        "chains": chains,
        "gaps": [] if chains else [f"act {act_id} is attributed to no organisation or post-holder"],
    }


# -------------------------------------------------------------------------------- dossiers
def _excluded(conn: Connection) -> set[int]:
    """Incidents left out of statistics: drafts and retired ones."""
    rows = conn.execute(
        select(record_entry.c.row_id).where(
            record_entry.c.table_name == "incident", record_entry.c.state.in_(("draft", "retired"))
        )
    ).scalars()
    return {int(r) for r in rows}


def _act_rows(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            s.act.c.id,
            s.act.c.incident_id,
            s.act.c.victim_id,
            s.act.c.violation_code,
            s.act.c.perpetrator_text,
            s.act.c.location_id,
            s.act.c.date_start,
            s.act.c.date_raw,
            s.incident.c.location_id.label("incident_location"),
            s.incident.c.date_start.label("incident_date"),
            s.incident.c.date_raw.label("incident_date_raw"),
            s.case.c.event_date_start,
        )
        .join(s.incident, s.incident.c.id == s.act.c.incident_id)
        .join(s.case, s.case.c.id == s.incident.c.case_id)
        .order_by(s.act.c.id)
    ).mappings()
    out = []
    for r in rows:
        when = r["date_start"] or r["incident_date"] or r["event_date_start"]
        out.append({**dict(r), "when": when, "place_id": r["location_id"] or r["incident_location"]})
    return out


def _facility_places(conn: Connection) -> dict[int, tuple[int, str]]:
    """Location id → (facility id, name) for every place that is a facility: the facility's own
    place, and any place the gazetteer resolved to the facility's code (``요덕 제15호 관리소`` as
    typed in a list resolves to ``kwanliso-15``)."""
    facilities = list(
        conn.execute(select(facility.c.id, facility.c.key, facility.c.location_id, facility.c.name_en))
    )
    by_key = {str(f.key): (int(f.id), str(f.name_en)) for f in facilities}
    out = {int(f.location_id): (int(f.id), str(f.name_en)) for f in facilities}
    for loc_id, code in conn.execute(
        select(s.location.c.id, s.location.c.code).where(s.location.c.code.in_(by_key))
    ):
        out.setdefault(int(loc_id), by_key[str(code)])
    return out


def _in_period(when: date | None, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if when is None:
        return False
    return (start is None or when >= start) and (end is None or when <= end)


def _orgs_of_act(
    conn: Connection, act: dict[str, Any], attributions: list[Any]
) -> list[tuple[int, dict[str, Any]]]:
    """The organisations an act is held against: by attribution, and by the perpetrator text as
    recorded (matched by any of an organisation's names, the one in force at the act's date said)."""
    out: list[tuple[int, dict[str, Any]]] = [
        (int(a["organisation_id"]), {"basis": "attribution", "attribution": a})
        for a in attributions
        if a["organisation_id"] is not None
    ]
    if act["perpetrator_text"]:
        found = match_organisation(conn, str(act["perpetrator_text"]), act["when"])
        if found is not None and found.id not in {o for o, _ in out}:
            out.append(
                (found.id, {"basis": "recorded_as", "recorded_as": act["perpetrator_text"], "match": found})
            )
    return out


def _above(conn: Connection, org: int, at: date | None) -> list[int]:
    """The units above ``org`` at ``at`` (its parent, the parent's parent, …), nearest first; the
    first recorded parent where several are, as :func:`_chain` follows."""
    if at is None:
        return []
    out: list[int] = []
    current: int | None = org
    while current is not None and current not in out and len(out) < _MAX_DEPTH:
        parents = [
            p
            for p in conn.execute(
                select(org_parent).where(org_parent.c.organisation_id == current)
            ).mappings()
            if active(p, at)
        ]
        current = int(parents[0]["parent_id"]) if parents else None
        if current is not None and current != org:
            out.append(current)
    return out


def _through(basis: dict[str, Any]) -> dict[str, Any]:
    """``{"through": NAME, "through_id": ID}`` for an act held against a sub-unit, else nothing."""
    return {k: basis[k] for k in ("through", "through_id") if k in basis}


def dossier(  # noqa: PLR0912, PLR0915 - one report, read top to bottom
    ws: Workspace, kind: str, ref: str, *, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Everything the registry holds on a unit, a person or a facility (see docs/accountability.md):
    ``{"subject", "acts", "victims", "sources", "chain", "gaps", "statement"}``. Victims are counted,
    never named; perpetrators' names follow :class:`_Names`."""
    from unforgotten.accountability.service import organisation_id  # noqa: PLC0415 - a cycle otherwise

    _read(ws)
    if kind not in ("unit", "person", "facility"):
        raise NotFoundError(f"dossier of {kind!r}: use unit, person or facility")
    if kind == "person" and not may(ws.settings.role, Permission.READ_PERPETRATORS):
        raise PermissionDenied(f"role {ws.settings.role.value!r} may not read_perpetrators")
    with ws.read() as conn:
        sources = _sources(conn)
        confidentiality = dict(conn.execute(select(s.source.c.name, s.source.c.confidentiality)).all())
        names = _Names(ws, conn)
        attributions: dict[int, list[Any]] = {}
        for a in conn.execute(
            select(attribution).where(attribution.c.retired_reason.is_(None)).order_by(attribution.c.id)
        ).mappings():
            attributions.setdefault(int(a["act_id"]), []).append(a)
        acts = [a for a in _act_rows(conn) if _in_period(a["when"], start, end)]
        chosen: list[tuple[dict[str, Any], list[dict[str, Any]], list[int]]] = []  # act, bases, chain roots
        if kind == "unit":
            org_id = organisation_id(conn, ref)
            subject: dict[str, Any] = {
                "kind": "unit",
                "organisation_id": org_id,
                **names_at(conn, org_id, None),
                "names": [
                    n["text"]
                    for n in conn.execute(
                        select(org_name.c.text).where(org_name.c.organisation_id == org_id)
                    ).mappings()
                ],
            }
            for act in acts:
                held = _orgs_of_act(conn, act, attributions.get(int(act["id"]), []))
                bases = [b for o, b in held if o == org_id]
                below = [
                    (o, b) for o, b in held if o != org_id and org_id in _above(conn, o, act["when"])
                ]  # held against a unit that was below this one at the act's date
                bases += [{**b, "through": name_at(conn, o, act["when"]), "through_id": o} for o, b in below]
                if bases:
                    chosen.append((act, bases, [org_id] if not below else sorted({o for o, _ in below})))
        elif kind == "person":
            person_id = int(ref) if str(ref).isdigit() else None
            if person_id is None:
                from unforgotten.accountability.matching import match_perpetrator  # noqa: PLC0415

                found = match_perpetrator(conn, str(ref))
                if found is None:
                    raise NotFoundError(
                        f"no single person holding a post is called {ref!r}; give the person id"
                    )
                person_id = found.id
            if not conn.execute(select(s.person.c.id).where(s.person.c.id == person_id)).first():
                raise NotFoundError(f"person {person_id} does not exist")
            subject = {
                "kind": "person",
                **names.person(person_id),
                "posts": [
                    {
                        "organisation_id": p["organisation_id"],
                        "organisation": name_at(conn, int(p["organisation_id"]), p["valid_from"]),
                        "title": p["title"],
                        "command": bool(p["command"]),
                        **_dates(p),
                        **_basis(p, sources),
                    }
                    for p in conn.execute(
                        select(post).where(post.c.person_id == person_id).order_by(post.c.valid_from)
                    ).mappings()
                ],
            }
            for act in acts:
                bases = [
                    {"basis": "attribution", "attribution": a}
                    for a in attributions.get(int(act["id"]), [])
                    if a["person_id"] == person_id
                ]
                if bases:
                    roots = [
                        int(p["organisation_id"])
                        for p in conn.execute(select(post).where(post.c.person_id == person_id)).mappings()
                        if act["when"] and active(p, act["when"])
                    ]
                    chosen.append((act, bases, roots))
        else:
            fac_id = facility_id(conn, ref)
            fac = conn.execute(select(facility).where(facility.c.id == fac_id)).mappings().one()
            subject = {"kind": "facility", **_facility_dict(conn, fac, sources)}
            operators = list(
                conn.execute(
                    select(facility_operator).where(facility_operator.c.facility_id == fac_id)
                ).mappings()
            )
            for act in acts:
                if (
                    act["place_id"] is not None
                    and _facility_places(conn).get(int(act["place_id"]), (0,))[0] == fac_id
                ):
                    roots = [int(o["organisation_id"]) for o in operators if active(o, act["when"])]
                    bases = [{"basis": "place"}]
                    bases += [
                        {"basis": "attribution", "attribution": a}
                        for a in attributions.get(int(act["id"]), [])
                    ]
                    chosen.append((act, bases, roots))
        places = _facility_places(conn)
        facility_of = {loc: name for loc, (_, name) in places.items()}
        state = {
            int(r["row_id"]): r["state"]
            for r in conn.execute(
                select(record_entry.c.row_id, record_entry.c.state).where(
                    record_entry.c.table_name == "incident"
                )
            ).mappings()
        }
        out_acts, used_sources, chains, gaps = [], set(), [], []
        victims: set[int] = set()
        for act, bases, roots in chosen:
            statements = []
            for b in bases:
                if b["basis"] == "attribution":
                    a = b["attribution"]
                    basis = _basis(a, sources)
                    used_sources.add(basis["source"])
                    who = names.person(int(a["person_id"])) if a["person_id"] is not None else None
                    statements.append(
                        {
                            "basis": "attribution",
                            "involvement": a["involvement"],
                            "person": who,
                            "organisation_id": a["organisation_id"],
                            "text": a["text"],
                            **basis,
                            **_through(b),
                        }
                    )
                elif b["basis"] == "recorded_as":
                    match = b["match"]
                    statements.append(
                        {
                            "basis": "recorded_as",
                            "recorded_as": b["recorded_as"],
                            "name_in_force": match.label,
                            "recorded_name_in_force": match.in_force,
                            "source": None,
                            **_through(b),
                        }
                    )
                else:
                    statements.append({"basis": "place", "facility": subject.get("name_en")})
            victims.add(int(act["victim_id"]))
            out_acts.append(
                {
                    "act_id": act["id"],
                    "incident_id": act["incident_id"],
                    "violation": act["violation_code"],
                    "date": _iso(act["when"]),
                    "date_as_written": act["date_raw"] or act["incident_date_raw"],
                    "year": act["when"].year if act["when"] else None,
                    "facility": facility_of.get(int(act["place_id"])) if act["place_id"] else None,
                    "state": state.get(int(act["incident_id"]), "approved"),
                    "statements": statements,
                }
            )
            if act["when"] is None:
                gaps.append(f"act {act['id']} has no date: it cannot be placed in any chain")
                continue
            for root in roots:
                links, missing = _chain(conn, root, act["when"], names, sources)
                chains.append({"act_id": act["id"], "date": _iso(act["when"]), "links": links})
                gaps.extend(missing)
            if not roots and kind != "unit":
                gaps.append(
                    f"act {act['id']}: no organisation is recorded for it on {act['when'].isoformat()}"
                )
        by_violation = Counter(a["violation"] for a in out_acts)
        by_year = Counter(str(a["year"]) if a["year"] else "unknown" for a in out_acts)
        for link in (link for c in chains for link in c["links"]):
            if link["below_by"] and link["below_by"]["source"]:
                used_sources.add(link["below_by"]["source"])
            used_sources.update(c["source"] for c in link["commanders"] if c["source"])
    names.audit(ws, f"dossier:{kind}:{ref}")
    return {
        "subject": subject,
        "period": {"from": _iso(start), "to": _iso(end)},
        "acts": out_acts,
        "acts_by_violation": dict(sorted(by_violation.items())),
        "acts_by_year": dict(sorted(by_year.items())),
        "victims": len(victims),
        "sources": [
            {"name": n, "confidentiality": confidentiality.get(n)}
            for n in sorted(x for x in used_sources if x)
        ],
        "chain": chains,
        "gaps": list(dict.fromkeys(gaps)),
        "statement": STATEMENT,
    }


# -------------------------------------------------------------------------------- statistics
def stats_by(ws: Workspace, by: str) -> dict[str, Any]:
    """Acts by organisation (``unit``) or facility, violation and year; drafts and retired
    incidents left out, as in every statistic."""
    _read(ws)
    if by not in ("unit", "facility"):
        raise NotFoundError(f"--by {by!r}: use unit or facility")
    counts: Counter[tuple[str, str, str]] = Counter()
    with ws.read() as conn:
        skip = _excluded(conn)
        attributions: dict[int, list[Any]] = {}
        for a in conn.execute(select(attribution).where(attribution.c.retired_reason.is_(None))).mappings():
            attributions.setdefault(int(a["act_id"]), []).append(a)
        facility_of = {loc: name for loc, (_, name) in _facility_places(conn).items()}
        labels: dict[int, str] = {}
        for act in _act_rows(conn):
            if int(act["incident_id"]) in skip:
                continue
            year = str(act["when"].year) if act["when"] else "unknown"
            if by == "unit":
                keys = {o for o, _ in _orgs_of_act(conn, act, attributions.get(int(act["id"]), []))}
                for org_id in keys:
                    if org_id not in labels:
                        labels[org_id] = name_at(conn, org_id, None)
                    counts[(labels[org_id], str(act["violation_code"]), year)] += 1
            elif act["place_id"] is not None and int(act["place_id"]) in facility_of:
                counts[(facility_of[int(act["place_id"])], str(act["violation_code"]), year)] += 1
    rows = [{by: k[0], "violation": k[1], "year": k[2], "acts": n} for k, n in sorted(counts.items())]
    return {"by": by, "rows": rows, "total": sum(counts.values())}
