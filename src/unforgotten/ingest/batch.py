"""One file = one batch from one source, written all-or-nothing.

The write is one transaction: a crash or ``kill -9`` half-way leaves nothing of the batch
behind. Rows are validated and written a chunk at a time inside it; once a row has an error,
nothing more is written, the rest is still validated, and the transaction is rolled back, so a
batch with any bad row is rejected whole (:class:`~unforgotten.errors.BatchRejected` lists every
problem). ``dry_run`` validates without the transaction. The same bytes (same SHA-256) are never
imported twice. From :data:`FORK_ROWS` rows the rows are prepared in a forked child
(:mod:`unforgotten.store.offload`) while this process stores them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from unforgotten.accountability.imports import PERPETRATOR_COLUMNS, ActRow, Linked, Linker
from unforgotten.domain.dates import PartialDate
from unforgotten.domain.roles import CONFIDENTIALITY, Permission
from unforgotten.domain.vocab import CASE_TYPES, case_type_violation
from unforgotten.errors import DuplicateBatchError, NotFoundError, Problem, ValidationError
from unforgotten.ingest.columns import SENSITIVE_COLUMNS
from unforgotten.ingest.mapping import Mapping
from unforgotten.ingest.readers import RawTable, detect_format, read_table
from unforgotten.ingest.sync import Difference, apply_difference, difference, stored_records
from unforgotten.ingest.validate import RowPlan, Validator
from unforgotten.store import schema as s
from unforgotten.store.crypto import Keyring
from unforgotten.store.names import name_tuples, primary_name
from unforgotten.store.offload import Flush, run_prepared
from unforgotten.store.places import PlaceResolver
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = ["ImportReport", "import_file", "import_table", "read_file"]

CHUNK = 2000
FORK_ROWS = 5000  # from this many rows, rows are prepared in a child process while this one writes
Progress = Flush  # told the number of rows done after each chunk
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    file: str
    source: str
    sha256: str
    rows: int
    batch_id: int | None
    dry_run: bool
    warnings: list[Problem] = field(default_factory=list)
    difference: Difference = field(default_factory=Difference)
    format: str = ""
    encoding: str = ""
    sheet: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    accountability: Linked = field(default_factory=Linked)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: what was read, then the difference with what the
        source held. A dry run ends with ``rows``: one entry per added, changed and withdrawn row
        (``rows_read`` is the number of rows read); a real import keeps ``rows`` as that number."""
        return {
            "file": self.file,
            "source": self.source,
            "sha256": self.sha256,
            "format": self.format,
            **({"encoding": self.encoding} if self.encoding else {}),
            **({"sheet": self.sheet} if self.sheet else {}),
            "rows": self.rows,
            "rows_read": self.rows,
            "batch_id": self.batch_id,
            "dry_run": self.dry_run,
            "warnings": [str(w) for w in self.warnings],
            **self.details,
            **({"accountability": self.accountability.to_dict()} if self.accountability.rows else {}),
            **self.difference.to_dict(rows=self.dry_run),
        }


def _previous_batch(conn: Connection, sha: str) -> Any:
    query = (
        select(s.import_batch.c.id, s.import_batch.c.imported_at, s.source.c.name)
        .join(s.source, s.source.c.id == s.import_batch.c.source_id)
        .where(s.import_batch.c.sha256 == sha)
    )
    return conn.execute(query).first()


def _refuse_duplicate(conn: Connection, sha: str, file: str) -> None:
    if previous := _previous_batch(conn, sha):
        raise DuplicateBatchError(
            f"{file}: this exact file (SHA-256 {sha[:12]}…) was already imported as batch "
            f"{previous.id} into source {previous.name!r} on {previous.imported_at[:10]}; nothing was changed"
        )


