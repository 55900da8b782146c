"""Matching keys of words: lemma, synonym group and sense, and when two keys are the same or opposite."""
from __future__ import annotations

from saidwhat.relate.words import ANTONYM, NEG_PREFIXES, PARTICLES, SENSE_POS, SYNONYM


def _lemma(tok) -> str:
    """The lemma, a name as written, or a phrasal verb ("step_down") when its group lists it."""
    if tok.pos_ == "PROPN":
        return tok.text.lower().rstrip(".").replace(".", "")
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX"):
        prt = next((c for c in tok.children if c.dep_ == "prt" or (
            c.dep_ == "advmod" and c.lower_ in PARTICLES and c.i == tok.i + 1)), None)
        if prt is not None:
            phrasal = f"{lemma}_{prt.lower_}"
            if phrasal in SYNONYM:
                return phrasal
    return lemma


def key_of(tok) -> str:
    """The key two words match on: the synonym group's key, unless the word is in another sense."""
    lemma = _lemma(tok)
    if tok.pos_ == "PROPN":
        return lemma
    if lemma == "closed" or tok.lower_ == "closed":
        return "close"
    sense = SENSE_POS.get(lemma)
    if sense and tok.pos_ not in sense:  # "the mountain pass" is no approval, "forced" no army
        return f"{lemma}:{tok.pos_.lower()}"
    return SYNONYM.get(lemma, SYNONYM.get(tok.lower_, lemma))


def same(k1: str, k2: str) -> bool:
    """Same key, or the same word stem (suspend/suspension, approve/approval)."""
    if k1 == k2:
        return True
    if k1[:1] == "#" or k2[:1] == "#":
        return False
    n = 0
    for c1, c2 in zip(k1, k2):
        if c1 != c2:
            break
        n += 1
    return n >= 5 and n >= 0.75 * min(len(k1), len(k2))


def opposite(k1: str, k2: str, raw1: str = "", raw2: str = "") -> bool:
    """Antonyms: listed pairs, or an adjective and its negative-prefixed form (legal/illegal)."""
    if frozenset((k1, k2)) in ANTONYM:
        return True
    for x, y in ((raw1 or k1, raw2 or k2), (raw2 or k2, raw1 or k1)):
        for p in NEG_PREFIXES:
            if y == p + x and len(x) >= 4:
                return True
    return False


def span(tok) -> tuple[int, int]:
    """The token's character span in its text (evidence points at text, not tokens)."""
    return (tok.idx, tok.idx + len(tok.text))
