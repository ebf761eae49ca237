"""Backup and restore of a SQLite registry: one file, consistent while the application runs.

A backup is a tar archive holding

- ``registry.db``: a snapshot made with SQLite's online backup API (a consistent copy even while
  the web application or an import writes; it waits for no one and blocks no one for long);
- ``checkpoints``: the signed checkpoints up to the snapshot's head (later ones name events the
  snapshot does not have);
- ``evidence/``: the evidence store (encrypted files, by hash), when there is one;
- ``keys.enc`` only when asked: the encryption key file and the signing key, sealed with a
  passphrase (scrypt, then AES-256-GCM) — without it the snapshot's protected values cannot be read;
- ``MANIFEST.json``: when, which head, and the SHA-256 of every other member.

:func:`restore` unpacks into a new folder, checks every member against the manifest, opens the
keys with the passphrase and runs ``verify`` on the result. PostgreSQL registries are backed up
with ``pg_dump`` (docs/deployment.md).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import create_engine

from unforgotten.domain.roles import Permission
from unforgotten.errors import ConfigError, CryptoError, IntegrityError, ValidationError
from unforgotten.store import checkpoints
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import now_iso

__all__ = ["BackupReport", "RestoreReport", "backup", "needs_passphrase", "restore"]

FORMAT = "unforgotten-backup/1"
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What a backup holds."""

    file: str
    head_event: int
    head: str
    members: int
    evidence_files: int
    keys_included: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "file": self.file,
            "head_event": self.head_event,
            "head": self.head,
            "members": self.members,
            "evidence_files": self.evidence_files,
            "keys_included": self.keys_included,
        }


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """Where a backup was restored and whether it verifies."""

    folder: str
    db: str
    head_event: int
    keys_restored: bool
    verified: bool
    verify_message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "folder": self.folder,
            "db": self.db,
            "head_event": self.head_event,
            "keys_restored": self.keys_restored,
            "verified": self.verified,
            "verify": self.verify_message,
        }


def _seal(passphrase: str, data: bytes) -> bytes:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key = Scrypt(salt=salt, length=32, **_SCRYPT).derive(passphrase.encode("utf-8"))
    sealed = AESGCM(key).encrypt(nonce, data, FORMAT.encode())
    return json.dumps(
        {"kdf": "scrypt", **_SCRYPT, "salt": salt.hex(), "nonce": nonce.hex(), "ciphertext": sealed.hex()}
    ).encode()


def _open(passphrase: str, blob: bytes) -> bytes:
    box = json.loads(blob)
    key = Scrypt(salt=bytes.fromhex(box["salt"]), length=32, n=box["n"], r=box["r"], p=box["p"]).derive(
        passphrase.encode("utf-8")
    )
    try:
        return AESGCM(key).decrypt(
            bytes.fromhex(box["nonce"]), bytes.fromhex(box["ciphertext"]), FORMAT.encode()
        )
    except InvalidTag:
        raise CryptoError("the passphrase does not open the keys in this backup") from None


