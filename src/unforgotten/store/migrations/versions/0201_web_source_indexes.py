"""Web application: covering indexes for the source pages (persons per list, overlap, case types).

Revision ID: 0201_web_source_indexes
Revises: 0200_web
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0201_web_source_indexes"
down_revision = "0200_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_source_record_source_id_person_id", "source_record", ["source_id", "person_id"], unique=False
    )
    op.create_index(
        "ix_case_case_type_source_record_id", "case", ["case_type", "source_record_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_case_case_type_source_record_id", table_name="case")
    op.drop_index("ix_source_record_source_id_person_id", table_name="source_record")
