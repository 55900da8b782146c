"""``relate`` and ``relate_many``: parse the texts (once each), analyse them, score each pair.

Each text is parsed once (one ``nlp.pipe`` pass), analysed into its clauses
(:func:`~saidwhat.relate.statements.analyse`) and its surface words, and embedded once. The rule
scorer (:func:`~saidwhat.relate.scoring.compare`) gives its label and evidence; the learned pair
model (:mod:`~saidwhat.relate.pair_model`) reads that with the other features and decides. With
``model=None`` the rule scorer alone decides (as before the pair model).

The spaCy pipeline is loaded on first use and kept in ``_NLP`` here. The package face
(``saidwhat.relate``) forwards its own ``_NLP`` attribute to this one, reading and setting, so a
caller (or a test) that sets ``saidwhat.relate._NLP`` to a loaded model is served that model.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy

from saidwhat.relate.pair_features import TERSE, cue_stance, features
from saidwhat.relate.pair_model import PairModel
from saidwhat.relate.pairs import as_pair
from saidwhat.relate.parts import Statement
from saidwhat.relate.reasons import explain
from saidwhat.relate.relation import LABELS, Relation
from saidwhat.relate.scoring import compare
from saidwhat.relate.signals import one_sided_negation
from saidwhat.relate.statements import analyse
from saidwhat.relate.surface import Surface, surface
from saidwhat.relate.thresholds import DEFAULT, Thresholds

_NLP = None
_MODEL: PairModel | None = None
DEFAULT_MODEL = "default"  # the packaged pair model


def _nlp(nlp=None):
    """The given pipeline, else the cached one, else the base model (loaded once)."""
    global _NLP
    if nlp is not None:
        return nlp
    if _NLP is None:
        from saidwhat.engine.model import load_base
        _NLP = load_base()
    return _NLP


def pair_model(model: Any = DEFAULT_MODEL) -> PairModel | None:
    """The pair model to use: the packaged one (loaded once), a given one, or None (rules only)."""
    global _MODEL
    if model is None or isinstance(model, PairModel):
        return model
    if model == DEFAULT_MODEL:
        if _MODEL is None:
            _MODEL = PairModel.load()
        return _MODEL
    return PairModel.load(model)


def relate(a: str, b: str, *, a_speaker: str | None = None, b_speaker: str | None = None,
           nlp=None, thresholds: Thresholds = DEFAULT, model: Any = DEFAULT_MODEL) -> Relation:
    """The relation of statement ``b`` to statement ``a``: disputes, supports or unrelated."""
    return relate_many([(a, b, a_speaker, b_speaker)], nlp=nlp, thresholds=thresholds, model=model)[0]


class Analysed:
    """What one pass over the texts of some pairs gives: each text's statement, surface, embedding."""

    def __init__(self, items: list[tuple], nlp, cache: dict, batch_size: int, embed: bool):
        texts = list(dict.fromkeys(t for p in items for t, sp in ((p.a, p.a_speaker), (p.b, p.b_speaker))
                                   if (t, sp) not in cache))
        docs = dict(zip(texts, _nlp(nlp).pipe(texts, batch_size=batch_size))) if texts else {}
        for p in items:
            for text, speaker in ((p.a, p.a_speaker), (p.b, p.b_speaker)):
                if (text, speaker) not in cache:
                    doc = docs[text]
                    cache[(text, speaker)] = (analyse(doc, speaker), surface(doc))
        self.cache = cache
        vectors = cache.setdefault("_vectors", {})
        for p in items:  # vectors the caller already has are not computed again
            for text, vec in ((p.a, p.a_vector), (p.b, p.b_vector)):
                if vec is not None and text not in vectors:
                    vectors[text] = numpy.asarray(vec, dtype=numpy.float32)
        if embed:
            missing = list(dict.fromkeys(t for p in items for t in (p.a, p.b) if t not in vectors))
            if missing:
                from saidwhat.relate.embedding import embedder
                vectors.update(zip(missing, embedder().embed(missing)))
        self.vectors = vectors

    def statement(self, text: str, speaker: str | None) -> tuple[Statement, Surface]:
        return self.cache[(text, speaker)]

    def cosine(self, a: str, b: str) -> float:
        return float(numpy.dot(self.vectors[a], self.vectors[b]))


