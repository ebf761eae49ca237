"""The tables of the documentation workbench: entries with versions and review state, values with
their sources, and the dated status history of a case.

An *entry* is a record a person edits as one document: a person, a case, an incident (with its
acts) or a source. ``record_entry`` holds its current version number, review state and a snapshot
of the document; the writer versions that row like any other, so the history of an entry is the
versions of its ``record_entry`` row, each with the whole document as it stood. Imported rows
have no entry until someone edits them (their batch is their review unit).

A *field value* says which source (and, where known, which source record, with a citation)
supports one value of one field, with a confidence. Two sources that disagree are kept side by
side; the one marked preferred is the value the record shows.

A *case status* is one dated step of a case's history (abducted 1977 → reported alive 2002 →
deceased per the DPRK 2004 → disputed by the family); the case shows its latest.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from unforgotten.store.schema import VERSIONED_TABLES, _partial_date, metadata

__all__ = ["case_status", "disclosure", "field_value", "record_entry"]

record_entry = Table(
    "record_entry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("table_name", String(40), nullable=False),  # person | case | incident | source
    Column("row_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", String(10), nullable=False),  # draft | approved | retired
    Column("author", String(100), nullable=False),  # who created it (or first edited an import)
    Column("edited_by", String(100), nullable=False),  # who saved the current version
    Column("edited_at", String(40), nullable=False),
    Column("reviewed_by", String(100)),
    Column("reviewed_version", Integer),  # the version last approved
    Column("retired_reason", Text),
    Column("document", JSON, nullable=False),  # the editable fields as they stand in this version
    UniqueConstraint("table_name", "row_id", name="uq_record_entry_row"),
)

field_value = Table(
    "field_value",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("table_name", String(40), nullable=False),
    Column("row_id", Integer, nullable=False, index=True),
    Column("field", String(40), nullable=False),
    Column("value", Text),
    Column("source_id", ForeignKey("source.id"), nullable=False),
    Column("source_record_id", ForeignKey("source_record.id")),
    Column("citation", Text),  # page, paragraph, minute of a recording, document number
    Column("confidence", String(10), nullable=False),  # confirmed | probable | possible | contested
    Column("preferred", Boolean, nullable=False),
    Column("author", String(100), nullable=False),
    Column("recorded_at", String(40), nullable=False),
)

case_status = Table(
    "case_status",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("case_id", ForeignKey("case.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    *_partial_date("date"),
    Column("source_id", ForeignKey("source.id")),
    Column("note", Text),
    Column("author", String(100), nullable=False),
)

#: What left the registry about whom: one row per export, public statistics or bundle that
#: included persons, so that a withdrawn consent can list what to recall (docs/evidence.md).
disclosure = Table(
    "disclosure",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("event_id", Integer, nullable=False),  # the audit event of the export
    Column("kind", String(20), nullable=False),  # export | public | bundle
    Column("recipient", Text, nullable=False),
    Column("scope", String(20), nullable=False),
    Column("at", String(40), nullable=False),
    Column("person_ids", JSON, nullable=False),
)

for _table in (record_entry, field_value, case_status, disclosure):
    VERSIONED_TABLES[_table.name] = _table
