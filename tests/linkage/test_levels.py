"""Comparison levels on real pairs of feature rows: the SQL each level holds, run in DuckDB."""

from __future__ import annotations

import duckdb
import pandas as pd

from unforgotten.domain.dates import parse_partial_date
from unforgotten.linkage.comparisons import _DATE_LEVELS, OTHER_READING_AGREES, case_type_comparison
from unforgotten.linkage.features import NameInput, build_features
from unforgotten.linkage.korean_features import KoreanNames


def _features(*rows: dict[str, object]) -> pd.DataFrame:
    frame = pd.DataFrame([{"unique_id": i, "source": f"s{i}", **row} for i, row in enumerate(rows)])
    return build_features(frame, names=KoreanNames())


def _pair(left: dict[str, object], right: dict[str, object]) -> pd.DataFrame:
    features = _features(left, right)
    l_side = features.iloc[[0]].reset_index(drop=True).add_suffix("_l")
    r_side = features.iloc[[1]].reset_index(drop=True).add_suffix("_r")
    return pd.concat([l_side, r_side], axis=1)


def _first_level(pair: pd.DataFrame, levels: tuple[tuple[str, str], ...]) -> str:
    connection = duckdb.connect()
    connection.register("pair", pair)
    for label, sql in levels:
        if connection.execute(f"SELECT coalesce(({sql}), false) FROM pair").fetchone() == (True,):
            return label
    return "else"


def _born(text: str) -> dict[str, object]:
    parsed = parse_partial_date(text)
    start = parsed.start
    return {
        "birth_date": text,
        "birth_year": start.year if start else None,
        "birth_month": start.month if start and parsed.precision in ("day", "month") else None,
        "birth_day": start.day if start and parsed.precision == "day" else None,
        "birth_precision": parsed.precision,
    }


def test_birth_dates_get_graded_levels() -> None:
    assert _first_level(_pair(_born("1952-03-30"), _born("1952-03-30")), _DATE_LEVELS) == "exact date"
    assert (
        _first_level(_pair(_born("1952-03-04"), _born("1952-04-03")), _DATE_LEVELS) == "day and month swapped"
    )
    assert _first_level(_pair(_born("1952-03-30"), _born("1953-07-01")), _DATE_LEVELS) == "years one apart"
    assert _first_level(_pair(_born("1952-03-30"), _born("1960-07-01")), _DATE_LEVELS) == "else"


def test_a_lunar_birthday_meets_the_solar_one() -> None:
    # a family's list writes the lunar birthday without saying so; the registry the solar one
    written_lunar = _pair(_born("1952-03-05"), _born("1952-03-30"))
    assert _first_level(written_lunar, _DATE_LEVELS) == "lunar/solar equivalent"
    # the list says 음력: converted, so the registry's solar date is exact
    said_lunar = _pair(_born("음력 1952.3.5"), _born("1952-03-30"))
    assert _first_level(said_lunar, _DATE_LEVELS) == "exact date"
    # the list says 음력, the other wrote the lunar digits as if solar
    both_lunar = _pair(_born("음력 1952.3.5"), _born("1952-03-05"))
    assert _first_level(both_lunar, _DATE_LEVELS) == "lunar/solar equivalent"


def test_a_declared_lunar_list_passes_its_lunar_date_to_the_features() -> None:
    features = _features({**_born("1952-03-30"), "birth_lunar": "1952-03-05"})
    assert features.loc[0, "birth_other_ymd"] == "1952-03-05"
    assert features.loc[0, "birth_ymd"] == "1952-03-30"


def test_either_reading_of_an_uncertain_order_agrees() -> None:
    pair = _pair({"full_name": "Song Jang"}, {"full_name": "장송"})
    agrees = (("other reading", OTHER_READING_AGREES),)
    assert pair.loc[0, "surname_key_l"] != pair.loc[0, "surname_key_r"]  # first readings differ
    assert _first_level(pair, agrees) == "other reading"
    apart = _pair({"full_name": "Song Jang"}, {"full_name": "김철수"})
    assert _first_level(apart, agrees) == "else"


def test_surname_only_entries_have_no_given_name_to_disagree_on() -> None:
    features = _features({"full_name": "박씨"}, {"full_name": "Mr. Pak"})
    assert features["given_form"].isna().all()
    assert features["surname_key"].nunique() == 1
    assert KoreanNames()(NameInput(name_hangul="박 (이름 미상)")).given_key is None


def _case_levels() -> tuple[tuple[str, str], ...]:
    """The levels of the real case-type comparison, after its null level, before ELSE."""
    levels = case_type_comparison().get_comparison("duckdb").comparison_levels
    return tuple((lvl.label_for_charts, lvl.sql_condition) for lvl in levels[1:-1])


def test_related_case_types_get_the_partial_level() -> None:
    def level(left: str, right: str) -> str:
        return _first_level(_pair({"case_type": left}, {"case_type": right}), _case_levels())

    assert level("detainee", "억류자") == "Exact match on case_type"
    assert level("detainee", "forcibly_returned") == "related case types"
    assert level("강제북송", "political_prisoner") == "related case types"
    assert level("정치범", "억류자") == "related case types"
    assert level("abductee_wartime", "abductee_postwar") == "else"
    assert level("전시 납북자", "전후 납북자") == "else"
    assert level("detainee", "pow") == "else"


def test_a_missing_case_type_is_the_null_level() -> None:
    null = case_type_comparison().get_comparison("duckdb").comparison_levels[0]
    assert null.is_null_level


def test_every_comparison_has_a_missing_on_one_side_level() -> None:
    from unforgotten.linkage import LinkageConfig
    from unforgotten.linkage.comparisons import UNSPLIT_NAMES, comparisons_for
    from unforgotten.linkage.features import FEATURE_COLUMNS

    present = frozenset({*FEATURE_COLUMNS, UNSPLIT_NAMES, "note"})
    for profile in ("korean", "generic", "plain"):
        config = LinkageConfig(profile=profile, extra_columns=("note",))
        for comparison in comparisons_for(config, present=present):
            levels = comparison.get_comparison("duckdb").comparison_levels
            assert levels[0].is_null_level, (profile, comparison.get_comparison("duckdb").output_column_name)


def test_event_years_are_graded() -> None:
    from unforgotten.linkage.comparisons import EVENT_LEVELS

    def level(left: int, right: int) -> str:
        return _first_level(_pair({"event_year": left}, {"event_year": right}), EVENT_LEVELS)

    assert level(1950, 1950) == "year equal"
    assert level(1950, 1951) == "years one apart"
    assert level(1950, 1958) == "else"
