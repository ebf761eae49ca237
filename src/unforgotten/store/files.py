"""The encrypted, content-addressed file store that holds evidence files.

A file is kept at ``<root>/ab/cd/<sha256>``, named by the SHA-256 of its exact bytes (so the
same bytes received twice are stored once), sealed with a key of its own. That key is sealed in
turn with the registry's keyring (:mod:`.crypto`) and kept in the database; rotating the keyring
re-seals the key, never the file.

A sealed file is a header (``UFEV1`` and a 7-byte random nonce prefix) followed by the file in
1 MiB chunks, each sealed with AES-256-GCM (the ``cryptography`` library). A chunk's nonce is the
prefix, its index (4 bytes) and a last-chunk flag, so chunks cannot be reordered, dropped or the
file cut short without the last one failing to open (the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár, 2015). Sealing and hashing go through the file once, in constant memory;
SHA-256 and SHA-512 run beside the sealing in worker threads (hashlib releases the GIL).

Files are written owner-only (0600, folders 0700) to a temporary name in the store, then renamed
into place, so a file is either whole or absent.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from unforgotten.errors import CryptoError
from unforgotten.store.crypto import Keyring

__all__ = ["CHUNK", "Digests", "FileStore", "Sealer", "file_key", "open_sealed", "seal", "seal_key"]

CHUNK = 1 << 20
_MAGIC = b"UFEV1"
_PREFIX = 7
_TAG = 16
_HEADER = len(_MAGIC) + _PREFIX


@dataclass(frozen=True, slots=True)
class Digests:
    """What sealing a file learnt of its plain bytes."""

    sha256: str
    sha512: str
    size: int


def _nonce(prefix: bytes, index: int, *, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class Sealer:
    """Seals bytes pushed to it in pieces of any size (a request body as it arrives) into ``dest``.

    It holds at most one chunk and the piece being written: a full chunk is sealed only once more
    bytes follow it, so :meth:`finish` seals the last chunk with the last-chunk flag (an empty
    file is one empty last chunk). SHA-256 and SHA-512 of the plain bytes run beside the sealing
    in two worker threads.
    """

    def __init__(self, dest: BinaryIO, key: bytes) -> None:
        self._dest, self._cipher, self._prefix = dest, AESGCM(key), secrets.token_bytes(_PREFIX)
        self._sha256, self._sha512 = hashlib.sha256(), hashlib.sha512()
        self._parts: list[bytes | memoryview] = []  # the chunk being filled (no copy while it fills)
        self._held = self._index = self._size = 0
        self._pool = ThreadPoolExecutor(max_workers=2)
        dest.write(_MAGIC + self._prefix)

    @property
    def size(self) -> int:
        """How many plain bytes were pushed so far."""
        return self._size + self._held

    def write(self, data: bytes) -> None:
        """Push the next plain bytes."""
        start = 0
        while start < len(data):
            if self._held == CHUNK:
                self._flush(last=False)
            take = min(CHUNK - self._held, len(data) - start)
            self._parts.append(data if take == len(data) else memoryview(data)[start : start + take])
            self._held += take
            start += take

    def _flush(self, *, last: bool) -> None:
        parts = self._parts
        chunk = parts[0] if len(parts) == 1 and isinstance(parts[0], bytes) else b"".join(parts)
        self._parts, self._held = [], 0
        self._seal(bytes(chunk), last=last)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        hashing = (
            self._pool.submit(self._sha256.update, chunk),
            self._pool.submit(self._sha512.update, chunk),
        )
        self._dest.write(self._cipher.encrypt(_nonce(self._prefix, self._index, last=last), chunk, None))
        self._index, self._size = self._index + 1, self._size + len(chunk)
        for job in hashing:
            job.result()

    def finish(self) -> Digests:
        """Seal what is left as the last chunk; the digests of every plain byte pushed."""
        self._flush(last=True)
        self.close()
        return Digests(self._sha256.hexdigest(), self._sha512.hexdigest(), self._size)

    def close(self) -> None:
        """Stop the worker threads (after :meth:`finish`, or to abandon the file)."""
        self._pool.shutdown()


def seal(source: BinaryIO, dest: BinaryIO, key: bytes) -> Digests:
    """Seal ``source`` into ``dest`` with ``key``, hashing the plain bytes as they pass."""
    sealer = Sealer(dest, key)
    try:
        while data := source.read(CHUNK):
            sealer.write(data)
        return sealer.finish()
    finally:
        sealer.close()


def open_sealed(source: BinaryIO, key: bytes, *, name: str) -> Iterator[bytes]:
    """The plain chunks of a sealed file; anything changed raises :class:`CryptoError` naming ``name``."""
    header = source.read(_HEADER)
    if len(header) != _HEADER or not header.startswith(_MAGIC):
        raise CryptoError(f"{name}: not a sealed evidence file (header changed)")
    cipher, prefix = AESGCM(key), header[len(_MAGIC) :]
    sealed = source.read(CHUNK + _TAG)
    index = 0
    while True:
        following = source.read(CHUNK + _TAG) if len(sealed) == CHUNK + _TAG else b""
        last = not following
        try:
            yield cipher.decrypt(_nonce(prefix, index, last=last), sealed, None)
        except InvalidTag:
            raise CryptoError(
                f"{name}: chunk {index} does not open (changed, cut short or wrong key)"
            ) from None
        if last:
            return
        sealed, index = following, index + 1


def seal_key(keyring: Keyring, key: bytes, *, evidence_id: int) -> str:
    """A file's key sealed with the keyring, bound to its evidence row."""
    return str(keyring.encrypt(key.hex(), context=f"evidence_content.file_key_enc.{evidence_id}"))


