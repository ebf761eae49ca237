"""Dates and due windows in readouts, English and Korean, resolved against an anchor date.

A due window is the phrase that says when a next step is due ("in the second half of this
year", "by the end of 2024", "early next year", "하반기", "연내"); it resolves to an inclusive
``[due_from, due_to]`` interval of ISO dates, relative years counted from the readout's date.
The parts of a year are fixed and documented in docs/tracking.md: early = January–April,
mid = May–August, late = September–December; first half = January–June, second half =
July–December; "by ..." and "within ..." start on the anchor date itself.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DueWindow", "FoundDate", "FoundRange", "find_dates", "find_ranges", "find_window", "month_number"]

_MONTHS = tuple(calendar.month_name[1:])
_MONTH = r"(?P<month>" + "|".join(_MONTHS) + r")"
_YEAR_EN = r"(?P<year>this year|the year|next year|(?:19|20)\d{2})"
_YEAR_KO = r"(?P<year>올해|금년|내년|(?:19|20)\d{2}년)"
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}
_ORDINALS |= {"4th": 4, "latter": 2}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}
_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "초": (1, 4), "중반": (5, 8)}
_PARTS |= {"말": (9, 12), "the beginning of": (1, 4), "the middle of": (5, 8)}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}


@dataclass(frozen=True, slots=True)
class DueWindow:
    """A resolved due window: inclusive dates, the phrase as written and where it was."""

    due_from: date
    due_to: date
    phrase: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A calendar date written in the text; ``year`` is None when the text leaves it out."""

    year: int | None
    month: int
    day: int
    start: int
    end: int
    rule: str


def month_number(name: str) -> int:
    """``"April"`` → 4."""
    return [m.lower() for m in _MONTHS].index(name.lower()) + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(token: str | None, anchor: date) -> int:
    if not token or token in {"this year", "the year", "올해", "금년"}:
        return anchor.year
    if token in {"next year", "내년"}:
        return anchor.year + 1
    return int(token.rstrip("년"))


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), _month_end(year, last)


_Resolver = Callable[[re.Match[str], date], tuple[date, date]]


def _half(m: re.Match[str], anchor: date) -> tuple[date, date]:
    token = m.group("half")
    second = token in {"second", "2nd", "latter", "하반기"}
    return _months(_year(m.group("year"), anchor), 7 if second else 1, 12 if second else 6)


def _quarter(m: re.Match[str], anchor: date) -> tuple[date, date]:
    q = _ORDINALS.get(m.group("q"), 0) or int(m.group("q"))
    return _months(_year(m.group("year"), anchor), 3 * q - 2, 3 * q)


def _year_end(m: re.Match[str], anchor: date) -> tuple[date, date]:
    year = _year(m.groupdict().get("year"), anchor)
    return anchor, date(year, 12, 31)


def _by_month(m: re.Match[str], anchor: date) -> tuple[date, date]:
    month = month_number(m.group("month"))
    year = int(m.group("y")) if m.group("y") else anchor.year + (month < anchor.month)
    return anchor, _month_end(year, month)


def _part(m: re.Match[str], anchor: date) -> tuple[date, date]:
    first, last = _PARTS[m.group("part").lower()]
    return _months(_year(m.group("year"), anchor), first, last)


def _season(m: re.Match[str], anchor: date) -> tuple[date, date]:
    year = _year(m.group("year"), anchor)
    season = m.group("season").lower()
    if season == "winter":
        return date(year, 12, 1), _month_end(year + 1, 2)
    return _months(year, *_SEASONS[season])


def _in_month(m: re.Match[str], anchor: date) -> tuple[date, date]:
    groups = m.groupdict()
    month = month_number(groups["month"]) if groups.get("month") else int(groups["mnum"])
    given = groups.get("y")
    year = int(given.rstrip("년")) if given else anchor.year + (month < anchor.month)
    return date(year, month, 1), _month_end(year, month)


def _next_year(m: re.Match[str], anchor: date) -> tuple[date, date]:
    return _months(anchor.year + 1, 1, 12)


def _next_month(m: re.Match[str], anchor: date) -> tuple[date, date]:
    first = _month_end(anchor.year, anchor.month) + timedelta(days=1)
    return first, _month_end(first.year, first.month)


