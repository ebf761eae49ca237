"""Key rotation: a fresh key re-encrypts every protected value, then the old key is retired.

The key file holds both keys until every value is re-encrypted and committed, so a crash at any
point leaves a key file that opens every stored value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select

from unforgotten.domain.roles import Permission
from unforgotten.errors import ConfigError
from unforgotten.store import schema as s
from unforgotten.store.crypto import Keyring
from unforgotten.store.db import ENCRYPTED_COLUMNS
from unforgotten.store.workspace import Workspace

__all__ = ["RotationReport", "rotate_key"]

_FIELDS = tuple(
    (s.VERSIONED_TABLES[name], tuple(c for t, c in ENCRYPTED_COLUMNS if t == name))
    for name in dict.fromkeys(t for t, _ in ENCRYPTED_COLUMNS)
)  # informants, protected extra cells, web users' second-factor secrets


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What a rotation did."""

    old_keys: list[str]
    new_key: str
    values: int


def rotate_key(ws: Workspace) -> RotationReport:
    """Re-encrypt every protected value under a new key and retire the old ones."""
    ws.require(Permission.MANAGE)
    ws.ensure_ready()
    if os.environ.get("UNFORGOTTEN_KEY"):
        raise ConfigError("the keyring comes from UNFORGOTTEN_KEY; rotate with a key file (--key-file)")
    old = ws.keyring
    both = old.rotated()
    both.save(ws.settings.key_file)
    count = 0
    with ws.write(action="rotate_key", subject="keyring") as writer:
        for table, columns in _FIELDS:
            for row in writer.conn.execute(select(table)).mappings().all():
                changes = _reencrypt(old, both, table.name, row, columns)
                if changes:
                    writer.update(table, row["id"], changes, reason="key rotation")
                    count += len(changes)
        writer.detail.update({"new_key": both.active, "retired": sorted(old.keys), "values": count})
    both.retired().save(ws.settings.key_file)
    ws.__dict__["keyring"] = both.retired()
    return RotationReport(sorted(old.keys), both.active, count)


def _reencrypt(
    old: Keyring, new: Keyring, table: str, row: object, columns: tuple[str, ...]
) -> dict[str, str]:
    changes = {}
    for column in columns:
        stored = row[column]  # type: ignore[index]
        if stored is None:
            continue
        context = f"{table}.{column}.{row['id']}"  # type: ignore[index]
        changes[column] = new.encrypt(old.decrypt(stored, context=context), context=context)
    return {k: v for k, v in changes.items() if v is not None}
