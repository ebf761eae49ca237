"""The feature step: names, dates and fields as the comparisons see them."""

from __future__ import annotations

import pandas as pd
import pytest

from unforgotten.errors import ConfigError
from unforgotten.linkage import LinkageConfig
from unforgotten.linkage.features import GenericNames, NameInput, RawNames, build_features, normalise_text


def _one(**columns: object) -> pd.Series:
    frame = pd.DataFrame([{"unique_id": 1, "source": "a", **columns}])
    return build_features(frame, names=GenericNames()).iloc[0]


def test_normalise_text() -> None:
    assert normalise_text("  Chŏng-ŭn,  KIM ") == "chong un kim"


def test_generic_names_join_given_parts() -> None:
    features = GenericNames()(NameInput(family_name="Kim", given_name="Jong-Un"))
    assert (features.surname_key, features.given_key, features.name_key) == ("kim", "jongun", "kim|jongun")


def test_raw_names_keep_the_writing() -> None:
    assert RawNames()(NameInput(full_name=" Kim Jong-un ")).full_form == "Kim Jong-un"


def test_full_date_keeps_every_part() -> None:
    row = _one(birth_date="1952-03-14", birth_year=1952, birth_month=3, birth_day=14, birth_precision="day")
    assert (row.birth_year, row.birth_month, row.birth_day, row.birth_approx) == (1952, 3, 14, False)


def test_year_only_drops_month_and_day() -> None:
    row = _one(birth_date="1952", birth_year=1952, birth_month=1, birth_day=1, birth_precision="year")
    assert row.birth_year == 1952
    assert pd.isna(row.birth_month) and pd.isna(row.birth_day)


def test_circa_year_is_approximate_only() -> None:
    row = _one(birth_date="c. 1950", birth_year=1950, birth_precision="year")
    assert pd.isna(row.birth_year)
    assert (row.birth_approx_year, row.birth_approx) == (1950, True)


def test_decade_counts_as_its_middle_year() -> None:
    row = _one(birth_date="1950s", birth_year=1950, birth_precision="decade")
    assert pd.isna(row.birth_year)
    assert (row.birth_approx_year, row.birth_approx) == (1955, True)


@pytest.mark.parametrize(("written", "code"), [("남", "M"), ("Female", "F"), ("여자", "F"), ("U", None)])
def test_sex_codes(written: str, code: str | None) -> None:
    value = _one(sex=written).sex
    assert (None if pd.isna(value) else value) == code


def test_missing_columns_are_unknown() -> None:
    row = _one(full_name="Pak Chol")
    assert pd.isna(row.birth_year) and pd.isna(row.case_type) and pd.isna(row.sex)


def test_names_are_computed_once_per_distinct_value() -> None:
    calls: list[NameInput] = []

    def counting(name: NameInput) -> object:
        calls.append(name)
        return GenericNames()(name)

    frame = pd.DataFrame({"unique_id": [1, 2, 3], "source": "a", "full_name": ["A B", "A B", "C D"]})
    build_features(frame, names=counting)  # type: ignore[arg-type]
    assert len(calls) == 2


def test_config_collects_every_problem() -> None:
    with pytest.raises(ConfigError) as raised:
        LinkageConfig(threshold=1.5, review_band=(0.9, 0.1))
    assert "threshold" in str(raised.value) and "review_band" in str(raised.value)


def test_worker_processes_start_safely_after_duckdb_ran() -> None:
    import duckdb

    from unforgotten.linkage.features import map_names
    from unforgotten.linkage.korean_features import KoreanNames

    connection = duckdb.connect()
    connection.execute("SELECT sum(range) FROM range(1000000)").fetchall()
    inputs = [NameInput(full_name=n) for n in ("김영수", "Kim Yong Su", "박철수", "Ri Sol Ju") * 3]
    in_process = map_names(inputs, KoreanNames(), workers=1)
    in_workers = map_names(inputs, KoreanNames(), workers=2, min_parallel=1)
    connection.close()
    assert in_workers == in_process
