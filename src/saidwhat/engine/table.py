"""The attribution table: token-level attributions as plain rows, and their span groups.

A row is a dict of plain values (see :mod:`saidwhat.engine.docvalues`), so the Doc that carries
it serialises; :class:`~saidwhat.engine.attributions.TokenAttribution` stays inside the finder.
"""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from saidwhat.engine.attributions import TokenAttribution
from saidwhat.engine.docvalues import ROLE_GROUPS, labelled_spans
from saidwhat.lexicon import BELIEF, stance_of


def to_rows(doc: Doc, found: list[TokenAttribution]) -> list[dict[str, Any]]:
    """One row per attribution, ids ``a1``, ``a2``… in order, with the cue's lemma and stance.

    An indirect attribution whose cue is a verb of thought ("believes") is a ``belief``."""
    rows = []
    for ai, att in enumerate(found):
        head = doc[att.cue_head]
        lemma = head.lemma_.lower()
        nxt = doc[head.i + 1].lower_ if head.i + 1 < len(doc) else ""
        rows.append({
            "id": f"a{ai + 1}",
            "kind": "belief" if lemma in BELIEF and att.kind == "indirect" else att.kind,
            "cue": list(att.cue), "content": list(att.content), "source": list(att.source),
            "channel": list(att.channel), "cue_head": att.cue_head, "source_head": att.source_head,
            "lemma": "according to" if lemma == "accord" else lemma, "stance": stance_of(lemma, nxt),
            "confidence": float(att.confidence), "speaker": None, "speaker_how": None,
            "speaker_confidence": None, "said_on": None,
            "medium": [], "addressee": [],
        })
    return rows


def write_role_groups(doc: Doc, rows: list[dict[str, Any]]) -> None:
    """``saidwhat_cue``/``_content``/``_source``/``_channel``: each role's token runs, labelled
    with the attribution id."""
    for role, group in ROLE_GROUPS.items():
        doc.spans[group] = [span for row in rows for span in labelled_spans(doc, row[role], row["id"])]
