"""Tracking in the registry: save and confirm rounds, follow commitments, keep recommendations.

Every write goes through :meth:`Workspace.write`, so each row gets a version and each unit of
work one audit event; reads are in :mod:`unforgotten.tracking.queries`.

- :func:`save_draft` stores a :class:`~unforgotten.tracking.readout.DraftRound` as a ``draft``
  round, refusing a readout saved before (same text, or same date and place);
  :func:`confirm_round` records that a person checked it, once.
- Commitments come from the draft's agreed items (with the due window of the next step of the
  same text) and from next steps that are not agreed items. :func:`set_commitment_status`
  moves one to ``done`` or ``dropped`` (or back to ``open``) with a reason, optionally naming
  the later round that followed it up.
- :func:`load_upr` ships UPR cycles 1–2 into the store once; :func:`import_recommendations`
  adds a CSV; both skip recommendations already stored (same key), so repeating changes nothing.
- :func:`seed_demo` loads the recommendations and the seed round (15 April 2024).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, select

from unforgotten.data import data_path
from unforgotten.domain.roles import Permission
from unforgotten.errors import ConflictError, DuplicateReadoutError, NotFoundError, ValidationError
from unforgotten.store import schema as s
from unforgotten.store.audit import canonical_json
from unforgotten.store.schema_tracking import (
    COMMITMENT_STATUSES,
    agreed_item,
    commitment,
    consultation_round,
    recommendation,
    recommendation_link,
    round_participant,
    round_reference,
    round_topic,
)
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer
from unforgotten.tracking.readout import DraftRound, Evidence, NextStep, Participant, parse_readout
from unforgotten.tracking.resolutions import theme_hits as resolution_theme_hits
from unforgotten.tracking.upr import Recommendation, import_csv, load_recommendations, theme_hits

__all__ = [
    "SEED_READOUT",
    "confirm_round",
    "import_recommendations",
    "link_recommendation",
    "link_reference",
    "load_upr",
    "save_draft",
    "seed_demo",
    "set_commitment_status",
    "side_of",
    "store_recommendations",
]

SEED_READOUT = "2024-04-15_rok-us_2nd-consultation_seed-full-text.txt"
"""The seed readout shipped in ``data/un/readouts/`` (the round the demo starts from)."""

_SIDES = (
    ("U.S.", re.compile(r"\bU\.S\.|United States|미국|국무부")),
    ("Japan", re.compile(r"Japan|일본")),
    ("ROK", re.compile(r"\bROK\b|Republic of Korea|한국|외교부|통일부|대한민국")),
)


def side_of(*, title: str | None, organisation: str | None) -> str | None:
    """Which government an official speaks for, read from organisation then title.

    >>> side_of(title="Special Envoy", organisation="U.S. Department of State")
    'U.S.'
    >>> side_of(title="Director-General", organisation="ROK Ministry of Foreign Affairs")
    'ROK'
    """
    for text in (organisation, title):
        for side, pattern in _SIDES:
            if text and pattern.search(text):
                return side
    return None


def _evidence(ev: Evidence | None) -> dict[str, Any] | None:
    return ev.to_dict() if ev else None


def _who(draft: DraftRound) -> str:
    """The sides of the round's participants, in order of appearance ("ROK and U.S.")."""
    sides = list(
        dict.fromkeys(
            side
            for p in draft.participants
            if (side := side_of(title=p.title, organisation=p.organization)) is not None
        )
    )
    if len(sides) >= 2:
        return ", ".join(sides[:-1]) + " and " + sides[-1]
    return "all sides" if draft.format == "trilateral" else "both sides"


def _round_row(round_id: int, draft: DraftRound) -> dict[str, Any]:
    return {
        "id": round_id,
        "date": draft.date,
        "place": draft.place,
        "format": draft.format,
        "status": "draft",
        "source_name": draft.source,
        "language": draft.language,
        "evidence": {
            "date": _evidence(draft.date_evidence),
            "place": _evidence(draft.place_evidence),
            "format": _evidence(draft.format_evidence),
            "readout_sha256": draft.text_sha256,  # finds the same readout saved twice
        },
    }


