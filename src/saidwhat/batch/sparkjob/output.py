"""What a Spark job writes: the article tables appended without duplicates, the log merged.

Every table is appended to only with rows whose ``article_id`` it does not hold yet, so running
the same inputs again never duplicates a row and never drops one from an earlier run (we chose
this over overwriting partitions: a later run whose articles fall into an existing site/month
would wipe that partition's earlier articles). ``ingest_log`` is rewritten whole (new rows
replace old rows of the same unit, as in the store) and swapped in; ``errors`` follows it.
"""
from __future__ import annotations

import uuid
from typing import Any

from saidwhat.batch.sparkjob.fs import HadoopFS
from saidwhat.batch.sparkjob.schema import ERRORS, LOG, PARTITION_COLUMNS, table_schema, write_schema
from saidwhat.store import ORDER, ROW_TABLES, SCHEMA
from saidwhat.store.parquet import key_column


def read_log(spark: Any, fs: HadoopFS) -> Any:
    """The log an earlier run left under the output directory, or None."""
    if not fs.has_data(LOG):
        return None
    return spark.read.schema(table_schema(LOG)).parquet(f"{fs.root}/{LOG}")


def done_files(log: Any) -> set[str]:
    """Files an earlier run finished (as Store.done_files): their file-level row is ok or
    skipped, and none of their units failed."""
    log.createOrReplaceTempView("_saidwhat_old_log")
    rows = log.sparkSession.sql(
        "SELECT unit FROM _saidwhat_old_log WHERE kind IN ('file', 'container') AND status <> 'failed' "
        "AND unit NOT IN (SELECT source FROM _saidwhat_old_log WHERE status = 'failed')").collect()
    return {r[0] for r in rows}


def known_units(log: Any, sources: set[str]) -> dict[str, frozenset[str]]:
    """Units of files about to be read again that an earlier run handled (ok or skipped)."""
    if not sources:
        return {}
    from pyspark.sql import functions as F

    rows = (log.where((F.col("status") != "failed") & F.col("source").isin(list(sources))
                      & F.col("kind").isin("record", "line"))
            .groupBy("source").agg(F.collect_list("unit")).collect())
    return {r[0]: frozenset(r[1]) for r in rows}


def write_tables(spark: Any, units: Any, fs: HadoopFS) -> dict[str, int]:
    """Append each article table's new rows, partitioned by site and month; rows per table."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    # The first unit (in input order) that reached an article stores it, as in the store.
    first = Window.partitionBy(F.col("log.article_id")).orderBy("file_idx", "seq")
    winners = (units.where(F.size("articles") > 0)
               .withColumn("_n", F.row_number().over(first)).where("_n = 1").drop("_n")
               # one shuffle for all tables: each task then holds whole site/month partitions
               # and writes one file per partition and table
               .repartition(*PARTITION_COLUMNS)
               .persist(StorageLevel.MEMORY_AND_DISK))
    try:
        sizes = winners.select(*[F.sum(F.size(t)).alias(t) for t in ROW_TABLES]).first()
        return {t: _append(spark, winners, fs, t, int(sizes[t] or 0)) for t in ROW_TABLES}
    finally:
        winners.unpersist()


def _append(spark: Any, winners: Any, fs: HadoopFS, table: str, size: int) -> int:
    """Append one table's rows of articles it does not hold yet; how many were new."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    names = [c for c, _, _ in SCHEMA[table]]
    df = (winners.select(F.explode(table).alias("r"), *PARTITION_COLUMNS)
          .select(*[F.col(f"r.{c}").alias(c) for c in names], *PARTITION_COLUMNS))
    key = key_column(table)
    cached = fs.has_data(table)
    if cached:  # keep only articles this table does not hold yet
        existing = (spark.read.schema(table_schema(table, partitions=True))
                    .parquet(f"{fs.root}/{table}").select(F.col(key).alias("_k")).distinct())
        df = df.join(existing, df[key] == existing["_k"], "left_anti")
        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        size = df.count()
    try:
        if size:
            order = [c.strip() for c in ORDER[table].split(",")]
            (df.sortWithinPartitions(*PARTITION_COLUMNS, *order)
             .write.mode("append").partitionBy(*PARTITION_COLUMNS).parquet(f"{fs.root}/{table}"))
    finally:
        if cached:
            df.unpersist()
    return size


def write_log(spark: Any, units: Any, old_log: Any, fs: HadoopFS) -> None:
    """The log: this run's rows replace earlier rows of the same unit; errors follow the log."""
    root = fs.root
    log = units.select("log.*")
    if old_log is not None:
        log = old_log.join(log.select("unit"), "unit", "left_anti").unionByName(log)
    tag = uuid.uuid4().hex[:8]
    log.coalesce(1).sortWithinPartitions("unit").write.mode("overwrite").parquet(f"{root}/_{LOG}.{tag}")
    fs.swap(f"_{LOG}.{tag}", LOG)
    merged = spark.read.schema(table_schema(LOG)).parquet(f"{root}/{LOG}")
    (merged.where("status <> 'ok'").coalesce(1).sortWithinPartitions("unit")
     .write.mode("overwrite").parquet(f"{root}/_{ERRORS}.{tag}"))
    fs.swap(f"_{ERRORS}.{tag}", ERRORS)
    write_schema(fs)
