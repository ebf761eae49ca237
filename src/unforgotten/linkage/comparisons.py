"""Comparison sets: how two records are compared, field by field.

All comparisons read the feature columns built by :mod:`unforgotten.linkage.features`, so
the SQL stays plain (equality, Jaro-Winkler, integer arithmetic) and runs the same on
DuckDB and Spark. The ``korean`` and ``generic`` profiles share these comparisons; they
differ in what the feature step puts in the name and place columns. The ``plain`` profile
compares the raw written name with Splink's stock ``NameComparison`` (and the other
fields as ``generic`` does): the baseline of the benchmarks, what a user without Korean
support gets.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator

from unforgotten.linkage.config import LinkageConfig

__all__ = [
    "UNSPLIT_NAMES",
    "birth_date_comparison",
    "case_type_comparison",
    "comparisons_for",
    "event_year_comparison",
    "exact_comparison",
    "extra_comparison",
    "name_part_comparison",
    "place_comparison",
    "present_columns",
]

#: Pseudo-column present when some record's name was not split into parts.
UNSPLIT_NAMES = "+unsplit_names"


def _both(column: str, test: str = "IS NOT NULL") -> str:
    return f"{column}_l {test} AND {column}_r {test}"


def _equal(*columns: str) -> str:
    return " AND ".join(f"{c}_l = {c}_r" for c in columns)


#: The other reading of one side agrees with a reading of the other, on both parts.
OTHER_READING_AGREES = (
    "(surname_key_alt_l = surname_key_r AND given_key_alt_l = given_key_r) OR "
    "(surname_key_l = surname_key_alt_r AND given_key_l = given_key_alt_r) OR "
    "(surname_key_alt_l = surname_key_alt_r AND given_key_alt_l = given_key_alt_r)"
)


def _tf_exact(column: str, label: str) -> Any:
    """Exact agreement on ``column``, adjusted for how common its value is."""
    return cll.ExactMatchLevel(column).configure(
        tf_adjustment_column=column, tf_minimum_u_value=0.001, label_for_charts=label
    )


def name_part_comparison(
    part: str, *, thresholds: tuple[float, ...], jamo: bool = False, name_frequency: bool = False
) -> ComparisonCreator:
    """Surname or given name: key equal (term-frequency adjusted), then similar spellings.

    ``part`` is ``"surname"`` or ``"given"``: the columns ``{part}_key`` and
    ``{part}_form`` are compared. Keys absorb script and romanization; forms carry the
    spelling that Jaro-Winkler grades. A name read two ways (order or surname split
    unknown) gets a level of its own, next to "key equal", when its other reading agrees
    with the other record on both parts (:data:`OTHER_READING_AGREES`): the comparison
    takes the better reading.

    With ``jamo``, two Hangul names are graded on their letters first: "same name in
    Hangul" (surname and given, adjusted for how common that Hangul name is:
    ``hangul_name``), "same given name in Hangul", then "key equal, Hangul differs" — the
    lossy key folds 영/용, 정/종, 순/선 together, and two Hangul names it folds are weaker
    evidence than one name in two scripts — and, after the key levels, one wrong letter
    (Jaro-Winkler ≥ 0.9 on jamo: one wrong vowel is ≈ 0.95 on jamo but ≈ 0.80 on
    syllables). With ``name_frequency``, "surname and given key equal" comes before "key
    equal", adjusted for how common the whole name is in any script (``name_key``): a
    common name (김영수) counts for less than a rare one.
    """
    form, key = f"{part}_form", f"{part}_key"
    levels: list[Any] = [cll.NullLevel(form)]
    if jamo:
        levels += [
            _tf_exact("hangul_name", "same name in Hangul"),
            _tf_exact(f"{part}_jamo", f"same {part} name in Hangul"),
            cll.CustomLevel(
                f"{_both(f'{part}_jamo')} AND {_equal(key)}",
                label_for_charts=f"{key} equal, Hangul differs",
            ),
        ]
    if name_frequency:
        levels.append(_tf_exact("name_key", "surname and given key equal"))
    levels += [
        _tf_exact(key, f"{key} equal"),
        cll.CustomLevel(OTHER_READING_AGREES, label_for_charts="the other reading agrees"),
    ]
    if jamo:
        levels.append(
            cll.JaroWinklerLevel(f"{part}_jamo", 0.9).configure(
                label_for_charts=f"Hangul {part} name close on jamo (JW >= 0.9)"
            )
        )
    levels += [cll.JaroWinklerLevel(form, t) for t in thresholds]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name=f"{part}_name")


def full_name_comparison() -> ComparisonCreator:
    """Whole name, used only when a record's name could not be split into parts."""
    return cl.CustomComparison(
        [
            cll.CustomLevel(
                "full_form_l IS NULL OR full_form_r IS NULL OR "
                "(surname_form_l IS NOT NULL AND surname_form_r IS NOT NULL)",
                label_for_charts="null, or compared by parts",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("full_form"),
            cll.JaroWinklerLevel("full_form", 0.92),
            cll.JaroWinklerLevel("full_form", 0.85),
            cll.ElseLevel(),
        ],
        output_column_name="full_name",
    )


_DATE_LEVELS = (
    ("exact date", _equal("birth_year", "birth_month", "birth_day")),
    (
        "day and month swapped",
        _equal("birth_year") + " AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
    ),
    (
        "lunar/solar equivalent",
        "birth_other_ymd_l = birth_ymd_r OR birth_ymd_l = birth_other_ymd_r",
    ),
    (
        "year and month equal, a day unknown",
        _equal("birth_year", "birth_month") + " AND (birth_day_l IS NULL OR birth_day_r IS NULL)",
    ),
    (
        "year equal, a month unknown",
        _equal("birth_year") + " AND (birth_month_l IS NULL OR birth_month_r IS NULL)",
    ),
    ("year and month equal, days differ", _equal("birth_year", "birth_month")),
    ("year equal, months differ", _equal("birth_year")),
    ("years one apart", "abs(birth_year_l - birth_year_r) = 1"),
    (
        "an approximate year, within 3",
        "(birth_approx_l OR birth_approx_r) AND abs(birth_approx_year_l - birth_approx_year_r) <= 3",
    ),
)


def birth_date_comparison() -> ComparisonCreator:
    """Birth date aware of partial dates, ±1 year, day/month swaps and the lunar calendar.

    "lunar/solar equivalent": one side's date is the other's in the other calendar (a
    family's list that writes the lunar birthday, a registry that writes the solar one).

    Month and day are missing when the source only knew the year (the feature step
    drops what the precision does not vouch for), so "year equal, a month unknown" is
    a different level from "year equal, months differ": the first is weak evidence
    for a match, the second evidence against. Approximate years ("c. 1950", rounded to
    five by many keepers) and decades only meet the "within 3" level.
    """
    levels: list[Any] = [
        cll.CustomLevel(
            "birth_approx_year_l IS NULL OR birth_approx_year_r IS NULL",
            label_for_charts="null",
        ).configure(is_null_level=True)
    ]
    levels += [cll.CustomLevel(sql, label_for_charts=label) for label, sql in _DATE_LEVELS]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name="birth_date")


