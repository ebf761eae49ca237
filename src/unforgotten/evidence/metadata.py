"""What a file says about itself, read by libraries: its media type (``filetype``, by the file's
first bytes, then by its name), EXIF and GPS of images (Pillow), properties and text of PDFs
(pypdf); and a *shareable copy* with the identifying parts removed.

Extraction never fails an intake: a file a library cannot read is stored all the same, its
metadata saying why it could not be read.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

import filetype
from PIL import ExifTags, Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from unforgotten.errors import ValidationError

__all__ = [
    "SHAREABLE",
    "TEXT_LIMIT",
    "check_shareable",
    "extract",
    "media_type",
    "reads",
    "shareable_copy",
]

TEXT_LIMIT = 2_000_000  # characters of a PDF's text kept for search
SHAREABLE = ("image/jpeg", "image/png", "image/tiff", "image/webp", "application/pdf")
_IMAGE_BYTES = 1 << 30  # Pillow refuses images it would need more memory than this to decode
_log = logging.getLogger("unforgotten.evidence")


def media_type(head: bytes | Path, name: str) -> str:
    """The media type by the file's first bytes (``head``, or the file at that path), else by
    ``name``'s extension, else octet-stream."""
    guessed = filetype.guess_mime(head if isinstance(head, bytes) else str(head))
    if guessed:
        return str(guessed)
    by_name, _ = mimetypes.guess_type(name, strict=False)
    return by_name or "application/octet-stream"


def _plain(value: Any) -> Any:
    """An EXIF value as JSON can hold it."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").rstrip("\x00")[:500]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, int | str | bool) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)[:500]


def _degrees(parts: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(p) for p in parts)
    except (TypeError, ValueError):
        return None
    value = d + m / 60 + s / 3600
    return round(-value if str(ref).upper() in ("S", "W") else value, 7)


def _image(path: Path) -> dict[str, Any]:
    with Image.open(path) as image:
        found: dict[str, Any] = {"width": image.width, "height": image.height, "format": image.format}
        exif = image.getexif()
        tags = {ExifTags.TAGS.get(k, str(k)): _plain(v) for k, v in exif.items()}
        tags.update(
            {ExifTags.TAGS.get(k, str(k)): _plain(v) for k, v in exif.get_ifd(ExifTags.IFD.Exif).items()}
        )
        gps = {
            ExifTags.GPSTAGS.get(k, str(k)): _plain(v) for k, v in exif.get_ifd(ExifTags.IFD.GPSInfo).items()
        }
    tags.pop("MakerNote", None)
    if tags:
        found["exif"] = tags
    if gps:
        found["gps"] = gps
        lat = _degrees(gps.get("GPSLatitude"), gps.get("GPSLatitudeRef"))
        lon = _degrees(gps.get("GPSLongitude"), gps.get("GPSLongitudeRef"))
        if lat is not None and lon is not None:
            found["gps"]["position"] = [lat, lon]
    return found


def _pdf(path: Path) -> tuple[dict[str, Any], str]:
    reader = PdfReader(path)
    info = {str(k).lstrip("/"): _plain(str(v)) for k, v in (reader.metadata or {}).items()}
    found: dict[str, Any] = {"pages": len(reader.pages), "document": info, "encrypted": reader.is_encrypted}
    text: list[str] = []
    size = 0
    for page in reader.pages:
        chunk = page.extract_text() or ""
        text.append(chunk)
        size += len(chunk)
        if size >= TEXT_LIMIT:
            found["text_truncated"] = True
            break
    return found, "\n".join(text)[:TEXT_LIMIT]


def reads(kind: str) -> bool:
    """Whether :func:`extract` reads anything from files of media type ``kind``."""
    return kind.startswith("image/") or kind == "application/pdf"


def extract(path: Path, kind: str) -> tuple[dict[str, Any], str | None]:
    """The metadata of the file at ``path`` of media type ``kind``, and its text (PDFs)."""
    Image.MAX_IMAGE_PIXELS = _IMAGE_BYTES // 4
    try:
        if kind.startswith("image/"):
            return _image(path), None
        if kind == "application/pdf":
            return _pdf(path)
    except (OSError, UnidentifiedImageError, PyPdfError, ValueError, Image.DecompressionBombError) as exc:
        _log.info("metadata of a %s file not read: %s", kind, type(exc).__name__)
        return {"unreadable": f"{type(exc).__name__}: the {kind} file could not be parsed"}, None
    return {}, None


def check_shareable(kind: str) -> None:
    """Raise :class:`ValidationError` unless a shareable copy can be made of files of type ``kind``."""
    if kind not in SHAREABLE:
        raise ValidationError(
            f"a shareable copy can be made of JPEG, PNG, TIFF, WebP and PDF files; this one is {kind}"
        )


def shareable_copy(source: Path, kind: str, out: Path) -> str:
    """Write to ``out`` a copy of ``source`` with identifying metadata removed; says what was done.

    Images are re-saved with their pixels only (no EXIF, GPS, XMP or comments); a PDF keeps its
    pages and loses its document properties and XMP metadata.
    """
    check_shareable(kind)
    try:
        if kind == "application/pdf":
            writer = PdfWriter(clone_from=PdfReader(source))
            writer.metadata = None
            writer.xmp_metadata = None
            with out.open("wb") as handle:
                writer.write(handle)
            return "document properties and XMP metadata removed (pypdf)"
        with Image.open(source) as image:
            plain = Image.frombytes(image.mode, image.size, image.tobytes())
            if (palette := image.getpalette()) is not None:
                plain.putpalette(palette)
            options = {"quality": 95} if kind == "image/jpeg" else {}
            plain.save(out, format=image.format, **options)
        return "EXIF, GPS and other embedded metadata removed; pixels re-saved (Pillow)"
    except (OSError, UnidentifiedImageError, PyPdfError, ValueError) as exc:
        raise ValidationError(f"the {kind} file could not be read to make a shareable copy ({exc})") from exc
