"""The documentation workbench: entries with versions and review state, values with their sources,
dated case statuses, and the place, date and description of incidents and acts.

Revision ID: 0500_records
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0500_records"
down_revision = "0001"
branch_labels = ("records",)
depends_on = None


def _partial_date(prefix: str) -> list[sa.Column[object]]:
    return [
        sa.Column(f"{prefix}_raw", sa.Text(), nullable=True),
        sa.Column(f"{prefix}_start", sa.Date(), nullable=True),
        sa.Column(f"{prefix}_end", sa.Date(), nullable=True),
        sa.Column(f"{prefix}_precision", sa.String(length=8), nullable=False, server_default="unknown"),
        sa.Column(f"{prefix}_circa", sa.Boolean(), nullable=False, server_default=sa.false()),
    ]


def upgrade() -> None:
    op.create_table(
        "record_entry",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("edited_by", sa.String(length=100), nullable=False),
        sa.Column("edited_at", sa.String(length=40), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("reviewed_version", sa.Integer(), nullable=True),
        sa.Column("retired_reason", sa.Text(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_entry")),
        sa.UniqueConstraint("table_name", "row_id", name="uq_record_entry_row"),
    )
    op.create_table(
        "field_value",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=True),
        sa.Column("citation", sa.Text(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_field_value_source_id_source")),
        sa.ForeignKeyConstraint(
            ["source_record_id"],
            ["source_record.id"],
            name=op.f("fk_field_value_source_record_id_source_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_value")),
    )
    op.create_index(op.f("ix_field_value_row_id"), "field_value", ["row_id"])
    op.create_table(
        "case_status",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        *_partial_date("date"),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_status_case_id_case")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_case_status_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_status")),
    )
    op.create_index(op.f("ix_case_status_case_id"), "case_status", ["case_id"])
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=True))
    with op.batch_alter_table("act") as batch:
        batch.add_column(sa.Column("location_id", sa.Integer(), nullable=True))
        for column in _partial_date("date"):
            batch.add_column(column)
        batch.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch.create_foreign_key(op.f("fk_act_location_id_location"), "location", ["location_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("act") as batch:
        batch.drop_constraint(op.f("fk_act_location_id_location"), type_="foreignkey")
        for name in ("description", "date_circa", "date_precision", "date_end", "date_start", "date_raw"):
            batch.drop_column(name)
        batch.drop_column("location_id")
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("description")
    op.drop_index(op.f("ix_case_status_case_id"), table_name="case_status")
    op.drop_table("case_status")
    op.drop_index(op.f("ix_field_value_row_id"), table_name="field_value")
    op.drop_table("field_value")
    op.drop_table("record_entry")
