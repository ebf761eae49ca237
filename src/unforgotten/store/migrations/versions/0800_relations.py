"""Relations a list states between its records and persons (linked, or proposed for review).

Revision ID: 0800_relations
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0800_relations"
down_revision = "0001"
branch_labels = ("relations",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=False),
        sa.Column("property", sa.Text(), nullable=False),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_record_id"],
            ["source_record.id"],
            name=op.f("fk_relation_source_record_id_source_record"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_relation_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relation")),
    )
    op.create_index(op.f("ix_relation_source_record_id"), "relation", ["source_record_id"])
    op.create_index(op.f("ix_relation_person_id"), "relation", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_relation_person_id"), table_name="relation")
    op.drop_index(op.f("ix_relation_source_record_id"), table_name="relation")
    op.drop_table("relation")
