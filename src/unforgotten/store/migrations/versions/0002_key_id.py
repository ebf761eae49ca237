"""Registry: record versions re-encrypted by a key rotation, with the key that sealed them.

A rotation re-encrypts the ciphertexts kept in ``record_version`` too (so a retired key opens
nothing). Each re-encrypted version gets a row here with its hash after the rotation; the
rotation's audit event carries the digest of these hashes, so the versions stay tamper-evident.

Revision ID: 0002_key_id
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_key_id"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "version_rekey",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_rekey")),
    )
    with op.batch_alter_table("version_rekey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_version_rekey_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    op.drop_table("version_rekey")
