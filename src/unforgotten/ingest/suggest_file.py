"""The header of a file to suggest a mapping for (see :mod:`unforgotten.ingest.suggest`)."""

from __future__ import annotations

from pathlib import Path

from unforgotten.errors import NotFoundError
from unforgotten.ingest.readers import detect_format, read_table
from unforgotten.ingest.suggest import suggest_mapping
from unforgotten.ingest.uwazi import PROPERTY_ALIASES, UwaziOptions, read_collection

__all__ = ["suggested_mapping"]


def suggested_mapping(path: Path, *, origin: str = "table", sheet: str | None = None) -> str:
    """A mapping file (TOML text) for ``path``'s unknown headers; for an Uwazi export, its
    property labels (the common headers and relationship properties need none)."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise NotFoundError(f"{path}: no such file") from None
    if origin == "uwazi":
        collection = read_collection(data, name=path.name, options=UwaziOptions(), folder=path.parent)
        labels = tuple(label for label in collection.labels if label not in collection.relationships)
        return suggest_mapping(labels, aliases=PROPERTY_ALIASES, file=path.name)
    table = read_table(data, name=path.name, fmt=detect_format(path), sheet=sheet)
    return suggest_mapping(table.columns, file=path.name)
