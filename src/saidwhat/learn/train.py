"""``saidwhat train``: learn the cue, content and source scorers from annotated articles.

Input is the evaluation format with text (PolNeAR's ``train.jsonl``): ``{"id", "text",
"attributions": [{"source", "cue", "content"}]}``. Output is one gzipped JSON file of weights
(``saidwhat/engine/weights/attribution.json.gz`` by default), read by :mod:`saidwhat.engine.linear`.
Needs scikit-learn (``pip install saidwhat[train]``); extraction does not.

Thresholds are tuned on a slice of the *training* articles held out from fitting, never on dev.
"""
from __future__ import annotations

import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy
from spacy.tokens import Doc

from saidwhat.engine.alignment import char_spans
from saidwhat.engine.attributions import find_attributions, quote_token_spans
from saidwhat.engine.features import (content_features, content_regions, cue_features, is_cue_candidate,
                       source_candidates, source_features)
from saidwhat.engine.linear import LinearModel, save_models
from saidwhat.engine import components  # noqa: F401  (registers saidwhat_paragraphs_v1)




@dataclass
class Example:
    doc: Doc
    qmask: list[int]
    tok_spans: list[tuple[int, int]]  # each token's (start, end) in the original text
    gold: list[dict]
    text: str
    id: str


def load_examples(path: str | Path, log=print, cache: str | Path | None = None) -> list[Example]:
    """Parse annotated articles exactly as extraction does (repair, paragraphs, parser).

    With ``cache`` (a directory), the parses are kept in a spaCy DocBin keyed by the file's hash,
    so that a second training run skips parsing.
    """
    from spacy.tokens import DocBin

    from saidwhat.engine.alignment import quotes_mask, token_spans
    from saidwhat.engine.model import load_base
    from saidwhat.text.repair import repair
    from saidwhat.learn.scoring import read_jsonl

    gold = read_jsonl(str(path))
    nlp = load_base()
    nlp.add_pipe("saidwhat_paragraphs_v1", first=True)
    repaired = [repair(g["text"]) for g in gold]
    cache_file = None
    if cache:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
        cache_file = Path(cache) / f"parsed-{digest}-{nlp.meta['name']}-{nlp.meta['version']}.spacy"
    tensor_file = cache_file.with_suffix(".tensors.npy") if cache_file is not None else None
    if cache_file is not None and cache_file.exists() and tensor_file.exists():
        docs = list(DocBin().from_disk(cache_file).get_docs(nlp.vocab))
        tensors = numpy.load(tensor_file)
        at = 0
        for doc in docs:  # DocBin keeps no tensors: they are cached beside it
            doc.tensor = tensors[at:at + len(doc)].astype("float32")
            at += len(doc)
        log(f"read {len(docs)} parsed articles from {cache_file}")
    else:
        docs = []
        for n, doc in enumerate(nlp.pipe((r.text for r in repaired), batch_size=32)):
            docs.append(doc)
            if n % 100 == 99:
                log(f"parsed {n + 1}/{len(gold)} articles")
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            DocBin(store_user_data=False, docs=docs).to_disk(cache_file)
            numpy.save(tensor_file, numpy.concatenate([d.tensor for d in docs]).astype("float16"))
    return [Example(doc, quotes_mask(doc), token_spans(doc, r), g["attributions"], g["text"], str(g["id"]))
            for g, r, doc in zip(gold, repaired, docs)]


def token_sets(ex: Example, spans: list[list[int]]) -> set[int]:
    out = set()
    for s, e in spans:
        for i, (ts, te) in enumerate(ex.tok_spans):
            if ts < e and te > s:
                out.add(i)
    return out


def _instances(examples: Iterable[Example], cue_model: LinearModel | None):
    cue_X, cue_y, con_X, con_y, src_X, src_y = [], [], [], [], [], []
    for ex in examples:
        doc, qmask = ex.doc, ex.qmask
        quote_spans = quote_token_spans(doc, qmask)
        golds = []
        for a in ex.gold:
            golds.append((token_sets(ex, a["cue"]), token_sets(ex, a["content"]), token_sets(ex, a["source"])))
        cue_tokens = set().union(*(g[0] for g in golds)) if golds else set()
        for tok in doc:
            if not is_cue_candidate(tok):
                continue
            feats = cue_features(tok, qmask)
            cue_X.append(feats)
            cue_y.append(int(tok.i in cue_tokens))
            if cue_model is None or tok.i not in cue_tokens:
                continue
            p_cue = cue_model.probability(feats)
            mine = [g for g in golds if tok.i in g[0]]
            content = set().union(*(g[1] for g in mine))
            for region in content_regions(tok, qmask, quote_spans):
                inside = sum(1 for i in region.tokens if i in content)
                con_X.append(content_features(tok, region, qmask, p_cue))
                con_y.append(int(inside * 2 >= len(region.tokens)))
            source = set().union(*(g[2] for g in mine))
            for cand in source_candidates(tok):
                src_X.append(source_features(tok, cand))
                src_y.append(int(bool(source & set(cand.tokens))))
    return (cue_X, cue_y), (con_X, con_y), (src_X, src_y)


