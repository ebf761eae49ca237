"""Exports partners load: records as JSON with EDTF dates and links, and as an Uwazi CSV.

The JSON form keeps every cell of a record as the record export does, with ``birth_date`` and
``event_date`` in EDTF (the text as the source wrote it moves to ``birth_date_text`` and
``event_date_text``), the URL of the person's page (``url``) and the record's source link
(``sources``: the source's name, the record's id there and the source's page).

The Uwazi CSV is what Uwazi's CSV import reads for the template :func:`uwazi_template`
describes: one column per property under its name (Uwazi turns each header into a property
name the same way, so the names are kept as they are), translated columns as ``name__LANG``
for each of ``languages`` (the first is the collection's default), dates as ranges
``YYYY-MM-DD:YYYY-MM-DD`` (a partial date is the span it can mean), select labels as the
vocabulary writes them in English, several values joined by ``|``, links as ``label|url``
(with a base URL only: Uwazi takes links with a host), the incident place's gazetteer
coordinates as ``lat|lon``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from unforgotten.domain.dates import PartialDate, edtf, parse_partial_date
from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, SEX, Vocabulary
from unforgotten.korean.gazetteer import counties, facilities, provinces

__all__ = ["UWAZI_PROPERTIES", "edtf_record", "geolocation", "page_url", "uwazi_row", "uwazi_template"]

# (label, Uwazi property type, where the value comes from); the title comes first
UWAZI_PROPERTIES: tuple[tuple[str, str, str], ...] = (
    ("Name in Hangul", "text", "name_hangul"),
    ("Other names", "text", "aliases"),
    ("Sex", "select", "sex"),
    ("Date of birth", "daterange", "birth_date"),
    ("Place of birth", "text", "birth_place"),
    ("Case type", "select", "case_type"),
    ("Date of incident", "daterange", "event_date"),
    ("Place of incident", "text", "event_place"),
    ("Status", "select", "status"),
    ("Description", "markdown", "notes"),
    ("Source", "text", "source"),
    ("Source record", "text", "record_id"),
    ("Record page", "link", "url"),
    ("Geolocation", "geolocation", "event_geo"),
)
_TRANSLATED = frozenset(("text", "markdown"))
_VOCABULARIES: dict[str, Vocabulary] = {"sex": SEX, "case_type": CASE_TYPES, "status": CASE_STATUSES}
_DATES = ("birth_date", "event_date")


def _safe_name(label: str) -> str:
    """A property's name as Uwazi derives it from the label (and from a CSV header)."""
    return re.sub(r"[^a-z0-9]", "_", label.strip(), flags=re.IGNORECASE).lower()


def _property_name(label: str, kind: str) -> str:
    """The property's name: Uwazi gives a geolocation property the suffix ``_geolocation``."""
    name = _safe_name(label)
    return f"{name}_geolocation" if kind == "geolocation" else name


def page_url(base_url: str, kind: str, row_id: Any) -> str:
    """The URL of a page of the web application (``/persons/12`` without a base URL)."""
    return f"{base_url.rstrip('/')}/{kind}/{row_id}"


def _date(cells: Mapping[str, Any], parsed: Mapping[str, Any], column: str) -> PartialDate:
    """The record's date as imported; a lunar date by its solar form, as the import stored it."""
    if parsed.get(f"{column}_lunar"):
        return parse_partial_date(str(parsed.get(column) or ""))
    return parse_partial_date(str(cells.get(column) or ""))


def edtf_record(
    row: Mapping[str, Any], *, parsed: Mapping[str, Any], source_id: int, base_url: str
) -> dict[str, Any]:
    """A record export row with its dates in EDTF, its page and its source link."""
    out = dict(row)
    for column in _DATES:
        if column in row:
            out[column] = edtf(_date(row, parsed, column))
            out[f"{column}_text"] = row[column]
    out["url"] = page_url(base_url, "persons", row["person_id"])
    out["sources"] = [
        {
            "source": row["source"],
            "record_id": row["record_id"],
            "url": page_url(base_url, "sources", source_id),
        }
    ]
    return out


def _label(column: str, code: Any) -> str:
    if not code:
        return ""
    try:
        return _VOCABULARIES[column].term(str(code)).label_en
    except (KeyError, ValueError):  # a code no vocabulary holds stays as it is
        return str(code)


def _range(date: PartialDate) -> str:
    if date.start is None or date.end is None:
        return ""
    return f"{date.start.isoformat()}:{date.end.isoformat()}"


def _value(
    source: str, kind: str, row: Mapping[str, Any], *, parsed: Mapping[str, Any], url: str, geo: str
) -> str:
    if kind == "geolocation":
        return geo
    if kind == "daterange":
        return _range(_date(row, parsed, source))
    if kind == "select":
        return _label(source, parsed.get(source))
    if source == "url":  # Uwazi takes a link with a host only: empty without a base URL
        return f"{row.get('full_name') or row['record_id']}|{url}" if "://" in url else ""
    return str(row.get(source) or "")


def uwazi_row(
    row: Mapping[str, Any],
    *,
    parsed: Mapping[str, Any],
    base_url: str,
    languages: tuple[str, ...],
    geo: str = "",
) -> dict[str, str]:
    """One record as a row of Uwazi's CSV import; ``geo`` is its place's ``lat|lon``."""
    url = page_url(base_url, "persons", row["person_id"])
    title = str(row.get("full_name") or row.get("name_hangul") or row["record_id"])
    korean_title = str(row.get("name_hangul") or title)
    out: dict[str, str] = {}
    values = {"title": title}
    for label, kind, source in UWAZI_PROPERTIES:
        values[_property_name(label, kind)] = _value(source, kind, row, parsed=parsed, url=url, geo=geo)
    kinds = {"title": "text", **{_property_name(label, kind): kind for label, kind, _ in UWAZI_PROPERTIES}}
    for name, value in values.items():
        if not languages or kinds[name] not in _TRANSLATED:
            out[name] = value
            continue
        for language in languages:
            out[f"{name}__{language}"] = korean_title if name == "title" and language == "ko" else value
    return out


def uwazi_template(name: str) -> dict[str, Any]:
    """The Uwazi template the CSV fits: its name and its properties (label, name, type)."""
    return {
        "name": name,
        "properties": [
            {"label": label, "name": _property_name(label, kind), "type": kind}
            for label, kind, _ in UWAZI_PROPERTIES
        ],
    }


@cache
def _coordinates() -> dict[str, str]:
    """Gazetteer code → ``lat|lon`` of every unit with coordinates."""
    units = (*provinces(), *counties(), *facilities())
    return {u.code: f"{u.lat}|{u.lon}" for u in units if u.lat is not None and u.lon is not None}


def geolocation(code: str | None) -> str:
    """The ``lat|lon`` of a gazetteer unit; empty for a place not resolved or without coordinates."""
    return _coordinates().get(code or "", "")
