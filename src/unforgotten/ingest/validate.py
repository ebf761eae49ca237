"""Validation: every row checked, every problem collected, nothing written yet.

Errors reject the batch: a missing or duplicate ``record_id``, a row with no name at all, a value
outside a vocabulary (with the closest valid values suggested). Warnings do not: a date that
cannot be read is kept as raw text with precision ``unknown``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

from unforgotten.domain.dates import PartialDate, parse_partial_date
from unforgotten.domain.invisible import BIDI_CONTROLS, ZERO_WIDTH, bidi_control, strip_invisible
from unforgotten.domain.limits import DEFAULT_MAX, LIMITS, check_length, limit_of
from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, SEX, Vocabulary
from unforgotten.errors import BatchRejected, Problem
from unforgotten.ingest.columns import CANONICAL_COLUMNS
from unforgotten.ingest.mapping import Mapping
from unforgotten.ingest.readers import RawTable

__all__ = ["RowPlan", "Validator"]


@dataclass(frozen=True, slots=True)
class RowPlan:
    """One valid row, understood: what will be written for it."""

    row_number: int
    record_id: str
    values: dict[str, str]
    extra: dict[str, str]
    protected_extra: dict[str, str]
    sex: str
    case_type: str | None
    status: str
    birth: PartialDate
    event: PartialDate


def _vocab_problem(table: RawTable, row: int, column: str, value: str, vocab: Vocabulary) -> Problem:
    close = vocab.suggest(value)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    reason = f"not a known {vocab.name}; {hint or 'valid values: ' + ', '.join(vocab.codes)}"
    return Problem(table.file, row, column, value, reason, code="unknown_value")


def _column_name(mapping: Mapping, canonical: str) -> str:
    return mapping.columns.get(canonical, canonical)


def _check_vocab(
    table: RawTable, mapping: Mapping, row: int, values: dict[str, str], problems: list[Problem]
) -> tuple[str, str | None, str]:
    codes: list[str | None] = []
    for column, vocab, default in (
        ("sex", SEX, "U"),
        ("case_type", CASE_TYPES, None),
        ("status", CASE_STATUSES, "unresolved"),
    ):
        raw = values[column]
        code = vocab.normalise(raw) if raw else default
        if raw and code is None:
            problems.append(_vocab_problem(table, row, _column_name(mapping, column), raw, vocab))
        codes.append(code)
    return codes[0] or "U", codes[1], codes[2] or "unresolved"


def _check_dates(
    table: RawTable,
    mapping: Mapping,
    row: int,
    values: dict[str, str],
    problems: list[Problem],
    *,
    known: dict[str, PartialDate],
) -> tuple[PartialDate, PartialDate]:
    parsed = []
    for column in ("birth_date", "event_date"):
        date = known.get(values[column])
        if date is None:
            date = parse_partial_date(values[column], calendar=mapping.calendar)
            known[values[column]] = date
        if values[column] and not date.is_known:
            problems.append(
                Problem(
                    table.file,
                    row,
                    _column_name(mapping, column),
                    values[column],
                    "date not understood; kept as written with precision 'unknown'",
                    "warning",
                    code="date_not_understood",
                )
            )
        parsed.append(date)
    return parsed[0], parsed[1]


_NAMES = ("full_name", "family_name", "given_name", "name_hangul")
_STRIPPED = (*_NAMES, "aliases", "informant_name")
_SUSPECT = re.compile(f"[\x00{ZERO_WIDTH}{BIDI_CONTROLS}]")
_ACT_COLUMNS = ("perpetrator_name", "perpetrator_unit", "perpetrator_role", "facility")
_SHORTEST_CAP = min(LIMITS.values())  # a row whose cells are all shorter holds no over-long value


def _closest(column: str) -> str | None:
    key = column.strip().lower().replace(" ", "_").replace("-", "_")
    found = difflib.get_close_matches(key, list(CANONICAL_COLUMNS), n=1, cutoff=0.6)
    return found[0] if found and found[0] != column else None


def header_problem(table: RawTable, mapping: Mapping) -> Problem | None:
    """One problem when the header gives no ``record_id`` or no name column (after the mapping)."""
    supplied, _, _ = mapping.canonical_row(dict.fromkeys(table.columns, "x"))
    lacking = [c for c in ("record_id",) if not supplied.get(c)]
    if not any(supplied.get(c) for c in _NAMES):
        lacking.append("a name column (" + " or ".join(_NAMES) + ")")
    if not lacking:
        return None
    hints = [f"{c!r} → {m}" for c in table.columns if (m := _closest(c))]
    reason = (
        f"the header does not fit the import format: missing {' and '.join(lacking)}. "
        f"Columns found: {', '.join(repr(c) for c in table.columns)}. "
        f"Columns expected: {', '.join(CANONICAL_COLUMNS)}. "
        + (f"Closest matches: {', '.join(hints)}. " if hints else "")
        + "Rename the columns or map them with --mapping FILE (see docs/import-format.md)."
    )
    return Problem(table.file, 1, "(header)", "", reason, code="bad_header")


def _has_name(values: dict[str, str]) -> bool:
    return bool(
        values["full_name"]
        or values["name_hangul"]
        or values["family_name"]
        or values["given_name"]
        or values["aliases"]
    )


class Validator:
    """Checks rows one at a time, collecting every problem, so a batch can be checked as it streams.

    ``existing_ids`` are the record ids the source already holds in the store.
    """

    def __init__(self, table: RawTable, mapping: Mapping, *, existing_ids: Collection[str] = ()) -> None:
        if wrong := header_problem(table, mapping):
            raise BatchRejected(table.file, [wrong])  # one message, not one per row
        self.table, self.mapping, self.existing_ids = table, mapping, existing_ids
        self.problems: list[Problem] = [
            Problem(
                table.file,
                1,
                missing,
                "",
                f"column named in {mapping.origin} is not in the file",
                code="missing_column",
            )
            for missing in mapping.missing_columns(table.columns)
        ]
        self._seen: dict[str, int] = {}
        self._dates: dict[str, PartialDate] = {}  # a list repeats its dates; parse each once
        self._id_column = _column_name(mapping, "record_id")
        self._checked, self._error_seen = 0, False

    @property
    def has_errors(self) -> bool:
        """Whether any problem so far rejects the batch."""
        if not self._error_seen:
            new = self.problems[self._checked :]
            self._error_seen = any(p.severity == "error" for p in new)
            self._checked += len(new)
        return self._error_seen

    @property
    def warnings(self) -> list[Problem]:
        """The problems so far that do not reject the batch."""
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_rejected(self) -> None:
        """Raise :class:`BatchRejected` with every problem if any of them rejects the batch."""
        if self.has_errors:
            raise BatchRejected(self.table.file, self.problems)

    def check(self, row: int, cells: dict[str, str]) -> RowPlan:
        """The plan of one row; its problems are added to :attr:`problems`."""
        table, mapping, problems = self.table, self.mapping, self.problems
        values, extra, protected = mapping.canonical_row(cells)
        joined = "".join(cells.values())  # one search of the whole row in the common, clean case
        if _SUSPECT.search(joined):
            self._check_characters(row, cells, values)
        if max(map(len, cells.values()), default=0) > _SHORTEST_CAP:
            self._check_lengths(row, values, extra, protected)
        self._check_id(row, values["record_id"])
        if not _has_name(values):
            problems.append(
                Problem(
                    table.file,
                    row,
                    _column_name(mapping, "full_name"),
                    "",
                    "no name at all (full_name, name_hangul, family_name, given_name and aliases are empty)",
                    code="no_name",
                )
            )
        sex, case_type, status = _check_vocab(table, mapping, row, values, problems)
        birth, event = _check_dates(table, mapping, row, values, problems, known=self._dates)
        if case_type is None and any(values[c] for c in _ACT_COLUMNS):
            problems.append(self._no_act(row, values))
        record_id = values["record_id"]
        return RowPlan(row, record_id, values, extra, protected, sex, case_type, status, birth, event)

    def _no_act(self, row: int, values: dict[str, str]) -> Problem:
        column = next(c for c in _ACT_COLUMNS if values[c])
        reason = (
            "the row has no case_type, so no act: its perpetrator and facility cells are kept, not linked"
        )
        return Problem(
            self.table.file, row, _column_name(self.mapping, column), "", reason, "warning", code="no_act"
        )

    def _check_characters(self, row: int, cells: dict[str, str], values: dict[str, str]) -> None:
        """Zero-width marks leave the names; bidi controls and NUL bytes are errors."""
        for column in _STRIPPED:  # zero-width marks make equal-looking names differ
            if values[column]:
                values[column] = strip_invisible(values[column]).strip()
        self._check_invisible(row, cells)
        self._check_nul(row, cells)

    def _check_lengths(self, row: int, *groups: dict[str, str]) -> None:
        """A value over its field's cap (:mod:`unforgotten.domain.limits`) is an error naming the cap."""
        canonical, *others = groups
        for column, value in canonical.items():
            if len(value) > limit_of(column) and (reason := check_length(column, value)):
                self.problems.append(self._too_long(row, _column_name(self.mapping, column), reason))
        for cells in others:
            for column, value in cells.items():
                if len(value) > DEFAULT_MAX:
                    reason = f"{len(value):,} characters; a cell may hold at most {DEFAULT_MAX:,}"
                    self.problems.append(self._too_long(row, column, reason))

    def _check_invisible(self, row: int, cells: dict[str, str]) -> None:
        """A bidi control (an override or isolate) is refused: it makes text display out of order."""
        for column, value in cells.items():
            if value and (found := bidi_control(value)):
                reason = (
                    f"holds the bidirectional control {found}, which makes text display in another "
                    "order than stored; remove it"
                )
                self.problems.append(Problem(self.table.file, row, column, "", reason, code="bidi_control"))

    def _check_nul(self, row: int, cells: dict[str, str]) -> None:
        """A NUL byte is refused (PostgreSQL cannot store it in text; it is never meant)."""
        if any("\x00" in v for v in cells.values()):
            for column, value in cells.items():
                if "\x00" in value:
                    reason = "holds a NUL byte (\\x00), which no text field may hold; remove it"
                    self.problems.append(Problem(self.table.file, row, column, "", reason, code="nul_byte"))

    def _too_long(self, row: int, column: str, reason: str) -> Problem:
        return Problem(self.table.file, row, column, "", reason, code="too_long")  # never the value

    def _check_id(self, row: int, record_id: str) -> None:
        file, column = self.table.file, self._id_column
        if not record_id:
            missing = Problem(file, row, column, "", "record_id is missing", code="missing_record_id")
            self.problems.append(missing)
        elif record_id in self._seen:
            first = self._seen[record_id]
            self.problems.append(
                Problem(
                    file,
                    row,
                    column,
                    record_id,
                    f"duplicate record_id (first on row {first})",
                    code="duplicate_record_id",
                )
            )
        elif record_id in self.existing_ids:
            self.problems.append(
                Problem(
                    file,
                    row,
                    column,
                    record_id,
                    "record_id already imported from this source",
                    code="record_id_exists",
                )
            )
        self._seen.setdefault(record_id, row)
