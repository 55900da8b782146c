"""A sparse linear (logistic) scorer over string features, stored as plain JSON.

Training uses scikit-learn (``saidwhat train``, extra ``[train]``); inference needs only this
module: a dictionary lookup per feature. Weights ship in ``saidwhat/weights`` as gzipped JSON, so
they are inspectable, diffable and safe to load (no pickle).
"""
from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class LinearModel:
    name: str
    weights: dict[str, float]
    bias: float
    threshold: float = 0.5

    def probability(self, features: Iterable[str]) -> float:
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in features)
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict:
        return {"name": self.name, "bias": self.bias, "threshold": self.threshold,
                "weights": {k: round(v, 5) for k, v in self.weights.items() if abs(v) >= 1e-4}}

    @classmethod
    def from_json(cls, data: dict) -> "LinearModel":
        return cls(data["name"], dict(data["weights"]), float(data["bias"]),
                   float(data.get("threshold", 0.5)))


def save_models(path: Path, models: dict[str, LinearModel], meta: dict) -> None:
    payload = {"meta": meta, "models": {k: m.to_json() for k, m in models.items()}}
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh, sort_keys=True)


def load_models(path: Path) -> tuple[dict[str, LinearModel], dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        payload = json.load(fh)
    return {k: LinearModel.from_json(v) for k, v in payload["models"].items()}, payload["meta"]
