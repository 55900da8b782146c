"""The outlet's own voice: body sentences that assert something and carry no attribution.

Excluded: the headline (the title, or a first line without final punctuation), questions,
sentences inside quotation marks, sentences that take part in an attribution, fragments
without a verb, and the boilerplate tail.
"""
from __future__ import annotations

from spacy.tokens import Doc

MIN_WORDS = 5  # tokens (punctuation included): shorter sentences are fragments
MAX_ATTRIBUTED_PERCENT = 20  # of a sentence's tokens in a quotation or an attribution, at most


def own_voice(doc: Doc, qmask: list[int], used: set[int], body_end: int | None, headline_end: int,
              min_words: int = MIN_WORDS,
              max_attributed_percent: int = MAX_ATTRIBUTED_PERCENT) -> list[tuple[int, int]]:
    """Token ranges of unattributed assertive sentences; ``headline_end`` is a character offset."""
    out: list[tuple[int, int]] = []
    limit = len(doc) if body_end is None else body_end
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if not toks or sent.start >= limit or sent.end > limit or toks[0].idx < headline_end:
            continue
        if toks[-1].text == "?" or any(t.text == "?" for t in toks[-2:]):
            continue
        if len(toks) < min_words or not any(t.pos_ in ("VERB", "AUX") for t in toks):
            continue
        if toks[-1].text not in (".", "!", "”", '"', ")") and not toks[-1].is_punct:
            continue
        inside = sum(1 for t in toks if t.i in used or qmask[t.i])
        if inside * 100 > len(toks) * max_attributed_percent:
            continue
        out.append((toks[0].i, toks[-1].i + 1))
    return out


def headline_end(text: str, title: str | None) -> int:
    """Character offset where the body starts (0 when the text has no headline line)."""
    first, sep, _ = text.lstrip().partition("\n")
    offset = len(text) - len(text.lstrip())
    if not sep:
        return 0
    stripped = first.strip()
    if title and stripped == title.strip():
        return offset + len(first)
    if stripped and stripped[-1] not in ".!?\"”’" and len(stripped) < 200:
        return offset + len(first)
    return 0
