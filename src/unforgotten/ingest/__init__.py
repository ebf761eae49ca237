"""Ingest: read a list (CSV, XLSX, JSON, NDJSON), map its columns, validate every row, write one batch.

>>> from unforgotten.ingest import import_file  # doctest: +SKIP
"""

from unforgotten.ingest.batch import ImportReport, import_file
from unforgotten.ingest.columns import CANONICAL_COLUMNS, PROTECTED_COLUMNS

__all__ = ["CANONICAL_COLUMNS", "PROTECTED_COLUMNS", "ImportReport", "import_file"]
