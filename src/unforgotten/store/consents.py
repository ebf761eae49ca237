"""Consent as the store holds it: which persons a scope allows, and what was disclosed of whom.

The rules (docs/evidence.md): a person's latest ``consent`` row of a scope, by the date given and
then entry order, decides; no row means no consent; consent recorded on a person merged into
another counts for the merged person. Every export, bundle and public table asks
:func:`consented` or :func:`allowed` and records a ``disclosure`` row. Written through
:mod:`unforgotten.records.consent`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.errors import FieldErrors
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.schema_records import disclosure
from unforgotten.store.writer import Writer, now_iso

__all__ = [
    "RELATIONS",
    "SCOPES",
    "allowed",
    "check_scope",
    "consent_basis",
    "consented",
    "disclosures_of",
    "record_disclosure",
]

SCOPES: dict[str, tuple[str, str]] = {
    "publication": ("publication in public statistics and reports", "공개(통계·보고서)"),
    "un": ("sharing with UN bodies", "유엔 기구와 공유"),
    "court": ("sharing with courts or prosecutors", "법원·검찰과 공유"),
    "contact": ("being contacted", "연락 동의"),
}
RELATIONS = ("victim", "witness", "family")


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise FieldErrors(
            {"scope": f"{scope!r} is not a scope; use one of {', '.join(SCOPES)}"}, what="consent"
        )
    return scope


def _latest(conn: Connection, scope: str, person_ids: Iterable[int] | None = None) -> dict[int, bool]:
    """Per live person: whether the latest row of ``scope`` grants it."""
    root_of = {int(p): int(m or p) for p, m in conn.execute(select(s.person.c.id, s.person.c.merged_into))}
    query = (
        select(s.consent.c.person_id, s.consent.c.may_publish)
        .where(s.consent.c.scope == scope)
        .order_by(s.consent.c.recorded_on, s.consent.c.id)
    )
    wanted = None if person_ids is None else {root_of.get(int(p), int(p)) for p in person_ids}
    latest: dict[int, bool] = {}
    for person, granted in conn.execute(query):
        root = root_of.get(int(person), int(person))
        if wanted is None or root in wanted:
            latest[root] = bool(granted)
    return latest


def allowed(conn: Connection, person_id: int, scope: str) -> bool:
    """Whether the person's latest consent for ``scope`` grants it (no consent: no)."""
    root = int(
        conn.execute(select(s.person.c.merged_into).where(s.person.c.id == person_id)).scalar() or person_id
    )
    return _latest(conn, check_scope(scope), [root]).get(root, False)


def consented(conn: Connection, scope: str) -> set[int]:
    """Every live person whose latest consent for ``scope`` grants it."""
    return {p for p, granted in _latest(conn, check_scope(scope)).items() if granted}


def consent_basis(conn: Connection, person_ids: Iterable[int], scope: str) -> list[dict[str, Any]]:
    """For each person: the consent row that allows ``scope`` (for a bundle's record of its basis)."""
    out = []
    for pid in sorted(set(person_ids)):
        group = queries.members(conn, pid)
        row = (
            conn.execute(
                select(s.consent)
                .where(s.consent.c.person_id.in_(group), s.consent.c.scope == check_scope(scope))
                .order_by(s.consent.c.recorded_on.desc(), s.consent.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        out.append(
            {
                "person_id": pid,
                "scope": scope,
                "granted": bool(row["may_publish"]) if row else False,
                "given_by": row["given_by"] if row else None,
                "relation": row["relation"] if row else None,
                "given_on": row["recorded_on"].isoformat() if row else None,
                "how": row["how"] if row else None,
                "consent_id": row["id"] if row else None,
            }
        )
    return out


def record_disclosure(w: Writer, *, kind: str, recipient: str, scope: str, person_ids: Iterable[int]) -> None:
    """Record, inside the writer's unit, which persons an export, bundle or public table included."""
    ids = sorted({int(p) for p in person_ids})
    row_id = w.allocate(disclosure)
    w.insert(
        disclosure,
        [
            {
                "id": row_id,
                "event_id": w.event_id,
                "kind": kind,
                "recipient": recipient,
                "scope": scope,
                "at": now_iso(),
                "person_ids": ids,
            }
        ],
    )


def disclosures_of(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """Every recorded disclosure that included the person (or a person merged with them)."""
    group = set(queries.members(conn, person_id))
    root = conn.execute(select(s.person.c.merged_into).where(s.person.c.id == person_id)).scalar()
    if root is not None:
        group |= set(queries.members(conn, int(root)))
    out = []
    for r in conn.execute(select(disclosure).order_by(disclosure.c.id)).mappings():
        if group & set(r["person_ids"]):
            out.append({k: r[k] for k in ("event_id", "kind", "recipient", "scope", "at")})
    return out