def _participant_row(item_id: int, round_id: int, position: int, p: Participant) -> dict[str, Any]:
    return {
        "id": item_id,
        "round_id": round_id,
        "position": position,
        "name": p.name,
        "title": p.title,
        "organisation": p.organization,
        "side": side_of(title=p.title, organisation=p.organization),
        "evidence": _evidence(p.evidence),
    }


def _simple_rows(
    writer: Writer, table: Table, round_id: int, items: Sequence[tuple[str, str, Evidence]]
) -> list[dict[str, Any]]:
    """Rows of a table whose items are one text column and evidence, numbered from the writer."""
    first = writer.allocate(table, len(items))
    return [
        {"id": first + i, "round_id": round_id, "position": i, column: value, "evidence": _evidence(ev)}
        for i, (column, value, ev) in enumerate(items)
    ]


def _commitment_row(
    item_id: int, round_id: int, position: int, *, text: str, who: str, step: NextStep | None
) -> dict[str, Any]:
    return {
        "id": item_id,
        "round_id": round_id,
        "position": position,
        "agreed_item_id": None,
        "text": text,
        "who": who,
        "due_from": step.due_from if step else None,
        "due_to": step.due_to if step else None,
        "window": step.window if step else None,
        "status": "open",
        "follow_up_round_id": None,
        "evidence": _evidence(step.evidence) if step else None,
    }


def _commitment_rows(
    writer: Writer, round_id: int, draft: DraftRound, agreed: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    steps = {step.text: step for step in draft.next_steps}
    agreed_texts = {row["text"] for row in agreed}
    extra = [step for step in draft.next_steps if step.text not in agreed_texts]
    first = writer.allocate(commitment, len(agreed) + len(extra))
    who = _who(draft)
    rows = []
    for i, item in enumerate(agreed):
        row = _commitment_row(
            first + i, round_id, i, text=item["text"], who=who, step=steps.get(item["text"])
        )
        rows.append({**row, "agreed_item_id": item["id"], "evidence": row["evidence"] or item["evidence"]})
    for j, step in enumerate(extra, start=len(agreed)):
        rows.append(_commitment_row(first + j, round_id, j, text=step.text, who=who, step=step))
    return rows


def _write_items(writer: Writer, round_id: int, draft: DraftRound) -> dict[str, int]:
    first = writer.allocate(round_participant, len(draft.participants))
    people = [_participant_row(first + i, round_id, i, p) for i, p in enumerate(draft.participants)]
    topics = _simple_rows(writer, round_topic, round_id, [("code", t.code, t.evidence) for t in draft.topics])
    agreed = _simple_rows(writer, agreed_item, round_id, [("text", a.text, a.evidence) for a in draft.agreed])
    refs = _simple_rows(
        writer, round_reference, round_id, [("text", r.text, r.evidence) for r in draft.references]
    )
    for row in refs:
        row["linked_round_id"] = None
    commitments = _commitment_rows(writer, round_id, draft, agreed)
    for table, rows in (
        (round_participant, people),
        (round_topic, topics),
        (agreed_item, agreed),
        (commitment, commitments),
        (round_reference, refs),
    ):
        writer.insert(table, rows)
    return {
        "participants": len(people),
        "topics": len(topics),
        "agreed": len(agreed),
        "commitments": len(commitments),
        "references": len(refs),
    }


def _fold_place(place: str | None) -> str:
    return " ".join((place or "").casefold().split())


def _duplicate_of(conn: Connection, draft: DraftRound) -> str | None:
    """Why ``draft`` is already stored (same readout text, or a round of the same date and place)."""
    for row in conn.execute(select(consultation_round).order_by(consultation_round.c.id)).mappings():
        rid = row["id"]
        stored = f"{row['status']} round {rid} (unforgotten round show {rid}; /rounds/{rid})"
        if draft.text_sha256 and (row["evidence"] or {}).get("readout_sha256") == draft.text_sha256:
            return f"this readout was already saved as {stored}"
        if draft.date is None or not draft.place or row["date"] != draft.date:
            continue
        if _fold_place(row["place"]) == _fold_place(draft.place):
            return f"a round of {draft.date.isoformat()} in {draft.place} is already stored: {stored}"
    return None


def save_draft(ws: Workspace, draft: DraftRound) -> int:
    """Store ``draft`` as a ``draft`` round with all its items and their evidence; its id.

    Refuses (:class:`~unforgotten.errors.DuplicateReadoutError`, nothing written) a readout whose
    text is stored already, or a round of the same date and place as a stored one.
    """
    ws.require(Permission.EDIT)
    ws.ensure_ready()
    with ws.write(action="round_save", subject="consultation_round") as writer:
        duplicate = _duplicate_of(writer.conn, draft)
        if duplicate is not None:
            name = f"{draft.source}: " if draft.source else ""
            raise DuplicateReadoutError(f"{name}{duplicate}; nothing was saved")
        round_id = writer.allocate(consultation_round)
        writer.insert(consultation_round, [_round_row(round_id, draft)])
        writer.detail.update(
            {"round": round_id, "source": draft.source, **_write_items(writer, round_id, draft)}
        )
    return round_id


def _existing(conn: Connection, table: Table, row_id: int) -> dict[str, Any]:
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"{table.name.replace('_', ' ')} {row_id} does not exist")
    return dict(row)


