"""``import FILE --suggest-mapping``: a mapping file for the headers the importer does not know.

Each header that is neither a canonical column nor a known header (:data:`HEADER_ALIASES`, and
for Uwazi exports :data:`~unforgotten.ingest.uwazi.PROPERTY_ALIASES`) is compared with the
canonical columns, their descriptions' words and the known headers; the closest canonical column
is written as an active line, weaker guesses as comments, and a header with no guess is listed
as kept verbatim. The output is a mapping file in the format of :mod:`unforgotten.ingest.mapping`.
"""

from __future__ import annotations

import difflib

from unforgotten.ingest.columns import CANONICAL_COLUMNS, HEADER_ALIASES, header_key

__all__ = ["guess", "suggest_mapping"]

_STRONG, _WEAK = 0.85, 0.6
_HINTS: dict[str, str] = {
    **{c.replace("_", " "): c for c in CANONICAL_COLUMNS},
    **HEADER_ALIASES,
    "name": "full_name",
    "korean name": "name_hangul",
    "hangul": "name_hangul",
    "dob": "birth_date",
    "born": "birth_date",
    "birth": "birth_date",
    "abduction date": "event_date",
    "date of event": "event_date",
    "event": "event_date",
    "place": "event_place",
    "comment": "notes",
    "comments": "notes",
    "note": "notes",
    "informant": "informant_name",
    "phone": "informant_contact",
    "contact": "informant_contact",
    "type": "case_type",
    "category": "case_type",
}


def guess(header: str, aliases: dict[str, str] | None = None) -> tuple[str | None, float]:
    """The canonical column a header most likely means and how close it is (0 to 1)."""
    key = header_key(header)
    known = {**_HINTS, **(aliases or {})}
    if key in known:
        return known[key], 1.0
    best: tuple[str | None, float] = (None, 0.0)
    for hint, column in known.items():
        ratio = difflib.SequenceMatcher(None, key, hint).ratio()
        if hint in key.split() or (len(hint) > 3 and hint in key):
            ratio = max(ratio, 0.8)
        if ratio > best[1]:
            best = (column, ratio)
    return best


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggest_mapping(header: tuple[str, ...], *, aliases: dict[str, str] | None = None, file: str = "") -> str:
    """A mapping file (TOML) for the unknown headers of ``header``, with the guesses."""
    known = {**HEADER_ALIASES, **(aliases or {})}
    unknown = [h for h in header if h not in CANONICAL_COLUMNS and header_key(h) not in known]
    taken = {c for c in header if c in CANONICAL_COLUMNS} | {
        known[header_key(h)] for h in header if header_key(h) in known
    }
    lines = [
        f"# Mapping suggested for {file or 'the file'}: check each line before importing.",
        "",
        "[columns]",
    ]
    kept = []
    for column in unknown:
        canonical, score = guess(column, aliases)
        if canonical is None or score < _WEAK:
            kept.append(column)
            continue
        line = f"{canonical} = {_quoted(column)}  # guess, {score:.0%} sure"
        if score >= _STRONG and canonical not in taken:
            taken.add(canonical)
            lines.append(line)
        else:
            lines.append(f"# {line}")
    if len(lines) == 3:
        lines.append("# every header is known: no mapping is needed")
    if kept:
        lines += ["", "# kept verbatim with each record (no canonical column fits):"]
        lines += [f"#   {_quoted(c)}" for c in kept]
    return "\n".join(lines) + "\n"
