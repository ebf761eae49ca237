"""The same linkage on Spark (local mode): same pairs, same clusters as on DuckDB.

Needs pyspark and Java 17; skipped without them. Slow: a local Spark session runs each
of Splink's many small training queries as a job (minutes for a few hundred records).
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.linkage.test_febrl import GENERIC, febrl4_slice
from unforgotten.linkage import link_records

pytestmark = pytest.mark.slow


def test_spark_matches_duckdb() -> None:
    pytest.importorskip("pyspark")
    records = febrl4_slice(100).drop(columns="person")
    config = dataclasses.replace(GENERIC, u_max_pairs=2e4)
    on_spark = link_records(records, config=config, engine="spark")
    on_duckdb = link_records(records, config=config, engine="duckdb")
    assert on_spark.clusters.to_dict() == on_duckdb.clusters.to_dict()
    both = on_spark.pairs.merge(on_duckdb.pairs, on=["unique_id_l", "unique_id_r"])
    assert len(both) == len(on_duckdb.pairs)
    assert (both["match_probability_x"] - both["match_probability_y"]).abs().max() < 1e-3
