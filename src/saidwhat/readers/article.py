"""From text and metadata to an article: the checks every format shares, and plain text.

Whatever a unit was (an HTML page, a JSONL line, a text file), it becomes an
:class:`~saidwhat.record.Article` here, so the size, length and language rules and the
content-derived id are the same for all of them.
"""
from __future__ import annotations

import codecs

from saidwhat.readers.model import Doc, Options, Skip, Unit
from saidwhat.record import Article, article_id
from saidwhat.text.dates import parse_published
from saidwhat.text.validate import identify_language


def iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or timestamp; None for anything else.

    The date parser of :mod:`saidwhat.text.dates`, held to what a metadata field must be: the
    date starts the value (``Updated 2020-01-02`` is not a publication date) and has a
    four-digit year from 1000 (an invalid day like 2016-02-31, which DuckDB refuses, is None).
    """
    text = value.strip() if value else ""
    parsed = parse_published(text[:10]) if text else None
    if parsed is None or parsed.year < 1000:
        return None
    return parsed.isoformat()


def detect_language(text: str, options: Options = Options()) -> str:
    """The ISO 639-1 code of the text, or the first allowed language when the detector is unsure
    (short texts, lists of names)."""
    sample = text[:3000] + (" " + text[len(text) // 2:len(text) // 2 + 2000] if len(text) > 5000 else "")
    language, confidence = identify_language(sample)
    if confidence < options.min_language_confidence and options.languages:
        return options.languages[0]
    return language


def finish(unit: Unit, text: str, title: str | None, url: str | None, site: str | None,
           author: str | None, published: str | None, date_source: str | None,
           options: Options, min_chars: int) -> Doc | Skip:
    """Checks common to every format, then the Article with its content-derived id."""
    chars = len(text.strip())
    if chars < min_chars:
        return Skip(unit, "skipped", f"too-short:{chars} chars")
    if len(text) > options.max_chars:
        return Skip(unit, "skipped", f"too-large:{len(text)} chars")
    language = detect_language(text, options)
    if options.languages and language not in options.languages:
        return Skip(unit, "skipped", f"language:{language}")
    url = url.strip() if url else None
    article = Article(id=article_id(text, url), text=text, title=clean(title), url=url,
                      site=clean(site), published=published, language=language)
    return Doc(unit, article, author=clean(author), source_id=unit.source_id,
               date_source=date_source if published else None)


def clean(value: str | None) -> str | None:
    """Whitespace collapsed; None for nothing."""
    value = " ".join(value.split()) if value else None
    return value or None


def from_text(unit: Unit, options: Options) -> Doc | Skip:
    """A plain-text unit (a text file, a JSONL line's text): UTF-8, then the common checks."""
    if isinstance(unit.payload, str):
        text = unit.payload
    else:
        data = unit.payload or b""
        if data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        try:
            text = data.decode("utf-16" if utf16 else "utf-8")
        except UnicodeDecodeError as exc:
            return Skip(unit, "failed", f"encoding:not valid {'UTF-16' if utf16 else 'UTF-8'} (byte {exc.start})")
    if "\x00" in text:
        return Skip(unit, "skipped", f"binary:a NUL character at {text.index(chr(0))}")
    if not text.strip():
        return Skip(unit, "skipped", "empty")
    return finish(unit, text, unit.title, unit.url, unit.site, unit.author,
                  iso_date(unit.published), "input" if unit.published else None, options,
                  min_chars=1)
