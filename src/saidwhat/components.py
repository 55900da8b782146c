"""saidwhat's stages as registered spaCy pipeline components.

Add them to your own English pipeline (it needs a tagger, parser and NER)::

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("saidwhat_quotes_v1")
    nlp.add_pipe("saidwhat_attributions_v1")
    nlp.add_pipe("saidwhat_speakers_v1")
    doc = nlp(text)
    doc._.saidwhat_attributions   # TokenAttribution objects (token indices)
    doc._.saidwhat_speakers       # (clusters, assignment) from saidwhat.speakers.resolve

``doc.user_data["saidwhat_body_end"]`` (a character offset), when set before the components
run, stops attribution mining at a boilerplate tail. :class:`saidwhat.extraction.Pipeline`
does all of this and maps the result to a :class:`saidwhat.record.Record`.
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .alignment import quotes_mask
from .attributions import add_continuations, colon_attributions, find_attributions
from .linear import load_models
from .relay import apply_relays, merge_participles
from .speakers import resolve
from .errors import SaidwhatError

DEFAULT_WEIGHTS = Path(__file__).parent / "weights" / "attribution.json.gz"

for _name in ("saidwhat_qmask", "saidwhat_attributions", "saidwhat_speakers"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def body_end_token(doc: Doc) -> int | None:
    """The first token of the boilerplate tail (``doc.user_data["saidwhat_body_end"]``), if any."""
    end = doc.user_data.get("saidwhat_body_end")
    if end is None:
        return None
    return next((t.i for t in doc if t.idx >= end), None)


@Language.factory("saidwhat_paragraphs_v1", assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str):
    """Start a sentence after every line break, so headlines and paragraphs never merge.

    Runs before the parser, which keeps preset sentence starts.
    """
    def paragraphs(doc: Doc) -> Doc:
        for tok in doc[:-1]:
            if "\n" in tok.text_with_ws[len(tok.text):] or (tok.is_space and "\n" in tok.text):
                doc[tok.i + 1].is_sent_start = True
        return doc
    return paragraphs


@Language.factory("saidwhat_quotes_v1", assigns=["doc._.saidwhat_qmask"])
def make_quotes(nlp: Language, name: str):
    def quotes(doc: Doc) -> Doc:
        doc._.saidwhat_qmask = quotes_mask(doc)
        return doc
    return quotes


class AttributionFinder:
    """Cue → content → source, with the learned weights; relayed speech gets its channel."""

    def __init__(self, weights: str | Path | None = None):
        path = Path(weights) if weights else DEFAULT_WEIGHTS
        try:
            self.models, self.meta = load_models(path)
        except (OSError, ValueError, KeyError) as exc:
            raise SaidwhatError("E010", f"{path} ({exc.__class__.__name__})") from None

    def __call__(self, doc: Doc) -> Doc:
        qmask = doc._.saidwhat_qmask
        if qmask is None:
            qmask = doc._.saidwhat_qmask = quotes_mask(doc)
        body_end = body_end_token(doc)
        found = apply_relays(doc, find_attributions(doc, qmask, self.models, skip_from=body_end))
        found = merge_participles(doc, found)
        found = colon_attributions(doc, found, skip_from=body_end)
        doc._.saidwhat_attributions = add_continuations(doc, qmask, found, skip_from=body_end)
        return doc


@Language.factory("saidwhat_attributions_v1", assigns=["doc._.saidwhat_attributions"],
                  requires=["token.dep", "token.lemma", "doc._.saidwhat_qmask"],
                  default_config={"weights": None})
def make_attributions(nlp: Language, name: str, weights: str | None):
    return AttributionFinder(weights)


@Language.factory("saidwhat_speakers_v1", assigns=["doc._.saidwhat_speakers"],
                  requires=["doc._.saidwhat_attributions", "doc.ents"])
def make_speakers(nlp: Language, name: str):
    def speakers(doc: Doc) -> Doc:
        atts = doc._.saidwhat_attributions or []
        ranges = [(min(a.source), max(a.source) + 1) if a.source else None for a in atts]
        doc._.saidwhat_speakers = resolve(doc, ranges)
        return doc
    return speakers