def confirm_round(ws: Workspace, round_id: int, *, reason: str = "confirmed by a person") -> None:
    """Mark a draft round as confirmed (checked by a person against the readout)."""
    ws.require(Permission.EDIT)
    with ws.write(action="round_confirm", subject=f"consultation_round:{round_id}") as writer:
        row = _existing(writer.conn, consultation_round, round_id)
        if row["status"] == "confirmed":
            raise ConflictError(f"round {round_id} is already confirmed; nothing was changed")
        writer.update(consultation_round, round_id, {"status": "confirmed"}, reason=reason)


def _check_status(status: str, reason: str) -> None:
    if status not in COMMITMENT_STATUSES:
        raise ValidationError(f"status must be one of {', '.join(COMMITMENT_STATUSES)}, not {status!r}")
    if not reason.strip():
        raise ValidationError("a reason is required to change a commitment's status")


def set_commitment_status(
    ws: Workspace, commitment_id: int, status: str, *, reason: str, follow_up_round: int | None = None
) -> dict[str, Any]:
    """Set a commitment's status with a reason (kept in its version history); the new row.

    ``follow_up_round`` names the later round that acted on it (it must exist and differ from
    the commitment's own round).
    """
    ws.require(Permission.EDIT)
    _check_status(status, reason)
    with ws.write(action="commitment_status", subject=f"commitment:{commitment_id}") as writer:
        row = _existing(writer.conn, commitment, commitment_id)
        changes: dict[str, Any] = {"status": status}
        if follow_up_round is not None:
            _existing(writer.conn, consultation_round, follow_up_round)
            if follow_up_round == row["round_id"]:
                raise ValidationError("a follow-up round must be a later round, not the commitment's own")
            changes["follow_up_round_id"] = follow_up_round
        writer.detail.update({"status": status, "follow_up_round": follow_up_round})
        return writer.update(commitment, commitment_id, changes, reason=reason)


def link_reference(ws: Workspace, reference_id: int, round_id: int, *, reason: str) -> None:
    """Record that a round's reference to another meeting is the stored round ``round_id``."""
    ws.require(Permission.EDIT)
    with ws.write(action="round_reference_link", subject=f"round_reference:{reference_id}") as writer:
        _existing(writer.conn, round_reference, reference_id)
        _existing(writer.conn, consultation_round, round_id)
        writer.update(round_reference, reference_id, {"linked_round_id": round_id}, reason=reason)


def key_hash(rec: Recommendation) -> str:
    """The SHA-256 of a recommendation's key: what makes it the same recommendation again."""
    return hashlib.sha256(canonical_json(list(rec.key)).encode("utf-8")).hexdigest()


