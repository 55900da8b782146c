"""One unit of batch work, shared by ``saidwhat ingest`` and ``saidwhat spark``: a chunk of
reader units in, store :class:`~saidwhat.store.Outcome` rows out, with a loaded extractor.

Both batch drivers call :func:`process` on the same chunks (:func:`chunked`), so a unit gives
the same rows, the same reason and the same article id whichever of them ran it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from saidwhat import readers
from saidwhat.errors import EXIT_OK, EXIT_PARTIAL
from saidwhat.record import Record
from saidwhat.store import Outcome, rows_for

DEFAULT_EXTRACTOR = "saidwhat:Pipeline"
# ``--engine`` of ingest and spark: the extractor each worker loads (picklable names).
ENGINE_EXTRACTORS = {"learned": "saidwhat.engine.extraction:learned_pipeline",
                     "fast": "saidwhat.engine.extraction:fast_pipeline"}
# The extractor's refusals that are policy (empty, binary, too large, not English), not breakage:
# logged as skipped, like the readers' own checks.
POLICY_CODES = frozenset({"E001", "E002", "E004", "E005"})

Extractor = Any  # anything with .pipe(Iterable[Article]) -> Iterator[Record | Failure]
Spec = str | Callable[[], Extractor]  # "module:attr" (picklable) or a factory (in-process only)


@dataclass
class Report:
    """What one run did (the store holds the rest)."""

    ok: int = 0
    skipped: int = 0
    failed: int = 0
    new_articles: int = 0
    seconds: float = 0.0  # reading and extracting
    interrupted: bool = False
    link_seconds: float = 0.0  # linking the new articles across the store, after the bar

    @property
    def units(self) -> int:
        return self.ok + self.skipped + self.failed

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def line(self) -> str:
        rate = self.units / self.seconds if self.seconds > 0 else 0.0
        line = (f"{self.units:,} units: ok {self.ok:,}, skipped {self.skipped:,}, failed "
                f"{self.failed:,}; {self.new_articles:,} new articles; {self.seconds:.1f} s "
                f"({rate:.1f} units/s)")
        if self.link_seconds:
            line += f"; linking {self.link_seconds:.1f} s; {self.seconds + self.link_seconds:.1f} s in all"
        return line


def load_extractor(spec: Spec) -> Extractor:
    """Build the extractor from ``module:attr`` (called with no arguments) or a factory."""
    if callable(spec):
        return spec()
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr or "Pipeline")()


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


def process(extractor: Extractor, units: list[readers.Unit],
            options: readers.Options) -> list[Outcome]:
    """Outcomes of a chunk of units, in order: prepare each, extract the articles in one batch."""
    results: list[Outcome | None] = [None] * len(units)
    docs: list[tuple[int, readers.Doc]] = []
    for i, unit in enumerate(units):
        try:
            prepared = readers.prepare(unit, options)
        except Exception as exc:  # noqa: BLE001 - a bug or a pathological page: log, go on
            results[i] = failed(unit, f"read:{readers.short(exc)}")
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


def resolved(units: list[readers.Unit]) -> list[Outcome] | None:
    """Outcomes of a chunk the reader already judged entirely (no extractor needed), else None."""
    if any(u.status is None for u in units):
        return None
    return [Outcome(u.id, u.source, u.kind, u.status or "failed", u.reason, progress=u.progress)
            for u in units]


def failed(unit: readers.Unit, reason: str) -> Outcome:
    """A unit that failed for ``reason`` (``tag:detail``)."""
    return Outcome(unit.id, unit.source, unit.kind, "failed", reason, progress=unit.progress)


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
    """A doc's outcome from what the extractor gave: a Record, an exception, or a Failure."""
    unit = doc.unit
    if isinstance(result, Record):
        try:
            rows = rows_for(doc, result)
        except Exception as exc:  # noqa: BLE001 - a record that does not fit the schema
            return failed(unit, f"record:{readers.short(exc)}")
        return Outcome(unit.id, unit.source, unit.kind, "ok", None, doc.article.id, rows,
                       unit.progress)
    if isinstance(result, BaseException):
        return failed(unit, f"extract:{readers.short(result)}")
    code, reason = getattr(result, "code", None), getattr(result, "reason", None)
    if code is not None or reason is not None:
        detail = " ".join(str(reason or "").split())
        prefix = f"{code}: " if code and not detail.startswith(str(code)) else ""
        status = "skipped" if code in POLICY_CODES else "failed"
        return Outcome(unit.id, unit.source, unit.kind, status, f"extract:{prefix}{detail}"[:240],
                       progress=unit.progress)
    return failed(unit, f"extract:unexpected result {type(result).__name__}")
