"""Key rotation: a fresh key re-encrypts every protected value, then the old key is retired.

Every ciphertext is re-encrypted in one transaction: the protected columns of the current rows
(each change a new version) and the ciphertexts kept in earlier versions in ``record_version``,
so the retired key opens nothing afterwards. A re-encrypted version keeps the hash its own event
covers; its new hash goes to ``version_rekey`` and the rotation's event carries their digest.

The key file holds both keys until the transaction commits (written to a new file, synced, then
renamed over the old one), so a crash at any point leaves a key file that opens every value.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import ConfigError, CryptoError
from unforgotten.store import schema as s
from unforgotten.store.audit import canonical_json, version_hash
from unforgotten.store.crypto import Keyring
from unforgotten.store.db import ENCRYPTED_COLUMNS
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer

__all__ = ["RotationReport", "rotate_key", "write_rekeys"]

_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c for t, c in ENCRYPTED_COLUMNS if t == name)
    for name in dict.fromkeys(t for t, _ in ENCRYPTED_COLUMNS)
}  # informants, protected extra cells, web users' second-factor secrets
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What a rotation did: values re-encrypted per table, and where the key now is."""

    old_keys: list[str]
    new_key: str
    key_file: str
    values: dict[str, int] = field(default_factory=dict)
    kept_old: str | None = None

    @property
    def total(self) -> int:
        """Values re-encrypted in all tables."""
        return sum(self.values.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (no key material)."""
        return {
            "new_key": self.new_key,
            "retired": self.old_keys,
            "values": self.total,
            "by_table": self.values,
            "key_file": self.key_file,
            "old_key_kept": self.kept_old,
            "key_backup_must_contain": [self.key_file],
            "older_key_backups_open_this_database": False,
        }


def rotate_key(ws: Workspace, *, keep_old: bool = False) -> RotationReport:
    """Re-encrypt every protected value under a new key and retire the old ones.

    ``keep_old`` keeps the old key file as ``<key file>.retired-<date>`` (it opens database
    backups made before now); by default it is removed.
    """
    ws.require(Permission.MANAGE)
    ws.ensure_ready()
    if os.environ.get("UNFORGOTTEN_KEY"):
        raise ConfigError("the keyring comes from UNFORGOTTEN_KEY; rotate with a key file (--key-file)")
    path = ws.settings.key_file
    old = ws.keyring  # checked against the database: a wrong key stops here
    kept = _keep(old, path) if keep_old else None
    both = old.rotated()
    both.save(path)
    try:
        with ws.write(action="rotate_key", subject="keyring") as writer:
            counts = {"record_version": _reencrypt_versions(writer, old, both)}
            for name, columns in _COLUMNS.items():
                counts[name] = _reencrypt_rows(writer, old, both, s.VERSIONED_TABLES[name], columns)
            writer.detail.update({"new_key": both.active, "retired": sorted(old.keys), "values": counts})
    except BaseException:
        old.save(path)  # nothing was committed: the old key still opens every value
        raise
    both.retired().save(path)
    ws.__dict__["keyring"] = both.retired()
    return RotationReport(sorted(old.keys), both.active, str(path), counts, kept)


def _keep(old: Keyring, path: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.retired-{stamp}")
    old.save(kept)
    return str(kept)


def _reencrypt_rows(writer: Writer, old: Keyring, new: Keyring, table: Any, columns: tuple[str, ...]) -> int:
    query = select(table.c.id, *(table.c[c] for c in columns)).order_by(table.c.id)
    changes = {}
    for row in writer.conn.execute(query).mappings().all():
        if change := _reencrypt(old, new, table.name, dict(row), columns):
            changes[row["id"]] = change
    writer.update_many(table, changes, reason="key rotation")
    return sum(len(c) for c in changes.values())


def _reencrypt_versions(writer: Writer, old: Keyring, new: Keyring) -> int:
    """Re-encrypt the ciphertexts of earlier versions; record their new hashes and digest."""
    rv, conn = s.record_version, writer.conn
    query = select(rv.c.id, rv.c.table_name, rv.c.row_id, rv.c.version, rv.c.op, rv.c.data).where(
        rv.c.table_name.in_(list(_COLUMNS))
    )
    digest, values, versions, last = hashlib.sha256(), 0, 0, 0
    while rows := conn.execute(query.where(rv.c.id > last).order_by(rv.c.id).limit(_CHUNK)).all():
        last = rows[-1].id
        updates, rekeys = [], []
        for v in rows:
            data = orjson.loads(v.data)
            changes = _reencrypt(old, new, v.table_name, {**data, "id": v.row_id}, _COLUMNS[v.table_name])
            if changes:
                text = canonical_json({**data, **changes})
                updates.append({"vid": v.id, "data": text})
                rekeys.append((v.id, version_hash(v.table_name, v.row_id, v.version, v.op, text)))
                values += len(changes)
        if rekeys:
            write_rekeys(conn, writer, updates, rekeys)
            digest.update("".join(h for _, h in rekeys).encode("ascii"))
            versions += len(rekeys)
    if versions:
        writer.detail["rekeyed"] = {"count": versions, "digest": digest.hexdigest()}
    return values


def write_rekeys(
    conn: Connection, writer: Writer, updates: list[dict[str, Any]], rekeys: list[tuple[int, str]]
) -> None:
    rv = s.record_version
    conn.execute(rv.update().where(rv.c.id == bindparam("vid")).values(data=bindparam("data")), updates)
    first = writer.allocate(s.version_rekey, len(rekeys))
    rows = [
        {"id": first + i, "version_id": vid, "event_id": writer.event_id, "hash": digest}
        for i, (vid, digest) in enumerate(rekeys)
    ]
    conn.execute(s.version_rekey.insert(), rows)


def _reencrypt(
    old: Keyring, new: Keyring, table: str, row: Mapping[str, Any], columns: tuple[str, ...]
) -> dict[str, str]:
    changes = {}
    for column in columns:
        stored = row.get(column)
        if stored is None:
            continue
        context = f"{table}.{column}.{row['id']}"
        try:
            clear = old.decrypt(stored, context=context)
        except CryptoError as exc:
            raise CryptoError(
                f"{context}: cannot re-encrypt ({exc}); add the key that sealed it to the key file's "
                "keys and rotate again. Nothing was changed."
            ) from exc
        changes[column] = new.encrypt(clear, context=context)
    return {k: v for k, v in changes.items() if v is not None}
