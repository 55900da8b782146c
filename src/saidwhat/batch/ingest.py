"""The batch: inputs -> worker processes -> one writer -> the DuckDB store, resumable after a kill.

Layout (``--workers N``, N >= 1):

* a reader thread streams units (:func:`saidwhat.readers.iter_units`) in chunks into a bounded
  queue, skipping units an earlier run already logged;
* N spawned worker processes each load the extractor once and turn chunks into
  :class:`~saidwhat.store.Outcome` rows (HTML extraction, language, attribution extraction);
* the main process hands chunks to idle workers, puts results back in input order, and commits
  them in batches - each unit's article rows and its ingest_log row in the same transaction.

Memory stays bounded: at most ``window`` chunks are between the reader and the store. A worker
that dies or hangs costs only its chunk: the chunk is retried one unit at a time, and the unit
that kills a worker again is logged as failed. Because results are committed in input order and
each commit is atomic, a run killed at any moment and started again ends with the same store as an
uninterrupted run. ``--workers 0`` runs everything in this process (debugging, small jobs).
"""
from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

from saidwhat import readers
from saidwhat.errors import EXIT_OK, EXIT_PARTIAL, SaidwhatError
from saidwhat.record import Record
from saidwhat.store import DEFAULT_DB, Outcome, Store, open_store, rows_for

DEFAULT_EXTRACTOR = "saidwhat:Pipeline"
EXIT_INTERRUPTED = 130
# The extractor's refusals that are policy (empty, binary, too large, not English), not breakage:
# logged as skipped, like the readers' own checks.
POLICY_CODES = frozenset({"E001", "E002", "E004", "E005"})

Extractor = Any  # anything with .pipe(Iterable[Article]) -> Iterator[Record | Failure]
Spec = str | Callable[[], Extractor]  # "module:attr" (picklable) or a factory (workers=0 only)


@dataclass
class Settings:
    """How a batch runs; the defaults suit a laptop."""

    workers: int = 1
    chunk: int = 8  # units per task sent to a worker
    window: int = 0  # chunks between reader and store (0: 4 per worker + 4)
    batch: int = 200  # units per commit at most ...
    commit_seconds: float = 2.0  # ... and at least this often
    timeout: float = 600.0  # seconds one chunk may take before its worker is killed
    progress: bool | None = None  # None: a bar when stderr is a terminal
    extractor: Spec = DEFAULT_EXTRACTOR
    options: readers.Options = field(default_factory=readers.Options)
    link: bool = True  # update the cross-article layer after the run (saidwhat.crossref.update)


@dataclass
class Report:
    """What one run did (the store holds the rest)."""

    ok: int = 0
    skipped: int = 0
    failed: int = 0
    new_articles: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def units(self) -> int:
        return self.ok + self.skipped + self.failed

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def line(self) -> str:
        rate = self.units / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.units:,} units: ok {self.ok:,}, skipped {self.skipped:,}, failed "
                f"{self.failed:,}; {self.new_articles:,} new articles; {self.seconds:.1f} s "
                f"({rate:.1f} units/s)")


# ------------------------------------------------------------------------------------------------
# Work done in a worker (or in this process with workers=0)


def load_extractor(spec: Spec) -> Extractor:
    """Build the extractor from ``module:attr`` (called with no arguments) or a factory."""
    if callable(spec):
        return spec()
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr or "Pipeline")()


def process(extractor: Extractor, units: list[readers.Unit],
            options: readers.Options) -> list[Outcome]:
    """Outcomes of a chunk of units, in order: prepare each, extract the articles in one batch."""
    results: list[Outcome | None] = [None] * len(units)
    docs: list[tuple[int, readers.Doc]] = []
    for i, unit in enumerate(units):
        try:
            prepared = readers.prepare(unit, options)
        except Exception as exc:  # noqa: BLE001 - a bug or a pathological page: log, go on
            results[i] = _failed(unit, f"read:{readers._short(exc)}")
            continue
        if isinstance(prepared, readers.Skip):
            results[i] = Outcome(unit.id, unit.source, unit.kind, prepared.status,
                                 prepared.reason or None, progress=unit.progress)
        else:
            docs.append((i, prepared))
    if docs:
        for (i, doc), result in zip(docs, _extract_all(extractor, [d for _, d in docs])):
            results[i] = _outcome(doc, result)
    return [r for r in results if r is not None]


