"""The tuned numbers of the scorer, in one frozen value passed to it (not module globals).

The defaults are the values the rules were tuned with on the dev half of
``eval/relate-pairs.jsonl``; change one by passing ``Thresholds(support_overlap=0.6)`` to
:func:`saidwhat.relate.scoring.compare` or :func:`saidwhat.relate.api.relate_many`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Strengths of each dispute signal, the overlaps each label needs, and the score shape."""

    # strength of each kind of evidence for ``disputes`` (the score of the strongest one found)
    negation: float = 0.9
    antonym: float = 0.85
    number: float = 0.8
    date: float = 0.75
    role_swap: float = 0.75
    denial: float = 0.6
    # mean content coverage needed
    support_overlap: float = 0.5  # from which two statements say the same thing
    confirmed_overlap: float = 0.35  # ... when one of them confirms, corroborates or agrees
    paraphrase_overlap: float = 0.75  # ... even when no predicate lines up (the parse may differ)
    dispute_min_overlap: float = 0.35  # below this even a contradiction signal is about something else
    denial_max_words: int = 15  # content words of a denial that may dispute a claim it does not restate
    # adjustments of a signal's strength
    paraphrased_agent: float = 0.15  # taken off when the agents differ in wording only ("army" / "troops")
    denial_anchor: float = 0.1  # added to a denial for each of: shared things, its target, its speaker
    # the score of a label
    max_score: float = 0.99
    extra_signal: float = 0.03  # disputes: for each signal beyond the strongest
    dispute_overlap: float = 0.05  # disputes: times the overlap
    support_base: float = 0.45  # supports: base, plus support_weight times the overlap
    support_weight: float = 0.5
    support_cue: float = 0.1  # supports: when a predication lines up or one side confirms
    quantity_weight: float = 0.6  # the content weight of a number in the overlap

    def strength(self, kind: str) -> float:
        """The strength of a signal kind ("negation", "role-swap", …)."""
        return getattr(self, kind.replace("-", "_"))


DEFAULT = Thresholds()
