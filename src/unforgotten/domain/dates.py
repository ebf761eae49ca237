"""Partial dates as lists write them: ``1952``, ``1952-03``, ``March 1952``, ``1952년 3월 14일``.

A :class:`PartialDate` keeps the raw text beside what was understood of it: the first and last
day it can mean, its precision, and whether it was marked approximate (``c. 1950``, ``약 1950``,
``1952년경``, ``1952 (추정)``, ``1952?``). ``1952년생`` ("born in 1952") is a year.
Nothing here guesses: a text that cannot be read keeps precision ``unknown``.

Lunar dates: a text marked ``음력`` / ``(음)`` / ``lunar`` (``윤`` before the month for a leap
month), or any date of a list declared lunar (``calendar="lunar"``), is read as a date of the
Korean lunar calendar. A full lunar date is converted to the solar (Gregorian) date with the
``korean-lunar-calendar`` package (KARI tables); ``start``/``end`` are then solar and
``lunar`` keeps the lunar date as written (ISO form). A lunar year or month is kept as
written, flagged by ``lunar``: its solar span straddles two solar years or months.

>>> parse_partial_date("1952년 3월").precision
'month'
>>> parse_partial_date("c. 1950").start, parse_partial_date("c. 1950").circa
(datetime.date(1950, 1, 1), True)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

__all__ = [
    "CALENDARS",
    "PRECISIONS",
    "PartialDate",
    "Precision",
    "edtf",
    "lunar_to_solar",
    "parse_partial_date",
    "solar_to_lunar",
]

Precision = Literal["day", "month", "year", "decade", "unknown"]
PRECISIONS: tuple[Precision, ...] = ("day", "month", "year", "decade", "unknown")

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS["sept"] = 9
_MIN_YEAR, _MAX_YEAR = 1850, 2100

_CIRCA = re.compile(
    r"^(?:c\.|ca\.?|circa|approx\.?|about|around|약|대략|추정|est\.?)\s*"
    r"|\s*(?:경|쯤|무렵|\?|~|%|\(\s*추정\s*\)|추정|\(\s*est(?:\.|imated)?\s*\)|est\.?|estimated)$",
    re.IGNORECASE,
)
_BORN = re.compile(r"\s*년?\s*생$")
_LUNAR = re.compile(r"\(\s*(?:음력|음|lunar)\s*\)|음력|陰曆|\blunar\b", re.IGNORECASE)
_SOLAR = re.compile(r"\(\s*(?:양력|양|solar)\s*\)|양력|陽曆|\bsolar\b", re.IGNORECASE)
_LEAP = re.compile(r"윤\s*(?=\d{1,2}\s*월)|(?<=[-/.])윤\s*(?=\d)")
CALENDARS = ("solar", "lunar")
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\.?$")
_KOREAN = re.compile(r"^(\d{4})\s*년(?:\s*(\d{1,2})\s*월(?:\s*(\d{1,2})\s*일)?)?$")
_DECADE = re.compile(r"^(\d{3})(?:0\s*(?:'?s|년대)|X)$")  # 1950s, 1950년대, EDTF 195X
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DMY_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_PLAIN_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")  # nothing to strip or mark
_EDTF_INTERVAL = re.compile(r"^(\d{4}(?:-\d{2}){0,2})([?~%]?)/(\d{4}(?:-\d{2}){0,2})([?~%]?)$")
_RANGE = re.compile(r"^(.+?)\s*(?:–|—|~|\bto\b|-(?=\s*\d{4}\b)|부터)\s*(.+?)(?:까지)?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to some precision, with the text it came from.

    ``start`` and ``end`` are the first and last day the text can mean (equal for a full date;
    ``None`` when the precision is ``unknown``).
    """

    raw: str
    start: date | None = None
    end: date | None = None
    precision: Precision = "unknown"
    circa: bool = False
    lunar: str = ""

    @property
    def is_lunar(self) -> bool:
        """Whether the source gave a lunar date (``lunar`` holds it as written)."""
        return bool(self.lunar)

    @property
    def is_known(self) -> bool:
        """Whether anything was understood of the text."""
        return self.precision != "unknown"

    @property
    def year(self) -> int | None:
        """The year when the date lies within one year, else ``None``."""
        if self.start is None or self.end is None or self.start.year != self.end.year:
            return None
        return self.start.year

    def iso(self) -> str:
        """The shortest ISO form of what is known (``1952``, ``1952-03``, ``1952-03-14``)."""
        if self.start is None:
            return ""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.isoformat()[:7]
        if self.start.year != (self.end or self.start).year:
            return f"{self.start.year}/{(self.end or self.start).year}"
        return str(self.start.year)


def _unit(day: date, precision: Precision) -> str:
    if precision == "day":
        return day.isoformat()
    return day.isoformat()[:7] if precision == "month" else str(day.year)


