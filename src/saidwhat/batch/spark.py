"""The same pipeline on Apache Spark: inputs spread over executors, Parquet out (issue 6).

    saidwhat spark INPUT... --out DIR [--master local[2]]
    spark-submit ... saidwhat/spark_job.py INPUT... --out DIR

What happens:

* The driver lists the inputs in the order ``saidwhat ingest`` reads them (local paths through
  :func:`saidwhat.readers.expand`; ``s3a://``, ``hdfs://``, ``gs://``... through Hadoop's
  FileSystem) and packs the files into tasks of about ``target_mb`` each.
* Each task runs in an executor's Python worker. Local paths (or a filesystem mounted on every
  node) are streamed from disk; other URIs come through ``SparkContext.binaryFiles`` (one file per
  record, spilled to a local temporary file so the readers can seek in it). Each file goes through
  the same code as the local ingest: :func:`saidwhat.readers.iter_units`, then
  :func:`saidwhat.batch.ingest.process` (readers.prepare, ``Pipeline.pipe``, store.rows_for) - so a
  unit gives the same rows, the same reason or the same article id in both.
* One extractor (``saidwhat.Pipeline``) is loaded per Python worker process, lazily, and kept in
  a module-level cache for every later task of that process (Spark reuses its Python workers).
* Output, under ``--out DIR``: ``articles``, ``attributions``, ``speakers``, ``unattributed`` and
  ``relations`` as Parquet with exactly the columns and types of ``saidwhat export``, partitioned
  by ``part_site=<host>/part_month=<YYYY-MM>`` (directory names only: the files hold the export's
  columns and nothing else); ``ingest_log`` (every unit, one row each, as in the store) and
  ``errors`` (its skipped and failed rows, same columns); ``schema.json`` as the export writes it.

Re-runs: ids are deterministic (article id = hash of URL and text; unit id = path plus position),
and every table is appended to only with rows whose ``article_id`` it does not hold yet, so
running the same inputs again - after a crash, with more inputs, or by mistake - never duplicates
a row and never drops one from an earlier run (we chose this over overwriting partitions: a later
run whose articles fall into an existing site/month would wipe that partition's earlier
articles). ``ingest_log`` is rewritten whole (new rows replace old rows of the same unit, as in
the store), and files that an earlier run finished are not read again (``resume``).

Bad input never fails the job: readers turn it into skipped/failed units; an exception in one
unit fails that unit; a chunk that takes longer than ``timeout`` is retried unit by unit and the
slow unit is logged as ``timeout:over N s``; a unit that kills its Python worker fails the task,
Spark retries the task, and a retried task runs each unit in a forked child, so the culprit is
logged as ``crash:worker exited with code N`` and the rest of the file goes through.

pyspark is an optional dependency (``pip install 'saidwhat[spark]'``); this module imports it only
when a job runs, so the rest of saidwhat works without it.
"""
from __future__ import annotations

import datetime
import json
import os
import pickle
import re
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

from saidwhat import readers
from saidwhat.batch import ingest
from saidwhat.errors import SaidwhatError
from saidwhat.store.parquet import attach_parquet, is_uri, key_column, normalize_uri
from saidwhat.store import ORDER, ROW_TABLES, SCHEMA, SCHEMA_VERSION, TABLES, _type

DEFAULT_EXTRACTOR = "saidwhat:Pipeline"
PARTITION_COLUMNS = ("part_site", "part_month")
UNKNOWN = "unknown"  # partition value when an article has no site or no date
LOG = "ingest_log"
ERRORS = "errors"
CHUNK = 8  # units per extractor call (as saidwhat ingest)
_GLOB_SPECIAL = re.compile(r"([\\{}\[\]*?])")


SPARK_ERROR = "E120"  # Spark cannot run here: no pyspark, no Java, a master that does not answer


def _spark_missing() -> SaidwhatError:
    return SaidwhatError(SPARK_ERROR, "pyspark is not installed: pip install 'saidwhat[spark]' "
                                      "(Spark 4 also needs Java 17 or newer)")


