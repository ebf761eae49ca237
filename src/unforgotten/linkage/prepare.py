"""The table Splink receives, per profile.

``korean`` and ``generic`` build the feature table of :mod:`unforgotten.linkage.features`
(Korean name and place functions, or language-neutral ones); ``plain`` passes the raw
columns through, as a user of Splink without our feature step would.
"""

from __future__ import annotations

import pandas as pd

from unforgotten.linkage.config import LinkageConfig
from unforgotten.linkage.features import GenericNames, build_features, no_places

__all__ = ["CANONICAL_COLUMNS", "plain_table", "prepare"]

#: Columns the integrator passes (any may be missing; missing means unknown).
CANONICAL_COLUMNS = (
    "unique_id",
    "source",
    "record_id",
    "full_name",
    "family_name",
    "given_name",
    "name_hangul",
    "aliases",
    "sex",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_precision",
    "birth_place",
    "case_type",
    "event_date",
    "event_year",
    "event_place",
)

_PLAIN_TEXT = ("sex", "birth_date", "birth_place", "case_type", "event_date")


def _text(records: pd.DataFrame, column: str) -> pd.Series:
    if column not in records.columns:
        return pd.Series(pd.NA, index=records.index, dtype="string")
    values = records[column].astype("string").str.strip()
    return values.mask(values == "")


def plain_table(records: pd.DataFrame, *, extra_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Raw columns; ``full_name`` falls back to family and given name joined."""
    joined = (_text(records, "family_name").fillna("") + " " + _text(records, "given_name").fillna(""))
    joined = joined.str.strip().mask(joined.str.strip() == "")
    table = pd.DataFrame(
        {
            "unique_id": records["unique_id"].astype("int64"),
            "source": _text(records, "source"),
            "full_name": _text(records, "full_name").fillna(joined),
        }
    )
    for column in (*_PLAIN_TEXT, *extra_columns):
        table[column] = _text(records, column)
    return table.reset_index(drop=True)


def prepare(records: pd.DataFrame, *, config: LinkageConfig) -> pd.DataFrame:
    """The table to link under ``config.profile``."""
    if config.profile == "plain":
        return plain_table(records, extra_columns=config.extra_columns)
    if config.profile == "korean":
        from unforgotten.linkage.korean_features import KoreanNames, korean_places

        return build_features(
            records, names=KoreanNames(), places=korean_places, extra_columns=config.extra_columns
        )
    return build_features(
        records, names=GenericNames(), places=no_places, extra_columns=config.extra_columns
    )
