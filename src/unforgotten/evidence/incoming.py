"""A file being received: its bytes sealed into a temporary file of the store as they arrive.

The CLI reads a file from disk and the web application reads a request body as it streams in;
both push the bytes into an :class:`Incoming` (:meth:`Incoming.write`, any piece size), which
hashes and seals them in constant memory (:class:`unforgotten.store.files.Sealer`) and keeps
only the first bytes, for the media type. :meth:`unforgotten.evidence.Evidence.take_in` then
records it; an incoming file never taken in is removed (:meth:`Incoming.discard`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from unforgotten.errors import ValidationError
from unforgotten.store.files import Digests, FileStore, Sealer, open_sealed

__all__ = ["HEAD", "Incoming"]

HEAD = 8192  # bytes kept for the media type (what ``filetype`` reads)
_NAME_LIMIT = 255


def clean_name(name: str) -> str:
    """The file's own name (no folders), as given; an empty or overlong name is refused."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in (".", ".."):
        raise ValidationError("a file has no name; nothing was taken in")
    if len(base) > _NAME_LIMIT or any(ord(ch) < 32 for ch in base):
        raise ValidationError(f"a file name is over {_NAME_LIMIT} characters or holds control characters")
    return base


class Incoming:
    """One file arriving (see the module docstring)."""

    def __init__(self, files: FileStore, name: str) -> None:
        self.name = clean_name(name)
        self.key = secrets.token_bytes(32)
        self.temporary, self._handle = files.temporary()
        self._sealer = Sealer(self._handle, self.key)
        self.head = b""
        self.digests: Digests | None = None

    @property
    def size(self) -> int:
        """Plain bytes received so far."""
        return self._sealer.size

    def write(self, data: bytes) -> None:
        """The next bytes of the file."""
        if len(self.head) < HEAD:
            self.head += data[: HEAD - len(self.head)]
        self._sealer.write(data)

    def finish(self) -> Digests:
        """The file is complete: seal its last chunk; its hashes and size."""
        if self.digests is None:
            with self._handle:
                self.digests = self._sealer.finish()
        return self.digests

    def discard(self) -> None:
        """Remove the temporary file (it was stored, refused or abandoned)."""
        self._sealer.close()
        self._handle.close()
        with suppress(FileNotFoundError):
            self.temporary.unlink()

    @contextmanager
    def plain_copy(self, folder: Path) -> Iterator[Path]:
        """The plain bytes in an owner-only file of ``folder`` for a metadata library, removed after."""
        path = folder / f"{secrets.token_hex(16)}.plain"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with self.temporary.open("rb") as sealed, os.fdopen(fd, "wb") as out:
                for chunk in open_sealed(sealed, self.key, name=self.name):
                    out.write(chunk)
            yield path
        finally:
            with suppress(FileNotFoundError):
                path.unlink()
