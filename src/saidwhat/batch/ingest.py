"""The batch: inputs -> worker processes -> one writer -> the DuckDB store, resumable after a kill.

Layout (``--workers N``, N >= 1): a reader thread streams units
(:func:`saidwhat.readers.iter_units`) in chunks, skipping units an earlier run already logged;
N spawned workers turn chunks into :class:`~saidwhat.store.Outcome` rows
(:mod:`saidwhat.batch.pool`, with the unit of work of :mod:`saidwhat.batch.unit`); the main
process commits them in input order and in batches (:mod:`saidwhat.batch.writer`) - each unit's
article rows and its ingest_log row in the same transaction.

Because results are committed in input order and each commit is atomic, a run killed at any
moment and started again ends with the same store as an uninterrupted run. ``--workers 0`` runs
everything in this process (debugging, small jobs).
"""
from __future__ import annotations

import glob
import os
import sys
import time
from typing import Any, Iterator

from saidwhat import readers
from saidwhat.batch.pool import run_parallel
from saidwhat.batch.settings import Settings
from saidwhat.batch.unit import DEFAULT_EXTRACTOR, Report, chunked, load_extractor, process, resolved
from saidwhat.batch.writer import Writer
from saidwhat.errors import SaidwhatError
from saidwhat.store import DEFAULT_DB, open_store
from saidwhat.store.rows import storable

EXIT_INTERRUPTED = 130

__all__ = ["run", "Settings", "Report", "DEFAULT_EXTRACTOR", "check_paths", "EXIT_INTERRUPTED"]


def _run_inline(units: Iterator[readers.Unit], writer: Writer, settings: Settings) -> None:
    """Everything in this process (``--workers 0``); the extractor loads on the first real unit."""
    extractor = None
    for chunk in chunked(units, settings.chunk):
        done = resolved(chunk)
        if done is None:
            if extractor is None:
                try:
                    extractor = load_extractor(settings.extractor)
                except SaidwhatError:
                    raise
                except Exception as exc:  # noqa: BLE001
                    raise SaidwhatError("E106", readers.short(exc)) from None
            done = process(extractor, chunk, settings.options)
        writer.add(done)


def check_paths(paths: list[str]) -> None:
    """Refuse a run none of whose paths exists (a typo): E006. Some missing ones are logged."""
    if not paths:
        raise SaidwhatError("E108", "no input paths given")

    def present(p: str) -> bool:
        return p == "-" or os.path.lexists(p) or (glob.has_magic(p) and bool(glob.glob(p, recursive=True)))

    if not any(present(p) for p in paths):
        raise SaidwhatError("E006", ", ".join(paths))


def run(paths: list[str], db: str = DEFAULT_DB, settings: Settings | None = None,
        stdin: Any = None) -> Report:
    """Ingest ``paths`` into the store ``db``; returns what this run did.

    Units an earlier run logged as ok or skipped are not read again (failed ones are retried), so
    running the same command after a crash or a Ctrl-C finishes the job. Raises SaidwhatError when
    the run cannot start (no input, bad store, extractor that does not load).
    """
    settings = settings or Settings()
    check_paths(paths)
    total = readers.total_bytes(paths)
    with open_store(db) as store:
        done = store.done_files()
        own = os.path.abspath(db)
        done.update({own, own + ".wal", own + ".tmp"})  # never ingest the store itself
        cursor = store.con.cursor()  # the reader thread's own connection
        try:
            units = readers.iter_units(
                paths, settings.options, done=lambda path: storable(path) in done,
                known=lambda source: store.known_units(source, cursor), stdin=stdin)
            writer = Writer(store, settings, total)
            try:
                if settings.workers <= 0:
                    _run_inline(units, writer, settings)
                else:
                    run_parallel(units, writer, settings)
                writer.flush()
            except KeyboardInterrupt:  # keep what is complete; the next run does the rest
                writer.report.interrupted = True
                writer.flush()
            finally:
                writer.close()
        finally:
            cursor.close()
        if settings.link and not writer.report.interrupted:
            from saidwhat.crossref import update as link_articles

            say = _link_progress(settings.progress)
            say("linking across the store (entities, claims, relations) ...")
            t0 = time.perf_counter()
            link_articles(store.con, log=say)  # every article not linked yet
            writer.report.link_seconds = time.perf_counter() - t0
    return writer.report


def _link_progress(wanted: bool | None):
    """Where the linking step reports its stages: stderr when the bar is shown, else nowhere."""
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        return lambda _message: None
    return lambda message: print(f"link: {message}", file=sys.stderr, flush=True)
