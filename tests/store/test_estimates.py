"""Saved estimate runs in the store, on SQLite and PostgreSQL: migration, save, newest per stratification."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from unforgotten.errors import PermissionDenied, ValidationError
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.estimates import latest_estimate, save_estimate
from unforgotten.store.workspace import Workspace

ROW = {
    "stratum": "all",
    "method": "stepwise",
    "observed": 261,
    "estimate": 489.64,
    "lower": 388.09,
    "upper": 680.36,
    "level": 0.95,
    "error": None,
    "warnings": [],
}


def _save(ws: Workspace, *, stratify: str = "all", origin: str = "cli", estimate: float = 489.64) -> int:
    return save_estimate(
        ws,
        stratify=stratify,
        origin=origin,
        lists=["families", "ministry"],
        rows=[{**ROW, "estimate": estimate}],
        posterior={"all": [1.0, 2.5]},
        settings={"seed": 1},
    )


def test_the_table_matches_its_migration(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert [d for d in diff if "estimate_run" in str(d)] == []


def test_the_newest_run_of_each_stratification_is_read_back(ws: Workspace) -> None:
    with ws.read() as conn:
        assert latest_estimate(conn, "all") is None
    first = _save(ws)
    second = _save(ws, estimate=500.0, origin="web")
    by_type = _save(ws, stratify="case_type", origin="demo")
    assert (first, second, by_type) == (1, 2, 3)
    with ws.read() as conn:
        newest = latest_estimate(conn, "all")
        typed = latest_estimate(conn, "case_type")
        events = conn.execute(select(s.audit_event.c.action, s.audit_event.c.subject)).all()
    assert newest is not None and typed is not None
    assert (newest["id"], newest["origin"], newest["actor"], newest["rows"]) == (
        2,
        "web",
        "test:officer",
        [{**ROW, "estimate": 500.0}],
    )
    assert (newest["lists"], newest["posterior"], newest["settings"]) == (
        ["families", "ministry"],
        {"all": [1.0, 2.5]},
        {"seed": 1},
    )
    assert typed["id"] == 3
    assert [e for e in events if e.action == "estimate_save"] == [
        ("estimate_save", "estimates:all"),
        ("estimate_save", "estimates:all"),
        ("estimate_save", "estimates:case_type"),
    ]


def test_an_unknown_origin_and_a_viewer_are_refused(ws: Workspace) -> None:
    with pytest.raises(ValidationError, match=r"^origin must be one of web, cli, demo, not 'mail'$"):
        _save(ws, origin="mail")
    viewer = Workspace(
        Settings.build(db=ws.settings.db_url, key_file=str(ws.settings.key_file), role="viewer"),
        engine=ws.engine,
    )
    with pytest.raises(PermissionDenied):
        _save(viewer)
    with ws.read() as conn:
        assert latest_estimate(conn, "all") is None
