"""Assemble attributions on a parsed document: cue, then content, then source.

Works on token indices of the parsed (repaired) text; :mod:`saidwhat.engine.extraction` maps the result
to character spans of the input. Document-level constraints applied here: a token belongs to the
content of at most one cue at the same depth; a cue inside another cue's content is kept (nested
speech); a content that is empty after trimming is dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from saidwhat.engine.features import (content_features, content_regions, cue_features, is_cue_candidate,
                       source_candidates, source_features)
from saidwhat.engine.linear import LinearModel
from saidwhat.lexicon import words


@dataclass
class TokenAttribution:
    """An attribution in token indices of the parsed text."""

    cue: list[int]
    content: list[int]
    source: list[int]
    cue_head: int
    source_head: int | None
    confidence: float
    kind: str = "indirect"
    channel: list[int] = field(default_factory=list)


def quote_token_spans(doc: Doc, qmask: list[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(doc)
    while i < n:
        if qmask[i]:
            j = i
            while j < n and qmask[j] == qmask[i]:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def cue_tokens(tok: Token) -> list[int]:
    """The words of a multi-word cue: auxiliaries, negation, particles ("called on", "according to")."""
    out = [tok.i]
    for ch in tok.children:
        if ch.dep_ in ("aux", "auxpass", "neg", "prt") and abs(ch.i - tok.i) <= 3:
            out.append(ch.i)
        elif ch.dep_ == "prep" and tok.lower_ == "according" and ch.lower_ == "to":
            out.append(ch.i)
    return sorted(out)


def _trim(doc: Doc, toks: list[int]) -> list[int]:
    toks = sorted(set(toks))
    while toks and (doc[toks[0]].is_punct or doc[toks[0]].is_space) and not doc[toks[0]].is_quote:
        toks.pop(0)
    while toks and (doc[toks[-1]].is_punct or doc[toks[-1]].is_space) and not doc[toks[-1]].is_quote:
        toks.pop()
    while toks and doc[toks[-1]].is_space:
        toks.pop()
    # a quote mark at an edge whose partner is not in the content ('We will appeal,"') goes
    if toks and sum(1 for i in toks if doc[i].is_quote) % 2 == 1:
        if doc[toks[-1]].is_quote:
            return _trim(doc, toks[:-1])
        if doc[toks[0]].is_quote:
            return _trim(doc, toks[1:])
    return toks


def with_quote_marks(doc: Doc, qmask: list[int], content: list[int]) -> list[int]:
    """A content as annotators mark it: a quotation it covers in full keeps its quote marks and
    the punctuation inside them ('“We will appeal,”'), which :func:`_trim` took off."""
    if not content:
        return content
    have = set(content)
    out = set(content)
    for q in {qmask[i] for i in content if qmask[i]}:
        inner = [i for i in range(max(0, min(content) - 3), min(len(doc), max(content) + 4)) if qmask[i] == q]
        words = [i for i in inner if not (doc[i].is_punct or doc[i].is_space)]
        if not words or not have.issuperset(words):
            continue
        first, last = inner[0], inner[-1]
        out.update(range(first, last + 1))
        if first > 0 and doc[first - 1].is_quote:
            out.add(first - 1)
        if last + 1 < len(doc) and doc[last + 1].is_quote:
            out.add(last + 1)
    return sorted(out)


@dataclass
class _Draft:
    """A cue with its accepted regions, before quotes outside its sentence are shared out."""

    tok: Token
    p_cue: float
    content: list[int]
    outside: list[tuple[str, list[int]]]  # accepted quote regions outside the cue's sentence
    extra_cue: list[int] = field(default_factory=list)  # words of a noun cue merged into this one


def find_attributions(doc: Doc, qmask: list[int], models: dict[str, LinearModel],
                      skip_from: int | None = None,
                      not_sources: frozenset[int] = frozenset()) -> list[TokenAttribution]:
    """Every attribution in ``doc``; tokens from ``skip_from`` on (boilerplate) are not mined,
    and no source takes a token of ``not_sources`` (datelines, credit lines, salutations).

    Two passes: each cue first takes the regions of its own sentence; then quotations outside
    a cue's sentence go to it only if no other cue claimed them. A quote in a later paragraph
    becomes a ``continuation`` of the speaker; one in an earlier paragraph is never taken.
    """
    cue_m, content_m = models["cue"], models["content"]
    quote_spans = quote_token_spans(doc, qmask)
    limit = len(doc) if skip_from is None else skip_from
    drafts: list[_Draft] = []
    for tok in doc[:limit]:
        if not is_cue_candidate(tok):
            continue
        p_cue = cue_m.probability(cue_features(tok, qmask))
        if p_cue < cue_m.threshold:
            continue
        draft = _Draft(tok, p_cue, [], [])
        for region in content_regions(tok, qmask, quote_spans):
            if content_m.probability(content_features(tok, region, qmask, p_cue)) < content_m.threshold:
                continue
            if region.kind in ("quote:before", "quote:after"):
                draft.outside.append((region.kind, list(region.tokens)))
            else:
                draft.content.extend(region.tokens)
        drafts.append(draft)
    drafts = _merge_noun_cues(drafts)
    used = {i for d in drafts for i in d.content}
    found: list[TokenAttribution] = []
    for d in drafts:
        follow_on: list[list[int]] = []
        for kind, toks in d.outside:
            if used.intersection(toks):
                continue
            if _new_paragraph(doc, d.tok.i, toks[0]):
                if kind == "quote:before":
                    continue
                follow_on.append(toks)
            else:
                d.content.extend(toks)
            used.update(toks)
        att = _assemble(doc, qmask, models, d, limit, not_sources)
        if att is None:
            continue
        found.append(att)
        for extra in follow_on:
            extra = [i for i in _trim(doc, extra) if i < limit]
            if extra:
                found.append(continuation_of(att, extra))
    return _drop_shadowed_punctuation_cues(doc, found)


def _drop_shadowed_punctuation_cues(doc: Doc, found: list[TokenAttribution]) -> list[TokenAttribution]:
    """ "The senator tweeted: "…"": the colon may score as a cue too, with the verb inside its
    content. The verb's attribution is the one; a punctuation cue whose content swallows another
    cue goes."""
    cue_tokens_all = {i for a in found for i in a.cue}
    kept = []
    for a in found:
        punct = a.cue and all(doc[i].is_punct for i in a.cue)
        if punct and cue_tokens_all.intersection(a.content):
            continue
        kept.append(a)
    return kept


def _merge_noun_cues(drafts: list[_Draft]) -> list[_Draft]:
    """ "called, in a statement on Dec. 21, on …": the noun cue joins the verb cue it hangs on."""
    by_token = {d.tok.i: d for d in drafts}
    kept = []
    for d in drafts:
        tok = d.tok
        if tok.pos_ == "NOUN" and tok.dep_ == "pobj" and tok.head.head.i in by_token \
                and tok.head.head.i != tok.i:
            verb = by_token[tok.head.head.i]
            verb.extra_cue.extend([tok.head.i, tok.i] + [c.i for c in tok.children if c.dep_ == "det"])
            verb.outside.extend(d.outside)
            continue
        kept.append(d)
    return kept


def _assemble(doc: Doc, qmask: list[int], models: dict[str, LinearModel], d: _Draft,
              limit: int, not_sources: frozenset[int] = frozenset()) -> TokenAttribution | None:
    """Cue words, trimmed content and the best source for one cue; None without content."""
    tok = d.tok
    cue = sorted(set(cue_tokens(tok)) | set(d.extra_cue))
    content = [i for i in _trim(doc, d.content) if i < limit and i not in cue]
    kept = _drop_leading_preposition(doc, content, tok)
    if len(kept) < len(content):  # the preposition belongs to the cue: "called for", "warned of"
        cue = sorted(cue + [content[0]])
    content = kept
    if not content:
        return None
    source_m = models["source"]
    source: list[int] = []
    source_head = None
    best = None
    for cand in source_candidates(tok):
        if not_sources.intersection(cand.tokens):
            continue
        p = source_m.probability(source_features(tok, cand))
        if best is None or p > best[0]:
            best = (p, cand)
    if best is not None and best[0] >= source_m.threshold:
        source = list(best[1].tokens)
        source_head = best[1].head
        # the source wins over a content region that swallowed it ("…, read the statement")
        content = [i for i in content if i not in set(source)]
        if not content:
            return None
    in_quote = sum(1 for i in content if qmask[i]) / len(content)
    kind = "direct" if in_quote > 0.9 else ("mixed" if in_quote > 0 else "indirect")
    content = [i for i in with_quote_marks(doc, qmask, content) if i < limit]
    return TokenAttribution(cue=cue, content=content, source=source, cue_head=tok.i,
                            source_head=source_head, confidence=d.p_cue, kind=kind)


# Prepositions that introduce what a cue is about and are not part of it: "talked about [the
# deal]", "called for [a ban]" (``lexicon/data/prepositions_leading.txt``, with the evidence).
LEADING_PREPOSITIONS = words("prepositions_leading")


def _drop_leading_preposition(doc: Doc, content: list[int], cue: Token) -> list[int]:
    first = doc[content[0]] if content else None
    if first is not None and first.lower_ in LEADING_PREPOSITIONS and first.dep_ == "prep" \
            and first.head.i == cue.i and len(content) > 1:
        return content[1:]
    return content


def continuation_of(prev: TokenAttribution, content: list[int]) -> TokenAttribution:
    """A cue-less quote that goes on with ``prev``'s speaker (and channel)."""
    return TokenAttribution(cue=[], content=content, source=list(prev.source), cue_head=prev.cue_head,
                            source_head=prev.source_head, confidence=prev.confidence * 0.8,
                            kind="continuation", channel=list(prev.channel))


