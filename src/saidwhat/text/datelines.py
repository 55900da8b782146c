"""The opening marks of a paragraph that are never a speaker: datelines, credit lines, salutations.

"HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper said …" has its speaker after the
dateline; "SOURCE: Al Jazeera News" is a credit line; "DEAR ABBY: My husband …" opens a letter.
A parser takes the capitalised words before the dash or colon for a subject or a transcript
speaker. This module finds those marks on the text alone (it runs before the parser), as
character ranges; the engine starts a sentence after a dateline and never takes a source from a
mark.

Forms recognised at the start of a paragraph (after optional spaces):
- ``PLACE[, Region] [(AGENCY)] —``: the place in capitals ("SIOUX FALLS, S.D. (AP) -");
- ``[Place[, Region]] (AGENCY)``: a known agency in brackets ("(CNN)President", "Hong Kong (CNN
  Business)A"), with or without a dash;
- ``LABEL:`` where the label is a credit word ("SOURCE:", "Photo:");
- ``Dear NAME:`` / ``DEAR NAME,`` (a salutation, up to its colon or comma).
Not recognised: a place followed by a colon ("NEW DELHI: …") — that has the shape of a transcript
turn ("TAPPER: …"); the engine tells them apart with the parser's entity types.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saidwhat.lexicon import knows

_DASH = r"[ \t]*(?:—|–|--|-)[ \t]*"
_CAPS_WORD = r"[A-Z][A-Z.'’-]+"
_PLACE_CAPS = rf"{_CAPS_WORD}(?:[ \t]+{_CAPS_WORD}){{0,3}}"
_WORD = r"[A-Z][\w.'’-]*"
_REGION = rf"(?:,[ \t]*{_WORD}(?:[ \t]+{_WORD}){{0,3}})?"
_BRACKETS = r"\([ \t]*([A-Za-z][\w .&'’-]{0,40}?)[ \t]*\)"

_DASH_DATELINE = re.compile(rf"[ \t]*{_PLACE_CAPS}{_REGION}(?:[ \t]*{_BRACKETS})?{_DASH}")
_AGENCY_LEAD = re.compile(rf"[ \t]*(?:{_WORD}(?:[ \t]+{_WORD}){{0,3}}{_REGION}[ \t]*)?{_BRACKETS}(?:{_DASH})?")
_LABEL = re.compile(r"[ \t]*([A-Za-z][A-Za-z'’ ]{1,20}?)[ \t]*:")
_SALUTATION = re.compile(r"[ \t]*([A-Za-z]+)(?:[ \t]+[\w.'’-]+){1,3}[ \t]*[:,]")  # "Dear" and 1-3 words


@dataclass(frozen=True)
class Mark:
    """A paragraph's opening mark: ``text[start:end]``; ``kind`` is dateline, credit or salutation."""

    start: int
    end: int
    kind: str


def paragraph_starts(text: str) -> list[int]:
    """Offsets where a paragraph (the text, or a line) begins."""
    return [0] + [m.end() for m in re.finditer(r"\n", text) if m.end() < len(text)]


def mark_at(text: str, start: int) -> Mark | None:
    """The opening mark of the paragraph that begins at ``start``, if it has one."""
    m = _DASH_DATELINE.match(text, start)
    if m and sum(c.isalpha() for c in m.group(0).split(",")[0]) >= 3:
        return Mark(start, m.end(), "dateline")
    m = _AGENCY_LEAD.match(text, start)
    if m and knows("news_agencies", m.group(1)):
        return Mark(start, m.end(), "dateline")
    m = _LABEL.match(text, start)
    if m and knows("credit_labels", m.group(1)):
        return Mark(start, m.end(), "credit")
    m = _SALUTATION.match(text, start)
    if m and knows("salutations", m.group(1)):
        return Mark(start, m.end(), "salutation")
    return None


def opening_marks(text: str) -> list[Mark]:
    """Every paragraph's opening mark, in order."""
    return [mark for start in paragraph_starts(text) if (mark := mark_at(text, start)) is not None]
