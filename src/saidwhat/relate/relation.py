"""What the detector returns: a label, a score and the evidence for it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

# ``contradicts`` is no label of this detector: a dispute is ``disputes``.
LABELS = ("disputes", "supports", "unrelated")


@dataclass(frozen=True)
class Relation:
    """The relation of statement ``b`` to statement ``a``.

    ``evidence`` is a tuple of ``{"a": [[s, e], …], "b": [[s, e], …], "why": str}``: character spans
    in each text and the reason; the strongest first.
    """

    label: str
    score: float
    evidence: tuple[dict, ...] = ()

    def to_dict(self) -> dict:
        return {"label": self.label, "score": round(self.score, 3),
                "evidence": [dict(e) for e in self.evidence]}


def evidence(a_spans: Iterable[tuple[int, int]], b_spans: Iterable[tuple[int, int]], why: str) -> dict:
    """One piece of evidence in the shape :class:`Relation` carries (lists, so it is JSON as is)."""
    return {"a": [list(s) for s in a_spans], "b": [list(s) for s in b_spans], "why": why}