def _snapshot(source: Path, target: Path) -> tuple[int, str]:
    """Copy the database with SQLite's backup API; the head event of the copy."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=1024)
        row = dst.execute("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        dst.close()
        src.close()
    if row is None:
        raise ConfigError("the registry's audit chain is empty; run `unforgotten init` first")
    return int(row[0]), str(row[1])


def _checkpoints_upto(path: Path, head_event: int) -> bytes:
    if not path.exists():
        return b""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = []
    for line in lines:
        try:
            event = int(json.loads(line)["event_id"])
        except (ValueError, KeyError, TypeError):
            kept.append(line)  # verify reports a bad line; the backup keeps what is there
            continue
        if event <= head_event:
            kept.append(line)
    return ("\n".join(kept) + "\n").encode() if kept else b""


def _add(tar: tarfile.TarFile, name: str, data: bytes, manifest: dict[str, str]) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    tar.addfile(info, io.BytesIO(data))
    manifest[name] = hashlib.sha256(data).hexdigest()


def _add_file(tar: tarfile.TarFile, name: str, path: Path, manifest: dict[str, str]) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    info = tar.gettarinfo(str(path), arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as handle:
        tar.addfile(info, handle)
    manifest[name] = digest.hexdigest()


def backup(ws: Workspace, out: Path, *, passphrase: str | None = None) -> BackupReport:
    """Write a backup of the registry to ``out`` (keys included, sealed, when a passphrase is given)."""
    ws.require(Permission.MANAGE)
    ws.ensure_ready()
    sqlite = ws.settings.sqlite_path
    if sqlite is None:
        raise ConfigError(
            "backup of a PostgreSQL registry: use pg_dump and copy the evidence store "
            "(docs/deployment.md, 'Backups')"
        )
    if out.exists():
        raise ValidationError(f"{out} exists; name a new file (a backup never overwrites one)")
    manifest: dict[str, str] = {}
    evidence = 0
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / "registry.db"
        head_event, head = _snapshot(sqlite, snapshot)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            _add_file(tar, "registry.db", snapshot, manifest)
            _add(tar, "checkpoints", _checkpoints_upto(ws.settings.checkpoint_file, head_event), manifest)
            store = ws.settings.evidence_dir
            if store.is_dir():
                for path in sorted(p for p in store.rglob("*") if p.is_file()):
                    _add_file(tar, "evidence/" + path.relative_to(store).as_posix(), path, manifest)
                    evidence += 1
            if passphrase is not None:
                keys = {
                    "key_file": ws.settings.key_file.read_text(encoding="utf-8"),
                    "signing_key": ws.settings.signing_key_file.read_text(encoding="utf-8")
                    if ws.settings.signing_key_file.exists()
                    else None,
                }
                _add(tar, "keys.enc", _seal(passphrase, json.dumps(keys).encode()), manifest)
            meta = {
                "format": FORMAT,
                "created_at": now_iso(),
                "head_event": head_event,
                "head": head,
                "keys_included": passphrase is not None,
                "files": manifest,
            }
            _add(tar, "MANIFEST.json", json.dumps(meta, indent=1).encode(), {})
    os.replace(partial, out)
    ws.audit(
        action="backup",
        subject=out.name,
        detail={
            "head_event": head_event,
            "members": len(manifest),
            "evidence_files": evidence,
            "keys_included": passphrase is not None,
        },
    )
    return BackupReport(str(out), head_event, head, len(manifest) + 1, evidence, passphrase is not None)


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for m in members:
        parts = Path(m.name).parts
        if not m.isfile() or m.name.startswith("/") or ".." in parts:
            raise IntegrityError(f"backup member {m.name!r} is not a plain file inside the backup; refused")
    return members


def _manifest(file: Path, tar: tarfile.TarFile) -> tuple[dict[str, Any], dict[str, tarfile.TarInfo]]:
    members = {m.name: m for m in _safe_members(tar)}
    if "MANIFEST.json" not in members:
        raise ValidationError(f"{file}: no MANIFEST.json; not an Unforgotten backup")
    meta = json.loads(_read(tar, members["MANIFEST.json"]))
    if meta.get("format") != FORMAT:
        raise ValidationError(f"{file}: format {meta.get('format')!r}, expected {FORMAT}")
    extra = sorted(set(members) - set(meta["files"]) - {"MANIFEST.json"})
    missing = sorted(set(meta["files"]) - set(members))
    if extra or missing:
        raise IntegrityError(f"{file}: members differ from the manifest (extra {extra}, missing {missing})")
    return meta, members


def needs_passphrase(file: Path) -> bool:
    """Whether a backup holds sealed keys (so restoring it asks for the passphrase)."""
    try:
        with tarfile.open(file, mode="r") as tar:
            meta, _ = _manifest(file, tar)
    except (OSError, tarfile.TarError) as exc:
        raise ValidationError(f"{file}: not a readable Unforgotten backup ({exc})") from None
    return bool(meta["keys_included"])


def restore(
    file: Path, to: Path, *, passphrase: str | None = None, name: str = "registry.db"
) -> RestoreReport:
    """Unpack a backup into the new folder ``to``, check it against its manifest, restore the keys
    (with the passphrase) and verify the restored registry."""
    if to.exists() and any(to.iterdir()):
        raise ValidationError(f"{to} is not empty; restore into a new folder")
    try:
        with tarfile.open(file, mode="r") as tar:
            meta, members = _manifest(file, tar)
            if meta["keys_included"] and passphrase is None:
                raise ConfigError("this backup holds sealed keys: give the passphrase it was made with")
            keys = _unpack(file, tar, meta, members, to, name, passphrase)
    except (OSError, tarfile.TarError) as exc:
        raise ValidationError(f"{file}: not a readable Unforgotten backup ({exc})") from None
    if keys is not None:
        _write_private(to / f"{name}.key", keys["key_file"].encode())
        if keys.get("signing_key"):
            _write_private(to / f"{name}.signing-key", keys["signing_key"].encode())
    db = to / name
    verified, message = _verify_restored(db, to / f"{name}.checkpoints", to / f"{name}.signing-key")
    return RestoreReport(str(to), str(db), int(meta["head_event"]), keys is not None, verified, message)


def _unpack(  # noqa: PLR0917 - private helper of restore
    file: Path,
    tar: tarfile.TarFile,
    meta: dict[str, Any],
    members: dict[str, tarfile.TarInfo],
    to: Path,
    name: str,
    passphrase: str | None,
) -> dict[str, Any] | None:
    """Write every member, each checked against the manifest; the opened keys, if any."""
    to.mkdir(parents=True, exist_ok=True, mode=0o700)
    targets = {"registry.db": to / name, "checkpoints": to / f"{name}.checkpoints"}
    keys: dict[str, Any] | None = None
    for member_name, expected in meta["files"].items():
        if member_name == "keys.enc":
            data = _read(tar, members[member_name])
            if hashlib.sha256(data).hexdigest() != expected:
                raise IntegrityError(f"{file}: {member_name} does not match its SHA-256 in the manifest")
            keys = json.loads(_open(passphrase or "", data))
            continue
        if member_name.startswith("evidence/"):
            target = to / f"{name}.evidence" / member_name.removeprefix("evidence/")
        else:
            target = targets[member_name]
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if _copy_member(tar, members[member_name], target) != expected:
            raise IntegrityError(f"{file}: {member_name} does not match its SHA-256 in the manifest")
    return keys


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(member)
    if handle is None:
        raise IntegrityError(f"backup member {member.name!r} cannot be read")
    return handle.read()


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Stream one member to ``target`` (owner only); its SHA-256."""
    handle = tar.extractfile(member)
    if handle is None:
        raise IntegrityError(f"backup member {member.name!r} cannot be read")
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _verify_restored(db: Path, checkpoint_file: Path, signing: Path) -> tuple[bool, str]:
    """``verify`` of the restored registry against its own checkpoints (their signatures checked
    when the signing key was restored too)."""
    signer = checkpoints.SigningKey.load(signing) if signing.exists() else None
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            report = verify_store(conn, signer=signer, checkpoint_file=checkpoint_file)
    finally:
        engine.dispose()
    if not report.ok:
        return False, "; ".join(report.breaks)
    signed = "" if signer else " (checkpoint signatures not checked: the signing key was not in the backup)"
    return True, f"OK: {report.events} audit events, {report.versions} versions, {report.rows} rows{signed}"
