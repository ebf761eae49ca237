"""Capture-pattern tables: the one input every estimator takes.

A :class:`CaptureTable` holds, for ``J`` lists, the number of observed units with each of the
``2**J - 1`` observable capture histories (the all-zero history is never observed). Cells are kept
in canonical binary order, first list as the most significant bit, zero counts included, which is
the order of the files in ``reference/mse/data``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from unforgotten.domain.cells import neutralise_row
from unforgotten.errors import Problem, ValidationError

__all__ = [
    "MIN_OBSERVED",
    "MIN_OVERLAP",
    "CaptureTable",
    "TableRejected",
    "tables_by_stratum",
    "thin_reasons",
]

MAX_LISTS = 20


class TableRejected(ValidationError):
    """Raised when a capture-pattern table has bad rows; every problem is listed."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{file}: {len(problems)} problem(s) in the capture table\n{lines}")


def _all_patterns(n_lists: int) -> NDArray[np.int64]:
    """Every non-zero 0/1 history of ``n_lists`` lists, in canonical order."""
    cells = np.arange(1, 2**n_lists, dtype=np.int64)
    shifts = np.arange(n_lists - 1, -1, -1, dtype=np.int64)
    return ((cells[:, None] >> shifts[None, :]) & 1).astype(np.int64)


def _cell_index(pattern: Sequence[int]) -> int:
    """Canonical index (1 .. 2**J - 1) of one history."""
    index = 0
    for bit in pattern:
        index = 2 * index + int(bit)
    return index