# ------------------------------------------------------------------------------------------------
# Schemas: everything comes from store.SCHEMA, so the Spark output follows the store's columns.


def spark_type(duckdb_type: str) -> Any:
    """The Spark SQL type of a column type of :data:`saidwhat.store.SCHEMA`."""
    from pyspark.sql import types as T

    base = _type(duckdb_type).strip().upper()
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



# ------------------------------------------------------------------------------------------------
# Executor side: one extractor per Python worker process, files to unit rows.

_EXTRACTORS: dict[str, Any] = {}
_LOADS: dict[str, int] = {}  # how many times this process loaded each extractor (tests, stats)


def extractor(spec: str = DEFAULT_EXTRACTOR) -> Any:
    """This process's extractor for ``spec`` (``module:attr``), loaded on first use and kept."""
    if spec not in _EXTRACTORS:
        from saidwhat.batch.ingest import load_extractor

        _EXTRACTORS[spec] = load_extractor(spec)
        _LOADS[spec] = _LOADS.get(spec, 0) + 1
    return _EXTRACTORS[spec]


def worker_stats(_: Any = None) -> dict[str, Any]:
    """pid, extractor loads and peak memory of the Python worker this runs in."""
    peak = rss = 0
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) // 1024
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {"pid": os.getpid(), "loads": dict(_LOADS), "peak_rss_mb": peak, "rss_mb": rss}


@dataclass(frozen=True)
class JobConfig:
    """What executors need to know (pickled into every task)."""

    spec: str = DEFAULT_EXTRACTOR
    options: readers.Options = field(default_factory=readers.Options)
    timeout: float = 600.0  # seconds one chunk may take (0: no limit)
    isolate: str = "retry"  # retry (fork per unit in retried tasks) | always | never
    known: dict[str, frozenset[str]] = field(default_factory=dict)  # source -> units already done


class _Timeout(BaseException):
    """Raised by SIGALRM; a BaseException so that the pipeline's ``except Exception`` lets it by."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    usable = (seconds and seconds > 0 and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _outcomes(units: list[readers.Unit], config: JobConfig, isolated: bool) -> list[Any]:
    """Outcomes of a chunk of units, as saidwhat ingest's workers make them."""
    from saidwhat.batch.ingest import process

    pending = any(u.status is None for u in units)
    ext = extractor(config.spec) if pending else None  # a loading error fails the job, loudly
    if not pending:
        return process(ext, units, config.options)
    if isolated:
        return [o for u in units for o in _forked(ext, u, config)]
    try:
        with _deadline(config.timeout):
            return process(ext, units, config.options)
    except _Timeout:
        pass
    out = []
    for unit in units:  # the chunk was too slow: each unit alone, to find the slow one
        try:
            with _deadline(config.timeout):
                out.extend(process(ext, [unit], config.options))
        except _Timeout:
            out.append(_failed(unit, f"timeout:over {config.timeout:g} s"))
    return out


def _failed(unit: readers.Unit, reason: str) -> Any:
    from saidwhat.store import Outcome

    return Outcome(unit.id, unit.source, unit.kind, "failed", reason)


def _forked(ext: Any, unit: readers.Unit, config: JobConfig) -> list[Any]:
    """One unit in a forked child (the loaded model is shared copy-on-write): a unit that kills
    the interpreter, or hangs, costs only itself."""
    from saidwhat.batch.ingest import process

    if not hasattr(os, "fork"):
        return process(ext, [unit], config.options)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running any cleanup of the parent's
        code = 0
        try:
            os.close(read_end)
            data = pickle.dumps(process(ext, [unit], config.options))
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        except BaseException:  # noqa: BLE001
            code = 70
        os._exit(code)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + (config.timeout or 1e9)
    timed_out = False
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], min(left, 1.0))
            if ready:
                piece = os.read(pipe.fileno(), 1 << 20)
                if not piece:
                    break
                chunks.append(piece)
    if timed_out:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if timed_out:
        return [_failed(unit, f"timeout:over {config.timeout:g} s")]
    if code == 0 and chunks:
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a torn message is a crash too
            pass
    return [_failed(unit, f"crash:worker exited with code {code}")]


