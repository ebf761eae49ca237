"""Which cases of one person report the same event.

Each source record that lists a person makes a case; once linkage merges the records into one
person, the cases that describe one event are shown as one, with every source beside it. Two
cases report the same event when they have the same case type, their dates are no more than a
year apart (or one is unknown), and their places do not resolve to different gazetteer units
(two different facilities or counties, or two different provinces). Places the gazetteer does
not resolve (``서울`` and ``Seoul``) cannot tell events apart, so the sources' own spellings are
shown side by side; so are differing statuses and dates.

>>> import datetime as dt
>>> a = CaseFacts(1, "pow", dt.date(1953, 7, 1), dt.date(1953, 7, 31), None, "KP-09")
>>> b = CaseFacts(2, "pow", dt.date(1953, 7, 27), dt.date(1953, 7, 27), None, None)
>>> c = CaseFacts(3, "pow", dt.date(1953, 7, 27), dt.date(1953, 7, 27), None, "KP-01")
>>> group_events([a, b, c])
[[1, 2], [3]]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["TOLERANCE", "CaseFacts", "group_events", "same_event"]

TOLERANCE = dt.timedelta(days=366)
"""How far apart two sources' dates of one event may be (a year: typos of the year, day/month swaps)."""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What decides whether two cases are one event: type, date range, resolved place."""

    id: int
    case_type: str
    date_start: dt.date | None
    date_end: dt.date | None
    place_code: str | None  # a gazetteer unit below the province (facility, county), if resolved
    province_code: str | None


def _dates_agree(a: CaseFacts, b: CaseFacts) -> bool:
    if a.date_start is None or b.date_start is None:
        return True
    a_end, b_end = a.date_end or a.date_start, b.date_end or b.date_start
    gap = max(a.date_start, b.date_start) - min(a_end, b_end)  # negative when the ranges overlap
    return gap <= TOLERANCE


def _differ(x: str | None, y: str | None) -> bool:
    return bool(x) and bool(y) and x != y


def _places_differ(a: CaseFacts, b: CaseFacts) -> bool:
    return _differ(a.place_code, b.place_code) or _differ(a.province_code, b.province_code)


def same_event(a: CaseFacts, b: CaseFacts) -> bool:
    """Whether ``a`` and ``b`` can report one event (see the module's rule)."""
    return a.case_type == b.case_type and _dates_agree(a, b) and not _places_differ(a, b)


def group_events(cases: Sequence[CaseFacts]) -> list[list[int]]:
    """Case ids grouped by event, in order of each group's first case.

    A case joins the first group that holds a case it agrees with and no case whose place
    differs from its own. Sources of one event disagree in more than one way at once (a year
    typed wrong in one, day and month swapped in another), so a case needs to agree on the date
    with one source of the event only; a place resolved to another unit always starts a new one.
    """
    groups: list[list[CaseFacts]] = []
    for case in sorted(cases, key=lambda c: c.id):
        home = next(
            (
                g
                for g in groups
                if any(same_event(case, other) for other in g)
                and not any(_places_differ(case, other) for other in g)
            ),
            None,
        )
        if home is None:
            groups.append([case])
        else:
            home.append(case)
    return [[c.id for c in g] for g in groups]
