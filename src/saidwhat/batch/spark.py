"""The same pipeline on Apache Spark: inputs spread over executors, Parquet out (issue 6).

    saidwhat spark INPUT... --out DIR [--master local[2]]
    spark-submit ... saidwhat/batch/spark.py INPUT... --out DIR

What happens:

* The driver lists the inputs in the order ``saidwhat ingest`` reads them and packs the files
  into tasks (:mod:`~saidwhat.batch.sparkjob.inputs`, :mod:`~saidwhat.batch.sparkjob.driver`).
* Each task runs in an executor's Python worker (:mod:`~saidwhat.batch.sparkjob.executor`):
  every file goes through the same unit of work as the local ingest
  (:mod:`saidwhat.batch.unit`), so a unit gives the same rows, reason or article id in both. One
  extractor is loaded per Python worker process and kept for its later tasks.
* Output, under ``--out DIR``: ``articles``, ``attributions``, ``speakers``, ``unattributed`` and
  ``relations`` as Parquet with exactly the columns and types of ``saidwhat export``, partitioned
  by ``part_site=<host>/part_month=<YYYY-MM>`` (directory names only: the files hold the export's
  columns and nothing else); ``ingest_log`` (every unit, one row each, as in the store) and
  ``errors`` (its skipped and failed rows, same columns); ``schema.json`` as the export writes it
  (:mod:`~saidwhat.batch.sparkjob.output`).

Re-runs: ids are deterministic (article id = hash of URL and text; unit id = path plus position),
and tables are appended to only with articles they do not hold yet, so running the same inputs
again - after a crash, with more inputs, or by mistake - never duplicates a row and never drops
one from an earlier run; files that an earlier run finished are not read again (``resume``).

Bad input never fails the job: readers turn it into skipped/failed units; an exception in one
unit fails that unit; a chunk that takes longer than ``timeout`` is retried unit by unit and the
slow unit is logged as ``timeout:over N s``; a unit that kills its Python worker fails the task,
Spark retries the task, and a retried task runs each unit in a forked child, so the culprit is
logged as ``crash:worker exited with code N`` and the rest of the file goes through
(:mod:`~saidwhat.batch.sparkjob.isolate`).

pyspark is an optional dependency (``pip install 'saidwhat[spark]'``); it is imported only when a
job runs, so the rest of saidwhat works without it. This module is the face of
:mod:`saidwhat.batch.sparkjob`, and the script ``spark-submit`` runs.
"""
from __future__ import annotations

from saidwhat.batch.sparkjob.driver import SparkReport, run
from saidwhat.batch.sparkjob.executor import (_EXTRACTORS, CHUNK, JobConfig, extractor, file_outcomes,
                                              metered, run_binary, run_paths, unit_row, worker_stats)
from saidwhat.batch.sparkjob.inputs import Input, list_inputs, pack
from saidwhat.batch.sparkjob.inputs import hadoop_expand as _hadoop_expand
from saidwhat.batch.sparkjob.schema import (ERRORS, LOG, PARTITION_COLUMNS, UNKNOWN, spark_type,
                                            table_schema, units_schema)
from saidwhat.batch.sparkjob.session import SPARK_ERROR, local_master, session, with_retries
from saidwhat.batch.unit import DEFAULT_EXTRACTOR
from saidwhat.store.parquet import attach_parquet, normalize_uri

__all__ = ["run", "attach_parquet", "SparkReport", "list_inputs", "extractor", "worker_stats",
           "session", "metered", "normalize_uri", "DEFAULT_EXTRACTOR", "ERRORS", "LOG",
           "SPARK_ERROR", "PARTITION_COLUMNS", "UNKNOWN", "CHUNK", "JobConfig", "Input", "pack",
           "file_outcomes", "run_paths", "run_binary", "unit_row", "spark_type", "table_schema",
           "units_schema", "local_master", "with_retries", "_EXTRACTORS", "_hadoop_expand"]

if __name__ == "__main__":
    # Under spark-submit this file is __main__; run the command line instead, so that the
    # functions shipped to executors (and the extractor cache) are those of the importable
    # saidwhat.batch.sparkjob modules, not copies in __main__.
    import runpy

    runpy.run_module("saidwhat.cli.spark", run_name="__main__")
