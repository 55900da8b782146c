"""When a statement was made: the time expression attached to its cue, resolved to a date.

Works on the parsed Doc; the date is resolved against the publication date given in
``doc.user_data["saidwhat_published"]`` (see :mod:`saidwhat.text.dates`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from spacy.tokens import Doc, Span

from saidwhat.text.dates import TIME_WORDS, resolve
from saidwhat.engine.docvalues import entities


def _attached(ent: Span, cue: set[int]) -> bool:
    """The entity's root hangs (directly or through a preposition) on the cue."""
    r = ent.root
    anchor = r.head.head if r.head.dep_ == "prep" else r.head
    return anchor.i in cue or r.head.i in cue or anchor.head.i in cue


def said_on(doc: Doc, row: dict[str, Any], published: dt.date | None) -> dict[str, Any] | None:
    """``{"start", "end", "text", "date", "certainty"}`` (a token range) for one attribution row,
    or None: a DATE/TIME entity in the cue's sentence, outside the content, attached to the cue."""
    head = doc[row["cue_head"]]
    content = set(row["content"])
    cue = set(row["cue"])
    sent = head.sent
    candidates = [ent for ent in entities(doc, sent.start, sent.end)
                  if ent.label_ in ("DATE", "TIME") and not any(t.i in content for t in ent)
                  and _attached(ent, cue) and TIME_WORDS.search(ent.text)]
    if not candidates:
        return None
    ent = min(candidates, key=lambda e: abs(e.root.i - head.i))
    date, certainty = resolve(ent.text, published)
    return {"start": ent.start, "end": ent.end, "text": ent.text, "date": date, "certainty": certainty}
