"""What the evidence and consent parts of the pages show, built from the store and the evidence
service (no FastAPI here). Who handed a file over is never read here: a link says only whether it
was recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, or_, select

from unforgotten.errors import NotFoundError
from unforgotten.records import consent
from unforgotten.store import schema as s
from unforgotten.store.schema_evidence import evidence_link
from unforgotten.store.visibility import Visibility
from unforgotten.web import schemas_evidence as m

__all__ = ["attached_to", "check_visible", "consent_part", "custody_page", "evidence_page", "listed"]

_KINDS = ("person", "case", "incident", "source")


def attached_to(link: dict[str, Any]) -> str:
    """``person:12``, ``case:3``, ``incident:4`` or ``source:2``: the record a link is for."""
    return next((f"{k}:{link[f'{k}_id']}" for k in _KINDS if link.get(f"{k}_id") is not None), "")


def listed(
    conn: Connection,
    *,
    persons: Sequence[int] = (),
    cases: Sequence[int] = (),
    incidents: Sequence[int] = (),
    sources: Sequence[int] = (),
) -> list[m.EvidenceListed]:
    """Every intake link of these records, oldest first."""
    link = evidence_link.c
    where = or_(
        link.person_id.in_(persons),
        link.case_id.in_(cases),
        link.incident_id.in_(incidents),
        link.source_id.in_(sources),
    )
    query = (
        select(evidence_link, s.evidence.c.media_type, s.evidence.c.size, s.evidence.c.sha256)
        .join(s.evidence, s.evidence.c.id == link.evidence_id)
        .where(where)
        .order_by(link.id)
    )
    return [
        m.EvidenceListed(
            evidence_id=r["evidence_id"],
            link_id=r["id"],
            file_name=r["file_name"],
            media_type=r["media_type"],
            size=r["size"],
            sha256=r["sha256"],
            attached_to=attached_to(dict(r)),
            received_at=r["received_at"],
            received_by=r["received_by"],
            received_how=r["received_how"],
            description=r["description"],
        )
        for r in conn.execute(query).mappings()
    ]


def check_visible(conn: Connection, hidden: Visibility, evidence_id: int) -> None:
    """Refuse, as if it did not exist, an item attached only to persons or sources the role may not see."""
    rows = conn.execute(select(evidence_link).where(evidence_link.c.evidence_id == evidence_id)).mappings()
    links = [dict(r) for r in rows]
    if not links:
        if conn.execute(select(s.evidence.c.id).where(s.evidence.c.id == evidence_id)).first() is None:
            raise NotFoundError(f"evidence {evidence_id} does not exist")
        return  # a derived copy: no intake link of its own
    if not hidden.hides_any:
        return
    for link in links:
        try:
            _check_link(conn, hidden, link)
        except NotFoundError:
            continue
        return
    raise NotFoundError(f"evidence {evidence_id} does not exist")


def _check_link(conn: Connection, hidden: Visibility, link: dict[str, Any]) -> None:
    if link["source_id"] is not None:
        hidden.check_source(int(link["source_id"]))
        return
    person = link["person_id"]
    if person is None and link["case_id"] is not None:
        person = conn.execute(select(s.case.c.person_id).where(s.case.c.id == link["case_id"])).scalar()
    if person is None and link["incident_id"] is not None:
        query = select(s.case.c.person_id).join(s.incident, s.incident.c.case_id == s.case.c.id)
        person = conn.execute(query.where(s.incident.c.id == link["incident_id"])).scalar()
    root = conn.execute(select(s.person.c.merged_into).where(s.person.c.id == person)).scalar()
    hidden.check_person(int(root or person))


def _item(shown: dict[str, Any]) -> m.EvidenceItem:
    gps = (shown["metadata"] or {}).get("gps") or {}
    position = gps.get("position") if isinstance(gps, dict) else None
    return m.EvidenceItem(
        evidence_id=shown["evidence_id"],
        file_name=shown["file_name"],
        media_type=shown["media_type"],
        size=shown["size"],
        sha256=shown["sha256"],
        sha512=shown["sha512"],
        description=shown["description"],
        metadata=shown["metadata"] or {},
        gps_position=[float(v) for v in position] if position else None,
        text_chars=shown["text_chars"],
        text_excerpt=shown["text_excerpt"],
        derived_from=shown["derived_from"],
        derivation=shown["derivation"],
        stored_at=shown["stored_at"],
    )


def evidence_page(
    shown: dict[str, Any], *, may_download: bool, may_reveal: bool = False, revealed: bool = False
) -> m.EvidencePage:
    """The item page from :meth:`Evidence.show`; who handed each file over only when ``revealed``
    (``show`` was called with its protected fields, an audited read)."""
    links = [
        m.EvidenceLinkPublic(
            link_id=link["id"],
            attached_to=attached_to(link),
            file_name=link["file_name"],
            received_at=link["received_at"],
            received_by=link["received_by"],
            received_how=link["received_how"],
            received_from=(link["received_from"] if revealed else "(protected)")
            if link["received_from"]
            else None,
            description=link["description"],
        )
        for link in shown["links"]
    ]
    return m.EvidencePage(
        item=_item(shown),
        links=links,
        derived_copies=shown["derived_copies"],
        may_download=may_download,
        may_reveal=may_reveal,
        revealed=revealed,
    )


def custody_page(custody: dict[str, Any]) -> m.CustodyPage:
    """The custody report page from :meth:`Evidence.custody`."""
    return m.CustodyPage(
        item=_item(custody["evidence"]),
        events=[m.CustodyEvent(**{k: e[k] for k in m.CustodyEvent.model_fields}) for e in custody["events"]],
    )


def consent_part(conn: Connection, person_id: int, *, may_record: bool) -> m.ConsentPart:
    """A person's consent per scope, its history and the disclosures that included them."""
    found = consent.consent_of(conn, person_id)
    history = [
        m.ConsentRow(
            id=r["id"],
            person_id=r["person_id"],
            scope=r["scope"],
            granted=r["granted"],
            given_by=r["given_by"],
            relation=r["relation"],
            recorded_on=r["recorded_on"],
            how=r["how"],
            recorded_by=r["recorded_by"],
            reason=r["note"],
        )
        for r in found["history"]
    ]
    disclosures = [m.Disclosure(**{k: d[k] for k in m.Disclosure.model_fields}) for d in found["disclosures"]]
    return m.ConsentPart(
        current=found["current"], history=history, disclosures=disclosures, may_record=may_record
    )
