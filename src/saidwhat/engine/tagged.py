"""Assemble attributions from the learned tagger's spans, with the rules of the fast engine.

The tagger marks words as source, cue or content; it does not say which belong together. The
rules here do: a content goes to one cue of its paragraph (the cue its root hangs on, else the
nearest, preferring its own sentence; where none is linked, the word the content hangs on if
the fast engine's cue scorer allows it); several contents of one cue are one attribution ("“X,”
he said, “Y.”"); a cue's source is the tagged source that is the cue's subject, else the nearest
tagged source in its sentence, else the fast engine's source scorer; a quoted content with no
cue in its paragraph goes on with the previous speaker (a continuation); a cue with no content
is dropped. Spans are kept as tagged: a direct quote keeps its quote marks, as annotators mark it.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from saidwhat.engine.attributions import LEADING_PREPOSITIONS, PLACES, TokenAttribution, continuation_of
from saidwhat.engine.features import cue_features, source_candidates, source_features
from saidwhat.engine.linear import LinearModel
from saidwhat.engine.tagging import TaggedSpan
from saidwhat.lexicon import words

OTHER_SENTENCE = 40  # token-distance penalty for a cue outside the content's sentence
RELATIVE_PRONOUNS = words("pronouns_relative")
SUBJECTS = ("nsubj", "nsubjpass", "csubj", "agent", "expl")


def _root(doc: Doc, start: int, end: int) -> Token:
    """The word of a span whose head lies outside it (the first such, preferring verbs)."""
    roots = [doc[i] for i in range(start, end)
             if not doc[i].is_space and not (start <= doc[i].head.i < end and doc[i].head.i != i)]
    if not roots:
        return doc[start]
    verbs = [t for t in roots if t.pos_ in ("VERB", "AUX", "NOUN")]
    return (verbs or roots)[0]


def _gap(a: TaggedSpan, b: TaggedSpan) -> int:
    return max(0, b.start - a.end, a.start - b.end)


class _Index:
    """Sentence and paragraph of every token."""

    def __init__(self, doc: Doc):
        self.sent = [0] * len(doc)
        self.para = [0] * len(doc)
        para = 0
        for si, s in enumerate(doc.sents):
            for t in s:
                self.sent[t.i] = si
        for t in doc:
            self.para[t.i] = para
            if "\n" in t.text_with_ws:
                para += 1


HANGS = ("ccomp", "xcomp", "dobj", "parataxis")  # how a content hangs on the word that reports it


def _hanging_cue(doc: Doc, idx: _Index, content: TaggedSpan, root: Token, qmask: list[int],
                 cue_model: LinearModel | None) -> TaggedSpan | None:
    """The word the content's root hangs on ("accused [Obama of …]", "admitted [that …]"), as a cue
    the tagger missed, where the fast engine's cue scorer does not reject it."""
    head = root.head
    if cue_model is None or root.dep_ not in HANGS or head.i == root.i or content.start <= head.i < content.end:
        return None
    if idx.sent[head.i] != idx.sent[root.i] or head.pos_ not in ("VERB", "AUX"):
        return None
    p = cue_model.probability(cue_features(head, qmask))
    return TaggedSpan("cue", head.i, head.i + 1, p) if p >= cue_model.threshold / 2 else None


def _cue_for(doc: Doc, idx: _Index, content: TaggedSpan, cues: list[TaggedSpan], qmask: list[int],
             cue_model: LinearModel | None = None) -> TaggedSpan | None:
    root = _root(doc, content.start, content.end)
    best = None
    for cue in cues:
        if idx.para[cue.start] != idx.para[content.start] and idx.para[cue.start] != idx.para[content.end - 1]:
            continue
        if content.start <= cue.start < content.end:
            continue
        # how many steps up the parse from the content's root the cue is (None: not above it)
        steps = next((k for k, a in enumerate(root.ancestors) if cue.start <= a.i < cue.end), None)
        same = idx.sent[cue.start] in (idx.sent[content.start], idx.sent[content.end - 1])
        gap = _gap(cue, content)  # a cue right against its content ("BLITZER: …") is its own
        if steps is not None and same:  # the nearest cue above wins: "disputed X, saying [that …]"
            cost = steps / 100
        else:
            cost = 0 if gap == 0 else gap + (0 if same else OTHER_SENTENCE)
        if best is None or cost < best[0]:
            best = (cost, cue)
    if best is not None and best[0] < 1:
        return best[1]
    return _hanging_cue(doc, idx, content, root, qmask, cue_model) or (best[1] if best else None)


