"""Candidates and their features: the shared vocabulary of training and extraction.

An attribution is assembled around a *cue* token. Three decisions are learned, each a binary
choice over candidates built from the dependency parse and the quotation marks:

1. cue: is this token (a verb, "according", a colon, ...) a cue here?
2. content: for a cue, is this *region* part of its content? Regions are the subtrees of the
   cue's dependents, the rest of the clause that governs the cue, and nearby quotations.
3. source: for a cue, is this noun phrase its source? Candidates are subjects, agents, the object
   of "according to", the object of "quoted", the subject of a governing verb.

Features are plain strings; :class:`saidwhat.engine.linear.LinearModel` weighs them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy
from spacy.tokens import Doc, Token

from saidwhat.engine.docvalues import entities
from saidwhat.lexicon import BELIEF, DOCUMENT_NOUNS, REPORTING, words

CUE_POS = {"VERB"}
PRONOUNS = words("pronouns")
# Prepositions whose phrase stays in a noun phrase ("an official at the ministry").
NP_PREPOSITIONS = words("prepositions_in_np")
# Dependents that are never content or source regions of a cue on their own.
SKIP_CHILD = {"aux", "auxpass", "neg", "punct", "cc", "prt", "mark", "det", "case"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}


@dataclass(frozen=True)
class Region:
    """A candidate content region: token indices (sorted) and how it relates to the cue."""

    kind: str
    tokens: tuple[int, ...]


def quote_mask(doc: Doc, quote_spans: list[tuple[int, int]]) -> list[int]:
    """Per token: the index (1-based) of the quotation it lies in, or 0."""
    mask = [0] * len(doc)
    if not quote_spans:
        return mask
    qi = 0
    for tok in doc:
        while qi < len(quote_spans) and quote_spans[qi][1] <= tok.idx:
            qi += 1
        if qi < len(quote_spans) and quote_spans[qi][0] <= tok.idx < quote_spans[qi][1]:
            mask[tok.i] = qi + 1
    return mask


def is_cue_candidate(tok: Token) -> bool:
    if tok.pos_ in CUE_POS:
        return True
    low = tok.lower_
    if low == "according":
        return True
    if low in (":", "—", "--") and tok.i > 0:
        return True
    return tok.pos_ == "NOUN" and tok.lemma_ in DOCUMENT_NOUNS and tok.dep_ == "pobj"


def _bucket(n: int) -> str:
    if n <= 3:
        return str(n)
    if n <= 6:
        return "4-6"
    if n <= 12:
        return "7-12"
    if n <= 25:
        return "13-25"
    return "26+"


# Bin edges for the pipeline's contextual token vectors (doc.tensor, 96 dims in en_core_web_sm):
# roughly its quartiles. A linear model over one-hot bins is an additive model of the vector,
# which lets the cue scorer generalise to reporting words it never saw in training.
VECTOR_EDGES = (-0.54, -0.09, 0.49)


_VECTOR_NAMES: dict[tuple[str, int], list[tuple[str, ...]]] = {}


def vector_features(doc: Doc, i: int, prefix: str = "v") -> list[str]:
    """``v{dim}={bin}`` for each dimension of token ``i``'s vector (bins split at VECTOR_EDGES)."""
    tensor = doc.tensor
    if tensor is None or len(tensor) <= i or tensor.shape[-1] == 0:
        return []
    dims = tensor.shape[-1]
    names = _VECTOR_NAMES.get((prefix, dims))
    if names is None:
        names = _VECTOR_NAMES[(prefix, dims)] = [tuple(f"{prefix}{d}={b}" for b in range(len(VECTOR_EDGES) + 1))
                                                 for d in range(dims)]
    bins = numpy.searchsorted(VECTOR_EDGES, tensor[i], side="right").tolist()
    return [names[d][b] for d, b in enumerate(bins)]


