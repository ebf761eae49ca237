"""Resolution paragraphs in the store, and what they bear on: open cases and open commitments.

Paragraphs are stored as rows of ``recommendation`` with ``kind = 'resolution'`` (the body
in ``recommending_state``, the symbol in ``document``, the paragraph number in ``paragraph``,
``"<status>; <source url>"`` in ``note``), through the same writer as the UPR
recommendations, so every load is one audited write and loading again adds nothing.

A paragraph *bears on* an open case when the case type's violation code is one of its themes
(``abductee_*`` → ``NKV-F1`` …) or a person linked the two (``recommendation_link``), and on
an open commitment when the commitment's text gets one of its themes from the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from unforgotten.domain.roles import Permission
from unforgotten.domain.vocab import case_type_violation
from unforgotten.errors import ValidationError
from unforgotten.store import schema as s
from unforgotten.store.schema_tracking import commitment, recommendation, recommendation_link
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.resolutions import (
    BODIES,
    Passage,
    load_passages,
    load_resolutions,
    parse_text,
    themes_for,
)
from unforgotten.tracking.store import store_recommendations
from unforgotten.tracking.upr import Recommendation

__all__ = [
    "OPEN_CASE_STATUSES",
    "Bearing",
    "bearing",
    "import_resolution_text",
    "load_shipped_resolutions",
    "stored_passages",
]

OPEN_CASE_STATUSES = ("unresolved", "alive", "detained", "disputed")
"""Case statuses that keep a case open (returned, released and deceased close it)."""


@dataclass(frozen=True, slots=True)
class Bearing:
    """A stored paragraph and the open cases (counted by theme) and commitments it bears on."""

    passage: dict[str, Any]
    open_cases: dict[str, int]
    linked_cases: tuple[int, ...]
    commitments: tuple[dict[str, Any], ...]


def _as_recommendation(p: Passage, *, body: str, year: int | None, source: str) -> Recommendation:
    return Recommendation(
        kind="resolution",
        cycle=None,
        recommending_state=body,
        text=p.text,
        response="pending",
        document=p.symbol,
        paragraph=p.number,
        year=year,
        note=f"{p.status}; {p.source_url}",
        themes=p.themes,
        source=source,
    )


def load_shipped_resolutions(ws: Workspace) -> int:
    """Store the shipped passages (``data/un/resolution_passages_dprk.csv``); how many were new."""
    ws.require(Permission.IMPORT)
    ws.ensure_ready()
    meta = {r.symbol: r for r in load_resolutions()}
    recs = [
        _as_recommendation(p, body=meta[p.symbol].body, year=meta[p.symbol].year, source="shipped")
        for p in load_passages()
    ]
    return store_recommendations(ws, recs, source="shipped resolutions")


def import_resolution_text(
    ws: Workspace, text: str, *, name: str, symbol: str, body: str, year: int, source_url: str = ""
) -> int:
    """Store the operative paragraphs of a resolution's full text; how many were new.

    ``name`` is the file the text came from (kept as the rows' source). Raises
    :class:`ValidationError` for an unknown body or a text without numbered paragraphs;
    nothing is written then.
    """
    ws.require(Permission.IMPORT)
    if body not in BODIES:
        raise ValidationError(f"--body must be one of {', '.join(BODIES)}, not {body!r}")
    passages = parse_text(text, symbol=symbol.strip(), source_url=source_url)
    ws.ensure_ready()
    recs = [_as_recommendation(p, body=body, year=year, source=name) for p in passages]
    return store_recommendations(ws, recs, source=name)


def _passage_dict(row: Any) -> dict[str, Any]:
    status, _, url = (row["note"] or "").partition("; ")
    return {
        "id": row["id"],
        "symbol": row["document"],
        "body": row["recommending_state"],
        "year": row["year"],
        "paragraph": row["paragraph"],
        "text": row["text"],
        "themes": list(row["themes"]),
        "status": status,
        "source_url": url,
    }


def stored_passages(conn: Connection, *, symbol: str | None = None) -> list[dict[str, Any]]:
    """The stored resolution paragraphs (oldest year first, then id), of one symbol if given."""
    query = select(recommendation).where(recommendation.c.kind == "resolution")
    if symbol is not None:
        query = query.where(func.upper(recommendation.c.document) == symbol.strip().upper())
    query = query.order_by(recommendation.c.year, recommendation.c.id)
    return [_passage_dict(row) for row in conn.execute(query).mappings()]


def _open_cases_by_theme(conn: Connection) -> dict[str, int]:
    query = (
        select(s.case.c.case_type, func.count())
        .join(s.person, s.person.c.id == s.case.c.person_id)
        .where(s.case.c.status.in_(OPEN_CASE_STATUSES), s.person.c.merged_into.is_(None))
        .group_by(s.case.c.case_type)
    )
    counts: dict[str, int] = defaultdict(int)
    for case_type, n in conn.execute(query):
        try:
            counts[case_type_violation(case_type)] += int(n)
        except KeyError:  # a case type outside the vocabulary (kept as imported) has no theme
            continue
    return counts


def _links(conn: Connection) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    query = select(recommendation_link.c.recommendation_id, recommendation_link.c.case_id)
    for rec_id, case_id in conn.execute(query.where(recommendation_link.c.case_id.is_not(None))):
        out[rec_id].append(case_id)
    return out


def _open_commitments(conn: Connection) -> list[dict[str, Any]]:
    query = select(commitment.c.id, commitment.c.round_id, commitment.c.text).where(
        commitment.c.status == "open"
    )
    return [
        {"id": r.id, "round_id": r.round_id, "text": r.text, "themes": themes_for(r.text)}
        for r in conn.execute(query.order_by(commitment.c.id))
    ]


def bearing(conn: Connection, *, themes: Sequence[str] | None = None) -> list[Bearing]:
    """Every stored paragraph with a theme (one of ``themes`` if given) and what it bears on."""
    cases, links, duties = _open_cases_by_theme(conn), _links(conn), _open_commitments(conn)
    out = []
    for p in stored_passages(conn):
        mine = [t for t in p["themes"] if themes is None or t in themes]
        if not mine and not links.get(p["id"]):
            continue
        out.append(
            Bearing(
                passage=p,
                open_cases={t: cases[t] for t in mine if cases.get(t)},
                linked_cases=tuple(links.get(p["id"], ())),
                commitments=tuple(
                    {"id": c["id"], "round_id": c["round_id"], "text": c["text"]}
                    for c in duties
                    if set(c["themes"]) & set(mine)
                ),
            )
        )
    return out