def _extract_all(extractor: Extractor, docs: list[readers.Doc]) -> list[Any]:
    """One result per doc; if the batch raises, each doc alone, so one bad doc fails alone."""
    try:
        results = list(extractor.pipe([d.article for d in docs]))
        if len(results) == len(docs):
            return results
    except Exception:  # noqa: BLE001 - retried one by one below to find the culprit
        pass
    out = []
    for doc in docs:
        try:
            got = list(extractor.pipe([doc.article]))
            out.append(got[0] if len(got) == 1 else RuntimeError(f"{len(got)} results for 1 article"))
        except Exception as exc:  # noqa: BLE001
            out.append(exc)
    return out


def _outcome(doc: readers.Doc, result: Any) -> Outcome:
    unit = doc.unit
    if isinstance(result, Record):
        try:
            rows = rows_for(doc, result)
        except Exception as exc:  # noqa: BLE001 - a record that does not fit the schema
            return _failed(unit, f"record:{readers._short(exc)}")
        return Outcome(unit.id, unit.source, unit.kind, "ok", None, doc.article.id, rows,
                       unit.progress)
    if isinstance(result, BaseException):
        return _failed(unit, f"extract:{readers._short(result)}")
    code, reason = getattr(result, "code", None), getattr(result, "reason", None)
    if code is not None or reason is not None:
        detail = " ".join(str(reason or "").split())
        prefix = f"{code}: " if code and not detail.startswith(str(code)) else ""
        status = "skipped" if code in POLICY_CODES else "failed"
        return Outcome(unit.id, unit.source, unit.kind, status, f"extract:{prefix}{detail}"[:240],
                       progress=unit.progress)
    return _failed(unit, f"extract:unexpected result {type(result).__name__}")


def _failed(unit: readers.Unit, reason: str) -> Outcome:
    return Outcome(unit.id, unit.source, unit.kind, "failed", reason, progress=unit.progress)


def _resolved(units: list[readers.Unit]) -> list[Outcome] | None:
    """Outcomes of a chunk the reader already judged entirely (no worker needed), else None."""
    if any(u.status is None for u in units):
        return None
    return [Outcome(u.id, u.source, u.kind, u.status or "failed", u.reason, progress=u.progress)
            for u in units]


