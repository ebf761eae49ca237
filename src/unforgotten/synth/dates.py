"""Dates as list keepers write them: partial, Korean-formatted, approximate, drifting.

A true date goes through two steps: :func:`corrupt_date` (year drift by ±1, day and month
swapped) and :func:`format_date` in one of the :data:`DATE_FORMATS`. The formats that drop
the day or month make a date partial; ``circa`` ones round the year to a multiple of five.

>>> format_date(date(1952, 3, 14), "korean")
'1952년 3월 14일'
>>> format_date(date(1952, 3, 14), "circa")
'c. 1950'
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "DATE_FORMATS",
    "DateNoise",
    "DateWriter",
    "corrupt_date",
    "format_date",
    "write_date",
]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

DATE_FORMATS: tuple[str, ...] = (
    "iso", "year_month", "year", "month_name", "korean", "korean_month", "dotted", "circa",
    "korean_circa", "blank",
)
"""Every way a date is written: 1952-03-14, 1952-03, 1952, March 1952, 1952년 3월 14일,
1952년 3월, 1952.3.14, c. 1950, 약 1950, and nothing at all."""


@dataclass(frozen=True, slots=True)
class DateNoise:
    """Rates of the errors a written date carries.

    ``drift``: year off by one (lunar calendar, Korean age). ``swap``: day and month
    exchanged (only where the result is still a valid date and differs).
    """

    drift: float = 0.08
    swap: float = 0.04

    def scaled(self, factor: float) -> DateNoise:
        """These rates multiplied by ``factor`` (each capped at 1)."""
        return DateNoise(min(1.0, self.drift * factor), min(1.0, self.swap * factor))


def corrupt_date(true: date, noise: DateNoise, rng: random.Random) -> date:
    """The date as remembered: possibly a year off, possibly with day and month swapped."""
    written = true
    if rng.random() < noise.drift:
        written = _with_year(written, written.year + rng.choice((-1, 1)))
    if rng.random() < noise.swap and written.day <= 12 and written.day != written.month:
        written = date(written.year, written.day, written.month)  # both <= 12: valid
    return written


def _with_year(value: date, year: int) -> date:
    if value.month == 2 and value.day == 29:
        return date(year, 2, 28)
    return value.replace(year=year)


_WRITERS: dict[str, Callable[[int, int, int], str]] = {
    "iso": lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
    "year_month": lambda y, m, d: f"{y:04d}-{m:02d}",
    "year": lambda y, m, d: f"{y:04d}",
    "month_name": lambda y, m, d: f"{_MONTHS[m - 1]} {y}",
    "korean": lambda y, m, d: f"{y}년 {m}월 {d}일",
    "korean_month": lambda y, m, d: f"{y}년 {m}월",
    "dotted": lambda y, m, d: f"{y}.{m}.{d}",
    "circa": lambda y, m, d: f"c. {5 * round(y / 5)}",
    "korean_circa": lambda y, m, d: f"약 {5 * round(y / 5)}",
    "blank": lambda y, m, d: "",
}


def format_date(value: date, style: str) -> str:
    """Write ``value`` in one of :data:`DATE_FORMATS`."""
    writer = _WRITERS.get(style)
    if writer is None:
        raise ValueError(f"unknown date format {style!r}")
    return writer(value.year, value.month, value.day)


class DateWriter:
    """Writes dates as one list does: formats drawn by weight, errors at ``noise`` rates."""

    def __init__(self, formats: Mapping[str, float], noise: DateNoise) -> None:
        unknown = set(formats) - set(_WRITERS)
        if unknown:
            raise ValueError(f"unknown date format(s): {', '.join(sorted(unknown))}")
        self._styles = list(formats)
        self._cumulative = list(itertools.accumulate(formats[s] for s in self._styles))
        self._noise = noise

    def __call__(self, true: date, rng: random.Random) -> str:
        """``true`` corrupted, then formatted in a weighted format."""
        pick = bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        style = self._styles[min(pick, len(self._styles) - 1)]
        if style == "blank":
            return ""
        value = corrupt_date(true, self._noise, rng)
        return _WRITERS[style](value.year, value.month, value.day)


def write_date(
    true: date, *, formats: Mapping[str, float], noise: DateNoise, rng: random.Random
) -> str:
    """A true date as one list writes it: corrupted, then formatted in a weighted format."""
    return DateWriter(formats, noise)(true, rng)
