"""Which persons and cases a bundle is about: one person, one case, the victims of an
accountability dossier (a unit, a person holding posts, a facility), or the persons a search
finds. Consent is checked afterwards, the same way for each (:mod:`.bundle`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.store import schema as s
from unforgotten.store.search import index_is_stale, refresh_index, search
from unforgotten.store.visibility import visibility
from unforgotten.store.workspace import Workspace

__all__ = ["QUERY_LIMIT", "Selection", "filter_dossier", "select_persons"]

QUERY_LIMIT = 1000  # persons a --query bundle may hold
DOSSIER_KINDS = ("unit", "person", "facility")


@dataclass(slots=True)
class Selection:
    """The persons wanted (before consent), the cases covered, and what chose them."""

    persons: list[int]
    cases: list[int]
    chosen_by: str
    dossier: dict[str, Any] | None = None
    incident_person: dict[int, int] = field(default_factory=dict)


def _cases_of(conn: Connection, persons: list[int]) -> list[int]:
    query = select(s.case.c.id).where(s.case.c.person_id.in_(persons)).order_by(s.case.c.id)
    return [int(c) for c in conn.execute(query).scalars()]


def _one(conn: Connection, *, person: int | None, case: int | None) -> Selection:
    if case is not None:
        owner = conn.execute(select(s.case.c.person_id).where(s.case.c.id == case)).scalar()
        if owner is None:
            raise NotFoundError(f"case {case} does not exist")
        return Selection([int(owner)], [case], f"case {case}")
    if person is None or conn.execute(select(s.person.c.id).where(s.person.c.id == person)).first() is None:
        raise NotFoundError(f"person {person} does not exist")
    return Selection([person], _cases_of(conn, [person]), f"person {person}")


def _query(ws: Workspace, text: str) -> Selection:
    if not text.strip():
        raise ValidationError("--query: give the text to search for")
    with ws.read() as conn:
        stale = index_is_stale(conn)
    if stale:
        refresh_index(ws)
    with ws.read() as conn:
        hidden = visibility(conn, ws.settings.role).persons
        found = search(conn, text, limit=QUERY_LIMIT, hidden=hidden)
        if found.total > QUERY_LIMIT:
            raise ValidationError(
                f"--query {text!r} finds {found.total} persons; "
                f"a bundle holds at most {QUERY_LIMIT}: narrow it"
            )
        if not found.total:
            raise NotFoundError(f"--query {text!r} finds no person")
        persons = [h.person_id for h in found.hits]
        return Selection(persons, _cases_of(conn, persons), f"query {text.strip()!r}")


def _dossier(ws: Workspace, spec: str) -> Selection:
    from unforgotten.accountability.query import dossier  # noqa: PLC0415 - evidence need not load it

    kind, _, ref = spec.partition(":")
    if kind not in DOSSIER_KINDS or not ref.strip():
        raise ValidationError(
            f"--dossier {spec!r}: give KIND:NAME-OR-ID with KIND one of unit, person, facility"
        )
    found = dossier(ws, kind, ref.strip())
    incidents = sorted({int(a["incident_id"]) for a in found["acts"]})
    with ws.read() as conn:
        rows = conn.execute(
            select(s.incident.c.id, s.case.c.id, s.case.c.person_id, s.person.c.merged_into)
            .join(s.case, s.case.c.id == s.incident.c.case_id)
            .join(s.person, s.person.c.id == s.case.c.person_id)
            .where(s.incident.c.id.in_(incidents))
        ).all()
    victim = {int(i): int(m or p) for i, _, p, m in rows}
    persons = sorted(set(victim.values()))
    cases = sorted({int(c) for _, c, _, _ in rows})
    return Selection(persons, cases, f"dossier {kind}:{ref.strip()}", found, victim)


def select_persons(
    ws: Workspace,
    *,
    person: int | None = None,
    case: int | None = None,
    dossier: str | None = None,
    query: str | None = None,
) -> Selection:
    """The persons and cases of exactly one of ``person``, ``case``, ``dossier`` or ``query``."""
    given = [x for x in (person, case, dossier, query) if x is not None]
    if len(given) != 1:
        raise ValidationError("a bundle is of exactly one --person, --case, --dossier or --query")
    if dossier is not None:
        return _dossier(ws, dossier)
    if query is not None:
        return _query(ws, query)
    with ws.read() as conn:
        return _one(conn, person=person, case=case)


def filter_dossier(selection: Selection, included: list[int]) -> dict[str, Any] | None:
    """The dossier with only the acts against persons the bundle includes (the others are counted)."""
    if selection.dossier is None:
        return None
    keep = set(included)
    acts = [
        a for a in selection.dossier["acts"] if selection.incident_person.get(int(a["incident_id"])) in keep
    ]
    kept = {int(a["act_id"]) for a in acts}
    gaps = [g for g in selection.dossier["gaps"] if _gap_act(g) in kept or _gap_act(g) is None]
    return {
        **selection.dossier,
        "acts": acts,
        "acts_by_violation": dict(sorted(Counter(a["violation"] for a in acts).items())),
        "acts_by_year": dict(sorted(Counter(str(a["year"] or "unknown") for a in acts).items())),
        "chain": [c for c in selection.dossier["chain"] if int(c["act_id"]) in kept],
        "gaps": gaps,
        "victims": len(keep & set(selection.incident_person.values())),
        "withheld_acts": len(selection.dossier["acts"]) - len(acts),
    }


def _gap_act(gap: str) -> int | None:
    found = re.match(r"act (\d+)\b", gap)
    return int(found.group(1)) if found else None