def _worker_main(conn: Any, spec: Spec, options: readers.Options) -> None:
    """A worker: load the extractor once, then answer chunks until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    try:
        extractor = load_extractor(spec)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        message = str(exc) if isinstance(exc, SaidwhatError) else readers._short(exc)
        try:
            conn.send(("init-error", message))
        except OSError:
            pass
        return
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if message is None:
            return
        seq, slots, units = message
        outcomes = process(extractor, units, options)
        try:
            conn.send(("done", seq, slots, outcomes))
        except (BrokenPipeError, OSError):
            return


# ------------------------------------------------------------------------------------------------
# The main process: reading, dispatching, ordering, writing


class _Feed:
    """The reader thread: chunks of units, numbered in input order, through a bounded queue."""

    END = object()

    def __init__(self, units: Iterator[readers.Unit], chunk: int, capacity: int) -> None:
        self.queue: queue.Queue = queue.Queue(maxsize=capacity)
        self.units = units
        self.chunk = chunk
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="saidwhat-reader", daemon=True)
        self.thread.start()

    def _put(self, item: Any) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for item in chunked(self.units, self.chunk):
                if not self._put(item):
                    return
            self._put(self.END)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            self._put(exc)


def chunked(units: Iterable[readers.Unit], size: int, max_bytes: int = 8_000_000) -> Iterator[list]:
    """Consecutive units in lists of at most ``size`` units (fewer when payloads are large)."""
    chunk: list[readers.Unit] = []
    weight = 0
    for unit in units:
        chunk.append(unit)
        weight += len(unit.payload) if unit.payload is not None else 0
        if len(chunk) >= size or weight >= max_bytes:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


class _Writer:
    """Buffers outcomes in input order and commits them in batches; drives the progress bar."""

    def __init__(self, store: Store, settings: Settings, total: int | None) -> None:
        self.store = store
        self.settings = settings
        self.report = Report()
        self.buffer: list[Outcome] = []
        self.last_commit = time.monotonic()
        self.start = time.monotonic()
        self.bar = _bar(total, settings.progress)
        self.position = 0

    def add(self, outcomes: list[Outcome]) -> None:
        self.buffer.extend(outcomes)
        if (len(self.buffer) >= self.settings.batch
                or time.monotonic() - self.last_commit >= self.settings.commit_seconds):
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            new = self.store.write(self.buffer)
            r = self.report
            r.new_articles += new
            for o in self.buffer:
                if o.status == "ok":
                    r.ok += 1
                elif o.status == "skipped":
                    r.skipped += 1
                else:
                    r.failed += 1
            self.position = max(self.position, max(o.progress for o in self.buffer))
            self.buffer = []
            self._tick()
        self.last_commit = time.monotonic()

    def _tick(self) -> None:
        if self.bar is None:
            return
        elapsed = max(time.monotonic() - self.start, 1e-9)
        r = self.report
        self.bar.set_postfix_str(f"{r.units / elapsed:.1f} docs/s ok {r.ok} skip {r.skipped} "
                                 f"fail {r.failed}", refresh=False)
        if self.bar.total is not None:
            self.bar.update(max(0, min(self.position, self.bar.total) - self.bar.n))
        else:
            self.bar.update(0)
            self.bar.refresh()

    def close(self) -> None:
        self.report.seconds = time.monotonic() - self.start
        if self.bar is not None:
            if self.bar.total is not None and not self.report.interrupted:
                self.bar.update(max(0, self.bar.total - self.bar.n))
            self.bar.close()


def _bar(total: int | None, wanted: bool | None) -> Any:
    """A tqdm bar on stderr over input bytes (so it has an ETA) with docs/s, or None."""
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                desc="ingest", dynamic_ncols=True, smoothing=0.1)


@dataclass
class _Worker:
    process: Any
    conn: Any
    ready: bool = False
    task: tuple | None = None  # (seq, slots, units, isolated)
    since: float = 0.0
    timed_out: bool = False


class _Pool:
    """Spawned workers with one connection each, so the parent always knows who holds what."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.workers = [self._start() for _ in range(settings.workers)]

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main, args=(child, self.settings.extractor, self.settings.options),
            name="saidwhat-worker", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def replace(self, worker: _Worker) -> None:
        try:
            worker.conn.close()
        except OSError:
            pass
        worker.process.join(timeout=1)
        self.workers[self.workers.index(worker)] = self._start()

    def close(self, force: bool = False) -> None:
        for w in self.workers:
            try:
                if force:
                    w.process.kill()
                else:
                    w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + (1 if force else 10)
        for w in self.workers:
            w.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=1)
            try:
                w.conn.close()
            except OSError:
                pass


