"""The reason of a pair model's decision in words, with the spans it rests on.

The features that pushed the pair towards its label (largest first) are turned into sentences a
reader can check against the two texts: "b calls it false ('not true')", "one side negates it
('did NOT say')", the rule detector's own reasons ("negation of shared predicate 'granted'"), and
how close the two are in meaning. Nothing here changes the label.
"""
from __future__ import annotations

from saidwhat.relate.relation import Relation, evidence
from saidwhat.relate.surface import Surface

MAX_REASONS = 4


def _quote(text: str, spans: list[tuple[int, int]]) -> str:
    return ", ".join(f"'{text[s:e]}'" for s, e in spans[:2])


def _kind(e: dict, kind: str) -> dict:
    e["kind"] = kind
    return e


def _one_sided(kind: str, sa: Surface, sb: Surface, a: str, b: str, verb: str,
               names: tuple[str, str]) -> dict | None:
    """Evidence for a word kind found on one side only ("the police call it false ('hoax')")."""
    spans_a, spans_b = getattr(sa, kind), getattr(sb, kind)
    if bool(spans_a) == bool(spans_b):
        return None
    side, text, spans = (1, b, spans_b) if spans_b else (0, a, spans_a)
    return evidence(spans_a if side == 0 else [], spans_b if side == 1 else [],
                    f"{names[side]} {verb} {_quote(text, spans)}")


def _similarity(cosine: float) -> str:
    if cosine >= 0.8:
        return f"nearly the same meaning (similarity {cosine:.2f})"
    if cosine >= 0.55:
        return f"about the same thing (similarity {cosine:.2f})"
    return f"little shared meaning (similarity {cosine:.2f})"


def explain(label: str, rule: Relation, sa: Surface, sb: Surface, a: str, b: str,
            pushed: list[tuple[str, float]], cosine: float,
            names: tuple[str | None, str | None] = (None, None)) -> tuple[dict, ...]:
    """Evidence for ``label``, strongest first: ``{"a": spans, "b": spans, "why": words, "kind": …}``;
    ``kind`` says what it rests on: ``rule`` (the rule detector's signal), ``falsity``, ``denial``,
    ``negation`` (a word on one side; ``…, terse`` when that side is short), ``denial cue``,
    ``similarity``."""
    who = (names[0] or "a", names[1] or "b")  # the speakers, else the sides
    out: list[dict] = []
    if rule.label == label:
        out.extend(_kind(dict(e), "rule") for e in rule.evidence)
    if label == "disputes":
        names = [n for n, _ in pushed]
        for kind, feature, verb in (("falsity", "falsity one side", "calls it false:"),
                                    ("denial", "denial one side", "denies it:"),
                                    ("negation", "negation one side", "says the opposite:")):
            terse = feature + ", terse" in names
            if feature in names or terse:
                if found := _one_sided(kind, sa, sb, a, b, verb, who):
                    out.append(_kind(found, kind + (", terse" if terse else "")))
        if "denial cue one side" in names or "denial cue one side, terse" in names:
            out.append(_kind(evidence([], [], "one speaker denies what the other says (the reporting verb)"),
                             "denial cue"))
    out.append(_kind(evidence([], [], _similarity(cosine)), "similarity"))
    seen, kept = set(), []
    for e in out:
        if e["why"] not in seen:
            seen.add(e["why"])
            kept.append(e)
    return tuple(kept[:MAX_REASONS])
