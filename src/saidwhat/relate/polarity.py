"""Clauses of a parse and their polarity: is each one asserted true, asserted false, or not asserted?

A clause is false when negated ("not", "never", "no guarantees", "nothing"), when it hangs on a
denial ("denied that …", "rejected reports that …", "claims that … are false", "it is not true
that …") or on an implicative verb ("refused to resign"); it is not asserted at all when it is a
question, a condition, a purpose, a wish or plan ("wants to cut taxes"), a "should", or an
infinitive on a noun ("reasons to release"). Only asserted predications can dispute.
"""
from __future__ import annotations

from saidwhat.relate.tokens import is_no
from saidwhat.relate.words import (
    ATTITUDE, CLAIM_NOUNS, CONFIRM, COPULAS, DENY, DEONTIC, FALSITY, IMPLICATIVE_NEG, NEGATIVE_ARGS, REPORTING,
    TRUTH)

_CLAUSE_DEPS = {"ccomp", "xcomp", "csubj", "csubjpass", "advcl", "acl", "relcl", "conj", "parataxis", "pcomp"}


class Polarity:
    """The clause structure of one parse and the polarity of each clause, computed once per head."""

    def __init__(self, doc):
        self.doc = doc
        self._pol: dict[int, tuple[int, list]] = {}
        self._active: set[int] = set()  # recursion guard for odd parses
        self.clausal_denial = False  # some clause is denied ("denied that …", "… is false")

    # -- clauses
    def is_clause_head(self, t) -> bool:
        if t.dep_ == "ROOT":
            return True
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass"):
            return True
        # small clauses: "found [the mayor guilty]", "ruled [the strike illegal]"
        return t.pos_ in ("ADJ", "NOUN") and t.dep_ in _CLAUSE_DEPS | {"oprd"} and any(
            c.dep_ in ("nsubj", "nsubjpass") for c in t.children)

    def clause_of(self, t):
        # a lone whitespace token is its own head with dep "dep", not "ROOT": stop at any root
        # (compare indices: spaCy makes a new Token object on every access, so `is` never holds)
        while not self.is_clause_head(t) and t.head.i != t.i:
            t = t.head
        return t

    def is_copula(self, h) -> bool:
        return h.lemma_.lower() in COPULAS and any(c.dep_ in ("acomp", "attr", "oprd", "prep") for c in h.children)

    def complements(self, h) -> list:
        return [c for c in h.children if c.dep_ in ("acomp", "attr", "oprd")]

    def says_false(self, h) -> int:
        """-1 if clause h says something is false ("is untrue", "are baseless", "is not true"),
        +1 if it says it is true, 0 if neither."""
        comps = [c.lemma_.lower() for c in self.complements(h)] + [c.lower_ for c in self.complements(h)]
        if h.pos_ in ("ADJ", "NOUN"):
            comps.append(h.lemma_.lower())
        if any(c in FALSITY for c in comps):
            return -1
        if any(c in TRUTH for c in comps):
            return 1
        return 0

    def local_neg(self, h) -> list:
        """Tokens negating clause h locally: not/never, and no/nothing/nobody in its arguments."""
        negs = [c for c in h.children if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never")]
        for c in h.children:
            if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "dative"):
                if c.lower_ in NEGATIVE_ARGS:
                    negs.append(c)
                negs.extend(d for d in c.children if is_no(d))
            if c.dep_ == "prep":  # "received nothing from …" is covered above; "on no account"
                for p in c.children:
                    if p.dep_ == "pobj":
                        negs.extend(d for d in p.children if is_no(d) and c.lower_ in ("on", "in", "at", "under"))
        return negs

    def irrealis(self, h) -> bool:
        """A clause that asserts nothing: an infinitive hanging on a noun ("reasons to release") or a
        purpose clause ("to pass"), a condition or an indirect question ("if", "whether", "unless")."""
        if self.in_question(h):
            return True
        while h.dep_ == "conj" and h.head.i != h.i:
            up = self.clause_of(h.head)
            if up.i == h.i:
                break
            h = up
        if any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless") for c in h.children):
            return True
        infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in h.children)
        non_finite = infinitive or h.tag_ == "VBG"
        if h.dep_ == "xcomp" and h.head.lemma_.lower() in ATTITUDE:
            return True  # "wants to cut taxes": the wanting is the claim, not the cutting
        if infinitive and h.dep_ == "advcl":
            return True
        noun = h.head if h.dep_ in ("acl", "relcl") else h.head.head if h.dep_ == "pcomp" else None
        if non_finite and noun is not None and noun.pos_ in ("NOUN", "PROPN", "PRON"):
            # "reasons to release", "the goal of accepting"; but "no plans to raise" is still a
            # (negative) statement about raising
            return not any(is_no(d) for d in noun.children) and noun.lower_ not in NEGATIVE_ARGS
        if infinitive and h.dep_ in ("xcomp", "ccomp", "attr") and h.head.lemma_.lower() in COPULAS:
            return True  # "the job is to take care of people"
        if non_finite and h.dep_ in ("csubj", "csubjpass"):
            return True  # "not paying taxes makes me smart": an activity, not an event
        # what should happen is not a claim about what happened ("companies should pay taxes")
        return any(c.dep_ == "aux" and c.lower_ in DEONTIC for c in h.children)

    def in_question(self, t) -> bool:
        sent = t.sent
        return sent[-1].text == "?" or (len(sent) > 1 and sent[-2].text == "?")

    # -- polarity
    def claim_factor(self, n) -> tuple[int, list]:
        """-1 when a claim noun is denied ("rejected reports", "the claims are false")."""
        h = n.head
        if n.dep_ in ("dobj", "nsubjpass") and h.lemma_.lower() in DENY:
            pol, why = self.polarity(self.clause_of(h))
            return -pol, why + [h]
        if n.dep_ == "nsubj" and self.says_false(h):
            pol, why = self.polarity(h)
            return self.says_false(h) * pol, why + ([c for c in self.complements(h)] if self.says_false(h) < 0 else [])
        for c in n.children:  # a broken parse: "Claims that X [are false]" hangs "are false" on the noun
            if c.pos_ in ("AUX", "VERB") and self.says_false(c):
                return self.says_false(c), ([x for x in self.complements(c)] if self.says_false(c) < 0 else [])
        return 1, []

    def gov_factor(self, h) -> tuple[int, list]:
        """What the governing context does to clause h's truth: (+1 or -1, tokens responsible)."""
        if h.dep_ == "ROOT" or h.head.i == h.i or h.i in self._active:
            return 1, []
        self._active.add(h.i)
        try:
            return self._gov_factor(h)
        finally:
            self._active.discard(h.i)

    def _gov_factor(self, h) -> tuple[int, list]:
        if h.dep_ == "conj":
            up = self.clause_of(h.head)
            return (1, []) if up.i == h.i else self.gov_factor(up)
        head = h.head
        if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in CLAIM_NOUNS and h.dep_ in (
                "acl", "ccomp", "relcl", "appos"):
            f, why = self.claim_factor(head)
            if f < 0:
                self.clausal_denial = True
            return f, why
        if head.pos_ in ("NOUN", "PRON") and h.dep_ in ("acl", "ccomp", "xcomp", "relcl") and (
                head.lower_ in NEGATIVE_ARGS or any(is_no(d) for d in head.children)):
            # "no plans to raise", "no evidence that …": the negated noun scopes over its complement
            f, why = self.gov_factor(self.clause_of(head))
            return -f, why + [d for d in head.children if is_no(d)]
        if h.dep_ not in ("ccomp", "xcomp", "csubj", "csubjpass"):
            return 1, []
        g = self.clause_of(head)
        return self._governor_factor(h, g)

    def _governor_factor(self, h, g) -> tuple[int, list]:
        """What governing verb g does to its complement clause h."""
        gl = g.lemma_.lower()
        gpol, gwhy = self.polarity(g)
        if gl in DENY:
            self.clausal_denial = True
            return -gpol, gwhy + [g]
        if gl in IMPLICATIVE_NEG and h.dep_ == "xcomp":
            return -gpol, gwhy + [g]
        if self.says_false(g) < 0:
            self.clausal_denial = True
            return -gpol, gwhy + self.complements(g)
        if self.says_false(g) > 0:
            if gpol < 0:
                self.clausal_denial = True
            return gpol, gwhy
        if gl in REPORTING or gl in CONFIRM:
            return self.gov_factor(g)  # "did not say that X" does not deny X
        return gpol, gwhy

    def polarity(self, h) -> tuple[int, list]:
        """+1 or -1 for clause h, and the tokens that made it negative (memoised per head)."""
        if h.i in self._pol:
            return self._pol[h.i]
        self._pol[h.i] = (1, [])  # cycle guard
        negs = self.local_neg(h)
        f, why = self.gov_factor(h)
        pol = f * (-1 if len(negs) % 2 else 1)
        self._pol[h.i] = (pol, why + negs)
        return self._pol[h.i]
