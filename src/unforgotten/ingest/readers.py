"""Readers: turn a file's bytes into a header and rows of text cells, keeping cells verbatim.

CSV in any common delimiter, UTF-8 with or without BOM, UTF-16, or CP949/EUC-KR (what Korean
spreadsheets save); XLSX, XLS and ODS through calamine (first sheet, or the one named); JSON (a
list of objects, or an object with a ``records`` list); NDJSON (one object per line). Row numbers
are what a person sees: the spreadsheet line for CSV and sheets (header = 1), the position (from
1) for JSON and NDJSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from unforgotten.errors import ValidationError

__all__ = ["MAX_CELL", "SPREADSHEETS", "RawTable", "detect_format", "read_table", "sheet_names"]

FORMATS = ("csv", "xlsx", "xls", "ods", "json", "ndjson")
MAX_CELL = 100_000
"""The most characters one CSV cell may hold (a longer one is an error that names its row and column)."""


@dataclass(frozen=True, slots=True)
class RawTable:
    """The cells of one file, as text, with the row numbers a person would see."""

    file: str
    format: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    encoding: str = "utf-8"
    sheet: str | None = None


def detect_format(path: Path) -> str:
    """The format named by the file's extension (``.tsv`` and ``.txt`` read as CSV)."""
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"tsv": "csv", "txt": "csv", "jsonl": "ndjson", "xlsm": "xlsx"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise ValidationError(
            f"{path.name}: unknown file type {path.suffix!r}; use CSV, XLSX, XLS, ODS, JSON or NDJSON"
        )
    return fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _utf16(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when the bytes start with a UTF-16 byte order mark
    (or look like BOM-less UTF-16: every other byte of ASCII text NUL)."""
    if data[:2] == b"\xff\xfe":
        return "utf-16-le"
    if data[:2] == b"\xfe\xff":
        return "utf-16-be"
    sample = data[:2000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 3 and sample[::2].count(0) == 0:
        return "utf-16-le"
    if len(sample) >= 4 and sample[::2].count(0) > len(sample) // 3 and sample[1::2].count(0) == 0:
        return "utf-16-be"
    return None


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (``utf-8-sig`` when it has a BOM), UTF-16,
    or CP949 (which includes EUC-KR)."""
    if wide := _utf16(data):
        try:
            return data.decode(wide).removeprefix("\ufeff"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "cp949")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"{name}: not UTF-8 and not CP949/EUC-KR text; save it as UTF-8 CSV")


def _header(columns: list[str], name: str) -> tuple[str, ...]:
    cleaned = tuple(c.strip() for c in columns)
    if not cleaned or not any(cleaned):
        raise ValidationError(f"{name}: row 1 (the header) is empty")
    seen: set[str] = set()
    for position, column in enumerate(cleaned, start=1):
        if not column:
            raise ValidationError(f"{name}: row 1, column {position}: the header cell is empty")
        if column in seen:
            raise ValidationError(f"{name}: row 1: column {column!r} appears twice in the header")
        if "\x00" in column:
            raise ValidationError(f"{name}: row 1, column {position}: the header cell holds a NUL byte")
        seen.add(column)
    return cleaned


def _delimiter(header_line: str) -> str:
    """The delimiter only: quoting follows RFC 4180 whatever the header looks like."""
    try:
        return str(csv.Sniffer().sniff(header_line, delimiters=",;\t|").delimiter)
    except csv.Error:
        return ","


def _check_sizes(cells: list[str], columns: tuple[str, ...], *, name: str, line: int) -> None:
    if max(map(len, cells), default=0) <= MAX_CELL:  # the common case: one pass in C
        return
    for column, cell in zip(columns, cells, strict=False):
        if len(cell) > MAX_CELL:
            raise ValidationError(
                f"{name}: row {line}, column {column!r}: {len(cell):,} characters; "
                f"a cell may hold at most {MAX_CELL:,}"
            )


def _read_csv(data: bytes, name: str) -> RawTable:
    text, encoding = _decode(data, name)
    csv.field_size_limit(max(len(text), MAX_CELL) + 1)  # our own limit gives the error, naming the cell
    header_line = text[:65536].split("\n", 1)[0]  # not the whole text: it may be large
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    sized = len(text) > MAX_CELL  # a shorter file cannot hold an oversized cell
    try:
        columns = _header(next(reader), name)
        rows = []
        width = len(columns)
        for line, cells in enumerate(reader, start=2):
            if not "".join(cells).strip():  # one join and strip in C beat a generator per cell
                continue
            if len(cells) != width:
                if len(cells) > width:
                    raise ValidationError(
                        f"{name}: row {line}: {len(cells)} cells but the header has {width} columns"
                    )
                cells.extend([""] * (width - len(cells)))
            if sized:
                _check_sizes(cells, columns, name=name, line=line)
            rows.append((line, dict(zip(columns, cells, strict=False))))  # lengths made equal above
    except StopIteration:
        raise ValidationError(f"{name}: the file is empty") from None
    except csv.Error as exc:
        raise ValidationError(
            f"{name}: row {reader.line_num}: not readable as CSV ({exc}); "
            f"a cell may be over {MAX_CELL:,} characters"
        ) from None
    return RawTable(name, "csv", columns, tuple(rows), encoding)


