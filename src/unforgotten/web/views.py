"""What the registry pages show, built from the store (no FastAPI here; routes stay thin).

Each function takes a connection (and what it needs) and returns the page's Pydantic model.
Nothing here decrypts: protected values are read only by :func:`reveal_protected`, which audits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, select

from unforgotten.domain.roles import Permission, Role, may
from unforgotten.domain.vocab import CASE_TYPES
from unforgotten.errors import NotFoundError
from unforgotten.records import Records
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.search import members_of
from unforgotten.store.workspace import Workspace
from unforgotten.web import person_parts
from unforgotten.web import schemas as m
from unforgotten.web.i18n import code_labels

__all__ = [
    "batch_page",
    "case_page",
    "facet_labels",
    "home_page",
    "label",
    "live_person",
    "person_page",
    "reveal_protected",
    "source_page",
    "sources_page",
    "workbench",
]


def _date(raw: Any, start: Any) -> str | None:
    if raw:
        return str(raw)
    return start.isoformat() if isinstance(start, dt.date) else None


def label(facet: str, code: str) -> m.Label:
    """A code's label in English and Korean (``KP-09`` → North Hamgyong / 함경북도)."""
    en, ko = code_labels(facet, code)
    return m.Label(en=en, ko=ko)


def facet_labels(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, m.Label]]:
    """The label of every value of every facet, for the page and its JSON twin."""
    return {facet: {code: label(facet, code) for code in values} for facet, values in facets.items()}


def _case_label(code: str) -> str:
    try:
        return str(CASE_TYPES.term(code).label_en)
    except (KeyError, LookupError):
        return code


def home_page(conn: Connection) -> m.HomePage:
    """Totals and counts by source, case type and province."""
    st = queries.stats(conn)
    return m.HomePage(**{k: st[k] for k in m.HomePage.model_fields})


def live_person(conn: Connection, person_id: int) -> int:
    """The live person a (possibly merged) person id belongs to."""
    row = conn.execute(select(s.person.c.merged_into).where(s.person.c.id == person_id)).first()
    if row is None:
        raise NotFoundError(f"person {person_id} does not exist")
    return int(row.merged_into or person_id)


def _places(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str | None]]:
    if not ids:
        return {}
    rows = conn.execute(
        select(s.location.c.id, s.location.c.text, s.location.c.province_code).where(s.location.c.id.in_(ids))
    )
    return {int(i): (str(t), p) for i, t, p in rows}


def _cases(conn: Connection, where: Any) -> list[m.CasePublic]:
    rows = conn.execute(select(s.case).where(where).order_by(s.case.c.id)).mappings().all()
    places = _places(conn, {r["event_place_id"] for r in rows if r["event_place_id"]})
    return [
        m.CasePublic(
            id=r["id"],
            person_id=r["person_id"],
            case_type=r["case_type"],
            case_type_label=_case_label(r["case_type"]),
            status=r["status"],
            event_date=_date(r["event_date_raw"], r["event_date_start"]),
            event_place=places.get(r["event_place_id"], (None, None))[0],
            province_code=places.get(r["event_place_id"], (None, None))[1],
            source_record_id=r["source_record_id"],
        )
        for r in rows
    ]


def _incidents(conn: Connection, case_ids: list[int]) -> list[m.IncidentPublic]:
    if not case_ids:
        return []
    rows = conn.execute(
        select(s.incident).where(s.incident.c.case_id.in_(case_ids)).order_by(s.incident.c.id)
    )
    incidents = rows.mappings().all()
    acts: dict[int, list[m.ActPublic]] = {}
    query = select(s.act).where(s.act.c.incident_id.in_([i["id"] for i in incidents])).order_by(s.act.c.id)
    for a in conn.execute(query).mappings():
        acts.setdefault(a["incident_id"], []).append(
            m.ActPublic(
                id=a["id"], violation_code=a["violation_code"], perpetrator_text=a["perpetrator_text"]
            )
        )
    places = _places(conn, {i["location_id"] for i in incidents if i["location_id"]})
    return [
        m.IncidentPublic(
            id=i["id"],
            case_id=i["case_id"],
            title=i["title"],
            date=_date(i["date_raw"], i["date_start"]),
            place=places.get(i["location_id"], (None, None))[0],
            acts=acts.get(i["id"], []),
        )
        for i in incidents
    ]


def _records(conn: Connection, where: Any, *, limit: int | None = None) -> list[m.RecordPublic]:
    r = s.source_record.c
    query = (
        select(r.id, r.source_id, s.source.c.name, r.record_id, r.batch_id, r.row_number, r.person_id, r.raw)
        .join(s.source)
        .where(where)
        .order_by(r.id)
        .limit(limit)
    )
    return [
        m.RecordPublic(
            id=x.id,
            source_id=x.source_id,
            source=x.name,
            record_id=x.record_id,
            batch_id=x.batch_id,
            row_number=x.row_number,
            person_id=x.person_id,
            raw=dict(x.raw),
        )
        for x in conn.execute(query)
    ]


