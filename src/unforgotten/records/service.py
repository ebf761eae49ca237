"""The record service: create, edit, restore, retire and review persons, cases, incidents and
sources, with provenance per value and optimistic locking.

Every entry point (the web forms, the CLI, the JSON API) calls these methods, so a save makes the
same rows, versions and audit event whichever way it came. Each save is one
:meth:`Workspace.write <unforgotten.store.workspace.Workspace.write>`: the rows it changes, their
versions and the entry's next version are written together and closed by one audit event that
names the record, or nothing is written.

* **Versions.** An entry's version goes up by one on every save; a save may name the version it
  was based on (``expect_version``) and is refused with :class:`StaleVersionError` (nothing
  written, both documents given) when another save came first.
* **Review.** What is entered in the workbench is a *draft* until someone else with the review
  right approves it; drafts and retired records are left out of estimates and statistics.
  Imported rows are approved with their batch.
* **Provenance.** Each value set names its source (and optionally a record and a citation) and a
  confidence. A value from another source never overwrites: both are kept, one preferred.
* **Nothing is deleted.** A record is retired with a reason and can be restored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from unforgotten.domain.dates import parse_partial_date
from unforgotten.domain.roles import Permission, may
from unforgotten.domain.vocab import CASE_TYPES, case_type_violation
from unforgotten.errors import ConflictError, FieldErrors, NotFoundError, PermissionDenied, StaleVersionError
from unforgotten.records.documents import (
    TABLES,
    document_of,
    entry_of,
    entry_versions,
    source_of_row,
    values_of,
    version_of,
)
from unforgotten.records.fields import FIELDS, PROTECTED, check_confidence, check_field, check_text, clean
from unforgotten.store import schema as s
from unforgotten.store.names import name_tuples, primary_name
from unforgotten.store.places import PlaceResolver
from unforgotten.store.schema_records import case_status, field_value, record_entry
from unforgotten.store.visibility import visibility
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = ["Provenance", "Records", "Saved"]

#: Fields whose values are sourced (a field_value row per source), per kind.
#: The tables a new person with a case writes rows in (their next ids are read in one query).
_ENTRY_TABLES = (
    s.import_batch,
    s.source_record,
    s.person,
    s.name,
    s.location,
    s.case,
    s.incident,
    s.act,
    s.informant,
    field_value,
    case_status,
    record_entry,
)

_SOURCED = {
    "person": ("name", "name_hangul", "aliases", "sex", "birth_date", "birth_place"),
    "case": ("case_type", "event_date", "event_place"),
    "incident": ("title", "date", "place", "description"),
    "source": (),
}


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the values of one save come from and how strongly it supports them."""

    source: str | None = None  # a source's name; None: the record's own source
    confidence: str = "confirmed"
    citation: str = ""  # page, paragraph, minute of a recording
    preferred: bool = True  # False: keep the value beside the preferred one, not in its place


