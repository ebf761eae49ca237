"""Evidence: each stored file's SHA-512, sealed key, metadata and text, and each intake of it.

Revision ID: 0600_evidence
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0600_evidence"
down_revision = "0001"
branch_labels = ("evidence",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_content",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sha512", sa.String(length=128), nullable=False),
        sa.Column("file_key_enc", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("derived_from", sa.Integer(), nullable=True),
        sa.Column("derivation", sa.Text(), nullable=True),
        sa.Column("stored_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["evidence.id"], name=op.f("fk_evidence_content_id_evidence")),
        sa.ForeignKeyConstraint(
            ["derived_from"], ["evidence.id"], name=op.f("fk_evidence_content_derived_from_evidence")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_content")),
    )
    op.create_index(op.f("ix_evidence_content_derived_from"), "evidence_content", ["derived_from"])
    op.create_table(
        "evidence_link",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("received_from_enc", sa.Text(), nullable=True),
        sa.Column("received_how", sa.Text(), nullable=True),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_link_evidence_id_evidence")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_evidence_link_person_id_person")),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_evidence_link_case_id_case")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_evidence_link_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_evidence_link_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_link")),
    )
    for column in ("evidence_id", "person_id", "case_id"):
        op.create_index(op.f(f"ix_evidence_link_{column}"), "evidence_link", [column])


def downgrade() -> None:
    for column in ("case_id", "person_id", "evidence_id"):
        op.drop_index(op.f(f"ix_evidence_link_{column}"), table_name="evidence_link")
    op.drop_table("evidence_link")
    op.drop_index(op.f("ix_evidence_content_derived_from"), table_name="evidence_content")
    op.drop_table("evidence_content")
