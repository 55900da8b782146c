"""The scorer: the signals of two statements combined into ``disputes``, ``supports`` or ``unrelated``.

Every dispute signal needs the two contents to share at least ``dispute_min_overlap`` of their
weight (a terse denial excepted): on real news, contents that merely share a negated verb are
about other things. Otherwise ``supports`` when the same predication (or a negated antonym, or the
same quantity) holds on both sides with enough shared content, or one side confirms, or both
deny; or the contents nearly coincide. Never when a negation stands on one side only. Else
``unrelated``.
"""
from __future__ import annotations

from saidwhat.relate.keys import same
from saidwhat.relate.participants import overlaps
from saidwhat.relate.parts import Item, Statement
from saidwhat.relate.relation import Relation, evidence
from saidwhat.relate.signals import (
    Signal, both_deny, denial_signals, number_signals, one_sided_negation, predicate_signals)
from saidwhat.relate.thresholds import DEFAULT, Thresholds


def coverage(a: Statement, b: Statement, th: Thresholds = DEFAULT) -> tuple[float, float, list[tuple[Item, Item]]]:
    """The share of each side's content weight found on the other side (numbers by value count)."""
    pairs = overlaps(a.content, b.content)
    qa = {q.value for q in a.quantities}
    qb = {q.value for q in b.quantities}
    shared_q = len(qa & qb)
    ma = {x.i for x, _ in pairs}
    mb = {y.i for _, y in pairs}
    wa = sum(x.weight for x in a.content) + th.quantity_weight * len(qa)
    wb = sum(y.weight for y in b.content) + th.quantity_weight * len(qb)
    ca = (sum(x.weight for x in a.content if x.i in ma) + th.quantity_weight * shared_q) / wa if wa else 0.0
    cb = (sum(y.weight for y in b.content if y.i in mb) + th.quantity_weight * shared_q) / wb if wb else 0.0
    return ca, cb, pairs


def compare(a: Statement, b: Statement, th: Thresholds = DEFAULT) -> Relation:
    """The relation of statement ``b`` to statement ``a`` (symmetric but for the evidence sides)."""
    ca, cb, pairs = coverage(a, b, th)
    overlap = (ca + cb) / 2
    signals, agree = predicate_signals(a, b, th)
    more_signals, more_agree = number_signals(a, b, th)
    signals += more_signals + denial_signals(a, b, overlap, th)
    agree += more_agree
    # A contradiction needs the statements to be about the same thing; a denial that does not
    # restate its claim shares little wording with it, and its anchor stands in for the overlap.
    kept = [s for s in signals if overlap >= th.dispute_min_overlap or s.kind == "denial"]
    if kept:
        return _disputes(kept, overlap, th)
    if (both := both_deny(a, b)) is not None:
        agree.append(both)
    return _supports_or_unrelated(a, b, pairs, overlap, signals, agree, th)


def _disputes(kept: list[Signal], overlap: float, th: Thresholds) -> Relation:
    """The strongest signal's strength, a little more for each further one and for the overlap."""
    kept = sorted(kept, key=lambda s: -s.strength)
    score = min(th.max_score, kept[0].strength + th.extra_signal * (len(kept) - 1) + th.dispute_overlap * overlap)
    return Relation("disputes", round(score, 3), tuple(s.evidence for s in kept[:5]))


def _supports_or_unrelated(a: Statement, b: Statement, pairs: list[tuple[Item, Item]], overlap: float,
                           signals: list[Signal], agree: list[dict], th: Thresholds) -> Relation:
    """Support: the same predication about the same participants (or a confirming cue), and enough
    shared content; or nearly the same content where the parse does not line the clauses up."""
    polarity_differs = one_sided_negation(a, b)
    confirms = a.confirms or b.confirms
    threshold = th.confirmed_overlap if confirms or any("agree" in e["why"] for e in agree) else th.support_overlap
    same_speaker = {k for k in a.speaker_keys if any(same(k, j) for j in b.speaker_keys)}
    a_spans = [x.span for x, _ in pairs]
    b_spans = [y.span for _, y in pairs]
    enough = len({x.key for x, _ in pairs} | same_speaker) + bool(agree) >= 2
    if polarity_differs and not any("agree" in e["why"] or "both" in e["why"] for e in agree):
        enough = False
    if enough and (overlap >= th.paraphrase_overlap or overlap >= threshold and (agree or confirms)):
        ev = agree[:2] + [evidence(a_spans, b_spans, f"content overlap {overlap:.2f}")]
        if confirms:
            ev.append(evidence(a.confirms, b.confirms, "confirming cue"))
        score = min(th.max_score, th.support_base + th.support_weight * overlap
                    + (th.support_cue if agree or confirms else 0.0))
        return Relation("supports", round(score, 3), tuple(ev))
    ev = [evidence(a_spans, b_spans, f"one side negated, no shared predication (overlap {overlap:.2f})"
                   if polarity_differs and overlap >= threshold else f"little shared content (overlap {overlap:.2f})")]
    if signals:
        ev.append(evidence([], [], f"ignored: {signals[0].evidence['why']} (the statements share too little)"))
    return Relation("unrelated", round(max(0.5, 1.0 - 0.5 * overlap / threshold), 3), tuple(ev))
