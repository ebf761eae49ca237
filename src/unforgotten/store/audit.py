"""The tamper-evident record: canonical hashing, record versions and the audit hash chain.

Each audit event stores the hash of the one before it, so editing, inserting or deleting an
event breaks the chain. An event that wrote rows also stores a digest of the versions it wrote;
each version stores a hash of its own content; the newest version of every row must match the
row as it stands. :mod:`.verify` walks all three.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson

__all__ = [
    "GENESIS",
    "canonical_json",
    "event_hash",
    "insert_version_hashes",
    "normalise_row",
    "version_hash",
]

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def normalise_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's values as JSON-ready plain values (dates as ISO text)."""
    return {str(key): _plain(value) for key, value in row.items()}


def canonical_json(data: Any) -> str:
    """The one JSON text of ``data`` that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return orjson.dumps(data, default=_plain, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def version_hash(table: str, row_id: int, version: int, op: str, data: str) -> str:
    """SHA-256 of one record version."""
    text = "\x1f".join((table, str(row_id), str(version), op, data))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def insert_version_hashes(table: str, rows: Sequence[tuple[int, bytes]]) -> list[str]:
    """:func:`version_hash` of first versions (``1``, ``insert``) of ``(row id, UTF-8 data)``, in bulk."""
    sha256, name = hashlib.sha256, table.encode("utf-8")
    form = b"%s\x1f%d\x1f1\x1finsert\x1f%s"
    return [sha256(form % (name, row_id, data)).hexdigest() for row_id, data in rows]


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """SHA-256 of one audit event, chained to the previous event's hash."""
    fields = {k: event[k] for k in ("id", "at", "actor", "role", "action", "subject", "detail")}
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()
