"""Guards for units in an executor: a time limit on a chunk, and a unit run in a forked child.

A Spark task has no supervisor process of ours (as ``saidwhat ingest``'s workers have), so a
slow unit is stopped by SIGALRM, and a unit that kills the interpreter is run, on a retried task,
in a fork: then it costs only itself, and the rest of the file goes through.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

from saidwhat import readers
from saidwhat.batch.unit import Extractor, failed, process
from saidwhat.store import Outcome


class ChunkTimeout(BaseException):
    """Raised by SIGALRM; a BaseException so that the pipeline's ``except Exception`` lets it by."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`ChunkTimeout` in this block after ``seconds`` (main thread, POSIX only)."""
    usable = (seconds and seconds > 0 and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise ChunkTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed(ext: Extractor, units: list[readers.Unit], options: readers.Options,
          timeout: float) -> list[Outcome]:
    """A chunk under a time limit; a chunk too slow is run again unit by unit, to find the slow one."""
    try:
        with deadline(timeout):
            return process(ext, units, options)
    except ChunkTimeout:
        pass
    out: list[Outcome] = []
    for unit in units:
        try:
            with deadline(timeout):
                out.extend(process(ext, [unit], options))
        except ChunkTimeout:
            out.append(failed(unit, f"timeout:over {timeout:g} s"))
    return out


def forked(ext: Extractor, unit: readers.Unit, options: readers.Options,
           timeout: float) -> list[Outcome]:
    """One unit in a forked child (the loaded model is shared copy-on-write): a unit that kills
    the interpreter, or hangs, costs only itself."""
    if not hasattr(os, "fork"):
        return process(ext, [unit], options)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running any cleanup of the parent's
        code = 0
        try:
            os.close(read_end)
            data = pickle.dumps(process(ext, [unit], options))
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        except BaseException:  # noqa: BLE001
            code = 70
        os._exit(code)
    os.close(write_end)
    chunks, timed_out = _read_child(read_end, timeout)
    if timed_out:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if timed_out:
        return [failed(unit, f"timeout:over {timeout:g} s")]
    if code == 0 and chunks:
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a torn message is a crash too
            pass
    return [failed(unit, f"crash:worker exited with code {code}")]


def _read_child(fd: int, timeout: float) -> tuple[list[bytes], bool]:
    """What the child wrote, until it closes its end or the time is up (then True)."""
    chunks: list[bytes] = []
    end = time.monotonic() + (timeout or 1e9)
    with os.fdopen(fd, "rb") as pipe:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return chunks, True
            ready, _, _ = select.select([pipe], [], [], min(left, 1.0))
            if ready:
                piece = os.read(pipe.fileno(), 1 << 20)
                if not piece:
                    return chunks, False
                chunks.append(piece)