def _history(conn: Connection, person_id: int) -> list[m.HistoryEntry]:
    rows = queries.history(conn, person_id)  # the live person's history covers its members'
    for r in rows:  # ciphertext of protected extras is not shown either
        if r["table_name"] == "source_record" and r["data"].get("protected_extra"):
            r["data"] = {**r["data"], "protected_extra": "[protected]"}
    return [
        m.HistoryEntry(
            version_id=r["id"],
            table_name=r["table_name"],
            row_id=r["row_id"],
            version=r["version"],
            op=r["op"],
            reason=r["reason"],
            at=r["at"],
            actor=r["actor"],
            action=r["action"],
            data=r["data"],
        )
        for r in rows
    ]


def _consent(conn: Connection, members: list[int]) -> list[m.ConsentPublic]:
    query = select(s.consent).where(s.consent.c.person_id.in_(members)).order_by(s.consent.c.id)
    return [
        m.ConsentPublic(
            id=c["id"],
            may_publish=bool(c["may_publish"]),
            given_by=c["given_by"],
            recorded_on=str(c["recorded_on"]),
            note=c["note"],
        )
        for c in conn.execute(query).mappings()
    ]


def person_page(conn: Connection, person_id: int, *, may_reveal: bool) -> m.PersonPage:
    """A live person with every member merged into it (call :func:`live_person` first)."""
    person = conn.execute(select(s.person).where(s.person.c.id == person_id)).mappings().first()
    if person is None or person["merged_into"] is not None:
        raise NotFoundError(f"person {person_id} does not exist")
    members = sorted(members_of(conn, [person_id]))
    names = conn.execute(
        select(s.name).where(s.name.c.person_id.in_(members)).order_by(s.name.c.id)
    ).mappings()
    cases = _cases(conn, s.case.c.person_id.in_(members))
    records = _records(conn, s.source_record.c.person_id.in_(members))
    return m.PersonPage(
        person_id=person_id,
        primary_name=person["primary_name"],
        sex=person["sex"],
        birth_date=_date(person["birth_date_raw"], person["birth_date_start"]),
        members=members,
        names=[
            m.NamePublic(
                id=n["id"],
                text=n["text"],
                kind=n["kind"],
                script=n["script"],
                system=n["system"],
                source_record_id=n["source_record_id"],
            )
            for n in names
        ],
        cases=cases,
        incidents=_incidents(conn, [c.id for c in cases]),
        records=records,
        events=person_parts.events(conn, members, cases, records),
        linkage=person_parts.linkage(conn, records),
        history=_history(conn, person_id),
        consent=_consent(conn, members),
        may_reveal=may_reveal,
    )


def reveal_protected(ws: Workspace, page: m.PersonPage) -> m.PersonPage:
    """The page with its protected fields, audited (record ids only); the caller checked the role."""
    ids = [r.id for r in page.records]
    with ws.read() as conn:
        clear = queries.protected_of_records(conn, ws.keyring, ids)
    ws.audit(
        action="read_protected", subject=f"person:{page.person_id}", detail={"records": ids, "via": "web"}
    )
    fields = [
        m.ProtectedFields(
            record_id=rid, fields={k: (None if v is None else str(v)) for k, v in clear[rid].items()}
        )
        for rid in ids
        if clear.get(rid)
    ]
    return page.model_copy(update={"protected": fields})


def case_page(conn: Connection, case_id: int) -> m.CasePage:
    """One case with its incidents, acts and the record it came from."""
    cases = _cases(conn, s.case.c.id == case_id)
    if not cases:
        raise NotFoundError(f"case {case_id} does not exist")
    case = cases[0]
    name = conn.execute(select(s.person.c.primary_name).where(s.person.c.id == case.person_id)).scalar_one()
    records = _records(conn, s.source_record.c.id == case.source_record_id) if case.source_record_id else []
    return m.CasePage(
        case=case,
        person_name=name,
        incidents=_incidents(conn, [case.id]),
        record=records[0] if records else None,
    )


def _source_models(conn: Connection, *, only: int | None = None) -> list[m.SourcePublic]:
    r = s.source_record.c
    counts_q = select(r.source_id, func.count(), func.count(r.person_id.distinct())).group_by(r.source_id)
    sources_q = select(s.source).order_by(s.source.c.id)
    if only is not None:
        counts_q, sources_q = counts_q.where(r.source_id == only), sources_q.where(s.source.c.id == only)
    counts = {sid: (n, p) for sid, n, p in conn.execute(counts_q)}
    batches: dict[int, int] = dict(
        conn.execute(
            select(s.import_batch.c.source_id, func.count()).group_by(s.import_batch.c.source_id)
        ).all()
    )
    return [
        m.SourcePublic(
            id=x["id"],
            name=x["name"],
            kind=x["kind"],
            organisation=x["organisation"],
            confidentiality=x["confidentiality"],
            description=x["description"],
            records=counts.get(x["id"], (0, 0))[0],
            persons=counts.get(x["id"], (0, 0))[1],
            batches=int(batches.get(x["id"], 0)),
        )
        for x in conn.execute(sources_q).mappings()
    ]


