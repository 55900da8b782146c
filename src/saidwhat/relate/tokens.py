"""Tests on single tokens of a parse: negation words and the for/against of a verb."""
from __future__ import annotations

from saidwhat.relate.words import NEGATING_VERBS, NEGATIVE_ARGS


def is_no(d) -> bool:
    """The determiner "no" ("no guarantees"), not "no less important", "no more than"."""
    if d.dep_ != "det" or d.lower_ != "no":
        return False
    nxt = d.doc[d.i + 1] if d.i + 1 < len(d.doc) else None
    return nxt is None or (nxt.tag_ not in ("JJR", "RBR") and nxt.lower_ not in ("less", "more", "longer", "fewer"))


def is_negation(t) -> bool:
    """A word that negates what it stands in: "not", "n't", "never", the determiner "no", "nothing"."""
    return t.dep_ == "neg" or t.lower_ in NEGATIVE_ARGS or t.lower_ == "never" or is_no(t) or (
        t.pos_ == "VERB" and t.lemma_.lower() in NEGATING_VERBS)


def stance(h) -> int:
    """For or against: "voted for the bill" (+1), "voted against it" (-1), "argued in favour of" (+1)."""
    for c in h.children:
        if c.dep_ != "prep":
            continue
        if c.lower_ == "against":
            return -1
        if c.lower_ == "for" or c.lower_ == "in" and any(
                p.lower_ in ("favour", "favor", "support") for p in c.children if p.dep_ == "pobj"):
            return 1
    return 0
