"""Tie the parsed (repaired) text back to the input: token character spans and quote masks."""
from __future__ import annotations

from spacy.tokens import Doc

from saidwhat.engine.features import quote_mask
from saidwhat.text.quotes import find_quotes
from saidwhat.text.repair import Repaired


def token_spans(doc: Doc, repaired: Repaired) -> list[tuple[int, int]]:
    """Each token's ``(start, end)`` in the input text as given."""
    return [repaired.span_to_original(t.idx, t.idx + len(t.text)) for t in doc]


def quotes_mask(doc: Doc) -> list[int]:
    """Per token of ``doc``: 1-based index of the quotation it lies in, or 0."""
    return quote_mask(doc, [(q.start, q.end) for q in find_quotes(doc.text)])


def char_spans(text: str, tok_spans: list[tuple[int, int]], toks: list[int]) -> list[tuple[int, int]]:
    """Character spans of a set of tokens; neighbours separated only by whitespace are merged."""
    out: list[list[int]] = []
    for i in sorted(set(toks)):
        s, e = tok_spans[i]
        if e <= s:
            continue
        if out and s >= out[-1][1] and text[out[-1][1]:s].strip() == "":
            out[-1][1] = max(out[-1][1], e)
        elif out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]