def file_key(keyring: Keyring, stored: str, *, evidence_id: int) -> bytes:
    """The key of a stored file, unsealed with the keyring."""
    plain = keyring.decrypt(stored, context=f"evidence_content.file_key_enc.{evidence_id}")
    if plain is None or len(plain) != 64:
        raise CryptoError(f"evidence {evidence_id}: its file key is not a 256-bit key")
    return bytes.fromhex(plain)


def _private_dirs(path: Path, root: Path) -> None:
    """Create ``path`` and the folders between it and ``root`` owner-only."""
    for folder in [*reversed(path.relative_to(root).parents), path.relative_to(root)]:
        target = root / folder
        if not target.exists():
            target.mkdir(mode=0o700, exist_ok=True)


@dataclass(frozen=True, slots=True)
class FileStore:
    """The folder of sealed files, by SHA-256."""

    root: Path

    def path(self, sha256: str) -> Path:
        """Where the file with this SHA-256 is kept."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def temporary(self) -> tuple[Path, BinaryIO]:
        """A new owner-only file in the store's own folder (so the final rename is atomic)."""
        if not self.root.exists():
            self.root.parent.mkdir(parents=True, exist_ok=True)
            self.root.mkdir(mode=0o700, exist_ok=True)
        _private_dirs(self.root / "incoming", self.root)
        path = self.root / "incoming" / f"{secrets.token_hex(16)}.part"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        return path, os.fdopen(fd, "wb")

    def put(self, temporary: Path, sha256: str) -> Path:
        """Move a sealed temporary file into its place (synced first); returns the place."""
        target = self.path(sha256)
        _private_dirs(target.parent, self.root)
        fd = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
        return target

    def read(self, sha256: str, key: bytes) -> Iterator[bytes]:
        """The plain bytes of a stored file, chunk by chunk."""
        path = self.path(sha256)
        with path.open("rb") as handle:
            yield from open_sealed(handle, key, name=f"evidence file {sha256}")

    def rehash(self, sha256: str, key: bytes) -> tuple[str, str]:
        """The SHA-256 and SHA-512 of a stored file's plain bytes, read again."""
        first, second = hashlib.sha256(), hashlib.sha512()
        for chunk in self.read(sha256, key):
            first.update(chunk)
            second.update(chunk)
        return first.hexdigest(), second.hexdigest()
