"""Where the linkage SQL runs: DuckDB in this process (default) or a Spark session.

DuckDB needs nothing: an in-memory database with its spill directory in a temporary
folder. Spark needs ``pyspark`` (an optional dependency); without a session given, a
local one is started (``local[*]``), which is what the tests use. On a cluster, pass
the cluster's session, started with Splink's similarity functions on its class path
(``spark.jars`` = ``splink.backends.spark.similarity_jar_location()``: Jaro-Winkler is
not built into Spark SQL).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import duckdb
from splink import DuckDBAPI
from splink.internals.database_api import DatabaseAPI

from unforgotten.errors import ConfigError
from unforgotten.linkage.config import LinkageConfig

__all__ = ["Engine", "database_api"]

Engine = Literal["duckdb", "spark"]


def _duckdb_connection(config: LinkageConfig, spill: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET preserve_insertion_order = false")
    if config.threads is not None:
        con.execute(f"SET threads = {int(config.threads)}")
    if config.memory_limit is not None:
        con.execute("SET memory_limit = ?", [config.memory_limit])
    return con


def _local_spark(config: LinkageConfig) -> Any:
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415  (pyspark is optional)
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ConfigError("--engine spark needs pyspark: pip install pyspark") from error
    from splink.backends.spark import similarity_jar_location  # noqa: PLC0415  (needs pyspark)

    cores = config.threads or "*"
    builder = SparkSession.builder.master(f"local[{cores}]").appName("unforgotten-link")
    builder = builder.config("spark.jars", similarity_jar_location())
    builder = builder.config("spark.sql.shuffle.partitions", "8")
    builder = builder.config("spark.ui.enabled", "false")
    return builder.getOrCreate()


@contextmanager
def database_api(
    engine: Engine, *, config: LinkageConfig, spark_session: Any = None
) -> Iterator[DatabaseAPI[Any]]:
    """A Splink database API for ``engine``, closed (DuckDB) when the block ends."""
    if engine == "duckdb":
        with tempfile.TemporaryDirectory(prefix="unforgotten-link-") as spill:
            con = _duckdb_connection(config, spill)
            try:
                yield DuckDBAPI(connection=con)
            finally:
                con.close()
    elif engine == "spark":
        from splink import SparkAPI  # noqa: PLC0415  (needs pyspark)

        session = spark_session if spark_session is not None else _local_spark(config)
        with tempfile.TemporaryDirectory(prefix="unforgotten-spark-") as checkpoints:
            if session.sparkContext.getCheckpointDir() is None:
                session.sparkContext.setCheckpointDir(checkpoints)
            yield SparkAPI(spark_session=session)
    else:
        raise ConfigError(f"engine {engine!r} is not duckdb or spark")
