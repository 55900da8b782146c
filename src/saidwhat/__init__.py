"""saidwhat: who said what, when, through whom, and who disputes it, in news text.

    >>> import saidwhat
    >>> record = saidwhat.extract("“We will appeal,” the mayor's spokeswoman, Ana Ruiz, said on Monday.")
    >>> [(a.source.text, a.cue.text, a.content.text) for a in record.attributions]

Every span in a :class:`Record` is a character range of the input text as given.
:func:`load` gives the same stages as one spaCy pipeline (``nlp = saidwhat.load(); doc = nlp(text)``),
whose results are span groups and plain values on the Doc (:mod:`saidwhat.engine.docvalues`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saidwhat.errors import SaidwhatError
from saidwhat.record import Article, Attribution, Failure, Record, Speaker

if TYPE_CHECKING:
    from saidwhat.engine.extraction import Pipeline
    from saidwhat.engine.loading import load


def __getattr__(name: str) -> Any:
    """``Pipeline`` and ``load`` import spaCy on first use, not with the package: the command line
    decides first which libraries a command may load (it keeps torch out), and commands that
    only read a store start faster."""
    if name == "Pipeline":
        from saidwhat.engine.extraction import Pipeline
        return Pipeline
    if name == "load":
        from saidwhat.engine.loading import load
        return load
    raise AttributeError(f"module 'saidwhat' has no attribute {name!r}")


__all__ = ["extract", "load", "Pipeline", "Record", "Article", "Attribution", "Speaker", "Failure",
           "SaidwhatError", "__version__"]
__version__ = "0.1.0"

_default: "Pipeline | None" = None


def extract(text: str, *, title: str | None = None, url: str | None = None,
            published: str | None = None) -> Record:
    """Extract one article's record with a shared, lazily loaded :class:`Pipeline`.

    ``published`` (``YYYY-MM-DD``) anchors relative dates ("said on Sunday").
    Raises :class:`SaidwhatError` for empty, binary, oversized or non-English text.
    """
    global _default
    if _default is None:
        from saidwhat.engine.extraction import Pipeline
        _default = Pipeline()
    return _default.extract(text, title=title, url=url, published=published)
