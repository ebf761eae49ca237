"""Evidence intake, reading and derivation, each step an event of the audit chain.

Intake reads each file once: the bytes are hashed (SHA-256 and SHA-512) while they are sealed
into a temporary file of the store, which is then renamed into its place by SHA-256. The same
bytes received again are not stored again: the intake adds a second *link* (who received it,
when, how, for which record) to the one stored file. Who handed a file over is protected: it is
sealed with the registry's keyring and never written to the audit log, an error or an export.

The custody of an item is the list of audit events whose subject is that item:
``evidence_received``, ``evidence_viewed``, ``evidence_copied``, ``evidence_derived``,
``evidence_shared`` and ``evidence_exported``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import IntegrityError, NotFoundError, ValidationError
from unforgotten.evidence import metadata
from unforgotten.evidence.incoming import Incoming
from unforgotten.store import schema as s
from unforgotten.store.files import CHUNK, Digests, file_key, seal_key
from unforgotten.store.schema_evidence import evidence_content, evidence_link
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = ["Attach", "Evidence", "Given", "Received"]

CUSTODY_ACTIONS = (
    "evidence_received",
    "evidence_viewed",
    "evidence_copied",
    "evidence_derived",
    "evidence_shared",
    "evidence_exported",
)


@dataclass(frozen=True, slots=True)
class Attach:
    """The one record a file is evidence for: a person, a case, an incident or a source (by name)."""

    person: int | None = None
    case: int | None = None
    incident: int | None = None
    source: str | None = None

    def check(self) -> None:
        """Exactly one of the four must be given."""
        given = [v for v in (self.person, self.case, self.incident, self.source) if v is not None]
        if len(given) != 1:
            raise ValidationError(
                "attach the evidence to exactly one of --person, --case, --incident, --source"
            )

    def row(self, conn: Connection) -> dict[str, int | None]:
        """The link's record columns; a record that does not exist raises :class:`NotFoundError`."""
        if self.source is not None:
            found = conn.execute(select(s.source.c.id).where(s.source.c.name == self.source)).scalar()
            if found is None:
                raise NotFoundError(f"no source is called {self.source!r}")
            return {"source_id": int(found)}
        choices = (("person", s.person, self.person), ("case", s.case, self.case))
        kind, table, row_id = next(
            (k, t, i) for k, t, i in (*choices, ("incident", s.incident, self.incident)) if i is not None
        )
        if conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is None:
            raise NotFoundError(f"{kind} {row_id} does not exist")
        return {f"{kind}_id": row_id}


@dataclass(frozen=True, slots=True)
class Received:
    """One file taken in: its evidence id, hashes, size, media type, and whether its bytes were new."""

    evidence_id: int
    link_id: int
    sha256: str
    sha512: str
    size: int
    media_type: str
    stored: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "evidence_id": self.evidence_id,
            "link_id": self.link_id,
            "sha256": self.sha256,
            "sha512": self.sha512,
            "size": self.size,
            "media_type": self.media_type,
            "stored": self.stored,
        }


@dataclass(frozen=True, slots=True)
class Given:
    """What the person taking a file in says of it: who handed it over (protected), how, what it is."""

    received_from: str | None = None
    how: str | None = None
    description: str | None = None


def _subject(evidence_id: int) -> str:
    return f"evidence:{evidence_id}"


