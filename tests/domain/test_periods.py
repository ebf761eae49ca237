from __future__ import annotations

import itertools

import pytest

from unforgotten.domain.periods import PERIODS, period_of


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (1949, "before_1950"),
        (1950, "korean_war"),
        (1953, "korean_war"),
        (1954, "cold_war"),
        (1994, "cold_war"),
        (1995, "famine"),
        (2011, "famine"),
        (2012, "recent"),
        (2024, "recent"),
        (None, "unknown"),
    ],
)
def test_each_year_falls_in_one_period(year: int | None, code: str) -> None:
    assert period_of(year) == code


def test_periods_follow_each_other_without_gaps() -> None:
    for before, after in itertools.pairwise(PERIODS):
        assert after.first == before.last + 1
