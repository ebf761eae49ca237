"""``key rotate`` and a wrong key as the command line shows them: counts, what to back up, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers import canonical_rows, write_csv

from unforgotten.store.crypto import Keyring


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script as a user runs it (errors become a message and an exit code)."""
    command = [sys.executable, "-c", "from unforgotten.cli.main import run; run()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    db = str(tmp_path / "r.db")
    assert _cli("init", "--db", db).returncode == 0
    assert _cli("import", str(write_csv(tmp_path / "l.csv", canonical_rows(20))), "--source", "S", "--db", db)
    return db, tmp_path / "r.db.key"


def test_rotate_says_what_it_did_and_what_to_back_up(registry: tuple[str, Path]) -> None:
    db, key_file = registry
    old = Keyring.load(key_file).active
    done = _cli("key", "rotate", "--db", db)
    new = Keyring.load(key_file).active
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"Re-encrypted 8 values (4 in record_version, 4 in informant) under key {new}; retired {old}.\n"
        "Key backups made before now no longer open this database. Database backups made before now "
        "need the old key (now removed): keep each database backup together with its key file.\n"
        f"Back up the key file now: {key_file} (a key backup is this one file).\n"
    )


def test_rotate_json(registry: tuple[str, Path]) -> None:
    db, key_file = registry
    old = Keyring.load(key_file).active
    done = _cli("key", "rotate", "--db", db, "--keep-old", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    kept = data.pop("old_key_kept")
    assert kept.startswith(f"{key_file}.retired-") and Keyring.load(Path(kept)).active == old
    assert data == {
        "new_key": Keyring.load(key_file).active,
        "retired": [old],
        "values": 8,
        "by_table": {
            "record_version": 4,
            "informant": 4,
            "source_record": 0,
            "web_user": 0,
            "evidence_content": 0,
            "evidence_link": 0,
            "attribution_proposal": 0,
        },
        "key_file": str(key_file),
        "key_backup_must_contain": [str(key_file)],
        "older_key_backups_open_this_database": False,
    }


def test_a_wrong_key_is_a_message_and_exit_8(registry: tuple[str, Path], tmp_path: Path) -> None:
    db, key_file = registry
    sealed = Keyring.load(key_file).active
    other = Keyring.generate()
    other.save(tmp_path / "other.key")
    done = _cli("person", "2", "--show-protected", "--db", db, "--key-file", str(tmp_path / "other.key"))
    assert done.returncode == 8 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert " ".join(done.stderr.split()) == (
        f"error: the key file {tmp_path / 'other.key'} does not match this database (it cannot decrypt its "
        f"protected values; its values are sealed with key id {sealed}; the file holds {other.active}). "
        "Restore the key file backed up with this database, or point --key-file at it."
    )


def test_a_missing_key_is_a_message_and_exit_2(registry: tuple[str, Path]) -> None:
    db, key_file = registry
    key_file.unlink()
    done = _cli("key", "rotate", "--db", db)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert " ".join(done.stderr.split()) == (
        f"error: the key file {key_file} is missing: this database holds 4 encrypted values that only "
        "its key opens; restore the key file from the key backup kept with this database's backup "
        "(or set UNFORGOTTEN_KEY, or point --key-file at it)"
    )
