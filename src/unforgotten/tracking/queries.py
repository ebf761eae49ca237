"""Read-side views of tracking: rounds, one round in full, commitments, stored recommendations.

Functions take a connection (``with ws.read() as conn``) and return plain data or the frozen
dataclasses of :mod:`unforgotten.tracking.upr`; dates stay :class:`datetime.date`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, func, select

from unforgotten.errors import NotFoundError
from unforgotten.store.schema import audit_event, record_version
from unforgotten.store.schema_tracking import (
    agreed_item,
    commitment,
    consultation_round,
    recommendation,
    recommendation_link,
    round_participant,
    round_reference,
    round_topic,
)
from unforgotten.tracking.upr import Recommendation

__all__ = [
    "commitment_history",
    "commitments",
    "recommendation_ids",
    "round_detail",
    "rounds",
    "stored_recommendations",
]

_ROUND_COLUMNS = ("id", "date", "place", "format", "status", "source_name", "language")


def rounds(conn: Connection) -> list[dict[str, Any]]:
    """Every round, oldest first, with its number of commitments and of open ones."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"commitments": 0, "open": 0})
    for round_id, status, n in conn.execute(
        select(commitment.c.round_id, commitment.c.status, func.count()).group_by(
            commitment.c.round_id, commitment.c.status
        )
    ):
        counts[round_id]["commitments"] += n
        counts[round_id]["open"] += n if status == "open" else 0
    query = select(*(consultation_round.c[c] for c in _ROUND_COLUMNS)).order_by(
        consultation_round.c.date, consultation_round.c.id
    )
    return [{**dict(row), **counts[row["id"]]} for row in conn.execute(query).mappings()]


def _items(conn: Connection, table: Table, round_id: int) -> list[dict[str, Any]]:
    query = select(table).where(table.c.round_id == round_id).order_by(table.c.position)
    return [{k: v for k, v in row.items() if k != "round_id"} for row in conn.execute(query).mappings()]


def round_detail(conn: Connection, round_id: int) -> dict[str, Any]:
    """One round with participants, topics, agreed items, commitments and references."""
    row = conn.execute(select(consultation_round).where(consultation_round.c.id == round_id)).mappings()
    found = row.first()
    if found is None:
        raise NotFoundError(f"round {round_id} does not exist")
    return {
        **dict(found),
        "participants": _items(conn, round_participant, round_id),
        "topics": _items(conn, round_topic, round_id),
        "agreed": _items(conn, agreed_item, round_id),
        "commitments": _items(conn, commitment, round_id),
        "references": _items(conn, round_reference, round_id),
    }


def commitments(
    conn: Connection, *, round_id: int | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Commitments (all, of one round, or of one status), by round and position."""
    query = select(commitment).order_by(commitment.c.round_id, commitment.c.position)
    if round_id is not None:
        query = query.where(commitment.c.round_id == round_id)
    if status is not None:
        query = query.where(commitment.c.status == status)
    return [dict(row) for row in conn.execute(query).mappings()]


def commitment_history(conn: Connection, commitment_id: int) -> list[dict[str, Any]]:
    """Every version of a commitment, oldest first: version, op, reason, status, who, when."""
    v, e = record_version, audit_event
    query = (
        select(v.c.version, v.c.op, v.c.reason, v.c.data, e.c.at, e.c.actor)
        .join(e, e.c.id == v.c.event_id)
        .where(v.c.table_name == commitment.name, v.c.row_id == commitment_id)
        .order_by(v.c.version)
    )
    rows = [dict(r) for r in conn.execute(query).mappings()]
    if not rows:
        raise NotFoundError(f"commitment {commitment_id} does not exist")
    return [{**{k: r[k] for k in r if k != "data"}, "status": json.loads(r["data"])["status"]} for r in rows]


def _links(conn: Connection) -> dict[int, tuple[list[str], list[str]]]:
    links: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    query = select(recommendation_link).order_by(recommendation_link.c.id)
    for row in conn.execute(query).mappings():
        cases, incidents = links[row["recommendation_id"]]
        if row["case_id"] is not None:
            cases.append(str(row["case_id"]))
        if row["incident_id"] is not None:
            incidents.append(str(row["incident_id"]))
    return links


def stored_recommendations(conn: Connection) -> list[Recommendation]:
    """The stored recommendations in id order, with their links to cases and incidents."""
    links = _links(conn)
    out = []
    for row in conn.execute(select(recommendation).order_by(recommendation.c.id)).mappings():
        cases, incidents = links.get(row["id"], ([], []))
        out.append(
            Recommendation(
                kind=row["kind"],
                cycle=row["cycle"],
                recommending_state=row["recommending_state"],
                text=row["text"],
                response=row["response"],
                document=row["document"],
                paragraph=row["paragraph"],
                year=row["year"],
                regional_group=row["regional_group"],
                note=row["note"],
                themes=tuple(row["themes"]),
                source=row["source"],
                case_ids=tuple(cases),
                incident_ids=tuple(incidents),
            )
        )
    return out


def recommendation_ids(conn: Connection) -> list[int]:
    """The stored recommendations' ids, in the order of :func:`stored_recommendations`."""
    return [int(i) for i in conn.execute(select(recommendation.c.id).order_by(recommendation.c.id)).scalars()]