@dataclass(frozen=True)
class CaptureTable:
    """Counts of observed units by capture history over ``J`` lists.

    Parameters
    ----------
    lists
        List names, in column order.
    counts
        Count of each of the ``2**J - 1`` observable histories, in canonical order
        (history ``x`` at position ``int(x as binary) - 1``, first list most significant).

    Examples
    --------
    >>> table = CaptureTable.from_records([(1, 0), (1, 1), (0, 1)], lists=["A", "B"])
    >>> table.counts, table.observed
    ((1, 1, 1), 3)
    """

    lists: tuple[str, ...]
    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.lists) < 2:
            raise ValidationError("a capture table needs at least two lists")
        if len(self.lists) > MAX_LISTS:
            raise ValidationError(f"a capture table holds at most {MAX_LISTS} lists")
        if len(set(self.lists)) != len(self.lists):
            raise ValidationError(f"list names repeat: {list(self.lists)}")
        if len(self.counts) != 2 ** len(self.lists) - 1:
            raise ValidationError(
                f"{len(self.lists)} lists need {2 ** len(self.lists) - 1} counts, got {len(self.counts)}"
            )
        if any(c < 0 for c in self.counts):
            raise ValidationError("counts must be non-negative")
        if sum(self.counts) == 0:
            raise ValidationError("the table has no observed unit")

    # ----------------------------------------------------------------- views
    @property
    def n_lists(self) -> int:
        """Number of lists ``J``."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Number of distinct observed units ``n``."""
        return sum(self.counts)

    @cached_property
    def patterns(self) -> NDArray[np.int64]:
        """The ``(2**J - 1, J)`` 0/1 matrix of histories, canonical order (read-only)."""
        out = _all_patterns(self.n_lists)
        out.flags.writeable = False
        return out

    @cached_property
    def y(self) -> NDArray[np.float64]:
        """Counts as a float vector aligned with :attr:`patterns` (read-only)."""
        out = np.asarray(self.counts, dtype=np.float64)
        out.flags.writeable = False
        return out

    def list_sizes(self) -> dict[str, int]:
        """Number of observed units on each list."""
        sizes = self.patterns.T @ np.asarray(self.counts, dtype=np.int64)
        return {name: int(s) for name, s in zip(self.lists, sizes, strict=True)}

    def overlap(self, first: str, second: str) -> int:
        """Number of observed units on both ``first`` and ``second``."""
        i, j = self.lists.index(first), self.lists.index(second)
        both = (self.patterns[:, i] == 1) & (self.patterns[:, j] == 1)
        return int(np.asarray(self.counts, dtype=np.int64)[both].sum())

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """``(history, count)`` pairs in canonical order, zero counts included."""
        return [(tuple(int(v) for v in p), c) for p, c in zip(self.patterns, self.counts, strict=True)]

    # ---------------------------------------------------------- constructors
    @classmethod
    def from_counts(cls, lists: Sequence[str], counts: dict[tuple[int, ...], int]) -> CaptureTable:
        """Build from a mapping history → count (missing histories count zero)."""
        full = [0] * (2 ** len(lists) - 1)
        for pattern, count in counts.items():
            if len(pattern) != len(lists) or any(b not in (0, 1) for b in pattern):
                raise ValidationError(f"history {pattern} does not fit lists {list(lists)}")
            index = _cell_index(pattern)
            if index == 0:
                raise ValidationError("the all-zero history cannot be observed")
            full[index - 1] += int(count)
        return cls(lists=tuple(lists), counts=tuple(full))

    @classmethod
    def from_records(cls, rows: Iterable[Sequence[int]], *, lists: Sequence[str]) -> CaptureTable:
        """Aggregate per-record 0/1 rows (one row per unit, one column per list)."""
        counts: dict[tuple[int, ...], int] = {}
        problems: list[Problem] = []
        for number, row in enumerate(rows, start=1):
            pattern = tuple(int(v) for v in row)
            if len(pattern) != len(lists) or any(b not in (0, 1) for b in pattern):
                problems.append(Problem("records", number, "*", str(row), "not a 0/1 row"))
            elif not any(pattern):
                problems.append(Problem("records", number, "*", str(row), "on no list"))
            else:
                counts[pattern] = counts.get(pattern, 0) + 1
        if problems:
            raise TableRejected("records", problems)
        return cls.from_counts(lists, counts)

    @classmethod
    def from_csv(cls, path: str | Path) -> CaptureTable:
        """Read an aggregated table (0/1 column per list, then ``count``) or per-record rows.

        A file without a ``count`` column is read as one row per unit. Every bad row is
        reported at once, naming file, row and column.
        """
        path = Path(path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                data = list(csv.reader(handle))
        except OSError as exc:
            raise ValidationError(f"{path}: cannot read the table ({exc.strerror})") from exc
        return _parse_rows(str(path), data)

    # ----------------------------------------------------------- reshaping
    def merge_lists(self, names: Sequence[str], *, into: str | None = None) -> CaptureTable:
        """Merge several lists into one (a unit is on it if on any); placed at the first's slot."""
        self._check_names(names)
        if len(names) < 2:
            raise ValidationError("merge at least two lists")
        new_name = into or "".join(names)
        keep = [n for n in self.lists if n not in names or n == names[0]]
        new_lists = [new_name if n == names[0] else n for n in keep]
        idx = [self.lists.index(n) for n in names]
        counts: dict[tuple[int, ...], int] = {}
        for pattern, count in self.rows():
            merged = int(any(pattern[i] for i in idx))
            key = tuple(merged if n == names[0] else pattern[self.lists.index(n)] for n in keep)
            counts[key] = counts.get(key, 0) + count
        return CaptureTable.from_counts(new_lists, counts)

    def drop_lists(self, names: Sequence[str]) -> CaptureTable:
        """Remove lists; units seen only on them drop out of the table."""
        self._check_names(names)
        keep = [i for i, n in enumerate(self.lists) if n not in names]
        counts: dict[tuple[int, ...], int] = {}
        for pattern, count in self.rows():
            key = tuple(pattern[i] for i in keep)
            if any(key):
                counts[key] = counts.get(key, 0) + count
        return CaptureTable.from_counts([self.lists[i] for i in keep], counts)

    def _check_names(self, names: Sequence[str]) -> None:
        unknown = [n for n in names if n not in self.lists]
        if unknown:
            raise ValidationError(f"unknown list(s) {unknown}; the table has {list(self.lists)}")

    def to_csv(self, path: str | Path) -> None:
        """Write in the aggregated format (all histories, zero counts included); list names that
        start like a spreadsheet formula are neutralised."""
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(neutralise_row([*self.lists, "count"]))
            for pattern, count in self.rows():
                writer.writerow([*pattern, count])


def _parse_rows(file: str, data: list[list[str]]) -> CaptureTable:
    """Validate CSV rows and build the table, collecting every problem first."""
    if not data or not data[0]:
        raise TableRejected(file, [Problem(file, 1, "*", "", "the file has no header")])
    header = [h.strip() for h in data[0]]
    aggregated = header[-1].lower() == "count"
    lists = header[:-1] if aggregated else header
    problems = _header_problems(file, header, lists)
    counts: dict[tuple[int, ...], int] = {}
    for number, raw in enumerate(data[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        parsed = _parse_row(file, number, raw, header, aggregated, problems)
        if parsed is not None:
            pattern, count = parsed
            if aggregated and pattern in counts:
                problems.append(Problem(file, number, "*", "", "this history is repeated"))
            counts[pattern] = counts.get(pattern, 0) + count
    if not problems and sum(counts.values()) == 0:
        problems.append(Problem(file, 1, "count", "", "the table has no observed unit"))
    if problems:
        raise TableRejected(file, problems)
    return CaptureTable.from_counts(lists, counts)


def _header_problems(file: str, header: list[str], lists: list[str]) -> list[Problem]:
    problems = []
    if len(lists) < 2:
        problems.append(Problem(file, 1, "*", "", "need at least two list columns"))
    if len(lists) > MAX_LISTS:
        problems.append(Problem(file, 1, "*", "", f"at most {MAX_LISTS} lists"))
    for name in {n for n in lists if lists.count(n) > 1 or not n}:
        problems.append(Problem(file, 1, name, "", "empty or repeated column name"))
    if problems:
        raise TableRejected(file, problems)
    return []


def _parse_row(  # noqa: PLR0917 - private helper, called once
    file: str,
    number: int,
    raw: list[str],
    header: list[str],
    aggregated: bool,
    problems: list[Problem],
) -> tuple[tuple[int, ...], int] | None:
    """One CSV row → (history, count), or None after recording its problems."""
    if len(raw) != len(header):
        problems.append(Problem(file, number, "*", "", f"{len(raw)} cells, header has {len(header)}"))
        return None
    before = len(problems)
    n_lists = len(header) - 1 if aggregated else len(header)
    bits = []
    for column, cell in zip(header[:n_lists], raw[:n_lists], strict=True):
        value = cell.strip()
        if value not in ("0", "1"):
            problems.append(Problem(file, number, column, value, "must be 0 or 1"))
        bits.append(1 if value == "1" else 0)
    count = _parse_count(file, number, raw[-1], problems) if aggregated else 1
    if len(problems) > before:
        return None
    if not any(bits):
        if count == 0:
            return None
        problems.append(Problem(file, number, "*", "", "the all-zero history cannot be observed"))
        return None
    return tuple(bits), count


def _parse_count(file: str, number: int, cell: str, problems: list[Problem]) -> int:
    value = cell.strip()
    try:
        count = int(value)
    except ValueError:
        problems.append(Problem(file, number, "count", value, "must be a whole number"))
        return 0
    if count < 0:
        problems.append(Problem(file, number, "count", value, "must not be negative"))
    return count


def tables_by_stratum(
    rows: Iterable[tuple[str, frozenset[str]]], lists: Sequence[str]
) -> dict[str, CaptureTable]:
    """Build one capture table per stratum from per-person list memberships.

    Parameters
    ----------
    rows
        ``(stratum, lists the person is on)`` for every linked person.
    lists
        All list names, in the column order wanted.

    Returns
    -------
    dict
        Stratum value → table, strata sorted. A person on no known list is an error.
    """
    order = {name: i for i, name in enumerate(lists)}
    grouped: dict[str, dict[tuple[int, ...], int]] = {}
    problems: list[Problem] = []
    for number, (stratum, members) in enumerate(rows, start=1):
        unknown = sorted(set(members) - set(order))
        if unknown or not members:
            reason = f"unknown list(s) {unknown}" if unknown else "on no list"
            problems.append(Problem("memberships", number, "lists", "", reason))
            continue
        bits = [0] * len(lists)
        for name in members:
            bits[order[name]] = 1
        cell = grouped.setdefault(stratum, {})
        cell[tuple(bits)] = cell.get(tuple(bits), 0) + 1
    if problems:
        raise TableRejected("memberships", problems)
    return {s: CaptureTable.from_counts(lists, grouped[s]) for s in sorted(grouped)}


MIN_OBSERVED = 50
"""Fewer persons observed than this: the table is too thin to rely on."""
MIN_OVERLAP = 20
"""Fewer persons on two or more lists than this: too little overlap to extrapolate from."""


def thin_reasons(table: CaptureTable) -> list[str]:
    """Why ``table`` is too thin for an estimate to be relied on (empty when it is not).

    Multiple systems estimation extrapolates the unseen from how lists overlap: a table with
    fewer than :data:`MIN_OBSERVED` persons, fewer than :data:`MIN_OVERLAP` persons on two or
    more lists, or fewer than two lists that record anyone gives estimates whose intervals
    are not to be trusted (docs/estimation.md, coverage by scenario).
    """
    reasons = []
    recording = sum(1 for size in table.list_sizes().values() if size > 0)
    if recording < 2:
        reasons.append(f"only {recording} of its lists record anyone")
    if table.observed < MIN_OBSERVED:
        reasons.append(f"{table.observed} persons observed (fewer than {MIN_OBSERVED})")
    overlap = sum(count for pattern, count in table.rows() if sum(pattern) >= 2)
    if overlap < MIN_OVERLAP:
        reasons.append(f"{overlap} persons on two or more lists (fewer than {MIN_OVERLAP})")
    return reasons
