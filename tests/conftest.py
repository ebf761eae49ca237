"""Fixtures shared by the whole suite: a fresh registry on each backend.

Store tests take ``ws`` and run once on SQLite and once on the PostgreSQL server that
``scripts/test`` starts (its URL in ``UNFORGOTTEN_TEST_POSTGRES``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from unforgotten.settings import Settings
from unforgotten.store.workspace import Workspace

PG_URL = os.environ.get("UNFORGOTTEN_TEST_POSTGRES")
REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"

BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=[
        pytest.mark.postgres,
        pytest.mark.skipif(not PG_URL, reason="UNFORGOTTEN_TEST_POSTGRES not set (scripts/test sets it)"),
    ]),
]


def _fresh_postgres() -> str:
    assert PG_URL is not None
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> str:
    if backend == "postgres":
        return _fresh_postgres()
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture
def settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    return Settings.build(db=db_url, key_file=str(tmp_path / "registry.key"), actor="test:officer")


@pytest.fixture
def ws(settings: Settings) -> Iterator[Workspace]:
    workspace = Workspace(settings)
    workspace.init()
    yield workspace
    workspace.engine.dispose()


@pytest.fixture
def sqlite_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A registry on SQLite only, for tests that read the raw file."""
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    workspace = Workspace(Settings.build(db=str(tmp_path / "registry.db"),
                                         key_file=str(tmp_path / "registry.key"), actor="test:officer"))
    workspace.init()
    yield workspace
    workspace.engine.dispose()
