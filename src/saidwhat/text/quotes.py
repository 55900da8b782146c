"""Pair quotation marks as they occur in the wild, on character offsets.

Handles straight and curly marks, guillemets, mis-encoded pairs where both marks are closing marks
(”…”), and the news convention of a quote left open at a paragraph's end when the next paragraph
continues it. Unbalanced marks never raise: a quote still open at a paragraph break that is not
continued ends there, and a stray closing mark is ignored.

Does not handle: single-quote (‘…’) quotations — apostrophes make them too ambiguous — and
quotes nested in quotes with the same mark.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MARKS = "\"“”„‟«»"
OPENING = "“„‟«"
CLOSING = "”»"
_MARK = re.compile("[" + MARKS + "]")
_OPEN_BEFORE = set(" \t\n([{—–-/")


@dataclass(frozen=True)
class Quote:
    """A quotation: its inner segments (without marks), one per paragraph it spans."""

    segments: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


def _orientation(text: str, i: int) -> str:
    """'open', 'close' or '?' for the mark at ``i``, from its neighbours first, its shape second."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    space_before = before in _OPEN_BEFORE
    space_after = after.isspace() or after in ".,;:!?)]}—–-" or i + 1 == len(text)
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    if text[i] in OPENING:
        return "open"
    if text[i] in CLOSING:
        return "close"
    return "?"


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, in order; best effort on unbalanced marks."""
    # Paragraphs are separated by blank lines where the text has any, else by single line breaks.
    separator = r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text) else r"\n"
    breaks = [m.start() for m in re.finditer(separator, text)]
    quotes: list[Quote] = []
    segments: list[tuple[int, int]] = []
    open_at: int | None = None

    def next_break(after: int) -> int | None:
        for b in breaks:
            if b > after:
                return b
        return None

    for m in _MARK.finditer(text):
        i = m.start()
        side = _orientation(text, i)
        if open_at is not None:
            nb = next_break(open_at)
            if nb is not None and nb < i:
                # The quote reached a line break while open. If this mark opens the next paragraph,
                # the quote continues (news convention); otherwise it ended at the break.
                segments.append((open_at, nb))
                if side == "open" and text[nb:i].strip() == "":
                    open_at = i + 1
                    continue
                quotes.append(Quote(tuple(segments)))
                segments, open_at = [], None
        if open_at is None:
            if side != "close":
                open_at = i + 1
            continue
        if side == "open" and text[i] in OPENING and open_at == i:
            continue
        if side == "open":
            open_at = i + 1  # two opening marks in a row: the first was stray
            continue
        segments.append((open_at, i))
        quotes.append(Quote(tuple(segments)))
        segments, open_at = [], None
    if open_at is not None:
        nb = next_break(open_at)
        segments.append((open_at, nb if nb is not None else len(text)))
        quotes.append(Quote(tuple(segments)))
    return [q for q in (_trim(text, q) for q in quotes) if q is not None]


def _trim(text: str, quote: Quote) -> Quote | None:
    segs = []
    for s, e in quote.segments:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            segs.append((s, e))
    return Quote(tuple(segs)) if segs else None
