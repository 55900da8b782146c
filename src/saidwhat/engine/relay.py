"""Relayed speech: "IRIB quoted the official as saying …" — speaker the official, channel IRIB.

The learned cue model finds "saying" (and often "quoted") as cues; this rule joins them into one
attribution whose cue is "quoted … as saying", whose source is the object of the relaying verb
and whose channel is its subject. Also "X cited Y as saying" and "Y was quoted by X as saying".
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from saidwhat.engine.attributions import TokenAttribution
from saidwhat.engine.features import np_tokens
from saidwhat.lexicon import words

RELAY_LEMMAS = words("relay_verbs")


def _relaying_verb(tok: Token) -> Token | None:
    """The "quoted" governing a "saying" through "as", if any."""
    h = tok.head
    hops = 0
    while h.i != tok.i and hops < 3:
        if h.lemma_.lower() in RELAY_LEMMAS and h.pos_ == "VERB":
            return h
        if h.head.i == h.i:
            return None
        tok, h = h, h.head
        hops += 1
    return None


def apply_relays(doc: Doc, found: list[TokenAttribution]) -> list[TokenAttribution]:
    by_head = {a.cue_head: a for a in found}
    drop: set[int] = set()
    for att in found:
        tok = doc[att.cue_head]
        if tok.lemma_.lower() in RELAY_LEMMAS:
            # the relaying verb itself was the cue: find its "as saying"
            saying = [t for t in tok.subtree if t.lemma_.lower() == "say" and t.i > tok.i and (_relaying_verb(t) or t).i == tok.i]
            if not saying:
                continue
            verb, tok = tok, saying[0]
        elif tok.lemma_.lower() == "say":
            verb = _relaying_verb(tok)
            if verb is None:
                continue
        else:
            continue
        speaker = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        channel = [c for c in verb.children if c.dep_ == "nsubj"]
        channel += [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        cue = {verb.i, tok.i} | {t.i for t in doc[verb.i:tok.i + 1] if t.lower_ == "as"}
        cue |= {c.i for c in verb.children if c.dep_ in ("aux", "auxpass")}
        att.cue = sorted(cue)
        if speaker:
            att.source = list(np_tokens(speaker[0]))
            att.source_head = speaker[0].i
        if channel:
            att.channel = list(np_tokens(channel[0]))
        other = by_head.get(verb.i)
        if other is not None and other.cue_head != att.cue_head:
            if not att.content:
                att.content = other.content
            drop.add(id(other))
    return [a for a in found if id(a) not in drop]


ANAPHORIC_NOUNS = words("anaphoric_nouns")


def merge_participles(doc: Doc, found: list[TokenAttribution]) -> list[TokenAttribution]:
    """ "X disputed the claims, indicating that …" is one speech act: the first cue's content is
    only a noun phrase pointing back ("the claims"), the participle carries what X said. The two
    cues join; the content is the participle's."""
    by_head = {a.cue_head: a for a in found}
    drop: set[int] = set()
    for att in found:
        tok = doc[att.cue_head]
        if tok.tag_ != "VBG" or tok.dep_ not in ("advcl", "xcomp", "conj") or not att.cue:
            continue
        parent = by_head.get(tok.head.i)
        if parent is None or parent is att or id(parent) in drop:
            continue
        pc = [doc[i] for i in parent.content]
        words = [t for t in pc if not t.is_punct]
        if not words or len(words) > 4 or not any(t.lemma_.lower() in ANAPHORIC_NOUNS for t in words):
            continue
        att.cue = sorted(set(parent.cue) | set(att.cue))
        att.source = att.source or parent.source
        att.source_head = att.source_head if att.source_head is not None else parent.source_head
        att.cue_head = parent.cue_head
        drop.add(id(parent))
    return [a for a in found if id(a) not in drop]
