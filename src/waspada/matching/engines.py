"""Splink backends: DuckDB (embedded, the default) and Spark (distributed) behind one call,
and how feature frames and the name-frequency table are registered with either."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from waspada.matching.splink_features import name_term_frequencies
from waspada.platform.settings import get_settings

__all__ = ["ENGINES", "make_db_api", "register_frame", "register_name_frequencies",
           "spark_session", "table_name"]

ENGINES = ("duckdb", "spark")

_SPARK: Any = None


def spark_session(app_name: str = "waspada-matching", master: str | None = None) -> Any:
    """A local (or configured) Spark session; reused within the process.

    Shuffle partitions come from the settings (``WASPADA_SPARK_PARTITIONS``); an active
    session created beforehand (``spark-submit``) is reused as it is.
    """
    global _SPARK
    if _SPARK is None:
        import tempfile

        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        builder = SparkSession.builder.appName(app_name).master(master or "local[2]")
        # Spark would otherwise create ./spark-warehouse in the caller's directory
        builder = builder.config("spark.sql.warehouse.dir",
                                 tempfile.mkdtemp(prefix="waspada-spark-warehouse-"))
        builder = builder.config("spark.sql.shuffle.partitions",
            str(get_settings().spark_partitions)).config(
            "spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config(
            "spark.driver.memory", "4g").config(
            "spark.jars", similarity_jar_location())
        _SPARK = builder.getOrCreate()
        _SPARK.sparkContext.setLogLevel("ERROR")
        _SPARK.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="waspada-spark-"))
    return _SPARK


def make_db_api(engine: str = "duckdb") -> Any:
    """Splink's database API for ``engine`` (``duckdb`` or ``spark``)."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark_session(), break_lineage_method="persist")
    raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")


def table_name(prefix: str) -> str:
    """A fresh table name (several runs may share one Spark session)."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def register_frame(db_api: Any, engine: str, frame: Any, name: str) -> Any:
    """Register a pandas feature frame as a Splink table (on Spark with an explicit schema:
    the token array, integer years, booleans and floats keep their types)."""
    if engine == "spark":
        import pyspark.sql.types as T

        spark = spark_session()

        def spark_type(col: str) -> Any:
            if col == "name_tokens":
                return T.ArrayType(T.StringType())
            kind = frame[col].dtype.kind
            if col == "dob_year" or kind in "iu":
                return T.LongType()
            return {"b": T.BooleanType(), "f": T.DoubleType()}.get(kind, T.StringType())

        schema = T.StructType([T.StructField(c, spark_type(c), True) for c in frame.columns])
        pdf = frame.astype(object).where(frame.notna(), None)
        rows = [tuple(r) for r in pdf.itertuples(index=False, name=None)]
        sdf = spark.createDataFrame(rows, schema=schema)
        return db_api.register(sdf, table_name=name)
    return db_api.register(frame, table_name=name)


def register_name_frequencies(db_api: Any, engine: str, frames: Sequence[Any]) -> None:
    """Hand Splink this data's name frequencies (:func:`name_term_frequencies`) in place of
    the table it would compute for the exact-name level."""
    tf = name_term_frequencies(frames)
    sdf = register_frame(db_api, engine, tf, table_name("tf_name"))
    db_api._intermediate_table_cache["__splink__df_tf_name_canon"] = (
        db_api.table_to_splink_dataframe("__splink__df_tf_name_canon", sdf.physical_name))
