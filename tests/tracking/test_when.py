"""Due windows and dates, English and Korean, resolved against the readout's date."""

from __future__ import annotations

from datetime import date

import pytest

from unforgotten.tracking.when import find_dates, find_window

ANCHOR = date(2024, 4, 15)


@pytest.mark.parametrize(
    ("text", "due_from", "due_to", "rule"),
    [
        ("hold the next consultations in the second half of this year", "2024-07-01", "2024-12-31", "W-HALF"),
        ("in the first half of 2025", "2025-01-01", "2025-06-30", "W-HALF"),
        ("by the end of 2024", "2024-04-15", "2024-12-31", "W-BY-YEAR-END"),
        ("by the end of this year", "2024-04-15", "2024-12-31", "W-BY-YEAR-END"),
        ("by year-end", "2024-04-15", "2024-12-31", "W-BY-YEAR-END"),
        ("early next year", "2025-01-01", "2025-04-30", "W-PART"),
        ("in mid-2025", "2025-05-01", "2025-08-31", "W-PART"),
        ("late this year", "2024-09-01", "2024-12-31", "W-PART"),
        ("later this year", "2024-04-15", "2024-12-31", "W-WITHIN-YEAR"),
        ("in the third quarter of 2024", "2024-07-01", "2024-09-30", "W-QUARTER"),
        ("by June", "2024-04-15", "2024-06-30", "W-BY-MONTH"),
        ("in March", "2025-03-01", "2025-03-31", "W-MONTH"),
        ("in September 2024", "2024-09-01", "2024-09-30", "W-MONTH"),
        ("in the winter of this year", "2024-12-01", "2025-02-28", "W-SEASON"),
        ("next year", "2025-01-01", "2025-12-31", "W-NEXT-YEAR"),
        ("next month", "2024-05-01", "2024-05-31", "W-NEXT-MONTH"),
        ("within three months", "2024-04-15", "2024-07-15", "W-WITHIN"),
        ("하반기 중 개최", "2024-07-01", "2024-12-31", "W-KO-HALF"),
        ("내년 상반기", "2025-01-01", "2025-06-30", "W-KO-HALF"),
        ("연내 개최하기로", "2024-04-15", "2024-12-31", "W-KO-YEAR-END"),
        ("올해 말까지", "2024-04-15", "2024-12-31", "W-KO-YEAR-END"),
        ("내년 초", "2025-01-01", "2025-04-30", "W-KO-PART"),
        ("3분기", "2024-07-01", "2024-09-30", "W-KO-QUARTER"),
        ("2025년 3월 중", "2025-03-01", "2025-03-31", "W-KO-MONTH"),
    ],
)
def test_window(text: str, due_from: str, due_to: str, rule: str) -> None:
    window = find_window(text, anchor=ANCHOR)
    assert window is not None
    assert (window.due_from.isoformat(), window.due_to.isoformat(), window.rule) == (due_from, due_to, rule)


def test_no_window() -> None:
    assert find_window("continue urging North Korea to comply", anchor=ANCHOR) is None


def test_window_phrase_and_span() -> None:
    text = "hold the next round by the end of 2024"
    window = find_window(text, anchor=ANCHOR)
    assert window is not None
    assert text[window.start : window.end] == window.phrase == "by the end of 2024"


def test_find_dates() -> None:
    found = find_dates(
        "On April 15, 2024; 3 March 2025; 2016-11-14; 2024년 4월 15일; 11.6(월)-8(수); February 30"
    )
    assert [(d.year, d.month, d.day, d.rule) for d in found] == [
        (2024, 4, 15, "D-MDY"),
        (2025, 3, 3, "D-DMY"),
        (2016, 11, 14, "D-ISO"),
        (2024, 4, 15, "D-KO"),
        (None, 11, 6, "D-KO-DOT"),
    ]
