"""Attribution proposals: perpetrators and facilities an imported list names that matched no
single known entity, kept for review.

Revision ID: 0701_attribution_proposals
Revises: 0700_accountability
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0701_attribution_proposals"
down_revision = "0700_accountability"
branch_labels = None
depends_on = None


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_attribution_proposal_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name)


def upgrade() -> None:
    op.create_table(
        "attribution_proposal",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("act_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_enc", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("involvement", sa.String(length=12), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("at_date", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("decided_kind", sa.String(length=12), nullable=True),
        sa.Column("decided_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.String(length=40), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        _fk("act_id", "act"),
        _fk("batch_id", "import_batch"),
        _fk("organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribution_proposal")),
    )
    for column in ("act_id", "batch_id"):
        op.create_index(op.f(f"ix_attribution_proposal_{column}"), "attribution_proposal", [column])


def downgrade() -> None:
    op.drop_table("attribution_proposal")