def _source_for(doc: Doc, idx: _Index, cue: TaggedSpan, head: Token, sources: list[TaggedSpan],
                taken: set[int], source_model: LinearModel | None,
                not_sources: frozenset[int]) -> tuple[list[int], int | None]:
    here = [s for s in sources if idx.sent[s.start] == idx.sent[cue.start]
            and not taken.intersection(range(s.start, s.end))]
    subjects = {t.i for ch in head.children if ch.dep_ in SUBJECTS for t in ch.subtree}
    for s in here:
        if subjects.intersection(range(s.start, s.end)):
            return list(range(s.start, s.end)), _root(doc, s.start, s.end).i
    if here:
        s = min(here, key=lambda s: _gap(s, cue))
        return list(range(s.start, s.end)), _root(doc, s.start, s.end).i
    if source_model is None:
        return [], None
    best = None
    for cand in source_candidates(head):
        if not_sources.intersection(cand.tokens) or taken.intersection(cand.tokens):
            continue
        p = source_model.probability(source_features(head, cand))
        if best is None or p > best[0]:
            best = (p, cand)
    if best is not None and best[0] >= source_model.threshold:
        return list(best[1].tokens), best[1].head
    return [], None


def _merge_appositions(doc: Doc, sources: list[TaggedSpan]) -> list[TaggedSpan]:
    """ "A Ministry of Health spokeswoman, Laura Kim, said": the tagger may begin a second source
    at the name; source spans of one sentence with only punctuation between them are one."""
    out: list[TaggedSpan] = []
    for s in sorted(sources, key=lambda s: s.start):
        if out:
            prev = out[-1]
            between = doc[prev.end:s.start]
            relative = doc[s.start].lower_ in RELATIVE_PRONOUNS  # "Sanders, who claims": the who speaks
            if all(t.is_punct or t.is_space for t in between) and not relative \
                    and doc[prev.end - 1].sent == doc[s.start].sent:
                out[-1] = TaggedSpan("source", prev.start, s.end, (prev.prob + s.prob) / 2)
                continue
        out.append(s)
    return out


def _strip_edges(doc: Doc, toks: list[int]) -> list[int]:
    """A source without the commas and dashes around it ("Laura Kim," → "Laura Kim"), nor an
    edge word outside its phrase ("Mark Esper on" of "Mark Esper on Wednesday accused")."""
    if toks:
        phrase = {t.i for t in _root(doc, toks[0], toks[-1] + 1).subtree}
        while len(toks) > 1 and toks[-1] not in phrase:
            toks = toks[:-1]
        while len(toks) > 1 and toks[0] not in phrase:
            toks = toks[1:]
    while toks and doc[toks[-1]].is_punct and not doc[toks[-1]].is_quote and doc[toks[-1]].text != ")":
        toks = toks[:-1]
    while toks and doc[toks[0]].is_punct and not doc[toks[0]].is_quote and doc[toks[0]].text != "(":
        toks = toks[1:]
    return toks


CLAUSES = ("ccomp", "xcomp", "csubj", "parataxis")
CIRCUMSTANCES = ("prep", "npadvmod", "advmod", "dative", "agent")


