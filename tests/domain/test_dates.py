from datetime import date

import pytest

from unforgotten.domain.dates import PartialDate, parse_partial_date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "circa"),
    [
        ("1952", date(1952, 1, 1), date(1952, 12, 31), "year", False),
        ("1952-03", date(1952, 3, 1), date(1952, 3, 31), "month", False),
        ("1952-03-14", date(1952, 3, 14), date(1952, 3, 14), "day", False),
        ("March 1952", date(1952, 3, 1), date(1952, 3, 31), "month", False),
        ("14 March 1952", date(1952, 3, 14), date(1952, 3, 14), "day", False),
        ("March 14, 1952", date(1952, 3, 14), date(1952, 3, 14), "day", False),
        ("1952년 3월 14일", date(1952, 3, 14), date(1952, 3, 14), "day", False),
        ("1952년 3월", date(1952, 3, 1), date(1952, 3, 31), "month", False),
        ("1952.3.14", date(1952, 3, 14), date(1952, 3, 14), "day", False),
        ("1952/03/14", date(1952, 3, 14), date(1952, 3, 14), "day", False),
        ("14/03/1952", date(1952, 3, 14), date(1952, 3, 14), "day", False),
        ("c. 1950", date(1950, 1, 1), date(1950, 12, 31), "year", True),
        ("약 1950", date(1950, 1, 1), date(1950, 12, 31), "year", True),
        ("1950년경", date(1950, 1, 1), date(1950, 12, 31), "year", True),
        ("1950s", date(1950, 1, 1), date(1959, 12, 31), "decade", False),
        ("1950년대", date(1950, 1, 1), date(1959, 12, 31), "decade", False),
        ("1950-1953", date(1950, 1, 1), date(1953, 12, 31), "year", False),
        ("1950~1953", date(1950, 1, 1), date(1953, 12, 31), "year", False),
        ("1950 to 1953", date(1950, 1, 1), date(1953, 12, 31), "year", False),
        ("1950-07 – 1951", date(1950, 7, 1), date(1951, 12, 31), "year", False),
    ],
)
def test_parses_the_forms_lists_use(text: str, start: date, end: date, precision: str, circa: bool) -> None:
    assert parse_partial_date(text) == PartialDate(text, start, end, precision, circa)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "unknown", "1952-02-30", "1700", "1953~1950", "after the war"])
def test_keeps_what_it_cannot_read_as_unknown(text: str) -> None:
    parsed = parse_partial_date(text)
    assert (parsed.raw, parsed.start, parsed.precision) == (text, None, "unknown")


def test_iso_gives_the_shortest_known_form() -> None:
    assert [parse_partial_date(t).iso() for t in ("1952", "1952-3", "1952-3-4", "1950s")] == [
        "1952", "1952-03", "1952-03-04", "1950/1959"]
