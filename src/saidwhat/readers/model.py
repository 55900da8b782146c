"""The values readers hand around: reading options, units of input, and what a unit became.

Kept apart from the readers themselves so that every format's reader (and the batch layers
above them) can name these types without importing one another.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from saidwhat.record import Article


@dataclass(frozen=True)
class Options:
    """Limits and policies of reading; the defaults suit news pages."""

    min_chars: int = 200  # HTML main text shorter than this is not an article (menus, paywalls)
    max_bytes: int = 10_000_000  # raw page or text file larger than this is skipped unread
    max_chars: int = 1_000_000  # article text longer than this is skipped (spaCy's own limit)
    languages: tuple[str, ...] = ("en",)  # others are skipped as language:xx
    min_language_confidence: float = 0.5  # below this we do not trust the detector and keep the text


@dataclass(frozen=True)
class Unit:
    """One unit of input as read: raw payload plus what the container told us about it.

    ``status`` is None while the unit still needs :func:`saidwhat.readers.prepare`; readers set
    it to ``skipped`` or ``failed`` (with ``reason``) when they can judge the unit without
    extracting it, and to ``ok`` only for the end-of-container row of a file read to its end.
    """

    id: str
    source: str  # the file (absolute path) or <stdin> the unit came from
    kind: str  # file | record | line | container (end of a WARC/JSONL file) | path
    fmt: str = ""  # html | text | "" (nothing to extract)
    payload: bytes | str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None  # fallback date (WARC-Date) or the date the input gave
    charset: str | None = None  # declared by HTTP headers
    source_id: str | None = None  # the id the input gave (JSONL "id")
    site: str | None = None
    author: str | None = None
    status: str | None = None
    reason: str | None = None
    progress: int = 0  # input bytes consumed when this unit was read (for the progress bar)
    swallowed: int = 0  # WARC: records found inside this record's block (it is failed; so are they)


@dataclass(frozen=True)
class Doc:
    """A unit that became an article: the Article we extract from, and metadata around it."""

    unit: Unit
    article: Article
    author: str | None = None
    source_id: str | None = None
    date_source: str | None = None  # page | warc | input


@dataclass(frozen=True)
class Skip:
    """A unit that did not become an article, and why."""

    unit: Unit
    status: str  # skipped | failed
    reason: str


class Progress:
    """Input bytes consumed so far across all files (compressed bytes for compressed files)."""

    def __init__(self) -> None:
        self.done = 0

    def at(self, f: IO[bytes] | None) -> int:
        try:
            return self.done + (f.tell() if f is not None else 0)
        except (OSError, ValueError):
            return self.done


def short(exc: BaseException) -> str:
    """One line naming an exception, for a reason column."""
    text = " ".join(str(exc).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def gzip_reason(exc: BaseException) -> str:
    """The reason of a unit whose gzip stream broke: truncated, or what zlib said."""
    if isinstance(exc, EOFError):
        return "gzip:truncated"
    return f"gzip:{short(exc)}"
