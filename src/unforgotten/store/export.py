"""Exports of persons and records, as CSV or JSON, always audited.

Protected fields (informant name and contact, protected extra columns) are left out unless the
caller holds ``export_protected`` and asks for them; such an export is audited as such.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.domain.cells import neutralise_rows
from unforgotten.domain.roles import Permission, may_see
from unforgotten.errors import PermissionDenied, ValidationError
from unforgotten.store import schema as s
from unforgotten.store.consents import consented, record_disclosure
from unforgotten.store.export_partner import edtf_record, geolocation, uwazi_row, uwazi_template
from unforgotten.store.perpetrators import perpetrator_ids
from unforgotten.store.queries import cluster_rows, person_rows, protected_of_records, record_rows
from unforgotten.store.visibility import export_visibility
from unforgotten.store.workspace import Workspace

__all__ = ["EXPORTS", "FORMATS", "export"]

FORMATS = ("csv", "json", "uwazi-csv")

EXPORTS: dict[str, Callable[[Connection], list[dict[str, Any]]]] = {
    "persons": person_rows,
    "records": record_rows,
    "clusters": cluster_rows,
}


def _write(rows: list[dict[str, Any]], out: Path, fmt: str, *, raw_cells: bool) -> None:
    if fmt != "json" and not raw_cells:
        rows = neutralise_rows(rows)
    tmp = out.with_name(out.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # records of persons: owner only
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        if fmt == "json":
            json.dump(rows, handle, ensure_ascii=False, indent=1, default=str)
        else:
            columns = list(dict.fromkeys(k for row in rows for k in row))
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    os.replace(tmp, out)


def export(
    ws: Workspace,
    what: str,
    out: Path,
    *,
    fmt: str = "csv",
    include_protected: bool = False,
    rows_for: Callable[[Connection], list[dict[str, Any]]] | None = None,
    raw_cells: bool = False,
    scope: str | None = None,
    recipient: str = "internal",
    include_confidential: bool = False,
    base_url: str = "",
    template: str = "Victim",
    languages: tuple[str, ...] = (),
) -> int:
    """Write an export; returns the number of rows. Protected fields only on request, for admins.
    CSV cells that a spreadsheet would run as formulas are neutralised unless ``raw_cells``.
    Records of confidential sources (and persons with any) are left out unless
    ``include_confidential``, which needs the role to read protected fields.

    With ``scope`` (an export for ``recipient`` outside the organisation), only persons whose
    consent covers the scope are exported; every export records which persons it included.

    A JSON export of records has its dates in EDTF and each record's page and source link (URLs
    under ``base_url``); ``uwazi-csv`` writes records as Uwazi's CSV import reads them for the
    template ``template`` (described beside it in ``OUT.template.json``), with ``__LANG`` columns
    for each of ``languages`` (see :mod:`unforgotten.store.export_partner`)."""
    ws.require(Permission.EXPORT)
    if include_protected:
        ws.require(Permission.EXPORT_PROTECTED)
    if include_confidential and not may_see(ws.settings.role, "confidential"):
        raise PermissionDenied(f"role {ws.settings.role!r} may not see confidential sources")
    if fmt not in FORMATS:
        raise ValidationError(f"unknown export format {fmt!r}; use csv, json or uwazi-csv")
    if fmt == "uwazi-csv" and what != "records":
        raise ValidationError(f"--format uwazi-csv exports records, not {what}")
    producer = rows_for or EXPORTS.get(what)
    if producer is None:
        raise ValidationError(f"unknown export {what!r}; use one of {', '.join(EXPORTS)}")
    ws.ensure_ready()
    with ws.read() as conn:
        rows = export_visibility(conn, include_confidential=include_confidential).rows(producer(conn))
        if scope is not None:
            root_of = {
                int(p): int(m or p) for p, m in conn.execute(select(s.person.c.id, s.person.c.merged_into))
            }
            allowed = consented(conn, scope) - perpetrator_ids(conn)  # alleged perpetrators never leave
            rows = [r for r in rows if "person_id" not in r or root_of.get(int(r["person_id"])) in allowed]
        if include_protected and what == "records":
            secret = protected_of_records(conn, ws.keyring, [r["_id"] for r in rows])
            rows = [{**r, **secret.get(r["_id"], {})} for r in rows]
        if what == "records" and fmt != "csv":
            rows = _partner_rows(conn, rows, fmt, base_url=base_url, languages=languages)
    rows = [{k: v for k, v in r.items() if k != "_id"} for r in rows]
    with ws.write(
        action="export_protected" if include_protected else "export", subject=f"export:{what}"
    ) as w:
        w.detail.update(
            {
                "what": what,
                "rows": len(rows),
                "file": out.name,
                "format": fmt,
                "include_protected": include_protected,
                "raw_cells": raw_cells,
                "scope": scope,
                "include_confidential": include_confidential,
                "recipient": recipient,
                **({"template": template, "languages": list(languages)} if fmt == "uwazi-csv" else {}),
            }
        )
        persons = [int(r["person_id"]) for r in rows if r.get("person_id") is not None]
        record_disclosure(
            w, kind="export", recipient=recipient, scope=scope or "internal", person_ids=persons
        )
    _write(rows, out, fmt, raw_cells=raw_cells)
    if fmt == "uwazi-csv":
        described = out.with_name(out.stem + ".template.json")
        described.write_text(json.dumps(uwazi_template(template), ensure_ascii=False, indent=1), "utf-8")
    return len(rows)


def _partner_rows(
    conn: Connection, rows: list[dict[str, Any]], fmt: str, *, base_url: str, languages: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Record rows as JSON with EDTF dates and links, or as Uwazi CSV rows (``_id`` kept)."""
    query = select(s.source_record.c.id, s.source_record.c.parsed, s.source_record.c.source_id)
    stored = {int(i): (parsed, int(source)) for i, parsed, source in conn.execute(query)}
    if fmt == "json":
        return [
            edtf_record(r, parsed=stored[r["_id"]][0], source_id=stored[r["_id"]][1], base_url=base_url)
            for r in rows
        ]
    place = s.location.c.code
    codes = {
        rid: code for rid, code in conn.execute(select(s.case.c.source_record_id, place).join(s.location))
    }
    return [
        {
            "_id": r["_id"],
            **uwazi_row(
                r,
                parsed=stored[r["_id"]][0],
                base_url=base_url,
                languages=languages,
                geo=geolocation(codes.get(r["_id"])),
            ),
        }
        for r in rows
    ]
