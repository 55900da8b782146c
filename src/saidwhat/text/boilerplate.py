"""Find the boilerplate tail of a scraped article ("Related posts", share lines, other headlines).

Text after the tail's start is kept in the record (offsets stay valid) but never mined for
attributions or for the outlet's own voice.

Does not handle: boilerplate in the middle of an article (ads between paragraphs) unless a
marker line starts it; such text is treated as body.
"""
from __future__ import annotations

import re

from saidwhat.lexicon import entries

# The marker phrases are data (``lexicon/data/boilerplate_markers.txt``, one regular expression a line).
_MARKERS = re.compile(r"^\s*(" + "|".join(entries("boilerplate_markers")) + r")\b", re.IGNORECASE)
MAX_MARKER_LINE = 80  # characters: a longer line is body text, whatever it starts with
MIN_POSITION = 0.3  # share of the text before which no tail starts (a "Subscribe" in the lede is body)


def tail_start(text: str, min_position: float = MIN_POSITION,
               max_marker_line: int = MAX_MARKER_LINE) -> int | None:
    """Character offset where the boilerplate tail begins, or None when there is none."""
    floor = int(len(text) * min_position)
    for m in re.finditer(r"(?m)^[^\n]*$", text):
        if m.start() < floor:
            continue
        line = m.group()
        if not line.strip() or len(line.strip()) > max_marker_line:
            continue
        if _MARKERS.match(line):
            return m.start() + (len(line) - len(line.lstrip()))
    return None
