"""Who may see which records: ``source.confidentiality`` applied to persons, cases and records.

A source's records are hidden from a role that may not see its level
(:func:`unforgotten.domain.roles.may_see`). A person is hidden as a whole when any of its records
(merged members' included) is hidden: its names, dates and history come from every record, so
showing the rest of it would show part of the hidden one. Hidden persons are not found (404),
not listed by search, and not exported; hidden sources are not listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, select

from unforgotten.domain.roles import CONFIDENTIALITY, may_see
from unforgotten.errors import NotFoundError
from unforgotten.store import schema as s

__all__ = ["Visibility", "export_visibility", "visibility"]


class Visibility:
    """The sources and live persons hidden from one reader."""

    def __init__(self, conn: Connection, hidden_levels: Iterable[str]) -> None:
        levels = sorted(set(hidden_levels))
        self.sources: dict[int, str] = {}
        self.persons: frozenset[int] = frozenset()
        if not levels:
            return
        query = select(s.source.c.id, s.source.c.name).where(
            s.source.c.confidentiality.in_(levels) | s.source.c.confidentiality.not_in(CONFIDENTIALITY)
        )
        self.sources = {int(i): str(n) for i, n in conn.execute(query)}
        if self.sources:
            live = func.coalesce(s.person.c.merged_into, s.person.c.id)
            persons = (
                select(live)
                .select_from(s.source_record.join(s.person, s.person.c.id == s.source_record.c.person_id))
                .where(s.source_record.c.source_id.in_(list(self.sources)))
                .distinct()
            )
            self.persons = frozenset(int(p) for (p,) in conn.execute(persons))

    @property
    def hides_any(self) -> bool:
        """Whether anything is hidden."""
        return bool(self.sources)

    def rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Export rows without the hidden ones: a record row (with ``source``) of a hidden source,
        a person row (``person_id``, no ``source``) of a hidden person."""
        if not self.hides_any:
            return rows
        names = set(self.sources.values())
        return [
            r
            for r in rows
            if (r["source"] not in names if "source" in r else r.get("person_id") not in self.persons)
        ]

    def check_person(self, person_id: int) -> None:
        """Refuse a hidden live person as if it did not exist."""
        if person_id in self.persons:
            raise NotFoundError(f"person {person_id} does not exist")

    def check_source(self, source_id: int) -> None:
        """Refuse a hidden source as if it did not exist."""
        if source_id in self.sources:
            raise NotFoundError(f"source {source_id} does not exist")


def visibility(conn: Connection, role: str) -> Visibility:
    """What ``role`` may not see."""
    return Visibility(conn, [level for level in CONFIDENTIALITY if not may_see(role, level)])


def export_visibility(conn: Connection, *, include_confidential: bool) -> Visibility:
    """What an export leaves out: confidential sources unless asked for (the caller checked the role)."""
    return Visibility(conn, [] if include_confidential else ["confidential"])
