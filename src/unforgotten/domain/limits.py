"""How long each field may be: one table for every write path (import, record entry, the web app).

A 50,000-character name makes a 300 KB page, and name comparisons grow faster than the name:
one 100,004-character name once kept linkage busy for minutes. So every field has a cap, and
a longer value is refused with a message naming the field and the limit (never the value: it may
be protected). Columns without a cap of their own (extra columns of a list) are held to
:data:`DEFAULT_MAX`.

>>> check_length("full_name", "Kim Chol-su") is None
True
>>> check_length("record_id", "x" * 201)
'201 characters; record_id may hold at most 200'
"""

from __future__ import annotations

__all__ = ["COMPARE_MAX", "DEFAULT_MAX", "LIMITS", "check_length", "limit_of"]

_NAME, _PLACE, _TEXT = 300, 300, 20_000

LIMITS: dict[str, int] = {
    "record_id": 200,
    "full_name": _NAME,
    "family_name": _NAME,
    "given_name": _NAME,
    "name_hangul": _NAME,
    "aliases": 10 * _NAME,  # several names, |-separated
    "alias": _NAME,
    "birth_place": _PLACE,
    "event_place": _PLACE,
    "place": _PLACE,
    "birth_date": 100,
    "event_date": 100,
    "sex": 50,
    "case_type": 100,
    "status": 100,
    "notes": _TEXT,
    "note": _TEXT,
    "description": _TEXT,
    "informant_name": _NAME,
    "informant_contact": 1_000,
    "source": 300,
    # fields of the workbench (records.fields) that the import does not have
    "title": 500,
    "organisation": _PLACE,
    "citation": 1_000,
    "reason": 1_000,
    "perpetrator_text": 500,
}
"""The most characters each field may hold."""

DEFAULT_MAX = 100_000
"""The cap of a field not in :data:`LIMITS` (an extra column kept verbatim with its record)."""

COMPARE_MAX = _NAME
"""Linkage compares at most this many characters of a name or place (defence in depth for a
longer value that reached the registry before the caps, or by another way)."""


def limit_of(field: str) -> int:
    """The most characters ``field`` may hold."""
    return LIMITS.get(field, DEFAULT_MAX)


def check_length(field: str, value: str) -> str | None:
    """``None`` when ``value`` fits ``field``'s cap, else the reason (without the value)."""
    limit = limit_of(field)
    if len(value) <= limit:
        return None
    return f"{len(value):,} characters; {field} may hold at most {limit:,}"