def _new_paragraph(doc: Doc, a: int, b: int) -> bool:
    """Whether a line break lies between tokens ``a`` and ``b``."""
    return any("\n" in t.text_with_ws for t in doc[min(a, b):max(a, b)])


def add_continuations(doc: Doc, qmask: list[int], found: list[TokenAttribution],
                      skip_from: int | None = None) -> list[TokenAttribution]:
    """A quoted sentence with no cue of its own continues the previous speaker ("continuation").

    The quote must fill its sentence, follow an attribution whose content is quoted (direct or
    mixed) within two sentences, and not already belong to any content.
    """
    if not found:
        return found
    used = {i for a in found for i in (*a.content, *a.cue, *a.source)}
    limit = len(doc) if skip_from is None else skip_from
    ordered = sorted(found, key=lambda a: min(a.content + a.cue))
    sents = list(doc.sents)
    sent_of = {}
    for si, s in enumerate(sents):
        for t in s:
            sent_of[t.i] = si
    extra: list[TokenAttribution] = []
    for qs, qe in quote_token_spans(doc, qmask):
        if qe > limit or any(i in used for i in range(qs, qe)) or qe - qs < 4:
            continue
        si = sent_of[qs]
        sent = sents[si]
        words = [t for t in sent if not (t.is_punct or t.is_space)]
        inside = [t for t in words if qs <= t.i < qe]
        if len(inside) < 0.8 * len(words):
            continue
        before = [a for a in ordered if max(a.content + a.cue) < qs]
        if not before:
            continue
        prev = before[-1]
        if prev.kind not in ("direct", "mixed", "continuation") or si - sent_of[max(prev.content + prev.cue)] > 2:
            continue
        content = _trim(doc, list(range(qs, qe)))
        if not content:
            continue
        extra.append(continuation_of(prev, content))
        used.update(content)
    return sorted(found + extra, key=lambda a: min(a.content + a.cue))


