"""The table Splink receives, per profile.

All profiles build the feature table of :mod:`unforgotten.linkage.features`; they differ
in the name and place functions: Korean ones (``korean``), language-neutral normalisation
(``generic``), or the name exactly as written (``plain``, the benchmark baseline).
"""

from __future__ import annotations

import os

import pandas as pd

from unforgotten.linkage.config import LinkageConfig
from unforgotten.linkage.features import (
    GenericNames,
    RawNames,
    build_features,
    cap_name_keys,
    no_places,
)
from unforgotten.linkage.korean_features import KoreanNames, korean_places

__all__ = ["CANONICAL_COLUMNS", "prepare"]

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
    "birth_lunar",
    "birth_place",
    "case_type",
    "event_date",
    "event_year",
    "event_place",
)


def prepare(records: pd.DataFrame, *, config: LinkageConfig) -> pd.DataFrame:
    """The table to link under ``config.profile``."""
    if config.profile == "plain":
        return build_features(records, names=RawNames(), places=no_places, extra_columns=config.extra_columns)
    if config.profile == "korean":
        features = build_features(
            records,
            names=KoreanNames(),
            places=korean_places,
            extra_columns=config.extra_columns,
            workers=config.threads or os.cpu_count() or 1,
        )
        return cap_name_keys(features, max_records=config.max_key_records)
    return build_features(records, names=GenericNames(), places=no_places, extra_columns=config.extra_columns)
