"""What runs in Spark's Python workers: input files to unit rows, one extractor per process.

Each file goes through the same code as the local ingest - :func:`saidwhat.readers.iter_units`,
then :func:`saidwhat.batch.unit.process` - so a unit gives the same rows, reason and article id
in both. The extractor is loaded lazily and kept in :data:`_EXTRACTORS` for every later task of
the process (Spark reuses its Python workers). The functions shipped to executors live in this
importable module, so they are pickled by reference.
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

from saidwhat import readers
from saidwhat.batch.sparkjob.isolate import forked, timed
from saidwhat.batch.sparkjob.schema import UNKNOWN
from saidwhat.batch.unit import DEFAULT_EXTRACTOR, chunked, load_extractor, process
from saidwhat.store import ROW_TABLES, Outcome
from saidwhat.store.parquet import normalize_uri
from saidwhat.text.dates import parse_published

CHUNK = 8  # units per extractor call (as saidwhat ingest)

_EXTRACTORS: dict[str, Any] = {}
_LOADS: dict[str, int] = {}  # how many times this process loaded each extractor (tests, stats)


def extractor(spec: str = DEFAULT_EXTRACTOR) -> Any:
    """This process's extractor for ``spec`` (``module:attr``), loaded on first use and kept."""
    if spec not in _EXTRACTORS:
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


def _outcomes(units: list[readers.Unit], config: JobConfig, isolated: bool) -> list[Outcome]:
    """Outcomes of a chunk of units, as saidwhat ingest's workers make them."""
    if not any(u.status is None for u in units):
        return process(None, units, config.options)
    ext = extractor(config.spec)  # a loading error fails the job, loudly
    if isolated:
        return [o for u in units for o in forked(ext, u, config.options, config.timeout)]
    return timed(ext, units, config.options, config.timeout)


def _with_origin(unit: readers.Unit, local: str, origin: str) -> readers.Unit:
    """A unit read from a local copy, renamed after the file it was copied from."""
    def swap(value: str) -> str:
        return origin + value[len(local):] if value.startswith(local) else value

    return replace(unit, id=swap(unit.id), source=swap(unit.source))


def file_outcomes(path: str, config: JobConfig, origin: str | None = None,
                  problem: str | None = None, isolated: bool = False) -> Iterator[Outcome]:
    """Every unit of one input file, as :class:`saidwhat.store.Outcome` in input order.

    ``path`` is read; ``origin`` (default ``path``) is the name the units carry. Never raises for
    bad input: an unexpected error while reading becomes a failed row for the file.
    """
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
            yield Outcome(origin, origin, kind, "failed", f"read:{readers.short(exc)}")
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
    """A published value as the DATE Spark stores (the date parser of saidwhat.text.dates);
    ValueError for what the store would refuse too (2016-02-31)."""
    if value is None or isinstance(value, datetime.date):
        return value
    parsed = parse_published(str(value))
    if parsed is None:
        raise ValueError(f"not a date: {value!r}")
    return parsed


def unit_row(file_idx: int, seq: int, outcome: Outcome) -> tuple:
    """A row of :func:`~saidwhat.batch.sparkjob.schema.units_schema` for one outcome."""
    rows = outcome.rows or {}
    articles = [list(r) for r in rows.get("articles", ())]
    log = outcome.log_row()
    site = month = None
    if articles:
        try:
            for r in articles:
                r[5] = _date(r[5])  # published: DATE
        except ValueError as exc:
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
