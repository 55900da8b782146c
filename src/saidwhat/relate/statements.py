"""The analysis of one parsed statement into a :class:`~saidwhat.relate.parts.Statement`.

The *frame* (reporting verb and speaker: "his agent said", "according to X", "denied that",
"confirmed that") is set apart from the *content*; each clause gets its predicates ("granted",
"safe", "guilty", "on suspension"), their subject, object and other arguments, and a polarity.
Polarity flips for a negation ("not", "never", "no guarantees", "nothing"), for a clause under a
denial ("denied that …", "rejected reports that …", "claims that … are false", "it is not true
that …") and under an implicative verb ("refused to resign", "failed to reach"). Averting verbs
negate their object ("escaped damage", "averted a strike").
"""
from __future__ import annotations

import re

from saidwhat.relate.dates import attach_dates
from saidwhat.relate.keys import key_of, span
from saidwhat.relate.parts import Item, Pred, Statement
from saidwhat.relate.polarity import Polarity
from saidwhat.relate.quantities import find_quantities
from saidwhat.relate.tokens import is_negation, stance
from saidwhat.relate.words import (
    ANTONYM_KEYS, AVERT, CLAIM_NOUNS, CONFIRM, DENY, LIGHT_ADJECTIVES, LIGHT_NOUNS, LIGHT_VERBS, NEGATIVE_ARGS,
    PRONOUNS, REPORTING, STOP, SUPPORT_VERBS, SYNONYM)

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"}
_WEIGHT = {"PROPN": 1.5, "NOUN": 1.0, "VERB": 1.0, "ADJ": 0.8, "ADV": 0.4, "NUM": 0.6}
_LIGHT_WEIGHT = 0.4  # generic nouns and support verbs count, but little: the meaning is in their object
_ROLES = {"nsubj": "subj", "csubj": "subj", "agent": "subj", "expl": "subj",
          "nsubjpass": "obj", "dobj": "obj", "dative": "obj", "attr": "obj", "oprd": "obj"}

# (predicate item, subjects, objects, other arguments) of one predication to build
Head = tuple[Item, list[Item], list[Item], list[Item]]


