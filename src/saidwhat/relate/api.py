"""``relate`` and ``relate_many``: parse the texts (once each), analyse them, score each pair.

The spaCy pipeline is loaded on first use and kept in ``_NLP`` here. The package face
(``saidwhat.relate``) forwards its own ``_NLP`` attribute to this one, reading and setting, so a
caller (or a test) that sets ``saidwhat.relate._NLP`` to a loaded model is served that model.
"""
from __future__ import annotations

from typing import Any, Iterable

from saidwhat.relate.pairs import as_pair
from saidwhat.relate.parts import Statement
from saidwhat.relate.relation import Relation
from saidwhat.relate.scoring import compare
from saidwhat.relate.statements import analyse
from saidwhat.relate.thresholds import DEFAULT, Thresholds

_NLP = None


def _nlp(nlp=None):
    """The given pipeline, else the cached one, else the base model (loaded once)."""
    global _NLP
    if nlp is not None:
        return nlp
    if _NLP is None:
        from saidwhat.engine.model import load_base
        _NLP = load_base()
    return _NLP


def relate(a: str, b: str, *, a_speaker: str | None = None, b_speaker: str | None = None,
           nlp=None, thresholds: Thresholds = DEFAULT) -> Relation:
    """The relation of statement ``b`` to statement ``a``: disputes, supports or unrelated."""
    return relate_many([(a, b, a_speaker, b_speaker)], nlp=nlp, thresholds=thresholds)[0]


def relate_many(pairs: Iterable[Any], nlp=None, *, batch_size: int = 256,
                cache: dict | None = None, thresholds: Thresholds = DEFAULT) -> list[Relation]:
    """``relate`` over many pairs: each distinct text is parsed once, in one ``nlp.pipe`` pass.

    A pair is ``(a, b)``, ``(a, b, a_speaker, b_speaker)`` or a dict with ``a``, ``b`` and optional
    ``a_speaker``/``b_speaker``. ``cache`` (a dict the caller keeps) carries analysed statements
    from one call to the next, so a text seen before is not parsed again.
    """
    items = [as_pair(p) for p in pairs]
    for a, b, _, _ in items:
        if not isinstance(a, str) or not isinstance(b, str):
            raise TypeError("statements must be strings")
    cache = {} if cache is None else cache
    texts = list(dict.fromkeys(t for a, b, sa, sb in items for t, sp in ((a, sa), (b, sb))
                               if (t, sp) not in cache))
    docs = dict(zip(texts, _nlp(nlp).pipe(texts, batch_size=batch_size))) if texts else {}

    def statement(text: str, speaker: str | None) -> Statement:
        k = (text, speaker)
        if k not in cache:
            cache[k] = analyse(docs[text], speaker)
        return cache[k]

    return [compare(statement(a, sa), statement(b, sb), thresholds) for a, b, sa, sb in items]
