"""Relations between attributions of one article: who disputes, denies or supports whom.

Evidence is the cue (a denial stance: "disputed", "denied", "rejected") and discourse markers
("however") pointing back at an earlier statement by someone else. The cross-article detector
that compares contents lives with the store; this one needs only the article.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from saidwhat.lexicon import words

CONTRAST = words("contrast_markers")
DISPUTED_OBJECTS = words("disputed_objects")  # "rejected the claim": it answers a statement
LOOKBACK = 8  # earlier attributions (by other speakers) a denial may answer


@dataclass(frozen=True)
class Link:
    type: str
    source: int  # index of the disputing attribution
    target: int  # index of the disputed attribution
    evidence: tuple[int, ...]  # token indices
    score: float


def within_article(doc: Doc, atts: list[dict[str, Any]], lookback: int = LOOKBACK) -> list[Link]:
    """Denials and disputes among the attribution rows (``doc._.saidwhat_attributions``) of one
    article: each answers one earlier statement by another speaker."""
    links: list[Link] = []
    speakers = [a.get("speaker") for a in atts]
    for i, att in enumerate(atts):
        if att["stance"] != "denial":
            continue
        cue = doc[att["cue_head"]]
        sent = cue.sent
        markers = [t.i for t in sent if t.lower_ in CONTRAST and t.i < cue.i]
        objects = [c for c in cue.children if c.dep_ == "dobj"]
        refers_back = bool(markers) or any(o.lemma_.lower() in DISPUTED_OBJECTS for o in objects)
        earlier = [j for j in range(i - 1, -1, -1)
                   if not (speakers[j] is not None and speakers[j] == speakers[i])
                   and atts[j]["cue_head"] < att["cue_head"]][:lookback]
        if not earlier:
            continue
        # the statement it is about: the one sharing most content words ("denied that any bonus
        # had been cut" / "… restores the night-shift bonus"), else the nearest one
        mine = _content_words(doc, att)
        shared = {j: len(mine & _content_words(doc, atts[j])) for j in earlier}
        j = max(earlier, key=shared.__getitem__)  # the first of equals: ``earlier`` runs nearest first
        kind = "denies" if cue.lemma_.lower() in ("deny",) else "disputes"
        evidence = tuple(sorted(set(att["cue"]) | set(markers) | {t.i for o in objects for t in o.subtree}))
        links.append(Link(kind, i, j, evidence, 0.8 if refers_back or shared[j] else 0.5))
    return links


def _content_words(doc: Doc, att: dict[str, Any]) -> set[str]:
    return {doc[k].lemma_.lower() for k in att["content"]
            if doc[k].pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and not doc[k].is_stop}
