"""The canonical import columns: a file that uses these names needs no mapping."""

from __future__ import annotations

__all__ = ["CANONICAL_COLUMNS", "PROTECTED_COLUMNS"]

CANONICAL_COLUMNS: dict[str, str] = {
    "record_id": "the source's own id of the row, unique in that source (required)",
    "full_name": "the name as written, any script or romanization",
    "family_name": "family name (surname), if the list separates it",
    "given_name": "given name, if the list separates it",
    "name_hangul": "the name in Hangul",
    "aliases": "other names, separated by |",
    "sex": "M/F/U, 남/여, male/female",
    "birth_date": "partial or Korean-formatted date (1952, 1952-03, 1952년 3월 14일, c. 1950 …)",
    "birth_place": "place of birth, any spelling",
    "case_type": "abductee_wartime, abductee_postwar, detainee, pow, forcibly_returned, "
    "political_prisoner … (see docs/import-format.md)",
    "event_date": "date of the abduction, detention or disappearance (partial allowed)",
    "event_place": "place of the event, any spelling",
    "status": "unresolved, alive, deceased, returned, released, detained",
    "notes": "free text",
    "informant_name": "PROTECTED: who gave the information",
    "informant_contact": "PROTECTED: how to reach them",
}

PROTECTED_COLUMNS: frozenset[str] = frozenset({"informant_name", "informant_contact"})
