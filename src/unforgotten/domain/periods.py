"""Historical periods of an event, the strata of ``estimate --by period``.

The boundaries follow the phases in which abductions, detentions and forced returns were
recorded differently (the synthetic capture model's eras use the same years):

>>> period_of(1951)
'korean_war'
>>> period_of(1997)
'famine'
>>> period_of(None)
'unknown'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PERIODS", "Period", "period_of"]


@dataclass(frozen=True, slots=True)
class Period:
    """One period: its code, first and last event year (inclusive) and labels."""

    code: str
    first: int
    last: int
    label_en: str
    label_ko: str


PERIODS: tuple[Period, ...] = (
    Period("before_1950", 0, 1949, "before 1950", "1950년 이전"),
    Period("korean_war", 1950, 1953, "Korean War (1950–1953)", "한국전쟁기 (1950–1953)"),
    Period("cold_war", 1954, 1994, "1954–1994", "1954–1994년"),
    Period("famine", 1995, 2011, "famine and after (1995–2011)", "대기근 이후 (1995–2011)"),
    Period("recent", 2012, 9999, "2012 onward", "2012년 이후"),
)
"""Every period, in time order; together they cover every year."""


def period_of(year: int | None) -> str:
    """The code of the period an event year falls in; ``"unknown"`` without a year."""
    if year is None:
        return "unknown"
    return next(p.code for p in PERIODS if p.first <= year <= p.last)
