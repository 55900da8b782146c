"""What a statement's words say on their own, beside its clause analysis: falsity words ("hoax",
"not true", "debunked"), denial verbs, negations, words that report a claim without vouching for
it ("reportedly", "rumours"), a question. The pair model weighs these; a word found is kept with
its span so the reason of a relation can quote it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from saidwhat.lexicon import words
from saidwhat.relate.tokens import is_negation
from saidwhat.relate.words import DENY, FALSITY, TRUTH

UNVERIFIED = words("relate_unverified")


@dataclass(frozen=True)
class Surface:
    """The surface signals of one statement; each list holds ``(start, end)`` spans of its text."""

    falsity: list[tuple[int, int]] = field(default_factory=list)  # "false", "hoax", "not true"
    denial: list[tuple[int, int]] = field(default_factory=list)  # "denied", "rejects", "refuted"
    negation: list[tuple[int, int]] = field(default_factory=list)  # "not", "never", "no"
    unverified: list[tuple[int, int]] = field(default_factory=list)  # "reportedly", "rumours"
    question: bool = False
    words: int = 0


def _forms(t) -> set[str]:
    """The word's lemma and lower case, and for a title-case headline word the parser took for a
    name ("Durex Denies Report"), the base forms its ending allows."""
    w = t.lower_
    out = {t.lemma_.lower(), w}
    if t.pos_ == "PROPN":
        for end, repl in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                          ("ing", ""), ("ing", "e")):
            if w.endswith(end) and len(w) > len(end) + 2:
                out.add(w[: -len(end)] + repl)
    return out


def surface(doc) -> Surface:
    """The surface signals of a parsed statement."""
    falsity, denial, negation, unverified = [], [], [], []
    for t in doc:
        lemma = t.lemma_.lower()
        forms = _forms(t)
        sp = (t.idx, t.idx + len(t.text))
        if forms & FALSITY:
            falsity.append(sp)
        elif lemma in TRUTH and t.pos_ in ("ADJ", "NOUN") and any(is_negation(c) for c in list(t.children)
                                                                  + list(t.head.children)):
            falsity.append(sp)  # "not true", "is not accurate"
        prt = next((c for c in t.children if c.dep_ == "prt"), None)
        if forms & DENY and t.pos_ in ("VERB", "NOUN", "PROPN") or lemma == "denial":
            denial.append(sp)
        elif prt is not None and f"{lemma}_{prt.lower_}" in DENY:
            denial.append((t.idx, prt.idx + len(prt.text)) if prt.i == t.i + 1 else sp)  # "ruled out"
        if is_negation(t):
            negation.append(sp)
        if forms & UNVERIFIED:
            unverified.append(sp)
    return Surface(falsity, denial, negation, unverified, any(t.text == "?" for t in doc),
                   sum(1 for t in doc if t.is_alpha))
