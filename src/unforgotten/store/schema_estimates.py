"""The table of saved estimates: one row per estimate run that was kept.

An *estimate run* keeps what the estimates page shows: the stratification, the source lists, one
row per stratum and method (observed, estimate, interval, error, warnings), thinned LCMCR draws,
the settings and where it was run (``web``, ``cli`` or ``demo``). Runs are results computed
from the registry, rebuilt by running again, so they are derived data (not versioned); each save
is still closed by an audit event naming the run.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table

from unforgotten.store.schema import metadata

__all__ = ["estimate_run"]

estimate_run = Table(
    "estimate_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("stratify", String(20), nullable=False),  # all | case_type | province | sex | era
    Column("origin", String(10), nullable=False),  # web | cli | demo
    Column("ran_at", String(40), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("lists", JSON, nullable=False),  # source list names
    Column("rows", JSON, nullable=False),  # [{stratum, method, observed, estimate, lower, upper, ...}]
    Column("posterior", JSON, nullable=False),  # {stratum: [draws]}
    Column("settings", JSON, nullable=False),
)
Index("ix_estimate_run_stratify", estimate_run.c.stratify, estimate_run.c.id)
