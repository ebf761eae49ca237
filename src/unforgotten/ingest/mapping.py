"""Column mappings: how a file's own columns become the canonical ones.

A mapping is a TOML file::

    calendar = "lunar"        # optional: the list's dates are lunar (default "solar")

    [columns]                 # canonical column = the file's column
    record_id = "번호"
    full_name = "성명"
    birth_date = "생년월일"
    informant_contact = "제보자 연락처"

    [values.sex]              # the file's value = the canonical value
    "남자" = "M"

    [defaults]                # used where the cell is empty
    case_type = "abductee_wartime"

    [protected]               # extra columns to encrypt like the informant fields
    columns = ["가족 연락처"]

Columns not named in ``[columns]`` keep their own names: canonical ones are used as they are,
unknown ones are kept verbatim with the record.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

from unforgotten.domain.dates import CALENDARS
from unforgotten.errors import ValidationError
from unforgotten.ingest.columns import CANONICAL_COLUMNS, HEADER_ALIASES, PROTECTED_COLUMNS, header_key

_Split = tuple[tuple[str, ...], tuple[str, ...], Callable[[dict[str, str]], tuple[str, ...]] | None]

__all__ = ["Mapping", "read_toml"]


def read_toml(path: Path) -> dict[str, Any]:
    """A mapping file's tables; a missing or malformed file is a clear error naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"{path}: mapping file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: not a valid TOML mapping ({exc})") from exc


@dataclass(frozen=True)
class Mapping:
    """Which file column feeds each canonical column, value rewrites, defaults, protected extras."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    protected: frozenset[str] = frozenset()
    origin: str = "(no mapping)"
    calendar: str = "solar"

    @classmethod
    def load(cls, path: Path) -> Mapping:
        """Read and check a mapping file."""
        return cls.from_dict(read_toml(path), origin=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str) -> Mapping:
        """Build a mapping from its parsed TOML, naming the first wrong entry."""
        unknown_sections = set(data) - {"columns", "values", "defaults", "protected", "calendar"}
        if unknown_sections:
            raise ValidationError(f"{origin}: unknown section(s) {sorted(unknown_sections)}")
        columns = _str_table(data.get("columns", {}), origin, "columns")
        defaults = _str_table(data.get("defaults", {}), origin, "defaults")
        for section, table in (("columns", columns), ("defaults", defaults)):
            for key in table:
                if key not in CANONICAL_COLUMNS:
                    raise ValidationError(
                        f"{origin}: [{section}] {key!r} is not a canonical column; "
                        f"use one of {', '.join(CANONICAL_COLUMNS)}"
                    )
        values = {k: _str_table(v, origin, f"values.{k}") for k, v in data.get("values", {}).items()}
        protected = data.get("protected", {}).get("columns", [])
        if not isinstance(protected, list) or not all(isinstance(p, str) for p in protected):
            raise ValidationError(f"{origin}: [protected] columns must be a list of column names")
        calendar = data.get("calendar", "solar")
        if calendar not in CALENDARS:
            raise ValidationError(
                f"{origin}: calendar = {calendar!r} is not known; use one of {', '.join(CALENDARS)}"
            )
        return cls(columns, values, defaults, frozenset(protected), origin, calendar)

    def aliased(self, header: tuple[str, ...]) -> Mapping:
        """This mapping with the known headers (:data:`HEADER_ALIASES`: 성명, 생년월일, 납북일 …) of
        ``header`` mapped to their canonical columns, where the mapping and the header leave one open."""
        columns = dict(self.columns)
        taken = set(columns.values())
        for column in header:
            canonical = HEADER_ALIASES.get(header_key(column))
            if canonical and canonical not in columns and canonical not in header and column not in taken:
                columns[canonical] = column
                taken.add(column)
        return self if columns == self.columns else replace(self, columns=columns)

    def unknown_columns(self, header: tuple[str, ...]) -> list[str]:
        """The columns of ``header`` that feed no canonical column (kept verbatim with the record)."""
        return [c for c in header if c not in self._skip]

    def canonical_row(self, cells: dict[str, str]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """Split one row into canonical values, kept extra cells and protected extra cells."""
        kept, hidden, getter = self._split(tuple(cells))
        if getter is not None:  # the common case: every cell taken and stripped in C
            canonical = dict(zip(self._names, map(str.strip, getter(cells)), strict=True))
        elif self.values:
            canonical = self._rewritten(cells)
        else:  # no value rewrites: one comprehension
            get = cells.get
            canonical = {column: get(src, "").strip() or default for column, src, _, default in self._plan}
        extra = {k: cells[k] for k in kept}
        protected = {k: cells[k] for k in hidden if cells[k]}
        return canonical, extra, protected

    def _split(self, keys: tuple[str, ...]) -> _Split:
        """The kept extra and the protected extra columns among ``keys``, and a getter of the
        canonical sources where the header holds them all and nothing is rewritten or defaulted
        (once per header)."""
        found = self._splits.get(keys)
        if found is None:
            kept = tuple(k for k in keys if k not in self._skip)
            sources = [src for _, src, _, _ in self._plan]
            plain = not self.values and not any(self.defaults.values()) and set(sources) <= set(keys)
            getter = itemgetter(*sources) if plain else None
            found = self._splits[keys] = (kept, tuple(k for k in keys if k in self.protected), getter)
        return found

    @cached_property
    def _splits(self) -> dict[tuple[str, ...], _Split]:
        return {}

    @cached_property
    def _names(self) -> tuple[str, ...]:
        return tuple(column for column, _, _, _ in self._plan)

    def _rewritten(self, cells: dict[str, str]) -> dict[str, str]:
        canonical: dict[str, str] = {}
        for column, source, rewrite, default in self._plan:
            value = cells.get(source, "").strip()
            if rewrite:
                value = rewrite.get(value, value)
            canonical[column] = value or default
        return canonical

    @cached_property
    def _plan(self) -> tuple[tuple[str, str, dict[str, str], str], ...]:
        return tuple(
            (c, self.columns.get(c, c), self.values.get(c, {}), self.defaults.get(c, ""))
            for c in CANONICAL_COLUMNS
        )

    @cached_property
    def _skip(self) -> frozenset[str]:
        return frozenset(self.columns.values()) | frozenset(CANONICAL_COLUMNS) | self.protected

    def protected_sources(self) -> frozenset[str]:
        """The file columns whose cells must never be shown or stored in clear."""
        mapped = {self.columns.get(c, c) for c in PROTECTED_COLUMNS}
        return frozenset(mapped) | self.protected

    def missing_columns(self, header: tuple[str, ...]) -> list[str]:
        """Mapped file columns that the file does not have."""
        return [src for src in self.columns.values() if src not in header]

    def as_dict(self) -> dict[str, Any]:
        """The mapping as plain data (kept with the batch)."""
        return {
            "columns": self.columns,
            "values": self.values,
            "defaults": self.defaults,
            "protected": sorted(self.protected),
            **({"calendar": self.calendar} if self.calendar != "solar" else {}),
        }


def _str_table(value: Any, origin: str, section: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(f"{origin}: [{section}] must map names to text values")
    return {str(k): v for k, v in value.items()}
