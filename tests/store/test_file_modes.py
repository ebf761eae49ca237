"""Every file the registry writes is readable by its owner only: database, its log, keys, exports."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.helpers import canonical_rows, write_csv

from unforgotten.ingest import import_file
from unforgotten.settings import Settings
from unforgotten.store.export import export
from unforgotten.store.workspace import Workspace


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    ws = Workspace(Settings.build(db=str(db), actor="test:officer"))
    ws.init()
    import_file(ws, write_csv(tmp_path / "a.csv", canonical_rows(10)), source="A")
    out = tmp_path / "records.csv"
    export(ws, "records", out, include_protected=True)
    written = [
        db,
        db.with_name("registry.db-wal"),
        ws.settings.key_file,
        ws.settings.signing_key_file,
        ws.settings.checkpoint_file,
        out,
    ]
    assert {p.name: _mode(p) for p in written} == {p.name: 0o600 for p in written}
    ws.engine.dispose()


def test_init_takes_world_access_away_from_an_existing_database(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    ws = Workspace(Settings.build(db=str(db), actor="test:officer"))
    ws.init()
    ws.engine.dispose()
    db.chmod(0o644)
    Workspace(Settings.build(db=str(db), actor="test:officer")).init()
    assert _mode(db) == 0o600