def place_comparison(prefix: str, *, provinces: bool) -> ComparisonCreator:
    """Place through the gazetteer: same unit, else same province (when known)."""
    code, province = f"{prefix}_place_code", f"{prefix}_province"
    levels: list[Any] = [
        cll.CustomLevel(
            f"({code}_l IS NULL AND {province}_l IS NULL) OR ({code}_r IS NULL AND {province}_r IS NULL)",
            label_for_charts="null",
        ).configure(is_null_level=True),
        cll.ExactMatchLevel(code).configure(label_for_charts=f"{code} equal"),
    ]
    if provinces:
        levels.append(cll.ExactMatchLevel(province).configure(label_for_charts="same province"))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name=f"{prefix}_place")


EVENT_LEVELS = (
    ("year equal", _equal("event_year")),
    ("years one apart", "abs(event_year_l - event_year_r) = 1"),
)


def event_year_comparison() -> ComparisonCreator:
    """Year of the event (abduction, arrest, disappearance): equal, one apart.

    The month is not compared: levels for "year and month equal" (and "months differ")
    were tried and cost recall on the synthetic lists (lists write an event's month
    inconsistently, and swap its day and month as they do a birth date's); see
    ``bench/results/linkage_quality.md``.
    """
    levels: list[Any] = [cll.NullLevel("event_year")]
    levels += [cll.CustomLevel(sql, label_for_charts=label) for label, sql in EVENT_LEVELS]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name="event_year")


