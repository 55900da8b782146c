"""How a local batch runs (``saidwhat ingest``): workers, chunk sizes, commits, time limits.

Its own module because the pool, the writer and the entry point all read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from saidwhat import readers
from saidwhat.batch.unit import DEFAULT_EXTRACTOR, Spec


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
