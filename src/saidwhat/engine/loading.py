"""The whole saidwhat pipeline as one spaCy ``Language``: the English model plus every stage."""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from saidwhat.engine.components import DEFAULT_ENGINE, PIPE_NAMES
from saidwhat.engine.model import load_base


def load(model: str | None = None, weights: str | Path | None = None, engine: str = DEFAULT_ENGINE,
         encoder: str | Path | None = None) -> Language:
    """A freshly loaded English pipeline with all of saidwhat's components, in order.

    ``nlp(text)`` alone gives every result on the Doc (span groups ``saidwhat_*`` and plain
    extension values, see :mod:`saidwhat.engine.docvalues`), with offsets into ``text``. It does
    not repair the text (mojibake, glued quote marks): :class:`saidwhat.Pipeline` does, on a copy,
    and maps the offsets back. ``engine`` is ``"fast"`` (the linear scorers, default) or
    ``"learned"`` (the encoder tagger); ``weights`` and ``encoder`` replace the shipped linear weights and
    encoder directory.
    """
    nlp = load_base(model)
    nlp.add_pipe("saidwhat_paragraphs_v1", first=True)
    for name in PIPE_NAMES:
        config = {}
        if name == "saidwhat_attributions_v1":
            config = {"weights": str(weights) if weights else None, "engine": engine,
                      "encoder": str(encoder) if encoder else None}
        nlp.add_pipe(name, config=config)
    return nlp
