"""From article text to :class:`~saidwhat.record.Record`: the whole per-article pipeline.

read → repair → parse → quotes → attributions → speakers → dates → record. One spaCy model is
loaded per :class:`Pipeline`; :meth:`Pipeline.pipe` streams many articles through ``nlp.pipe``.
All offsets in the record index the input text as given (see :mod:`saidwhat.text.repair`).
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from saidwhat.engine.alignment import char_spans, token_spans
from saidwhat.text.boilerplate import tail_start
from saidwhat.engine.components import body_end_token
from saidwhat.text.dates import TIME_WORDS, parse_published, resolve as resolve_date
from saidwhat.errors import SaidwhatError
from saidwhat.lexicon import BELIEF, stance_of
from saidwhat.engine.model import load_base
from saidwhat.record import (Article, Failure, article_id, Attribution, Cue, Relation, Record, Role, SaidOn, Source, Speaker)
from saidwhat.engine.relations import within_article
from saidwhat.text.repair import Repaired, repair
from saidwhat.text.validate import DEFAULT_MAX_CHARS, check_text
from saidwhat.engine.voice import headline_end, own_voice

PIPES = ("saidwhat_quotes_v1", "saidwhat_attributions_v1", "saidwhat_speakers_v1")


def build_nlp(model: str | None = None, weights: str | Path | None = None) -> Language:
    """A freshly loaded English pipeline with saidwhat's components added."""
    nlp = load_base(model)
    nlp.add_pipe("saidwhat_paragraphs_v1", first=True)
    for name in PIPES:
        config = {"weights": str(weights)} if (name == "saidwhat_attributions_v1" and weights) else {}
        nlp.add_pipe(name, config=config)
    return nlp


class Pipeline:
    """Load once, extract many. ``Pipeline().extract(text)`` or ``Pipeline().pipe(articles)``."""

    def __init__(self, model: str | None = None, weights: str | Path | None = None,
                 max_chars: int = DEFAULT_MAX_CHARS, batch_size: int = 16):
        self.nlp = build_nlp(model, weights)
        self.max_chars = max_chars
        self.batch_size = batch_size

    def extract(self, text: str, *, title: str | None = None, url: str | None = None,
                published: str | None = None, id: str | None = None) -> Record:
        """One article's record; raises :class:`SaidwhatError` for unusable input."""
        article = Article(id=id or article_id(text, url), text=text, title=title, url=url,
                          published=published)
        result = next(self.pipe([article], raise_errors=True))
        assert isinstance(result, Record)
        return result

    def pipe(self, articles: Iterable[Article | Failure], raise_errors: bool = False) -> Iterator[Record | Failure]:
        """Records (or :class:`Failure`) for many articles, in order, through one loaded model."""
        batch: list[tuple[Article, Repaired, Doc] | Failure] = []
        for article in articles:
            if isinstance(article, Failure):  # a reader's failure passes through, in order
                batch.append(article)
                continue
            try:
                check_text(article.text, self.max_chars)
            except SaidwhatError as exc:
                if raise_errors:
                    raise
                batch.append(Failure(article.id, exc.code, str(exc)))
                continue
            repaired = repair(article.text)
            doc = self.nlp.make_doc(repaired.text)
            tail = tail_start(article.text)
            if tail is not None:
                doc.user_data["saidwhat_tail"] = tail  # input offset, for the record
                doc.user_data["saidwhat_body_end"] = _to_repaired(repaired, tail)
            batch.append((article, repaired, doc))
            if len(batch) >= self.batch_size:
                yield from self._flush(batch)
                batch = []
        if batch:
            yield from self._flush(batch)

    def _flush(self, batch):
        docs = [item[2] for item in batch if not isinstance(item, Failure)]
        parsed = iter(self.nlp.pipe(docs, batch_size=self.batch_size))
        for item in batch:
            if isinstance(item, Failure):
                yield item
                continue
            article, repaired, _ = item
            yield to_record(next(parsed), repaired, article)


def _to_repaired(repaired: Repaired, offset: int) -> int:
    """Inverse of the repair alignment for one input offset (first repaired char at or after it)."""
    origin = repaired._origin
    if origin is None:
        return offset
    return bisect.bisect_left(origin, offset)


