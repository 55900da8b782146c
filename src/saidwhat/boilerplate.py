"""Find the boilerplate tail of a scraped article ("Related posts", share lines, other headlines).

Text after the tail's start is kept in the record (offsets stay valid) but never mined for
attributions or for the outlet's own voice.

Does not handle: boilerplate in the middle of an article (ads between paragraphs) unless a
marker line starts it; such text is treated as body.
"""
from __future__ import annotations

import re

_MARKERS = re.compile(
    r"^\s*(related (posts?|articles?|stories|content|coverage|news|reading)|read (more|also|next)|"
    r"see also|more (from|on|stories|news)\b|you (may|might) also like|recommended( for you)?|"
    r"share (this|on)|follow us|subscribe|sign up for|click here|advertisement|sponsored|"
    r"tags?:|filed under|copyright|©|all rights reserved|trending( now)?|popular( now| posts)?|"
    r"leave a (comment|reply)|comments?\s*(\(\d+\))?$|about the author)\b",
    re.IGNORECASE)
_MAX_MARKER_LINE = 80


def tail_start(text: str) -> int | None:
    """Character offset where the boilerplate tail begins, or None when there is none."""
    floor = int(len(text) * 0.3)
    for m in re.finditer(r"(?m)^[^\n]*$", text):
        if m.start() < floor:
            continue
        line = m.group()
        if not line.strip() or len(line.strip()) > _MAX_MARKER_LINE:
            continue
        if _MARKERS.match(line):
            return m.start() + (len(line) - len(line.lstrip()))
    return None
