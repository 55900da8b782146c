"""What the learned tagger reads and how its labels turn back into spans, without torch or onnx.

Shared by training (:mod:`saidwhat.learn.encoder`) and run time (:mod:`saidwhat.engine.encoder`) so
the two can never disagree:

* **windows**: a document's words are cut into windows of whole paragraphs of at most
  ``max_pieces`` wordpieces (a longer paragraph is cut at sentence starts, a longer sentence
  anywhere); whitespace tokens are never fed and are always ``O``;
* **features**: what spaCy already knows about each word and the uncased encoder cannot see
  (coarse POS, dependency label, entity, capitalisation shape, inside-a-quotation, a known cue
  lemma), as small integer ids looked up in vocabularies saved with the model;
* **labels**: BIO over ``source`` / ``cue`` / ``content`` (one label per word, the innermost role
  wins where roles nest, as PolNeAR's published protocol flattens them);
* **decoding**: the best label sequence that is valid BIO (an ``I-x`` only after ``B-x`` or
  ``I-x``), by Viterbi over the per-word log-probabilities.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy
from spacy.tokens import Doc, Token

from saidwhat.lexicon import table

ROLES = ("source", "cue", "content")
LABELS = ("O",) + tuple(f"{p}-{r}" for r in ROLES for p in ("B", "I"))
FEATURES = ("pos", "dep", "ent", "shape", "quote", "cue_lemma")
CUE_LEMMAS = frozenset(k.split()[0] for k in table("stance"))


def shape(tok: Token) -> str:
    """Capitalisation and kind of a word: what an uncased encoder never sees."""
    t = tok.text
    if tok.is_quote:
        return "quote"
    if tok.is_punct:
        return "punct"
    if tok.like_num:
        return "num"
    if t.isupper() and len(t) > 1:
        return "upper"
    if t[:1].isupper():
        return "title"
    if t.islower():
        return "lower"
    return "other"


def word_features(tok: Token, qmask: list[int]) -> tuple[str, ...]:
    """The feature strings of one word, in the order of :data:`FEATURES`."""
    ent = f"{tok.ent_iob_}-{tok.ent_type_}" if tok.ent_type_ else "O"
    return (tok.pos_, tok.dep_, ent, shape(tok), "in" if qmask[tok.i] else "out",
            "yes" if tok.lemma_.lower() in CUE_LEMMAS else "no")


@dataclass(frozen=True)
class Window:
    """Consecutive words of a document fed to the encoder together."""

    words: list[int]  # token indices of the Doc (no whitespace tokens)
    pieces: list[list[int]]  # wordpiece ids of each word


def _paragraphs(doc: Doc, limit: int) -> list[list[int]]:
    paras: list[list[int]] = [[]]
    for tok in doc[:limit]:
        if not tok.is_space:
            paras[-1].append(tok.i)
        if "\n" in tok.text_with_ws and paras[-1]:
            paras.append([])
    return [p for p in paras if p]


def _cut(doc: Doc, words: list[int], cost: dict[int, int], limit: int) -> list[list[int]]:
    """A paragraph too long for one window, cut at sentence starts (a sentence too long anywhere)."""
    out: list[list[int]] = [[]]
    used = 0
    for i in words:
        c = cost[i]
        if out[-1] and used + c > limit:
            starts = [k for k, j in enumerate(out[-1]) if k and doc[j].is_sent_start]
            if starts and starts[-1] > len(out[-1]) // 3:
                keep, move = out[-1][:starts[-1]], out[-1][starts[-1]:]
                out[-1] = keep
                out.append(move)
                used = sum(cost[j] for j in move)
            if used + c > limit:  # no sentence start to cut at, or the moved sentence is full
                out.append([])
                used = 0
        out[-1].append(i)
        used += c
    return [w for w in out if w]


def windows(doc: Doc, pieces_of: list[list[int]], max_pieces: int, limit: int | None = None) -> list[Window]:
    """Whole paragraphs packed into windows of at most ``max_pieces`` wordpieces.

    ``pieces_of[i]`` are the wordpiece ids of token ``i`` (empty for whitespace tokens); a word
    with none (an unknown symbol) still counts one piece, as the encoder then sees ``[UNK]``.
    Tokens from ``limit`` on (the scraped tail) are left out.
    """
    limit = len(doc) if limit is None else limit
    cost = {t.i: max(1, len(pieces_of[t.i])) for t in doc[:limit] if not t.is_space}
    groups: list[list[int]] = []
    used = 0
    for para in _paragraphs(doc, limit):
        size = sum(cost[i] for i in para)
        if size > max_pieces:
            groups.extend(_cut(doc, para, cost, max_pieces))
            used = max_pieces  # nothing joins a cut paragraph
            continue
        if groups and used + size <= max_pieces:
            groups[-1].extend(para)
            used += size
        else:
            groups.append(list(para))
            used = size
    return [Window(g, [pieces_of[i] for i in g]) for g in groups]


@dataclass(frozen=True)
class Encoded:
    """One window as the encoder takes it: ``[CLS]`` wordpieces ``[SEP]``, a feature row per piece,
    and where each word's first piece is (the word's label is read there)."""

    words: list[int]
    ids: list[int]
    feats: list[list[int]]
    firsts: list[int]


def encode(doc: Doc, qmask: list[int], tokenizer, index: list[dict[str, int]], max_pieces: int,
           limit: int | None = None) -> list[Encoded]:
    """The windows of ``doc`` as the encoder reads them, for training and at run time alike.

    ``tokenizer`` is a ``tokenizers.Tokenizer`` without padding; ``index`` maps each feature's
    strings to ids (0 for a value training never saw)."""
    end = len(doc) if limit is None else limit
    unk = tokenizer.token_to_id("[UNK]")
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    encoded = tokenizer.encode_batch([t.text for t in doc[:end]], add_special_tokens=False) if end else []
    pieces_of = [[] if t.is_space else (e.ids or [unk]) for t, e in zip(doc[:end], encoded)]
    blank = [0] * len(FEATURES)
    out = []
    for w in windows(doc, pieces_of, max_pieces, end):
        ids, feats, firsts = [cls], [blank], []
        for i, pcs in zip(w.words, w.pieces):
            row = [index[k].get(v, 0) for k, v in enumerate(word_features(doc[i], qmask))]
            firsts.append(len(ids))
            ids.extend(pcs)
            feats.extend([row] * len(pcs))
        ids.append(sep)
        feats.append(blank)
        out.append(Encoded(list(w.words), ids, feats, firsts))
    return out


def token_labels(doc: Doc, tok_spans: list[tuple[int, int]], attributions: list[dict]) -> list[str]:
    """Gold BIO label of every token from character-span attributions (innermost role wins)."""
    best: list[tuple[int, int, str, int] | None] = [None] * len(doc)
    rank = {r: k for k, r in enumerate(ROLES)}
    fid = 0
    for att in attributions:
        for role in ROLES:
            for s, e in att.get(role) or []:
                fid += 1
                for i, (ts, te) in enumerate(tok_spans):
                    if ts < e and te > s and not doc[i].is_space:
                        key = (e - s, rank[role], role, fid)
                        if best[i] is None or key < best[i]:
                            best[i] = key
    labels = []
    prev = None
    for i, b in enumerate(best):
        if b is None or doc[i].is_space:
            labels.append("O")
            if b is None:
                prev = None
            continue
        labels.append(("I-" if prev == b[3] else "B-") + b[2])
        prev = b[3]
    return labels


def allowed_transitions() -> numpy.ndarray:
    """``allowed[a, b]``: label ``b`` may follow label ``a`` in valid BIO."""
    n = len(LABELS)
    ok = numpy.ones((n, n), dtype=bool)
    for b, lab in enumerate(LABELS):
        if lab.startswith("I-"):
            role = lab[2:]
            for a, prev in enumerate(LABELS):
                ok[a, b] = prev in (f"B-{role}", f"I-{role}")
    return ok


_ALLOWED = allowed_transitions()
_START_OK = numpy.array([not lab.startswith("I-") for lab in LABELS])


def viterbi(logp: numpy.ndarray) -> list[int]:
    """The most probable valid BIO sequence for per-word log-probabilities ``(n, labels)``."""
    n = logp.shape[0]
    if n == 0:
        return []
    neg = numpy.float32(-1e9)
    trans = numpy.where(_ALLOWED, numpy.float32(0), neg)
    score = numpy.where(_START_OK, logp[0], neg)
    back = numpy.zeros((n, logp.shape[1]), dtype=numpy.int64)
    for t in range(1, n):
        cand = score[:, None] + trans
        back[t] = cand.argmax(0)
        score = cand.max(0) + logp[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


@dataclass(frozen=True)
class TaggedSpan:
    """A run of words with one role: token indices ``[start, end)`` of the Doc, mean probability."""

    role: str
    start: int
    end: int
    prob: float


def spans_of(words: list[int], labels: list[int], probs: numpy.ndarray) -> list[TaggedSpan]:
    """The role spans of a decoded window; ``probs[k]`` is word ``k``'s probability of its label."""
    out: list[TaggedSpan] = []
    cur: list[int] = []
    role = None

    def close():
        if cur:
            out.append(TaggedSpan(role, words[cur[0]], words[cur[-1]] + 1,
                                  float(numpy.mean([probs[k] for k in cur]))))

    for k, lab in enumerate(labels):
        name = LABELS[lab]
        if name == "O":
            close()
            cur, role = [], None
        elif name.startswith("B-") or name[2:] != role:
            close()
            cur, role = [k], name[2:]
        else:
            cur.append(k)
    close()
    return out
