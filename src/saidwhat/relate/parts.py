"""The parts of an analysed statement: content words, predications, quantities, the statement.

Kept apart from the analyser so that matching and scoring can name these types without importing
the parse code.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    """A content word: its matching key, weight and place in the text."""

    i: int
    key: str
    pos: str
    weight: float
    span: tuple[int, int]
    text: str
    mods: frozenset[str] = frozenset()  # keys of its modifiers: "Democratic" in "Democratic claims"


@dataclass
class Pred:
    """A predication: predicate word, polarity and arguments (content items)."""

    item: Item
    pol: int
    clause: int
    subj: list[Item]
    obj: list[Item]
    obl: list[Item]
    neg: list[tuple[int, int]]  # spans of what made it negative (not, no, denied, refused, false …)
    dates: list[tuple[str, int, tuple[int, int]]] = field(default_factory=list)  # (type, value, span)
    when: list[frozenset[str]] = field(default_factory=list)  # time words of its dates ({"last", "week"})
    irrealis: bool = False  # not asserted: "reasons to release", "in order to pass", "if it rises"
    stance: int = 0  # +1 "voted for", "argued in favour of"; -1 "voted against"; 0 neither

    @property
    def args(self) -> list[Item]:
        return self.subj + self.obj + self.obl


@dataclass(frozen=True)
class Quantity:
    """A number the statement asserts, as an interval (hedges widen it) with its unit."""

    value: float
    lo: float
    hi: float
    unit: str
    measured: tuple[str, ...]  # what is measured ("snow" in "40 centimetres of snow")
    pred: Pred | None
    span: tuple[int, int]
    reference: bool = False  # "compared to 11%", "from 5%": a value for comparison, not the claim


@dataclass
class Statement:
    """One text, analysed once; compare two with :func:`saidwhat.relate.scoring.compare`."""

    text: str
    content: list[Item]
    preds: list[Pred]
    quantities: list[Quantity]
    speaker_keys: set[str]  # frame subjects ("his agent") and the given speaker
    denials: list[tuple[tuple[int, int], set[str]]]  # generic denials: (span, keys of the target)
    denies: bool  # any denial in the statement (clausal or generic)
    confirms: list[tuple[int, int]]
    positive_claim: bool  # its main content predicate is affirmative
    negations: int = 0  # negation words, content and frame alike ("not", "no", "never", "did not confirm")
