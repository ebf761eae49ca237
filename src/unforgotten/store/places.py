"""Locations: one row per distinct place text, resolved to a gazetteer unit where possible."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from unforgotten import korean
from unforgotten.store import schema as s
from unforgotten.store.writer import Writer

__all__ = ["PlaceResolver"]


class PlaceResolver:
    """Finds or creates the Location row of each place text within one write."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self._ids: dict[str, int] = {}

    def ensure(self, texts: Iterable[str]) -> None:
        """Make sure every non-empty text has a Location row."""
        wanted = {t.strip() for t in texts if t and t.strip()} - set(self._ids)
        if not wanted:
            return
        known = self.writer.conn.execute(
            select(s.location.c.text, s.location.c.id).where(s.location.c.text.in_(sorted(wanted)))
        ).all()
        self._ids.update({row.text: row.id for row in known})
        new = sorted(wanted - set(self._ids))
        first = self.writer.allocate(s.location, len(new))
        rows = [{"id": first + i, "text": text, **_resolve(text)} for i, text in enumerate(new)]
        self.writer.insert(s.location, rows)
        self._ids.update({row["text"]: row["id"] for row in rows})

    def id_of(self, text: str) -> int | None:
        """The Location id of a text (``None`` for an empty one)."""
        cleaned = text.strip()
        return self._ids[cleaned] if cleaned else None


_CONFIDENT = 0.75


def _resolve(text: str) -> dict[str, str | None]:
    """The gazetteer unit of a place text when one unit is a confident, unambiguous match."""
    matches = korean.resolve_place(text)
    if not matches or matches[0].confidence < _CONFIDENT:
        return {"code": None, "level": None, "province_code": None}
    best = matches[0]
    return {"code": best.code, "level": best.level, "province_code": best.province_code}
