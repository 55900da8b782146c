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
from saidwhat.store.rows import storable


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
            new = self._write(self.buffer)
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

    def _write(self, outcomes: list[Outcome]) -> int:
        """One transaction for the batch; where the store refuses it, each unit alone, so that
        one unit the store cannot take (a string it cannot encode, say) is a failed row with the
        reason and never costs the others."""
        try:
            return self.store.write(outcomes)
        except Exception:  # noqa: BLE001 - the store's refusal of some unit; found below
            pass
        new = 0
        for i, o in enumerate(outcomes):
            try:
                new += self.store.write([o])
                continue
            except Exception as exc:  # noqa: BLE001 - this unit is one the store refuses
                error = exc
            try:  # a file name that is not UTF-8: the same unit with U+FFFD for what cannot be held
                new += self.store.write([cleaned(o)])
                continue
            except Exception as exc:  # noqa: BLE001
                error = exc
            outcomes[i] = refused(o, error)
            self.store.write([outcomes[i]])
        return new

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


def refused(o: Outcome, exc: Exception) -> Outcome:
    """The failed log row of a unit the store would not take, in text any store can hold."""
    reason = f"store:{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
    return Outcome(storable(o.unit), storable(o.source), o.kind, "failed", storable(reason), None, None, o.progress)


def cleaned(o: Outcome) -> Outcome:
    """The outcome with every string of its log row and its rows cleaned."""
    def fix(value: Any) -> Any:
        return storable(value) if isinstance(value, str) else value

    rows = {t: [tuple(fix(v) for v in row) for row in rs] for t, rs in o.rows.items()} if o.rows else o.rows
    return Outcome(storable(o.unit), storable(o.source), o.kind, o.status, fix(o.reason), o.article_id, rows,
                   o.progress)


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
