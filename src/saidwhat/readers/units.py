"""Walking the inputs: paths, folders, globs and standard input, into a stream of units.

Only bytes are read and decompressed here (the cheap part, which streams in one thread); each
file goes to the reader of its format, picked by extension, else by its first bytes.
Unit ids name where a unit came from, stably across runs, so that an interrupted batch can skip
what it already logged: ``/abs/path``, ``/abs/path#record=17`` (WARC, 1-based),
``/abs/path:line=5`` (JSONL, 1-based), and for standard input a content hash instead of a path.
"""
from __future__ import annotations

import glob
import gzip
import hashlib
import io
import os
import stat
import sys
import zlib
from dataclasses import replace
from typing import IO, Callable, Iterable, Iterator

from saidwhat.readers.formats import WARC_EXT, format_of, sniff
from saidwhat.readers.jsonl import jsonl_units
from saidwhat.readers.model import Options, Progress, Unit, gzip_reason, short
from saidwhat.readers.warc import warc_units

STDIN = "<stdin>"


def expand(paths: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, problem)``: existing files in sorted order, or a path with its problem.

    Directories are walked recursively (hidden entries skipped), globs expanded, ``-`` is stdin.
    A path is yielded once even if several arguments reach it.
    """
    seen: set[str] = set()
    for given in paths:
        if given == "-":
            if STDIN not in seen:
                seen.add(STDIN)
                yield STDIN, None
            continue
        if os.path.lexists(given):
            matches = [given]
        elif glob.has_magic(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                yield os.path.abspath(given), "not-found:no file matches"
                continue
        else:
            yield os.path.abspath(given), "not-found"
            continue
        for match in matches:
            for path, problem in _walk(match):
                path = os.path.abspath(path)
                if path not in seen:
                    seen.add(path)
                    yield path, problem or _special(path)


SPECIAL = "special-file"  # a problem that is a skip, not a failure: FIFOs, sockets, devices


def _special(path: str) -> str | None:
    """Why a path that is no regular file is never opened (a FIFO would hang the read), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reported when it is opened
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = ("fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
            else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "other")
    return f"{SPECIAL}:{kind}"


def _walk(path: str) -> Iterator[tuple[str, str | None]]:
    """The files under ``path`` in sorted order, hidden entries skipped; a folder that cannot be
    read comes with its problem (it is logged, never silently left out)."""
    if not os.path.isdir(path):
        yield path, None
        return
    problems: list[tuple[str, str]] = []

    def unreadable(exc: OSError) -> None:
        problems.append((exc.filename or path, f"read:{short(exc)}"))

    for root, dirs, files in os.walk(path, onerror=unreadable):
        while problems:
            yield problems.pop(0)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name), None
    yield from problems


def total_bytes(paths: Iterable[str]) -> int | None:
    """Sum of the sizes of the input files (None when stdin is read): the progress bar's total."""
    total = 0
    for path, problem in expand(paths):
        if path == STDIN:
            return None
        if problem is None:
            try:
                total += os.path.getsize(path)
            except OSError:
                pass
    return total


def iter_units(paths: Iterable[str], options: Options = Options(),
               done: Callable[[str], bool] | None = None,
               known: Callable[[str], set[str]] | None = None,
               stdin: IO[bytes] | None = None) -> Iterator[Unit]:
    """Stream the units of all inputs.

    ``done(path)`` says a whole file was already handled in an earlier run (it is not opened);
    ``known(path)`` gives the unit ids of that file already handled (they are read past, not
    yielded). Both default to "nothing handled".
    """
    progress = Progress()
    for path, problem in expand(paths):
        if problem is not None:
            status = "skipped" if problem.startswith(SPECIAL) else "failed"
            yield Unit(path, path, "path", status=status, reason=problem, progress=progress.done)
            continue
        if path == STDIN:
            yield from _read_stdin(stdin or sys.stdin.buffer, options, progress)
            continue
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            yield Unit(path, path, "file", status="failed", reason=f"read:{short(exc)}",
                       progress=progress.done)
            continue
        if done is not None and done(path):
            progress.done += size
            continue
        skip = known(path) if known is not None else set()
        try:
            yield from _read_file(path, size, options, progress, skip)
        except OSError as exc:  # unreadable file, permission denied, I/O error
            yield Unit(path, path, "file", status="failed", reason=f"read:{short(exc)}",
                       progress=progress.done)
        progress.done += size


