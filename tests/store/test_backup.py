"""Backup and restore of a SQLite registry: under concurrent writes, with sealed keys, and every
kind of damage to the backup file named."""

from __future__ import annotations

import io
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.helpers import canonical_rows, write_csv

from unforgotten.errors import ConfigError, CryptoError, IntegrityError, ValidationError
from unforgotten.ingest import import_file
from unforgotten.records import Records
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.backup import backup, restore
from unforgotten.store.workspace import Workspace

PASS = "correct horse battery staple"


@pytest.fixture
def filled(sqlite_ws: Workspace, tmp_path: Path) -> Workspace:
    import_file(sqlite_ws, write_csv(tmp_path / "list.csv", canonical_rows(40)), source="Families 2023")
    Records(sqlite_ws).add_source("Testimonies 2024", kind="testimonies")
    return sqlite_ws


def test_a_backup_made_during_writes_restores_to_a_registry_that_verifies(
    filled: Workspace, tmp_path: Path
) -> None:
    records = Records(filled)
    stop = threading.Event()
    saved: list[int] = []

    def write() -> None:
        i = 0
        while not stop.is_set() and i < 200:
            saved.append(
                records.add_person({"name": f"Kim {i}"}, source="Testimonies 2024", reason="r").row_id
            )
            i += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(saved) < 5:
            stop.wait(0.01)
        report = backup(filled, tmp_path / "b.tar", passphrase=PASS)
    finally:
        stop.set()
        writer.join()
    assert saved and report.keys_included
    restored = restore(tmp_path / "b.tar", tmp_path / "restored", passphrase=PASS)
    assert restored.verified, restored.verify_message
    assert restored.keys_restored and "not checked" not in restored.verify_message
    again = Workspace(
        Settings.build(
            db=str(tmp_path / "restored" / "registry.db"),
            key_file=str(tmp_path / "restored" / "registry.db.key"),
        )
    )
    assert again.verify().ok
    with again.read() as conn:
        persons = conn.execute(select(func.count()).select_from(s.person)).scalar_one()
    assert 40 < persons <= 40 + len(saved)  # a consistent point between the first and the last write
    assert (tmp_path / "b.tar").stat().st_mode & 0o077 == 0
    assert (tmp_path / "restored" / "registry.db.key").stat().st_mode & 0o077 == 0


def test_without_keys_the_restore_verifies_the_chain_and_says_the_signatures_were_not_checked(
    filled: Workspace, tmp_path: Path
) -> None:
    backup(filled, tmp_path / "b.tar")
    restored = restore(tmp_path / "b.tar", tmp_path / "r")
    assert restored.verified and not restored.keys_restored
    assert "not checked" in restored.verify_message
    assert not (tmp_path / "r" / "registry.db.key").exists()


def test_a_wrong_or_missing_passphrase_is_refused(filled: Workspace, tmp_path: Path) -> None:
    backup(filled, tmp_path / "b.tar", passphrase=PASS)
    with pytest.raises(CryptoError, match="passphrase"):
        restore(tmp_path / "b.tar", tmp_path / "r1", passphrase="wrong passphrase!!")
    with pytest.raises(ConfigError, match="passphrase"):
        restore(tmp_path / "b.tar", tmp_path / "r2")


def _rewrite(path: Path, change: str) -> None:
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(path, "w") as tar:
        for member, original in members:
            data = original
            if change == "byte" and member.name == "registry.db":
                data = data[:-100] + bytes([data[-100] ^ 1]) + data[-99:]
            if change == "remove" and member.name == "checkpoints":
                continue
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
        if change == "extra":
            info = tarfile.TarInfo("notes.txt")
            info.size = 3
            tar.addfile(info, io.BytesIO(b"hey"))


@pytest.mark.parametrize("change", ["byte", "remove", "extra"])
def test_damage_to_the_backup_is_named(filled: Workspace, tmp_path: Path, change: str) -> None:
    backup(filled, tmp_path / "b.tar")
    _rewrite(tmp_path / "b.tar", change)
    with pytest.raises(IntegrityError):
        restore(tmp_path / "b.tar", tmp_path / "r")


def test_a_backup_never_overwrites_and_a_restore_needs_a_new_folder(
    filled: Workspace, tmp_path: Path
) -> None:
    backup(filled, tmp_path / "b.tar")
    with pytest.raises(ValidationError, match="exists"):
        backup(filled, tmp_path / "b.tar")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ValidationError, match="not empty"):
        restore(tmp_path / "b.tar", tmp_path / "full")
    (tmp_path / "junk.tar").write_bytes(b"not a tar file at all")
    with pytest.raises(ValidationError, match="not a readable"):
        restore(tmp_path / "junk.tar", tmp_path / "r")
