"""The learned tagger at run time: int8 ONNX graph, ``onnxruntime`` on the CPU, ``tokenizers``.

No torch. The model directory (``engine/weights/encoder`` by default, made by ``saidwhat train
--encoder``) holds ``tagger.onnx``, ``tokenizer.json`` and ``tagger.json`` (vocabularies, labels,
provenance). Each word of the Doc is tagged through its first wordpiece, so every span is a
run of spaCy tokens and maps back to exact characters of the input.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy
from spacy.tokens import Doc

from saidwhat.engine.tagging import FEATURES, LABELS, Encoded, TaggedSpan, encode, spans_of, viterbi
from saidwhat.engine.runtime import modules, session
from saidwhat.errors import SaidwhatError

DEFAULT_ENCODER = Path(__file__).parent / "weights" / "encoder"
BATCH = 16


class Encoder:
    """Loads once; :meth:`tag` gives the role spans of one parsed Doc."""

    def __init__(self, path: str | Path | None = None, threads: int = 1):
        self.path = Path(path) if path else DEFAULT_ENCODER
        onnxruntime, Tokenizer = modules("the learned engine", "pip install saidwhat, or run with --engine fast")
        try:
            meta = json.loads((self.path / "tagger.json").read_text(encoding="utf-8"))
            if tuple(meta["labels"]) != LABELS or tuple(meta["features"]) != FEATURES:
                raise ValueError("labels or features differ from this version's")
            self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
            self.tokenizer.no_padding()  # words are encoded one by one, windows padded here
            self.tokenizer.no_truncation()
            self.session = session(onnxruntime, self.path / "tagger.onnx", threads)
        except Exception as exc:  # onnxruntime raises its own classes for a damaged graph
            raise SaidwhatError("E017", f"{self.path} ({exc.__class__.__name__})") from None
        self.meta = meta
        self.max_pieces = int(meta["max_pieces"])
        # per-label offsets chosen on held-out training articles (learn.encoder.tune_bias)
        self.bias = numpy.array(meta.get("bias") or [0.0] * len(LABELS), dtype=numpy.float32)
        self.index = [{v: k for k, v in enumerate(meta["vocabs"][name])} for name in FEATURES]
        self.pad = self.tokenizer.token_to_id("[PAD]")

    def __reduce__(self):  # a process pool gets the path and loads its own session
        return (Encoder, (self.path,))

    def tag(self, doc: Doc, qmask: list[int], limit: int | None = None) -> list[TaggedSpan]:
        """Role spans (source, cue, content) over the words of ``doc`` before token ``limit``."""
        rows = encode(doc, qmask, self.tokenizer, self.index, self.max_pieces, limit)
        out: list[TaggedSpan] = []
        order = sorted(range(len(rows)), key=lambda k: len(rows[k].ids))  # similar lengths, less padding
        for at in range(0, len(order), BATCH):
            chunk = [rows[k] for k in order[at:at + BATCH]]
            logp = self._log_probs(chunk)
            for b, row in enumerate(chunk):
                lp = logp[b, row.firsts]
                path = viterbi(lp + self.bias)
                probs = numpy.exp(lp[numpy.arange(len(path)), path])
                out.extend(spans_of(row.words, path, probs))
        return sorted(out, key=lambda s: (s.start, s.end))

    def _log_probs(self, chunk: list[Encoded]) -> numpy.ndarray:
        n = max(len(r.ids) for r in chunk)
        ids = numpy.full((len(chunk), n), self.pad, dtype=numpy.int64)
        mask = numpy.zeros((len(chunk), n), dtype=numpy.int64)
        feats = numpy.zeros((len(chunk), n, len(FEATURES)), dtype=numpy.int64)
        for b, row in enumerate(chunk):
            ids[b, :len(row.ids)] = row.ids
            mask[b, :len(row.ids)] = 1
            feats[b, :len(row.ids)] = row.feats
        logits = self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask, "feats": feats})[0]
        logits = logits - logits.max(-1, keepdims=True)
        return logits - numpy.log(numpy.exp(logits).sum(-1, keepdims=True))
