"""The record of one article: typed, immutable, serialisable (the data contract: docs/architecture.md).

Every span is a ``(start, end)`` pair of Python ``str`` offsets into ``Article.text`` as given;
``text[start:end]`` equals the reported text (fragments of a discontinuous span joined by a space).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable

Spans = tuple[tuple[int, int], ...]

KINDS = ("direct", "indirect", "mixed", "continuation", "belief")
STANCES = ("neutral", "distancing", "endorsing", "denial", "directive")


def spans_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The reported text of a (possibly discontinuous) span: fragments joined by one space."""
    return " ".join(text[s:e] for s, e in spans)


@dataclass(frozen=True)
class Role:
    """One role of an attribution (source, cue, content, channel): its fragments and their text."""

    spans: Spans
    text: str

    @classmethod
    def of(cls, text: str, spans: Iterable[tuple[int, int]]) -> "Role":
        ordered = tuple(sorted((int(s), int(e)) for s, e in spans if e > s))
        return cls(ordered, spans_text(text, ordered))

    def to_dict(self) -> dict[str, Any]:
        return {"spans": [list(s) for s in self.spans], "text": self.text}


@dataclass(frozen=True)
class Source(Role):
    speaker: str | None = None
    # the calibrated chance that ``speaker`` is who the text means (engine/speaker_confidence.py)
    speaker_confidence: float | None = None
    # how the speaker was found: "named:name" (the phrase names it), "pronoun:name", "pronoun:none"
    # (a pronoun no one named fits) … (engine/speakers.py, HOW)
    speaker_how: str | None = None

    def to_dict(self) -> dict[str, Any]:
        conf = None if self.speaker_confidence is None else round(self.speaker_confidence, 3)
        return {**super().to_dict(), "speaker": self.speaker, "speaker_confidence": conf,
                "speaker_how": self.speaker_how}


@dataclass(frozen=True)
class Cue(Role):
    lemma: str = ""
    stance: str = "neutral"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "lemma": self.lemma, "stance": self.stance}


@dataclass(frozen=True)
class SaidOn:
    """When a statement was made: the expression, and the date it resolves to (or None)."""

    text: str
    spans: Spans
    date: str | None
    certainty: str  # exact | inferred | unknown

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "text": self.text, "spans": [list(s) for s in self.spans],
                "certainty": self.certainty}


@dataclass(frozen=True)
class Attribution:
    id: str
    kind: str
    source: Source | None
    cue: Cue | None
    content: Role
    channel: Role | None = None
    said_on: SaidOn | None = None
    confidence: float = 0.0
    medium: Role | None = None  # "in a statement", "at a press conference", "on Twitter"
    addressee: Role | None = None  # "reporters" of "told reporters"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source.to_dict() if self.source else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "content": self.content.to_dict(),
            "channel": self.channel.to_dict() if self.channel else None,
            "said_on": self.said_on.to_dict() if self.said_on else None,
            "medium": self.medium.to_dict() if self.medium else None,
            "addressee": self.addressee.to_dict() if self.addressee else None,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str | None
    role: str | None
    affiliation: str | None
    type: str
    anonymous: bool
    mentions: Spans

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "affiliation": self.affiliation,
                "type": self.type, "anonymous": self.anonymous,
                "mentions": [list(m) for m in self.mentions]}


@dataclass(frozen=True)
class Relation:
    type: str  # disputes | denies | supports
    source_id: str  # the attribution that disputes ...
    target_id: str  # ... this one
    evidence: Spans
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "from": self.source_id, "to": self.target_id,
                "evidence": {"spans": [list(s) for s in self.evidence]}, "score": round(self.score, 3)}


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    site: str | None = None
    published: str | None = None
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title, "site": self.site,
                "published": self.published, "language": self.language, "text": self.text}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "Article":
        """An article from one JSONL object (``text`` and optional ``id``, ``title``, ``url``,
        ``published``). The one precedence for dates everywhere: ``published``, else ``date``
        (PolNeAR's field); an object without ``id`` gets :func:`article_id`."""
        text = obj["text"]
        return cls(id=str(obj.get("id") or article_id(text, obj.get("url"))), text=text,
                   title=obj.get("title"), url=obj.get("url"),
                   published=obj.get("published") or obj.get("date"))


@dataclass(frozen=True)
class Failure:
    """A document that could not be processed, in a batch: its id, error code and reason."""

    article_id: str
    code: str
    reason: str


def article_id(text: str, url: str | None = None) -> str:
    """Stable id: a hash of the whitespace-normalised text and the URL (the store's key too)."""
    norm = " ".join(text.split())
    return hashlib.sha256(f"{url or ''}\n{norm}".encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Record:
    """Everything saidwhat found in one article."""

    article: Article
    attributions: tuple[Attribution, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    unattributed: tuple[Role, ...] = ()
    relations: tuple[Relation, ...] = ()
    boilerplate: tuple[Role, ...] = field(default=())

    def speaker(self, speaker_id: str | None) -> Speaker | None:
        return next((s for s in self.speakers if s.id == speaker_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.to_dict(),
            "attributions": [a.to_dict() for a in self.attributions],
            "speakers": [s.to_dict() for s in self.speakers],
            "unattributed": [u.to_dict() for u in self.unattributed],
            "relations": [r.to_dict() for r in self.relations],
            "boilerplate": [b.to_dict() for b in self.boilerplate],
        }

    def to_spans(self) -> dict[str, Any]:
        """The evaluation format ("spans", docs/architecture.md), as read by ``score.py``."""
        return {"id": self.article.id, "attributions": [
            {"source": [list(s) for s in a.source.spans] if a.source else [],
             "cue": [list(s) for s in a.cue.spans] if a.cue else [],
             "content": [list(s) for s in a.content.spans]}
            for a in self.attributions]}
