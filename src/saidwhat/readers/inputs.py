"""Inputs of ``saidwhat extract``: plain-text files, JSONL files (one article a line), stdin, and
through :mod:`saidwhat.readers` (the readers of ``saidwhat ingest``) HTML pages, WARC archives,
gzipped files, directories and globs.

A JSONL line carries ``id`` and ``text`` and optionally ``title``, ``url``, ``published`` (or
``date``); gold evaluation files are valid input. Every unusable unit becomes a
:class:`~saidwhat.engine.extraction.Failure` with a coded reason, and the other units go on. WARC records
that are not pages (requests, metadata, redirects, images) are passed over without a word, as
``ingest`` logs them as skipped.
"""
from __future__ import annotations

import codecs

import sys
from pathlib import Path
from typing import Iterable, Iterator

from saidwhat.errors import SaidwhatError
from saidwhat.readers.formats import HTML_EXT, WARC_EXT
from saidwhat.readers.jsonl import parse_line
from saidwhat.readers.model import Doc, Options
from saidwhat.readers.prepare import read
from saidwhat.readers.units import STDIN
from saidwhat.record import Article, Failure
from saidwhat.text.validate import decode

# Skip reasons of the readers that are routine in a WARC file, not a problem with the input.
ROUTINE = ("warc-type", "http-status", "not-html", "not-http")
# A reader's reason tag and the extract error code that says the same.
CODES = {"empty": "E001", "binary": "E002", "encoding": "E003", "too-large": "E004", "not-found": "E006",
         "json": "E007", "too-short": "E012"}


def _via_readers(p: str) -> bool:
    """Paths whose reading needs the ingest readers: pages, archives, compressed files, folders."""
    name = p.lower()
    if name.endswith(".gz"):
        return True
    if name.endswith(HTML_EXT + WARC_EXT):
        return True
    path = Path(p)
    return path.is_dir() or (not path.exists() and any(c in p for c in "*?["))


def _from_readers(p: str, max_chars: int) -> Iterator[Article | Failure]:
    try:
        import trafilatura  # noqa: F401
        import warcio  # noqa: F401
    except ImportError:
        yield Failure(p, "E013", str(SaidwhatError("E013", p)))
        return
    options = Options(languages=(), max_chars=max_chars)  # the pipeline judges language and size
    for item in read([p], options):
        if isinstance(item, Doc):
            unit = item.unit
            ident = item.source_id or (Path(unit.id).name.split(".")[0] if unit.kind == "file"
                                       else item.article.id)
            yield Article(id=ident, text=item.article.text, title=item.article.title,
                          url=item.article.url, published=item.article.published, site=item.article.site)
            continue
        tag = item.reason.split(":", 1)[0]
        if item.unit.kind == "container" or tag in ROUTINE:
            continue
        code = "E012" if item.reason == "empty:no main text" else CODES.get(tag, "E011")
        yield Failure(item.unit.id, code, f"{code}: {item.reason}")


def _jsonl(data: str | Iterable[bytes], where: str) -> Iterator[Article | Failure]:
    """The articles of JSON lines: a decoded text, or the lines of a file read as they come (a
    file of any size then costs one line of memory, not the file)."""
    lines = data.splitlines() if isinstance(data, str) else data
    for n, line in enumerate(lines, 1):
        if n == 1 and isinstance(line, bytes) and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        if not line.strip():
            continue
        unit = f"{where}:{n}"
        obj, reason = parse_line(line)  # the same judge as ingest's JSONL reader
        if obj is None:
            yield Failure(unit, "E007", str(SaidwhatError("E007", f"{unit}: {(reason or '')[:80]}")))
            continue
        yield Article.from_json(obj)


def read_inputs(paths: list[str], max_chars: int = 1_000_000) -> Iterator[Article | Failure]:
    """Articles from each path (``-`` is stdin), in order."""
    for p in paths:
        if p != "-" and _via_readers(p):
            yield from _from_readers(p, max_chars)
            continue
        if p == "-":
            where, raw = STDIN, sys.stdin.buffer.read()
        else:
            path = Path(p)
            where = p
            if not path.is_file():
                yield Failure(p, "E006", str(SaidwhatError("E006", p)))
                continue
            if p.endswith((".jsonl", ".ndjson")):
                try:
                    with path.open("rb") as lines:
                        yield from _jsonl(lines, where)
                except OSError as exc:
                    yield Failure(p, "E011", str(SaidwhatError("E011", f"{p} ({exc.strerror})")))
                continue
            try:
                raw = path.read_bytes()
            except OSError as exc:
                yield Failure(p, "E011", str(SaidwhatError("E011", f"{p} ({exc.strerror})")))
                continue
        try:
            data = decode(raw, where)
        except SaidwhatError as exc:
            yield Failure(where, exc.code, str(exc))
            continue
        looks_jsonl = p.endswith((".jsonl", ".ndjson")) or (p == "-" and data.lstrip().startswith("{"))
        if looks_jsonl:
            yield from _jsonl(data, where)
        else:
            stem = "stdin" if p == "-" else Path(p).stem
            yield Article(id=stem, text=data)
