"""Korean date forms: 년생, 년경, (추정), circa marks, and lunar dates (음력)."""

from __future__ import annotations

from datetime import date

import pytest

from unforgotten.domain.dates import lunar_to_solar, parse_partial_date, solar_to_lunar


@pytest.mark.parametrize(
    ("text", "circa"),
    [
        ("1952년생", False),
        ("1952 년생", False),
        ("1952생", False),
        ("1952년경", True),
        ("1952 (추정)", True),
        ("1952(추정)", True),
        ("추정 1952", True),
        ("circa 1952", True),
        ("Circa 1952", True),
        ("c. 1952", True),
        ("ca 1952", True),
        ("1952?", True),
        ("약 1952", True),
        ("약 1952년생", True),
        ("est. 1952", True),
        ("1952 (est.)", True),
        ("1952 estimated", True),
    ],
)
def test_year_forms_parse_with_precision_year_and_their_circa_flag(text: str, circa: bool) -> None:
    parsed = parse_partial_date(text)
    assert (parsed.precision, parsed.year, parsed.circa) == ("year", 1952, circa)
    assert not parsed.is_lunar


def test_born_in_a_month_keeps_the_month() -> None:
    parsed = parse_partial_date("1952년 3월생")
    assert (parsed.precision, parsed.iso()) == ("month", "1952-03")


@pytest.mark.parametrize(
    "text",
    [
        "음력 1952.3.5",
        "음력 1952-03-05",
        "1952.3.5 (음)",
        "1952.3.5(음력)",
        "(음) 1952년 3월 5일",
        "1952년 3월 5일 음력",
        "lunar 1952-03-05",
        "1952-03-05 (lunar)",
    ],
)
def test_lunar_dates_are_converted_to_solar(text: str) -> None:
    parsed = parse_partial_date(text)
    assert parsed.precision == "day"
    assert parsed.start == parsed.end == date(1952, 3, 30)
    assert parsed.lunar == "1952-03-05" and parsed.is_lunar


def test_a_leap_month_is_converted_as_such() -> None:
    leap = parse_partial_date("음력 1952년 윤5월 1일")
    plain = parse_partial_date("음력 1952년 5월 1일")
    assert leap.start == date(1952, 6, 22) and plain.start == date(1952, 5, 24)


@pytest.mark.parametrize(
    ("text", "solar"),
    [("1895년 2월 29일 (음력)", date(1895, 3, 25)), ("음력 1952.2.30", date(1952, 3, 25))],
)
def test_a_lunar_day_that_no_solar_month_has_is_converted(text: str, solar: date) -> None:
    parsed = parse_partial_date(text)
    assert (parsed.start, parsed.precision, parsed.is_lunar) == (solar, "day", True)


def test_a_lunar_date_that_does_not_exist_is_kept_as_written_and_flagged() -> None:
    parsed = parse_partial_date("음력 1952년 윤3월 5일")  # 1952 had no leap third month
    assert parsed.start == date(1952, 3, 5) and parsed.lunar == "1952-03-05"


def test_a_lunar_year_or_month_is_kept_as_written_and_flagged() -> None:
    year = parse_partial_date("음력 1952")
    month = parse_partial_date("1952년 3월 (음)")
    assert (year.iso(), year.lunar) == ("1952", "1952")
    assert (month.iso(), month.lunar) == ("1952-03", "1952-03")


def test_a_list_declared_lunar_converts_every_date_unless_marked_solar() -> None:
    assert parse_partial_date("1952.3.5", calendar="lunar").start == date(1952, 3, 30)
    assert parse_partial_date("1952.3.5 (양력)", calendar="lunar").start == date(1952, 3, 5)
    assert parse_partial_date("1952.3.5 (양력)", calendar="lunar").lunar == ""
    assert parse_partial_date("1952.3.5").start == date(1952, 3, 5)


def test_an_unknown_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="calendar must be one of solar, lunar"):
        parse_partial_date("1952", calendar="julian")


def test_conversion_both_ways() -> None:
    assert lunar_to_solar(1952, 3, 5) == date(1952, 3, 30)
    assert solar_to_lunar(date(1952, 3, 30)) == (1952, 3, 5)
    assert lunar_to_solar(1952, 3, 31) is None