def _theme_rules(rec: Recommendation) -> list[list[str]]:
    rules = resolution_theme_hits if rec.kind == "resolution" else theme_hits
    hits = [[code, rule, words] for code, rule, words in rules(rec.text) if code in rec.themes]
    given = {hit[0] for hit in hits}
    return hits + [[code, "CSV", ""] for code in rec.themes if code not in given]


def _recommendation_row(rec_id: int, rec: Recommendation, key: str) -> dict[str, Any]:
    return {
        "id": rec_id,
        "key_hash": key,
        "kind": rec.kind,
        "cycle": rec.cycle,
        "recommending_state": rec.recommending_state,
        "regional_group": rec.regional_group,
        "text": rec.text,
        "response": rec.response,
        "document": rec.document,
        "paragraph": rec.paragraph,
        "year": rec.year,
        "note": rec.note,
        "themes": list(rec.themes),
        "theme_rules": _theme_rules(rec),
        "source": rec.source,
    }


def store_recommendations(ws: Workspace, recs: Sequence[Recommendation], *, source: str) -> int:
    """Store the recommendations (or resolution paragraphs) not stored yet, in one audited write."""
    with ws.write(action="recommendations_import", subject=f"recommendations:{source}") as writer:
        known = set(writer.conn.execute(select(recommendation.c.key_hash)).scalars())
        new = {key_hash(r): r for r in recs if key_hash(r) not in known}
        first = writer.allocate(recommendation, len(new))
        rows = [_recommendation_row(first + i, rec, key) for i, (key, rec) in enumerate(new.items())]
        writer.insert(recommendation, rows)
        writer.detail.update({"source": source, "read": len(recs), "added": len(rows)})
    return len(rows)


def load_upr(ws: Workspace) -> int:
    """Store the shipped recommendations of UPR cycles 1–2 once; how many were added (0 after)."""
    ws.require(Permission.IMPORT)
    ws.ensure_ready()
    return store_recommendations(ws, load_recommendations(), source="shipped")


def import_recommendations(ws: Workspace, path: str | Path) -> int:
    """Store the recommendations of a CSV file (all rows checked first); how many were new."""
    ws.require(Permission.IMPORT)
    ws.ensure_ready()
    return store_recommendations(ws, import_csv(path), source=Path(path).name)


def link_recommendation(
    ws: Workspace,
    rec_id: int,
    *,
    case_id: int | None = None,
    incident_id: int | None = None,
    note: str | None = None,
) -> int:
    """Link a recommendation to a case and/or an incident of the registry; the link's id."""
    ws.require(Permission.EDIT)
    if case_id is None and incident_id is None:
        raise ValidationError("link a recommendation to a case, an incident or both")
    with ws.write(action="recommendation_link", subject=f"recommendation:{rec_id}") as writer:
        _existing(writer.conn, recommendation, rec_id)
        for table, row_id in ((s.case, case_id), (s.incident, incident_id)):
            if row_id is not None:
                _existing(writer.conn, table, row_id)
        link_id = writer.allocate(recommendation_link)
        row = {
            "id": link_id,
            "recommendation_id": rec_id,
            "case_id": case_id,
            "incident_id": incident_id,
            "note": note,
        }
        writer.insert(recommendation_link, [row])
    return link_id


def seed_demo(ws: Workspace) -> int:
    """Load UPR cycles 1–2 and save and confirm the seed round (15 April 2024); its id.

    Calling it again adds nothing and returns the same round.
    """
    load_upr(ws)
    with ws.read() as conn:
        found = conn.execute(
            select(consultation_round.c.id).where(consultation_round.c.source_name == SEED_READOUT)
        ).scalar()
    if found is not None:
        return int(found)
    text = data_path("un", "readouts", SEED_READOUT).read_text(encoding="utf-8")
    round_id = save_draft(ws, parse_readout(text, source=SEED_READOUT))
    confirm_round(ws, round_id, reason="seed round of the demo, checked against the readout")
    return round_id