class Evidence:
    """Evidence files of one registry (see the module docstring)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # ------------------------------------------------------------------------------ intake
    def add(
        self,
        paths: Sequence[Path],
        *,
        attach: Attach,
        received_from: str | None = None,
        how: str | None = None,
        description: str | None = None,
    ) -> list[Received]:
        """Take in each file of ``paths`` for the record ``attach`` names; each is its own event."""
        self.check_intake(attach)
        for path in paths:
            if not path.is_file():
                raise ValidationError(f"{path}: no such file (or not a regular file); nothing was taken in")
        given = Given(received_from, how, description)
        return [self._add_path(path, attach=attach, given=given) for path in paths]

    def check_intake(self, attach: Attach) -> None:
        """Refuse an intake before any byte is read: the right to take files in, a ready registry,
        exactly one record named, and that record existing."""
        self.ws.require(Permission.IMPORT)
        self.ws.ensure_ready()
        attach.check()
        with self.ws.read() as conn:
            attach.row(conn)

    def incoming(self, name: str) -> Incoming:
        """A new file to push bytes into as they arrive (a web upload streams through this);
        record it with :meth:`take_in`."""
        self.ws.require(Permission.IMPORT)
        return Incoming(self.ws.files, name)

    def take_in(
        self,
        files: Sequence[Incoming],
        *,
        attach: Attach,
        received_from: str | None = None,
        how: str | None = None,
        description: str | None = None,
    ) -> list[Received]:
        """Record files received through :meth:`incoming` (each its own event, like :meth:`add`);
        their temporary files are removed whatever happens."""
        try:
            self.check_intake(attach)
            given = Given(received_from, how, description)
            return [self._record(f, plain=None, attach=attach, given=given) for f in files]
        finally:
            for f in files:
                f.discard()

    def _add_path(self, path: Path, *, attach: Attach, given: Given) -> Received:
        incoming = self._incoming_from(path, path.name)
        try:
            return self._record(incoming, plain=path, attach=attach, given=given)
        finally:
            incoming.discard()

    def _incoming_from(self, path: Path, name: str) -> Incoming:
        incoming = Incoming(self.ws.files, name)
        try:
            with path.open("rb") as source:
                while data := source.read(CHUNK):
                    incoming.write(data)
            incoming.finish()
        except BaseException:
            incoming.discard()
            raise
        return incoming

    def _metadata(
        self, incoming: Incoming, plain: Path | None, kind: str
    ) -> tuple[dict[str, Any], str | None]:
        if plain is not None:
            return metadata.extract(plain, kind)
        if not metadata.reads(kind):
            return {}, None
        with incoming.plain_copy(self.ws.files.root / "incoming") as copy:
            return metadata.extract(copy, kind)

    def _record(self, incoming: Incoming, *, plain: Path | None, attach: Attach, given: Given) -> Received:
        digests = incoming.finish()
        kind = metadata.media_type(incoming.head, incoming.name)
        meta, text = self._metadata(incoming, plain, kind)
        name = incoming.name
        with self.ws.write(action="evidence_received", subject="evidence") as w:
            record = attach.row(w.conn)
            evidence_id, stored = self._file_row(
                w,
                incoming,
                kind=kind,
                meta=meta,
                text=text,
                record=record,
                description=given.description,
            )
            link_id = self._link(w, evidence_id, record, name=name, given=given)
            w.subject = _subject(evidence_id)
            w.detail.update(
                {
                    "link": link_id,
                    "file_name": name,
                    "sha256": digests.sha256,
                    "size": digests.size,
                    "for": next(f"{k.removesuffix('_id')}:{v}" for k, v in record.items()),
                    "how": given.how,
                    "received_from": "recorded (protected)" if given.received_from else None,
                    "stored": "new file" if stored else "same bytes already stored",
                }
            )
        kind = self._media_type(evidence_id) if not stored else kind
        return Received(evidence_id, link_id, digests.sha256, digests.sha512, digests.size, kind, stored)

    def _file_row(
        self,
        w: Writer,
        incoming: Incoming,
        *,
        kind: str,
        meta: dict[str, Any],
        text: str | None,
        record: dict[str, int | None],
        description: str | None,
        derived: tuple[int, str] | None = None,
    ) -> tuple[int, bool]:
        """The evidence id of these bytes, storing them if they are new (and whether they were)."""
        digests, key, name = incoming.finish(), incoming.key, incoming.name
        known = w.conn.execute(select(s.evidence.c.id).where(s.evidence.c.sha256 == digests.sha256)).scalar()
        if known is not None:
            return int(known), False
        evidence_id = w.allocate(s.evidence)
        row = {
            "id": evidence_id,
            "sha256": digests.sha256,
            "file_name": name,
            "media_type": kind,
            "size": digests.size,
            "person_id": record.get("person_id"),
            "case_id": record.get("case_id"),
            "description": description,
        }
        w.insert(s.evidence, [row])
        content = {
            "id": evidence_id,
            "sha512": digests.sha512,
            "file_key_enc": seal_key(self.ws.keyring, key, evidence_id=evidence_id),
            "meta": meta,
            "text": text,
            "derived_from": derived[0] if derived else None,
            "derivation": derived[1] if derived else None,
            "stored_at": now_iso(),
        }
        w.insert(evidence_content, [content])
        self.ws.files.put(incoming.temporary, digests.sha256)
        return evidence_id, True

    def _link(
        self,
        w: Writer,
        evidence_id: int,
        record: dict[str, int | None],
        *,
        name: str,
        given: Given,
    ) -> int:
        link_id = w.allocate(evidence_link)
        sealed = self.ws.keyring.encrypt(
            given.received_from or None, context=f"evidence_link.received_from_enc.{link_id}"
        )
        row = {
            "id": link_id,
            "evidence_id": evidence_id,
            "person_id": None,
            "case_id": None,
            "incident_id": None,
            "source_id": None,
            **record,
            "file_name": name,
            "received_from_enc": sealed,
            "received_how": given.how or None,
            "received_at": now_iso(),
            "received_by": self.ws.settings.actor,
            "description": given.description or None,
        }
        w.insert(evidence_link, [row])
        return link_id

    def _media_type(self, evidence_id: int) -> str:
        with self.ws.read() as conn:
            return str(
                conn.execute(select(s.evidence.c.media_type).where(s.evidence.c.id == evidence_id)).scalar()
            )

    # ------------------------------------------------------------------------------ reading
    def _row(self, conn: Connection, evidence_id: int) -> dict[str, Any]:
        query = (
            select(s.evidence, *(c for c in evidence_content.c if c.name != "id"))
            .join(evidence_content, evidence_content.c.id == s.evidence.c.id)
            .where(s.evidence.c.id == evidence_id)
        )
        row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError(f"evidence {evidence_id} does not exist")
        return dict(row)

    def show(self, evidence_id: int, *, protected: bool = False) -> dict[str, Any]:
        """An item's hashes, metadata, links and text excerpt (audited as viewed); who handed it
        over only with ``protected`` (which needs the right to read protected fields)."""
        self.ws.require(Permission.READ_PROTECTED if protected else Permission.READ)
        with self.ws.read() as conn:
            row = self._row(conn, evidence_id)
            links = (
                conn.execute(
                    select(evidence_link)
                    .where(evidence_link.c.evidence_id == evidence_id)
                    .order_by(evidence_link.c.id)
                )
                .mappings()
                .all()
            )
            copies = (
                conn.execute(
                    select(evidence_content.c.id).where(evidence_content.c.derived_from == evidence_id)
                )
                .scalars()
                .all()
            )
        shown = _public(row)
        shown["links"] = [self._link_view(dict(link), protected=protected) for link in links]
        shown["derived_copies"] = [int(c) for c in copies]
        self.ws.audit(
            action="evidence_viewed",
            subject=_subject(evidence_id),
            detail={"shown": "metadata and links" + (", with protected fields" if protected else "")},
        )
        return shown

    def _link_view(self, link: dict[str, Any], *, protected: bool) -> dict[str, Any]:
        view = {k: v for k, v in link.items() if k != "received_from_enc"}
        if protected:
            view["received_from"] = self.ws.keyring.decrypt(
                link["received_from_enc"], context=f"evidence_link.received_from_enc.{link['id']}"
            )
        else:
            view["received_from"] = "(protected)" if link["received_from_enc"] else None
        return view

    def get(self, evidence_id: int, out: Path) -> Digests:
        """Write the original bytes of an item to ``out`` (checked against its hashes; audited as
        copied). Needs the right that takes evidence in (documenters, admins)."""
        self.ws.require(Permission.IMPORT)
        with self.ws.read() as conn:
            row = self._row(conn, evidence_id)
        digests = self._write_plain(row, out)
        self.ws.audit(
            action="evidence_copied",
            subject=_subject(evidence_id),
            detail={"to": out.name, "sha256": digests.sha256, "purpose": "decrypted copy"},
        )
        return digests

    def download(self, evidence_id: int) -> tuple[dict[str, Any], Iterator[bytes]]:
        """The item and its original bytes, chunk by chunk, for a download (audited as copied
        before the first byte; a stored file that no longer hashes as received stops the stream
        with :class:`IntegrityError`). Needs the right that takes evidence in."""
        self.ws.require(Permission.IMPORT)
        with self.ws.read() as conn:
            row = self._row(conn, evidence_id)
        key = file_key(self.ws.keyring, row["file_key_enc"], evidence_id=row["id"])
        self.ws.audit(
            action="evidence_copied",
            subject=_subject(evidence_id),
            detail={"to": "download", "sha256": row["sha256"], "purpose": "decrypted copy"},
        )
        return _public(row), self._checked_chunks(row, key)

    def _checked_chunks(self, row: dict[str, Any], key: bytes) -> Iterator[bytes]:
        first, second = hashlib.sha256(), hashlib.sha512()
        for chunk in self.ws.files.read(row["sha256"], key):
            first.update(chunk)
            second.update(chunk)
            yield chunk
        if (first.hexdigest(), second.hexdigest()) != (row["sha256"], row["sha512"]):
            raise IntegrityError(f"evidence {row['id']}: the stored file no longer hashes as received")

    def _write_plain(self, row: dict[str, Any], out: Path) -> Digests:
        key = file_key(self.ws.keyring, row["file_key_enc"], evidence_id=row["id"])
        first, second, size = hashlib.sha256(), hashlib.sha512(), 0
        partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                for chunk in self.ws.files.read(row["sha256"], key):
                    handle.write(chunk)
                    first.update(chunk)
                    second.update(chunk)
                    size += len(chunk)
            if (first.hexdigest(), second.hexdigest()) != (row["sha256"], row["sha512"]):
                raise IntegrityError(f"evidence {row['id']}: the stored file no longer hashes as received")
            os.replace(partial, out)
        except FileNotFoundError as exc:
            raise IntegrityError(
                f"evidence {row['id']}: the stored file is missing ({exc.filename})"
            ) from None
        finally:
            with suppress(FileNotFoundError):
                partial.unlink()
        return Digests(first.hexdigest(), second.hexdigest(), size)

    def export_copy(self, evidence_id: int, folder: Path, *, shareable: bool) -> dict[str, Any]:
        """Write an item into ``folder`` for a bundle (a shareable copy where asked and possible);
        the caller audits the export."""
        with self.ws.read() as conn:
            row = self._row(conn, evidence_id)
        safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in row["file_name"])[:120]
        out = folder / f"{evidence_id}-{safe}"
        if shareable and row["media_type"] in metadata.SHAREABLE:
            copy = self._shareable(evidence_id, out)
            return {**_public(row), "file": out.name, "shareable_copy": copy.evidence_id}
        self._write_plain(row, out)
        return {**_public(row), "file": out.name, "shareable_copy": None}

    # ------------------------------------------------------------------------------ custody
    def custody(self, evidence_id: int) -> dict[str, Any]:
        """The item and every custody event of it, oldest first."""
        self.ws.require(Permission.READ)
        with self.ws.read() as conn:
            item = _public(self._row(conn, evidence_id))
            return {"evidence": item, "events": custody_events(conn, evidence_id)}

    # ------------------------------------------------------------------------------ derivation
    def shareable(self, evidence_id: int, out: Path) -> Received:
        """A copy with identifying metadata removed, written to ``out`` and stored as a new item
        derived from the original (which is kept unchanged)."""
        self.ws.require(Permission.IMPORT)
        return self._shareable(evidence_id, out)

    def _shareable(self, evidence_id: int, out: Path) -> Received:
        with self.ws.read() as conn:
            row = self._row(conn, evidence_id)
        metadata.check_shareable(row["media_type"])
        plain = self.ws.files.root / "incoming" / f"{secrets.token_hex(16)}.plain"
        try:
            self._write_plain(row, plain)
            done = metadata.shareable_copy(plain, row["media_type"], out)
        finally:
            with suppress(FileNotFoundError):
                plain.unlink()
        return self._store_derived(row, out, done)

    def _store_derived(self, original: dict[str, Any], copy: Path, done: str) -> Received:
        kind = original["media_type"]
        record = {"person_id": original["person_id"], "case_id": original["case_id"]}
        incoming = self._incoming_from(copy, f"shareable-{original['file_name']}")
        try:
            digests = incoming.finish()
            meta, text = metadata.extract(copy, kind)
            with self.ws.write(action="evidence_derived", subject="evidence") as w:
                new_id, stored = self._file_row(
                    w,
                    incoming,
                    kind=kind,
                    meta=meta,
                    text=text,
                    record=record,
                    description=f"shareable copy of evidence {original['id']}",
                    derived=(original["id"], done),
                )
                w.subject = _subject(new_id)
                w.detail.update(
                    {"derived_from": original["id"], "derivation": done, "sha256": digests.sha256}
                )
        finally:
            incoming.discard()
        self.ws.audit(
            action="evidence_shared",
            subject=_subject(original["id"]),
            detail={"shareable_copy": new_id, "derivation": done, "to": copy.name},
        )
        return Received(new_id, 0, digests.sha256, digests.sha512, digests.size, kind, stored)


def custody_events(conn: Connection, evidence_id: int) -> list[dict[str, Any]]:
    """The audit events of one item, oldest first (details hold no protected value)."""
    e = s.audit_event
    query = select(e.c.id, e.c.at, e.c.actor, e.c.role, e.c.action, e.c.detail, e.c.hash).where(
        e.c.subject == _subject(evidence_id)
    )
    return [
        {**dict(r), "detail": json.loads(r["detail"])}
        for r in conn.execute(query.order_by(e.c.id)).mappings()
    ]


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """An item as shown: no key, the text as its length and first lines."""
    text = row.get("text") or ""
    return {
        "evidence_id": row["id"],
        "file_name": row["file_name"],
        "sha256": row["sha256"],
        "sha512": row["sha512"],
        "size": row["size"],
        "media_type": row["media_type"],
        "description": row["description"],
        "person_id": row["person_id"],
        "case_id": row["case_id"],
        "metadata": row["meta"],
        "text_chars": len(text),
        "text_excerpt": text[:500],
        "derived_from": row["derived_from"],
        "derivation": row["derivation"],
        "stored_at": row["stored_at"],
    }
