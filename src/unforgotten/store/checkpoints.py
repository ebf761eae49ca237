"""Signed checkpoints: the audit chain's head, signed with the organisation's key outside the database.

A hash chain alone shows that events were edited or removed in the middle; someone who can write
the database can still rewrite it end to end, or cut off its newest events, and re-hash what is
left. A checkpoint is the head hash and event id signed with an Ed25519 key that lives outside the
database (a file readable only by the service). One is appended to the checkpoint file at the end
of every write, and on demand. :func:`check` then catches what the chain cannot: a chain that ends
before a signed event (truncation), or whose signed events no longer hash as they were signed
(rewritten history). Copies of checkpoints kept elsewhere (``unforgotten checkpoint --json``) catch
even an attacker who holds the database, the checkpoint file and the key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, select

from unforgotten.errors import ConfigError
from unforgotten.store.schema import audit_event
from unforgotten.store.writer import now_iso

__all__ = [
    "Checkpoint",
    "CheckpointReport",
    "SigningKey",
    "append",
    "check",
    "read_file",
]

_DOMAIN = b"unforgotten checkpoint v1\n"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One signed statement: at ``at``, the chain's newest event was ``event_id`` with hash ``head``."""

    event_id: int
    head: str
    at: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        """The exact bytes that are signed."""
        return _DOMAIN + f"{self.event_id}\n{self.head}\n{self.at}\n{self.key_id}".encode("ascii")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the line written to the checkpoint file)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Checkpoint:
        """Read one checkpoint; raises ``ValueError`` when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        try:
            made = cls(
                int(data["event_id"]),
                str(data["head"]),
                str(data["at"]),
                str(data["key_id"]),
                str(data["signature"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"missing {exc}") from exc
        made.message()  # the fields must be plain ASCII
        return made


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SigningKey:
    """The organisation's checkpoint key: the private half signs, the public half verifies."""

    public: Ed25519PublicKey
    private: Ed25519PrivateKey | None = None

    @property
    def key_id(self) -> str:
        """A short fingerprint of the public key, written into every checkpoint."""
        return _key_id(self.public)

    @property
    def public_hex(self) -> str:
        """The raw public key in hex: what a recipient needs to check checkpoints."""
        return self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh key."""
        private = Ed25519PrivateKey.generate()
        return cls(private.public_key(), private)

    @classmethod
    def from_public_hex(cls, text: str) -> SigningKey:
        """A verify-only key from its hex form (as ``checkpoint --json`` prints it)."""
        try:
            return cls(Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.strip())))
        except ValueError as exc:
            raise ConfigError("the public key must be 64 hexadecimal digits (32 bytes)") from exc

    @classmethod
    def load(cls, path: Path) -> SigningKey | None:
        """The key in ``path``, or ``None`` when there is no such file."""
        if not path.exists():
            return None
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(f"{path}: signing key is readable by others; run `chmod 600 {path}`")
        try:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError as exc:
            raise ConfigError(f"{path}: not an Ed25519 signing key (PEM, PKCS#8)") from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise ConfigError(f"{path}: not an Ed25519 signing key (PEM, PKCS#8)")
        return cls(private.public_key(), private)

    def save(self, path: Path) -> None:
        """Write the private key atomically with owner-only permissions; never overwrite one."""
        if self.private is None:
            raise ConfigError("a verify-only key cannot be saved as a signing key")
        if path.exists():
            raise ConfigError(f"{path} already exists; a signing key is never overwritten")
        pem = self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def sign(self, *, event_id: int, head: str) -> Checkpoint:
        """A checkpoint of the chain whose newest event is ``event_id`` with hash ``head``."""
        if self.private is None:
            raise ConfigError("a verify-only key cannot sign checkpoints")
        unsigned = Checkpoint(event_id, head, now_iso(), self.key_id, "")
        signature = base64.b64encode(self.private.sign(unsigned.message())).decode("ascii")
        return Checkpoint(event_id, head, unsigned.at, unsigned.key_id, signature)

    def sign_bytes(self, message: bytes) -> bytes:
        """An Ed25519 signature of ``message`` (a bundle's tag manifest)."""
        if self.private is None:
            raise ConfigError("a verify-only key cannot sign")
        return self.private.sign(message)

    def public_pem(self) -> str:
        """The public key as PEM (SubjectPublicKeyInfo): what ``key export-public`` writes."""
        pem = self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode("ascii")

    @classmethod
    def from_public_text(cls, text: str, *, origin: str) -> SigningKey:
        """A verify-only key from a PEM public key or its 64 hexadecimal digits."""
        if "BEGIN PUBLIC KEY" not in text:
            return cls.from_public_hex(text)
        try:
            public = serialization.load_pem_public_key(text.encode("ascii"))
        except ValueError as exc:
            raise ConfigError(f"{origin}: not a PEM public key") from exc
        if not isinstance(public, Ed25519PublicKey):
            raise ConfigError(f"{origin}: not an Ed25519 public key")
        return cls(public)

    def signed_by_me(self, checkpoint: Checkpoint) -> bool:
        """Whether ``checkpoint`` carries a valid signature by this key."""
        if checkpoint.key_id != self.key_id:
            return False
        try:
            self.public.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
        except (InvalidSignature, ValueError):
            return False
        return True


def append(path: Path, checkpoint: Checkpoint) -> None:
    """Append one checkpoint line to ``path`` (created owner-only), flushed to disk."""
    line = (json.dumps(checkpoint.to_dict(), separators=(",", ":")) + "\n").encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in ``path`` (one JSON object per line, or one exported object) and the
    problems found reading it (each naming the line)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found: list[Checkpoint] = []
    problems: list[str] = []
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict | list):  # one export of ``checkpoint --json``, or a list of them
        items: list[tuple[int, Any]] = list(enumerate(whole if isinstance(whole, list) else [whole], 1))
    else:
        items = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    for number, item in items:
        try:
            found.append(Checkpoint.from_dict(json.loads(item) if isinstance(item, str) else item))
        except (ValueError, UnicodeEncodeError) as exc:
            problems.append(f"{path.name} line {number}: not a checkpoint ({exc})")
    return found, problems


