"""Write synthetic lists and their truth to CSV, JSON and XLSX.

CSV is the fast path: rows go through :mod:`csv` as tuples in one buffered pass (100,000
rows in well under a second). ``encoding="cp949"`` writes what an older Korean
spreadsheet would: characters CP949 cannot hold (McCune–Reischauer breves) lose their marks,
as they do when such files are typed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

from unforgotten.errors import ValidationError
from unforgotten.synth.capture import capture_table_counts
from unforgotten.synth.lists import SourceList, SyntheticLists
from unforgotten.synth.population import Population

__all__ = [
    "FORMATS",
    "POPULATION_COLUMNS",
    "TRUTH_COLUMNS",
    "write_all",
    "write_capture_table_csv",
    "write_csv",
    "write_json",
    "write_list",
    "write_population_csv",
    "write_truth_csv",
    "write_xlsx",
]

TRUTH_COLUMNS = ("list", "record_id", "person_id")
POPULATION_COLUMNS = (
    "person_id", "family_hangul", "given_hangul", "sex", "birth_date", "birth_province",
    "birth_county", "case_type", "event_date", "event_place", "status",
)
FORMATS = ("csv", "json", "xlsx")


def _table(source: SourceList) -> list[list[str]]:
    columns = source.columns
    return [[row.get(column, "") for column in columns] for row in source.rows]


def _strip_marks(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: an unencodable character loses its marks, else becomes ``?``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    out = "".join(ch if _encodable(ch, error.encoding) else "?" for ch in bare)
    return out, error.end


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


codecs.register_error("unforgotten-strip-marks", _strip_marks)


def _write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], *,
                encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="unforgotten-strip-marks"))
    return path


def write_csv(source: SourceList, path: str | Path, *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    """Write one list as CSV with a header of its columns; returns the path."""
    return _write_rows(Path(path), source.columns, _table(source), encoding=encoding,
                       delimiter=delimiter)


def write_json(source: SourceList, path: str | Path) -> Path:
    """Write one list as a JSON array of objects (UTF-8, Hangul unescaped)."""
    target = Path(path)
    records = [{column: row.get(column, "") for column in source.columns} for row in source.rows]
    target.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def write_xlsx(source: SourceList, path: str | Path) -> Path:
    """Write one list as an XLSX workbook with a single sheet named after the list."""
    target = Path(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=source.name[:31])
    sheet.append(list(source.columns))
    for row in _table(source):
        sheet.append(row)
    book.save(target)
    return target


def write_list(source: SourceList, directory: str | Path, *, fmt: str = "csv") -> Path:
    """Write one list as ``<directory>/<name>.<fmt>`` in ``csv``, ``json`` or ``xlsx``."""
    if fmt not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(directory) / f"{source.name}.{fmt}"
    if fmt == "json":
        return write_json(source, path)
    if fmt == "xlsx":
        return write_xlsx(source, path)
    return write_csv(source, path)


def write_truth_csv(lists: SyntheticLists, path: str | Path) -> Path:
    """Write ``list, record_id, person_id`` for every row of every list."""
    return _write_rows(Path(path), TRUTH_COLUMNS, lists.truth_rows())


def write_population_csv(population: Population, path: str | Path) -> Path:
    """Write the true population, one person a row, dates in ISO form."""
    rows = (
        [p.person_id, p.family_hangul, p.given_hangul, p.sex, p.birth_date.isoformat(),
         p.birth_province, p.birth_county, p.case_type, p.event_date.isoformat(),
         p.event_place, p.status]
        for p in population
    )
    return _write_rows(Path(path), POPULATION_COLUMNS, rows)


def write_capture_table_csv(lists: SyntheticLists, path: str | Path) -> Path:
    """Write the true observed capture table (persons, not rows) in the reference MSE format.

    One 0/1 column per list and a ``count`` column; all ``2^J − 1`` observable patterns,
    zero counts included; the unobserved pattern is never written.
    """
    counts = capture_table_counts(lists.capture)
    rows = ([*map(str, pattern), str(count)] for pattern, count in counts.items())
    return _write_rows(Path(path), [*lists.list_names, "count"], rows)


def write_all(lists: SyntheticLists, directory: str | Path, *, fmt: str = "csv") -> list[Path]:
    """Write every list, ``truth.csv``, ``population.csv`` and ``capture_table.csv``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = [write_list(source, out, fmt=fmt) for source in lists.lists]
    paths.append(write_truth_csv(lists, out / "truth.csv"))
    paths.append(write_population_csv(lists.population, out / "population.csv"))
    paths.append(write_capture_table_csv(lists, out / "capture_table.csv"))
    return paths