@dataclass(frozen=True, slots=True)
class Saved:
    """What one save did."""

    kind: str
    row_id: int
    version: int
    state: str
    changed: tuple[str, ...]
    event_id: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"person_id": N, "version": V, "state": ..., "changed": [...], ...}``."""
        return {
            f"{self.kind}_id": self.row_id,
            "version": self.version,
            "state": self.state,
            "changed": list(self.changed),
            "event_id": self.event_id,
            **self.extra,
        }


def _source_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(s.source.c.id).where(s.source.c.name == name)).scalar()
    if found is not None:
        return int(found)
    names = list(conn.execute(select(s.source.c.name).order_by(s.source.c.name)).scalars())
    hint = f"; known sources: {', '.join(names[:12])}" + (" …" if len(names) > 12 else "") if names else ""
    raise NotFoundError(f"source {name!r} does not exist (add it with `unforgotten source add`){hint}")


def _date_columns(prefix: str, text: str) -> dict[str, Any]:
    date = parse_partial_date(text or None)
    return {
        f"{prefix}_raw": text or None,
        f"{prefix}_start": date.start,
        f"{prefix}_end": date.end,
        f"{prefix}_precision": date.precision,
        f"{prefix}_circa": date.circa,
    }


def _changes(before: Mapping[str, Any], after: Mapping[str, Any], fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in fields if (before.get(f) or "") != (after.get(f) or ""))


class Records:
    """The record service of one workspace (see the module docstring)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # ----------------------------------------------------------------------------- reading
    def show(self, kind: str, row_id: int) -> dict[str, Any]:
        """A record's document, version, review state and sourced values."""
        self.ws.require(Permission.READ)
        self.ws.ensure_ready()
        with self.ws.read() as conn:
            return self._show(conn, kind, row_id)

    def _check_visible(self, conn: Connection, kind: str, row_id: int, entry: Any) -> None:
        """A record the acting role may not see is answered as if it did not exist: a record of a
        confidential source (docs/security.md), or a draft to a viewer."""
        role = self.ws.settings.role.value
        if (
            entry is not None
            and entry["state"] == "draft"
            and not may(role, Permission.EDIT)
            and not may(role, Permission.LINK)
        ):
            raise NotFoundError(f"{kind} {row_id} does not exist")
        hidden = visibility(conn, role)
        if not hidden.hides_any:
            return
        if kind == "source":
            hidden.check_source(row_id)
            return
        person = _person_of(conn, kind, row_id)
        if person is not None:
            try:
                hidden.check_person(person)
            except NotFoundError:
                raise NotFoundError(f"{kind} {row_id} does not exist") from None

    def _show(self, conn: Connection, kind: str, row_id: int) -> dict[str, Any]:
        document = document_of(conn, kind, row_id)
        entry = entry_of(conn, kind, row_id)
        self._check_visible(conn, kind, row_id, entry)
        return {
            "kind": kind,
            "id": row_id,
            "version": version_of(entry),
            "state": entry["state"] if entry else "approved",
            "author": entry["author"] if entry else None,
            "edited_by": entry["edited_by"] if entry else None,
            "reviewed_by": entry["reviewed_by"] if entry else None,
            "reviewed_version": entry["reviewed_version"] if entry else 1,
            "retired_reason": entry["retired_reason"] if entry else None,
            "document": document,
            "values": values_of(conn, kind, row_id),
        }

    def history(self, kind: str, row_id: int) -> list[dict[str, Any]]:
        """Every version of a record, oldest first, with the fields each changed (old → new)."""
        self.ws.require(Permission.READ)
        self.ws.ensure_ready()
        with self.ws.read() as conn:
            document_of(conn, kind, row_id)  # NotFoundError for a record that does not exist
            entry = entry_of(conn, kind, row_id)
            self._check_visible(conn, kind, row_id, entry)
            if entry is None:
                return [self._first_version(conn, kind, row_id)]
            versions = entry_versions(conn, int(entry["id"]))
        out: list[dict[str, Any]] = []
        previous: dict[str, Any] = {}
        for v in versions:
            data = v["data"]
            document = data["document"]
            changes = {
                f: [previous.get(f, ""), document.get(f, "")]
                for f in (*FIELDS[kind], "statuses", "acts")
                if f in document
                and previous.get(f, "") != document.get(f, "")
                and (previous or document.get(f))
            }
            out.append(
                {
                    "version": data["version"],
                    "at": v["at"],
                    "actor": v["actor"],
                    "reason": v["reason"],
                    "state": data["state"],
                    "event_id": v["event_id"],
                    "changes": changes,
                    "document": document,
                }
            )
            previous = document
        return out

    def _first_version(self, conn: Connection, kind: str, row_id: int) -> dict[str, Any]:
        v, e = s.record_version, s.audit_event
        row = conn.execute(
            select(e.c.at, e.c.actor, e.c.id, v.c.reason)
            .join(e, e.c.id == v.c.event_id)
            .where(v.c.table_name == TABLES[kind].name, v.c.row_id == row_id, v.c.version == 1)
        ).first()
        document = document_of(conn, kind, row_id)
        return {
            "version": 1,
            "at": row.at if row else None,
            "actor": row.actor if row else None,
            "reason": (row.reason if row else None) or "imported",
            "state": "approved",
            "event_id": row.id if row else None,
            "changes": {},
            "document": document,
        }

    def review_queue(self) -> list[dict[str, Any]]:
        """Drafts, and approved records edited since their approval, oldest first."""
        self.ws.require(Permission.READ)
        self.ws.ensure_ready()
        e = record_entry
        query = (
            select(e)
            .where(
                (e.c.state == "draft")
                | ((e.c.state == "approved") & (func.coalesce(e.c.reviewed_version, 0) < e.c.version))
            )
            .order_by(e.c.edited_at)
        )
        with self.ws.read() as conn:
            rows = conn.execute(query).mappings().all()
            shown = []
            for r in rows:
                try:
                    self._check_visible(conn, r["table_name"], int(r["row_id"]), r)
                except NotFoundError:
                    continue
                shown.append(r)
        rows = shown
        return [
            {
                "kind": r["table_name"],
                "id": r["row_id"],
                "version": r["version"],
                "state": r["state"],
                "author": r["author"],
                "edited_by": r["edited_by"],
                "edited_at": r["edited_at"],
                "title": r["document"].get("name")
                or r["document"].get("title")
                or r["document"].get("case_type"),
                "reviewed_version": r["reviewed_version"],
            }
            for r in rows
        ]

    # ----------------------------------------------------------------------------- sources
    def add_source(
        self,
        name: str,
        *,
        kind: str,
        organisation: str = "",
        confidentiality: str = "restricted",
        description: str = "",
        reason: str = "",
    ) -> Saved:
        """A new source (a list, a testimony collection, a document). Sources are approved at once."""
        self._may(Permission.EDIT)
        values = clean(
            "source",
            {
                "name": name,
                "kind": kind,
                "organisation": organisation,
                "confidentiality": confidentiality,
                "description": description,
            },
        )
        why = check_text("reason", reason, what="source") or "source added"
        with self.ws.write(action="source_add", subject=f"source:{values['name']}") as w:
            if w.conn.execute(select(s.source.c.id).where(s.source.c.name == values["name"])).first():
                raise FieldErrors(
                    {"name": f"a source named {values['name']!r} exists already"}, what="source"
                )
            source_id = w.allocate(s.source)
            w.insert(
                s.source, [{"id": source_id, **{k: values[k] or None for k in FIELDS["source"]}}], reason=why
            )
            document = document_of(w.conn, "source", source_id)
            version = self._new_entry(w, "source", source_id, document, state="approved", reason=why)
            w.subject = f"source:{source_id}"
        return Saved(
            "source",
            source_id,
            version,
            "approved",
            tuple(f for f in FIELDS["source"] if values[f]),
            w.event_id,
            {"name": values["name"]},
        )

    def source_by_name(self, name: str) -> int:
        """The id of the source called ``name`` (:class:`NotFoundError` naming the known ones)."""
        with self.ws.read() as conn:
            return _source_id(conn, name)

    # ----------------------------------------------------------------------------- persons
    def add_person(
        self,
        values: Mapping[str, str],
        *,
        source: str,
        reason: str,
        case: Mapping[str, str] | None = None,
        provenance: Provenance = Provenance(),
    ) -> Saved:
        """A new person (a draft), entered from ``source``, with a case if ``case`` names a type.

        ``values`` may hold the protected ``informant_name`` and ``informant_contact``: they are
        encrypted before they are stored and never kept in the document or its versions.
        """
        self._may(Permission.EDIT)
        given = dict(case or {})
        person, case_values, status, why, confidence, citation = _gather(
            "person",
            lambda: clean("person", values),
            lambda: (
                clean("case", {k: v for k, v in given.items() if k != "status"})
                if any(given.values())
                else {}
            ),
            lambda: clean_status(given["status"]) if given.get("status") else "unresolved",
            lambda: check_text("reason", reason, required=True, what="person"),
            lambda: check_confidence(provenance.confidence),
            lambda: check_text("citation", provenance.citation, what="person"),
        )
        if case_values:
            case_values["status"] = status
        secret = {k: person.pop(k) for k in PROTECTED if k in person}
        with self.ws.write(action="person_add", subject="person") as w:
            w.prime(*_ENTRY_TABLES)
            source_id = _source_id(w.conn, source)
            places = PlaceResolver(w)
            places.ensure([person.get("birth_place", ""), case_values.get("event_place", "")])
            person_id = w.allocate(s.person)
            w.insert(
                s.person,
                [{"id": person_id, **self._person_columns(person, places), "merged_into": None}],
                reason=why,
            )
            record_id = self._entry_record(w, source_id, person_id, person, case_values)
            self._sync_names(w, person_id, person, record_id)
            if any(secret.values()):
                self._write_informant(w, record_id, secret)
            self._fresh_values(w, "person", person_id, person, source_id, record_id, confidence, citation)
            extra: dict[str, Any] = {"source_record_id": record_id, "source": source}
            if case_values.get("case_type"):
                case_id = self._insert_case(w, person_id, record_id, case_values, places, why)
                self._fresh_values(
                    w, "case", case_id, case_values, source_id, record_id, confidence, citation
                )
                self._write_status(
                    w,
                    case_id,
                    case_values["status"],
                    case_values.get("event_date", ""),
                    source_id,
                    "as entered",
                )
                self._new_entry(
                    w, "case", case_id, document_of(w.conn, "case", case_id), state="draft", reason=why
                )
                extra["case_id"] = case_id
            document = document_of(w.conn, "person", person_id)
            version = self._new_entry(w, "person", person_id, document, state="draft", reason=why)
            w.subject = f"person:{person_id}"
            w.detail.update({"entry": "person", "source": source_id})
        changed = tuple(f for f in FIELDS["person"] if person.get(f))
        return Saved("person", person_id, version, "draft", changed, w.event_id, extra)

    def edit(
        self,
        kind: str,
        row_id: int,
        changes: Mapping[str, str],
        *,
        reason: str,
        expect_version: int | None = None,
        provenance: Provenance = Provenance(),
        action: str = "edit",
    ) -> Saved:
        """Change fields of a record: its next version, with the values' sources.

        With ``expect_version``, a record saved by someone else since is not changed:
        :class:`StaleVersionError` carries both documents.
        """
        self._may(Permission.EDIT)
        values, why, confidence, citation = _gather(
            kind,
            lambda: clean(kind, changes, partial=True),
            lambda: check_text("reason", reason, required=True, what=kind),
            lambda: check_confidence(provenance.confidence),
            lambda: check_text("citation", provenance.citation, what=kind),
        )
        if not values:
            raise FieldErrors({"fields": "nothing to change: give at least one field"}, what=kind)
        secret = {k: values.pop(k) for k in PROTECTED if k in values}
        with self.ws.write(action=f"{kind}_{action}", subject=f"{kind}:{row_id}") as w:
            current = self._editable(w.conn, kind, row_id)
            entry = entry_of(w.conn, kind, row_id)
            version = version_of(entry)
            if expect_version is not None and expect_version != version:
                raise StaleVersionError(
                    f"{kind} {row_id} was saved as version {version} "
                    f"(by {entry['edited_by'] if entry else '?'}) "
                    f"after version {expect_version}, which this change was based on; nothing was changed. "
                    "Look at both versions and carry your changes over.",
                    expected=expect_version,
                    current=version,
                    theirs=current,
                    mine={**current, **values},
                )
            updated = {**current, **values} if provenance.preferred else dict(current)
            changed = _changes(current, updated, FIELDS[kind])
            source = self._provenance_source(w.conn, kind, row_id, provenance.source)
            alternatives = [f for f in values if f in _SOURCED[kind] and not provenance.preferred]
            if not changed and not secret and not alternatives:
                raise FieldErrors(
                    {"fields": "nothing to change: the values given are the current ones"}, what=kind
                )
            if entry is None:
                entry = self._baseline(w, kind, row_id, current)
            self._apply(w, kind, row_id, current, updated, changed, why)
            if secret:
                self._update_informant(w, kind, row_id, secret)
            for name in (*changed, *alternatives):
                if name in _SOURCED[kind] and source is not None:
                    self._baseline_value(w, kind, row_id, name, current.get(name, ""))
                    self._record_value(
                        w,
                        kind,
                        row_id,
                        name,
                        values[name],
                        source[0],
                        source[1],
                        confidence,
                        citation,
                        preferred=provenance.preferred,
                    )
            document = document_of(w.conn, kind, row_id)
            version = self._next_version(w, entry, document, reason=why)
            w.detail.update({"changed": list(changed), "version": version})
        return Saved(
            kind,
            row_id,
            version,
            str(entry["state"]),
            changed,
            w.event_id,
            {"protected_changed": bool(secret)} if secret else {},
        )

    def prefer(self, value_id: int, *, reason: str, expect_version: int | None = None) -> Saved:
        """Make one sourced value the one its record shows (the others are kept beside it)."""
        self._may(Permission.EDIT)
        with self.ws.read() as conn:
            row = conn.execute(select(field_value).where(field_value.c.id == value_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"value {value_id} does not exist")
        source = conn_source_name(self.ws, int(row["source_id"]))
        return self.edit(
            row["table_name"],
            int(row["row_id"]),
            {row["field"]: row["value"] or ""},
            reason=reason,
            expect_version=expect_version,
            provenance=Provenance(
                source=source, confidence=row["confidence"], citation=row["citation"] or ""
            ),
            action="prefer",
        )

    def restore(self, kind: str, row_id: int, *, version: int, reason: str) -> Saved:
        """Bring back the fields of an earlier version as a new version (a retired record comes
        back as a draft)."""
        self._may(Permission.EDIT)
        why = check_text("reason", reason, required=True, what=kind)
        with self.ws.write(action=f"{kind}_restore", subject=f"{kind}:{row_id}") as w:
            current = document_of(w.conn, kind, row_id)
            entry = entry_of(w.conn, kind, row_id)
            versions = (
                {int(v["data"]["version"]): v["data"] for v in entry_versions(w.conn, int(entry["id"]))}
                if entry is not None
                else {}
            )
            if version not in versions:
                have = ", ".join(str(v) for v in sorted(versions)) or "1 (never edited)"
                raise NotFoundError(
                    f"{kind} {row_id} has no version {version} to restore; its versions: {have}"
                )
            old = versions[version]["document"]
            updated = {**current, **{f: old.get(f, "") for f in FIELDS[kind]}}
            changed = _changes(current, updated, FIELDS[kind])
            if not changed and entry["state"] != "retired":
                raise FieldErrors(
                    {"version": f"version {version} has the same fields as the current one"}, what=kind
                )
            self._apply(w, kind, row_id, current, updated, changed, why)
            for name in changed:
                self._prefer_existing(w, kind, row_id, name, str(updated.get(name) or ""))
            state = "draft" if entry["state"] == "retired" else str(entry["state"])
            document = document_of(w.conn, kind, row_id)
            new = self._next_version(w, entry, document, reason=why, state=state, retired_reason=None)
            w.detail.update({"restored": version, "version": new})
        return Saved(kind, row_id, new, state, changed, w.event_id, {"restored_version": version})

    def retire(self, kind: str, row_id: int, *, reason: str, expect_version: int | None = None) -> Saved:
        """Take a record out of use with a reason: kept, shown as retired, left out of estimates."""
        self._may(Permission.EDIT)
        why = check_text("reason", reason, required=True, what=kind)
        with self.ws.write(action=f"{kind}_retire", subject=f"{kind}:{row_id}") as w:
            current = self._editable(w.conn, kind, row_id)
            entry = entry_of(w.conn, kind, row_id)
            if expect_version is not None and expect_version != version_of(entry):
                raise StaleVersionError(
                    f"{kind} {row_id} is at version {version_of(entry)}, not {expect_version}; "
                    "nothing was changed",
                    expected=expect_version,
                    current=version_of(entry),
                    theirs=current,
                    mine=current,
                )
            if entry is None:
                entry = self._baseline(w, kind, row_id, current)
            new = self._next_version(w, entry, current, reason=why, state="retired", retired_reason=why)
        return Saved(kind, row_id, new, "retired", (), w.event_id)

    def approve(
        self, kind: str, row_id: int, *, reason: str = "", expect_version: int | None = None
    ) -> Saved:
        """Approve a draft (or an edit since the last approval); never one's own."""
        self._may(Permission.REVIEW)
        why = check_text("reason", reason, what=kind) or "approved"
        actor = self.ws.settings.actor
        with self.ws.write(action=f"{kind}_approve", subject=f"{kind}:{row_id}") as w:
            document_of(w.conn, kind, row_id)
            entry = entry_of(w.conn, kind, row_id)
            if entry is None or (
                entry["state"] == "approved" and entry["reviewed_version"] == entry["version"]
            ):
                raise ConflictError(f"{kind} {row_id} has nothing waiting for review")
            if entry["state"] == "retired":
                raise ConflictError(f"{kind} {row_id} is retired; restore it before it can be approved")
            if expect_version is not None and expect_version != int(entry["version"]):
                raise StaleVersionError(
                    f"{kind} {row_id} is at version {entry['version']}, not {expect_version}: look at the "
                    "latest version before approving it; nothing was changed",
                    expected=expect_version,
                    current=int(entry["version"]),
                    theirs=entry["document"],
                    mine=entry["document"],
                )
            if actor in (entry["author"], entry["edited_by"]):
                raise PermissionDenied(
                    f"{actor} entered or last changed {kind} {row_id}; a second person must approve it"
                )
            w.update(
                record_entry,
                int(entry["id"]),
                {"state": "approved", "reviewed_by": actor, "reviewed_version": int(entry["version"])},
                reason=why,
            )
        return Saved(kind, row_id, int(entry["version"]), "approved", (), w.event_id, {"reviewed_by": actor})

    # ----------------------------------------------------------------------------- cases
    def add_case(
        self,
        person_id: int,
        values: Mapping[str, str],
        *,
        reason: str,
        source: str | None = None,
        status: str = "",
        provenance: Provenance = Provenance(),
    ) -> Saved:
        """A new case (a draft) of a person, with its first status."""
        self._may(Permission.EDIT)
        case_values = clean("case", values)
        status_code = clean_status(status) if status else "unresolved"
        why = check_text("reason", reason, required=True, what="case")
        confidence = check_confidence(provenance.confidence)
        with self.ws.write(action="case_add", subject=f"person:{person_id}") as w:
            self._editable(w.conn, "person", person_id)
            origin = self._provenance_source(w.conn, "person", person_id, source or provenance.source)
            if origin is None:
                raise FieldErrors({"source": "is required: the person has no source record"}, what="case")
            places = PlaceResolver(w)
            places.ensure([case_values.get("event_place", "")])
            case_values["status"] = status_code
            case_id = self._insert_case(w, person_id, origin[1], case_values, places, why)
            self._fresh_values(
                w, "case", case_id, case_values, origin[0], origin[1], confidence, provenance.citation
            )
            self._write_status(
                w, case_id, status_code, case_values.get("event_date", ""), origin[0], "as entered"
            )
            version = self._new_entry(
                w, "case", case_id, document_of(w.conn, "case", case_id), state="draft", reason=why
            )
            w.subject = f"case:{case_id}"
        return Saved(
            "case",
            case_id,
            version,
            "draft",
            tuple(k for k in FIELDS["case"] if case_values.get(k)),
            w.event_id,
            {"person_id": person_id},
        )

    def add_status(
        self,
        case_id: int,
        *,
        status: str,
        date: str = "",
        note: str = "",
        source: str | None = None,
        reason: str,
        expect_version: int | None = None,
    ) -> Saved:
        """Add one dated step to a case's status history; the case shows its latest."""
        self._may(Permission.EDIT)
        code, _date, why, text = _gather(
            "status",
            lambda: clean_status(status),
            lambda: clean("incident", {"date": date}, partial=True),
            lambda: check_text("reason", reason, required=True, what="status"),
            lambda: check_text("note", note, what="status"),
        )
        with self.ws.write(action="case_status", subject=f"case:{case_id}") as w:
            current = self._editable(w.conn, "case", case_id)
            entry = entry_of(w.conn, "case", case_id)
            if expect_version is not None and expect_version != version_of(entry):
                raise StaleVersionError(
                    f"case {case_id} is at version {version_of(entry)}, not {expect_version}; "
                    "nothing was changed",
                    expected=expect_version,
                    current=version_of(entry),
                    theirs=current,
                    mine=current,
                )
            if entry is None:
                entry = self._baseline(w, "case", case_id, current)
            origin = self._provenance_source(w.conn, "case", case_id, source)
            self._write_status(w, case_id, code, date, origin[0] if origin else None, text)
            latest = _latest_status(w.conn, case_id)
            if latest != current["status"]:
                w.update(s.case, case_id, {"status": latest}, reason=why)
            version = self._next_version(w, entry, document_of(w.conn, "case", case_id), reason=why)
        return Saved(
            "case", case_id, version, str(entry["state"]), ("statuses",), w.event_id, {"status": latest}
        )

    # ----------------------------------------------------------------------------- incidents
    def add_incident(
        self,
        case_id: int,
        values: Mapping[str, str],
        *,
        acts: list[Mapping[str, Any]],
        reason: str,
        source: str | None = None,
        provenance: Provenance = Provenance(),
    ) -> Saved:
        """A new incident (a draft) of a case, made of acts: each a violation done to a victim (the
        case's person unless named), by a perpetrator (as text), at a place and a partial date."""
        self._may(Permission.EDIT)
        incident = clean("incident", values)
        why = check_text("reason", reason, required=True, what="incident")
        confidence = check_confidence(provenance.confidence)
        checked = [self._clean_act(i, a) for i, a in enumerate(acts, start=1)]
        if not checked:
            raise FieldErrors({"acts": "an incident needs at least one act (a violation)"}, what="incident")
        with self.ws.write(action="incident_add", subject=f"case:{case_id}") as w:
            case_doc = self._editable(w.conn, "case", case_id)
            origin = self._provenance_source(w.conn, "case", case_id, source or provenance.source)
            places = PlaceResolver(w)
            places.ensure([incident.get("place", ""), *(a["place"] for a in checked)])
            incident_id = w.allocate(s.incident)
            w.insert(
                s.incident,
                [
                    {
                        "id": incident_id,
                        "case_id": case_id,
                        "title": incident["title"],
                        **_date_columns("date", incident.get("date", "")),
                        "location_id": places.id_of(incident.get("place", "")),
                        "description": incident.get("description") or None,
                    }
                ],
                reason=why,
            )
            for act in checked:
                self._insert_act(w, incident_id, act, int(case_doc["person_id"]), places, why)
            if origin is not None:
                self._fresh_values(
                    w,
                    "incident",
                    incident_id,
                    incident,
                    origin[0],
                    origin[1],
                    confidence,
                    provenance.citation,
                )
            version = self._new_entry(
                w,
                "incident",
                incident_id,
                document_of(w.conn, "incident", incident_id),
                state="draft",
                reason=why,
            )
            w.subject = f"incident:{incident_id}"
        return Saved(
            "incident",
            incident_id,
            version,
            "draft",
            tuple(k for k in FIELDS["incident"] if incident.get(k)),
            w.event_id,
            {"case_id": case_id, "acts": len(checked)},
        )

    def add_act(
        self, incident_id: int, act: Mapping[str, Any], *, reason: str, expect_version: int | None = None
    ) -> Saved:
        """Add one act to an incident (its next version)."""
        self._may(Permission.EDIT)
        checked = self._clean_act(1, act)
        why = check_text("reason", reason, required=True, what="act")
        with self.ws.write(action="incident_act", subject=f"incident:{incident_id}") as w:
            current = self._editable(w.conn, "incident", incident_id)
            entry = entry_of(w.conn, "incident", incident_id)
            if expect_version is not None and expect_version != version_of(entry):
                raise StaleVersionError(
                    f"incident {incident_id} is at version {version_of(entry)}, not {expect_version}; "
                    "nothing was changed",
                    expected=expect_version,
                    current=version_of(entry),
                    theirs=current,
                    mine=current,
                )
            if entry is None:
                entry = self._baseline(w, "incident", incident_id, current)
            places = PlaceResolver(w)
            places.ensure([checked["place"]])
            person = w.conn.execute(
                select(s.case.c.person_id).where(s.case.c.id == current["case_id"])
            ).scalar_one()
            act_id = self._insert_act(w, incident_id, checked, int(person), places, why)
            version = self._next_version(w, entry, document_of(w.conn, "incident", incident_id), reason=why)
        return Saved(
            "incident", incident_id, version, str(entry["state"]), ("acts",), w.event_id, {"act_id": act_id}
        )

    # ----------------------------------------------------------------------------- internals
    def _may(self, permission: Permission) -> None:
        self.ws.require(permission)
        self.ws.ensure_ready()

    def _editable(self, conn: Connection, kind: str, row_id: int) -> dict[str, Any]:
        document = document_of(conn, kind, row_id)
        if kind == "person":
            merged = conn.execute(select(s.person.c.merged_into).where(s.person.c.id == row_id)).scalar()
            if merged is not None:
                raise ConflictError(f"person {row_id} was merged into person {merged}; edit person {merged}")
        entry = entry_of(conn, kind, row_id)
        if entry is not None and entry["state"] == "retired":
            raise ConflictError(f"{kind} {row_id} is retired ({entry['retired_reason']}); restore it first")
        return document

    def _provenance_source(
        self, conn: Connection, kind: str, row_id: int, source: str | None
    ) -> tuple[int, int | None] | None:
        if source:
            return _source_id(conn, source), None
        found = source_of_row(conn, kind, row_id)
        return (found[0], found[1]) if found else None

    def _entry_record(
        self, w: Writer, source_id: int, person_id: int, person: dict[str, Any], case_values: dict[str, Any]
    ) -> int:
        """The source record that stands for an entry: one row of a batch of one, so that linkage,
        the person page and traceability treat an entered person as a record of its source."""
        batch_id = w.allocate(s.import_batch)
        record_id = w.allocate(s.source_record)
        stamp = f"entry:{w.event_id}:person:{person_id}"
        w.insert(
            s.import_batch,
            [
                {
                    "id": batch_id,
                    "source_id": source_id,
                    "file_name": f"entered in the workbench (person {person_id})",
                    "sha256": hashlib.sha256(stamp.encode()).hexdigest(),
                    "file_format": "entry",
                    "row_count": 1,
                    "mapping": None,
                    "actor": self.ws.settings.actor,
                    "imported_at": now_iso(),
                }
            ],
        )
        count = w.conn.execute(
            select(func.count()).select_from(s.source_record).where(s.source_record.c.source_id == source_id)
        ).scalar_one()
        raw = {k: str(v) for k, v in person.items() if v and k not in PROTECTED}
        raw.update({k: str(v) for k, v in case_values.items() if v})
        date = parse_partial_date(person.get("birth_date") or None)
        event = parse_partial_date(case_values.get("event_date") or None)
        parsed = {
            "sex": person.get("sex") or "U",
            "case_type": case_values.get("case_type"),
            "status": case_values.get("status"),
            "birth_date": date.iso(),
            "birth_date_precision": date.precision,
            "event_date": event.iso(),
            "event_date_precision": event.precision,
        }
        w.insert(
            s.source_record,
            [
                {
                    "id": record_id,
                    "source_id": source_id,
                    "batch_id": batch_id,
                    "row_number": 1,
                    "record_id": f"entry-{person_id}-{int(count) + 1}",
                    "person_id": person_id,
                    "raw": raw,
                    "parsed": parsed,
                    "protected_extra": None,
                }
            ],
        )
        return record_id

    @staticmethod
    def _person_columns(person: Mapping[str, Any], places: PlaceResolver) -> dict[str, Any]:
        names = {
            "full_name": person.get("name") or "",
            "name_hangul": person.get("name_hangul") or "",
            "family_name": "",
            "given_name": "",
            "aliases": person.get("aliases") or "",
        }
        return {
            "primary_name": primary_name(names),
            "sex": person.get("sex") or "U",
            **_date_columns("birth_date", person.get("birth_date") or ""),
            "birth_place_id": places.id_of(person.get("birth_place") or ""),
        }

    def _sync_names(
        self, w: Writer, person_id: int, person: Mapping[str, Any], record_id: int | None
    ) -> None:
        """Add a name row for each spelling the document has and the person does not (spellings once
        recorded stay: they are evidence for search and linkage)."""
        names = {
            "full_name": person.get("name") or "",
            "name_hangul": person.get("name_hangul") or "",
            "family_name": "",
            "given_name": "",
            "aliases": person.get("aliases") or "",
        }
        have = {
            (r.kind, r.text)
            for r in w.conn.execute(
                select(s.name.c.kind, s.name.c.text).where(s.name.c.person_id == person_id)
            )
        }
        rows = []
        for kind, text, family, given, script, _system in name_tuples(names):
            if (kind, text) in have:
                continue
            system = (person.get("name_system") or None) if kind == "full" and script == "latin" else None
            rows.append(
                {
                    "id": 0,
                    "person_id": person_id,
                    "source_record_id": record_id,
                    "kind": kind,
                    "text": text,
                    "family": family,
                    "given": given,
                    "script": script,
                    "system": system,
                }
            )
        if rows:
            first = w.allocate(s.name, len(rows))
            for offset, row in enumerate(rows):
                row["id"] = first + offset
            w.insert(s.name, rows)

    def _write_informant(self, w: Writer, record_id: int, secret: Mapping[str, str]) -> None:
        informant_id = w.allocate(s.informant)
        ring = self.ws.keyring
        w.insert(
            s.informant,
            [
                {
                    "id": informant_id,
                    "source_record_id": record_id,
                    "name_enc": ring.encrypt(
                        secret.get("informant_name") or None, context=f"informant.name_enc.{informant_id}"
                    ),
                    "contact_enc": ring.encrypt(
                        secret.get("informant_contact") or None,
                        context=f"informant.contact_enc.{informant_id}",
                    ),
                }
            ],
        )

    def _update_informant(self, w: Writer, kind: str, row_id: int, secret: Mapping[str, str]) -> None:
        if kind != "person":
            raise FieldErrors({k: "only a person's record has an informant" for k in secret}, what=kind)
        origin = source_of_row(w.conn, "person", row_id)
        if origin is None:
            raise FieldErrors(
                {k: "the person has no source record to attach it to" for k in secret}, what=kind
            )
        found = w.conn.execute(
            select(s.informant.c.id).where(s.informant.c.source_record_id == origin[1])
        ).scalar()
        if found is None:
            self._write_informant(w, origin[1], secret)
            return
        ring = self.ws.keyring
        columns = {"informant_name": "name_enc", "informant_contact": "contact_enc"}
        w.update(
            s.informant,
            int(found),
            {
                columns[k]: ring.encrypt(v or None, context=f"informant.{columns[k]}.{found}")
                for k, v in secret.items()
            },
            reason="informant changed",
        )

    def _insert_case(  # noqa: PLR0917 - private helper; the call sites read in column order
        self,
        w: Writer,
        person_id: int,
        record_id: int | None,
        values: Mapping[str, Any],
        places: PlaceResolver,
        why: str,
    ) -> int:
        case_id, incident_id, act_id = w.allocate(s.case), w.allocate(s.incident), w.allocate(s.act)
        place_id = places.id_of(values.get("event_place") or "")
        event = _date_columns("event_date", values.get("event_date") or "")
        w.insert(
            s.case,
            [
                {
                    "id": case_id,
                    "person_id": person_id,
                    "source_record_id": record_id,
                    "case_type": values["case_type"],
                    "status": values.get("status") or "unresolved",
                    **event,
                    "event_place_id": place_id,
                }
            ],
            reason=why,
        )
        w.insert(
            s.incident,
            [
                {
                    "id": incident_id,
                    "case_id": case_id,
                    "title": CASE_TYPES.term(values["case_type"]).label_en,
                    **_date_columns("date", values.get("event_date") or ""),
                    "location_id": place_id,
                    "description": None,
                }
            ],
            reason=why,
        )
        w.insert(
            s.act,
            [
                {
                    "id": act_id,
                    "incident_id": incident_id,
                    "victim_id": person_id,
                    "perpetrator_id": None,
                    "perpetrator_text": None,
                    "violation_code": case_type_violation(values["case_type"]),
                    "location_id": None,
                    **_date_columns("date", ""),
                    "description": None,
                }
            ],
            reason=why,
        )
        return case_id

    def _clean_act(self, index: int, act: Mapping[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        out: dict[str, Any] = {}
        violation = str(act.get("violation") or "")
        for name, raw in (
            ("violation", violation),
            ("date", str(act.get("date") or "")),
            ("place", str(act.get("place") or "")),
            ("perpetrator", str(act.get("perpetrator") or "")),
            ("description", str(act.get("description") or "")),
        ):
            value, error = check_field("act", name, raw)
            if error:
                errors[f"act {index} {name}"] = error
            out[name] = value
        if not violation:
            errors[f"act {index} violation"] = "is required (a code of the violation vocabulary)"
        victim = act.get("victim_id")
        try:
            out["victim_id"] = int(victim) if victim not in (None, "") else None
        except (TypeError, ValueError):
            errors[f"act {index} victim"] = f"{victim!r} is not a person id"
        if errors:
            raise FieldErrors(errors, what="incident")
        return out

    def _insert_act(  # noqa: PLR0917 - private helper; the call sites read in column order
        self,
        w: Writer,
        incident_id: int,
        act: Mapping[str, Any],
        default_victim: int,
        places: PlaceResolver,
        why: str,
    ) -> int:
        victim = act.get("victim_id") or default_victim
        if w.conn.execute(select(s.person.c.id).where(s.person.c.id == victim)).first() is None:
            raise FieldErrors({"victim": f"person {victim} does not exist"}, what="act")
        act_id = w.allocate(s.act)
        w.insert(
            s.act,
            [
                {
                    "id": act_id,
                    "incident_id": incident_id,
                    "victim_id": victim,
                    "perpetrator_id": None,
                    "perpetrator_text": act.get("perpetrator") or None,
                    "violation_code": act["violation"],
                    "location_id": places.id_of(act.get("place") or ""),
                    **_date_columns("date", act.get("date") or ""),
                    "description": act.get("description") or None,
                }
            ],
            reason=why,
        )
        return act_id

    def _write_status(  # noqa: PLR0917 - private helper; the call sites read in column order
        self, w: Writer, case_id: int, status: str, date: str, source_id: int | None, note: str
    ) -> None:
        status_id = w.allocate(case_status)
        w.insert(
            case_status,
            [
                {
                    "id": status_id,
                    "case_id": case_id,
                    "status": status,
                    **_date_columns("date", date),
                    "source_id": source_id,
                    "note": note or None,
                    "author": self.ws.settings.actor,
                }
            ],
        )

    def _apply(  # noqa: PLR0917 - private helper; the call sites read in column order
        self,
        w: Writer,
        kind: str,
        row_id: int,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        changed: tuple[str, ...],
        why: str,
    ) -> None:
        if not changed:
            return
        places = PlaceResolver(w)
        if kind == "person":
            places.ensure([after.get("birth_place") or ""])
            w.update(s.person, row_id, self._person_columns(after, places), reason=why)
            self._sync_names(w, row_id, after, None)
        elif kind == "case":
            places.ensure([after.get("event_place") or ""])
            w.update(
                s.case,
                row_id,
                {
                    "case_type": after["case_type"],
                    **_date_columns("event_date", after.get("event_date") or ""),
                    "event_place_id": places.id_of(after.get("event_place") or ""),
                },
                reason=why,
            )
        elif kind == "incident":
            places.ensure([after.get("place") or ""])
            w.update(
                s.incident,
                row_id,
                {
                    "title": after["title"],
                    **_date_columns("date", after.get("date") or ""),
                    "location_id": places.id_of(after.get("place") or ""),
                    "description": after.get("description") or None,
                },
                reason=why,
            )
        else:
            if (
                "name" in changed
                and w.conn.execute(
                    select(s.source.c.id).where(s.source.c.name == after["name"], s.source.c.id != row_id)
                ).first()
            ):
                raise FieldErrors({"name": f"a source named {after['name']!r} exists already"}, what="source")
            w.update(s.source, row_id, {k: after.get(k) or None for k in FIELDS["source"]}, reason=why)

    def _new_entry(
        self, w: Writer, kind: str, row_id: int, document: dict[str, Any], *, state: str, reason: str
    ) -> int:
        actor = self.ws.settings.actor
        entry_id = w.allocate(record_entry)
        w.insert(
            record_entry,
            [
                {
                    "id": entry_id,
                    "table_name": kind,
                    "row_id": row_id,
                    "version": 1,
                    "state": state,
                    "author": actor,
                    "edited_by": actor,
                    "edited_at": now_iso(),
                    "reviewed_by": None,
                    "reviewed_version": 1 if state == "approved" else None,
                    "retired_reason": None,
                    "document": document,
                }
            ],
            reason=reason,
        )
        return 1

    def _baseline(self, w: Writer, kind: str, row_id: int, document: dict[str, Any]) -> Any:
        """The entry of an imported record at its first edit: version 1 is the record as imported."""
        v, e = s.record_version, s.audit_event
        first = w.conn.execute(
            select(e.c.actor, e.c.at)
            .join(e, e.c.id == v.c.event_id)
            .where(v.c.table_name == TABLES[kind].name, v.c.row_id == row_id, v.c.version == 1)
        ).first()
        actor = first.actor if first else self.ws.settings.actor
        entry_id = w.allocate(record_entry)
        row = {
            "id": entry_id,
            "table_name": kind,
            "row_id": row_id,
            "version": 1,
            "state": "approved",
            "author": actor,
            "edited_by": actor,
            "edited_at": first.at if first else now_iso(),
            "reviewed_by": None,
            "reviewed_version": 1,
            "retired_reason": None,
            "document": document,
        }
        w.insert(record_entry, [row], reason="as imported, before its first edit")
        return row

    def _next_version(
        self,
        w: Writer,
        entry: Any,
        document: dict[str, Any],
        *,
        reason: str,
        state: str | None = None,
        retired_reason: str | object | None = ...,
    ) -> int:
        version = int(entry["version"]) + 1
        changes: dict[str, Any] = {
            "version": version,
            "document": document,
            "edited_by": self.ws.settings.actor,
            "edited_at": now_iso(),
        }
        if state is not None:
            changes["state"] = state
        if retired_reason is not ...:
            changes["retired_reason"] = retired_reason
        w.update(record_entry, int(entry["id"]), changes, reason=reason)
        return version

    def _record_value(  # noqa: PLR0917 - private helper; the call sites read in column order
        self,
        w: Writer,
        kind: str,
        row_id: int,
        name: str,
        value: Any,
        source_id: int,
        record_id: int | None,
        confidence: str,
        citation: str,
        *,
        preferred: bool,
    ) -> None:
        rows = (
            w.conn.execute(
                select(field_value).where(
                    field_value.c.table_name == kind,
                    field_value.c.row_id == row_id,
                    field_value.c.field == name,
                )
            )
            .mappings()
            .all()
        )
        text = str(value) if value not in (None, "") else None
        same = next((r for r in rows if r["source_id"] == source_id), None)
        if preferred:
            for r in rows:
                if r["preferred"] and (same is None or r["id"] != same["id"]):
                    w.update(
                        field_value, int(r["id"]), {"preferred": False}, reason="another value preferred"
                    )
        if same is not None:
            w.update(
                field_value,
                int(same["id"]),
                {
                    "value": text,
                    "confidence": confidence,
                    "citation": citation or same["citation"],
                    "preferred": preferred or bool(same["preferred"]),
                    "recorded_at": now_iso(),
                    "author": self.ws.settings.actor,
                },
                reason="value corrected by its source",
            )
            return
        value_id = w.allocate(field_value)
        w.insert(
            field_value,
            [
                {
                    "id": value_id,
                    "table_name": kind,
                    "row_id": row_id,
                    "field": name,
                    "value": text,
                    "source_id": source_id,
                    "source_record_id": record_id,
                    "citation": citation or None,
                    "confidence": confidence,
                    "preferred": preferred,
                    "author": self.ws.settings.actor,
                    "recorded_at": now_iso(),
                }
            ],
        )

    def _fresh_values(  # noqa: PLR0917 - private helper; the call sites read in column order
        self,
        w: Writer,
        kind: str,
        row_id: int,
        values: Mapping[str, Any],
        source_id: int,
        record_id: int | None,
        confidence: str,
        citation: str,
    ) -> None:
        """The sourced values of a record just created (one insert; nothing to compare with)."""
        names = [n for n in _SOURCED[kind] if values.get(n)]
        if not names:
            return
        first = w.allocate(field_value, len(names))
        at, actor = now_iso(), self.ws.settings.actor
        w.insert(
            field_value,
            [
                {
                    "id": first + i,
                    "table_name": kind,
                    "row_id": row_id,
                    "field": n,
                    "value": str(values[n]),
                    "source_id": source_id,
                    "source_record_id": record_id,
                    "citation": citation or None,
                    "confidence": confidence,
                    "preferred": True,
                    "author": actor,
                    "recorded_at": at,
                }
                for i, n in enumerate(names)
            ],
        )

    def _baseline_value(self, w: Writer, kind: str, row_id: int, name: str, old: Any) -> None:
        """Before a first sourced value replaces an imported one, keep the imported value with its
        source, so the two stand side by side."""
        if old in (None, ""):
            return
        exists = w.conn.execute(
            select(field_value.c.id)
            .where(
                field_value.c.table_name == kind, field_value.c.row_id == row_id, field_value.c.field == name
            )
            .limit(1)
        ).first()
        origin = source_of_row(w.conn, kind, row_id)
        if exists is None and origin is not None:
            self._record_value(
                w, kind, row_id, name, old, origin[0], origin[1], "confirmed", "as imported", preferred=True
            )

    def _prefer_existing(self, w: Writer, kind: str, row_id: int, name: str, value: str) -> None:
        rows = (
            w.conn.execute(
                select(field_value).where(
                    field_value.c.table_name == kind,
                    field_value.c.row_id == row_id,
                    field_value.c.field == name,
                )
            )
            .mappings()
            .all()
        )
        match = next((r for r in rows if (r["value"] or "") == value), None)
        for r in rows:
            wanted = match is not None and r["id"] == match["id"]
            if bool(r["preferred"]) != wanted:
                w.update(field_value, int(r["id"]), {"preferred": wanted}, reason="restored")


def _gather(what: str, *checks: Callable[[], Any]) -> list[Any]:
    """Run every check and return their results; :class:`FieldErrors` with every bad field at once."""
    results: list[Any] = []
    errors: dict[str, str] = {}
    for check in checks:
        try:
            results.append(check())
        except FieldErrors as exc:
            errors.update(exc.errors)
            results.append(None)
    if errors:
        raise FieldErrors(errors, what=what)
    return results


def _person_of(conn: Connection, kind: str, row_id: int) -> int | None:
    """The live person a person, case or incident belongs to."""
    if kind == "person":
        person: Any = row_id
    elif kind == "case":
        person = conn.execute(select(s.case.c.person_id).where(s.case.c.id == row_id)).scalar()
    elif kind == "incident":
        person = conn.execute(
            select(s.case.c.person_id)
            .join(s.incident, s.incident.c.case_id == s.case.c.id)
            .where(s.incident.c.id == row_id)
        ).scalar()
    else:
        return None
    if person is None:
        return None
    root = conn.execute(select(s.person.c.merged_into).where(s.person.c.id == person)).scalar()
    return int(root or person)


def clean_status(value: str) -> str:
    """The status code for ``value`` (``FieldErrors`` naming the field ``status`` if unknown)."""
    code, error = check_field("case", "status", value)
    if error or not code:
        raise FieldErrors({"status": error or "is required"}, what="status")
    return str(code)


def _latest_status(conn: Connection, case_id: int) -> str:
    """The status of the latest dated step (undated steps count as entered, after dated ones)."""
    rows = conn.execute(
        select(case_status.c.status, case_status.c.date_start, case_status.c.id).where(
            case_status.c.case_id == case_id
        )
    ).all()
    dated = sorted((r for r in rows if r.date_start is not None), key=lambda r: (r.date_start, r.id))
    undated = sorted((r for r in rows if r.date_start is None), key=lambda r: r.id)
    ordered = [*dated, *undated]
    return str(ordered[-1].status) if ordered else "unresolved"


def conn_source_name(ws: Workspace, source_id: int) -> str:
    """The name of a source, by id."""
    with ws.read() as conn:
        return str(conn.execute(select(s.source.c.name).where(s.source.c.id == source_id)).scalar_one())