def _within(m: re.Match[str], anchor: date) -> tuple[date, date]:
    raw = m.group("n").lower()
    n = _NUMBERS.get(raw) or int(raw)
    unit = m.group("unit").lower()
    if unit.startswith("month"):
        months = anchor.month - 1 + n
        year, month = anchor.year + months // 12, months % 12 + 1
        return anchor, date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))
    return anchor, anchor + timedelta(days=n * (7 if unit.startswith("week") else 1))


_I = re.IGNORECASE
_KO_MONTH = r"(?:(?P<y>(?:19|20)\d{2}년)\s*)?(?P<mnum>\d{1,2})월(?:\s*(?:중|경|까지))?(?!\s*\d{1,2}일)"
_WINDOW_RULES: tuple[tuple[str, re.Pattern[str], _Resolver], ...] = (
    ("W-HALF", re.compile(rf"\bthe (?P<half>first|second|1st|2nd|latter) half of {_YEAR_EN}", _I), _half),
    (
        "W-QUARTER",
        re.compile(rf"\bthe (?P<q>first|second|third|fourth|1st|2nd|3rd|4th) quarter of {_YEAR_EN}", _I),
        _quarter,
    ),
    (
        "W-BY-YEAR-END",
        re.compile(rf"\b(?:by|before) (?:the )?end of {_YEAR_EN}|\bby (?:the )?year[- ]end", _I),
        _year_end,
    ),
    (
        "W-BY-MONTH",
        re.compile(rf"\b(?:by|before) (?:the )?(?:end of )?{_MONTH}(?:,? (?P<y>(?:19|20)\d{{2}}))?\b"),
        _by_month,
    ),
    (
        "W-WITHIN-YEAR",
        re.compile(r"\b(?:within|later|during the rest of) (?:the|this) year\b", _I),
        _year_end,
    ),
    (
        "W-PART",
        re.compile(rf"\b(?:in )?(?P<part>early|mid|late|the beginning of|the middle of)[- ]{_YEAR_EN}", _I),
        _part,
    ),
    (
        "W-SEASON",
        re.compile(
            rf"\b(?:in |during )?(?:the )?(?P<season>spring|summer|autumn|fall|winter) (?:of )?{_YEAR_EN}", _I
        ),
        _season,
    ),
    ("W-MONTH", re.compile(rf"\b(?:in|during) {_MONTH}(?:,? (?P<y>(?:19|20)\d{{2}}))?\b"), _in_month),
    ("W-NEXT-YEAR", re.compile(r"\bnext year\b", _I), _next_year),
    ("W-NEXT-MONTH", re.compile(r"\bnext month\b", _I), _next_month),
    (
        "W-WITHIN",
        re.compile(
            r"\bwithin (?:the next )?(?P<n>\d+|one|two|three|four|six|twelve)"
            r" (?P<unit>months?|weeks?|days?)\b",
            _I,
        ),
        _within,
    ),
    ("W-KO-HALF", re.compile(rf"(?:{_YEAR_KO}\s*)?(?P<half>상반기|하반기)"), _half),
    ("W-KO-QUARTER", re.compile(rf"(?:{_YEAR_KO}\s*)?(?P<q>[1-4])\s*분기"), _quarter),
    ("W-KO-YEAR-END", re.compile(r"연내|연말까지|(?P<year>올해|금년)\s*(?:안|내|중|말까지)"), _year_end),
    ("W-KO-PART", re.compile(rf"{_YEAR_KO}\s*(?P<part>초|중반|말)"), _part),
    ("W-KO-MONTH", re.compile(_KO_MONTH), _in_month),
    ("W-KO-NEXT-YEAR", re.compile(r"내년"), _next_year),
)


def find_window(text: str, *, anchor: date) -> DueWindow | None:
    """The first due-window phrase in ``text`` (the most specific rule wins at a position).

    >>> w = find_window("hold the next consultations in the second half of this year",
    ...                 anchor=date(2024, 4, 15))
    >>> (w.due_from.isoformat(), w.due_to.isoformat(), w.rule)
    ('2024-07-01', '2024-12-31', 'W-HALF')
    """
    best: DueWindow | None = None
    for rule_id, pattern, resolve in _WINDOW_RULES:
        for m in pattern.finditer(text):
            if best is None or m.start() < best.start:
                due_from, due_to = resolve(m, anchor)
                best = DueWindow(due_from, due_to, m.group(0).strip(), m.start(), m.end(), rule_id)
            break
    return best


