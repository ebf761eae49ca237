"""Field encryption for protected values: AES-256-GCM with a keyring.

A stored value reads ``ufe1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``. The associated data
binds it to its place (``table.column.row``), so a ciphertext moved to another row fails to decrypt.

The keyring is a JSON object ``{"active": ID, "keys": {ID: base64 key}}``, read from the key file
(written by ``unforgotten init`` with owner-only permissions) or from ``UNFORGOTTEN_KEY``.
Rotation adds a key, makes it active, re-encrypts every value (record versions included: see
:mod:`.keys`), then retires the old key.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from unforgotten.errors import ConfigError, CryptoError

__all__ = ["PREFIX", "Keyring"]

PREFIX = "ufe1"
_NONCE = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


@dataclass
class Keyring:
    """The keys that protect fields at rest; one is active for new values."""

    active: str
    keys: dict[str, bytes]
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:  # never show key material
        return f"Keyring(active={self.active!r}, keys={sorted(self.keys)!r})"

    @classmethod
    def generate(cls) -> Keyring:
        """A new keyring with one fresh 256-bit key."""
        key_id = f"k{secrets.token_hex(4)}"
        return cls(active=key_id, keys={key_id: AESGCM.generate_key(bit_length=256)})

    @classmethod
    def from_json(cls, text: str, *, origin: str) -> Keyring:
        """Read a keyring from its JSON form; ``origin`` names where it came from in errors."""
        try:
            data = json.loads(text)
            keys = {str(k): _unb64(v) for k, v in data["keys"].items()}
            active = str(data["active"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{origin}: not a valid Unforgotten keyring") from exc
        if active not in keys or any(len(k) != 32 for k in keys.values()):
            raise ConfigError(f"{origin}: the active key is missing or a key is not 256 bits")
        return cls(active=active, keys=keys)

    @classmethod
    def load(cls, path: Path | None) -> Keyring:
        """The keyring from ``UNFORGOTTEN_KEY`` if set, else from the key file ``path``."""
        if env := os.environ.get("UNFORGOTTEN_KEY"):
            return cls.from_json(env, origin="UNFORGOTTEN_KEY")
        if path is None or not path.exists():
            raise ConfigError(
                f"no encryption key: {path} does not exist and UNFORGOTTEN_KEY is not set "
                "(run `unforgotten init`, or point --key-file at the key)"
            )
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(f"{path}: key file is readable by others; run `chmod 600 {path}`")
        return cls.from_json(path.read_text(encoding="utf-8"), origin=str(path))

    def to_json(self) -> str:
        """The keyring as JSON (key material included: write it only to the key file)."""
        keys = {k: _b64(v) for k, v in self.keys.items()}
        return json.dumps({"active": self.active, "keys": keys}, indent=2)

    def save(self, path: Path) -> None:
        """Write the key file atomically with owner-only permissions."""
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
            dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def _cipher(self, key_id: str) -> AESGCM:
        if key_id not in self._ciphers:
            try:
                self._ciphers[key_id] = AESGCM(self.keys[key_id])
            except KeyError as exc:
                raise CryptoError(f"value was encrypted with key {key_id!r}, not in the keyring") from exc
        return self._ciphers[key_id]

    def encrypt(self, plaintext: str | None, *, context: str) -> str | None:
        """Encrypt ``plaintext`` for the place ``context`` (``table.column.row``)."""
        if plaintext is None:
            return None
        nonce = os.urandom(_NONCE)
        sealed = self._cipher(self.active).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return f"{PREFIX}:{self.active}:{_b64(nonce + sealed)}"

    def decrypt(self, stored: str | None, *, context: str) -> str | None:
        """Decrypt a stored value; a wrong key, place or tampered bytes raise :class:`CryptoError`."""
        if stored is None:
            return None
        try:
            prefix, key_id, body = stored.split(":", 2)
            blob = _unb64(body)
        except ValueError as exc:
            raise CryptoError(f"{context}: stored value is not an encrypted field") from exc
        if prefix != PREFIX:
            raise CryptoError(f"{context}: stored value is not an encrypted field")
        try:
            plain = self._cipher(key_id).decrypt(blob[:_NONCE], blob[_NONCE:], context.encode())
        except InvalidTag as exc:
            raise CryptoError(f"{context}: value does not decrypt (tampered, moved or wrong key)") from exc
        return plain.decode("utf-8")

    def key_id_of(self, stored: str) -> str:
        """Which key encrypted a stored value."""
        return stored.split(":", 2)[1]

    def rotated(self) -> Keyring:
        """A keyring with a fresh active key; the old keys stay until retired."""
        fresh = Keyring.generate()
        return Keyring(active=fresh.active, keys={**self.keys, **fresh.keys})

    def retired(self) -> Keyring:
        """A keyring that holds only the active key."""
        return Keyring(active=self.active, keys={self.active: self.keys[self.active]})
