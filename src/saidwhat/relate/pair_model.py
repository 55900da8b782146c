"""The learned pair model: a multinomial logistic regression over :mod:`pair_features`, whose
weights ship as JSON (``relate/weights/pairs.json``, made by ``saidwhat train --model pairs``).

A logistic regression, not a fine-tuned cross-encoder, because it measured as well here on real
news pairs and every weight is a named feature: the reason of a relation is the features that
pushed it there, in words. The sentence encoder's part is the cosine of the two statements.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy

from saidwhat.errors import SaidwhatError
from saidwhat.relate.pair_features import NAMES
from saidwhat.relate.relation import LABELS

DEFAULT_PAIRS = Path(__file__).parent / "weights" / "pairs.json"


class PairModel:
    """``probabilities(X)`` for rows of features; labels in the order of :data:`LABELS`."""

    def __init__(self, weights: numpy.ndarray, meta: dict | None = None):
        self.weights = numpy.asarray(weights, dtype=numpy.float32)  # (len(LABELS), len(NAMES))
        self.meta = meta or {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PairModel":
        path = Path(path) if path else DEFAULT_PAIRS
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if tuple(doc["labels"]) != LABELS or tuple(doc["features"]) != NAMES:
                raise ValueError("labels or features differ from this version's")
            weights = numpy.array([[doc["weights"][lab][n] for n in NAMES] for lab in LABELS])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SaidwhatError("E020", f"{path} ({exc.__class__.__name__})") from None
        return cls(weights, {k: v for k, v in doc.items() if k != "weights"})

    def save(self, path: str | Path) -> None:
        doc = {**self.meta, "labels": list(LABELS), "features": list(NAMES),
               "weights": {lab: {n: round(float(w), 5) for n, w in zip(NAMES, row)}
                           for lab, row in zip(LABELS, self.weights)}}
        Path(path).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")

    def probabilities(self, X: numpy.ndarray) -> numpy.ndarray:
        z = numpy.atleast_2d(X) @ self.weights.T
        z -= z.max(axis=1, keepdims=True)
        e = numpy.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def contributions(self, x: numpy.ndarray, label: str) -> list[tuple[str, float]]:
        """The features that pushed ``x`` towards ``label`` against the other labels, largest first."""
        k = LABELS.index(label)
        others = numpy.delete(self.weights, k, axis=0).mean(axis=0)
        push = (self.weights[k] - others) * x
        order = numpy.argsort(-push)
        return [(NAMES[i], float(push[i])) for i in order if push[i] > 0 and NAMES[i] != "bias"]


def fit(X: numpy.ndarray, y: numpy.ndarray, sample_weight: numpy.ndarray | None = None, l2: float = 1e-3,
        steps: int = 3000, rate: float = 0.05, seed: int = 13) -> numpy.ndarray:
    """Weights of a softmax regression by full-batch Adam (deterministic for a given seed)."""
    rng = numpy.random.default_rng(seed)
    n, f = X.shape
    k = len(LABELS)
    w = rng.normal(0, 0.01, size=(k, f))
    sw = numpy.ones(n) if sample_weight is None else numpy.asarray(sample_weight, dtype=float)
    sw = sw / sw.sum()
    Y = numpy.eye(k)[y]
    m = numpy.zeros_like(w)
    v = numpy.zeros_like(w)
    for t in range(1, steps + 1):
        z = X @ w.T
        z -= z.max(axis=1, keepdims=True)
        p = numpy.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = ((p - Y) * sw[:, None]).T @ X + l2 * numpy.where(numpy.arange(f) == 0, 0.0, 1.0) * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= rate * (m / (1 - 0.9 ** t)) / (numpy.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w
