"""``unforgotten import FILE --from uwazi``: an Uwazi export as one batch, then its links and files.

The entities imported as persons are one batch like any list (:func:`~unforgotten.ingest.batch.import_table`:
validation, versions, audit, re-import by ``record_id``). Then, for the rows the batch added:

* each title in a relationship cell names a person of the registry in any script (김철수 =
  ``Kim Chol-su``, the name index of :mod:`unforgotten.store.search_names`) and becomes a
  ``linked`` :data:`~unforgotten.store.schema_relations.relation`; a title that names no person,
  or several, becomes a ``proposed`` one for review. A related title never creates a person;
* each document and attachment found in the ZIP the export came in, or in the ``files`` folder,
  is taken in as evidence for the row's person (:class:`~unforgotten.evidence.service.Evidence`,
  one custody event each); a file named but not there is a warning, kept as the cell's text.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from unforgotten.errors import Problem
from unforgotten.evidence.service import Attach, Evidence
from unforgotten.ingest.batch import ImportReport, Progress, import_table, read_file
from unforgotten.ingest.uwazi import UwaziCollection, UwaziEntity, load_mapping, read_collection, to_table
from unforgotten.ingest.uwazi_values import split_multi
from unforgotten.store import schema as s
from unforgotten.store.schema_relations import relation
from unforgotten.store.search import refresh_index
from unforgotten.store.search_names import name_matches
from unforgotten.store.workspace import Workspace

__all__ = ["EXACT_NAME", "import_uwazi"]

EXACT_NAME = 0.99
"""The score a related title must reach to name a person (the same name in another script is 1.0)."""


def import_uwazi(
    ws: Workspace,
    path: Path,
    *,
    source: str,
    mapping: Path | None = None,
    files: Path | None = None,
    dry_run: bool = False,
    organisation: str | None = None,
    confidentiality: str = "restricted",
    progress: Progress | None = None,
) -> ImportReport:
    """Import an Uwazi CSV export, CSV+ZIP or entities JSON (see the module docstring)."""
    data, sha = read_file(ws, path)
    rules, options = load_mapping(mapping)
    collection = read_collection(data, name=path.name, options=options, folder=files or path.parent)
    table, rules, skipped = to_table(collection, rules, options)
    report = import_table(
        ws,
        table,
        rules=rules,
        sha256=sha,
        source=source,
        dry_run=dry_run,
        organisation=organisation,
        confidentiality=confidentiality,
        progress=progress,
    )
    warnings = [*report.warnings, *_skipped_warnings(collection.file, skipped)]
    added = set(report.difference.added)
    imported = [
        e for e in collection.entities if e.record_id in added and options.kind(e.template) == "person"
    ]
    details: dict[str, Any] = {"skipped": skipped, "relationships": sorted(collection.relationships)}
    if not dry_run and report.batch_id is not None:
        persons = _persons_of(ws, source, [e.record_id for e in imported])
        details["relations"] = _write_relations(ws, collection, imported, persons, report.batch_id)
        evidence, missing = _take_files(ws, collection, imported, persons)
        details["evidence"] = evidence
        warnings += missing
    return replace(report, warnings=warnings, details=details)


def _skipped_warnings(file: str, skipped: dict[str, int]) -> list[Problem]:
    return [
        Problem(
            file,
            1,
            "Template",
            "",
            f"{count} entities of template {template!r} not imported; map the template to "
            '"person" in [uwazi.templates] to import them',
            severity="warning",
            code="template_skipped",
        )
        for template, count in sorted(skipped.items())
    ]


def _persons_of(ws: Workspace, source: str, record_ids: list[str]) -> dict[str, tuple[int, int]]:
    """record_id → (source record id, person id) of the rows just imported."""
    sr = s.source_record
    query = (
        select(sr.c.record_id, sr.c.id, sr.c.person_id)
        .join(s.source, s.source.c.id == sr.c.source_id)
        .where(s.source.c.name == source)
    )
    wanted = set(record_ids)
    with ws.read() as conn:
        return {
            r.record_id: (int(r.id), int(r.person_id)) for r in conn.execute(query) if r.record_id in wanted
        }


def _resolve(conn: Any, title: str, roots: dict[int, int]) -> tuple[int | None, list[int]]:
    """The one person a title names (or ``None``) and the persons it may mean."""
    found = name_matches(conn, title)
    exact = sorted({roots.get(p, p) for p, (score, _) in found.items() if score >= EXACT_NAME})
    if len(exact) == 1:
        return exact[0], exact
    ranked = sorted(found.items(), key=lambda item: -item[1][0])
    return None, exact or list(dict.fromkeys(roots.get(p, p) for p, _ in ranked))[:5]


def _write_relations(
    ws: Workspace,
    collection: UwaziCollection,
    imported: list[UwaziEntity],
    persons: dict[str, tuple[int, int]],
    batch_id: int,
) -> dict[str, int]:
    cells = [
        (entity, label, title)
        for entity in imported
        for label in sorted(collection.relationships)
        for title in split_multi(entity.cells.get(label, ""))
    ]
    counts = {"linked": 0, "proposed": 0}
    if not cells:
        return counts
    refresh_index(ws)
    with ws.write(action="import_relations", subject=f"batch:{batch_id}") as w:
        roots = {
            int(p): int(m or p) for p, m in w.conn.execute(select(s.person.c.id, s.person.c.merged_into))
        }
        first = w.allocate(relation, len(cells))
        rows = []
        for offset, (entity, label, title) in enumerate(cells):
            person, candidates = _resolve(w.conn, title, roots)
            state = "linked" if person is not None else "proposed"
            counts[state] += 1
            rows.append(
                {
                    "id": first + offset,
                    "source_record_id": persons[entity.record_id][0],
                    "property": label,
                    "target_text": title,
                    "person_id": person,
                    "state": state,
                    "candidates": candidates,
                }
            )
        w.insert(relation, rows, reason=f"import batch {batch_id}: relationship cells")
        w.detail.update({"batch": batch_id, **counts})
    return counts


def _take_files(
    ws: Workspace,
    collection: UwaziCollection,
    imported: list[UwaziEntity],
    persons: dict[str, tuple[int, int]],
) -> tuple[int, list[Problem]]:
    taken, missing = 0, []
    evidence = Evidence(ws)
    with tempfile.TemporaryDirectory() as tmp:
        for entity in imported:
            for what, names in (("document", entity.documents), ("attachment", entity.attachments)):
                for name in names:
                    data = collection.file_bytes(name)
                    if data is None:
                        reason = f"{what} {name!r} is not in the ZIP or the files folder; kept as text only"
                        missing.append(
                            Problem(
                                collection.file,
                                entity.row,
                                what.title() + "s",
                                "",
                                reason,
                                severity="warning",
                                code="file_missing",
                            )
                        )
                        continue
                    copy = Path(tmp) / str(taken) / Path(name).name
                    copy.parent.mkdir()
                    copy.write_bytes(data)
                    evidence.add(
                        [copy],
                        attach=Attach(person=persons[entity.record_id][1]),
                        how=f"Uwazi import ({what})",
                        description=f"Uwazi {what}: {name}",
                    )
                    taken += 1
    return taken, missing
