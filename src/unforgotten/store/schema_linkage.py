"""Tables of record linkage: runs with their saved model, scored pairs, and human decisions.

A *run* keeps its settings, trained model (Splink JSON with m and u), counts and timings. Its
*pairs* (derived data, rebuilt by each run) keep the match probability and the per-comparison
evidence. *Decisions* are the reviewers' accept/reject of a record pair: versioned records that
every later run respects. Merges themselves are versioned updates of ``person.merged_into``.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from unforgotten.store.schema import VERSIONED_TABLES, metadata

__all__ = ["link_decision", "link_pair", "link_run"]

link_run = Table(
    "link_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),  # full | incremental
    Column("engine", String(20), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("config", JSON, nullable=False),
    Column("counts", JSON, nullable=False),
    Column("timings", JSON, nullable=False),
    Column("model", Text, nullable=False),
)

link_pair = Table(
    "link_pair",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("run_id", ForeignKey("link_run.id"), nullable=False, index=True),
    Column("record_l", ForeignKey("source_record.id"), nullable=False, index=True),
    Column("record_r", ForeignKey("source_record.id"), nullable=False, index=True),
    Column("match_probability", Float, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("evidence", JSON, nullable=False),  # {comparison: [gamma level, match weight]}
    Column("band", String(10), nullable=False),  # match | review | low
)
Index("ix_link_pair_band", link_pair.c.run_id, link_pair.c.band)

link_decision = Table(
    "link_decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("record_l", ForeignKey("source_record.id"), nullable=False),
    Column("record_r", ForeignKey("source_record.id"), nullable=False),
    Column("decision", String(10), nullable=False),  # accepted | rejected
    Column("decided_by", String(100), nullable=False),
    Column("decided_at", String(40), nullable=False),
    Column("note", Text),
    UniqueConstraint("record_l", "record_r", name="uq_link_decision_pair"),
)

VERSIONED_TABLES.update({t.name: t for t in (link_run, link_decision)})