def _with_origin(unit: readers.Unit, local: str, origin: str) -> readers.Unit:
    """A unit read from a local copy, renamed after the file it was copied from."""
    def swap(value: str) -> str:
        return origin + value[len(local):] if value.startswith(local) else value

    return replace(unit, id=swap(unit.id), source=swap(unit.source))


def file_outcomes(path: str, config: JobConfig, origin: str | None = None,
                  problem: str | None = None, isolated: bool = False) -> Iterator[Any]:
    """Every unit of one input file, as :class:`saidwhat.store.Outcome` in input order.

    ``path`` is read; ``origin`` (default ``path``) is the name the units carry. Never raises for
    bad input: an unexpected error while reading becomes a failed row for the file.
    """
    from saidwhat.batch.ingest import chunked
    from saidwhat.store import Outcome

    origin = origin or path
    if problem is not None:  # a path that names nothing (found out on the driver)
        yield Outcome(origin, origin, "path", "failed", problem)
        return
    known = config.known.get(origin, frozenset())
    units = readers.iter_units([path], config.options)
    if origin != path:
        units = (_with_origin(u, path, origin) for u in units)
    units = (u for u in units if u.id not in known)
    chunks = chunked(units, CHUNK)
    seen_parts = False
    while True:
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - a reader bug: the file fails, the job goes on
            kind = "container" if seen_parts else "file"
            yield Outcome(origin, origin, kind, "failed", f"read:{readers._short(exc)}")
            return
        seen_parts = seen_parts or any(u.kind in ("record", "line") for u in chunk)
        # Errors of one unit are caught in there; what escapes (the extractor does not load)
        # is not the input's fault and fails the task, then the job, loudly.
        yield from _outcomes(chunk, config, isolated)


def _partition(article_row: tuple) -> tuple[str, str]:
    """``(part_site, part_month)`` of an article row: URL host (no ``www.``), else the site
    name, else ``unknown``; ``YYYY-MM`` of the publication date, else ``unknown``."""
    url, site, published = article_row[1], article_row[3], article_row[5]
    key = None
    if url:
        try:
            host = urllib.parse.urlsplit(url).hostname
        except ValueError:
            host = None
        if host:
            key = host.lower().removeprefix("www.")
    if not key and site:
        key = site
    key = re.sub(r"[^a-z0-9.-]+", "-", (key or "").lower()).strip("-.")[:100] or UNKNOWN
    month = str(published)[:7] if published else UNKNOWN
    return key, month


def _date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def unit_row(file_idx: int, seq: int, outcome: Any) -> tuple:
    """A row of :func:`units_schema` for one outcome."""
    rows = outcome.rows or {}
    articles = [list(r) for r in rows.get("articles", ())]
    log = outcome.log_row()
    site = month = None
    if articles:
        try:
            for r in articles:
                r[5] = _date(r[5])  # published: DATE
        except ValueError as exc:  # a date the store would refuse too (2016-02-31)
            log = (outcome.unit, outcome.source, outcome.kind, "failed",
                   f"record:published {exc}"[:240], None)
            rows, articles = {}, []
        else:
            site, month = _partition(articles[0])
    return (file_idx, seq, site, month, log, [tuple(r) for r in articles],
            *[list(rows.get(t, ())) for t in ROW_TABLES[1:]])


def _attempt() -> int:
    try:
        from pyspark import TaskContext

        context = TaskContext.get()
        return context.attemptNumber() if context is not None else 0
    except Exception:  # noqa: BLE001
        return 0


def _isolated(config: JobConfig) -> bool:
    return config.isolate == "always" or (config.isolate == "retry" and _attempt() > 0)