_DATE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("D-ISO", re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})\b")),
    ("D-MDY", re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,\s*(?P<year>\d{{4}}))?")),
    ("D-DMY", re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}(?:,?\s+(?P<year>(?:19|20)\d{{2}}))?")),
    ("D-KO", re.compile(r"(?:(?P<year>(?:19|20)\d{2})년\s*)?(?P<mnum>\d{1,2})월\s*(?P<day>\d{1,2})일")),
    ("D-KO-DOT", re.compile(r"(?<![\d.])(?P<mnum>\d{1,2})\.\s?(?P<day>\d{1,2})\.?\s*\([월화수목금토일]\)")),
)


def _found(rule_id: str, m: re.Match[str]) -> FoundDate | None:
    groups = m.groupdict()
    month = month_number(groups["month"]) if groups.get("month") else int(groups["mnum"])
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"])
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]):
        return None
    return FoundDate(year, month, day, m.start(), m.end(), rule_id)


def find_dates(text: str) -> list[FoundDate]:
    """Every calendar date written in ``text``, in order of position.

    >>> [(d.month, d.day, d.rule) for d in find_dates("대사는 11.6(월)-8(수)간 워싱턴을 방문")]
    [(11, 6, 'D-KO-DOT')]
    """
    found = [_found(rule_id, m) for rule_id, p in _DATE_RULES for m in p.finditer(text)]
    return sorted((f for f in found if f), key=lambda f: f.start)


@dataclass(frozen=True, slots=True)
class FoundRange:
    """A span of days written in the text ("12.10(토)-12(월)", "from October 16th to 18th");
    the years are None when the text leaves them out."""

    first: FoundDate
    last: FoundDate
    rule: str


_KO_DAY = r"\.?\s*(?:\([월화수목금토일]\))?"
_RANGE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "R-KO-DOT",
        re.compile(
            rf"(?<![\d.])(?P<m1>\d{{1,2}})\.\s?(?P<d1>\d{{1,2}}){_KO_DAY}\s*[-~–]\s*"
            rf"(?:(?P<m2>\d{{1,2}})\.\s?)?(?P<d2>\d{{1,2}}){_KO_DAY}"
        ),
    ),
    (
        "R-EN",
        re.compile(
            rf"\b{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:to|through|-|–)\s*"
            rf"(?:(?P<month2>{'|'.join(_MONTHS)})\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b"
            rf"(?:,\s*(?P<year>(?:19|20)\d{{2}}))?"
        ),
    ),
)


def find_ranges(text: str) -> list[FoundRange]:
    """Every span of days (a visit, a multi-day meeting) written in ``text``, in order.

    >>> [(r.first.day, r.last.month, r.last.day) for r in find_ranges("대사는 11.6(월)-8(수)간 방문")]
    [(6, 11, 8)]
    >>> [(r.first.month, r.last.day) for r in find_ranges("(October 17 to 20, Washington D.C.)")]
    [(10, 20)]
    """
    out: list[FoundRange] = []
    for rule_id, pattern in _RANGE_RULES:
        for m in pattern.finditer(text):
            g = m.groupdict()
            m1 = month_number(g["month"]) if g.get("month") else int(g["m1"])
            m2 = month_number(g["month2"]) if g.get("month2") else int(g["m2"]) if g.get("m2") else m1
            year = int(g["year"]) if g.get("year") else None
            d1, d2 = int(g["d1"]), int(g["d2"])
            ok = all(
                1 <= mm <= 12 and 1 <= dd <= calendar.monthrange(2000, mm)[1]
                for mm, dd in ((m1, d1), (m2, d2))
            )
            if not ok or ((m2, d2) <= (m1, d1) and m2 >= m1):
                continue
            first = FoundDate(year, m1, d1, m.start(), m.start("d1"), rule_id)
            last = FoundDate(year, m2, d2, m.start("d2"), m.end(), rule_id)
            out.append(FoundRange(first, last, rule_id))
    return sorted(out, key=lambda r: r.first.start)