def import_file(
    ws: Workspace,
    path: Path,
    *,
    source: str,
    mapping: Path | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    kind: str = "list",
    organisation: str | None = None,
    confidentiality: str = "restricted",
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file as one batch of ``source``; see the module docstring for the rules."""
    data, sha = read_file(ws, path)
    table = read_table(data, name=path.name, fmt=detect_format(path), sheet=sheet)
    rules = (Mapping.load(mapping) if mapping else Mapping()).aliased(table.columns)
    return import_table(
        ws,
        table,
        rules=rules,
        sha256=sha,
        source=source,
        file=path.name,
        dry_run=dry_run,
        kind=kind,
        organisation=organisation,
        confidentiality=confidentiality,
        progress=progress,
    )


def read_file(ws: Workspace, path: Path) -> tuple[bytes, str]:
    """The bytes of a file to import and their SHA-256, once the caller may import; a file
    imported before is refused here."""
    ws.require(Permission.IMPORT)
    ws.ensure_ready()
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise NotFoundError(f"{path}: no such file") from None
    sha = hashlib.sha256(data).hexdigest()
    with ws.read() as conn:
        _refuse_duplicate(conn, sha, path.name)
    return data, sha


def import_table(
    ws: Workspace,
    table: RawTable,
    *,
    rules: Mapping,
    sha256: str,
    source: str,
    file: str | None = None,
    dry_run: bool = False,
    kind: str = "list",
    organisation: str | None = None,
    confidentiality: str = "restricted",
    progress: Progress | None = None,
) -> ImportReport:
    """Import the rows of a table read from a file (whose bytes hash to ``sha256``; ``file``: its
    name, default the table's) as one batch."""
    ws.require(Permission.IMPORT)
    if confidentiality not in CONFIDENTIALITY:
        raise ValidationError(f"confidentiality {confidentiality!r}: use one of {', '.join(CONFIDENTIALITY)}")
    sha, name = sha256, file or table.file
    with ws.read() as conn:
        stored = stored_records(conn, source)
    if dry_run:
        validator = Validator(table, rules)
        plans = [validator.check(row, cells) for row, cells in table.rows]
        validator.raise_if_rejected()
        diff = difference(plans, stored)
        return ImportReport(
            name,
            source,
            sha,
            len(table.rows),
            None,
            True,
            validator.warnings,
            diff,
            table.format,
            table.encoding,
            table.sheet,
        )
    with ws.write(action="import", subject=f"source:{source}") as writer:
        _refuse_duplicate(writer.conn, sha, name)
        source_id = _source_id(
            writer, source, kind=kind, organisation=organisation, confidentiality=confidentiality
        )
        writer.prime(*_ALLOCATED)
        places = PlaceResolver(writer)
        places.preload()
        job = _BatchJob(
            table=table,
            rules=rules,
            existing=frozenset(stored),
            keyring=ws.keyring,
            places=places,
            source_id=source_id,
            sha256=sha,
            actor=ws.settings.actor,
        )
        batch_id, warnings, kept, added = run_prepared(
            writer, job.run, progress=progress, fork=len(table.rows) >= FORK_ROWS
        )
        diff = difference(kept, stored, added)
        linked = _link_perpetrators(ws, writer, table, rules, source=source, batch_id=batch_id)
        if diff.changed or diff.withdrawn:
            apply_difference(
                writer,
                kept,
                stored,
                diff,
                parsed=lambda plan: _parsed(_Rows(ws.keyring, places, source_id=0, batch_id=0), plan),
                reason=f"import batch {batch_id} ({name})",
                actor=ws.settings.actor,
            )
        writer.detail.update(
            {
                "batch": batch_id,
                "file": name,
                "sha256": sha,
                "rows": len(table.rows),
                **diff.to_dict(rows=False),
                **({"accountability": linked.to_dict()} if linked.rows else {}),
            }
        )
    return ImportReport(
        name,
        source,
        sha,
        len(table.rows),
        batch_id,
        False,
        warnings,
        diff,
        table.format,
        table.encoding,
        table.sheet,
        accountability=linked,
    )


def _link_perpetrators(
    ws: Workspace, writer: Writer, table: RawTable, rules: Mapping, *, source: str, batch_id: int
) -> Linked:
    """Match the perpetrator and facility cells of the batch's new acts (:mod:`..accountability.imports`)."""
    linker = Linker(ws, writer, source=source, batch_id=batch_id, file=table.file)
    columns = {rules.columns.get(c, c) for c in PERPETRATOR_COLUMNS}
    if not columns & set(table.columns):
        return linker.done
    acts = {
        str(r.record_id): r
        for r in writer.conn.execute(
            select(s.act.c.id, s.incident.c.date_start, s.source_record.c.record_id)
            .join(s.incident, s.incident.c.id == s.act.c.incident_id)
            .join(s.case, s.case.c.id == s.incident.c.case_id)
            .join(s.source_record, s.source_record.c.id == s.case.c.source_record_id)
            .where(s.source_record.c.batch_id == batch_id)
            .order_by(s.act.c.id)
        )
    }
    for row, cells in table.rows:
        values, _, _ = rules.canonical_row(cells)
        found = acts.get(values["record_id"])
        if found is not None:
            linker.link(ActRow(int(found.id), row, values["record_id"], _day(found.date_start), values))
    return linker.done


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _source_id(
    writer: Writer, name: str, *, kind: str, organisation: str | None, confidentiality: str
) -> int:
    found = writer.conn.execute(select(s.source.c.id).where(s.source.c.name == name)).scalar()
    if found is not None:
        return int(found)
    source_id = writer.allocate(s.source)
    writer.insert(
        s.source,
        [
            {
                "id": source_id,
                "name": name,
                "kind": kind,
                "organisation": organisation,
                "confidentiality": confidentiality,
                "description": None,
            }
        ],
    )
    return source_id


def _chunks(rows: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _date_columns(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{part}" for part in ("raw", "start", "end", "precision", "circa"))


DateColumns = tuple[str | None, str | None, str | None, str, bool]

# The column order each tuple below is built in; checked against the schema before writing.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("id", "primary_name", "sex", *_date_columns("birth_date"), "birth_place_id", "merged_into"),
    "source_record": (
        "id",
        "source_id",
        "batch_id",
        "row_number",
        "record_id",
        "person_id",
        "raw",
        "parsed",
        "protected_extra",
    ),
    "name": ("id", "person_id", "source_record_id", "kind", "text", "family", "given", "script", "system"),
    "case": (
        "id",
        "person_id",
        "source_record_id",
        "case_type",
        "status",
        *_date_columns("event_date"),
        "event_place_id",
    ),
    "incident": ("id", "case_id", "title", *_date_columns("date"), "location_id", "description"),
    "act": (
        "id",
        "incident_id",
        "victim_id",
        "perpetrator_id",
        "perpetrator_text",
        "violation_code",
        "location_id",
        *_date_columns("date"),
        "description",
    ),
    "informant": ("id", "source_record_id", "name_enc", "contact_enc"),
}


# every table the rows of a batch get ids in, looked up before the rows are prepared
_ALLOCATED = (s.import_batch, s.location, *(s.VERSIONED_TABLES[name] for name in _COLUMNS))


def _check_columns() -> None:
    for name, columns in _COLUMNS.items():
        actual = tuple(c.name for c in s.VERSIONED_TABLES[name].columns)
        if actual != columns:  # pragma: no cover - a schema change must update _COLUMNS
            raise RuntimeError(f"import writes {name} as {columns}, but the table is {actual}")


class _Rows:
    """The tuples of one chunk, per table, with per-distinct-value caches shared across chunks."""

    def __init__(self, keyring: Keyring, places: PlaceResolver, *, source_id: int, batch_id: int) -> None:
        self.keyring, self.places = keyring, places
        self.source_id, self.batch_id = source_id, batch_id
        # by the text: one batch reads each text one way, and a str's hash is kept (a date's is not)
        self._dates: dict[str, DateColumns] = {}
        self._iso: dict[str, str] = {}
        self._case_terms: dict[str, tuple[str, str]] = {}
        self.tables: dict[str, list[tuple[Any, ...]]] = {}

    def reset(self) -> None:
        self.tables = {name: [] for name in _COLUMNS}

    def dates(self, date: PartialDate) -> DateColumns:
        found = self._dates.get(date.raw)
        if found is None:
            start = date.start.isoformat() if date.start else None
            end = date.end.isoformat() if date.end else None
            found = self._dates[date.raw] = (date.raw or None, start, end, date.precision, date.circa)
        return found

    def iso(self, date: PartialDate) -> str:
        """``date.iso()``, once per distinct date."""
        found = self._iso.get(date.raw)
        if found is None:
            found = self._iso[date.raw] = date.iso()
        return found

    def case_terms(self, case_type: str) -> tuple[str, str]:
        """The incident title and the act's violation code of a case type."""
        found = self._case_terms.get(case_type)
        if found is None:
            found = (CASE_TYPES.term(case_type).label_en, case_type_violation(case_type))
            self._case_terms[case_type] = found
        return found


@dataclass(frozen=True, slots=True)
class _BatchJob:
    """Validate the rows chunk by chunk and write each valid chunk (see :func:`run_prepared`).

    A chunk is written only while no row so far has an error; the rest is still checked so that
    every problem is reported, and the write is then rolled back by :class:`BatchRejected`.
    """

    table: RawTable
    rules: Mapping
    existing: frozenset[str]
    keyring: Keyring
    places: PlaceResolver
    source_id: int
    sha256: str
    actor: str

    def run(self, writer: Writer, flush: Flush) -> tuple[int, list[Problem], list[RowPlan], list[str]]:
        """Write the new rows of the batch through ``writer``; returns its id, the warnings, the
        plans of the rows the source already held (compared and updated by the caller) and the
        record ids of the new rows."""
        _check_columns()
        batch_id = self._insert_batch(writer)
        validator = Validator(self.table, self.rules)
        rows = _Rows(self.keyring, self.places, source_id=self.source_id, batch_id=batch_id)
        kept: list[RowPlan] = []
        added: list[str] = []
        existing = self.existing
        for chunk in _chunks(self.table.rows):
            plans = [validator.check(row, cells) for row, cells in chunk]
            if existing:
                kept += [p for p in plans if p.record_id in existing]
                plans = [p for p in plans if p.record_id not in existing]
            added += [p.record_id for p in plans]
            if plans and not validator.has_errors:
                self.places.ensure(p.values[c] for p in plans for c in ("birth_place", "event_place"))
                _write_chunk(writer, rows, plans)
            flush(len(chunk))
        validator.raise_if_rejected()
        return batch_id, validator.warnings, kept, added

    def _insert_batch(self, writer: Writer) -> int:
        batch_id = writer.allocate(s.import_batch)
        row = {
            "id": batch_id,
            "source_id": self.source_id,
            "file_name": self.table.file,
            "sha256": self.sha256,
            "file_format": self.table.format,
            "row_count": len(self.table.rows),
            "mapping": self.rules.as_dict(),
            "actor": self.actor,
            "imported_at": now_iso(),
        }
        writer.insert(s.import_batch, [row])
        return batch_id


def _write_chunk(writer: Writer, rows: _Rows, chunk: Sequence[RowPlan]) -> None:
    rows.reset()
    person_id = writer.allocate(s.person, len(chunk))
    record_id = writer.allocate(s.source_record, len(chunk))
    names = [name_tuples(plan.values) for plan in chunk]
    name_id = writer.allocate(s.name, sum(map(len, names)))
    cases = sum(1 for plan in chunk if plan.case_type)
    ids = {t.name: writer.allocate(t, cases) for t in (s.case, s.incident, s.act)}
    informants = sum(1 for plan in chunk if plan.values["informant_name"] or plan.values["informant_contact"])
    ids["informant"] = writer.allocate(s.informant, informants)
    for offset, (plan, spelled) in enumerate(zip(chunk, names, strict=True)):
        pid, rid = person_id + offset, record_id + offset
        _person_rows(rows, plan, pid=pid, rid=rid)
        for name in spelled:
            rows.tables["name"].append((name_id, pid, rid, *name))
            name_id += 1
        if plan.case_type:
            _case_rows(rows, plan, pid=pid, rid=rid, ids=ids)
        if plan.values["informant_name"] or plan.values["informant_contact"]:
            rows.tables["informant"].append(_informant_row(rows.keyring, plan, iid=ids["informant"], rid=rid))
            ids["informant"] += 1
    for table_name, table_rows in rows.tables.items():
        writer.insert_tuples(s.VERSIONED_TABLES[table_name], table_rows)


def _person_rows(rows: _Rows, plan: RowPlan, *, pid: int, rid: int) -> None:
    birth_place = rows.places.id_of(plan.values["birth_place"])
    rows.tables["person"].append(
        (pid, primary_name(plan.values), plan.sex, *rows.dates(plan.birth), birth_place, None)
    )
    rows.tables["source_record"].append(
        (
            rid,
            rows.source_id,
            rows.batch_id,
            plan.row_number,
            plan.record_id,
            pid,
            _raw(plan),
            _parsed(rows, plan),
            _protected_extra(rows.keyring, plan, rid=rid),
        )
    )


def _informant_row(keyring: Keyring, plan: RowPlan, *, iid: int, rid: int) -> tuple[Any, ...]:
    name, contact = plan.values["informant_name"], plan.values["informant_contact"]
    return (
        iid,
        rid,
        keyring.encrypt(name or None, context=f"informant.name_enc.{iid}"),
        keyring.encrypt(contact or None, context=f"informant.contact_enc.{iid}"),
    )


_HIDDEN = SENSITIVE_COLUMNS


def _raw(plan: RowPlan) -> dict[str, str]:
    """Every non-protected cell verbatim, unknown columns included."""
    raw = plan.values.copy()  # a copy and two deletions beat a filtering comprehension
    for column in _HIDDEN:
        del raw[column]
    raw.update(plan.extra)
    return raw


def _parsed(rows: _Rows, plan: RowPlan) -> dict[str, Any]:
    return {
        "sex": plan.sex,
        "case_type": plan.case_type,
        "status": plan.status,
        "birth_date": rows.iso(plan.birth),
        "birth_date_precision": plan.birth.precision,
        "event_date": rows.iso(plan.event),
        "event_date_precision": plan.event.precision,
        **({"birth_date_lunar": plan.birth.lunar} if plan.birth.lunar else {}),
        **({"event_date_lunar": plan.event.lunar} if plan.event.lunar else {}),
    }


def _protected_extra(keyring: Keyring, plan: RowPlan, *, rid: int) -> str | None:
    sealed = plan.protected_extra
    if plan.values["perpetrator_name"]:  # a sensitive cell stays with the record, encrypted
        sealed = {**sealed, "perpetrator_name": plan.values["perpetrator_name"]}
    if not sealed:
        return None
    return keyring.encrypt(
        json.dumps(sealed, ensure_ascii=False), context=f"source_record.protected_extra.{rid}"
    )


_NO_ACT_DETAIL = (None, None, None, None, "unknown", False, None)  # place, date, description: the incident's


def _case_rows(rows: _Rows, plan: RowPlan, *, pid: int, rid: int, ids: dict[str, int]) -> None:
    assert plan.case_type is not None
    case_id, incident_id, act_id = ids["case"], ids["incident"], ids["act"]
    ids["case"], ids["incident"], ids["act"] = case_id + 1, incident_id + 1, act_id + 1
    place_id = rows.places.id_of(plan.values["event_place"])
    title, violation = rows.case_terms(plan.case_type)
    event = rows.dates(plan.event)
    rows.tables["case"].append((case_id, pid, rid, plan.case_type, plan.status, *event, place_id))
    rows.tables["incident"].append((incident_id, case_id, title, *event, place_id, None))
    rows.tables["act"].append((act_id, incident_id, pid, None, None, violation, *_NO_ACT_DETAIL))
