"""Merges by hand, splits and their undo: the reviewer's side of linkage.

A person's records never move: each keeps pointing at the person made when it was imported, and
a merge points one person at another (``person.merged_into``, the cluster's root is its smallest
person id). Every change here is versioned and closed by one audit event, and each leaves a
*decision* (``link_decision``) that later linkage runs respect:

- ``merge_persons`` records an accepted decision between the two persons and withdraws any
  keep-apart (rejected) decision between their records: the newest word of a person wins.
- ``split_person`` moves some records (named by store id) or some merged persons out into a new
  person, with keep-apart decisions between the two sides.
- ``undo_merge`` puts back exactly what one merge (or an accepted review) wrote: the persons'
  ``merged_into`` and the decisions as they were before. It refuses when a later change has
  touched the same rows, naming that change, so nothing later is silently overwritten.

A withdrawn decision stays in the table with ``decision = 'withdrawn'`` and its history, and is
ignored by linkage and by the review queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from sqlalchemy import Connection, and_, or_, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import ConflictError, NotFoundError, ValidationError
from unforgotten.store import schema as s
from unforgotten.store.audit import canonical_json, normalise_row
from unforgotten.store.queries import members
from unforgotten.store.schema import VERSIONED_TABLES, audit_event, record_version
from unforgotten.store.schema_linkage import link_decision
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = ["MergeReport", "UndoReport", "merge_persons", "split_person", "undo_merge"]

Decision = Literal["accepted", "rejected", "withdrawn"]
_UNDOABLE = ("merge", "review_accepted")


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What a merge by hand did; ``decision_id`` is what ``merge --undo`` takes."""

    person_id: int
    merged: list[int]
    decision_id: int
    withdrawn: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UndoReport:
    """What an undo put back."""

    decision_id: int
    event_id: int
    persons: list[int]
    decisions: list[int]


def root_of(conn: Connection, person_id: int) -> int:
    """The person that ``person_id`` is merged into (itself when not merged)."""
    row = conn.execute(select(s.person.c.merged_into).where(s.person.c.id == person_id)).first()
    if row is None:
        raise NotFoundError(
            f"person {person_id} does not exist (give a person id, as `unforgotten person` shows)"
        )
    return int(row.merged_into or person_id)


def records_of(conn: Connection, persons: Iterable[int]) -> dict[int, int]:
    """Store id of each record of ``persons`` → the person it was imported as."""
    query = select(s.source_record.c.id, s.source_record.c.person_id).where(
        s.source_record.c.person_id.in_(list(persons))
    )
    return {int(r): int(p) for r, p in conn.execute(query)}


def person_of_record(conn: Connection, record_id: int) -> int:
    """The person a record (by store id) was imported as."""
    person = conn.execute(
        select(s.source_record.c.person_id).where(s.source_record.c.id == record_id)
    ).scalar()
    if person is None:
        raise NotFoundError(f"record {record_id} does not exist (give a record store id)")
    return int(person)


def record_decision(
    writer: Writer, left: int, right: int, decision: Decision, *, actor: str, note: str | None
) -> int:
    """Insert or change the decision on a record pair; returns its id."""
    left, right = min(left, right), max(left, right)
    existing = writer.conn.execute(
        select(link_decision.c.id).where(link_decision.c.record_l == left, link_decision.c.record_r == right)
    ).scalar()
    values = {"decision": decision, "decided_by": actor, "decided_at": now_iso(), "note": note}
    if existing is None:
        new_id = writer.allocate(link_decision)
        writer.insert(link_decision, [{"id": new_id, "record_l": left, "record_r": right, **values}])
        return new_id
    writer.update(link_decision, int(existing), values, reason=f"decision changed to {decision}")
    return int(existing)


def merge_roots(writer: Writer, a: int, b: int, *, reason: str) -> tuple[int, list[int]]:
    """Point every member of the larger root at the smaller one; returns the kept root and the moved."""
    keep, drop = min(a, b), max(a, b)
    if keep == drop:
        return keep, []
    moved = members(writer.conn, drop)
    writer.update_many(s.person, {p: {"merged_into": keep} for p in moved}, reason=reason)
    return keep, moved


def _rejected_between(conn: Connection, left: Sequence[int], right: Sequence[int]) -> list[int]:
    query = select(link_decision.c.id).where(
        link_decision.c.decision == "rejected",
        or_(
            and_(link_decision.c.record_l.in_(left), link_decision.c.record_r.in_(right)),
            and_(link_decision.c.record_l.in_(right), link_decision.c.record_r.in_(left)),
        ),
    )
    return sorted(int(d) for d in conn.execute(query).scalars())


