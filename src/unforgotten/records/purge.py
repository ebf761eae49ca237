"""The one deletion: a purge of a person's protected data on a legal or consent request.

Nothing else in the registry is ever deleted. A purge clears the ciphertext of every protected
value that hangs on a person's records — the informants' names and contacts and the protected
extra cells — in the rows *and in every earlier version of them*, so no backup key or old
version can bring them back from this database. The purge is itself audited: its event names the
person, the records, the reason and how many values were cleared, and carries the digest of the
versions it rewrote, which ``verify`` checks as it checks a key rotation's (see
:mod:`unforgotten.store.keys`). Backups made before the purge still hold the values: the
deployment guide says how long backups are kept and how to purge them too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from sqlalchemy import select

from unforgotten.domain.roles import Permission
from unforgotten.errors import NotFoundError
from unforgotten.records.fields import check_text
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.audit import canonical_json, version_hash
from unforgotten.store.keys import write_rekeys
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer

__all__ = ["PurgeReport", "purge_protected"]

_CLEARED = {"informant": ("name_enc", "contact_enc"), "source_record": ("protected_extra",)}


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a purge cleared."""

    person_id: int
    records: list[int]
    values: int
    versions: int
    event_id: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "person_id": self.person_id,
            "records": self.records,
            "values_cleared": self.values,
            "versions_rewritten": self.versions,
            "event_id": self.event_id,
        }


def purge_protected(ws: Workspace, person_id: int, *, reason: str) -> PurgeReport:
    """Clear every protected value of a person's records, history included (admins only)."""
    ws.require(Permission.MANAGE)
    ws.ensure_ready()
    why = check_text("reason", reason, required=True, what="purge")
    with ws.write(action="purge_protected", subject=f"person:{person_id}") as w:
        if w.conn.execute(select(s.person.c.id).where(s.person.c.id == person_id)).first() is None:
            raise NotFoundError(f"person {person_id} does not exist")
        group = queries.members(w.conn, person_id)
        records = sorted(
            int(r)
            for r in w.conn.execute(
                select(s.source_record.c.id).where(s.source_record.c.person_id.in_(group))
            ).scalars()
        )
        informants = (
            sorted(
                int(i)
                for i in w.conn.execute(
                    select(s.informant.c.id).where(s.informant.c.source_record_id.in_(records))
                ).scalars()
            )
            if records
            else []
        )
        targets = {"informant": informants, "source_record": records}
        values = _clear_rows(w, targets, why)
        versions = _clear_versions(w, targets)
        w.detail.update({"person": person_id, "records": records, "reason": why, "values_cleared": values})
    return PurgeReport(person_id, records, values, versions, w.event_id)


def _clear_rows(w: Writer, targets: dict[str, list[int]], why: str) -> int:
    cleared = 0
    for name, row_ids in targets.items():
        table, columns = s.VERSIONED_TABLES[name], _CLEARED[name]
        if not row_ids:
            continue
        rows = w.conn.execute(
            select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id.in_(row_ids))
        )
        changes = {}
        for row in rows.mappings():
            held = {c: None for c in columns if row[c] is not None}
            if held:
                changes[int(row["id"])] = held
                cleared += len(held)
        if changes:
            w.update_many(table, changes, reason=f"protected data purged: {why}")
    return cleared


def _clear_versions(w: Writer, targets: dict[str, list[int]]) -> int:
    """Clear the ciphertexts in the earlier versions of those rows; record their new hashes."""
    rv = s.record_version
    digest, count = hashlib.sha256(), 0
    for name, row_ids in targets.items():
        if not row_ids:
            continue
        query = (
            select(rv.c.id, rv.c.row_id, rv.c.version, rv.c.op, rv.c.data)
            .where(rv.c.table_name == name, rv.c.row_id.in_(row_ids), rv.c.event_id != w.event_id)
            .order_by(rv.c.id)
        )
        updates, rekeys = [], []
        for v in w.conn.execute(query).all():
            data = orjson.loads(v.data)
            if all(data.get(c) is None for c in _CLEARED[name]):
                continue
            text = canonical_json({**data, **{c: None for c in _CLEARED[name]}})
            updates.append({"vid": v.id, "data": text})
            rekeys.append((v.id, version_hash(name, v.row_id, v.version, v.op, text)))
        if rekeys:
            write_rekeys(w.conn, w, updates, rekeys)
            digest.update("".join(h for _, h in rekeys).encode("ascii"))
            count += len(rekeys)
    if count:
        w.detail["rekeyed"] = {"count": count, "digest": digest.hexdigest()}
    return count