def run_paths(groups: Iterable[list[tuple[int, str, str | None]]], config: JobConfig) -> Iterator[tuple]:
    """mapPartitions over groups of ``(file_idx, path, problem)``: files read from disk."""
    isolated = _isolated(config)
    for group in groups:
        for file_idx, path, problem in group:
            for seq, outcome in enumerate(file_outcomes(path, config, problem=problem,
                                                        isolated=isolated)):
                yield unit_row(file_idx, seq, outcome)


def run_binary(pairs: Iterable[tuple[str, bytes]], index: dict[str, tuple[int, str]],
               config: JobConfig) -> Iterator[tuple]:
    """mapPartitions over ``binaryFiles`` pairs: each file is spilled to a temporary local file
    (named like the original, so its extension still says what it is) and read from there."""
    isolated = _isolated(config)
    for uri, data in pairs:
        file_idx, origin = index.get(normalize_uri(uri), (-1, uri))
        base = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(origin.rstrip("/")))[-150:] or "input"
        tmp = tempfile.mkdtemp(prefix="saidwhat-")
        local = os.path.join(tmp, base)
        try:
            with open(local, "wb") as f:
                f.write(data)
            del data
            for seq, outcome in enumerate(file_outcomes(local, config, origin=origin,
                                                        isolated=isolated)):
                yield unit_row(file_idx, seq, outcome)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def metered(rows: Iterator[tuple], cpu: Any = None, wall: Any = None) -> Iterator[tuple]:
    """Pass rows through, adding the CPU and wall seconds this Python worker spent on them
    (reading, extraction, and handing rows to Spark) to two accumulators."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    try:
        yield from rows
    finally:
        if cpu is not None:
            cpu.add(time.process_time() - cpu0)
        if wall is not None:
            wall.add(time.perf_counter() - wall0)


# ------------------------------------------------------------------------------------------------
# Driver side: listing, the session, the job.


@dataclass(frozen=True)
class Input:
    idx: int
    path: str  # the unit id prefix: an absolute local path or a URI
    size: int = 0
    problem: str | None = None  # not-found ...
    fetch: str = "path"  # path (read it where it lies) | binary (ship the bytes via binaryFiles)
    uri: str | None = None  # what binaryFiles reads (fetch=binary)




def list_inputs(inputs: list[str], spark: Any = None, fetch: str = "auto") -> list[Input]:
    """The files of ``inputs`` in ``saidwhat ingest``'s order, each once; missing paths included
    (with their problem), as the local ingest logs them."""
    if "-" in inputs:
        raise SaidwhatError("E108", "standard input (-) cannot be read by a Spark job; pass files")
    out: list[Input] = []
    seen: set[str] = set()

    def add(path: str, size: int, problem: str | None, how: str, uri: str | None = None) -> None:
        if path in seen:
            return
        seen.add(path)
        out.append(Input(len(out), path, size, problem, how if problem is None else "path", uri))

    for given in inputs:
        local = not is_uri(given) or given.startswith("file:")
        if local:
            path = normalize_uri(given) if given.startswith("file:") else given
            for found, problem in readers.expand([path]):
                size = 0
                if problem is None:
                    try:
                        size = os.path.getsize(found)
                    except OSError:
                        pass
                how = "binary" if fetch == "binary" else "path"
                add(found, size, problem, how, "file://" + urllib.parse.quote(found) if how == "binary" else None)
        else:
            if spark is None:
                raise SaidwhatError("E108", f"{given}: a URI needs a Spark session to be listed")
            for found, size, problem in _hadoop_expand(spark, given):
                add(normalize_uri(found), size, problem, "binary", found)
    return out


def _hadoop_expand(spark: Any, given: str) -> Iterator[tuple[str, int, str | None]]:
    """Files under a URI (a file, a directory walked like readers.expand, or a glob), sorted."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(given)
    fs = path.getFileSystem(conf)
    statuses = fs.globStatus(path)
    if statuses is None or len(statuses) == 0:
        yield given, 0, ("not-found:no file matches" if any(c in given for c in "*?[{")
                         else "not-found")
        return

    def walk(status: Any) -> Iterator[tuple[str, int, str | None]]:
        if not status.isDirectory():
            yield status.getPath().toString(), int(status.getLen()), None
            return
        children = sorted(fs.listStatus(status.getPath()), key=lambda s: s.getPath().getName())
        children = [c for c in children if not c.getPath().getName().startswith(".")]
        for child in children:
            if not child.isDirectory():
                yield child.getPath().toString(), int(child.getLen()), None
        for child in children:
            if child.isDirectory():
                yield from walk(child)

    for status in sorted(statuses, key=lambda s: s.getPath().toString()):
        yield from walk(status)


