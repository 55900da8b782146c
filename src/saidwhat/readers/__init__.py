"""Input readers: turn paths (files, directories, globs, stdin) into units of input, then articles.

Reading happens in two steps so that the cheap part can stream in one process while the
expensive part runs in worker processes:

* :func:`iter_units` walks the inputs and yields one :class:`Unit` per unit of input (a file, a
  WARC record, a JSONL line). It only reads and decompresses bytes; a unit it can already judge
  (missing file, binary file, non-response WARC record, malformed JSON) comes out resolved, with a
  status and a reason.
* :func:`prepare` turns a pending unit into a :class:`Doc` (an :class:`~saidwhat.record.Article`
  plus metadata the Article has no field for) or a :class:`Skip`: HTML main-text extraction,
  charset decoding, size limits, language detection, the article id.

:func:`read` chains both for callers that want articles in one process. Reasons are ``tag`` or
``tag:detail`` (``language:de``, ``too-short:37 chars``); the tags are listed in docs/store.md.

This module only names what the rest of saidwhat uses; the work is in its modules, one job each:
``model`` (the values), ``formats`` (sniffing), ``units`` (walking paths, files, stdin),
``jsonl``, ``warc``, ``html``, ``article`` (the checks every format shares), ``prepare``, and
``inputs`` (what ``saidwhat extract`` reads).
"""
from __future__ import annotations

from saidwhat.readers.article import detect_language, iso_date
from saidwhat.readers.formats import HTML_EXT, JSONL_EXT, TEXT_EXT, WARC_EXT, sniff
from saidwhat.readers.html import decode_html
from saidwhat.readers.jsonl import parse_line
from saidwhat.readers.model import Doc, Options, Skip, Unit, short
from saidwhat.readers.prepare import prepare, read
from saidwhat.readers.units import STDIN, expand, iter_units, total_bytes
from saidwhat.record import article_id

__all__ = ["Options", "Unit", "Doc", "Skip", "iter_units", "prepare", "read", "expand",
           "total_bytes", "sniff", "detect_language", "decode_html", "parse_line", "iso_date",
           "short", "article_id", "HTML_EXT", "WARC_EXT", "JSONL_EXT", "TEXT_EXT", "STDIN"]
