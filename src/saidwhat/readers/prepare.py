"""From a pending unit to an article (or a skip): the costly second step of reading.

:func:`saidwhat.readers.units.iter_units` only reads bytes; :func:`prepare` does what is worth
spreading over worker processes (HTML extraction, decoding, language detection), and
:func:`read` chains both for callers that want articles in one process.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from saidwhat.readers.article import from_text
from saidwhat.readers.html import from_html
from saidwhat.readers.model import Doc, Options, Skip, Unit
from saidwhat.readers.units import iter_units


def prepare(unit: Unit, options: Options = Options()) -> Doc | Skip:
    """Extract, decode, bound and identify one pending unit (the costly step: run it in workers)."""
    if unit.status is not None:
        return Skip(unit, unit.status, unit.reason or "")
    if unit.fmt == "html":
        return from_html(unit, options)
    return from_text(unit, options)


def read(paths: Iterable[str], options: Options = Options()) -> Iterator[Doc | Skip]:
    """Every unit of the inputs, prepared in this process (for small jobs and tests)."""
    for unit in iter_units(paths, options):
        yield prepare(unit, options)
