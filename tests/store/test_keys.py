"""Keys: rotation re-encrypts every ciphertext (history included); a wrong or missing key is named."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pyotp
import pytest
from sqlalchemy import Connection, select, text
from tests.helpers import canonical_rows, write_csv
from tests.web.conftest import setup_code

from unforgotten.errors import ConfigError, CryptoError
from unforgotten.ingest import import_file
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.audit import canonical_json
from unforgotten.store.crypto import Keyring
from unforgotten.store.db import ENCRYPTED_COLUMNS
from unforgotten.store.keys import rotate_key
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace
from unforgotten.web import accounts

_TABLES = {t for t, _ in ENCRYPTED_COLUMNS}


def _fill(ws: Workspace, tmp: Path, *, rows: int = 20) -> None:
    """Informants on every row, a protected extra column, and a user with a second factor."""
    mapping = tmp / "protect.toml"
    mapping.write_text('[protected]\ncolumns = ["safehouse"]\n', encoding="utf-8")
    data = [
        {**r, "informant_name": f"Witness {i}", "informant_contact": f"+82-10-{i:04d}", "safehouse": f"H{i}"}
        for i, r in enumerate(canonical_rows(rows))
    ]
    import_file(ws, write_csv(tmp / "list.csv", data), source="S", mapping=mapping)
    user, _ = accounts.add_user(ws, "kim", role="analyst", password="long enough password 1")
    secret = pyotp.random_base32()
    accounts.enable_totp(ws, user.id, secret, setup_code(secret))


def _ciphertexts(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """Every stored ciphertext with its place, by the table that holds it."""
    found: dict[str, list[tuple[str, str]]] = {t: [] for t in (*sorted(_TABLES), "record_version")}
    for table, column in ENCRYPTED_COLUMNS:
        t = s.metadata.tables[table]
        for row_id, stored in conn.execute(select(t.c.id, t.c[column]).where(t.c[column].is_not(None))):
            found[table].append((f"{table}.{column}.{row_id}", stored))
    rv = s.record_version
    for v in conn.execute(select(rv).where(rv.c.table_name.in_(sorted(_TABLES)))).mappings():
        data = orjson.loads(v["data"])
        for table, column in ENCRYPTED_COLUMNS:
            if table == v["table_name"] and data.get(column) is not None:
                found["record_version"].append((f"{table}.{column}.{v['row_id']}", data[column]))
    return found


def _opens(ring: Keyring, values: list[tuple[str, str]]) -> int:
    count = 0
    for context, stored in values:
        try:
            ring.decrypt(stored, context=context)
        except CryptoError:
            continue
        count += 1
    return count


def test_rotation_leaves_nothing_the_retired_key_opens(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path)
    old = ws.keyring
    with ws.read() as conn:
        before = _ciphertexts(conn)
    sizes = {t: len(v) for t, v in before.items()}
    # 20 informants x 2, 20 extras, 1 second factor; and the same in the versions that wrote them
    assert sizes == {
        "informant": 40,
        "source_record": 20,
        "web_user": 1,
        "record_version": 61,
        "evidence_content": 0,  # no evidence in this registry (tests/evidence rotates some)
        "evidence_link": 0,
        "attribution_proposal": 0,
    }
    assert {t: _opens(old, v) for t, v in before.items()} == sizes
    report = rotate_key(ws)
    assert report.values == sizes
    assert report.total == 122
    new = Keyring.load(ws.settings.key_file)
    assert set(new.keys) == {report.new_key} and report.new_key not in old.keys
    with ws.read() as conn:
        after = _ciphertexts(conn)
        assert verify_store(conn).ok
    # the rotation wrote a version of each row it changed: those are under the new key as well
    assert {t: len(v) for t, v in after.items()} == {**sizes, "record_version": 61 + 61}
    assert {t: _opens(old, v) for t, v in after.items()} == dict.fromkeys(after, 0)
    assert {t: _opens(new, v) for t, v in after.items()} == {t: len(v) for t, v in after.items()}


def test_a_second_rotation_reencrypts_again_and_still_verifies(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path, rows=3)
    first = Keyring.load(ws.settings.key_file)
    rotate_key(ws)
    second = Keyring.load(ws.settings.key_file)
    report = rotate_key(ws)
    third = Keyring.load(ws.settings.key_file)
    with ws.read() as conn:
        found = _ciphertexts(conn)
        assert verify_store(conn).ok
        rekeys = conn.execute(select(s.version_rekey.c.event_id)).scalars().all()
    assert report.values["record_version"] == len(found["record_version"]) - 10  # all but its own versions
    assert len(rekeys) == 7 + 14  # versions re-encrypted by each rotation (3 + 3 + 1, then twice that)
    values = [v for vs in found.values() for v in vs]
    assert (_opens(first, values), _opens(second, values), _opens(third, values)) == (0, 0, len(values))


def test_verify_catches_an_edited_reencrypted_version(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path, rows=2)
    rotate_key(ws)
    rv = s.record_version
    with ws.engine.begin() as conn:  # replay a newer ciphertext of the same cell into an old version
        old, new = (
            conn.execute(
                select(rv).where(rv.c.table_name == "informant", rv.c.row_id == 1).order_by(rv.c.version)
            )
            .mappings()
            .all()
        )
        rekeyed = select(s.version_rekey.c.id).where(s.version_rekey.c.version_id == old["id"])
        assert conn.execute(rekeyed).all()
        edited = {**orjson.loads(old["data"]), "name_enc": orjson.loads(new["data"])["name_enc"]}
        conn.execute(rv.update().where(rv.c.id == old["id"]).values(data=canonical_json(edited)))
    with ws.read() as conn:
        assert verify_store(conn).breaks == [f"version {old['id']} of informant 1: content edited"]


def test_verify_catches_an_edited_rekey_hash(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path, rows=2)
    rotate_key(ws)
    with ws.engine.begin() as conn:
        event = conn.execute(select(s.version_rekey.c.event_id)).scalars().first()
        conn.execute(s.version_rekey.update().where(s.version_rekey.c.id == 1).values(hash="0" * 64))
    with ws.read() as conn:
        assert verify_store(conn).breaks == [
            f"audit event {event}: the record versions it re-encrypted were changed"
        ]


def test_keep_old_keeps_the_key_that_opens_earlier_database_backups(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    _fill(sqlite_ws, tmp_path, rows=2)
    path = sqlite_ws.settings.sqlite_path
    assert path is not None
    with sqlite_ws.engine.begin() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    shutil.copy(path, tmp_path / "backup.db")
    report = rotate_key(sqlite_ws, keep_old=True)
    kept = Path(str(report.kept_old))
    assert kept.name.startswith("registry.key.retired-") and kept.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in tmp_path.glob("registry.key*")) == sorted(["registry.key", kept.name])
    backup = Workspace(Settings.build(db=str(tmp_path / "backup.db"), key_file=str(kept)))
    assert backup.keyring.active == report.old_keys[0]
    with pytest.raises(CryptoError, match="does not match this database"):
        _ = Workspace(Settings.build(db=str(tmp_path / "backup.db"), key_file=str(report.key_file))).keyring
    backup.engine.dispose()


def test_rotation_without_keep_old_leaves_only_the_new_key_file(sqlite_ws: Workspace, tmp_path: Path) -> None:
    _fill(sqlite_ws, tmp_path, rows=1)
    report = rotate_key(sqlite_ws)
    assert report.kept_old is None
    assert sorted(p.name for p in tmp_path.glob("registry.key*")) == ["registry.key"]  # no .tmp, no old key


def test_a_key_from_another_registry_is_named_as_wrong(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path, rows=2)
    key_file = ws.settings.key_file
    sealed = Keyring.load(key_file).active
    other = Keyring.generate()
    other.save(key_file)
    with pytest.raises(CryptoError) as caught:
        _ = Workspace(ws.settings).keyring
    assert str(caught.value) == (
        f"the key file {key_file} does not match this database (it cannot decrypt its protected "
        f"values; its values are sealed with key id {sealed}; the file holds {other.active}). "
        "Restore the key file backed up with this database, or point --key-file at it."
    )


def test_a_corrupted_key_is_named_as_wrong(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path, rows=2)
    key_file = ws.settings.key_file
    ring = Keyring.load(key_file)
    Keyring(active=ring.active, keys={ring.active: bytes(32)}).save(key_file)
    with pytest.raises(CryptoError) as caught:
        _ = Workspace(ws.settings).keyring
    assert str(caught.value) == (
        f"the key file {key_file} does not match this database (it cannot decrypt its protected "
        f"values; its values are sealed with key id {ring.active}, which the file holds but which "
        "does not open them: the file is corrupted or from another registry). "
        "Restore the key file backed up with this database, or point --key-file at it."
    )


def test_a_missing_key_file_names_the_file_and_what_to_restore(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path, rows=2)
    key_file = ws.settings.key_file
    key_file.unlink()
    with pytest.raises(ConfigError) as caught:
        _ = Workspace(ws.settings).keyring
    assert str(caught.value) == (
        f"the key file {key_file} is missing: this database holds 7 encrypted values that only its "
        "key opens; restore the key file from the key backup kept with this database's backup "
        "(or set UNFORGOTTEN_KEY, or point --key-file at it)"
    )


def test_any_key_opens_a_database_without_protected_values(ws: Workspace) -> None:
    Keyring.generate().save(ws.settings.key_file)
    assert Workspace(ws.settings).keyring.active in Keyring.load(ws.settings.key_file).keys


def test_kill_9_mid_rotation_leaves_the_old_key_working(ws: Workspace, tmp_path: Path) -> None:
    _fill(ws, tmp_path, rows=4000)
    old = Keyring.load(ws.settings.key_file)
    where = ["--db", ws.settings.db_url, "--key-file", str(ws.settings.key_file)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "unforgotten", "key", "rotate", *where]
    rotation = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_keys_in(ws.settings.key_file)) < 2:
        time.sleep(0.005)  # both keys are in the file: the transaction is starting
    time.sleep(0.1)
    assert rotation.poll() is None, "the rotation finished before it could be killed"
    os.kill(rotation.pid, signal.SIGKILL)
    rotation.wait()
    reopened = Workspace(ws.settings)
    assert old.active in reopened.keyring.keys
    with reopened.read() as conn:
        assert verify_store(conn).ok
        found = _ciphertexts(conn)
        events = conn.execute(select(s.audit_event.c.action)).scalars().all()
    assert "rotate_key" not in events
    values = [v for vs in found.values() for v in vs]
    assert _opens(old, values) == len(values) == 2 * (4000 * 3 + 1)
    reopened.engine.dispose()


def _keys_in(path: Path) -> list[str]:
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["keys"])
    except (ValueError, OSError):
        return []
