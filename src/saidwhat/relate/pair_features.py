"""The features the pair model reads: the rule detector's view of a pair, the surface words of each
side and what the sentence embeddings say about their meaning.

Every feature has a name (:data:`NAMES`), so a weight file is readable and a reason can be given in
words. The rule signals (negation of a shared predicate, antonyms, numbers, dates, role swap,
terse denial) come from :mod:`saidwhat.relate.signals` exactly as the rule scorer sees them; the
model learns how far to trust each on real statements instead of a hand-set strength.
"""
from __future__ import annotations

import numpy

from saidwhat.lexicon import stance_of
from saidwhat.relate.parts import Statement
from saidwhat.relate.relation import Relation
from saidwhat.relate.scoring import coverage
from saidwhat.relate.signals import denial_signals, number_signals, one_sided_negation, predicate_signals
from saidwhat.relate.surface import Surface
from saidwhat.relate.thresholds import DEFAULT

SIGNAL_KINDS = ("negation", "antonym", "number", "date", "role-swap", "denial")
ONE_SIDED = ("falsity", "negation", "denial", "denial cue")
# A word on one side ("false", "not", "denied") speaks about the other side only when the two are
# about the same thing: these features grow with the meaning shared above FLOOR, and count double
# ("terse") when the side that has the word is short, as a headline or a denial is; in a long
# statement such a word is usually about something else ("the wrong moves", "the states that lie ahead").
FLOOR = 0.35
TERSE = 15  # words
NAMES: tuple[str, ...] = (
    "bias", "cosine", "cosine^2", "cosine>0.6", "cosine>0.8", "overlap", "overlap min", "overlap max",
    "rule disputes", "rule supports", "rule disputes score", "rule supports score",
    *(f"signal {k}" for k in SIGNAL_KINDS), "signal agreement", "signal ignored (little shared)",
    "negated, no shared predication",
    "negation both", "negations differ", "falsity both", "denial both", "denial cue both",
    "confirming cue", "unverified one side", "unverified both", "question",
    *(f"{k} one side{s}" for k in ONE_SIDED for s in ("", ", terse")),
)
INDEX = {n: i for i, n in enumerate(NAMES)}


def cue_stance(cue: str | None, stance: str | None = None) -> str:
    """The stance of a reporting verb ("denied": denial); a stance the engine gave wins."""
    if stance:
        return stance
    words = (cue or "").lower().split()
    return stance_of(words[0], words[1] if len(words) > 1 else "") if words else "neutral"


def _side(in_a: bool, in_b: bool) -> str | None:
    return None if in_a == in_b else "a" if in_a else "b"


def _one_sided(one: dict, cosine: float, sa: Surface, sb: Surface) -> dict[str, float]:
    shared = max(0.0, (cosine - FLOOR) / (1 - FLOOR))
    out = {}
    for k in ONE_SIDED:
        side = one[k]
        out[f"{k} one side"] = shared if side else 0.0
        words = (sa if side == "a" else sb).words
        out[f"{k} one side, terse"] = shared if side and words <= TERSE else 0.0
    return out


def features(a: Statement, b: Statement, sa: Surface, sb: Surface, cosine: float, rule: Relation,
             a_stance: str = "neutral", b_stance: str = "neutral") -> numpy.ndarray:
    """The feature vector of the pair (``b`` about ``a``), in the order of :data:`NAMES`; the
    stances are the cues' (:func:`cue_stance`)."""
    th = DEFAULT
    ca, cb, _ = coverage(a, b, th)
    signals, agree = predicate_signals(a, b, th)
    more, more_agree = number_signals(a, b, th)
    signals += more + denial_signals(a, b, (ca + cb) / 2, th)
    kept = [s for s in signals if (ca + cb) / 2 >= th.dispute_min_overlap or s.kind == "denial"]
    kinds = {s.kind for s in kept}
    neg_a, neg_b = bool(sa.negation) or a.negations > 0, bool(sb.negation) or b.negations > 0
    den_cue = [a_stance == "denial", b_stance == "denial"]
    confirm = "endorsing" in (a_stance, b_stance) or bool(a.confirms or b.confirms)
    one = {  # which side has the word, when only one has it: "a" or "b"
        "falsity": _side(bool(sa.falsity), bool(sb.falsity)),
        "negation": _side(neg_a, neg_b) or ("b" if one_sided_negation(a, b) else None),
        "denial": _side(bool(sa.denial), bool(sb.denial)),
        "denial cue": _side(*den_cue),
    }
    v = {
        "bias": 1.0, "cosine": cosine, "cosine^2": cosine * cosine, "cosine>0.6": float(cosine > 0.6),
        "cosine>0.8": float(cosine > 0.8), "overlap": (ca + cb) / 2, "overlap min": min(ca, cb),
        "overlap max": max(ca, cb),
        "rule disputes": float(rule.label == "disputes"), "rule supports": float(rule.label == "supports"),
        "rule disputes score": rule.score if rule.label == "disputes" else 0.0,
        "rule supports score": rule.score if rule.label == "supports" else 0.0,
        **{f"signal {k}": float(k in kinds) for k in SIGNAL_KINDS},
        "signal agreement": float(bool(agree or more_agree)),
        "signal ignored (little shared)": float(bool(signals) and not kept),
        "negated, no shared predication": float(one_sided_negation(a, b) and not (agree or more_agree or signals)),
        "negation both": float(neg_a and neg_b),
        "negations differ": min(3.0, abs(len(sa.negation) - len(sb.negation))),
        "falsity both": float(bool(sa.falsity and sb.falsity)),
        "denial both": float(bool(sa.denial and sb.denial)), "denial cue both": float(all(den_cue)),
        "confirming cue": float(confirm),
        "unverified one side": float(bool(sa.unverified) != bool(sb.unverified)),
        "unverified both": float(bool(sa.unverified and sb.unverified)),
        "question": float(sa.question or sb.question),
        **_one_sided(one, cosine, sa, sb),
    }
    return numpy.array([v[n] for n in NAMES], dtype=numpy.float32)
