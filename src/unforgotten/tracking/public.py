"""Public statistics from the registry: consenting persons only, small cells suppressed.

:func:`person_rows` reads one :class:`~unforgotten.tracking.disclosure.PersonRow` per live
person (merged records count once):

- **case type** of the person's first case (lowest id), ``unknown`` without a case;
- **province**: ``location.province_code`` of that case's event place, ``unknown`` when the
  place is missing or not resolved to a province;
- **period**: the era of the case's event date (first day): ``korean_war`` (1950–1953),
  ``cold_war`` (1954–1994), ``famine`` (1995–2011), ``recent`` (2012 on), ``unknown``;
- **consent**: the person's latest ``consent`` row (by date recorded, then id) must say
  ``may_publish``; a person without one is not counted at all.

:func:`export_public` runs :func:`~unforgotten.tracking.disclosure.public_table` (its rules:
docs/tracking.md), writes CSV or JSON and records the export in the audit log.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.domain.cells import neutralise_row
from unforgotten.domain.roles import Permission
from unforgotten.errors import ValidationError
from unforgotten.store import schema as s
from unforgotten.store.consents import consented, record_disclosure
from unforgotten.store.queries import withheld_persons
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.disclosure import Estimate, PersonRow, PublicCell, PublicTable, public_table
from unforgotten.tracking.public_site import write_site

__all__ = [
    "FORMATS",
    "PERIODS",
    "SITE",
    "export_public",
    "period_of",
    "person_rows",
    "public_statistics",
    "render",
]

PERIODS: tuple[tuple[str, int, int], ...] = (
    ("korean_war", 1950, 1953),
    ("cold_war", 1954, 1994),
    ("famine", 1995, 2011),
    ("recent", 2012, 9999),
)
"""Periods by event year (name, first year, last year); the eras the estimates stratify by."""

UNKNOWN = "unknown"
FORMATS = ("csv", "json")
SITE = "site"  # a folder: index.html with its charts, statistics.csv, statistics.json


def period_of(day: date | None) -> str:
    """The period of an event date (``unknown`` without one; before 1950 counts as korean_war).

    >>> period_of(date(1977, 8, 1)), period_of(None)
    ('cold_war', 'unknown')
    """
    if day is None:
        return UNKNOWN
    for name, first, last in PERIODS:
        if first <= day.year <= last:
            return name
    return PERIODS[0][0]


def _consented(conn: Connection) -> set[int]:
    """Live persons whose latest consent for publication grants it (records.consent)."""
    return consented(conn, "publication")


def _first_cases(conn: Connection) -> dict[int, tuple[str, str, str]]:
    """Per person: case type, province and period of the first case."""
    c, loc = s.case, s.location
    query = (
        select(c.c.person_id, c.c.case_type, c.c.event_date_start, loc.c.province_code)
        .select_from(c.outerjoin(loc, loc.c.id == c.c.event_place_id))
        .order_by(c.c.id.desc())
    )
    return {
        int(pid): (case_type, province or UNKNOWN, period_of(start))
        for pid, case_type, start, province in conn.execute(query)
    }


def person_rows(conn: Connection) -> list[PersonRow]:
    """One row per live person with case type, province, period and consent (see module doc)."""
    cases = _first_cases(conn)
    consented = _consented(conn)
    live = (
        select(s.person.c.id)
        .where(s.person.c.merged_into.is_(None), s.person.c.id.not_in(withheld_persons()))
        .order_by(s.person.c.id)
    )
    rows = []
    for pid in conn.execute(live).scalars():
        case_type, province, period = cases.get(pid, (UNKNOWN, UNKNOWN, UNKNOWN))
        rows.append(PersonRow(str(pid), case_type, province, period, consented=pid in consented))
    return rows


def public_statistics(
    ws: Workspace,
    *,
    by: Sequence[str],
    threshold: int = 5,
    estimates: Mapping[tuple[str, ...], Estimate] | None = None,
) -> PublicTable:
    """The public table of the registry by one or two of case_type, province, period."""
    ws.require(Permission.EXPORT)
    with ws.read() as conn:
        rows = person_rows(conn)
    return public_table(rows, by=by, threshold=threshold, estimates=estimates)


def _csv_row(table: PublicTable, cell: PublicCell) -> list[Any]:
    est = cell.estimate
    estimate = [est.point, est.lower, est.upper, est.method] if est else ["", "", "", ""]
    return [*cell.key, "" if cell.count is None else cell.count, *estimate]


def render(table: PublicTable, *, fmt: str, raw_cells: bool = False) -> str:
    """The table as CSV (suppressed counts empty, totals keyed ``*``; cells that start like a
    spreadsheet formula neutralised unless ``raw_cells``) or JSON (``null``)."""
    if fmt not in FORMATS:
        raise ValidationError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "json":
        return json.dumps(table.to_dict(), ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    safe = (lambda row: row) if raw_cells else neutralise_row
    writer.writerow([*table.by, "count", "estimate", "lower", "upper", "method"])
    writer.writerows(safe(_csv_row(table, cell)) for cell in (*table.cells, *table.totals))
    return out.getvalue()


def export_public(
    ws: Workspace,
    *,
    by: Sequence[str],
    out: str | Path,
    threshold: int = 5,
    fmt: str = "csv",
    estimates: Mapping[tuple[str, ...], Estimate] | None = None,
    raw_cells: bool = False,
) -> PublicTable:
    """Write the public table to ``out`` and record the export in the audit log."""
    table = public_statistics(ws, by=by, threshold=threshold, estimates=estimates)
    if fmt == SITE:
        write_site(
            table,
            Path(out),
            csv_text=render(table, fmt="csv", raw_cells=raw_cells),
            json_text=render(table, fmt="json"),
        )
    else:
        Path(out).write_text(render(table, fmt=fmt, raw_cells=raw_cells), encoding="utf-8")
    _audit_public(ws, table, name=Path(out).name, threshold=threshold, fmt=fmt)
    return table


def _audit_public(ws: Workspace, table: PublicTable, *, name: str, threshold: int, fmt: str) -> None:
    """The export's audit event, with the persons it counted (so a withdrawal can list it)."""
    cells = (*table.cells, *table.totals)
    with ws.read() as conn:
        counted = sorted(_consented(conn))
    with ws.write(action="export_public", subject=name) as w:
        w.detail.update(
            {
                "by": list(table.by),
                "threshold": threshold,
                "format": fmt,
                "cells": len(cells),
                "suppressed": sum(1 for c in cells if c.suppressed),
            }
        )
        record_disclosure(w, kind="public", recipient="public", scope="publication", person_ids=counted)
