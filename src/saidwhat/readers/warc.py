"""WARC archives: one unit per record, streamed, with damaged stretches skipped rather than fatal.

Only HTTP 200 responses with an HTML payload become pending units; requests, metadata,
redirects and images come out resolved (skipped, with the reason), as ``ingest`` logs them.
"""
from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import replace
from typing import IO, Any, Iterator

from saidwhat.readers.article import iso_date
from saidwhat.readers.formats import HTML_TYPES, charset_of, sniff
from saidwhat.readers.model import Options, Progress, Unit, short


def warc_units(source: str, raw: IO[bytes], options: Options, progress: Progress,
          skip: set[str], hashed: bool = False) -> Iterator[Unit]:
    """One unit per WARC record, streamed, then an end-of-file row.

    A damaged record is logged as failed and reading resumes at the next record signature (a
    gzip member or a ``WARC/1.`` line; seekable files only). A WARC gzipped as one stream rather
    than record by record (warcio refuses those) is reread through gzip, without resync.
    """
    from warcio.archiveiterator import ArchiveIterator

    number = 0  # records seen, the corrupt stretches counted as one record each
    yielded = 0  # records handed out, so that a reread does not hand them out twice
    failed = False
    stream = raw
    while True:
        it = ArchiveIterator(stream)
        good = 0
        end = it.offset  # just past the last good record (compressed offsets for .warc.gz)
        try:
            for record in it:
                number += 1
                good += 1
                swallowed = 0
                if number > yielded:
                    yielded = number
                    uid = f"{source}#record={number}"
                    unit = None if uid in skip else _warc_unit(uid, source, record, options)
                    if unit is not None:
                        swallowed = unit.swallowed
                        if hashed:
                            unit = replace(unit, id=uid + "#" + _digest(unit))
                        yield replace(unit, progress=progress.done + it.get_record_offset())
                for _ in range(swallowed):  # records inside this one's over-long block: lost, said so
                    number += 1
                    yielded = max(yielded, number)
                    yield Unit(f"{source}#record={number}", source, "record", status="failed",
                               reason="warc:inside the record before it (its Content-Length runs past its end)",
                               progress=progress.done + it.get_record_offset())
                end = it.get_record_offset() + it.get_record_length()
            unread = _unread(raw, end) if stream is raw else 0
            if unread:  # the archive ends inside a record warcio could not even begin to read
                number += 1
                yielded = max(yielded, number)
                yield Unit(f"{source}#record={number}", source, "record", status="failed",
                           reason=f"warc:truncated record at byte {end} ({unread} bytes unread)",
                           progress=progress.done + end)
            break
        except Exception as exc:  # noqa: BLE001 - any parse error of a damaged archive
            if "non-chunked gzip" in str(exc) and stream is raw and raw.seekable():
                raw.seek(0)
                stream, number = gzip.GzipFile(fileobj=raw, mode="rb"), 0
                continue
            if good or not failed:
                number += 1
                yielded = max(yielded, number)
                yield Unit(f"{source}#record={number}", source, "record", status="failed",
                           reason=f"warc:corrupt record at byte {end} ({short(exc)})",
                           progress=progress.done + end)
            failed = True
            nxt = _resync(raw, end + 1) if stream is raw else None
            if nxt is None:
                break
            raw.seek(nxt)
    if not hashed:
        status, reason = ("ok", None) if number else ("skipped", "empty")
        yield Unit(source, source, "container", status=status, reason=reason,
                   progress=progress.at(raw))


def _unread(raw: IO[bytes], end: int) -> int:
    """Bytes after the last whole record that are not just padding (0 where it cannot tell)."""
    if not raw.seekable():
        return 0
    here = raw.tell()
    raw.seek(end)
    rest = raw.read(1 << 16)
    raw.seek(here)
    return len(rest) if rest.strip(b"\r\n\x00 ") else 0


RECORD_START = re.compile(rb"\r?\nWARC/1\.[01]\r?\nWARC-")


def _resync(raw: IO[bytes], start: int) -> int | None:
    """Offset of the next plausible record start (a gzip member or ``WARC/1.`` line) or None."""
    if not raw.seekable():
        return None
    raw.seek(start)
    pos, tail = start, b""
    while True:
        piece = raw.read(1 << 20)
        if not piece:
            return None
        window = tail + piece
        found = [i for i in (window.find(b"\x1f\x8b\x08"), window.find(b"WARC/1.")) if i >= 0]
        if found:
            return pos - len(tail) + min(found)
        tail = window[-8:]
        pos += len(piece)


def _warc_unit(uid: str, source: str, record: Any, options: Options) -> Unit:
    """Judge one WARC record: only HTTP responses with an HTML payload become pending units."""
    kind = record.rec_type or "unknown"
    if kind != "response":
        return Unit(uid, source, "record", status="skipped", reason=f"warc-type:{kind}")
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    date = headers.get_header("WARC-Date")
    http = record.http_headers
    if http is None:
        return Unit(uid, source, "record", status="skipped", reason="not-http", url=url)
    code = http.get_statuscode()
    if code != "200":
        return Unit(uid, source, "record", status="skipped", reason=f"http-status:{code}", url=url)
    ctype = (http.get_header("Content-Type") or "").strip()
    mime = ctype.split(";")[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        return Unit(uid, source, "record", status="skipped", reason=f"not-html:{mime}", url=url)
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    if encoding and encoding not in ("identity", *_decompressors()):
        return Unit(uid, source, "record", status="skipped",
                    reason=f"http:unsupported content-encoding {encoding}", url=url)
    try:
        body = record.content_stream().read(options.max_bytes + 1)
        while record.raw_stream.read(1 << 16):  # the rest of the block, to see that it is all there
            pass
    except Exception as exc:  # noqa: BLE001 - broken chunked or compressed payloads
        return Unit(uid, source, "record", status="failed", reason=f"http:{short(exc)}", url=url)
    inside = len(RECORD_START.findall(body))
    if inside:
        return Unit(uid, source, "record", status="failed", url=url, swallowed=inside,
                    reason=f"warc:its block holds {inside} more record(s) (a Content-Length that is too large)")
    missing = getattr(record.raw_stream, "limit", 0) or 0
    if missing > 0:
        return Unit(uid, source, "record", status="failed", url=url,
                    reason=f"warc:truncated record ({missing} bytes of its block missing)")
    if len(body) > options.max_bytes:
        return Unit(uid, source, "record", status="skipped",
                    reason=f"too-large:more than {options.max_bytes} bytes", url=url)
    fmt = sniff(body, ".html" if mime else "")
    if not body.strip():
        return Unit(uid, source, "record", status="skipped", reason="empty", url=url)
    if fmt != "html":
        return Unit(uid, source, "record", status="skipped", reason=f"not-html:{fmt}", url=url)
    return Unit(uid, source, "record", fmt="html", payload=body, url=url,
                published=iso_date(date), charset=charset_of(ctype))


def _decompressors() -> tuple[str, ...]:
    from warcio.bufferedreaders import BufferedReader

    return tuple(BufferedReader.get_supported_decompressors())


def _digest(unit: Unit) -> str:
    data = unit.payload if isinstance(unit.payload, bytes) else str(unit.payload).encode()
    return hashlib.sha256(data + (unit.reason or "").encode()).hexdigest()[:16]
