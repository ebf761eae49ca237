"""Protected fields: encrypted at rest, bound to their place, rotated, exported only on request."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers import canonical_rows, write_csv

from unforgotten.errors import ConfigError, CryptoError, PermissionDenied
from unforgotten.ingest import import_file
from unforgotten.settings import Settings
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.crypto import Keyring
from unforgotten.store.export import export
from unforgotten.store.keys import rotate_key
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace

SECRET_NAME = "Witness Hong Gil-dong 7731"
SECRET_CONTACT = "+82-10-5555-7731"


def _rows_with_secret() -> list[dict[str, str]]:
    rows = canonical_rows(3)
    rows[1].update(informant_name=SECRET_NAME, informant_contact=SECRET_CONTACT)
    return rows


def test_keyring_binds_values_to_their_place() -> None:
    ring = Keyring.generate()
    stored = ring.encrypt("secret", context="informant.name_enc.1")
    assert stored is not None and "secret" not in stored
    assert ring.decrypt(stored, context="informant.name_enc.1") == "secret"
    with pytest.raises(CryptoError, match="does not decrypt"):
        ring.decrypt(stored, context="informant.name_enc.2")
    with pytest.raises(CryptoError, match="not in the keyring"):
        Keyring.generate().decrypt(stored, context="informant.name_enc.1")
    assert "secret" not in repr(ring) and str(ring.keys[ring.active]) not in repr(ring)


def test_key_file_is_owner_only_and_refused_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    Keyring.generate().save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        Keyring.load(path)


def test_key_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ring = Keyring.generate()
    monkeypatch.setenv("UNFORGOTTEN_KEY", ring.to_json())
    assert Keyring.load(tmp_path / "absent.key").active == ring.active
    monkeypatch.setenv("UNFORGOTTEN_KEY", "not json")
    with pytest.raises(ConfigError, match="UNFORGOTTEN_KEY: not a valid Unforgotten keyring"):
        Keyring.load(None)


def test_protected_value_never_in_the_raw_file_or_wal(sqlite_ws: Workspace, tmp_path: Path) -> None:
    import_file(sqlite_ws, write_csv(tmp_path / "l.csv", _rows_with_secret()), source="S")
    path = sqlite_ws.settings.sqlite_path
    assert path is not None
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name) and not p.name.endswith(".key")]
    assert {p.name for p in files} >= {"registry.db", "registry.db-wal"}  # the WAL is checked while it exists
    for file in files:
        data = file.read_bytes()
        for secret in (SECRET_NAME, SECRET_CONTACT):
            assert secret.encode() not in data, file.name
            assert secret.encode("utf-16-le") not in data, file.name


def test_rotation_reencrypts_everything_and_verifies(ws: Workspace, tmp_path: Path) -> None:
    import_file(ws, write_csv(tmp_path / "l.csv", _rows_with_secret()), source="S")
    old = ws.keyring.active
    report = rotate_key(ws)
    assert report.old_keys == [old]
    assert report.values == {
        "record_version": 2,
        "informant": 2,
        "source_record": 0,
        "web_user": 0,
        "evidence_content": 0,
        "evidence_link": 0,
        "attribution_proposal": 0,
    }
    fresh = Workspace(ws.settings)
    assert set(fresh.keyring.keys) == {report.new_key}
    with fresh.read() as conn:
        stored = conn.execute(select(s.informant.c.name_enc)).scalars().all()
        secret = queries.protected_of_records(conn, fresh.keyring, [2])
        assert verify_store(conn).ok
    assert all(fresh.keyring.key_id_of(v) == report.new_key for v in stored if v)
    assert secret[2]["informant_name"] == SECRET_NAME
    fresh.engine.dispose()


def test_default_export_leaves_protected_fields_out(ws: Workspace, tmp_path: Path) -> None:
    import_file(ws, write_csv(tmp_path / "l.csv", _rows_with_secret()), source="S")
    out = tmp_path / "records.csv"
    assert export(ws, "records", out) == 3
    text = out.read_text(encoding="utf-8")
    assert SECRET_NAME not in text and SECRET_CONTACT not in text and "informant" not in text
    assert export(ws, "records", out, include_protected=True) == 3
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[1]["informant_name"] == SECRET_NAME
    with ws.read() as conn:
        actions = conn.execute(select(s.audit_event.c.action).order_by(s.audit_event.c.id)).scalars().all()
    assert actions[-2:] == ["export", "export_protected"]


@pytest.mark.parametrize("role", ["analyst", "documenter", "viewer"])
def test_only_admins_export_protected(settings: Settings, ws: Workspace, tmp_path: Path, role: str) -> None:
    other = Workspace(Settings.build(db=settings.db_url, key_file=str(settings.key_file), role=role))
    with pytest.raises(PermissionDenied):
        export(other, "records", tmp_path / "x.csv", include_protected=True)
    assert not (tmp_path / "x.csv").exists()


def test_init_refuses_to_make_a_new_key_for_a_database_with_encrypted_values(
    ws: Workspace, tmp_path: Path
) -> None:
    import_file(ws, write_csv(tmp_path / "list.csv", _rows_with_secret()), source="NGO list")
    key_file = ws.settings.key_file
    key_file.rename(tmp_path / "elsewhere.key")  # a restored database without its key
    with pytest.raises(ConfigError) as caught:
        Workspace(ws.settings).init()
    assert str(caught.value) == (
        f"the key file {key_file} is missing, but the database already holds 2 encrypted values "
        "that only its key opens; restore the key file from its backup (or set UNFORGOTTEN_KEY, "
        "or point --key-file at it). No new key was made."
    )
    assert not key_file.exists()