def _repair(doc: Doc, head: Token, cue: list[int], content: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Where the tagger's edges disagree with the parse, the conventions the fast engine keeps
    (and PolNeAR annotates): returns ``(cue, content, source_moved_out_of_content)``.

    * "said in a statement on Wednesday that …": what hangs on the cue before its clause
      (medium, date, addressee) is neither content nor cue; the clause is the content;
    * "called for a ban": a preposition that only introduces the content belongs to the cue;
    * "according to the report, …": the report is the source, not content."""
    have = set(content)
    moved: list[int] = []
    if head.lower_ == "according":
        for prep in head.children:
            if prep.lower_ == "to":
                for obj in prep.children:
                    if obj.dep_ == "pobj":  # "a report" of "a report by the Water Board": the
                        # author stays in the parse for the speaker's affiliation
                        phrase = [t.i for t in obj.subtree]
                        have -= set(phrase)
                        moved = [i for i in phrase if not any(
                            a.dep_ == "prep" and a.head.i == obj.i for a in [doc[i], *doc[i].ancestors])]
                cue = sorted(set(cue) | {head.i, prep.i})
        rest = sorted(have)
        while rest and doc[rest[0]].is_punct and not doc[rest[0]].is_quote:
            rest.pop(0)
        return cue, rest, moved
    clauses = [ch for ch in head.children if ch.dep_ in CLAUSES and ch.i in have]
    if clauses:
        start = min(t.i for t in clauses[0].subtree)
        for ch in head.children:
            if ch.dep_ in CIRCUMSTANCES and ch.i < start:
                sub = {t.i for t in ch.subtree}
                have -= sub
                cue = [i for i in cue if i not in sub or i == head.i]
    elif content:
        first = doc[min(have)] if have else None
        if first is not None and first.lower_ in LEADING_PREPOSITIONS and first.dep_ == "prep" \
                and first.head.i == head.i and len(have) > 1:
            have.discard(first.i)
            cue = sorted(set(cue) | {first.i})
    return cue, sorted(have), moved


def _turn_speaker(doc: Doc, colon: int, not_sources: frozenset[int]) -> list[int]:
    """ "BLITZER: …", "Graham: …": the short name-like phrase that opens the line before a colon
    (as :func:`saidwhat.engine.attributions.colon_attributions` reads it), else nothing."""
    start = colon
    while start > 0 and "\n" not in doc[start - 1].text_with_ws and colon - start < 8:
        start -= 1
    left = [t for t in doc[start:colon] if not t.is_space]
    words = [t for t in left if not t.is_punct]
    if not words or len(words) > 6 or not left[0].text[:1].isupper() or (start > 0 and "\n" not in
                                                                          doc[start - 1].text_with_ws):
        return []
    if any(t.pos_ in ("VERB", "AUX") for t in left) or not_sources.intersection(t.i for t in left) \
            or all(t.ent_type_ in PLACES for t in words):
        return []
    return [t.i for t in left]


def _kind(doc: Doc, qmask: list[int], content: list[int]) -> str:
    """direct, mixed or indirect by the share of the content's words inside quotation marks (the
    marks themselves and punctuation do not count)."""
    words = [i for i in content if not (doc[i].is_punct or doc[i].is_space)] or content
    in_quote = sum(1 for i in words if qmask[i]) / len(words)
    return "direct" if in_quote > 0.9 else ("mixed" if in_quote > 0 else "indirect")


def assemble(doc: Doc, qmask: list[int], spans: list[TaggedSpan], models: dict[str, LinearModel] | None = None,
             not_sources: frozenset[int] = frozenset()) -> list[TokenAttribution]:
    """Attributions (token indices) from tagged spans; see the module docstring for the rules.
    ``models``: the fast engine's scorers, for a source or a cue the tagger did not mark."""
    models = models or {}
    source_model = models.get("source")
    idx = _Index(doc)
    cues = [s for s in spans if s.role == "cue"]
    sources = _merge_appositions(doc, [s for s in spans if s.role == "source"
                                       and not not_sources.intersection(range(s.start, s.end))])
    contents = [s for s in spans if s.role == "content"]
    by_cue: dict[TaggedSpan, list[TaggedSpan]] = {}
    orphans: list[TaggedSpan] = []
    for c in contents:
        cue = _cue_for(doc, idx, c, cues, qmask, models.get("cue"))
        if cue is None:
            orphans.append(c)
        else:
            by_cue.setdefault(cue, []).append(c)
    for cue in cues:  # "…, according to a ministry statement": the clause it qualifies is its content
        head = doc[cue.start]
        if cue not in by_cue and head.lower_ == "according" and head.head.i != head.i:
            clause = [t.i for t in head.head.subtree if t.i not in {u.i for u in head.subtree}
                      and not (t.is_punct and not t.is_quote)]
            if clause:
                by_cue[cue] = [TaggedSpan("content", min(clause), max(clause) + 1, cue.prob)]
    found: list[TokenAttribution] = []
    for cue, cs in sorted(by_cue.items(), key=lambda kv: kv[0].start):
        head = _root(doc, cue.start, cue.end)
        words = [i for i in range(cue.start, cue.end) if not doc[i].is_space]  # as tagged: no added auxiliaries
        content = sorted({i for c in cs for i in range(c.start, c.end) if not doc[i].is_space} - set(words))
        if not content:
            continue
        words, content, moved = _repair(doc, head, words, content)
        if not content:
            continue
        if moved:
            source, source_head = moved, _root(doc, min(moved), max(moved) + 1).i
        else:
            source, source_head = _source_for(doc, idx, cue, head, sources, set(content), source_model,
                                              not_sources)
        if not source and doc[head.i].text == ":":
            source = _turn_speaker(doc, head.i, not_sources)
            source_head = source[-1] if source else None
        source = _strip_edges(doc, source)
        content = [i for i in content if i not in set(source)]
        if not content:
            continue
        confidence = min(cue.prob, sum(c.prob for c in cs) / len(cs))
        found.append(TokenAttribution(cue=words, content=content, source=source, cue_head=head.i,
                                      source_head=source_head, confidence=round(confidence, 4),
                                      kind=_kind(doc, qmask, content)))
    found.sort(key=lambda a: min(a.content + a.cue))
    for c in orphans:
        content = [i for i in range(c.start, c.end) if not doc[i].is_space]
        if not content or not any(qmask[i] for i in content):
            continue
        before = [a for a in found if max(a.content + a.cue) < c.start and a.kind != "continuation"]
        if before and idx.para[c.start] - idx.para[max(before[-1].content)] <= 2:
            found.append(continuation_of(before[-1], content))
    return sorted(found, key=lambda a: min(a.content + a.cue))


def with_nested(doc: Doc, found: list[TokenAttribution], fast: list[TokenAttribution]) -> list[TokenAttribution]:
    """Speech inside speech: "according to a statement, officials denied that …" is two
    attributions, and one label per word can mark only one. Where an "according to" qualifies a
    clause whose verb the fast engine takes as a cue, that attribution is added as the inner one.
    (Adding every nested attribution the fast engine finds cost more precision than it gained on
    held-out training articles.)"""
    heads = {doc[a.cue_head].head.i for a in found if a.cue and doc[a.cue_head].lower_ == "according"}
    taken = {i for a in found for i in a.cue}
    extra = [a for a in fast if a.cue and a.cue_head in heads and not taken.intersection(a.cue)]
    return sorted(found + extra, key=lambda a: min(a.content + a.cue))
