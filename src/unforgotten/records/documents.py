"""Entries as documents: read the editable fields of a person, case, incident or source from its
rows, and the entry, versions and values that the workbench keeps beside them.

A document is a flat dict of text per field (see :data:`.fields.FIELDS`), plus, for a case, its
dated statuses and, for an incident, its acts. Documents are what versions store and what the
history compares; they never hold a protected value (only whether there is one).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.errors import NotFoundError
from unforgotten.store import schema as s
from unforgotten.store.schema_records import case_status, field_value, record_entry

__all__ = [
    "TABLES",
    "document_of",
    "entry_of",
    "entry_versions",
    "location_text",
    "source_of_row",
    "values_of",
    "version_of",
]

TABLES = {"person": s.person, "case": s.case, "incident": s.incident, "source": s.source}


def entry_of(conn: Connection, kind: str, row_id: int) -> Any:
    """The ``record_entry`` row of a record, or ``None`` for a row never edited in the workbench."""
    query = select(record_entry).where(record_entry.c.table_name == kind, record_entry.c.row_id == row_id)
    return conn.execute(query).mappings().first()


def version_of(entry: Any) -> int:
    """A record's current version: imported rows are at version 1 until their first edit."""
    return int(entry["version"]) if entry is not None else 1


def location_text(conn: Connection, location_id: int | None) -> str:
    """The place as written for a location id ("" for none)."""
    if location_id is None:
        return ""
    found = conn.execute(select(s.location.c.text).where(s.location.c.id == location_id)).scalar()
    return str(found or "")


def _row(conn: Connection, kind: str, row_id: int) -> Any:
    table = TABLES[kind]
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"{kind} {row_id} does not exist")
    return row


def _person_document(conn: Connection, row: Any) -> dict[str, Any]:
    names = conn.execute(
        select(s.name.c.kind, s.name.c.text, s.name.c.system)
        .where(s.name.c.person_id == row["id"])
        .order_by(s.name.c.id)
    ).all()
    full = next((n for n in names if n.kind == "full"), None)
    hangul = next((n.text for n in names if n.kind == "hangul"), "")
    aliases = [n.text for n in names if n.kind == "alias"]
    name = full.text if full else row["primary_name"]
    return {
        "name": name,
        "name_system": (full.system if full else None) or "",
        "name_hangul": hangul if hangul != name else "",
        "aliases": "|".join(dict.fromkeys(aliases)),
        "sex": row["sex"] or "U",
        "birth_date": row["birth_date_raw"] or "",
        "birth_place": location_text(conn, row["birth_place_id"]),
        "has_informant": _has_informant(conn, row["id"]),
    }


def _has_informant(conn: Connection, person_id: int) -> bool:
    query = (
        select(s.informant.c.id)
        .join(s.source_record, s.source_record.c.id == s.informant.c.source_record_id)
        .where(s.source_record.c.person_id == person_id)
        .limit(1)
    )
    return conn.execute(query).first() is not None


def _statuses(conn: Connection, case_id: int) -> list[dict[str, Any]]:
    query = (
        select(case_status, s.source.c.name.label("source"))
        .outerjoin(s.source, s.source.c.id == case_status.c.source_id)
        .where(case_status.c.case_id == case_id)
        .order_by(case_status.c.id)
    )
    return [
        {
            "id": r["id"],
            "status": r["status"],
            "date": r["date_raw"] or "",
            "note": r["note"] or "",
            "source": r["source"] or "",
        }
        for r in conn.execute(query).mappings()
    ]


def _acts(conn: Connection, incident_id: int) -> list[dict[str, Any]]:
    query = select(s.act).where(s.act.c.incident_id == incident_id).order_by(s.act.c.id)
    return [
        {
            "id": a["id"],
            "violation": a["violation_code"],
            "victim_id": a["victim_id"],
            "perpetrator": a["perpetrator_text"] or "",
            "place": location_text(conn, a["location_id"]),
            "date": a["date_raw"] or "",
            "description": a["description"] or "",
        }
        for a in conn.execute(query).mappings()
    ]


def document_of(conn: Connection, kind: str, row_id: int) -> dict[str, Any]:
    """The current document of a record, read from its rows (raises :class:`NotFoundError`)."""
    row = _row(conn, kind, row_id)
    if kind == "person":
        return _person_document(conn, row)
    if kind == "case":
        return {
            "case_type": row["case_type"],
            "event_date": row["event_date_raw"] or "",
            "event_place": location_text(conn, row["event_place_id"]),
            "status": row["status"],
            "person_id": row["person_id"],
            "statuses": _statuses(conn, row_id),
        }
    if kind == "incident":
        return {
            "title": row["title"],
            "date": row["date_raw"] or "",
            "place": location_text(conn, row["location_id"]),
            "description": row["description"] or "",
            "case_id": row["case_id"],
            "acts": _acts(conn, row_id),
        }
    return {
        "name": row["name"],
        "kind": row["kind"],
        "organisation": row["organisation"] or "",
        "confidentiality": row["confidentiality"],
        "description": row["description"] or "",
    }


def source_of_row(conn: Connection, kind: str, row_id: int) -> tuple[int, int] | None:
    """The (source id, source record id) a record came from: its own or its person's first record."""
    record = s.source_record
    if kind == "person":
        query = select(record.c.source_id, record.c.id).where(record.c.person_id == row_id)
    elif kind == "case":
        query = (
            select(record.c.source_id, record.c.id)
            .join(s.case, s.case.c.source_record_id == record.c.id)
            .where(s.case.c.id == row_id)
        )
    elif kind == "incident":
        query = (
            select(record.c.source_id, record.c.id)
            .join(s.case, s.case.c.source_record_id == record.c.id)
            .join(s.incident, s.incident.c.case_id == s.case.c.id)
            .where(s.incident.c.id == row_id)
        )
    else:
        return None
    found = conn.execute(query.order_by(record.c.id).limit(1)).first()
    return (int(found[0]), int(found[1])) if found else None


def values_of(conn: Connection, kind: str, row_id: int) -> list[dict[str, Any]]:
    """Every sourced value of a record, preferred first within each field."""
    query = (
        select(field_value, s.source.c.name.label("source"))
        .join(s.source, s.source.c.id == field_value.c.source_id)
        .where(field_value.c.table_name == kind, field_value.c.row_id == row_id)
        .order_by(field_value.c.field, field_value.c.preferred.desc(), field_value.c.id)
    )
    return [
        {
            "id": r["id"],
            "field": r["field"],
            "value": r["value"],
            "source": r["source"],
            "source_record_id": r["source_record_id"],
            "citation": r["citation"],
            "confidence": r["confidence"],
            "preferred": bool(r["preferred"]),
            "author": r["author"],
            "recorded_at": r["recorded_at"],
        }
        for r in conn.execute(query).mappings()
    ]


def entry_versions(conn: Connection, entry_id: int) -> list[dict[str, Any]]:
    """The versions of an entry row, oldest first: version, when, who, why, and the row as it was."""
    v, e = s.record_version, s.audit_event
    query = (
        select(v.c.version, v.c.op, v.c.reason, v.c.data, e.c.at, e.c.actor, e.c.id.label("event_id"))
        .join(e, e.c.id == v.c.event_id)
        .where(v.c.table_name == record_entry.name, v.c.row_id == entry_id)
        .order_by(v.c.version)
    )
    return [{**dict(r), "data": json.loads(r.data)} for r in conn.execute(query).mappings()]
