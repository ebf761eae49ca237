"""Two parts of the person page: its events (cases grouped by event) and its linkage evidence.

An *event* is the cases of a merged person that report the same thing (``domain.events``), each
with the source record it came from, so one abduction reported by three lists is one row with
three sources side by side. A linkage pair's *state* says what happened to it: ``merged`` by the
linkage run (match band, same person now), ``accepted``/``rejected`` by a reviewer, ``pending``
(review band, undecided), ``not_linked`` (below the review band) or ``apart`` (match band, but
the records are in different persons now, after a split).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, or_, select

from unforgotten.store import queries
from unforgotten.store.schema_linkage import link_decision, link_pair, link_run
from unforgotten.web import schemas as m

__all__ = ["events", "linkage"]


def _distinct(values: list[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v is not None))


def _source(case: m.CasePublic, records: dict[int, m.RecordPublic]) -> m.EventSource:
    record = records.get(case.source_record_id) if case.source_record_id else None
    return m.EventSource(
        case_id=case.id,
        source_record_id=case.source_record_id,
        source=record.source if record else None,
        record_id=record.record_id if record else None,
        status=case.status,
        event_date=case.event_date,
        event_place=case.event_place,
        province_code=case.province_code,
    )


def _event(group: list[m.CasePublic], records: dict[int, m.RecordPublic]) -> m.EventPublic:
    accounts = {(c.status, c.event_date, c.event_place) for c in group}
    return m.EventPublic(
        case_type=group[0].case_type,
        case_type_label=group[0].case_type_label,
        case_ids=[c.id for c in group],
        statuses=_distinct([c.status for c in group]),
        event_dates=_distinct([c.event_date for c in group]),
        event_places=_distinct([c.event_place for c in group]),
        province_codes=_distinct([c.province_code for c in group]),
        agree=len(accounts) == 1,
        sources=[_source(c, records) for c in group],
    )


def events(
    conn: Connection, members: list[int], cases: list[m.CasePublic], records: list[m.RecordPublic]
) -> list[m.EventPublic]:
    """The person's cases grouped by event, each with its sources."""
    by_id = {c.id: c for c in cases}
    by_record = {r.id: r for r in records}
    return [_event([by_id[i] for i in ids], by_record) for ids in queries.case_events(conn, members)]


def _thresholds(conn: Connection, run_ids: set[int]) -> dict[int, float | None]:
    rows = conn.execute(select(link_run.c.id, link_run.c.config).where(link_run.c.id.in_(run_ids)))
    return {int(i): (config or {}).get("threshold") for i, config in rows}


def _state(pair: Any, decision: Any, *, together: bool) -> str:
    if decision is not None:
        return str(decision.decision)
    if pair is None or pair.band == "low":
        return "not_linked"
    if pair.band == "review":
        return "pending"
    return "merged" if together else "apart"


def linkage(conn: Connection, records: list[m.RecordPublic]) -> list[m.LinkEvidence]:
    """Every scored pair and decision touching the records, each with its state."""
    record_ids = [r.id for r in records]
    if not record_ids:
        return []
    shown = set(record_ids)  # the records of one live person
    touches = or_(link_pair.c.record_l.in_(record_ids), link_pair.c.record_r.in_(record_ids))
    pairs = {  # the newest run's pair wins: ordered by id, later rows replace earlier ones
        (p.record_l, p.record_r): p
        for p in conn.execute(select(link_pair).where(touches).order_by(link_pair.c.id))
    }
    touches_d = or_(link_decision.c.record_l.in_(record_ids), link_decision.c.record_r.in_(record_ids))
    decisions = {(d.record_l, d.record_r): d for d in conn.execute(select(link_decision).where(touches_d))}
    thresholds = _thresholds(conn, {int(p.run_id) for p in pairs.values()})
    out = []
    for key in sorted(set(pairs) | set(decisions)):
        p, d = pairs.get(key), decisions.get(key)
        together = key[0] in shown and key[1] in shown
        out.append(
            m.LinkEvidence(
                record_l=key[0],
                record_r=key[1],
                decision_id=int(d.id) if d else None,
                decision=d.decision if d else None,
                decided_by=d.decided_by if d else None,
                decided_at=d.decided_at if d else None,
                match_probability=float(p.match_probability) if p else None,
                evidence=dict(p.evidence) if p else {},
                state=_state(p, d, together=together),
                run_id=int(p.run_id) if p else None,
                band=p.band if p else None,
                threshold=thresholds.get(int(p.run_id)) if p else None,
            )
        )
    return out
