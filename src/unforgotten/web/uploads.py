"""Evidence uploads read as the request body streams in: a ``multipart/form-data`` body parsed
piece by piece (``python-multipart``'s push parser), each file part pushed straight into the
evidence service's :class:`~unforgotten.evidence.incoming.Incoming`, which hashes and seals it,
so memory use does not grow with the file and no plain copy is written to disk.

A browser form is checked for its CSRF token before any file is taken: the token must come in
the ``X-CSRF-Token`` header (the upload script sends it) or as the form's first field (the form
puts its hidden ``csrf`` input first; browsers send fields in the form's order).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from anyio import to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from unforgotten.errors import PermissionDenied, ValidationError
from unforgotten.evidence.incoming import Incoming

__all__ = ["Upload", "read_upload"]

FIELD_LIMIT = 64 * 1024  # bytes of a text field
FIELDS = 20
FILES = 200
_PIECE = 1 << 20  # bytes handed to the parser (and the sealing thread) at a time


@dataclass
class Upload:
    """What a streamed form held: its text fields and the files received (not yet recorded)."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[Incoming] = field(default_factory=list)

    def discard(self) -> None:
        """Remove every file received (the upload was refused or failed)."""
        for incoming in self.files:
            incoming.discard()


class _Reader:
    """The parser's callbacks: headers of a part, then its text or its file bytes."""

    def __init__(self, boundary: bytes, *, start_file: Callable[[str], Incoming], csrf: str | None) -> None:
        self.upload = Upload()
        self._start_file, self._csrf = start_file, csrf
        self._header_field, self._header_value = bytearray(), bytearray()
        self._headers: dict[str, bytes] = {}
        self._name, self._text = "", bytearray()
        self._file: Incoming | None = None
        self.checked = csrf is None
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
                "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def _part_begin(self) -> None:
        self._headers, self._text, self._file = {}, bytearray(), None

    def _header_end(self) -> None:
        self._headers[bytes(self._header_field).decode("latin-1").lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            return
        if not self.checked:
            raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")
        name = options[b"filename"].decode("utf-8", "replace")
        if len(self.upload.files) >= FILES:
            raise ValidationError(f"send at most {FILES} files at once")
        if name:  # a file input left empty sends a part without a name or bytes
            self._file = self._start_file(name)
            self.upload.files.append(self._file)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            self._file.write(data[start:end])
        elif len(self._text) + end - start > FIELD_LIMIT:
            raise ValidationError(f"the field {self._name!r} is longer than {FIELD_LIMIT} bytes")
        else:
            self._text.extend(data[start:end])

    def _part_end(self) -> None:
        if self._file is not None:
            self._file.finish()
            return
        if len(self.upload.fields) >= FIELDS:
            raise ValidationError(f"an upload form has at most {FIELDS} fields")
        value = self._text.decode("utf-8", "replace")
        if self._name == "csrf" and self._csrf is not None:
            self.checked = self.checked or secrets.compare_digest(value, self._csrf)
        self.upload.fields[self._name] = value


def _boundary(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise ValidationError("send the files as multipart/form-data")
    return options[b"boundary"]


async def read_upload(
    content_type: str,
    body: AsyncIterator[bytes],
    *,
    start_file: Callable[[str], Incoming],
    csrf: str | None,
) -> Upload:
    """Read a multipart body as it arrives; ``csrf``: the token the form must carry first (``None``
    when the request was already checked). Files are discarded if anything goes wrong."""
    reader = _Reader(_boundary(content_type), start_file=start_file, csrf=csrf)
    pending = bytearray()
    try:
        async for piece in body:
            pending += piece
            if len(pending) >= _PIECE:
                await to_thread.run_sync(reader.parser.write, bytes(pending))
                pending.clear()
        await to_thread.run_sync(reader.parser.write, bytes(pending))
        reader.parser.finalize()
    except MultipartParseError:
        reader.upload.discard()
        raise ValidationError("the upload is not a well-formed multipart/form-data body") from None
    except BaseException:
        reader.upload.discard()
        raise
    if not reader.checked:
        reader.upload.discard()
        raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")
    return reader.upload