def _read_file(path: str, size: int, options: Options, progress: Progress,
               skip: set[str]) -> Iterator[Unit]:
    """Pick the reader of one file by its extension, else by its first bytes."""
    with open(path, "rb") as raw:
        if size == 0:
            yield Unit(path, path, "file", status="skipped", reason="empty", progress=progress.done)
            return
        head = raw.read(8)
        raw.seek(0)
        gz = head[:2] == b"\x1f\x8b"
        name = path.lower()
        inner = name[:-3] if name.endswith(".gz") else name
        if name.endswith(".gz") and not gz:
            yield Unit(path, path, "file", status="failed", reason="gzip:not a gzip file",
                       progress=progress.done)
            return
        if inner.endswith(WARC_EXT) or head.startswith(b"WARC/"):
            yield from warc_units(path, raw, options, progress, skip)
            return
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw
        try:
            first = stream.peek(4096)[:4096]
            if gz and first.startswith(b"WARC/"):
                raw.seek(0)
                yield from warc_units(path, raw, options, progress, skip)
                return
            fmt = format_of(inner, first)
            if fmt == "jsonl":
                yield from jsonl_units(path, stream, raw, options, progress, skip)
                return
            if not gz and size > options.max_bytes:
                yield Unit(path, path, "file", status="skipped", reason=f"too-large:{size} bytes",
                           progress=progress.done)
                return
            data = stream.read(options.max_bytes + 1)
            yield _single(path, data, fmt, options, progress.at(raw), stream)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            yield Unit(path, path, "file", status="failed", reason=gzip_reason(exc),
                       progress=progress.at(raw))


def _single(path: str, data: bytes, fmt: str, options: Options, at: int,
            stream: IO[bytes]) -> Unit:
    """A file that holds one document (HTML or plain text): bound and wrap it."""
    if len(data) > options.max_bytes:
        size = _drain(stream, len(data))
        return Unit(path, path, "file", status="skipped", reason=f"too-large:{size} bytes", progress=at)
    if not data.strip():
        return Unit(path, path, "file", status="skipped", reason="empty", progress=at)
    if fmt.startswith("binary"):
        return Unit(path, path, "file", status="skipped", reason=fmt, progress=at)
    if fmt == "jsonl":  # stdin that turned out to be a single JSON object: taken as text
        fmt = "text"
    return Unit(path, path, "file", fmt=fmt, payload=data, progress=at)


def _drain(stream: IO[bytes], already: int) -> int:
    """Read a stream to its end in small pieces (to report its size without holding it)."""
    total = already
    while True:
        piece = stream.read(1 << 20)
        if not piece:
            return total
        total += len(piece)


def _read_stdin(stream: IO[bytes], options: Options, progress: Progress) -> Iterator[Unit]:
    """Standard input: sniffed like a file; unit ids carry a content hash, not a position, so a
    different input on a later run is never mistaken for one already ingested."""
    head = stream.peek(8)[:8] if hasattr(stream, "peek") else b""
    if not head:
        buffered = io.BufferedReader(stream)  # type: ignore[arg-type]
        head, stream = buffered.peek(8)[:8], buffered
    try:
        if head[:2] == b"\x1f\x8b":
            stream = gzip.GzipFile(fileobj=stream, mode="rb")
            head = stream.peek(8)[:8]
        if head.startswith(b"WARC/") or head[:2] == b"\x1f\x8b":
            yield from warc_units(STDIN, stream, options, progress, set(), hashed=True)
            return
        if head.lstrip().startswith(b"{"):
            yield from jsonl_units(STDIN, stream, None, options, progress, set(), hashed=True)
            return
        data = stream.read(options.max_bytes + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Unit(STDIN, STDIN, "file", status="failed", reason=gzip_reason(exc))
        return
    uid = f"{STDIN}#{hashlib.sha256(data).hexdigest()[:16]}"
    yield replace(_single(STDIN, data, sniff(data), options, 0, stream), id=uid)
