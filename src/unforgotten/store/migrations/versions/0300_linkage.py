"""Record linkage: runs with their model, scored pairs, reviewers' decisions.

Revision ID: 0300_linkage
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0300_linkage"
down_revision = "0001"
branch_labels = ("linkage",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_run",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_run")),
    )
    op.create_table(
        "link_pair",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("record_l", sa.Integer(), nullable=False),
        sa.Column("record_r", sa.Integer(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("band", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["link_run.id"], name=op.f("fk_link_pair_run_id_link_run")),
        sa.ForeignKeyConstraint(
            ["record_l"], ["source_record.id"], name=op.f("fk_link_pair_record_l_source_record")
        ),
        sa.ForeignKeyConstraint(
            ["record_r"], ["source_record.id"], name=op.f("fk_link_pair_record_r_source_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_pair")),
    )
    op.create_index(op.f("ix_link_pair_run_id"), "link_pair", ["run_id"])
    op.create_index(op.f("ix_link_pair_record_l"), "link_pair", ["record_l"])
    op.create_index(op.f("ix_link_pair_record_r"), "link_pair", ["record_r"])
    op.create_index("ix_link_pair_band", "link_pair", ["run_id", "band"])
    op.create_table(
        "link_decision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("record_l", sa.Integer(), nullable=False),
        sa.Column("record_r", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_l"], ["source_record.id"], name=op.f("fk_link_decision_record_l_source_record")
        ),
        sa.ForeignKeyConstraint(
            ["record_r"], ["source_record.id"], name=op.f("fk_link_decision_record_r_source_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_decision")),
        sa.UniqueConstraint("record_l", "record_r", name="uq_link_decision_pair"),
    )


def downgrade() -> None:
    op.drop_table("link_decision")
    op.drop_index("ix_link_pair_band", table_name="link_pair")
    op.drop_table("link_pair")
    op.drop_table("link_run")