MIN_DISPUTE = 0.5  # between two long statements a dispute must be more likely than not


def _decide(probs: numpy.ndarray, rule: Relation, negated_one_side: bool, terse: bool) -> str:
    """The label from the model's probabilities, under two constraints of the rule scorer that the
    model, fitted on few such pairs, does not keep by itself. Between two long statements (neither
    ``terse``: a headline, a denial) a dispute needs MIN_DISPUTE, not only to be the likeliest of
    three: long texts hold negations about other things. A negation on one side only is never a
    support unless the rules found one (a negated antonym: "not guilty" / "acquitted"); "would not
    confirm" neither supports nor disputes "confirmed"."""
    d, s, u = (LABELS.index(k) for k in ("disputes", "supports", "unrelated"))
    label = LABELS[int(probs.argmax())]
    if label == "disputes" and not terse and probs[d] < MIN_DISPUTE:
        label = LABELS[s] if probs[s] > probs[u] else LABELS[u]
    if label == "supports" and negated_one_side and rule.label != "supports":
        label = LABELS[u]
    return label


def relate_many(pairs: Iterable[Any], nlp=None, *, batch_size: int = 256, cache: dict | None = None,
                thresholds: Thresholds = DEFAULT, model: Any = DEFAULT_MODEL) -> list[Relation]:
    """``relate`` over many pairs: each distinct text is parsed and embedded once.

    A pair is ``(a, b)``, ``(a, b, a_speaker, b_speaker)`` or a dict with ``a``, ``b`` and optional
    ``a_speaker``/``b_speaker``/``a_cue``/``b_cue``/``a_stance``/``b_stance`` (the reporting verbs
    or their stance: "denied" says more than the content). ``cache`` (a dict the caller keeps) carries analysed statements from one call to
    the next, so a text seen before is not parsed again.
    """
    items = [as_pair(p) for p in pairs]
    for a, b, *_ in items:
        if not isinstance(a, str) or not isinstance(b, str):
            raise TypeError("statements must be strings")
    learned = pair_model(model)
    seen = Analysed(items, nlp, {} if cache is None else cache, batch_size, embed=learned is not None)
    out = []
    for p in items:
        (st_a, surf_a), (st_b, surf_b) = seen.statement(p.a, p.a_speaker), seen.statement(p.b, p.b_speaker)
        rule = compare(st_a, st_b, thresholds)
        if learned is None:
            out.append(rule)
            continue
        a, b = p.a, p.b
        x = features(st_a, st_b, surf_a, surf_b, seen.cosine(a, b), rule, cue_stance(p.a_cue, p.a_stance),
                     cue_stance(p.b_cue, p.b_stance))
        probs = learned.probabilities(x)[0]
        label = _decide(probs, rule, one_sided_negation(st_a, st_b), min(surf_a.words, surf_b.words) <= TERSE)
        why = explain(label, rule, surf_a, surf_b, a, b, learned.contributions(x, label), seen.cosine(a, b),
                      (p.a_speaker, p.b_speaker))
        out.append(Relation(label, round(float(probs[LABELS.index(label)]), 3), why))
    return out


def featurise(pairs: Iterable[Any], nlp=None, *, cache: dict | None = None, batch_size: int = 256,
              thresholds: Thresholds = DEFAULT) -> numpy.ndarray:
    """The pair model's feature rows of ``pairs`` (for training and evaluating a model)."""
    items = [as_pair(p) for p in pairs]
    seen = Analysed(items, nlp, {} if cache is None else cache, batch_size, embed=True)
    rows = []
    for p in items:
        (st_a, surf_a), (st_b, surf_b) = seen.statement(p.a, p.a_speaker), seen.statement(p.b, p.b_speaker)
        rows.append(features(st_a, st_b, surf_a, surf_b, seen.cosine(p.a, p.b), compare(st_a, st_b, thresholds),
                             cue_stance(p.a_cue, p.a_stance), cue_stance(p.b_cue, p.b_stance)))
    return numpy.array(rows, dtype=numpy.float32).reshape(len(rows), -1)