#: Prior share of true matches whose case types differ but are related (one person coded
#: ``detainee`` on one list and ``forcibly_returned`` on another). A judgement, held fixed:
#: lists without such pairs (the synthetic ones) put only non-matches in the level, and EM
#: then drives its m to an underflow that Splink refuses. u is estimated as usual.
RELATED_CASE_TYPE_M = 0.02


def case_type_comparison() -> ComparisonCreator:
    """Case type: null, equal, related (one group of ``case_type_groups.csv``), different.

    Lists code one person differently (``detainee`` on one, ``forcibly_returned`` on
    another): related types get a level of their own, trained like the others, instead
    of counting as disagreement. Wartime and post-war abductees are not related. The
    related level's m is the fixed prior :data:`RELATED_CASE_TYPE_M`.
    """
    return cl.CustomComparison(
        [
            cll.NullLevel("case_type"),
            cll.ExactMatchLevel("case_type"),
            cll.CustomLevel("case_group_l = case_group_r", label_for_charts="related case types").configure(
                m_probability=RELATED_CASE_TYPE_M, fix_m_probability=True
            ),
            cll.ElseLevel(),
        ],
        output_column_name="case_type",
    )


def exact_comparison(column: str) -> ComparisonCreator:
    """Null, equal, different."""
    return cl.ExactMatch(column)


def extra_comparison(column: str) -> ComparisonCreator:
    """A further column compared as a generic string: exact, close, different."""
    return cl.JaroWinklerAtThresholds(column, [0.9, 0.7])


def _name_comparisons(config: LinkageConfig, present: frozenset[str]) -> list[tuple[str, Any]]:
    if config.profile == "plain":
        return [("full_form", cl.NameComparison("full_form"))]
    given = (0.92, 0.85, 0.7) if config.profile == "korean" else (0.9, 0.8)
    return [
        ("surname_form", name_part_comparison("surname", thresholds=(0.9,))),
        (
            "given_form",
            name_part_comparison(
                "given",
                thresholds=given,
                jamo="given_jamo" in present,
                name_frequency=config.profile == "korean"
                and "name_key" in present
                and config.name_key_frequency,
            ),
        ),
        (UNSPLIT_NAMES, full_name_comparison()),
    ]


def _other_comparisons(present: frozenset[str]) -> list[tuple[str, Any]]:
    return [
        ("birth_approx_year", birth_date_comparison()),
        ("sex", exact_comparison("sex")),
        ("birth_place_code", place_comparison("birth", provinces="birth_province" in present)),
        ("event_place_code", place_comparison("event", provinces="event_province" in present)),
        ("case_type", case_type_comparison()),
        ("event_year", event_year_comparison()),
    ]


def present_columns(table: pd.DataFrame) -> frozenset[str]:
    """Columns holding at least one value, plus :data:`UNSPLIT_NAMES` when some record's
    name could not be split into surname and given name."""
    present = {c for c in table.columns if table[c].notna().any()}
    if {"full_form", "surname_form"} <= set(table.columns):
        unsplit = table["full_form"].notna() & table["surname_form"].isna()
        if unsplit.any():
            present.add(UNSPLIT_NAMES)
    return frozenset(present)


def comparisons_for(config: LinkageConfig, *, present: frozenset[str]) -> list[ComparisonCreator]:
    """The comparison set of ``config.profile`` plus its extra columns.

    A comparison whose columns are empty in every record (``present`` lacks them) is left
    out: it could not be trained and would add nothing.
    """
    candidates = _name_comparisons(config, present) + _other_comparisons(present)
    base = [comparison for column, comparison in candidates if column in present]
    extras = [extra_comparison(c) for c in config.extra_columns if c in present]
    return base + extras
