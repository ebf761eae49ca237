"""The tables of the registry (SQLAlchemy Core), in the shape of the HURIDOCS Events Standard Formats.

A *Source* (a list, a testimony collection, a document) arrives in *ImportBatches*; each row is
a *SourceRecord* keeping every raw cell verbatim. A record describes a *Person* (with *Names*, one
per spelling) and usually a *Case*; a case is made of *Incidents*, each made of *Acts* (a violation
done to a victim at a place and time). *Locations* are gazetteer units or free text. *Informants*
(who gave the information) are protected: their fields hold ciphertext only. *Consent* is recorded
per person; *Evidence* files are known by the SHA-256 of their bytes.

Every row of a versioned table has a version in ``record_version`` written by the same transaction,
and every write appends an event to ``audit_event``, a hash chain (see :mod:`.audit`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = ["VERSIONED_TABLES", "metadata"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=False)


def _partial_date(prefix: str) -> list[Column[object]]:
    """The five columns of a partial date: raw text, first and last day, precision, circa."""
    return [
        Column(f"{prefix}_raw", Text),
        Column(f"{prefix}_start", Date),
        Column(f"{prefix}_end", Date),
        Column(f"{prefix}_precision", String(8), nullable=False, default="unknown"),
        Column(f"{prefix}_circa", Boolean, nullable=False, default=False),
    ]


source = Table(
    "source",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),  # list | testimonies | document
    Column("organisation", String(200)),
    Column("confidentiality", String(20), nullable=False),  # public | restricted | confidential
    Column("description", Text),
)

import_batch = Table(
    "import_batch",
    metadata,
    _id(),
    Column("source_id", ForeignKey("source.id"), nullable=False, index=True),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("file_format", String(10), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("mapping", JSON),
    Column("actor", String(100), nullable=False),
    Column("imported_at", String(40), nullable=False),
)

person = Table(
    "person",
    metadata,
    _id(),
    Column("primary_name", Text, nullable=False),
    Column("sex", String(1), nullable=False, default="U"),
    *_partial_date("birth_date"),
    Column("birth_place_id", ForeignKey("location.id")),
    Column("merged_into", ForeignKey("person.id")),
)

source_record = Table(
    "source_record",
    metadata,
    _id(),
    Column("source_id", ForeignKey("source.id"), nullable=False),
    Column("batch_id", ForeignKey("import_batch.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("raw", JSON, nullable=False),
    Column("parsed", JSON, nullable=False),
    Column("protected_extra", Text),  # ciphertext of a JSON object of protected extra columns
    UniqueConstraint("source_id", "record_id", name="uq_source_record_source_id_record_id"),
)

location = Table(
    "location",
    metadata,
    _id(),
    Column("text", Text, nullable=False, unique=True),
    Column("code", String(20), index=True),
    Column("level", String(20)),  # province | county | facility | None when unresolved
    Column("province_code", String(10), index=True),
)

name = Table(
    "name",
    metadata,
    _id(),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("source_record_id", ForeignKey("source_record.id")),
    Column("kind", String(10), nullable=False),  # full | hangul | alias
    Column("text", Text, nullable=False),
    Column("family", Text),
    Column("given", Text),
    Column("script", String(10), nullable=False),  # hangul | latin | hanja | mixed | other
    Column("system", String(20)),  # romanization system when known
)

case = Table(
    "case",
    metadata,
    _id(),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("source_record_id", ForeignKey("source_record.id")),
    Column("case_type", String(40), nullable=False, index=True),
    Column("status", String(20), nullable=False, default="unresolved"),
    *_partial_date("event_date"),
    Column("event_place_id", ForeignKey("location.id")),
)

incident = Table(
    "incident",
    metadata,
    _id(),
    Column("case_id", ForeignKey("case.id"), nullable=False, index=True),
    Column("title", Text, nullable=False),
    *_partial_date("date"),
    Column("location_id", ForeignKey("location.id")),
    Column("description", Text),
)

act = Table(
    "act",
    metadata,
    _id(),
    Column("incident_id", ForeignKey("incident.id"), nullable=False, index=True),
    Column("victim_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("perpetrator_id", ForeignKey("person.id")),
    Column("perpetrator_text", Text),
    Column("violation_code", String(20), nullable=False),
    Column("location_id", ForeignKey("location.id")),  # where the act happened, if not the incident's place
    *_partial_date("date"),  # when, if not the incident's date (a day, a month, a range)
    Column("description", Text),
)

informant = Table(
    "informant",
    metadata,
    _id(),
    Column("source_record_id", ForeignKey("source_record.id"), nullable=False, index=True),
    Column("name_enc", Text),
    Column("contact_enc", Text),
)

consent = Table(
    "consent",
    metadata,
    _id(),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("may_publish", Boolean, nullable=False),  # granted (for the row's scope; the name is historical)
    Column("given_by", Text, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("note", Text),
    # publication | un | court | contact
    Column("scope", String(20), nullable=False, default="publication", server_default="publication"),
    # victim | witness | family
    Column("relation", String(20), nullable=False, default="victim", server_default="victim"),
    Column("how", Text),  # how it was given: signed form, recorded call, in person …
    Column("recorded_by", String(100)),
)

evidence = Table(
    "evidence",
    metadata,
    _id(),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("file_name", Text, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("person_id", ForeignKey("person.id")),
    Column("case_id", ForeignKey("case.id")),
    Column("description", Text),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

record_version = Table(
    "record_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column(
        "event_id", Integer, nullable=False
    ),  # checked by verify, not a FK: versions are written before their event
    Column("table_name", String(40), nullable=False),
    Column("row_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("op", String(10), nullable=False),  # insert | update | delete
    Column("reason", Text),
    Column("data", Text, nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("table_name", "row_id", "version", name="uq_record_version_row"),
)

#: A record version whose ciphertexts a key rotation re-encrypted: ``hash`` is the version's hash
#: after it, and the rotation's audit event carries a digest of these hashes (see :mod:`.verify`).
#: The version keeps the hash it was written with, which its own event's digest covers.
version_rekey = Table(
    "version_rekey",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version_id", Integer, nullable=False, index=True),
    Column("event_id", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

VERSIONED_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        source,
        import_batch,
        location,
        person,
        source_record,
        name,
        case,
        incident,
        act,
        informant,
        consent,
        evidence,
    )
}

# Tables of other capabilities live in their own modules on the same metadata and register
# their versioned tables above; importing them here makes the schema whole.
# --- capability tables (one import line each) ---
from unforgotten.store import (
    schema_accountability,  # noqa: F401
    schema_estimates,  # noqa: F401
    schema_evidence,  # noqa: F401
    schema_linkage,  # noqa: F401
    schema_records,  # noqa: F401
    schema_relations,  # noqa: F401
    schema_tracking,  # noqa: F401
    schema_web,  # noqa: F401
)
