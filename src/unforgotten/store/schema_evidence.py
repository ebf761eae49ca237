"""The tables of evidence: what is known of each stored file, and each time one was received.

``evidence`` (in :mod:`.schema`) is one row per distinct file, known by the SHA-256 of its exact
bytes. ``evidence_content`` adds, per file, its SHA-512, the file's own key (sealed with the
registry's keyring: rotating the keyring re-seals it without touching the file), the metadata
and text extracted at intake, and, for a derived copy (a shareable copy with identifying
metadata removed), the file it was derived from.

``evidence_link`` is one row per intake: the same bytes received twice are stored once, with two
links. A link attaches the file to a person, case, incident or source and says how, when and by
whom it was received; from whom is protected (ciphertext only, like an informant's name).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text

from unforgotten.store.schema import VERSIONED_TABLES, metadata

__all__ = ["evidence_content", "evidence_link"]

evidence_content = Table(
    "evidence_content",
    metadata,
    Column("id", ForeignKey("evidence.id"), primary_key=True, autoincrement=False),
    Column("sha512", String(128), nullable=False),
    Column("file_key_enc", Text, nullable=False),  # the file's AES-256 key, sealed by the keyring
    Column("meta", JSON, nullable=False),  # extracted metadata (EXIF, GPS, document properties)
    Column("text", Text),  # the text of a PDF, for search
    Column("derived_from", ForeignKey("evidence.id"), index=True),
    Column("derivation", Text),  # what was done to the original (e.g. "metadata removed")
    Column("stored_at", String(40), nullable=False),
)

evidence_link = Table(
    "evidence_link",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("evidence_id", ForeignKey("evidence.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("person.id"), index=True),
    Column("case_id", ForeignKey("case.id"), index=True),
    Column("incident_id", ForeignKey("incident.id")),
    Column("source_id", ForeignKey("source.id")),
    Column("file_name", Text, nullable=False),  # the name it arrived under
    Column("received_from_enc", Text),  # PROTECTED: who handed it over (ciphertext)
    Column("received_how", Text),  # e.g. "USB stick in person", "encrypted e-mail"
    Column("received_at", String(40), nullable=False),
    Column("received_by", String(100), nullable=False),
    Column("description", Text),
)

for _table in (evidence_content, evidence_link):
    VERSIONED_TABLES[_table.name] = _table