def _whole_units(date: PartialDate) -> bool:
    """Whether the span starts and ends on the bounds of its precision's unit (a range such as
    ``1950-03~1953`` does not: it is then written day by day)."""
    assert date.start is not None and date.end is not None
    if date.precision == "day":
        return True
    starts_month, ends_month = date.start.day == 1, (date.end + timedelta(days=1)).day == 1
    if date.precision == "month":
        return starts_month and ends_month
    return starts_month and ends_month and date.start.month == 1 and date.end.month == 12


def edtf(date: PartialDate) -> str | None:
    """The date in the Library of Congress Extended Date/Time Format: ``1977``, ``1977-08``,
    ``1977-08-14``, an interval ``1950/1953`` or ``1950-03/1950-05``, a decade ``195X``, and
    ``?`` after a date marked approximate (``1977?``, ``1950?/1953?``); ``None`` when nothing
    is known. A full lunar date is given as its solar day.

    >>> edtf(parse_partial_date("c. 1977")), edtf(parse_partial_date("1950~1953"))
    ('1977?', '1950/1953')
    >>> edtf(parse_partial_date("1950년대")), edtf(parse_partial_date("unknown"))
    ('195X', None)
    """
    if date.start is None or date.end is None:
        return None
    mark = "?" if date.circa else ""
    if date.precision == "decade" and date.end.year - date.start.year == 9 and date.start.year % 10 == 0:
        return f"{date.start.year // 10}X{mark}"
    unit = date.precision if _whole_units(date) else "day"
    first, last = _unit(date.start, unit), _unit(date.end, unit)
    return first + mark if first == last else f"{first}{mark}/{last}{mark}"


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _build(raw: str, year: int, month: int | None, day: int | None) -> PartialDate | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        if month is None:
            return PartialDate(raw, date(year, 1, 1), date(year, 12, 31), "year")
        if day is None:
            first, last = _month_span(year, month)
            return PartialDate(raw, first, last, "month")
        exact = date(year, month, day)
    except ValueError:
        return None
    return PartialDate(raw, exact, exact, "day")


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _parse_single(raw: str, text: str) -> PartialDate | None:
    for pattern in (_ISO, _KOREAN):
        if match := pattern.match(text):
            return _build(raw, int(match[1]), _int(match[2]), _int(match[3]))
    if match := _DECADE.match(text):
        first = int(match[1]) * 10
        if _MIN_YEAR <= first <= _MAX_YEAR:
            return PartialDate(raw, date(first, 1, 1), date(first + 9, 12, 31), "decade")
        return None
    return _parse_english(raw, text)


def _parse_english(raw: str, text: str) -> PartialDate | None:
    if match := _MONTH_YEAR.match(text):
        month = _MONTHS.get(match[1].lower())
        return _build(raw, int(match[2]), month, None) if month else None
    if match := _DAY_MONTH_YEAR.match(text):
        month = _MONTHS.get(match[2].lower())
        return _build(raw, int(match[3]), month, int(match[1])) if month else None
    if match := _MONTH_DAY_YEAR.match(text):
        month = _MONTHS.get(match[1].lower())
        return _build(raw, int(match[3]), month, int(match[2])) if month else None
    if match := _DMY_NUMERIC.match(text):
        return _build(raw, int(match[3]), int(match[2]), int(match[1]))
    return None


def _parse_range(raw: str, text: str) -> PartialDate | None:
    circa = False
    if interval := _EDTF_INTERVAL.match(text):  # 1950/1953, 1950?/1953?
        first_text, last_text, circa = interval[1], interval[3], bool(interval[2] or interval[4])
    elif match := _RANGE.match(text):
        first_text, last_text = match[1].strip(), match[2].strip()
    else:
        return None
    first, last = _parse_single(raw, first_text), _parse_single(raw, last_text)
    if first is None or last is None or first.start is None or last.end is None:
        return None
    if last.end < first.start:
        return None
    coarsest = max(PRECISIONS.index(first.precision), PRECISIONS.index(last.precision))
    return PartialDate(raw, first.start, last.end, PRECISIONS[coarsest], circa)


@lru_cache(maxsize=1)
def _calendar() -> Any:
    """One converter of the optional ``korean-lunar-calendar`` package (None without it)."""
    try:
        from korean_lunar_calendar import KoreanLunarCalendar  # noqa: PLC0415  (optional)
    except ImportError:
        return None
    return KoreanLunarCalendar()


@lru_cache(maxsize=65536)
def lunar_to_solar(year: int, month: int, day: int, *, leap: bool = False) -> date | None:
    """The solar date of a Korean lunar date; ``None`` when it does not exist or the
    ``korean-lunar-calendar`` package is not installed.

    >>> lunar_to_solar(1952, 3, 5)
    datetime.date(1952, 3, 30)
    """
    converter = _calendar()
    if converter is None or not converter.setLunarDate(year, month, day, leap):
        return None
    return date.fromisoformat(converter.SolarIsoFormat())


@lru_cache(maxsize=512)
def _lunar_months(year: int) -> tuple[tuple[date, int, int], ...]:
    """(solar first day, lunar year, lunar month) of each month of one lunar year."""
    starts = (
        (found, year, month)
        for month in range(1, 13)
        for leap in (False, True)
        if (found := lunar_to_solar(year, month, 1, leap=leap)) is not None
    )
    return tuple(sorted(starts))


