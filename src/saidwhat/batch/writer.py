"""The single writer of a local batch: outcomes in input order, committed in batches.

Each commit is one transaction (:meth:`saidwhat.store.Store.write`), which is what makes a run
killed at any moment resumable; the progress bar is driven from here because only the writer
knows what is really done.
"""
from __future__ import annotations

import sys
import time
from typing import Any

from saidwhat.batch.settings import Settings
from saidwhat.batch.unit import Report
from saidwhat.store import Outcome, Store


class Writer:
    """Buffers outcomes in input order and commits them in batches; drives the progress bar."""

    def __init__(self, store: Store, settings: Settings, total: int | None) -> None:
        self.store = store
        self.settings = settings
        self.report = Report()
        self.buffer: list[Outcome] = []
        self.last_commit = time.monotonic()
        self.start = time.monotonic()
        self.bar = bar(total, settings.progress)
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


def bar(total: int | None, wanted: bool | None) -> Any:
    """A tqdm bar on stderr over input bytes (so it has an ETA) with docs/s, or None."""
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                desc="ingest", dynamic_ncols=True, smoothing=0.1)