def fit(name: str, X: list[list[str]], y: list[int], C: float) -> LinearModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    M = vec.fit_transform([{f: 1 for f in feats} for feats in X]).tocsr()
    M.indices = M.indices.astype("int32")  # liblinear takes 32-bit sparse indices only
    M.indptr = M.indptr.astype("int32")
    clf = LogisticRegression(C=C, max_iter=2000, solver="liblinear", random_state=0)
    clf.fit(M, y)
    weights = {f: float(w) for f, w in zip(vec.get_feature_names_out(), clf.coef_[0])}
    return LinearModel(name, weights, float(clf.intercept_[0]))


def predict_spans(ex: Example, models: dict[str, LinearModel]) -> dict:
    found = find_attributions(ex.doc, ex.qmask, models)

    def chars(toks: list[int]) -> list[list[int]]:
        return [list(sp) for sp in char_spans(ex.text, ex.tok_spans, toks)]

    return {"id": ex.id, "attributions": [
        {"source": chars(a.source), "cue": chars(a.cue), "content": chars(a.content)} for a in found]}


def train(examples: list[Example], *, holdout: float = 0.1, seed: int = 13,
          log=print) -> tuple[dict[str, LinearModel], dict]:
    """Fit the three scorers; tune thresholds on a held-out slice of the training articles."""
    from saidwhat.learn.scoring import score

    order = sorted(examples, key=lambda e: hashlib.sha1(e.id.encode()).hexdigest())
    random.Random(seed).shuffle(order)
    n_hold = max(1, int(len(order) * holdout))
    hold, fit_set = order[:n_hold], order[n_hold:]
    (cX, cy), _, _ = _instances(fit_set, None)
    log(f"cue instances: {len(cy)} ({sum(cy)} positive)")
    cue = fit("cue", cX, cy, C=0.5)
    _, (nX, ny), (sX, sy) = _instances(fit_set, cue)
    log(f"content instances: {len(ny)} ({sum(ny)} positive); source: {len(sy)} ({sum(sy)} positive)")
    content = fit("content", nX, ny, C=0.5)
    source = fit("source", sX, sy, C=0.5)
    models = {"cue": cue, "content": content, "source": source}

    gold = [{"id": e.id, "text": e.text, "attributions": e.gold} for e in hold]

    def f1_with(tc: float, tn: float, ts: float) -> float:
        ms = {"cue": LinearModel("cue", cue.weights, cue.bias, tc),
              "content": LinearModel("content", content.weights, content.bias, tn),
              "source": LinearModel("source", source.weights, source.bias, ts)}
        preds = [predict_spans(e, ms) for e in hold]
        m = score(gold, preds)["metrics"]
        return m["full_f1"] + m["attribution_f1"]

    best = (0.5, 0.5, 0.3)
    best_val = f1_with(*best)
    for axis, grid in ((0, (0.3, 0.35, 0.4, 0.45, 0.5, 0.55)), (1, (0.3, 0.4, 0.5, 0.6)),
                       (2, (0.1, 0.2, 0.3, 0.4)), (0, (0.3, 0.35, 0.4, 0.45, 0.5))):
        for v in grid:
            cand = list(best)
            cand[axis] = v
            val = f1_with(*cand)
            if val > best_val:
                best, best_val = tuple(cand), val
        log(f"thresholds {best}: holdout attribution_f1+full_f1 = {best_val:.4f}")
    tc, tn, ts = best
    models = {"cue": LinearModel("cue", cue.weights, cue.bias, tc),
              "content": LinearModel("content", content.weights, content.bias, tn),
              "source": LinearModel("source", source.weights, source.bias, ts)}
    meta = {"trained_on_articles": len(fit_set), "holdout_articles": len(hold),
            "thresholds": {"cue": tc, "content": tn, "source": ts},
            "holdout_f1_sum": round(best_val, 4)}
    return models, meta


def save(models: dict[str, LinearModel], meta: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    save_models(out, models, meta)


if __name__ == "__main__":  # pragma: no cover - use `saidwhat train`
    sys.exit("use: saidwhat train --gold train.jsonl")
