"""The process pool of a local batch: a reader thread, N spawned workers, results in input order.

* a reader thread (:class:`Feed`) streams units in chunks into a bounded queue;
* each spawned worker loads the extractor once and turns chunks into Outcomes
  (:func:`saidwhat.batch.unit.process`);
* the main process (:class:`Dispatch`) hands chunks to idle workers, puts results back in input
  order and passes them to the writer.

Memory stays bounded: at most ``window`` chunks are between the reader and the store. A worker
that dies or hangs costs only its chunk: the chunk is retried one unit at a time, and the unit
that kills a worker again is logged as failed. Each worker has its own pipe, so the parent
always knows who holds what.
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Iterator

from saidwhat import readers
from saidwhat.batch.settings import Settings
from saidwhat.batch.unit import Spec, chunked, failed, load_extractor, process, resolved
from saidwhat.batch.writer import Writer
from saidwhat.errors import SaidwhatError
from saidwhat.store import Outcome

Task = tuple  # (seq, slots, units, isolated)


def worker_main(conn: Any, spec: Spec, options: readers.Options) -> None:
    """A worker: load the extractor once, then answer chunks until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    try:
        extractor = load_extractor(spec)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        message = str(exc) if isinstance(exc, SaidwhatError) else readers.short(exc)
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


class Feed:
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


@dataclass
class Worker:
    process: Any
    conn: Any
    ready: bool = False
    task: Task | None = None
    since: float = 0.0
    timed_out: bool = False


class Pool:
    """Spawned workers with one connection each."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.workers = [self._start() for _ in range(settings.workers)]

    def _start(self) -> Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=worker_main, args=(child, self.settings.extractor, self.settings.options),
            name="saidwhat-worker", daemon=True)
        process.start()
        child.close()
        return Worker(process, parent)

    def replace(self, worker: Worker) -> None:
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


class Dispatch:
    """The parent's bookkeeping: which chunk is where, and what is complete in input order."""

    def __init__(self, feed: Feed, pool: Pool, writer: Writer, settings: Settings) -> None:
        self.feed, self.pool, self.writer, self.settings = feed, pool, writer, settings
        self.window = settings.window or 4 * settings.workers + 4
        self.parts: dict[int, list[Outcome | None]] = {}  # seq -> outcomes so far, by slot
        self.retry: deque[Task] = deque()  # tasks to hand out before new chunks
        self.next_seq = self.next_write = 0
        self.fed_all = False

    def run(self) -> None:
        """Until every chunk is read, extracted and written."""
        while True:
            self.hand_out()
            self.collect()
            self.kill_stuck()
            self.write_ready()
            if self.finished():
                return
            if time.monotonic() - self.writer.last_commit >= self.settings.commit_seconds:
                self.writer.flush()

    def hand_out(self) -> None:
        """Give every idle worker a retried task or the next chunk from the reader."""
        busy = any(w.task is not None for w in self.pool.workers)
        for w in self.pool.workers:
            if not w.ready or w.task is not None:
                continue
            task = self.retry.popleft() if self.retry else self._next_task(busy)
            if task is None:
                return
            w.conn.send(task[:3])
            w.task, w.since, w.timed_out = task, time.monotonic(), False
            busy = True

    def _next_task(self, busy: bool) -> Task | None:
        """The next chunk that needs a worker; chunks the reader judged whole go straight in."""
        while not self.fed_all and self.next_seq - self.next_write < self.window:
            try:
                item = self.feed.queue.get(timeout=0.01 if busy else 0.1)
            except queue.Empty:
                return None
            if item is Feed.END:
                self.fed_all = True
                return None
            if isinstance(item, BaseException):
                raise item
            seq, self.next_seq = self.next_seq, self.next_seq + 1
            done = resolved(item)
            if done is not None:
                self.parts[seq] = done  # type: ignore[assignment]
                continue
            self.parts[seq] = [None] * len(item)
            return (seq, list(range(len(item))), item, False)
        return None

    def collect(self) -> None:
        """Take finished chunks, and notice workers that died (or were killed)."""
        workers = self.pool.workers
        waitables = [w.conn for w in workers] + [w.process.sentinel for w in workers]
        timeout = 0.05 if (self.retry or not self.fed_all) else 0.5
        for ready in wait(waitables, timeout=timeout):
            worker = next((w for w in workers if ready in (w.conn, w.process.sentinel)), None)
            if worker is None:
                continue
            if ready is worker.conn:
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    message = None
                if message is not None:
                    self._take(worker, message)
                    continue
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            self._died(worker)
            self.pool.replace(worker)

    def kill_stuck(self) -> None:
        """Kill a worker whose chunk is over the time limit (collect then retries its units)."""
        now = time.monotonic()
        for w in self.pool.workers:
            if w.task is not None and not w.timed_out and now - w.since > self.settings.timeout:
                w.timed_out = True
                w.process.kill()

    def write_ready(self) -> None:
        """Hand the writer every chunk that is complete, in input order."""
        while self.next_write in self.parts and all(o is not None for o in self.parts[self.next_write]):
            self.writer.add(self.parts.pop(self.next_write))  # type: ignore[arg-type]
            self.next_write += 1

    def finished(self) -> bool:
        return (self.fed_all and not self.retry and self.next_write == self.next_seq
                and all(w.task is None for w in self.pool.workers))

    def _take(self, worker: Worker, message: tuple) -> None:
        kind = message[0]
        if kind == "ready":
            worker.ready = True
        elif kind == "init-error":
            raise SaidwhatError("E106", message[1])
        elif kind == "done":
            _, seq, slots, outcomes = message
            target = self.parts[seq]
            for slot, outcome in zip(slots, outcomes):
                target[slot] = outcome
            worker.task = None

    def _died(self, worker: Worker) -> None:
        """A worker died (or was killed for taking too long): split its chunk, or fail its unit."""
        if worker.task is None:
            if not worker.ready:
                raise SaidwhatError("E106", f"a worker exited while loading (code {worker.process.exitcode})")
            return
        seq, slots, units, isolated = worker.task
        worker.task = None
        if len(units) > 1 or not isolated:
            for slot, unit in zip(slots, units):
                self.retry.append((seq, [slot], [unit], True))
            return
        reason = (f"timeout:over {self.settings.timeout:g} s" if worker.timed_out
                  else f"crash:worker exited with code {worker.process.exitcode}")
        self.parts[seq][slots[0]] = failed(units[0], reason)


def run_parallel(units: Iterator[readers.Unit], writer: Writer, settings: Settings) -> None:
    """Extract ``units`` in ``settings.workers`` processes, writing through ``writer``."""
    feed = Feed(units, settings.chunk, capacity=2 * settings.workers + 2)
    pool = Pool(settings)
    clean = False
    try:
        Dispatch(feed, pool, writer, settings).run()
        clean = True
    finally:
        feed.stop.set()
        pool.close(force=not clean)