PLACES = frozenset({"GPE", "LOC", "FAC"})  # entity types of a place that opens a story


def colon_attributions(doc: Doc, found: list[TokenAttribution], skip_from: int | None = None,
                       not_sources: frozenset[int] = frozenset()) -> list[TokenAttribution]:
    """ "Graham: Trump's rhetoric destroying GOP's chance" and transcript turns ("TAPPER: …").

    A paragraph that opens with a short name-like phrase (capitalised, no verb, at most six words)
    and a colon attributes the rest of the paragraph to that phrase; the colon is the cue. Not
    when the phrase is a credit line or salutation (``not_sources``: "SOURCE:", "DEAR ABBY:") or a
    place, which opens a story the way a dateline does ("NEW DELHI: …").
    """
    used = {i for a in found for i in (*a.content, *a.cue, *a.source)}
    limit = len(doc) if skip_from is None else skip_from
    extra: list[TokenAttribution] = []
    starts = [0] + [t.i + 1 for t in doc[:-1] if "\n" in t.text_with_ws]
    for start in starts:
        while start < limit and doc[start].is_space:
            start += 1
        if start >= limit:
            continue
        end = start
        while end < limit and "\n" not in doc[end].text_with_ws and not doc[end].is_space:
            end += 1
        end = min(end + 1, limit)
        colon = next((t.i for t in doc[start:min(end, start + 8)] if t.text == ":"), None)
        if colon is None or colon == start or colon in used:
            continue
        left = [t for t in doc[start:colon]]
        words = [t for t in left if not t.is_punct]
        if not words or len(words) > 6 or not left[0].text[:1].isupper():
            continue
        if any(t.pos_ in ("VERB", "AUX") for t in left):
            continue
        if not_sources.intersection(t.i for t in left) or all(t.ent_type_ in PLACES for t in words):
            continue
        content = _trim(doc, list(range(colon + 1, end)))
        if len(content) < 3 or sum(1 for i in content if i in used) * 2 > len(content):
            continue
        extra.append(TokenAttribution(cue=[colon], content=content, source=[t.i for t in left],
                                      cue_head=colon, source_head=left[-1].i, confidence=0.6,
                                      kind="direct" if doc[content[0]].is_quote else "indirect"))
    return sorted(found + extra, key=lambda a: min(a.content + a.cue))
