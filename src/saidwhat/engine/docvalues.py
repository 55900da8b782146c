"""What saidwhat's components read from and leave on a ``Doc``: names, shapes, small helpers.

Everything here is a plain value (str, int, float, bool, None, list, dict) or a span group, so a
Doc survives ``doc.to_bytes()``, ``DocBin(store_user_data=True)`` and ``nlp.pipe(n_process=2)``.
Token indices and character offsets index ``doc.text``: when :class:`saidwhat.Pipeline` parses,
that is the *repaired* copy of the input (:mod:`saidwhat.text.repair`), not the input itself.

Input, in ``doc.user_data`` (set before the components run; both optional):

``saidwhat_title`` (str)
    The article's headline; a first line equal to it is not the outlet's own voice.
``saidwhat_published`` (str, ``YYYY-MM-DD`` or a timestamp starting so)
    Anchors relative dates ("said on Sunday").

Output, as Doc extensions:

``doc._.saidwhat_qmask`` (list[int])
    Per token, the 1-based index of the quotation it lies in, or 0.
``doc._.saidwhat_tail_start`` (int | None)
    Character offset where the boilerplate tail starts.
``doc._.saidwhat_attributions`` (list[dict])
    One row per attribution, in text order: ``id`` ("a1"), ``kind``, ``cue``, ``content``,
    ``source``, ``channel`` (lists of token indices), ``cue_head``, ``source_head`` (token index or
    None), ``lemma`` and ``stance`` of the cue, ``confidence``, ``speaker`` (a speaker id or None),
    ``speaker_how`` (how it was found, e.g. "pronoun:name") and ``speaker_confidence`` (the
    calibrated chance it is right), ``said_on`` (None or ``{"start", "end", "text", "date", "certainty"}``, a token range),
    ``medium`` and ``addressee`` (token indices: "in a statement", "reporters" of "told reporters").
``doc._.saidwhat_speakers`` (list[dict])
    ``id`` ("s1"), ``name``, ``role``, ``affiliation``, ``type``, ``anonymous`` and ``mentions``
    (``[start, end]`` token ranges).
``doc._.saidwhat_relations`` (list[dict])
    ``type``, ``source`` and ``target`` (attribution ids), ``evidence`` (token indices), ``score``.

Output, as span groups (``doc.spans[NAME]``): each role's tokens as contiguous runs labelled with
their attribution's id, in ``saidwhat_cue``, ``saidwhat_content``, ``saidwhat_source``,
``saidwhat_channel``, ``saidwhat_said_on``, ``saidwhat_medium`` and ``saidwhat_addressee``; speaker mentions labelled with the speaker's id in
``saidwhat_speaker``; ``saidwhat_unattributed`` (the outlet's own voice) and
``saidwhat_boilerplate`` (the tail); ``saidwhat_marks``, set by the paragraphs stage before the
parser, the datelines, credit lines and salutations that open a paragraph (labelled dateline,
credit or salutation: never a source).
"""
from __future__ import annotations

from typing import Any, Iterable

from spacy.tokens import Doc, Span

TITLE = "saidwhat_title"
PUBLISHED = "saidwhat_published"

QMASK = "saidwhat_qmask"
TAIL_START = "saidwhat_tail_start"
ATTRIBUTIONS = "saidwhat_attributions"
SPEAKERS = "saidwhat_speakers"
RELATIONS = "saidwhat_relations"
EXTENSIONS = (QMASK, TAIL_START, ATTRIBUTIONS, SPEAKERS, RELATIONS)

CUE = "saidwhat_cue"
CONTENT = "saidwhat_content"
SOURCE = "saidwhat_source"
CHANNEL = "saidwhat_channel"
SPEAKER = "saidwhat_speaker"
SAID_ON = "saidwhat_said_on"
MEDIUM = "saidwhat_medium"
ADDRESSEE = "saidwhat_addressee"
UNATTRIBUTED = "saidwhat_unattributed"
BOILERPLATE = "saidwhat_boilerplate"
MARKS = "saidwhat_marks"  # datelines, credit lines, salutations that open a paragraph (label: kind)
ROLE_GROUPS = {"cue": CUE, "content": CONTENT, "source": SOURCE, "channel": CHANNEL}
SPAN_GROUPS = (CUE, CONTENT, SOURCE, CHANNEL, SPEAKER, SAID_ON, MEDIUM, ADDRESSEE, UNATTRIBUTED, BOILERPLATE,
               MARKS)


def register_extensions() -> None:
    """Declare the Doc extensions (idempotent; every process that reads them needs this)."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def token_runs(tokens: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted token indices as ``(start, end)`` runs of consecutive tokens."""
    runs: list[list[int]] = []
    for i in sorted(set(tokens)):
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [(s, e) for s, e in runs]


def labelled_spans(doc: Doc, tokens: Iterable[int], label: str) -> list[Span]:
    """The runs of ``tokens`` as spans carrying ``label`` (an attribution or speaker id)."""
    return [Span(doc, s, e, label=label) for s, e in token_runs(tokens)]


def tail_token(doc: Doc) -> int | None:
    """The first token of the boilerplate tail, if the boilerplate component found one."""
    start = doc._.saidwhat_tail_start
    if start is None:
        return None
    return next((t.i for t in doc if t.idx >= start), None)


def rows(doc: Doc) -> list[dict[str, Any]]:
    """The attribution table (empty before the attributions component ran)."""
    return doc._.saidwhat_attributions or []


register_extensions()


def entities(doc: Doc, start: int = 0, end: int | None = None) -> list[Span]:
    """The named entities lying wholly within tokens ``start:end``, read off the tokens' IOB tags.

    Same spans as ``doc[start:end].ents``, but linear in the range: spaCy's ``Span.ents`` builds
    every entity of the Doc on each call, which made a long article quadratic."""
    end = len(doc) if end is None else min(end, len(doc))
    out: list[Span] = []
    i = start
    while i < end:
        tok = doc[i]
        opens = tok.ent_iob_ == "B" or (tok.ent_iob_ == "I" and (i == 0 or doc[i - 1].ent_iob_ == "O"))
        if not opens:
            i += 1
            continue
        j = i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        if j <= end:
            out.append(Span(doc, i, j, label=tok.ent_type))
        i = j
    return out


def marked_tokens(doc: Doc) -> frozenset[int]:
    """The tokens of the paragraphs' opening marks (never part of a source)."""
    return frozenset(t.i for span in doc.spans.get(MARKS, []) for t in span)
