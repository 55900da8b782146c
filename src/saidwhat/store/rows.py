"""From what was read and extracted to store rows: one unit's :class:`Outcome` and its article's
rows (:func:`rows_for`), in the column order of :data:`saidwhat.store.schema.SCHEMA`.

Both batch drivers (local and Spark) make rows here, so they store the same thing.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any, Iterable, Sequence


@dataclass(frozen=True)
class Outcome:
    """What became of one unit of input: its ingest_log row, and the rows of its article."""

    unit: str
    source: str
    kind: str
    status: str  # ok | skipped | failed
    reason: str | None = None
    article_id: str | None = None
    rows: dict[str, list[tuple]] | None = None  # ROW_TABLES -> rows, when the unit is an article
    progress: int = 0  # input bytes consumed up to this unit (not stored)

    def log_row(self) -> tuple:
        return (self.unit, self.source, self.kind, self.status, self.reason, self.article_id)


def storable(text: str) -> str:
    """``text`` with each code point UTF-8 cannot hold (a lone surrogate, an undecodable byte of a
    file name) as U+FFFD: one for one, so every offset into it stays true."""
    return _SURROGATES.sub("\ufffd", text) if text else text


_SURROGATES = re.compile("[\ud800-\udfff]")


def _spans(spans: Iterable[Sequence[int]] | None) -> list[list[int]] | None:
    return [[int(s), int(e)] for s, e in spans] if spans is not None else None


def rows_for(doc: Any, record: Any) -> dict[str, list[tuple]]:
    """The rows of one article: ``doc`` is a readers.Doc, ``record`` the Record extracted from it.

    The article row takes the text and metadata we read (doc.article); everything else comes from
    the record, whose spans point into that same text.
    """
    a = doc.article
    aid = a.id
    article = [(aid, a.url, a.title, a.site, doc.author, a.published, doc.date_source, a.language,
                doc.source_id, doc.unit.id, len(a.text), a.text)]
    attributions = []
    for t in record.attributions:
        src, cue, ch, when = t.source, t.cue, t.channel, t.said_on
        attributions.append((
            aid, t.id, t.kind,
            src.text if src else None, _spans(src.spans) if src else None,
            src.speaker if src else None,
            cue.text if cue else None, _spans(cue.spans) if cue else None,
            cue.lemma if cue else None, cue.stance if cue else None,
            t.content.text, _spans(t.content.spans),
            ch.text if ch else None, _spans(ch.spans) if ch else None,
            when.date if when else None, when.text if when else None,
            _spans(when.spans) if when else None, when.certainty if when else None,
            round(float(t.confidence), 6),
            t.medium.text if t.medium else None, _spans(t.medium.spans) if t.medium else None,
            t.addressee.text if t.addressee else None, _spans(t.addressee.spans) if t.addressee else None))
    speakers = [(aid, s.id, s.name, s.role, s.affiliation, s.type, bool(s.anonymous),
                 _spans(s.mentions)) for s in record.speakers]
    unattributed = [(aid, n, u.text, _spans(u.spans)) for n, u in enumerate(record.unattributed)]
    relations = [(aid, n, r.type, r.source_id, r.target_id, _spans(r.evidence), float(r.score))
                 for n, r in enumerate(record.relations)]
    return {"articles": article, "attributions": attributions, "speakers": speakers,
            "unattributed": unattributed, "relations": relations}
