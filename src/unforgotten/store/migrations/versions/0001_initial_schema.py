"""Initial schema: sources, batches, records, persons, names, cases, incidents, acts, locations,
informants, consent, evidence, record versions and the audit chain.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_table(
        "location",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("province_code", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
        sa.UniqueConstraint("text", name=op.f("uq_location_text")),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_location_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_location_province_code"), ["province_code"], unique=False)

    op.create_table(
        "record_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
        sa.UniqueConstraint("table_name", "row_id", "version", name="uq_record_version_row"),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("confidentiality", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("name", name=op.f("uq_source_name")),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("imported_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_import_batch_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
        sa.UniqueConstraint("sha256", name=op.f("uq_import_batch_sha256")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_source_id"), ["source_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("primary_name", sa.Text(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date_raw", sa.Text(), nullable=True),
        sa.Column("birth_date_start", sa.Date(), nullable=True),
        sa.Column("birth_date_end", sa.Date(), nullable=True),
        sa.Column("birth_date_precision", sa.String(length=8), nullable=False),
        sa.Column("birth_date_circa", sa.Boolean(), nullable=False),
        sa.Column("birth_place_id", sa.Integer(), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["birth_place_id"], ["location.id"], name=op.f("fk_person_birth_place_id_location")
        ),
        sa.ForeignKeyConstraint(["merged_into"], ["person.id"], name=op.f("fk_person_merged_into_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("may_publish", sa.Boolean(), nullable=False),
        sa.Column("given_by", sa.Text(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_consent_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_person_id"), ["person_id"], unique=False)

    op.create_table(
        "source_record",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=False),
        sa.Column("protected_extra", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_source_record_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_source_record_person_id_person")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_source_record_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record")),
        sa.UniqueConstraint("source_id", "record_id", name="uq_source_record_source_id_record_id"),
    )
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_record_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_record_person_id"), ["person_id"], unique=False)

    op.create_table(
        "case",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=True),
        sa.Column("case_type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("event_date_raw", sa.Text(), nullable=True),
        sa.Column("event_date_start", sa.Date(), nullable=True),
        sa.Column("event_date_end", sa.Date(), nullable=True),
        sa.Column("event_date_precision", sa.String(length=8), nullable=False),
        sa.Column("event_date_circa", sa.Boolean(), nullable=False),
        sa.Column("event_place_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_place_id"], ["location.id"], name=op.f("fk_case_event_place_id_location")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_case_person_id_person")),
        sa.ForeignKeyConstraint(
            ["source_record_id"], ["source_record.id"], name=op.f("fk_case_source_record_id_source_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_case_type"), ["case_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_person_id"), ["person_id"], unique=False)

    op.create_table(
        "informant",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=True),
        sa.Column("contact_enc", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_record_id"],
            ["source_record.id"],
            name=op.f("fk_informant_source_record_id_source_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_informant")),
    )
    with op.batch_alter_table("informant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_informant_source_record_id"), ["source_record_id"], unique=False)

    op.create_table(
        "name",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("family", sa.Text(), nullable=True),
        sa.Column("given", sa.Text(), nullable=True),
        sa.Column("script", sa.String(length=10), nullable=False),
        sa.Column("system", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_name_person_id_person")),
        sa.ForeignKeyConstraint(
            ["source_record_id"], ["source_record.id"], name=op.f("fk_name_source_record_id_source_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name")),
    )
    with op.batch_alter_table("name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_name_person_id"), ["person_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_evidence_case_id_case")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_evidence_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("sha256", name=op.f("uq_evidence_sha256")),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("date_raw", sa.Text(), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=False),
        sa.Column("date_circa", sa.Boolean(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_incident_case_id_case")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_incident_location_id_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_case_id"), ["case_id"], unique=False)

    op.create_table(
        "act",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("perpetrator_id", sa.Integer(), nullable=True),
        sa.Column("perpetrator_text", sa.Text(), nullable=True),
        sa.Column("violation_code", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name=op.f("fk_act_incident_id_incident")),
        sa.ForeignKeyConstraint(["perpetrator_id"], ["person.id"], name=op.f("fk_act_perpetrator_id_person")),
        sa.ForeignKeyConstraint(["victim_id"], ["person.id"], name=op.f("fk_act_victim_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_act")),
    )
    with op.batch_alter_table("act", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_act_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_act_victim_id"), ["victim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("act", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_act_victim_id"))
        batch_op.drop_index(batch_op.f("ix_act_incident_id"))

    op.drop_table("act")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_case_id"))

    op.drop_table("incident")
    op.drop_table("evidence")
    with op.batch_alter_table("name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_name_person_id"))

    op.drop_table("name")
    with op.batch_alter_table("informant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_informant_source_record_id"))

    op.drop_table("informant")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_person_id"))
        batch_op.drop_index(batch_op.f("ix_case_case_type"))

    op.drop_table("case")
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_record_person_id"))
        batch_op.drop_index(batch_op.f("ix_source_record_batch_id"))

    op.drop_table("source_record")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_person_id"))

    op.drop_table("consent")
    op.drop_table("person")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_source_id"))

    op.drop_table("import_batch")
    op.drop_table("source")
    op.drop_table("record_version")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_province_code"))
        batch_op.drop_index(batch_op.f("ix_location_code"))

    op.drop_table("location")
    op.drop_table("audit_event")
