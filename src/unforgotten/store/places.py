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
        self._complete = False  # whether _ids holds every stored location

    def preload(self) -> None:
        """Read every stored location now, so that :meth:`ensure` needs no query later."""
        query = select(s.location.c.text, s.location.c.id)
        self._ids.update({row.text: row.id for row in self.writer.conn.execute(query)})
        self._complete = True

    def ensure(self, texts: Iterable[str]) -> None:
        """Make sure every non-empty text has a Location row."""
        wanted = {t.strip() for t in texts if t and t.strip()} - self._ids.keys()
        if not wanted:
            return
        if not self._complete:
            known = self.writer.conn.execute(
                select(s.location.c.text, s.location.c.id).where(s.location.c.text.in_(sorted(wanted)))
            ).all()
            self._ids.update({row.text: row.id for row in known})
        new = sorted(wanted - self._ids.keys())
        if not new:
            return
        first = self.writer.allocate(s.location, len(new))
        rows = [{"id": first + i, "text": text, **_resolve(text)} for i, text in enumerate(new)]
        self.writer.insert(s.location, rows)
        self._ids.update({text: first + i for i, text in enumerate(new)})

    def id_of(self, text: str) -> int | None:
        """The Location id of a text (``None`` for an empty one)."""
        found = self._ids.get(text)  # most texts come stripped: one lookup
        if found is not None:
            return found
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