def withdraw_rejections(
    writer: Writer, left: Sequence[int], right: Sequence[int], *, actor: str
) -> list[int]:
    """Withdraw every keep-apart decision between two groups of records (a merge overrides them)."""
    ids = _rejected_between(writer.conn, left, right)
    values = {"decision": "withdrawn", "decided_by": actor, "decided_at": now_iso(), "note": "merged by hand"}
    writer.update_many(link_decision, dict.fromkeys(ids, values), reason="withdrawn by a merge")
    return ids


def merge_persons(ws: Workspace, a: int, b: int, *, note: str | None = None) -> MergeReport:
    """Merge two persons by hand (an accepted decision between them)."""
    ws.require(Permission.LINK)
    with ws.write(action="merge", subject=f"person:{a}+{b}") as writer:
        roots = [root_of(writer.conn, a), root_of(writer.conn, b)]
        if roots[0] == roots[1]:
            raise ValidationError(f"persons {a} and {b} are already one person ({roots[0]})")
        sides = [sorted(records_of(writer.conn, members(writer.conn, r))) for r in roots]
        if not sides[0] or not sides[1]:
            raise ValidationError(f"person {roots[0] if not sides[0] else roots[1]} has no records to merge")
        actor = ws.settings.actor
        withdrawn = withdraw_rejections(writer, sides[0], sides[1], actor=actor)
        decision = record_decision(
            writer, sides[0][0], sides[1][0], "accepted", actor=actor, note=note or "merged by hand"
        )
        kept, merged = merge_roots(writer, *roots, reason=f"merged by hand: {a} and {b}")
        writer.detail.update({"persons": roots, "kept": kept, "decision": decision, "withdrawn": withdrawn})
    return MergeReport(kept, merged, decision, withdrawn)


def _moving_records(
    root: int, owners: dict[int, int], *, records: Sequence[int], persons: Sequence[int]
) -> set[int]:
    moving = set(records)
    wrong = sorted(moving - set(owners))
    if wrong:
        raise ValidationError(_not_a_record_of(root, wrong[0], owners))
    strays = sorted(set(persons) - set(owners.values()))
    if strays:
        members_text = ", ".join(str(p) for p in sorted(set(owners.values())))
        raise ValidationError(
            f"person {strays[0]} is not part of person {root} (its persons: {members_text})"
        )
    moving |= {r for r, p in owners.items() if p in set(persons)}
    if not moving or moving == set(owners):
        raise ValidationError(f"give some, not all, of person {root}'s records: {_listing(owners)}")
    torn = sorted({owners[r] for r in moving} & {owners[r] for r in set(owners) - moving})
    if torn:
        raise ValidationError(
            f"person {torn[0]}'s records cannot be separated from each other; move all of them"
        )
    return moving


def _listing(owners: dict[int, int]) -> str:
    return ", ".join(f"record {r} (person {p})" for r, p in sorted(owners.items()))


def _not_a_record_of(root: int, value: int, owners: dict[int, int]) -> str:
    if value in set(owners.values()):
        records = ", ".join(str(r) for r, p in sorted(owners.items()) if p == value)
        return (
            f"{value} is a person id, not a record store id: to move person {value} out of person {root} "
            f"use --person {value} (its records: {records})"
        )
    return f"record {value} is not one of person {root}'s records: {_listing(owners)}"


def split_person(
    ws: Workspace,
    person_id: int,
    records: Sequence[int] = (),
    *,
    persons: Sequence[int] = (),
    note: str | None = None,
) -> int:
    """Move records (store ids) or merged persons out of a person into a new one; returns its id."""
    ws.require(Permission.LINK)
    with ws.write(action="split", subject=f"person:{person_id}") as writer:
        root = root_of(writer.conn, person_id)
        owners = records_of(writer.conn, members(writer.conn, root))
        moving = _moving_records(root, owners, records=records, persons=persons)
        staying = sorted(set(owners) - moving)
        sides = [sorted({owners[r] for r in moving}), sorted({owners[r] for r in staying})]
        changes: dict[int, dict[str, Any]] = {
            p: {"merged_into": None if p == min(side) else min(side)} for side in sides for p in side
        }
        writer.update_many(s.person, changes, reason=f"split of person {root}")
        for left in sorted(moving):
            for right in staying:
                record_decision(
                    writer, left, right, "rejected", actor=ws.settings.actor, note=note or "split"
                )
        writer.detail.update({"person": root, "moved": sorted(moving), "new_person": sides[0][0]})
    return sides[0][0]