def pack(inputs: list[Input], target_bytes: int) -> list[list[Input]]:
    """Consecutive inputs in groups of about ``target_bytes`` (a big file is a group alone)."""
    groups: list[list[Input]] = []
    current: list[Input] = []
    weight = 0
    for item in inputs:
        if current and weight + item.size > target_bytes:
            groups.append(current)
            current, weight = [], 0
        current.append(item)
        weight += max(item.size, 1)
    if current:
        groups.append(current)
    return groups


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
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise _spark_missing() from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
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
                                         f"JAVA_HOME?): {readers._short(exc)}") from None
    spark.sparkContext.setLogLevel("WARN")
    return spark


class _FS:
    """The Hadoop FileSystem of the output directory (local, HDFS, S3 ...), from the driver."""

    def __init__(self, spark: Any, root: str) -> None:
        self.jvm = spark.sparkContext._jvm
        self.conf = spark.sparkContext._jsc.hadoopConfiguration()
        self.root = root
        self.fs = self.path(root).getFileSystem(self.conf)

    def path(self, *parts: str) -> Any:
        return self.jvm.org.apache.hadoop.fs.Path("/".join([p.rstrip("/") for p in parts]))

    def exists(self, *parts: str) -> bool:
        return bool(self.fs.exists(self.path(self.root, *parts)))

    def has_data(self, name: str) -> bool:
        """The table directory exists and holds at least one Parquet file."""
        if not self.exists(name):
            return False
        files = self.fs.listFiles(self.path(self.root, name), True)
        while files.hasNext():
            if files.next().getPath().getName().endswith(".parquet"):
                return True
        return False

    def delete(self, *parts: str) -> None:
        self.fs.delete(self.path(self.root, *parts), True)

    def rename(self, a: str, b: str) -> bool:
        return bool(self.fs.rename(self.path(self.root, a), self.path(self.root, b)))

    def write_text(self, name: str, text: str) -> None:
        stream = self.fs.create(self.path(self.root, name), True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def read_text(self, name: str) -> str | None:
        if not self.exists(name):
            return None
        stream = self.fs.open(self.path(self.root, name))
        try:
            reader = self.jvm.java.io.BufferedReader(self.jvm.java.io.InputStreamReader(stream, "UTF-8"))
            lines = []
            while True:
                line = reader.readLine()
                if line is None:
                    return "\n".join(lines)
                lines.append(line)
        finally:
            stream.close()

    def recover(self, name: str) -> None:
        """Finish a directory swap that a crash interrupted (see :meth:`swap`)."""
        if not self.exists(name) and self.exists(f"_{name}.old"):
            self.rename(f"_{name}.old", name)
        self.delete(f"_{name}.old")

    def swap(self, tmp: str, name: str) -> None:
        """Make ``tmp`` the directory ``name``: old aside, new in, old gone."""
        if self.exists(name):
            self.delete(f"_{name}.old")
            self.rename(name, f"_{name}.old")
        if not self.rename(tmp, name):
            raise SaidwhatError("E107", f"could not rename {tmp} to {name} under {self.root}")
        self.delete(f"_{name}.old")


def _out_root(out_dir: str, spark: Any) -> str:
    if is_uri(out_dir):
        return out_dir.rstrip("/")
    default_fs = spark.sparkContext._jsc.hadoopConfiguration().get("fs.defaultFS") or "file:///"
    if default_fs.startswith("file:"):
        return os.path.abspath(out_dir)
    return out_dir.rstrip("/")


@dataclass
class SparkReport(ingest.Report):
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
    started = time.monotonic()
    own_session = spark is None and _active_session() is None
    spark = spark or session(master, conf=conf)
    try:
        return _run(spark, inputs, out_dir, options or readers.Options(), extractor_spec, resume,
                    overwrite, fetch, target_mb, timeout, isolate, started)
    finally:
        if own_session:
            spark.stop()


def _active_session() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise _spark_missing() from None
    return SparkSession.getActiveSession()


def _run(spark: Any, inputs: list[str], out_dir: str, options: readers.Options, spec: str,
         resume: bool, overwrite: bool, fetch: str, target_mb: float, timeout: float,
         isolate: str, started: float) -> SparkReport:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    sc = spark.sparkContext
    root = _out_root(out_dir, spark)
    fs = _FS(spark, root)
    if overwrite and fs.exists():
        fs.delete()
    _check_version(fs)
    fs.recover(LOG)
    fs.recover(ERRORS)
    report = SparkReport(out=root)

    listing = [i for i in list_inputs(inputs, spark, fetch)  # never read our own output
               if not (i.path == root or i.path.startswith(root.rstrip("/") + "/"))]
    if not any(i.problem is None for i in listing):
        raise SaidwhatError("E006", ", ".join(inputs))
    old_log = spark.read.schema(table_schema(LOG)).parquet(f"{root}/{LOG}") if fs.has_data(LOG) else None
    known: dict[str, frozenset[str]] = {}
    if resume and old_log is not None:
        done = _done_files(old_log)
        kept = [i for i in listing if i.path not in done]
        report.files_skipped = len(listing) - len(kept)
        listing = kept
        known = _known_units(old_log, {i.path for i in listing})
    report.files = sum(1 for i in listing if i.problem is None)
    config = JobConfig(spec=spec, options=options, timeout=timeout, isolate=isolate, known=known)

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
        joined = ",".join(_GLOB_SPECIAL.sub(r"\\\1", i.uri or i.path) for i in by_bytes)
        rdds.append(sc.binaryFiles(joined, minPartitions=slices).mapPartitions(
            lambda it, c=config, b=bindex, a=cpu, w=wall: metered(run_binary(it, b.value, c), a, w)))
    report.timings["list"] = round(time.monotonic() - started, 3)
    if not rdds:  # everything was done earlier
        report.seconds = time.monotonic() - started
        _write_schema(fs)
        return report
    rows = rdds[0] if len(rdds) == 1 else sc.union(rdds)
    units = spark.createDataFrame(rows, units_schema(), verifySchema=False)
    units = units.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        mark = time.monotonic()
        counts = dict(units.groupBy("log.status").count().collect())
        report.ok, report.skipped, report.failed = (int(counts.get(s, 0)) for s in ("ok", "skipped", "failed"))
        report.timings["extract"] = round(time.monotonic() - mark, 3)
        report.worker_cpu_s, report.worker_wall_s = round(cpu.value, 3), round(wall.value, 3)
        mark = time.monotonic()

        # The first unit (in input order) that reached an article stores it, as in the store.
        first = Window.partitionBy(F.col("log.article_id")).orderBy("file_idx", "seq")
        winners = (units.where(F.size("articles") > 0)
                   .withColumn("_n", F.row_number().over(first)).where("_n = 1").drop("_n")
                   # one shuffle for all tables: each task then holds whole site/month partitions
                   # and writes one file per partition and table
                   .repartition(*PARTITION_COLUMNS)
                   .persist(StorageLevel.MEMORY_AND_DISK))
        sizes = winners.select(*[F.sum(F.size(t)).alias(t) for t in ROW_TABLES]).first()
        for table in ROW_TABLES:
            names = [c for c, _, _ in SCHEMA[table]]
            df = (winners.select(F.explode(table).alias("r"), *PARTITION_COLUMNS)
                  .select(*[F.col(f"r.{c}").alias(c) for c in names], *PARTITION_COLUMNS))
            key = key_column(table)
            cached = fs.has_data(table)
            if cached:  # keep only articles this table does not hold yet
                existing = (spark.read.schema(table_schema(table, partitions=True))
                            .parquet(f"{root}/{table}").select(F.col(key).alias("_k")).distinct())
                df = df.join(existing, df[key] == existing["_k"], "left_anti")
                df = df.persist(StorageLevel.MEMORY_AND_DISK)
                n = df.count()
            else:
                n = int(sizes[table] or 0)
            report.new_rows[table] = n
            if n:
                (df.sortWithinPartitions(*PARTITION_COLUMNS, *[c.strip() for c in ORDER[table].split(",")])
                 .write.mode("append").partitionBy(*PARTITION_COLUMNS).parquet(f"{root}/{table}"))
            if cached:
                df.unpersist()
        winners.unpersist()
        report.new_articles = report.new_rows.get("articles", 0)
        report.timings["write"] = round(time.monotonic() - mark, 3)
        mark = time.monotonic()

        # The log: this run's rows replace earlier rows of the same unit; errors follow the log.
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
        _write_schema(fs)
        report.timings["log"] = round(time.monotonic() - mark, 3)
    finally:
        units.unpersist()
    report.seconds = time.monotonic() - started
    return report


def _check_version(fs: _FS) -> None:
    """Refuse to append to the output of another schema version (E105)."""
    try:
        text = fs.read_text("schema.json")
        version = json.loads(text)["schema_version"] if text else SCHEMA_VERSION
    except (ValueError, KeyError, TypeError):
        version = None
    if version != SCHEMA_VERSION:
        raise SaidwhatError("E105", f"{fs.root} holds output of schema version {version}, not "
                                    f"{SCHEMA_VERSION}: write to another directory, or --overwrite")


def _done_files(log: Any) -> set[str]:
    """Files an earlier run finished (as Store.done_files): their file-level row is ok or
    skipped, and none of their units failed."""
    log.createOrReplaceTempView("_saidwhat_old_log")
    rows = log.sparkSession.sql(
        "SELECT unit FROM _saidwhat_old_log WHERE kind IN ('file', 'container') AND status <> 'failed' "
        "AND unit NOT IN (SELECT source FROM _saidwhat_old_log WHERE status = 'failed')").collect()
    return {r[0] for r in rows}


def _known_units(log: Any, sources: set[str]) -> dict[str, frozenset[str]]:
    """Units of files about to be read again that an earlier run handled (ok or skipped)."""
    if not sources:
        return {}
    from pyspark.sql import functions as F

    rows = (log.where((F.col("status") != "failed") & F.col("source").isin(list(sources))
                      & F.col("kind").isin("record", "line"))
            .groupBy("source").agg(F.collect_list("unit")).collect())
    return {r[0]: frozenset(r[1]) for r in rows}


def _write_schema(fs: _FS) -> None:
    """``schema.json`` as ``saidwhat export`` writes it, plus how the directories are laid out."""
    schema = {"schema_version": SCHEMA_VERSION, "format": "parquet",
              "tables": {t: [{"name": c, "type": _type(ty), "doc": d} for c, ty, d in SCHEMA[t]]
                         for t in TABLES},
              "layout": {"writer": "saidwhat spark",
                         "partitioned_by": {t: list(PARTITION_COLUMNS) for t in ROW_TABLES},
                         "files": {t: f"{t}/part_site=*/part_month=*/*.parquet" for t in ROW_TABLES}
                         | {LOG: f"{LOG}/*.parquet", ERRORS: f"{ERRORS}/*.parquet"}}}
    fs.write_text("schema.json", json.dumps(schema, indent=2))


__all__ = ["run", "attach_parquet", "SparkReport", "list_inputs", "extractor", "worker_stats",
           "session", "metered"]

if __name__ == "__main__":
    # Under spark-submit this file is __main__; run the command line instead, so that the
    # functions shipped to executors (and the extractor cache) live in saidwhat.batch.spark.
    import runpy

    runpy.run_module("saidwhat.cli.spark", run_name="__main__")
