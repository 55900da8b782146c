"""The driver of ``saidwhat spark``: list and pack the inputs, run the executors, write the output.

Files go into tasks of about ``target_mb`` each. Local paths (or a filesystem mounted on every
node) are streamed from disk by the executors; other URIs come through
``SparkContext.binaryFiles`` (one file per record, spilled to a local temporary file so the
readers can seek in it). Files an earlier run finished are not read again (``resume``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from saidwhat import readers
from saidwhat.batch.sparkjob.executor import JobConfig, metered, run_binary, run_paths
from saidwhat.batch.sparkjob.fs import HadoopFS, out_root
from saidwhat.batch.sparkjob.inputs import GLOB_SPECIAL, Input, list_inputs, pack
from saidwhat.batch.sparkjob.output import done_files, known_units, read_log, write_log, write_tables
from saidwhat.batch.sparkjob.schema import ERRORS, LOG, check_version, units_schema, write_schema
from saidwhat.batch.sparkjob.session import SPARK_ERROR, active_session, session
from saidwhat.batch.unit import DEFAULT_EXTRACTOR, Report
from saidwhat.errors import SaidwhatError
from saidwhat.store.parquet import normalize_uri


@dataclass
class SparkReport(Report):
    """What one Spark run did; the output directory holds the rest."""

    files: int = 0
    files_skipped: int = 0  # finished by an earlier run (resume)
    tasks: int = 0
    seconds: float = 0.0
    out: str = ""
    new_rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # list, extract, write, log (seconds)
    worker_cpu_s: float = 0.0  # CPU seconds of the Python workers (read, extract, hand over rows)
    worker_wall_s: float = 0.0  # wall seconds of the same, summed over tasks

    def line(self) -> str:
        rate = self.units / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.units:,} units: ok {self.ok:,}, skipped {self.skipped:,}, failed "
                f"{self.failed:,}; {self.new_articles:,} new articles; {self.files:,} files in "
                f"{self.tasks:,} tasks ({self.files_skipped:,} done earlier); {self.seconds:.1f} s "
                f"({rate:.1f} units/s)")


@dataclass(frozen=True)
class _Request:
    """One call of :func:`run`, as the driver's steps need it."""

    inputs: list[str]
    out_dir: str
    options: readers.Options
    spec: str
    resume: bool
    overwrite: bool
    fetch: str
    target_mb: float
    timeout: float
    isolate: str
    started: float


def run(inputs: list[str], out_dir: str, master: str | None = None, *,
        options: readers.Options | None = None, extractor_spec: str = DEFAULT_EXTRACTOR,
        resume: bool = True, overwrite: bool = False, fetch: str = "auto",
        target_mb: float = 64.0, timeout: float = 600.0, isolate: str = "retry",
        spark: Any = None, conf: dict[str, str] | None = None) -> SparkReport:
    """Run the pipeline over ``inputs`` on Spark and write Parquet under ``out_dir``.

    ``inputs``: local files, directories or globs, or Hadoop URIs (``s3a://bucket/crawl/*.warc.gz``).
    ``master``: ``local[2]``, ``yarn``, ``spark://host:7077``...; None takes the active session,
    spark-submit's master, or ``local[<cores>]``. ``fetch``: ``auto`` reads local paths in place
    and URIs through ``binaryFiles``; ``binary`` ships every file through ``binaryFiles`` (for
    local paths that the executors cannot see). ``resume``: skip files an earlier run finished.
    ``overwrite``: delete ``out_dir`` first. Returns a :class:`SparkReport`; raises
    :class:`SaidwhatError` when the job cannot start (no pyspark, no Java, no input).
    """
    if fetch not in ("auto", "binary"):
        raise SaidwhatError(SPARK_ERROR, f"fetch must be auto or binary, not {fetch!r}")
    if isolate not in ("retry", "always", "never"):
        raise SaidwhatError(SPARK_ERROR, f"isolate must be retry, always or never, not {isolate!r}")
    if not inputs:
        raise SaidwhatError("E108", "no input paths given")
    request = _Request(inputs, out_dir, options or readers.Options(), extractor_spec, resume,
                       overwrite, fetch, target_mb, timeout, isolate, time.monotonic())
    own_session = spark is None and active_session() is None
    spark = spark or session(master, conf=conf)
    try:
        return _run(spark, request)
    finally:
        if own_session:
            spark.stop()