@lru_cache(maxsize=131072)
def solar_to_lunar(day: date) -> tuple[int, int, int] | None:
    """The Korean lunar date (year, month, day) of a solar date; ``None`` when unknown.

    Found among the month starts of the lunar years around it (converted once per year),
    which is far faster than converting each date.

    >>> solar_to_lunar(date(1952, 3, 30))
    (1952, 3, 5)
    """
    months = _lunar_months(day.year - 1) + _lunar_months(day.year)
    before = [m for m in months if m[0] <= day]
    if not before:
        return None
    start, year, month = before[-1]
    return year, month, (day - start).days + 1


def _lunar_day(raw: str, text: str, *, leap: bool, circa: bool) -> PartialDate | None:
    """A full lunar date that is no solar date (2월 29일, 2월 30일 of most years)."""
    for pattern in (_ISO, _KOREAN):
        if (match := pattern.match(text)) and match[3]:
            year, month, day = int(match[1]), int(match[2]), int(match[3])
            solar = lunar_to_solar(year, month, day, leap=leap)
            if solar is not None:
                return PartialDate(raw, solar, solar, "day", circa, f"{year:04d}-{month:02d}-{day:02d}")
    return None


def _as_lunar(parsed: PartialDate, leap: bool) -> PartialDate:
    """A date read from a lunar text: converted to solar when it is a full date."""
    start = parsed.start
    if start is None:
        return parsed
    written = parsed.iso()
    if parsed.precision != "day":
        return PartialDate(parsed.raw, start, parsed.end, parsed.precision, parsed.circa, written)
    solar = lunar_to_solar(start.year, start.month, start.day, leap=leap)
    if solar is None:
        return PartialDate(parsed.raw, start, parsed.end, parsed.precision, parsed.circa, written)
    return PartialDate(parsed.raw, solar, solar, "day", parsed.circa, written)


def parse_partial_date(text: str | None, *, calendar: str = "solar") -> PartialDate:
    """Read a date as lists write it; never raises.

    Understands ISO partial dates (``1952``, ``1952-03``, ``1952-03-14``, ``1952/3/14``,
    ``1952.3.14``), Korean (``1952년 3월 14일``), English month names (``March 1952``,
    ``14 March 1952``, ``March 14, 1952``), day-first numerals (``14/03/1952``), decades
    (``1950s``, ``1950년대``), approximate marks (``c. 1950``, ``약 1950``, ``1950년경``)
    and ranges (``1950-1953``, ``1950~1953``, ``1950 to 1953``).

    >>> parse_partial_date("1952.3.14").iso()
    '1952-03-14'
    >>> parse_partial_date("1950~1953").iso()
    '1950/1953'
    >>> parse_partial_date("sometime after the war").precision
    'unknown'
    >>> parse_partial_date("1952년생").iso(), parse_partial_date("1952 (추정)").circa
    ('1952', True)
    >>> d = parse_partial_date("음력 1952.3.5")
    >>> d.iso(), d.lunar
    ('1952-03-30', '1952-03-05')

    ``calendar="lunar"`` reads every date as lunar unless it says 양력 (solar); an unknown
    ``calendar`` raises :class:`ValueError`.
    """
    if calendar not in CALENDARS:
        raise ValueError(f"calendar must be one of {', '.join(CALENDARS)}, not {calendar!r}")
    return _parse_cached(text or "", calendar)


@lru_cache(maxsize=65536)
def _parse_cached(raw: str, calendar: str) -> PartialDate:
    if calendar == "solar" and (plain := _PLAIN_ISO.fullmatch(raw)):  # most dates of most lists
        return _build(raw, int(plain[1]), _int(plain[2]), _int(plain[3])) or PartialDate(raw)
    cleaned = " ".join(raw.strip().split())
    lunar = calendar == "lunar"
    if _LUNAR.search(cleaned):
        lunar, cleaned = True, " ".join(_LUNAR.sub(" ", cleaned).split())
    if _SOLAR.search(cleaned):
        lunar, cleaned = False, " ".join(_SOLAR.sub(" ", cleaned).split())
    leap = bool(_LEAP.search(cleaned))
    cleaned = _LEAP.sub("", cleaned)
    circa = False
    while (stripped := _BORN.sub("", _CIRCA.sub("", cleaned, count=1).strip()).strip()) != cleaned:
        circa, cleaned = circa or _CIRCA.search(cleaned) is not None, stripped
    if not cleaned:
        return PartialDate(raw)
    parsed = _parse_single(raw, cleaned) or _parse_range(raw, cleaned)
    if parsed is None:
        return (_lunar_day(raw, cleaned, leap=leap, circa=circa) if lunar else None) or PartialDate(raw)
    dated = PartialDate(raw, parsed.start, parsed.end, parsed.precision, circa or parsed.circa)
    return _as_lunar(dated, leap) if lunar else dated