def _run_parallel(units: Iterator[readers.Unit], writer: _Writer, settings: Settings) -> None:
    window = settings.window or 4 * settings.workers + 4
    feed = _Feed(units, settings.chunk, capacity=2 * settings.workers + 2)
    pool = _Pool(settings)
    parts: dict[int, list[Outcome | None]] = {}  # seq -> outcomes so far, by slot
    retry: deque[tuple] = deque()  # tasks to hand out before new chunks
    next_seq = next_write = 0
    fed_all = False
    clean = False
    try:
        while True:
            busy = [w for w in pool.workers if w.task is not None]
            # 1. hand out work
            for w in pool.workers:
                if not w.ready or w.task is not None:
                    continue
                task = retry.popleft() if retry else None
                while task is None and not fed_all and next_seq - next_write < window:
                    try:
                        item = feed.queue.get(timeout=0.01 if busy else 0.1)
                    except queue.Empty:
                        break
                    if item is _Feed.END:
                        fed_all = True
                        break
                    if isinstance(item, BaseException):
                        raise item
                    seq, next_seq = next_seq, next_seq + 1
                    done = _resolved(item)
                    if done is not None:
                        parts[seq] = done  # type: ignore[assignment]
                        continue
                    parts[seq] = [None] * len(item)
                    task = (seq, list(range(len(item))), item, False)
                if task is None:
                    break
                w.conn.send(task[:3])
                w.task, w.since, w.timed_out = task, time.monotonic(), False
                busy.append(w)
            # 2. collect results and notice dead or stuck workers
            waitables = [w.conn for w in pool.workers] + [w.process.sentinel for w in pool.workers]
            for ready in wait(waitables, timeout=0.05 if (retry or not fed_all) else 0.5):
                worker = next((w for w in pool.workers if ready in (w.conn, w.process.sentinel)), None)
                if worker is None:
                    continue
                if ready is worker.conn:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        _take(worker, message, parts)
                        continue
                worker.process.join(timeout=5)
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join(timeout=5)
                _died(worker, parts, retry, settings.timeout)
                pool.replace(worker)
            now = time.monotonic()
            for w in pool.workers:
                if w.task is not None and not w.timed_out and now - w.since > settings.timeout:
                    w.timed_out = True
                    w.process.kill()
            # 3. write what is complete, in input order
            while next_write in parts and all(o is not None for o in parts[next_write]):
                writer.add(parts.pop(next_write))  # type: ignore[arg-type]
                next_write += 1
            if (fed_all and not retry and next_write == next_seq
                    and all(w.task is None for w in pool.workers)):
                break
            if time.monotonic() - writer.last_commit >= settings.commit_seconds:
                writer.flush()
        clean = True
    finally:
        feed.stop.set()
        pool.close(force=not clean)


def _take(worker: _Worker, message: tuple, parts: dict[int, list[Outcome | None]]) -> None:
    kind = message[0]
    if kind == "ready":
        worker.ready = True
    elif kind == "init-error":
        raise SaidwhatError("E106", message[1])
    elif kind == "done":
        _, seq, slots, outcomes = message
        target = parts[seq]
        for slot, outcome in zip(slots, outcomes):
            target[slot] = outcome
        worker.task = None


def _died(worker: _Worker, parts: dict[int, list[Outcome | None]], retry: deque,
          timeout: float) -> None:
    """A worker died (or was killed for taking too long): split its chunk, or fail its unit."""
    if worker.task is None:
        if not worker.ready:
            raise SaidwhatError("E106", f"a worker exited while loading (code {worker.process.exitcode})")
        return
    seq, slots, units, isolated = worker.task
    worker.task = None
    if len(units) > 1 or not isolated:
        for slot, unit in zip(slots, units):
            retry.append((seq, [slot], [unit], True))
        return
    reason = (f"timeout:over {timeout:g} s" if worker.timed_out
              else f"crash:worker exited with code {worker.process.exitcode}")
    parts[seq][slots[0]] = _failed(units[0], reason)


def _run_inline(units: Iterator[readers.Unit], writer: _Writer, settings: Settings) -> None:
    extractor = None
    for chunk in chunked(units, settings.chunk):
        done = _resolved(chunk)
        if done is None:
            if extractor is None:
                try:
                    extractor = load_extractor(settings.extractor)
                except SaidwhatError:
                    raise
                except Exception as exc:  # noqa: BLE001
                    raise SaidwhatError("E106", readers._short(exc)) from None
            done = process(extractor, chunk, settings.options)
        writer.add(done)


# ------------------------------------------------------------------------------------------------
# The entry point


def check_paths(paths: list[str]) -> None:
    """Refuse a run none of whose paths exists (a typo): E006. Some missing ones are logged."""
    if not paths:
        raise SaidwhatError("E108", "no input paths given")
    import glob

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
                paths, settings.options, done=done.__contains__,
                known=lambda source: store.known_units(source, cursor), stdin=stdin)
            writer = _Writer(store, settings, total)
            try:
                if settings.workers <= 0:
                    _run_inline(units, writer, settings)
                else:
                    _run_parallel(units, writer, settings)
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

            link_articles(store.con)  # entities, claims, relations of every article not linked yet
    return writer.report