def _run(spark: Any, request: _Request) -> SparkReport:
    """List, extract on the executors, write; the report of it."""
    from pyspark import StorageLevel

    fs = HadoopFS(spark, out_root(request.out_dir, spark))
    if request.overwrite and fs.exists():
        fs.delete()
    check_version(fs)
    fs.recover(LOG)
    fs.recover(ERRORS)
    report = SparkReport(out=fs.root)
    old_log = read_log(spark, fs)
    listing, config = _plan(spark, request, fs.root, old_log, report)
    rows, cpu, wall = _rows(spark, listing, config, request.target_mb, report)
    report.timings["list"] = round(time.monotonic() - request.started, 3)
    if rows is None:  # everything was done earlier
        report.seconds = time.monotonic() - request.started
        write_schema(fs)
        return report
    units = spark.createDataFrame(rows, units_schema(), verifySchema=False)
    units = units.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        mark = time.monotonic()
        counts = dict(units.groupBy("log.status").count().collect())
        report.ok, report.skipped, report.failed = (int(counts.get(s, 0)) for s in ("ok", "skipped", "failed"))
        report.timings["extract"] = round(time.monotonic() - mark, 3)
        report.worker_cpu_s, report.worker_wall_s = round(cpu.value, 3), round(wall.value, 3)
        mark = time.monotonic()
        report.new_rows = write_tables(spark, units, fs)
        report.new_articles = report.new_rows.get("articles", 0)
        report.timings["write"] = round(time.monotonic() - mark, 3)
        mark = time.monotonic()
        write_log(spark, units, old_log, fs)
        report.timings["log"] = round(time.monotonic() - mark, 3)
    finally:
        units.unpersist()
    report.seconds = time.monotonic() - request.started
    return report


def _plan(spark: Any, request: _Request, root: str, old_log: Any,
          report: SparkReport) -> tuple[list[Input], JobConfig]:
    """The files to read this time (never our own output; not those a run finished, on resume)
    and what the executors need to know."""
    listing = [i for i in list_inputs(request.inputs, spark, request.fetch)
               if not (i.path == root or i.path.startswith(root.rstrip("/") + "/"))]
    if not any(i.problem is None for i in listing):
        raise SaidwhatError("E006", ", ".join(request.inputs))
    known: dict[str, frozenset[str]] = {}
    if request.resume and old_log is not None:
        done = done_files(old_log)
        kept = [i for i in listing if i.path not in done]
        report.files_skipped = len(listing) - len(kept)
        listing = kept
        known = known_units(old_log, {i.path for i in listing})
    report.files = sum(1 for i in listing if i.problem is None)
    config = JobConfig(spec=request.spec, options=request.options, timeout=request.timeout,
                       isolate=request.isolate, known=known)
    return listing, config


def _rows(spark: Any, listing: list[Input], config: JobConfig, target_mb: float,
          report: SparkReport) -> tuple[Any, Any, Any]:
    """The RDD of unit rows (None when there is nothing to read) and the CPU and wall-time
    accumulators of the Python workers."""
    sc = spark.sparkContext
    cores = max(1, sc.defaultParallelism)
    total = sum(i.size for i in listing)
    # About 4 tasks per core when the input is small, else target_mb per task.
    target = max(1, min(int(target_mb * (1 << 20)), -(-total // (4 * cores))))
    by_path = [i for i in listing if i.fetch == "path"]
    by_bytes = [i for i in listing if i.fetch == "binary"]
    rdds = []
    cpu, wall = sc.accumulator(0.0), sc.accumulator(0.0)
    if by_path:
        groups = [[(i.idx, i.path, i.problem) for i in g] for g in pack(by_path, target)]
        report.tasks += len(groups)
        rdds.append(sc.parallelize(groups, len(groups)).mapPartitions(
            lambda it, c=config, a=cpu, w=wall: metered(run_paths(it, c), a, w)))
    if by_bytes:
        slices = len(pack(by_bytes, target))
        report.tasks += slices
        index = {normalize_uri(i.uri or i.path): (i.idx, i.path) for i in by_bytes}
        bindex = sc.broadcast(index)
        joined = ",".join(GLOB_SPECIAL.sub(r"\\\1", i.uri or i.path) for i in by_bytes)
        rdds.append(sc.binaryFiles(joined, minPartitions=slices).mapPartitions(
            lambda it, c=config, b=bindex, a=cpu, w=wall: metered(run_binary(it, b.value, c), a, w)))
    if not rdds:
        return None, cpu, wall
    return (rdds[0] if len(rdds) == 1 else sc.union(rdds)), cpu, wall
