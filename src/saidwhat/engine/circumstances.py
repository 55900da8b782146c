"""How and to whom a statement was made: its medium ("in a statement", "at a press conference",
"on Twitter") and its addressee ("told reporters", "said to the committee").

Read off the cue's own dependents in the parse, outside the content and the source: a preposition
whose object is a medium noun or a platform is the medium, with its phrase; the object of a cue
of telling ("told The Hill") or the object of "to" after a cue of saying is the addressee.
"""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Token

from saidwhat.lexicon import words

MEDIUM_PREPOSITIONS = frozenset({"in", "on", "at", "during", "via", "through", "over"})


def _phrase(tok: Token) -> list[int]:
    return [t.i for t in tok.subtree]


def _medium_phrase(prep: Token, obj: Token) -> list[int]:
    """ "in a statement", "in an interview with CNN": the preposition, the noun and what comes
    before it, and a "with …" after it; not a date after it ("in a statement on Wednesday")."""
    toks = [prep.i] + [t.i for t in obj.subtree if t.i <= obj.i]
    for child in obj.rights:
        if child.dep_ == "prep" and child.lower_ == "with":
            toks.extend(_phrase(child))
    return sorted(toks)


def _is_medium(obj: Token) -> bool:
    return obj.lemma_.lower() in words("media_nouns") or obj.lower_ in words("platforms")


def medium(doc: Doc, row: dict[str, Any]) -> list[int]:
    """Token indices of the medium phrase, or []."""
    taken = set(row["content"]) | set(row["source"])
    for prep in doc[row["cue_head"]].children:
        if prep.dep_ != "prep" or prep.lower_ not in MEDIUM_PREPOSITIONS:
            continue
        for obj in prep.children:
            if obj.dep_ == "pobj" and _is_medium(obj):
                toks = _medium_phrase(prep, obj)
                if not taken.intersection(toks):
                    return toks
    return []


def addressee(doc: Doc, row: dict[str, Any]) -> list[int]:
    """Token indices of whom the statement was made to, or []."""
    taken = set(row["content"]) | set(row["source"])
    head = doc[row["cue_head"]]
    for child in head.children:
        if child.dep_ in ("dobj", "dative") and head.lemma_.lower() in words("addressing_verbs") \
                and child.pos_ in ("NOUN", "PROPN", "PRON"):
            toks = _phrase(child)
        elif child.dep_ == "prep" and child.lower_ == "to" and head.lemma_.lower() not in ("according",):
            objs = [g for g in child.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN", "PRON")]
            toks = _phrase(child) if objs else []
            toks = toks[1:]  # "to the committee": the committee
        else:
            continue
        if toks and not taken.intersection(toks):
            return toks
    return []
