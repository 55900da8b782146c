"""JSON lines: one article an object, ``{"text": ..., "id", "title", "url", "published" ...}``.

:func:`parse_line` is the one judge of a line for every JSONL reader of saidwhat (``ingest``'s
units here, ``extract``'s inputs in :mod:`saidwhat.readers.inputs`), and the fields become an
article through :meth:`saidwhat.record.Article.from_json`, whose ``published``-before-``date``
rule holds everywhere.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from typing import IO, Any, Iterator

from saidwhat.readers.model import Options, Progress, Unit, gzip_reason, short
from saidwhat.record import Article


def parse_line(line: bytes | str) -> tuple[dict[str, Any] | None, str | None]:
    """``(object, None)`` for a usable line, else ``(None, reason)``: ``encoding:...`` or
    ``json:...`` (not JSON, not an object, no ``text`` string)."""
    try:
        obj = json.loads(line)
    except UnicodeDecodeError as exc:
        return None, f"encoding:{short(exc)}"
    except json.JSONDecodeError as exc:
        return None, f"json:column {exc.colno}: {exc.msg}"
    except RecursionError:
        return None, "json:nested too deeply"
    if not isinstance(obj, dict):
        return None, "json:not an object"
    if not isinstance(obj.get("text"), str):
        return None, 'json:no "text" string'
    for name in FIELDS:
        value = obj.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            obj[name] = value = str(value)  # "published": 20190101, "id": 17
        if isinstance(value, str) and _unencodable(value):
            return None, f'encoding:a lone surrogate in "{name}" (text that UTF-8 cannot hold)'
    return obj, None


FIELDS = ("text", "id", "title", "url", "published", "date", "site", "author")


def _unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _given(value: Any) -> str | None:
    """A field as text; None when absent or empty."""
    return str(value) if value not in (None, "") else None


def json_unit(uid: str, source: str, line: bytes, at: int) -> Unit:
    """One line as a pending text unit, or a failed one saying what is wrong with it."""
    obj, reason = parse_line(line)
    if obj is None:
        return Unit(uid, source, "line", status="failed", reason=reason, progress=at)
    article = Article.from_json(obj)
    return Unit(uid, source, "line", fmt="text", payload=article.text, url=_given(article.url),
                title=_given(article.title), published=_given(article.published),
                source_id=_given(obj.get("id")), site=_given(obj.get("site")),
                author=_given(obj.get("author")), progress=at)


def jsonl_units(source: str, stream: IO[bytes], raw: IO[bytes] | None, options: Options,
                progress: Progress, skip: set[str], hashed: bool = False) -> Iterator[Unit]:
    """One unit per non-blank line, then an end-of-file row (kind ``container``).

    ``hashed`` (standard input): unit ids carry a hash of the line, and there is no
    end-of-file row, since nothing can skip a stream a later run would read again.
    """
    number = 0
    try:
        while True:
            line = stream.readline(options.max_bytes + 1)
            if not line:
                break
            number += 1
            too_long = len(line) > options.max_bytes and not line.endswith(b"\n")
            if too_long:
                size = len(line)
                while line and not line.endswith(b"\n"):
                    line = stream.readline(1 << 20)
                    size += len(line)
            if not too_long and not line.strip():
                continue
            uid = f"{source}:line={number}"
            if hashed:
                uid += "#" + hashlib.sha256(line).hexdigest()[:16]
            if uid in skip:
                continue
            at = progress.at(raw)
            if too_long:
                yield Unit(uid, source, "line", status="skipped", reason=f"too-large:{size} bytes",
                           progress=at)
                continue
            yield json_unit(uid, source, line, at)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        if not hashed:
            yield Unit(source, source, "container", status="failed", reason=gzip_reason(exc),
                       progress=progress.at(raw))
        else:
            yield Unit(f"{source}:line={number + 1}", source, "line", status="failed",
                       reason=gzip_reason(exc), progress=progress.at(raw))
        return
    if not hashed:
        status, reason = ("ok", None) if number else ("skipped", "empty")
        yield Unit(source, source, "container", status=status, reason=reason,
                   progress=progress.at(raw))