@dataclass(slots=True)
class CheckpointReport:
    """What checking the checkpoints found."""

    file: str
    checked: int = 0
    last_signed: int = 0
    unsigned_events: int = 0
    breaks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "file": self.file,
            "checked": self.checked,
            "last_signed_event": self.last_signed,
            "unsigned_events": self.unsigned_events,
            "breaks": self.breaks,
            "notes": self.notes,
        }


def _hashes(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        query = select(audit_event.c.id, audit_event.c.hash).where(audit_event.c.id.in_(chunk))
        found.update({int(i): str(h) for i, h in conn.execute(query)})
    return found


def check(
    conn: Connection,
    checkpoints: Sequence[Checkpoint],
    key: SigningKey,
    *,
    file: str,
    last_event: int,
) -> CheckpointReport:
    """Check each checkpoint's signature and that the chain still holds its event, unchanged.

    ``last_event`` is the id of the chain's newest event (0 for an empty chain); the caller has
    already checked that the chain is whole from its first event to that one.
    """
    report = CheckpointReport(file)
    good = [c for c in checkpoints if key.signed_by_me(c)]
    forged = len(checkpoints) - len(good)
    if forged:
        report.breaks.append(
            f"{forged} checkpoint(s) in {file} do not carry a valid signature by the signing key "
            f"{key.key_id} (forged, edited, or signed with another key)"
        )
    report.checked = len(good)
    if not good:
        return report
    hashes = _hashes(conn, (c.event_id for c in good))
    newest = max(good, key=lambda c: c.event_id)
    report.last_signed = newest.event_id
    if newest.event_id > last_event:
        report.breaks.append(
            f"the chain ends at event {last_event}, but event {newest.event_id} was signed at "
            f"{newest.at}: {newest.event_id - last_event} newest event(s) were removed (truncated)"
        )
    for c in sorted(good, key=lambda c: c.event_id):
        if c.event_id in hashes and hashes[c.event_id] != c.head:
            report.breaks.append(
                f"event {c.event_id} no longer has the hash signed at {c.at} "
                f"(signed {c.head}, now {hashes[c.event_id]}): signed history was rewritten"
            )
            break
    report.unsigned_events = max(0, last_event - newest.event_id)
    if report.unsigned_events:
        report.notes.append(
            f"{report.unsigned_events} event(s) after the last checkpoint (event {newest.event_id}) "
            "are not signed yet; `unforgotten checkpoint` signs the current head"
        )
    return report
