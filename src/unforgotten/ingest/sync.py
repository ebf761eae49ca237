"""Updates by re-import: a newer version of a list from the same source, matched by ``record_id``.

A row whose ``record_id`` the source already holds is compared with what is stored: the cells
that differ become the next version of the rows they feed (source record, person, case), with the
batch as the reason; a row that did not change is not touched. A row the source held that the new
file lacks is marked withdrawn by the source (the person's entry gets the state ``withdrawn``:
kept, shown, left out of estimates and statistics like a retired person); it comes back (state
``approved``) if a later file holds it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.ingest.columns import SENSITIVE_COLUMNS
from unforgotten.ingest.validate import RowPlan
from unforgotten.store import schema as s
from unforgotten.store.names import primary_name
from unforgotten.store.places import PlaceResolver
from unforgotten.store.schema_records import record_entry
from unforgotten.store.writer import Writer, now_iso

__all__ = ["Difference", "Stored", "apply_difference", "difference", "stored_records"]

_HIDDEN = SENSITIVE_COLUMNS


@dataclass(frozen=True, slots=True)
class Stored:
    """What the store holds of one record of the source."""

    id: int
    person_id: int
    raw: dict[str, str]
    withdrawn: bool


@dataclass(slots=True)
class Difference:
    """Added, changed (with old → new per field), unchanged and withdrawn rows of a re-import."""

    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, dict[str, tuple[str, str]]]] = field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)

    def to_dict(self, *, rows: bool = True) -> dict[str, Any]:
        """The counts, and with ``rows`` one entry per added, changed and withdrawn row."""
        data: dict[str, Any] = {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "withdrawn": len(self.withdrawn),
        }
        if rows:
            data["rows"] = [
                *({"record_id": r, "change": "added"} for r in self.added),
                *(
                    {"record_id": r, "change": "changed", "fields": {k: list(v) for k, v in f.items()}}
                    for r, f in self.changed
                ),
                *({"record_id": r, "change": "withdrawn"} for r in self.withdrawn),
            ]
        return data


def stored_records(conn: Connection, source: str) -> dict[str, Stored]:
    """The records ``source`` holds, by ``record_id``."""
    sr, e = s.source_record, record_entry
    withdrawn = set(
        conn.execute(select(e.c.row_id).where(e.c.table_name == "person", e.c.state == "withdrawn")).scalars()
    )
    query = (
        select(sr.c.record_id, sr.c.id, sr.c.person_id, sr.c.raw)
        .join(s.source, s.source.c.id == sr.c.source_id)
        .where(s.source.c.name == source)
    )
    return {
        r.record_id: Stored(r.id, r.person_id, dict(r.raw), r.person_id in withdrawn)
        for r in conn.execute(query)
    }


def raw_cells(plan: RowPlan) -> dict[str, str]:
    """Every non-protected cell of a row verbatim (what a source record keeps as ``raw``)."""
    raw = {k: v for k, v in plan.values.items() if k not in _HIDDEN}
    raw.update(plan.extra)
    return raw


def _changed_fields(old: dict[str, str], new: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {
        k: (old.get(k, ""), new.get(k, ""))
        for k in dict.fromkeys([*old, *new])
        if old.get(k, "") != new.get(k, "")
    }


def difference(plans: Iterable[RowPlan], stored: dict[str, Stored], added: Sequence[str] = ()) -> Difference:
    """Compare the rows of a new file with what the source holds (``added``: the record ids of
    the file's new rows when ``plans`` holds only the rows the source had)."""
    diff = Difference(added=list(added))
    seen = set(added)
    for plan in plans:
        seen.add(plan.record_id)
        old = stored.get(plan.record_id)
        if old is None:
            diff.added.append(plan.record_id)
            continue
        fields = _changed_fields(old.raw, raw_cells(plan))
        if old.withdrawn:
            fields["(state)"] = ("withdrawn", "approved")
        if fields:
            diff.changed.append((plan.record_id, fields))
        else:
            diff.unchanged += 1
    diff.withdrawn = [r for r, old in stored.items() if r not in seen and not old.withdrawn]
    return diff


def _date_values(prefix: str, date: Any) -> dict[str, Any]:
    return {
        f"{prefix}_raw": date.raw or None,
        f"{prefix}_start": date.start,
        f"{prefix}_end": date.end,
        f"{prefix}_precision": date.precision,
        f"{prefix}_circa": date.circa,
    }


def _update_if_changed(writer: Writer, table: Any, row_id: int, wanted: dict[str, Any], reason: str) -> None:
    current = writer.conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if current is None:
        return
    changes = {k: v for k, v in wanted.items() if current[k] != v}
    if changes:
        writer.update(table, row_id, changes, reason=reason)


def _set_state(writer: Writer, person_id: int, state: str, reason: str, actor: str) -> None:
    e = record_entry
    entry = (
        writer.conn.execute(select(e).where(e.c.table_name == "person", e.c.row_id == person_id))
        .mappings()
        .first()
    )
    if entry is None:
        entry_id = writer.allocate(e)
        writer.insert(
            e,
            [
                {
                    "id": entry_id,
                    "table_name": "person",
                    "row_id": person_id,
                    "version": 2,
                    "state": state,
                    "author": actor,
                    "edited_by": actor,
                    "edited_at": now_iso(),
                    "reviewed_by": None,
                    "reviewed_version": 1,
                    "retired_reason": reason if state == "withdrawn" else None,
                    "document": {},
                }
            ],
            reason=reason,
        )
        return
    changes = {
        "version": int(entry["version"]) + 1,
        "state": state,
        "edited_by": actor,
        "edited_at": now_iso(),
        "retired_reason": reason if state == "withdrawn" else None,
    }
    writer.update(e, int(entry["id"]), changes, reason=reason)


def apply_difference(
    writer: Writer,
    plans: Sequence[RowPlan],
    stored: dict[str, Stored],
    diff: Difference,
    *,
    parsed: Any,
    reason: str,
    actor: str,
) -> None:
    """Write the changed rows as new versions (``reason`` names the batch) and mark the
    withdrawn ones; ``parsed(plan)`` gives a record's ``parsed`` object."""
    changed = {r for r, _ in diff.changed}
    todo = [p for p in plans if p.record_id in changed]
    places = PlaceResolver(writer)
    places.ensure(p.values[c] for p in todo for c in ("birth_place", "event_place"))
    for plan in todo:
        old = stored[plan.record_id]
        _update_if_changed(
            writer, s.source_record, old.id, {"raw": raw_cells(plan), "parsed": parsed(plan)}, reason
        )
        _update_if_changed(
            writer,
            s.person,
            old.person_id,
            {
                "primary_name": primary_name(plan.values),
                "sex": plan.sex,
                **_date_values("birth_date", plan.birth),
                "birth_place_id": places.id_of(plan.values["birth_place"]),
            },
            reason,
        )
        case_id = writer.conn.execute(
            select(s.case.c.id).where(s.case.c.source_record_id == old.id).order_by(s.case.c.id)
        ).scalar()
        if case_id is not None and plan.case_type:
            _update_if_changed(
                writer,
                s.case,
                int(case_id),
                {
                    "case_type": plan.case_type,
                    "status": plan.status,
                    **_date_values("event_date", plan.event),
                    "event_place_id": places.id_of(plan.values["event_place"]),
                },
                reason,
            )
        if old.withdrawn:
            _set_state(writer, old.person_id, "approved", reason, actor)
    for record_id in diff.withdrawn:
        _set_state(
            writer, stored[record_id].person_id, "withdrawn", f"{reason}: withdrawn by the source", actor
        )
