"""Relations between attributions of one article: who disputes, denies or supports whom.

Evidence is the cue (a denial stance: "disputed", "denied", "rejected") and discourse markers
("however") pointing back at an earlier statement by someone else. The cross-article detector
that compares contents lives with the store; this one needs only the article.
"""
from __future__ import annotations

from dataclasses import dataclass

CONTRAST = {"however", "but", "yet", "nevertheless", "though"}


@dataclass(frozen=True)
class Link:
    type: str
    source: int  # index of the disputing attribution
    target: int  # index of the disputed attribution
    evidence: tuple[int, ...]  # token indices
    score: float


def within_article(doc, atts, stances: list[str], speakers: list[int | None]) -> list[Link]:
    links: list[Link] = []
    for i, att in enumerate(atts):
        if stances[i] != "denial":
            continue
        cue = doc[att.cue_head]
        sent = cue.sent
        markers = [t.i for t in sent if t.lower_ in CONTRAST and t.i < cue.i]
        objects = [c for c in cue.children if c.dep_ == "dobj"]
        refers_back = bool(markers) or any(o.lemma_.lower() in ("claim", "report", "statement", "allegation",
                                                                "assertion", "account", "charge")
                                           for o in objects)
        for j in range(i - 1, -1, -1):
            if speakers[j] is not None and speakers[j] == speakers[i]:
                continue
            if atts[j].cue_head >= att.cue_head:
                continue
            kind = "denies" if cue.lemma_.lower() in ("deny",) else "disputes"
            evidence = tuple(sorted(set(att.cue) | set(markers) | {t.i for o in objects for t in o.subtree}))
            links.append(Link(kind, i, j, evidence, 0.8 if refers_back else 0.5))
            break
    return links
