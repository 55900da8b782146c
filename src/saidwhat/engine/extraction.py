"""From article text to :class:`~saidwhat.record.Record`: the whole per-article pipeline.

read → check → repair (on a copy) → the spaCy pipeline of :func:`saidwhat.engine.loading.load`
(every stage is a component) → record. :func:`to_record` only reads what the components left on
the Doc and maps offsets: the Doc's token and character offsets index the *repaired* copy, the
record's index the input text as given (the alignment of :mod:`saidwhat.text.repair`).
:meth:`Pipeline.pipe` streams many articles through one loaded model with ``nlp.pipe``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from saidwhat.engine import docvalues as dv
from saidwhat.engine.alignment import char_spans, token_spans
from saidwhat.engine.components import DEFAULT_ENGINE, PIPE_NAMES
from saidwhat.engine.loading import load
from saidwhat.errors import SaidwhatError
from saidwhat.record import (Article, Attribution, Cue, Failure, Relation, Record, Role, SaidOn, Source,
                             Speaker, article_id)
from saidwhat.text.dates import checked_published
from saidwhat.text.repair import Repaired, repair
from saidwhat.text.validate import DEFAULT_MAX_CHARS, check_text

PIPES = PIPE_NAMES  # the old name, kept importable
build_nlp = load  # the old name, kept importable
__all__ = ["Pipeline", "Failure", "to_record", "load", "build_nlp", "fast_pipeline", "learned_pipeline"]


class Pipeline:
    """Load once, extract many. ``Pipeline().extract(text)`` or ``Pipeline().pipe(articles)``.

    ``self.nlp`` is the spaCy pipeline of :func:`~saidwhat.engine.loading.load`; this class adds
    input checks, the repair of a copy of the text before parsing, the article's title and date
    in ``doc.user_data``, and the mapping of the Doc's offsets back onto the input."""

    def __init__(self, model: str | None = None, weights: str | Path | None = None,
                 max_chars: int = DEFAULT_MAX_CHARS, batch_size: int = 16, engine: str = DEFAULT_ENGINE,
                 encoder: str | Path | None = None):
        self.engine = engine
        self.nlp: Language = load(model, weights, engine, encoder)
        self.max_chars = max_chars
        self.batch_size = batch_size

    def extract(self, text: str, *, title: str | None = None, url: str | None = None,
                published: str | None = None, id: str | None = None) -> Record:
        """One article's record; raises :class:`SaidwhatError` for unusable input or a
        ``published`` that is not a date (E015)."""
        article = Article(id=id or article_id(text, url), text=text, title=title, url=url,
                          published=checked_published(published))
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
            long = len(repaired.text) > WINDOW_CHARS  # parsed on its own, in windows
            batch.append((article, repaired, None if long else self.make_doc(repaired, article)))
            if len(batch) >= self.batch_size:
                yield from self._flush(batch)
                batch = []
        if batch:
            yield from self._flush(batch)

    def make_doc(self, repaired: Repaired, article: Article) -> Doc:
        """The unparsed Doc of the repaired text, with the article's metadata in ``user_data``."""
        return _with_metadata(self.nlp.make_doc(repaired.text), article)

    def _flush(self, batch):
        docs = [item[2] for item in batch if not isinstance(item, Failure) and item[2] is not None]
        parsed = iter(self.nlp.pipe(docs, batch_size=self.batch_size))
        for item in batch:
            if isinstance(item, Failure):
                yield item
                continue
            article, repaired, doc = item
            yield to_record(next(parsed) if doc is not None else self._windowed(repaired, article),
                            repaired, article)

    def _windowed(self, repaired: Repaired, article: Article) -> Doc:
        """A long text parsed in windows of whole paragraphs (the parser's time and memory grow
        with what it holds at once), joined into one Doc of exactly the same text, which
        saidwhat's own stages then read whole: offsets stay true, cost stays linear."""
        text = repaired.text
        parts = []
        for start, end in window_bounds(text, WINDOW_CHARS):
            part = self.nlp.make_doc(text[start:end])
            for name, proc in self.nlp.pipeline:
                if name not in PIPE_NAMES:
                    part = proc(part)
            parts.append(part)
        doc = _with_metadata(Doc.from_docs(parts, ensure_whitespace=False), article)
        for name, proc in self.nlp.pipeline:
            if name in PIPE_NAMES:
                doc = proc(doc)
        return doc