class _Analyser(Polarity):
    """One text's frame, content items, predications, quantities and denials."""

    def __init__(self, doc, speaker: str | None):
        super().__init__(doc)
        self.speaker = speaker
        self.frame: set[int] = set()
        self.speaker_toks: set[int] = set()
        self.confirms: list[tuple[int, int]] = []

    # -- frame: reporting verb and its speaker
    def find_frame(self) -> None:
        for t in self.doc:
            lemma = t.lemma_.lower()
            if t.lower_ == "according" and any(c.lower_ == "to" for c in t.children):
                self.frame.update(x.i for x in t.subtree)
                self.speaker_toks.update(x.i for x in t.subtree)
                continue
            if t.pos_ != "VERB" or not (lemma in REPORTING or lemma in DENY or lemma in CONFIRM):
                continue
            comp = [c for c in t.children if c.dep_ in ("ccomp", "parataxis")]
            claim_obj = [c for c in t.children if c.dep_ == "dobj" and c.lemma_.lower() in CLAIM_NOUNS
                         and (lemma in DENY or lemma in CONFIRM)]  # "found evidence" is no frame
            xcomp = [c for c in t.children if c.dep_ == "xcomp"] if lemma in DENY else []
            if not (comp or claim_obj or xcomp) and not (lemma in CONFIRM and lemma != "admit"):
                continue
            if lemma in CONFIRM and (comp or claim_obj or any(c.dep_ == "dobj" for c in t.children)):
                self.confirms.append(span(t))
            self.frame.add(t.i)
            for c in t.children:
                if c.dep_ in ("nsubj", "agent", "aux", "neg", "advmod", "punct", "cc"):
                    if c.dep_ in ("nsubj", "agent"):
                        self.speaker_toks.update(x.i for x in c.subtree)
                    self.frame.update(x.i for x in c.subtree)
                # "said on Sunday" (a prep of a reporting verb) is content-neutral, left to the content

    # -- items
    def item(self, t) -> Item | None:
        if t.pos_ not in _CONTENT_POS or t.i in self.frame:
            return None
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in LIGHT_VERBS:
            return None
        if t.like_num or t.pos_ == "NUM":
            return None  # numbers are compared as quantities
        k = key_of(t)
        if k in ANTONYM_KEYS or k in SYNONYM:
            pass
        elif t.pos_ in ("ADV", "NOUN") and t.is_stop or t.pos_ == "ADJ" and lemma in LIGHT_ADJECTIVES:
            return None
        if t.lower_ in NEGATIVE_ARGS or lemma in ("not", "never"):
            return None
        w = _WEIGHT.get(t.pos_, 0.5)
        if k in LIGHT_NOUNS or k in SUPPORT_VERBS:
            w = _LIGHT_WEIGHT
        mods = frozenset(key_of(c) for c in t.children
                         if c.dep_ in ("amod", "compound", "nmod", "poss") and c.pos_ in ("NOUN", "PROPN", "ADJ")
                         and c.lemma_.lower() not in LIGHT_ADJECTIVES and not c.is_stop)
        return Item(t.i, k, t.pos_, w, span(t), t.text, mods)

    # -- clauses and predications
    def roles(self) -> dict[int, dict[str, list[int]]]:
        """Each clause head's tokens by role: subj, obj, obl (other arguments) and comp."""
        clauses: dict[int, dict[str, list[int]]] = {}
        for t in self.doc:
            h = self.clause_of(t)
            if t.i == h.i:
                clauses.setdefault(h.i, {"subj": [], "obj": [], "obl": [], "comp": []})
                continue
            c = t
            while c.head.i != h.i and c.head.i != c.i:
                c = c.head
            role = _ROLES.get(c.dep_, "obl")
            if self.is_copula(h) and c.dep_ in ("acomp", "attr", "oprd"):
                role = "comp"
            if c.dep_ == "acomp":
                role = "comp"
            clauses.setdefault(h.i, {"subj": [], "obj": [], "obl": [], "comp": []})[role].append(t.i)
        return clauses

    def arguments(self, h, roles: dict[str, list[int]], items: dict[int, Item]) -> dict[str, list[Item]]:
        """The content items of each role; an infinitive without a subject takes its controller's."""
        args = {r: [items[i] for i in roles[r] if i in items] for r in ("subj", "obj", "obl")}
        if not args["subj"] and h.dep_ == "xcomp":
            # control: "asked the wealthy to pay" (the object pays), "refused to resign" (the subject)
            g, controller = h, []
            for _ in range(4):  # "asked them to start paying": up the chain of infinitives
                if g.dep_ != "xcomp":
                    break
                g = self.clause_of(g.head)
                controller = [c for c in g.children if c.dep_ in ("dobj", "dative")] or \
                             [c for c in g.children if c.dep_ in ("nsubj", "nsubjpass")]
                if controller:
                    break
            args["subj"] = [items[x.i] for c in controller for x in c.subtree if x.i in items]
        return args

    def copula_heads(self, h, args, roles, items) -> list[Head]:
        """"is safe", "was found guilty", "is on suspension": the complement is the predicate."""
        heads: list[Head] = []
        comps = [c for c in h.children if c.dep_ in ("acomp", "attr", "oprd")]
        if not comps:  # "is on suspension", "was at the scene": the prepositional object
            comps = [p for c in h.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"][:1]
        comp_is = {x.i for c in comps for x in c.subtree}
        for c in comps:
            if c.i in items:
                obl = [it for it in args["obl"] + [items[i] for i in roles["comp"] if i in items]
                       if it.i != c.i and it.i in comp_is | {it.i for it in args["obl"]}]
                heads.append((items[c.i], args["subj"], [], obl))
        return heads

    def verb_heads(self, h, args, roles, items) -> list[Head]:
        """The verb itself, its predicative adjectives and its "as" complements."""
        doc, hi = self.doc, h.i
        # what an infinitive complement is about counts for the verb too ("preparing to cut jobs")
        inner = [items[x.i] for c in h.children if c.dep_ == "xcomp" for x in c.subtree
                 if x.i in items and x.pos_ in ("NOUN", "PROPN") and x.i != c.i]
        heads: list[Head] = [(items[h.i], args["subj"], args["obj"], args["obl"] + inner)]
        # predicative adjectives of this verb ("found guilty"): about the object if any
        for i in roles["comp"] + roles["obj"]:
            t = doc[i]
            if t.pos_ == "ADJ" and t.head.i == hi and t.dep_ in ("acomp", "oprd") and i in items:
                about = [x for x in args["obj"] if x.i != i] or args["subj"]
                heads.append((items[i], about, [], args["obl"]))
        # "described the talks as a failure", "dismissed the report as a fabrication"
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ == "as" and args["obj"]:
                for y in c.children:
                    if y.dep_ == "pobj" and y.i in items and y.pos_ in ("NOUN", "ADJ"):
                        heads.append((items[y.i], args["obj"], [], []))
        return heads

    def averted(self, h, pol: int, negs, args, items) -> list[Pred]:
        """"denied any involvement", "escaped damage": the object did not happen."""
        if h.lemma_.lower() not in AVERT:
            return []
        return [Pred(items[c.i], -pol, h.i, args["subj"], [], [], [span(h)] + negs) for c in h.children
                if c.dep_ == "dobj" and c.lemma_.lower() not in CLAIM_NOUNS and c.i in items
                and c.lower_ not in PRONOUNS]

    def clause_preds(self, hi: int, roles: dict[str, list[int]], items: dict[int, Item]) -> list[Pred]:
        """The predications of one clause (none for a frame clause, unless it is a denial)."""
        h = self.doc[hi]
        if hi in self.frame and h.lemma_.lower() not in DENY:
            return []
        pol, why = self.polarity(h)
        negs = [span(x) for x in why]
        args = self.arguments(h, roles, items)
        preds: list[Pred] = []
        heads: list[Head] = []
        if self.is_copula(h) or h.pos_ == "AUX":
            heads = self.copula_heads(h, args, roles, items)
        elif h.i in items:
            heads = self.verb_heads(h, args, roles, items)
            preds += self.averted(h, pol, negs, args, items)
        for it, subj, obj, obl in heads:
            tok = self.doc[it.i]
            own = [c for c in tok.children if c.dep_ == "neg"] if tok.i != hi else []
            preds.append(Pred(it, -pol if own else pol, hi, subj, obj, obl, negs + [span(x) for x in own],
                              stance=stance(h) if tok.i == hi else 0))
        return preds

    # -- the whole statement
    def run(self) -> Statement:
        doc = self.doc
        self.find_frame()
        items = {t.i: it for t in doc if (it := self.item(t)) is not None}
        preds = [p for hi, roles in self.roles().items() for p in self.clause_preds(hi, roles, items)]
        for p in preds:
            p.irrealis = self.irrealis(doc[p.clause])
        attach_dates(doc, preds, self.clause_of)
        quantities = find_quantities(doc, self.frame, self.clause_of, preds)
        denials = self.generic_denials()
        main = sorted((p for p in preds if p.clause not in self.frame),
                      key=lambda p: sum(1 for _ in doc[p.clause].ancestors))
        positive = bool(main) and main[0].pol > 0 and not denials and not self.clausal_denial
        denies = bool(denials) or self.clausal_denial or any(doc[p.clause].lemma_.lower() in DENY for p in preds)
        return Statement(doc.text, list(items.values()), preds, quantities, self.speaker_keys(), denials,
                         denies, self.confirms, positive, negations=sum(1 for t in doc if is_negation(t)))

    def speaker_keys(self) -> set[str]:
        """Keys of the frame's speaker ("his agent") and of the speaker given with the text."""
        doc = self.doc
        keys = {key_of(doc[i]) for i in self.speaker_toks if doc[i].pos_ in ("NOUN", "PROPN")}
        if self.speaker:
            keys |= {w for w in re.findall(r"[a-z][a-z'.-]+", self.speaker.lower())
                     if w not in STOP and w not in PRONOUNS}
        return keys

    def generic_denials(self) -> list[tuple[tuple[int, int], set[str]]]:
        """Denials that do not restate what they deny: "disputed the results", "That is false"."""
        out = []
        for t in self.doc:
            lemma = t.lemma_.lower()
            if self.in_question(t):  # "do you think it's a hoax?" asserts nothing
                continue
            if t.pos_ in ("NOUN",) and lemma in CLAIM_NOUNS:
                f, why = self.claim_factor(t)
                if f < 0 and not any(c.dep_ in ("acl", "relcl", "ccomp") and not self.says_false(c)
                                     for c in t.children):
                    target = {key_of(x) for c in t.children if c.dep_ in ("poss", "compound", "prep")
                              for x in c.subtree if x.pos_ in ("NOUN", "PROPN")}
                    out.append((span(why[-1]) if why else span(t), target))
            elif t.pos_ == "VERB" and lemma in DENY:
                objs = [c for c in t.children if c.dep_ in ("dobj", "ccomp", "xcomp", "nsubjpass", "auxpass")]
                has_subject = any(c.dep_ == "nsubj" for c in t.children)  # someone denies (not a bad parse)
                if has_subject and (not objs or all(c.lower_ in PRONOUNS for c in objs)):
                    out.append((span(t), set()))
            elif t.pos_ in ("AUX", "VERB") and self.says_false(t) < 0:
                subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
                comp = [c for c in t.children if c.dep_ in ("ccomp", "csubj")]
                if not comp and subj and all(s.lower_ in PRONOUNS for s in subj):
                    out.append((span(self.complements(t)[0]) if self.complements(t) else span(t), set()))
        return out


def analyse(doc, speaker: str | None = None) -> Statement:
    """The parts of a parsed text that :func:`saidwhat.relate.scoring.compare` uses; compute once per text."""
    return _Analyser(doc, speaker).run()
