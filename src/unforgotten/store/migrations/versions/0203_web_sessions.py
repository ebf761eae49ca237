"""Web application: server-side sessions; one throttle log for password, TOTP and token checks.

Revision ID: 0203_web_sessions
Revises: 0201_web_source_indexes
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0203_web_sessions"
down_revision = "0201_web_source_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("sid_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("last_seen", sa.String(length=40), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("data_enc", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["web_user.id"], name=op.f("fk_web_session_user_id_web_user")),
        sa.PrimaryKeyConstraint("sid_hash", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_user_id"), "web_session", ["user_id"], unique=False)
    op.create_index(op.f("ix_web_session_expires_at"), "web_session", ["expires_at"], unique=False)
    op.create_table(
        "credential_attempt",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_attempt")),
    )
    op.create_index(op.f("ix_credential_attempt_key"), "credential_attempt", ["key"], unique=False)
    op.create_index(op.f("ix_credential_attempt_at"), "credential_attempt", ["at"], unique=False)
    op.drop_index(op.f("ix_login_attempt_name"), table_name="login_attempt")
    op.drop_table("login_attempt")


def downgrade() -> None:
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index(op.f("ix_login_attempt_name"), "login_attempt", ["name"], unique=False)
    op.drop_index(op.f("ix_credential_attempt_at"), table_name="credential_attempt")
    op.drop_index(op.f("ix_credential_attempt_key"), table_name="credential_attempt")
    op.drop_table("credential_attempt")
    op.drop_index(op.f("ix_web_session_expires_at"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_user_id"), table_name="web_session")
    op.drop_table("web_session")
