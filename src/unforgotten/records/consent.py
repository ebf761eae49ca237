"""Consent per person and scope, and the one check every disclosure asks.

A person (a victim, a witness, a family member speaking for a victim) grants or withdraws consent
per **scope**: ``publication`` (public statistics and reports), ``un`` (sharing with UN bodies),
``court`` (sharing with courts or prosecutors), ``contact`` (being contacted). Each grant or
withdrawal is a new ``consent`` row — who gave it, in which relation, when, how it was recorded,
who recorded it — written through the store writer, so it is versioned and audited; the latest
row of a scope (by the date given, then entry order) decides. No row means no consent.

Every export, bundle and public statistic asks :func:`allowed` (or :func:`consented`) for the
scope it needs, and records what it disclosed (:func:`record_disclosure`), so a withdrawal applies
to everything made afterwards and :func:`disclosures_of` lists the earlier ones to recall.
Consent recorded on a person merged into another counts for the merged person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import FieldErrors, NotFoundError
from unforgotten.records.fields import check_text
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.consents import (
    RELATIONS,
    SCOPES,
    allowed,
    check_scope,
    consent_basis,
    consented,
    disclosures_of,
    record_disclosure,
)
from unforgotten.store.workspace import Workspace

__all__ = [
    "RELATIONS",
    "SCOPES",
    "allowed",
    "consent_basis",
    "consent_of",
    "consented",
    "disclosures_of",
    "record_disclosure",
    "set_consent",
]


def set_consent(
    ws: Workspace,
    person_id: int,
    *,
    scope: str,
    granted: bool,
    given_by: str,
    reason: str,
    how: str = "",
    relation: str = "victim",
    given_on: date | None = None,
) -> dict[str, Any]:
    """Record a grant or a withdrawal; returns the row and the earlier disclosures of the person
    (on a withdrawal: what to recall)."""
    ws.require(Permission.EDIT)
    ws.ensure_ready()
    errors: dict[str, str] = {}
    try:
        check_scope(scope)
    except FieldErrors as exc:
        errors.update(exc.errors)
    if relation not in RELATIONS:
        errors["relation"] = f"use one of {', '.join(RELATIONS)}"
    for field, value, required in (
        ("given_by", given_by, True),
        ("reason", reason, True),
        ("note", how, False),
    ):
        try:
            check_text(field if field != "note" else "note", value, required=required, what="consent")
        except FieldErrors as exc:
            errors.update({field if field != "note" else "how": v for v in exc.errors.values()})
    if given_on is not None and given_on > date.today():
        errors["given_on"] = "is in the future"
    if errors:
        raise FieldErrors(errors, what="consent")
    action = "consent_granted" if granted else "consent_withdrawn"
    with ws.write(action=action, subject=f"person:{person_id}") as w:
        if w.conn.execute(select(s.person.c.id).where(s.person.c.id == person_id)).first() is None:
            raise NotFoundError(f"person {person_id} does not exist")
        consent_id = w.allocate(s.consent)
        day = given_on or date.today()
        row: dict[str, Any] = {
            "id": consent_id,
            "person_id": person_id,
            "may_publish": granted,
            "given_by": given_by.strip(),
            "recorded_on": day,
            "note": reason.strip(),
            "scope": scope,
            "relation": relation,
            "how": how.strip() or None,
            "recorded_by": ws.settings.actor,
        }
        w.insert(s.consent, [row], reason=reason.strip())
        w.detail.update({"scope": scope, "granted": granted, "consent": consent_id})
        earlier = disclosures_of(w.conn, person_id)
    return {
        **row,
        "recorded_on": day.isoformat(),
        "event_id": w.event_id,
        "disclosures": earlier,
    }


def consent_of(conn: Connection, person_id: int) -> dict[str, Any]:
    """A person's consent: the current state per scope and every row, oldest first."""
    group = queries.members(conn, person_id)
    if not group:
        raise NotFoundError(f"person {person_id} does not exist")
    rows = [
        {**dict(r), "recorded_on": r["recorded_on"].isoformat(), "granted": bool(r["may_publish"])}
        for r in conn.execute(
            select(s.consent)
            .where(s.consent.c.person_id.in_(group))
            .order_by(s.consent.c.recorded_on, s.consent.c.id)
        ).mappings()
    ]
    current = {scope: False for scope in SCOPES}
    for r in rows:
        current[r["scope"]] = r["granted"]
    for r in rows:
        r.pop("may_publish", None)
    return {
        "person_id": person_id,
        "current": current,
        "history": rows,
        "disclosures": disclosures_of(conn, person_id),
    }