def _with_metadata(doc: Doc, article: Article) -> Doc:
    """The article's title and publication date in ``doc.user_data``, where the stages read them."""
    doc.user_data[dv.TITLE] = article.title
    doc.user_data[dv.PUBLISHED] = article.published
    return doc


WINDOW_CHARS = 100_000


def window_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of at most ``size`` characters that together are ``text``: cut
    after a line break where one lies in the second half of the window, else after a sentence's
    full stop, else at a space, else anywhere."""
    bounds, start = [], 0
    while len(text) - start > size:
        stop = start + size
        half = start + size // 2
        cut = text.rfind("\n", half, stop) + 1
        if cut <= half:
            cut = text.rfind(". ", half, stop) + 2
        if cut <= half:
            cut = text.rfind(" ", half, stop) + 1
        if cut <= half:
            cut = stop
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def fast_pipeline() -> Pipeline:
    """A :class:`Pipeline` with the fast (linear) engine: the batch drivers' ``--engine fast``."""
    return Pipeline(engine="fast")


def learned_pipeline() -> Pipeline:
    """A :class:`Pipeline` with the learned engine: the batch drivers' ``--engine learned``."""
    return Pipeline(engine="learned")



def to_record(doc: Doc, repaired: Repaired, article: Article) -> Record:
    """The record of a Doc the components have processed, on character spans of the input."""
    text = article.text
    tok_spans = token_spans(doc, repaired)

    def role(toks: Iterable[int]) -> Role:
        return Role.of(text, char_spans(text, tok_spans, list(toks)))

    speakers = tuple(Speaker(id=sp["id"], name=sp["name"], role=sp["role"], affiliation=sp["affiliation"],
                             type=sp["type"], anonymous=sp["anonymous"],
                             mentions=tuple(sorted(span for s, e in sp["mentions"]
                                                   for span in role(range(s, e)).spans)))
                     for sp in doc._.saidwhat_speakers or [])
    attributions = tuple(_attribution(row, role) for row in dv.rows(doc))
    unattributed = tuple(role(range(span.start, span.end)) for span in doc.spans.get(dv.UNATTRIBUTED, []))
    relations = tuple(Relation(r["type"], r["source"], r["target"], role(r["evidence"]).spans, r["score"])
                      for r in doc._.saidwhat_relations or [])
    tail = doc._.saidwhat_tail_start
    boilerplate = (Role.of(text, [(repaired.to_original(tail), len(text.rstrip()))]),) if tail is not None else ()
    return Record(article=article, attributions=attributions, speakers=speakers,
                  unattributed=unattributed, relations=relations, boilerplate=boilerplate)


def _attribution(row: dict[str, Any], role) -> Attribution:
    """One row of the attribution table as a record attribution (``role`` maps token indices)."""
    cue = None
    if row["cue"]:  # a continuation has no cue of its own
        cue_role = role(row["cue"])
        cue = Cue(cue_role.spans, cue_role.text, lemma=row["lemma"], stance=row["stance"])
    source = None
    if row["source"]:
        src_role = role(row["source"])
        source = Source(src_role.spans, src_role.text, speaker=row["speaker"],
                        speaker_confidence=row.get("speaker_confidence"), speaker_how=row.get("speaker_how"))
    said_on = None
    if (when := row["said_on"]) is not None:
        when_role = role(range(when["start"], when["end"]))
        said_on = SaidOn(when_role.text, when_role.spans, when["date"], when["certainty"])
    return Attribution(id=row["id"], kind=row["kind"], source=source, cue=cue, content=role(row["content"]),
                       channel=role(row["channel"]) if row["channel"] else None, said_on=said_on,
                       confidence=row["confidence"],
                       medium=role(row["medium"]) if row.get("medium") else None,
                       addressee=role(row["addressee"]) if row.get("addressee") else None)
