"""Consent per scope (publication, sharing with UN bodies, with courts, being contacted), by whom
in which relation, how it was given and who recorded it; and the disclosures made of persons.

Revision ID: 0501_consent_scopes
Revises: 0500_records
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0501_consent_scopes"
down_revision = "0500_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consent") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(length=20), nullable=False, server_default="publication")
        )
        batch.add_column(sa.Column("relation", sa.String(length=20), nullable=False, server_default="victim"))
        batch.add_column(sa.Column("how", sa.Text(), nullable=True))
        batch.add_column(sa.Column("recorded_by", sa.String(length=100), nullable=True))
    op.create_table(
        "disclosure",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("person_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure")),
    )


def downgrade() -> None:
    op.drop_table("disclosure")
    with op.batch_alter_table("consent") as batch:
        for name in ("recorded_by", "how", "relation", "scope"):
            batch.drop_column(name)
