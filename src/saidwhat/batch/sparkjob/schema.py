"""The Spark side of the store's schema: types, table schemas, and ``schema.json``.

Everything comes from :data:`saidwhat.store.SCHEMA`, so the Spark output follows the store's
columns; executors and the driver both read these names.
"""
from __future__ import annotations

import json
from typing import Any

from saidwhat.errors import SaidwhatError
from saidwhat.store import ROW_TABLES, SCHEMA, SCHEMA_VERSION, TABLES, column_type

PARTITION_COLUMNS = ("part_site", "part_month")
UNKNOWN = "unknown"  # partition value when an article has no site or no date
LOG = "ingest_log"
ERRORS = "errors"


def spark_type(duckdb_type: str) -> Any:
    """The Spark SQL type of a column type of :data:`saidwhat.store.SCHEMA`."""
    from pyspark.sql import types as T

    base = column_type(duckdb_type).strip().upper()
    depth = 0
    while base.endswith("[]"):
        base, depth = base[:-2], depth + 1
    scalar = {"VARCHAR": T.StringType(), "INTEGER": T.IntegerType(), "BIGINT": T.LongType(),
              "DOUBLE": T.DoubleType(), "BOOLEAN": T.BooleanType(), "DATE": T.DateType(),
              "TIMESTAMP": T.TimestampType()}.get(base)
    if scalar is None:
        raise ValueError(f"no Spark type for {duckdb_type!r}")
    for _ in range(depth):
        scalar = T.ArrayType(scalar, containsNull=True)
    return scalar


def table_schema(table: str, partitions: bool = False) -> Any:
    """A table's Spark schema: the export's columns in order (plus the partition columns)."""
    from pyspark.sql import types as T

    fields = [T.StructField(name, spark_type(ctype), True) for name, ctype, _ in SCHEMA[table]]
    if partitions:
        fields += [T.StructField(c, T.StringType(), True) for c in PARTITION_COLUMNS]
    return T.StructType(fields)


def units_schema() -> Any:
    """One row per unit of input: its order, its partition, its log row, its article's rows."""
    from pyspark.sql import types as T

    fields = [T.StructField("file_idx", T.IntegerType(), False),
              T.StructField("seq", T.IntegerType(), False),
              T.StructField("part_site", T.StringType(), True),
              T.StructField("part_month", T.StringType(), True),
              T.StructField("log", table_schema(LOG), False)]
    fields += [T.StructField(t, T.ArrayType(table_schema(t), False), False) for t in ROW_TABLES]
    return T.StructType(fields)


def check_version(fs: Any) -> None:
    """Refuse to append to the output of another schema version (E105)."""
    try:
        text = fs.read_text("schema.json")
        version = json.loads(text)["schema_version"] if text else SCHEMA_VERSION
    except (ValueError, KeyError, TypeError):
        version = None
    if version != SCHEMA_VERSION:
        raise SaidwhatError("E105", f"{fs.root} holds output of schema version {version}, not "
                                    f"{SCHEMA_VERSION}: write to another directory, or --overwrite")


def write_schema(fs: Any) -> None:
    """``schema.json`` as ``saidwhat export`` writes it, plus how the directories are laid out."""
    schema = {"schema_version": SCHEMA_VERSION, "format": "parquet",
              "tables": {t: [{"name": c, "type": column_type(ty), "doc": d} for c, ty, d in SCHEMA[t]]
                         for t in TABLES},
              "layout": {"writer": "saidwhat spark",
                         "partitioned_by": {t: list(PARTITION_COLUMNS) for t in ROW_TABLES},
                         "files": {t: f"{t}/part_site=*/part_month=*/*.parquet" for t in ROW_TABLES}
                         | {LOG: f"{LOG}/*.parquet", ERRORS: f"{ERRORS}/*.parquet"}}}
    fs.write_text("schema.json", json.dumps(schema, indent=2))
