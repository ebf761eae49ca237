from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from unforgotten.domain.dates import parse_partial_date
from unforgotten.synth.dates import (
    DATE_FORMATS,
    DateNoise,
    DateWriter,
    corrupt_date,
    format_date,
    write_date,
)

DAY = date(1952, 3, 14)
EXPECTED = {
    "iso": "1952-03-14",
    "year_month": "1952-03",
    "year": "1952",
    "month_name": "March 1952",
    "korean": "1952년 3월 14일",
    "korean_month": "1952년 3월",
    "dotted": "1952.3.14",
    "circa": "c. 1950",
    "korean_circa": "약 1950",
    "blank": "",
}


@pytest.mark.parametrize("style", DATE_FORMATS)
def test_each_format(style: str) -> None:
    assert format_date(DAY, style) == EXPECTED[style]


def test_circa_rounds_to_five_years() -> None:
    assert format_date(date(1953, 1, 1), "circa") == "c. 1955"
    assert format_date(date(1947, 1, 1), "korean_circa") == "약 1945"


@pytest.mark.parametrize("style", [s for s in DATE_FORMATS if s != "blank"])
def test_every_format_parses_back(style: str) -> None:
    parsed = parse_partial_date(format_date(DAY, style))
    assert parsed.year in (1950, 1952)


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown date format 'roman'"):
        format_date(DAY, "roman")
    with pytest.raises(ValueError, match="unknown date format"):
        DateWriter({"roman": 1.0}, DateNoise())


def test_drift_moves_the_year_by_one() -> None:
    rng = random.Random(1)
    years = {corrupt_date(DAY, DateNoise(drift=1.0, swap=0.0), rng).year for _ in range(50)}
    assert years == {1951, 1953}
    assert corrupt_date(date(1952, 2, 29), DateNoise(drift=1.0, swap=0.0), rng) in (
        date(1951, 2, 28), date(1953, 2, 28))


def test_swap_exchanges_day_and_month_only_when_valid() -> None:
    rng = random.Random(2)
    swap = DateNoise(drift=0.0, swap=1.0)
    assert corrupt_date(date(1960, 3, 7), swap, rng) == date(1960, 7, 3)
    assert corrupt_date(DAY, swap, rng) == DAY
    assert corrupt_date(date(1960, 5, 5), swap, rng) == date(1960, 5, 5)


def test_no_noise_keeps_the_date() -> None:
    rng = random.Random(3)
    assert all(corrupt_date(DAY, DateNoise(0.0, 0.0), rng) == DAY for _ in range(20))


def test_writer_follows_the_format_weights() -> None:
    rng = random.Random(4)
    writer = DateWriter({"iso": 0.5, "year": 0.3, "blank": 0.2}, DateNoise(0.0, 0.0))
    written = Counter(writer(DAY, rng) for _ in range(10_000))
    assert set(written) == {"1952-03-14", "1952", ""}
    assert written["1952-03-14"] == pytest.approx(5_000, abs=250)
    assert written["1952"] == pytest.approx(3_000, abs=230)
    assert written[""] == pytest.approx(2_000, abs=200)


def test_write_date_is_the_writer_in_one_call() -> None:
    out = write_date(DAY, formats={"korean": 1.0}, noise=DateNoise(0.0, 0.0), rng=random.Random(5))
    assert out == "1952년 3월 14일"


def test_scaled_noise() -> None:
    assert DateNoise(0.1, 0.05).scaled(2) == DateNoise(0.2, 0.1)
    assert DateNoise(0.8, 0.6).scaled(2) == DateNoise(1.0, 1.0)
