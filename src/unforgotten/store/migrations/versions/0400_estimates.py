"""Saved estimate runs (what the estimates page shows, from the web, the CLI or the demo).

Revision ID: 0400_estimates
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0400_estimates"
down_revision = "0001"
branch_labels = ("estimates",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "estimate_run",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stratify", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("ran_at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("lists", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("posterior", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimate_run")),
    )
    op.create_index("ix_estimate_run_stratify", "estimate_run", ["stratify", "id"])


def downgrade() -> None:
    op.drop_index("ix_estimate_run_stratify", table_name="estimate_run")
    op.drop_table("estimate_run")