def cue_features(tok: Token, qmask: list[int]) -> list[str]:
    doc = tok.doc
    lemma = tok.lemma_.lower()
    nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else "<e>"
    prv = doc[tok.i - 1].lower_ if tok.i > 0 else "<s>"
    head = tok.head
    f = [
        f"l={lemma}", f"w={tok.lower_}", f"t={tok.tag_}", f"d={tok.dep_}", f"l|d={lemma}|{tok.dep_}",
        f"l|t={lemma}|{tok.tag_}", f"hl={head.lemma_.lower()}", f"hd={head.dep_}",
        f"l|n={lemma}|{nxt}", f"p|l={prv}|{lemma}", f"n={nxt}", f"p={prv}",
        f"lex={lemma in REPORTING}", f"belief={lemma in BELIEF}", f"inq={qmask[tok.i] > 0}",
    ]
    deps = set()
    for ch in tok.children:
        deps.add(ch.dep_)
        if ch.dep_ in SUBJECT_DEPS:
            kind = ch.ent_type_ or ("PRON" if ch.lower_ in PRONOUNS else ch.pos_)
            f.append(f"subj={kind}")
            f.append(f"l|subj={lemma}|{kind}")
            if ch.lemma_.lower() in DOCUMENT_NOUNS:
                f.append("subj=doc")
    for d in deps:
        f.append(f"c={d}")
        f.append(f"l|c={lemma}|{d}")
    for ch in tok.children:  # prepositional verbs: "focus on", "call for", "gloss over"
        if ch.dep_ in ("prep", "prt") and ch.i > tok.i:
            f.append(f"l|p={lemma}|{ch.lower_}")
    f.append(f"l|ccomp={lemma}|{'ccomp' in deps}")
    # quotation marks nearby: a quote ending just before ("..., she said") or starting after
    sent = tok.sent
    left = max(sent.start, tok.i - 4)
    right = min(sent.end, tok.i + 5)
    qb = any(qmask[i] for i in range(left, tok.i))
    qa = any(qmask[i] for i in range(tok.i + 1, right))
    f.append(f"qb={qb}")
    f.append(f"qa={qa}")
    f.append(f"l|qb={lemma}|{qb}")
    f.append(f"sentq={any(qmask[i] for i in range(sent.start, sent.end))}")
    f.append(f"pos={_bucket(tok.i - sent.start)}")
    f.extend(vector_features(doc, tok.i))
    return f


def content_regions(cue: Token, qmask: list[int], quote_tokens: list[tuple[int, int]]) -> list[Region]:
    """Candidate content regions of a cue (token index tuples, non-empty)."""
    regions: list[Region] = []
    covered: set[int] = {cue.i}
    for ch in cue.children:
        if ch.dep_ in SKIP_CHILD:
            continue
        toks = tuple(t.i for t in ch.subtree)
        if ch.dep_ == "prep" and ch.lower_ == "to" and cue.lower_ == "according":
            continue  # "according to X": X is the source, not the content
        regions.append(Region(f"child:{ch.dep_}", toks))
        covered.update(toks)
    head = cue.head
    if head.i != cue.i:
        # The governing clause minus the cue's own subtree ("X, according to Y", "X, he said").
        own = {t.i for t in cue.subtree}
        sent = cue.sent
        toks = tuple(t.i for t in head.subtree if t.i not in own and sent.start <= t.i < sent.end)
        if toks:
            regions.append(Region(f"head:{cue.dep_}", toks))
            covered.update(toks)
    # Quotations near the cue that no region already covers.
    sent = cue.sent
    for qs, qe in quote_tokens:
        if qe <= sent.start - 40 or qs >= sent.end + 40:
            continue
        toks = tuple(i for i in range(qs, qe) if i not in covered)
        if len(toks) < 2:
            continue
        where = "in" if sent.start <= qs < sent.end else ("before" if qs < sent.start else "after")
        if where != "in":
            # only the quotation immediately adjacent to the cue's sentence
            gap_ok = (where == "before" and qe >= sent.start - 2) or (where == "after" and qs <= sent.end + 2)
            if not gap_ok:
                continue
        regions.append(Region(f"quote:{where}", toks))
    return regions


def content_features(cue: Token, region: Region, qmask: list[int], cue_prob: float) -> list[str]:
    doc = cue.doc
    lemma = cue.lemma_.lower()
    toks = region.tokens
    first, last = doc[toks[0]], doc[toks[-1]]
    inq = sum(1 for i in toks if qmask[i]) / len(toks)
    qb = "q0" if inq == 0 else ("q1" if inq > 0.8 else "qpart")
    side = "after" if toks[0] > cue.i else ("before" if toks[-1] < cue.i else "around")
    kind = region.kind
    inside = set(toks)  # the highest word: only a word whose head lies outside can be it
    rhead = min((t for t in (doc[i] for i in toks) if t.head.i not in inside or t.head.i == t.i), key=_depth)
    return [
        f"k={kind}", f"k|l={kind}|{lemma}", f"k|d={kind}|{cue.dep_}", f"k|t={kind}|{cue.tag_}",
        f"k|q={kind}|{qb}", f"k|side={kind}|{side}", f"k|len={kind}|{_bucket(len(toks))}",
        f"k|first={kind}|{first.lower_ if first.is_stop or first.is_punct else first.pos_}",
        f"k|rh={kind}|{rhead.pos_}", f"k|rhtag={kind}|{rhead.tag_}", f"k|rent={kind}|{rhead.ent_type_}",
        f"l|q={lemma}|{qb}", f"len={_bucket(len(toks))}", f"cp={round(cue_prob, 1)}",
        f"k|last={kind}|{last.is_punct}", f"k|lex={kind}|{lemma in REPORTING}",
    ]


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok = tok.head
        d += 1
    return d


@dataclass(frozen=True)
class SourceCandidate:
    kind: str
    head: int
    tokens: tuple[int, ...]


