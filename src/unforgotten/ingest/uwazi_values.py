"""Uwazi's cell formats, both ways: what its CSV export writes and what its CSV import reads.

Uwazi writes select and multiselect labels joined by ``|``, a nested thesaurus value as
``Parent::Child``, dates in the collection's date format (``YYYY-MM-DD`` by default), a date range
as ``from~to`` (its importer reads ``from:to``), several dates or ranges joined by ``|``, a
geolocation as ``lat|lon``, a link as ``label|url``, relationships as the titles of the related
entities joined by ``|``, documents as ``/files/NAME`` and attachments as URLs ending in the file's
name. The entities JSON its API returns holds the same values as objects; :func:`json_cell`
writes them as the CSV export would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote, urlparse

__all__ = [
    "DEFAULT_DATE_FORMAT",
    "MULTI",
    "PARENT_CHILD",
    "RANGE_EXPORT",
    "RANGE_IMPORT",
    "file_name",
    "first_value",
    "format_date",
    "iso_dates",
    "json_cell",
    "leaf",
    "split_multi",
]

DEFAULT_DATE_FORMAT = "YYYY-MM-DD"
MULTI, PARENT_CHILD, RANGE_EXPORT, RANGE_IMPORT = "|", "::", "~", ":"
_TOKENS = {"YYYY": r"(?P<y>\d{4})", "MM": r"(?P<m>\d{1,2})", "DD": r"(?P<d>\d{1,2})"}


def split_multi(cell: str) -> list[str]:
    """The values of a multi-value cell (``a|b|c``), trimmed, empty ones left out."""
    return [part.strip() for part in cell.split(MULTI) if part.strip()]


def first_value(cell: str) -> str:
    """The first of several values, or the cell itself."""
    values = split_multi(cell)
    return values[0] if values else ""


def leaf(value: str) -> str:
    """A nested thesaurus value's own label: ``Abduction::Post-war`` → ``Post-war``."""
    return value.rsplit(PARENT_CHILD, 1)[-1].strip()


@cache
def _pattern(date_format: str) -> re.Pattern[str]:
    fmt = date_format.upper()
    parts = re.split(r"(YYYY|MM|DD)", fmt)
    body = "".join(_TOKENS.get(p, re.escape(p)) for p in parts)
    return re.compile(rf"\s*{body}\s*")


def _iso_one(text: str, date_format: str) -> str:
    found = _pattern(date_format).fullmatch(text)
    if not found:
        return text.strip()
    y, m, d = int(found["y"]), int(found["m"]), int(found["d"])
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return text.strip()


def iso_dates(cell: str, date_format: str = DEFAULT_DATE_FORMAT) -> str:
    """The first date or range of a date cell as ISO (``from~to`` for a range), read in the
    collection's ``date_format``; text that does not fit the format is left as it is."""
    value = first_value(cell)
    if RANGE_EXPORT in value:
        start, _, end = value.partition(RANGE_EXPORT)
        return f"{_iso_one(start, date_format)}{RANGE_EXPORT}{_iso_one(end, date_format)}"
    return _iso_one(value, date_format)


def format_date(day: date, date_format: str = DEFAULT_DATE_FORMAT) -> str:
    """A day as the collection's date format writes it."""
    fmt = date_format.upper()
    return (
        fmt.replace("YYYY", f"{day.year:04d}")
        .replace("MM", f"{day.month:02d}")
        .replace("DD", f"{day.day:02d}")
    )


def file_name(reference: str) -> str:
    """The file name of a document (``/files/NAME``) or an attachment URL."""
    path = urlparse(reference.strip()).path or reference.strip()
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


def _timestamp_date(value: Any, date_format: str) -> str:
    if value is None or value == "":
        return ""
    try:
        return format_date(datetime.fromtimestamp(float(value), UTC).date(), date_format)
    except (TypeError, ValueError, OverflowError, OSError):
        return str(value)


def _range(value: Any, date_format: str) -> str:
    value = value if isinstance(value, Mapping) else {}
    start, end = (
        _timestamp_date(value.get("from"), date_format),
        _timestamp_date(value.get("to"), date_format),
    )
    return f"{start}{RANGE_EXPORT}{end}" if start or end else ""


def _label(item: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    label = str(item.get("label") or labels.get(str(item.get("value")), "") or item.get("value") or "")
    parent = item.get("parent")
    if isinstance(parent, Mapping) and parent.get("label"):
        return f"{parent['label']}{PARENT_CHILD}{label}"
    return label


def json_cell(kind: str, items: Sequence[Any], *, date_format: str, labels: Mapping[str, str]) -> str:
    """One metadata property of an entity (a list of ``{"value": …}``) as Uwazi's CSV writes it;
    ``labels`` gives thesaurus labels by value id where the entity holds only ids."""
    objects = [i for i in items if isinstance(i, Mapping)]
    values = [i.get("value") for i in objects]
    if kind in ("select", "multiselect", "relationship"):
        return MULTI.join(v for v in (_label(i, labels) for i in objects) if v)
    if kind in ("date", "multidate"):
        return MULTI.join(_timestamp_date(v, date_format) for v in values)
    if kind in ("daterange", "multidaterange"):
        return MULTI.join(_range(v, date_format) for v in values)
    if kind == "geolocation" and values and isinstance(values[0], Mapping):
        return f"{values[0].get('lat', '')}{MULTI}{values[0].get('lon', '')}"
    if kind == "link" and values and isinstance(values[0], Mapping):
        return f"{values[0].get('label', '')}{MULTI}{values[0].get('url', '')}"
    return "" if not values or values[0] is None else str(values[0])