def to_record(doc: Doc, repaired: Repaired, article: Article) -> Record:
    """Map the components' token-level results onto character spans of the input."""
    text = article.text
    tok_spans = token_spans(doc, repaired)
    qmask = doc._.saidwhat_qmask or [0] * len(doc)
    atts = doc._.saidwhat_attributions or []
    clusters, assignment = doc._.saidwhat_speakers or ([], [])
    published = parse_published(article.published)

    def role(toks: list[int]) -> Role:
        return Role.of(text, char_spans(text, tok_spans, toks))

    speakers = []
    for ci, cl in enumerate(clusters):
        mentions = tuple(sorted(sp for s, e in cl.mentions
                                for sp in char_spans(text, tok_spans, list(range(s, e)))))
        info = cl.info
        stype = "anonymous" if info.anonymous and info.type in ("person", "unknown") else info.type
        speakers.append(Speaker(id=f"s{ci + 1}", name=info.name, role=info.role,
                                affiliation=info.affiliation, type=stype, anonymous=info.anonymous,
                                mentions=mentions))

    attributions: list[Attribution] = []
    stances: list[str] = []
    for ai, att in enumerate(atts):
        head = doc[att.cue_head]
        lemma = head.lemma_.lower()
        nxt = doc[head.i + 1].lower_ if head.i + 1 < len(doc) else ""
        stance = stance_of(lemma, nxt)
        kind = "belief" if lemma in BELIEF and att.kind == "indirect" else att.kind
        cue = None
        if att.cue:  # a continuation has no cue of its own
            cue_role = role(att.cue)
            cue = Cue(cue_role.spans, cue_role.text, lemma=lemma if lemma != "accord" else "according to",
                      stance=stance)
        source = None
        if att.source:
            src_role = role(att.source)
            sid = assignment[ai] if ai < len(assignment) else None
            source = Source(src_role.spans, src_role.text, speaker=f"s{sid + 1}" if sid is not None else None)
        said_on = _said_on(doc, att, tok_spans, text, published)
        attributions.append(Attribution(
            id=f"a{ai + 1}", kind=kind, source=source, cue=cue, content=role(att.content),
            channel=role(att.channel) if att.channel else None, said_on=said_on,
            confidence=att.confidence))
        stances.append(stance)

    body_end = body_end_token(doc)
    used = {i for a in atts for i in (*a.content, *a.cue, *a.source)}
    voice = own_voice(doc, qmask, used, body_end, _to_repaired(repaired, headline_end(text, article.title)))
    unattributed = tuple(role(list(range(s, e))) for s, e in voice)
    links = within_article(doc, atts, stances, [assignment[i] if i < len(assignment) else None
                                                for i in range(len(atts))])
    relations = tuple(Relation(l.type, f"a{l.source + 1}", f"a{l.target + 1}",
                               tuple(char_spans(text, tok_spans, list(l.evidence))), l.score) for l in links)
    tail = doc.user_data.get("saidwhat_tail")
    boilerplate = (Role.of(text, [(tail, len(text.rstrip()))]),) if tail is not None else ()
    return Record(article=article, attributions=tuple(attributions), speakers=tuple(speakers),
                  unattributed=unattributed, relations=relations, boilerplate=boilerplate)


def _said_on(doc: Doc, att, tok_spans, text: str, published) -> SaidOn | None:
    """A time expression attached to the cue (outside the content), resolved to a date."""
    head = doc[att.cue_head]
    content = set(att.content)
    candidates = []
    for ent in head.sent.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(t.i in content for t in ent):
            continue
        # attached to the cue: the entity's root hangs (directly or through a preposition) on the cue
        r = ent.root
        anchor = r.head.head if r.head.dep_ == "prep" else r.head
        if anchor.i in att.cue or r.head.i in att.cue or anchor.head.i in att.cue:
            candidates.append(ent)
    candidates = [e for e in candidates if TIME_WORDS.search(e.text)]
    if not candidates:
        return None
    ent = min(candidates, key=lambda e: abs(e.root.i - head.i))
    spans = tuple(char_spans(text, tok_spans, list(range(ent.start, ent.end))))
    expr = " ".join(text[s:e] for s, e in spans)
    date, certainty = resolve_date(expr, published)
    return SaidOn(expr, spans, date, certainty)
