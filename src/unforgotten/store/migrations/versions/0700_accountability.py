"""Accountability: organisations with dated names and parents, posts, facilities and their
operators, and attributions of acts to persons and organisations.

Revision ID: 0700_accountability
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700_accountability"
down_revision = "0001"
branch_labels = ("accountability",)
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=False, nullable=False)


def _dated() -> list[sa.Column[object]]:
    return [
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("dates_raw", sa.Text(), nullable=True),
        sa.Column("dates_uncertain", sa.Boolean(), nullable=False),
    ]


def _sourced(table: str, *, required: bool = True) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("source_id", sa.Integer(), nullable=not required),
        sa.Column("citation", sa.Text(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f(f"fk_{table}_source_id_source")),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def upgrade() -> None:
    op.create_table(
        "organisation",
        _id(),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("dissolved_on", sa.Date(), nullable=True),
        sa.Column("dissolved_raw", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _pk("organisation"),
        sa.UniqueConstraint("key", name=op.f("uq_organisation_key")),
    )
    op.create_table(
        "org_name",
        _id(),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("match_key", sa.String(length=300), nullable=False),
        *_dated(),
        *_sourced("org_name", required=False),
        _fk("org_name", "organisation_id", "organisation"),
        _pk("org_name"),
    )
    op.create_index(op.f("ix_org_name_organisation_id"), "org_name", ["organisation_id"])
    op.create_index(op.f("ix_org_name_match_key"), "org_name", ["match_key"])
    op.create_table(
        "org_parent",
        _id(),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        *_dated(),
        *_sourced("org_parent", required=False),
        _fk("org_parent", "organisation_id", "organisation"),
        _fk("org_parent", "parent_id", "organisation"),
        _pk("org_parent"),
    )
    op.create_index(op.f("ix_org_parent_organisation_id"), "org_parent", ["organisation_id"])
    op.create_index(op.f("ix_org_parent_parent_id"), "org_parent", ["parent_id"])
    op.create_table(
        "post",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("command", sa.Boolean(), nullable=False),
        *_dated(),
        *_sourced("post"),
        _fk("post", "person_id", "person"),
        _fk("post", "organisation_id", "organisation"),
        _pk("post"),
    )
    op.create_index(op.f("ix_post_person_id"), "post", ["person_id"])
    op.create_index(op.f("ix_post_organisation_id"), "post", ["organisation_id"])
    op.create_table(
        "facility",
        _id(),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("name_hangul", sa.Text(), nullable=True),
        sa.Column("name_rr", sa.Text(), nullable=True),
        sa.Column("name_mr", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("coordinate_source", sa.Text(), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
        *_dated(),
        _fk("facility", "location_id", "location"),
        _pk("facility"),
        sa.UniqueConstraint("key", name=op.f("uq_facility_key")),
    )
    op.create_table(
        "facility_operator",
        _id(),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        *_dated(),
        *_sourced("facility_operator", required=False),
        _fk("facility_operator", "facility_id", "facility"),
        _fk("facility_operator", "organisation_id", "organisation"),
        _pk("facility_operator"),
    )
    op.create_index(op.f("ix_facility_operator_facility_id"), "facility_operator", ["facility_id"])
    op.create_table(
        "attribution",
        _id(),
        sa.Column("act_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("involvement", sa.String(length=12), nullable=False),
        *_sourced("attribution"),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.String(length=40), nullable=False),
        sa.Column("retired_reason", sa.Text(), nullable=True),
        _fk("attribution", "act_id", "act"),
        _fk("attribution", "person_id", "person"),
        _fk("attribution", "organisation_id", "organisation"),
        _pk("attribution"),
    )
    for column in ("act_id", "person_id", "organisation_id"):
        op.create_index(op.f(f"ix_attribution_{column}"), "attribution", [column])


def downgrade() -> None:
    for table in (
        "attribution",
        "facility_operator",
        "facility",
        "post",
        "org_parent",
        "org_name",
        "organisation",
    ):
        op.drop_table(table)
