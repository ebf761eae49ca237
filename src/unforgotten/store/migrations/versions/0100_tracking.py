"""Tracking: UN recommendations and their links, consultation rounds with participants, topics,
agreed items, commitments and references to other meetings.

Revision ID: 0100_tracking
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100_tracking"
down_revision = "0001"
branch_labels = ("tracking",)
depends_on = None

_ROUND_ITEMS = ("round_participant", "round_topic", "agreed_item", "commitment", "round_reference")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=False, nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _index(table: str, *columns: str, unique: bool = False) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=unique)


def _recommendations() -> None:
    op.create_table(
        "recommendation",
        _id(),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=True),
        sa.Column("recommending_state", sa.Text(), nullable=False),
        sa.Column("regional_group", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("response", sa.String(length=20), nullable=False),
        sa.Column("document", sa.String(length=100), nullable=True),
        sa.Column("paragraph", sa.String(length=40), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("theme_rules", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_recommendation_key_hash")),
    )
    _index("recommendation", "response")
    op.create_table(
        "recommendation_link",
        _id(),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _fk("recommendation_link", "recommendation_id", "recommendation"),
        _fk("recommendation_link", "case_id", "case"),
        _fk("recommendation_link", "incident_id", "incident"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_link")),
    )
    _index("recommendation_link", "case_id", "incident_id", "recommendation_id")


def _round() -> None:
    op.create_table(
        "consultation_round",
        _id(),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("format", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_round")),
    )


def _round_item(table: str, *columns: sa.Column[object], fks: tuple[tuple[str, str], ...] = ()) -> None:
    op.create_table(
        table,
        _id(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *columns,
        sa.Column("evidence", sa.JSON(), nullable=True),
        _fk(table, "round_id", "consultation_round"),
        *(_fk(table, column, target) for column, target in fks),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    _index(table, "round_id")


def upgrade() -> None:
    _recommendations()
    _round()
    _round_item(
        "round_participant",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("side", sa.String(length=40), nullable=True),
    )
    _round_item("round_topic", sa.Column("code", sa.String(length=40), nullable=False))
    _round_item("agreed_item", sa.Column("text", sa.Text(), nullable=False))
    _round_item(
        "commitment",
        sa.Column("agreed_item_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("due_from", sa.Date(), nullable=True),
        sa.Column("due_to", sa.Date(), nullable=True),
        sa.Column("window", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("follow_up_round_id", sa.Integer(), nullable=True),
        fks=(("agreed_item_id", "agreed_item"), ("follow_up_round_id", "consultation_round")),
    )
    _round_item(
        "round_reference",
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("linked_round_id", sa.Integer(), nullable=True),
        fks=(("linked_round_id", "consultation_round"),),
    )


def downgrade() -> None:
    for table in (*reversed(_ROUND_ITEMS), "consultation_round", "recommendation_link", "recommendation"):
        op.drop_table(table)
