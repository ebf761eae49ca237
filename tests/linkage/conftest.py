"""Fixtures of the linkage tests: a small synthetic store and a model trained on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unforgotten.domain.dates import parse_partial_date
from unforgotten.linkage import LinkageConfig, LinkageResult, link_records

#: Small samples keep the suite fast; the benchmarks use the full sizes.
FAST = LinkageConfig(u_max_pairs=2e5, em_max_pairs=None, threads=2)


def with_parsed_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the parsed date columns the integrator passes (year, month, day, precision)."""
    frame = frame.copy()
    for column, prefix in (("birth_date", "birth"), ("event_date", "event")):
        parsed = [parse_partial_date(v) for v in frame[column].fillna("")]
        frame[f"{prefix}_year"] = [p.start.year if p.start else None for p in parsed]
        frame[f"{prefix}_month"] = [
            p.start.month if p.start and p.precision in ("day", "month") else None for p in parsed
        ]
        frame[f"{prefix}_day"] = [p.start.day if p.start and p.precision == "day" else None for p in parsed]
        frame[f"{prefix}_precision"] = [p.precision for p in parsed]
    return frame


@pytest.fixture(scope="session")
def synthetic() -> pd.DataFrame:
    """About 2,000 records of 1,000 persons in five lists, with a ``person`` column."""
    from unforgotten.synth.bench import linkage_lists

    lists = linkage_lists(1000, seed=3)
    rows = [
        {**row, "source": source.name, "person": lists.truth[(source.name, row["record_id"])]}
        for source in lists.lists
        for row in source.rows
    ]
    frame = pd.DataFrame(rows)
    frame["unique_id"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return with_parsed_dates(frame)


@pytest.fixture(scope="session")
def linked(synthetic: pd.DataFrame) -> LinkageResult:
    """The synthetic store linked once with the Korean profile."""
    return link_records(synthetic.drop(columns="person"), config=FAST)
