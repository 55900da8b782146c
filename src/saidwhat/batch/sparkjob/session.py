"""Getting a SparkSession: the active one, spark-submit's, or a local one that works offline.

Local masters get loopback addresses, this Python for the workers, no UI, and task retries
(which is what isolates a unit that kills its Python worker).
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any

from saidwhat import readers
from saidwhat.errors import SaidwhatError

SPARK_ERROR = "E120"  # Spark cannot run here: no pyspark, no Java, a master that does not answer


def spark_missing() -> SaidwhatError:
    return SaidwhatError(SPARK_ERROR, "pyspark is not installed: pip install 'saidwhat[spark]' "
                                      "(Spark 4 also needs Java 17 or newer)")


def active_session() -> Any:
    """The SparkSession already running in this process, or None (E120 without pyspark)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise spark_missing() from None
    return SparkSession.getActiveSession()


def local_master(master: str | None) -> bool:
    return master is None or master.startswith("local")


def with_retries(master: str, failures: int = 4) -> str:
    """``local[N]`` -> ``local[N,4]``: local mode retries no task unless told to, and a retried
    task is what isolates a unit that kills its worker."""
    match = re.fullmatch(r"local\[(\d+|\*)\]", master.strip())
    if match:
        return f"local[{match.group(1)},{failures}]"
    if master.strip() == "local":
        return f"local[1,{failures}]"
    return master


def session(master: str | None = None, app_name: str = "saidwhat", conf: dict[str, str] | None = None) -> Any:
    """The active SparkSession, or a new one (local masters get loopback, this Python, no UI)."""
    active = active_session()
    if active is not None:
        return active
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    running_under_submit = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started us
    if master is not None:
        builder = builder.master(with_retries(master))
    elif not running_under_submit and not os.environ.get("MASTER"):
        builder = builder.master(with_retries(f"local[{os.cpu_count() or 1}]"))
        master = "local"
    if master is not None and local_master(master):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = (builder.config("spark.ui.enabled", "false")
                   .config("spark.sql.shuffle.partitions", "8")
                   .config("spark.driver.bindAddress", "127.0.0.1"))
    builder = builder.config("spark.sql.parquet.compression.codec", "zstd")
    if not sys.stderr.isatty():  # no progress bars in logs and captured output
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - no Java, bad master: one line
        raise SaidwhatError(SPARK_ERROR, f"the Spark session did not start (is Java 17+ installed? "
                                         f"JAVA_HOME?): {readers.short(exc)}") from None
    spark.sparkContext.setLogLevel("WARN")
    return spark