def np_tokens(tok: Token) -> tuple[int, ...]:
    """The noun phrase of ``tok``: its subtree without relative clauses and trailing clauses.

    Appositions stay ("a White House spokesman, Benjamin Chang"), with their commas.
    """
    keep = [tok.i]
    has_appos = any(ch.dep_ == "appos" for ch in tok.children)
    stack = list(tok.children)
    while stack:
        ch = stack.pop()
        if ch.dep_ in ("relcl", "acl", "advcl", "parataxis"):
            continue
        if ch.dep_ == "punct" and ch.i > tok.i and not (has_appos and ch.head.i == tok.i):
            continue
        if ch.dep_ == "prep" and ch.i > tok.i and ch.lower_ not in NP_PREPOSITIONS:
            continue
        keep.append(ch.i)
        stack.extend(ch.children)
    keep.sort()
    # contiguous stretch containing the head
    lo = hi = keep.index(tok.i)
    while lo > 0 and keep[lo - 1] == keep[lo] - 1:
        lo -= 1
    while hi + 1 < len(keep) and keep[hi + 1] == keep[hi] + 1:
        hi += 1
    span = keep[lo:hi + 1]
    doc = tok.doc
    while len(span) > 1 and (doc[span[-1]].is_punct or doc[span[-1]].dep_ == "cc"):
        span.pop()
    while len(span) > 1 and (doc[span[0]].is_punct or doc[span[0]].dep_ == "cc"):
        span.pop(0)
    return tuple(span)


def source_candidates(cue: Token) -> list[SourceCandidate]:
    cands: list[SourceCandidate] = []
    seen: set[int] = set()

    def add(kind: str, tok: Token) -> None:
        if tok.i in seen or tok.is_punct:
            return
        seen.add(tok.i)
        cands.append(SourceCandidate(kind, tok.i, np_tokens(tok)))

    for ch in cue.children:
        if ch.dep_ in SUBJECT_DEPS:
            add(ch.dep_, ch)
        elif ch.dep_ == "agent":
            for g in ch.children:
                if g.dep_ == "pobj":
                    add("agent", g)
        elif ch.dep_ == "prep" and ch.lower_ == "to" and cue.lower_ == "according":
            for g in ch.children:
                if g.dep_ == "pobj":
                    add("according", g)
        elif ch.dep_ in ("dobj", "dative"):
            add(ch.dep_, ch)
        elif ch.dep_ == "prep" and ch.lower_ in ("by", "from"):
            for g in ch.children:
                if g.dep_ == "pobj":
                    add(f"prep_{ch.lower_}", g)
    # subject of the governing verb: "..., adding that", "was quoted as saying", "X declined to say"
    h = cue.head
    hops = 0
    while h.i != cue.i and hops < 3:
        for ch in h.children:
            if ch.dep_ in SUBJECT_DEPS or (ch.dep_ in ("dobj",) and h.lemma_ in ("quote", "cite")):
                add(f"gov:{ch.dep_}", ch)
        if h.head.i == h.i:
            break
        h = h.head
        hops += 1
    # the nearest named entity or pronoun in the sentence as a fallback
    sent = cue.sent
    best = None
    for ent in entities(cue.doc, sent.start, sent.end):
        if ent.label_ in ("PERSON", "ORG", "GPE", "NORP"):
            d = abs(ent.root.i - cue.i)
            if best is None or d < best[0]:
                best = (d, ent.root)
    if best is not None:
        add("near_ent", best[1])
    return cands


def source_features(cue: Token, cand: SourceCandidate) -> list[str]:
    doc = cue.doc
    h = doc[cand.head]
    lemma = cue.lemma_.lower()
    kind = h.ent_type_ or ("PRON" if h.lower_ in PRONOUNS else h.pos_)
    side = "before" if cand.head < cue.i else "after"
    has_subject = any(ch.dep_ in SUBJECT_DEPS for ch in cue.children)
    # an inverted cue ("…, read the statement", "…, said Smith") has its content before it
    content_before = any(ch.dep_ in ("ccomp", "parataxis") and ch.i < cue.i for ch in cue.children)
    return [
        f"k={cand.kind}", f"k|l={cand.kind}|{lemma}", f"k|et={cand.kind}|{kind}", f"et={kind}",
        f"k|side={cand.kind}|{side}", f"k|cd={cand.kind}|{cue.dep_}", f"doc={h.lemma_.lower() in DOCUMENT_NOUNS}",
        f"k|dist={cand.kind}|{_bucket(abs(cand.head - cue.i))}", f"hl={h.lemma_.lower()}",
        f"k|tag={cand.kind}|{h.tag_}", f"k|subj={cand.kind}|{has_subject}",
        f"k|inv={cand.kind}|{content_before}|{side}", f"k|l|subj={cand.kind}|{lemma}|{has_subject}",
    ]