def _merge_event(conn: Connection, decision_id: int) -> int:
    row = conn.execute(
        select(record_version.c.event_id, record_version.c.data, audit_event.c.action)
        .join(audit_event, audit_event.c.id == record_version.c.event_id)
        .where(record_version.c.table_name == "link_decision", record_version.c.row_id == decision_id)
        .order_by(record_version.c.version.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(f"decision {decision_id} does not exist (merge prints the decision id)")
    if json.loads(row.data)["decision"] != "accepted" or row.action not in _UNDOABLE:
        raise ValidationError(
            f"decision {decision_id} is not a merge (its last change was {row.action!r}); "
            "only a merge or an accepted review can be undone"
        )
    return int(row.event_id)


def _written_by(conn: Connection, event_id: int) -> list[dict[str, Any]]:
    """Each row the event wrote, once: its last version there, and the first version it wrote."""
    query = (
        select(record_version)
        .where(
            record_version.c.event_id == event_id,
            record_version.c.table_name.in_(["person", "link_decision"]),
        )
        .order_by(record_version.c.id)
    )
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for v in conn.execute(query).mappings():
        key = (v["table_name"], v["row_id"])
        first = rows[key]["first"] if key in rows else v["version"]
        rows[key] = {**v, "first": first}
    return list(rows.values())


def _previous(conn: Connection, table: str, row_id: int, version: int) -> dict[str, Any] | None:
    data = conn.execute(
        select(record_version.c.data).where(
            record_version.c.table_name == table,
            record_version.c.row_id == row_id,
            record_version.c.version == version - 1,
        )
    ).scalar()
    return None if data is None else dict(json.loads(data))


def _changed_since(conn: Connection, version: Any) -> str | None:
    table = VERSIONED_TABLES[version["table_name"]]
    row = conn.execute(select(table).where(table.c.id == version["row_id"])).mappings().one()
    if canonical_json(normalise_row(cast(Mapping[str, Any], row))) == version["data"]:
        return None
    later = conn.execute(
        select(audit_event.c.id, audit_event.c.action, audit_event.c.subject)
        .join(record_version, record_version.c.event_id == audit_event.c.id)
        .where(
            record_version.c.table_name == version["table_name"],
            record_version.c.row_id == version["row_id"],
            record_version.c.version > version["version"],
        )
        .order_by(audit_event.c.id.desc())
        .limit(1)
    ).one()
    what = "person" if version["table_name"] == "person" else "decision"
    return (
        f"{what} {version['row_id']} was changed since, by {later.action} {later.subject} (event {later.id})"
    )


def undo_merge(ws: Workspace, decision_id: int, *, note: str | None = None) -> UndoReport:
    """Put back the persons and decisions exactly as they were before one merge."""
    ws.require(Permission.LINK)
    with ws.write(action="merge_undo", subject=f"decision:{decision_id}") as writer:
        event_id = _merge_event(writer.conn, decision_id)
        written = _written_by(writer.conn, event_id)
        conflicts = [c for v in written if (c := _changed_since(writer.conn, v))]
        if conflicts:
            raise ConflictError(
                f"cannot undo decision {decision_id}: {conflicts[0]}"
                + (f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else "")
                + "; undo that change first, or use `unforgotten split`"
            )
        reason = note or f"undo of merge (decision {decision_id})"
        persons, decisions = _revert(writer, written, reason=reason, actor=ws.settings.actor)
        writer.detail.update({"decision": decision_id, "undoes_event": event_id, "persons": persons})
    return UndoReport(decision_id, event_id, persons, decisions)


def _revert(writer: Writer, written: list[Any], *, reason: str, actor: str) -> tuple[list[int], list[int]]:
    persons: dict[int, dict[str, Any]] = {}
    decisions: dict[int, dict[str, Any]] = {}
    for v in written:
        before = _previous(writer.conn, v["table_name"], v["row_id"], v["first"])
        if v["table_name"] == "person":
            persons[v["row_id"]] = {"merged_into": (before or {}).get("merged_into")}
        elif before is None:  # the merge made this decision: it is withdrawn, not deleted
            decisions[v["row_id"]] = {
                "decision": "withdrawn",
                "decided_by": actor,
                "decided_at": now_iso(),
                "note": reason,
            }
        else:
            decisions[v["row_id"]] = {k: before[k] for k in ("decision", "decided_by", "decided_at", "note")}
    writer.update_many(s.person, persons, reason=reason)
    writer.update_many(link_decision, decisions, reason=reason)
    return sorted(persons), sorted(decisions)
