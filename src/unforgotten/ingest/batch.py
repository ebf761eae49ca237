"""One file = one batch from one source, written all-or-nothing.

The file is read and every row validated before anything is written; a batch with any bad row
is rejected whole (:class:`~unforgotten.errors.BatchRejected` lists every problem). The same
bytes (same SHA-256) are never imported twice. The write is one transaction: a crash or
``kill -9`` half-way leaves nothing of the batch behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.domain.dates import PartialDate
from unforgotten.domain.roles import Permission
from unforgotten.domain.vocab import CASE_TYPES, case_type_violation
from unforgotten.errors import BatchRejected, DuplicateBatchError, NotFoundError, Problem
from unforgotten.ingest.mapping import Mapping
from unforgotten.ingest.readers import detect_format, read_table
from unforgotten.ingest.validate import RowPlan, validate
from unforgotten.store import schema as s
from unforgotten.store.crypto import Keyring
from unforgotten.store.names import name_rows, primary_name
from unforgotten.store.places import PlaceResolver
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = ["ImportReport", "import_file"]

CHUNK = 2000
Progress = Callable[[int], None]


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

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "file": self.file,
            "source": self.source,
            "sha256": self.sha256,
            "rows": self.rows,
            "batch_id": self.batch_id,
            "dry_run": self.dry_run,
            "warnings": [str(w) for w in self.warnings],
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


def _existing_ids(conn: Connection, source: str) -> set[str]:
    query = select(s.source_record.c.record_id).join(s.source).where(s.source.c.name == source)
    return set(conn.execute(query).scalars())


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
    ws.require(Permission.IMPORT)
    ws.ensure_ready()
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise NotFoundError(f"{path}: no such file") from None
    sha = hashlib.sha256(data).hexdigest()
    with ws.read() as conn:
        _refuse_duplicate(conn, sha, path.name)
        existing = _existing_ids(conn, source)
    table = read_table(data, name=path.name, fmt=detect_format(path), sheet=sheet)
    rules = Mapping.load(mapping) if mapping else Mapping()
    plans, problems = validate(table, rules, existing_ids=existing)
    if any(p.severity == "error" for p in problems):
        raise BatchRejected(path.name, problems)
    warnings = [p for p in problems if p.severity == "warning"]
    if dry_run:
        return ImportReport(path.name, source, sha, len(plans), None, True, warnings)
    with ws.write(action="import", subject=f"source:{source}") as writer:
        _refuse_duplicate(writer.conn, sha, path.name)
        source_id = _source_id(
            writer, source, kind=kind, organisation=organisation, confidentiality=confidentiality
        )
        batch_id = writer.allocate(s.import_batch)
        writer.insert(
            s.import_batch,
            [
                {
                    "id": batch_id,
                    "source_id": source_id,
                    "file_name": path.name,
                    "sha256": sha,
                    "file_format": table.format,
                    "row_count": len(plans),
                    "mapping": rules.as_dict(),
                    "actor": ws.settings.actor,
                    "imported_at": now_iso(),
                }
            ],
        )
        _write_rows(writer, ws.keyring, plans, source_id=source_id, batch_id=batch_id, progress=progress)
        writer.detail.update({"batch": batch_id, "file": path.name, "sha256": sha, "rows": len(plans)})
    return ImportReport(path.name, source, sha, len(plans), batch_id, False, warnings)


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


def _chunks(plans: Sequence[RowPlan]) -> Iterator[Sequence[RowPlan]]:
    for start in range(0, len(plans), CHUNK):
        yield plans[start : start + CHUNK]


def _dates(prefix: str, date: PartialDate) -> dict[str, Any]:
    return {
        f"{prefix}_raw": date.raw or None,
        f"{prefix}_start": date.start,
        f"{prefix}_end": date.end,
        f"{prefix}_precision": date.precision,
        f"{prefix}_circa": date.circa,
    }


def _write_rows(
    writer: Writer,
    keyring: Keyring,
    plans: Sequence[RowPlan],
    *,
    source_id: int,
    batch_id: int,
    progress: Progress | None,
) -> None:
    places = PlaceResolver(writer)
    places.ensure(p.values[c] for p in plans for c in ("birth_place", "event_place"))
    for chunk in _chunks(plans):
        _write_chunk(writer, keyring, places, chunk, source_id=source_id, batch_id=batch_id)
        if progress:
            progress(len(chunk))


def _write_chunk(
    writer: Writer,
    keyring: Keyring,
    places: PlaceResolver,
    chunk: Sequence[RowPlan],
    *,
    source_id: int,
    batch_id: int,
) -> None:
    rows: dict[str, list[dict[str, Any]]] = {
        t: [] for t in ("person", "source_record", "name", "case", "incident", "act", "informant")
    }
    person_id = writer.allocate(s.person, len(chunk))
    record_id = writer.allocate(s.source_record, len(chunk))
    for offset, plan in enumerate(chunk):
        pid, rid = person_id + offset, record_id + offset
        rows["person"].append(
            {
                "id": pid,
                "primary_name": primary_name(plan.values),
                "sex": plan.sex,
                **_dates("birth_date", plan.birth),
                "birth_place_id": places.id_of(plan.values["birth_place"]),
                "merged_into": None,
            }
        )
        rows["source_record"].append(
            _record_row(keyring, plan, rid=rid, pid=pid, source_id=source_id, batch_id=batch_id)
        )
        for name in name_rows(plan.values):
            rows["name"].append(
                {"id": writer.allocate(s.name), "person_id": pid, "source_record_id": rid, **name}
            )
        if plan.case_type:
            _case_rows(writer, places, plan, pid=pid, rid=rid, rows=rows)
        if plan.values["informant_name"] or plan.values["informant_contact"]:
            iid = writer.allocate(s.informant)
            rows["informant"].append(
                {
                    "id": iid,
                    "source_record_id": rid,
                    "name_enc": keyring.encrypt(
                        plan.values["informant_name"] or None, context=f"informant.name_enc.{iid}"
                    ),
                    "contact_enc": keyring.encrypt(
                        plan.values["informant_contact"] or None, context=f"informant.contact_enc.{iid}"
                    ),
                }
            )
    for table_name, table_rows in rows.items():
        writer.insert(s.VERSIONED_TABLES[table_name], table_rows)


def _record_row(
    keyring: Keyring, plan: RowPlan, *, rid: int, pid: int, source_id: int, batch_id: int
) -> dict[str, Any]:
    shown = {k: v for k, v in plan.values.items() if k not in ("informant_name", "informant_contact")}
    parsed = {
        "sex": plan.sex,
        "case_type": plan.case_type,
        "status": plan.status,
        "birth_date": plan.birth.iso(),
        "birth_date_precision": plan.birth.precision,
        "event_date": plan.event.iso(),
        "event_date_precision": plan.event.precision,
    }
    extra_enc = None
    if plan.protected_extra:
        extra_enc = keyring.encrypt(
            json.dumps(plan.protected_extra, ensure_ascii=False),
            context=f"source_record.protected_extra.{rid}",
        )
    return {
        "id": rid,
        "source_id": source_id,
        "batch_id": batch_id,
        "row_number": plan.row_number,
        "record_id": plan.record_id,
        "person_id": pid,
        "raw": {**shown, **plan.extra},
        "parsed": parsed,
        "protected_extra": extra_enc,
    }


def _case_rows(
    writer: Writer,
    places: PlaceResolver,
    plan: RowPlan,
    *,
    pid: int,
    rid: int,
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    assert plan.case_type is not None
    case_id, incident_id, act_id = (writer.allocate(t) for t in (s.case, s.incident, s.act))
    place_id = places.id_of(plan.values["event_place"])
    rows["case"].append(
        {
            "id": case_id,
            "person_id": pid,
            "source_record_id": rid,
            "case_type": plan.case_type,
            "status": plan.status,
            **_dates("event_date", plan.event),
            "event_place_id": place_id,
        }
    )
    rows["incident"].append(
        {
            "id": incident_id,
            "case_id": case_id,
            "title": CASE_TYPES.term(plan.case_type).label_en,
            **_dates("date", plan.event),
            "location_id": place_id,
        }
    )
    rows["act"].append(
        {
            "id": act_id,
            "incident_id": incident_id,
            "victim_id": pid,
            "perpetrator_id": None,
            "perpetrator_text": None,
            "violation_code": case_type_violation(plan.case_type),
        }
    )