def memberships(conn: Connection) -> dict[int, set[int]]:
    """Live person → the source ids it is on (one entry per person: for estimates by stratum)."""
    root = func.coalesce(s.person.c.merged_into, s.person.c.id)
    query = select(root, s.source_record.c.source_id).join(
        s.person, s.person.c.id == s.source_record.c.person_id
    )
    out: dict[int, set[int]] = {}
    for pid, sid in conn.execute(query.distinct()):
        out.setdefault(int(pid), set()).add(int(sid))
    return out


def sources_page(conn: Connection) -> m.SourcesPage:
    """Every source with its counts and the person overlap between each pair of lists.

    The overlap comes from the capture patterns the database counts (one row per distinct set
    of lists), so the work here grows with the number of patterns, not of persons.
    """
    sources = _source_models(conn)
    index = {x.id: i for i, x in enumerate(sources)}
    overlap = [[0] * len(sources) for _ in sources]
    for lists, n in queries.source_patterns(conn).items():
        for a in lists:
            for b in lists:
                overlap[index[a]][index[b]] += n
    return m.SourcesPage(sources=sources, overlap=overlap)


def _batch_models(conn: Connection, where: Any) -> list[m.BatchPublic]:
    b = s.import_batch.c
    query = select(s.import_batch, s.source.c.name.label("source")).join(s.source).where(where).order_by(b.id)
    return [
        m.BatchPublic(
            id=x["id"],
            source_id=x["source_id"],
            source=x["source"],
            file_name=x["file_name"],
            sha256=x["sha256"],
            file_format=x["file_format"],
            row_count=x["row_count"],
            actor=x["actor"],
            imported_at=x["imported_at"],
        )
        for x in conn.execute(query).mappings()
    ]


def _case_types(conn: Connection, where: Any) -> dict[str, int]:
    records = select(s.source_record.c.id).where(where)
    query = (
        select(s.case.c.case_type, func.count())
        .where(s.case.c.source_record_id.in_(records))
        .group_by(s.case.c.case_type)
        .order_by(func.count().desc())
    )
    return {str(k): int(n) for k, n in conn.execute(query)}


def source_page(conn: Connection, source_id: int) -> m.SourcePage:
    """One source: counts, batches, case types and how many of its persons each other list holds."""
    found = _source_models(conn, only=source_id)
    if not found:
        raise NotFoundError(f"source {source_id} does not exist")
    names = dict(conn.execute(select(s.source.c.id, s.source.c.name)).all())
    shared = {str(names[k]): n for k, n in queries.shared_persons(conn, source_id).items()}
    return m.SourcePage(
        source=found[0],
        batches=_batch_models(conn, s.import_batch.c.source_id == source_id),
        shared_with=dict(sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))),
        case_types=_case_types(conn, s.source_record.c.source_id == source_id),
    )


def batch_page(conn: Connection, batch_id: int) -> m.BatchPage:
    """One import batch: its report (rows, case types, provinces) and its first records."""
    found = _batch_models(conn, s.import_batch.c.id == batch_id)
    if not found:
        raise NotFoundError(f"batch {batch_id} does not exist")
    mapping = conn.execute(select(s.import_batch.c.mapping).where(s.import_batch.c.id == batch_id)).scalar()
    in_batch = s.source_record.c.batch_id == batch_id
    prov_q = (
        select(s.location.c.province_code, func.count())
        .select_from(
            s.case.join(s.source_record, s.source_record.c.id == s.case.c.source_record_id).outerjoin(
                s.location, s.location.c.id == s.case.c.event_place_id
            )
        )
        .where(in_batch)
        .group_by(s.location.c.province_code)
    )
    provinces = {str(k or "unresolved"): int(n) for k, n in conn.execute(prov_q)}
    return m.BatchPage(
        batch=found[0],
        mapping=mapping,
        case_types=_case_types(conn, in_batch),
        provinces=dict(sorted(provinces.items(), key=lambda kv: -kv[1])),
        records=_records(conn, in_batch, limit=50),
    )


def workbench(ws: Workspace, kind: str, row_id: int) -> m.WorkbenchPart:
    """The workbench state of a record; a draft is not found for a viewer (drafts are for the team)."""
    records = Records(ws)
    shown = records.show(kind, row_id)
    role = ws.settings.role
    if shown["state"] == "draft" and role == Role.VIEWER:
        raise NotFoundError(f"{kind} {row_id} does not exist")
    history = [{k: v for k, v in h.items() if k != "document"} for h in records.history(kind, row_id)]
    return m.WorkbenchPart(
        kind=kind,
        id=row_id,
        version=shown["version"],
        state=shown["state"],
        entered=shown["author"] is not None or shown["edited_by"] is not None,
        author=shown["author"],
        reviewed_by=shown["reviewed_by"],
        reviewed_version=shown["reviewed_version"],
        retired_reason=shown["retired_reason"],
        values=shown["values"],
        history=history,
        may_edit=may(role, Permission.EDIT),
        may_review=may(role, Permission.REVIEW),
    )