SPREADSHEETS = ("xlsx", "xls", "ods")


def _header_cells(values: list[str]) -> list[str]:
    """The header row with the cells a merged header cell left empty named after it (``Name (2)``)."""
    while values and not values[-1].strip():
        values.pop()
    named: list[str] = []
    for value in values:
        if value.strip() or not named:
            named.append(value)
            continue
        base = re.sub(r" \(\d+\)$", "", named[-1])
        count = sum(1 for n in named if n == base or re.fullmatch(re.escape(base) + r" \(\d+\)", n))
        named.append(f"{base} ({count + 1})")
    return named


def sheet_names(data: bytes, name: str) -> list[str]:
    """The sheets of a workbook, in order."""
    return list(_workbook(data, name).sheet_names)


def _workbook(data: bytes, name: str, fmt: str = "xlsx") -> Any:
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 — loaded only for spreadsheets

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise ValidationError(f"{name}: not a readable {fmt.upper()} workbook ({exc})") from exc


def _read_sheet(data: bytes, name: str, fmt: str, sheet: str | None) -> RawTable:
    book = _workbook(data, name, fmt)
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise ValidationError(f"{name}: no sheet {sheet!r}; sheets are {names}")
    if not names:
        raise ValidationError(f"{name}: the workbook has no sheets")
    chosen = sheet or names[0]
    try:
        values = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except Exception as exc:
        raise ValidationError(f"{name}: sheet {chosen!r} is not readable ({exc})") from exc
    label = f"{name} [sheet {chosen}]" if len(names) > 1 or sheet else name
    rows_iter = iter(values)
    try:
        first = next(rows_iter)
        while not any(_cell(v).strip() for v in first):
            first = next(rows_iter)
    except StopIteration:
        raise ValidationError(f"{name}: the sheet is empty") from None
    header_line = values.index(first) + 1
    columns = _header(_header_cells([_cell(v) for v in first]), label)
    rows = []
    for line, raw in enumerate(rows_iter, start=header_line + 1):
        cells = [_cell(v) for v in raw]
        if not any(c.strip() for c in cells):
            continue
        cells = (cells + [""] * len(columns))[: len(columns)]
        rows.append((line, dict(zip(columns, cells, strict=True))))
    return RawTable(label, fmt, columns, tuple(rows), "", chosen)


def _objects_to_table(objects: list[Any], name: str, fmt: str, numbers: list[int]) -> RawTable:
    columns: dict[str, None] = {}
    rows = []
    for number, obj in zip(numbers, objects, strict=True):
        if not isinstance(obj, dict):
            raise ValidationError(f"{name}: record {number} is not an object")
        columns.update(dict.fromkeys(str(k) for k in obj))
        rows.append((number, {str(k): _cell(v) for k, v in obj.items()}))
    header = tuple(columns)
    filled = tuple((n, {c: r.get(c, "") for c in header}) for n, r in rows)
    return RawTable(name, fmt, header, filled)


def _read_json(data: bytes, name: str) -> RawTable:
    text, _ = _decode(data, name)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if isinstance(parsed, dict) and isinstance(parsed.get("records"), list):
        parsed = parsed["records"]
    if not isinstance(parsed, list):
        raise ValidationError(f"{name}: expected a list of records or an object with 'records'")
    return _objects_to_table(parsed, name, "json", list(range(1, len(parsed) + 1)))


def _read_ndjson(data: bytes, name: str) -> RawTable:
    text, _ = _decode(data, name)
    objects, numbers = [], []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            objects.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{name}: line {line_no}: not valid JSON ({exc.msg})") from exc
        numbers.append(line_no)
    return _objects_to_table(objects, name, "ndjson", numbers)


def _not_text(data: bytes) -> bool:
    """True when the bytes look binary: more than 1 in 10 control characters (NUL included).

    A stray NUL in a text file is not enough: that cell is refused with its row and column.
    """
    sample = data[:8192]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control * 10 > len(sample)


def _read(data: bytes, name: str, fmt: str, sheet: str | None) -> RawTable:
    if fmt == "csv":
        return _read_csv(data, name)
    if fmt in SPREADSHEETS:
        return _read_sheet(data, name, fmt, sheet)
    if fmt == "json":
        return _read_json(data, name)
    if fmt == "ndjson":
        return _read_ndjson(data, name)
    raise ValidationError(f"{name}: unknown format {fmt!r}")


def read_table(data: bytes, *, name: str, fmt: str, sheet: str | None = None) -> RawTable:
    """Read ``data`` (the file's bytes) in format ``fmt``; ``name`` is used in messages.

    A file that is not a table (binary bytes in a text format) or holds no data rows is an error.
    """
    if fmt not in SPREADSHEETS and data and _not_text(data) and _utf16(data) is None:
        raise ValidationError(f"{name}: not a {fmt.upper()} text file (it holds binary data)")
    table = _read(data, name, fmt, sheet)
    if not table.rows:
        what = "only a header" if fmt in ("csv", *SPREADSHEETS) else "no records"
        raise ValidationError(f"{name}: the file holds {what}, no data rows; nothing was imported")
    return table
