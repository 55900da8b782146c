"""Numbers a statement asserts: value, unit, what is measured and the interval a hedge allows.

Scores, ratios and ranges ("2-1", "47 percent to 44 percent") are left out: they are not one
value of one thing, and reading them as such makes false disputes.
"""
from __future__ import annotations

import math
import re
from typing import Callable

from saidwhat.relate.keys import key_of
from saidwhat.relate.parts import Pred, Quantity
from saidwhat.relate.words import CURRENCY, HEDGES, NUMBER_WORDS, PERCENT, SCALES

# What a hedge does to the value v: the interval (lo, hi) it allows.
_INTERVALS: dict[str, Callable[[float], tuple[float, float]]] = {
    "ge": lambda v: (v, math.inf), "le": lambda v: (0.0, v), "near": lambda v: (0.85 * v, v),
    "approx": lambda v: (0.85 * v, 1.15 * v)}


def is_num(t) -> bool:
    low = t.lower_
    if low in ("one",) and t.pos_ != "NUM":
        return False
    return t.like_num or low in NUMBER_WORDS or low in SCALES and t.pos_ == "NUM" or bool(
        re.fullmatch(r"\d[\d,]*(\.\d+)?", t.text))


def value(group) -> float | None:
    """The value of a run of number tokens ("3 million", "twenty five"), None if one is no number."""
    total, cur = 0.0, None
    for t in group:
        low = t.lower_.replace(",", "")
        if low in SCALES:
            cur = (cur if cur is not None else 1.0) * SCALES[low]
            if SCALES[low] >= 1000:
                total += cur
                cur = None
            continue
        if re.fullmatch(r"\d+(\.\d+)?", low):
            v = float(low)
        elif low in NUMBER_WORDS:
            v = float(NUMBER_WORDS[low])
        else:
            return None
        cur = (cur or 0.0) + v
    return total + (cur or 0.0)


def paired(doc, group) -> bool:
    """Is this number one side of "X (percent) to Y": a ratio, a score or a poll margin?
    ("from 5 percent to 7 percent" is a change: its end value stands.)"""
    units = set(PERCENT) | {"points", "point"}
    j = group.end
    if j < len(doc) and doc[j].lower_ in units:
        j += 1
    if j + 1 < len(doc) and doc[j].lower_ == "to" and is_num(doc[j + 1]):
        return not any(t.lower_ == "from" for t in doc[max(0, group.start - 3):group.start])
    k = group.start - 1
    if k >= 1 and doc[k].lower_ == "to":
        k -= 1
        if doc[k].lower_ in units and k >= 1:
            k -= 1
        if is_num(doc[k]):
            return not any(t.lower_ == "from" for t in doc[max(0, k - 4):k])
    return False


def _number_groups(doc, frame: set[int]):
    """Runs of number tokens outside dates and the frame, without scores and ranges."""
    i, n = 0, len(doc)
    while i < n:
        t = doc[i]
        if not is_num(t) or t.ent_type_ in ("DATE", "TIME", "ORDINAL") or t.i in frame:
            i += 1
            continue
        j = i
        while j + 1 < n and is_num(doc[j + 1]) and doc[j + 1].ent_type_ not in ("DATE", "TIME"):
            j += 1
        group = doc[i:j + 1]
        i = j + 1
        if group.start > 0 and doc[group.start - 1].text in ("-", "–") or (
                group.end < n and doc[group.end].text in ("-", "–")):
            continue  # scores "2-1", ranges
        yield group


def _is_reference(doc, group) -> bool:
    """A value compared with, or the start of a change, is not what the statement asserts."""
    prev = [x.lower_ for x in doc[max(0, group.start - 3):group.start] if x.text not in CURRENCY]
    return bool(prev) and (prev[-1] in ("from", "versus", "vs", "vs.") or prev[-2:] in (
        ["compared", "to"], ["compared", "with"]) or (prev[-1] == "than" and prev[-2:-1] not in (
            ["more"], ["less"], ["fewer"], ["higher"], ["lower"])))


def _unit_and_measured(doc, group, clause_of: Callable) -> tuple[str, list[str]]:
    """The unit (currency, percent, the counted noun, else "#" and the verb) and what is measured."""
    n = len(doc)
    last = group[-1]
    unit = ""
    for x in doc[max(0, group.start - 2):group.end + 1]:
        if x.text in CURRENCY or x.lower_ in CURRENCY:
            unit = CURRENCY.get(x.text, CURRENCY.get(x.lower_, ""))
    measured: list[str] = []
    head = last.head if last.dep_ in ("nummod", "quantmod", "compound", "npadvmod", "appos") else None
    nxt = doc[group.end] if group.end < n else None
    if not unit and nxt is not None and (nxt.text in PERCENT or nxt.lower_ in PERCENT):
        unit = "percent"
    if not unit and head is not None and head.pos_ in ("NOUN", "PROPN") and head.i >= group.end:
        unit = CURRENCY.get(head.lemma_.lower(), key_of(head))
    # what is measured: "40 centimetres [of snow]", "22% [of Democratic claims]"
    for u in {last, nxt, head} - {None}:
        for prep in u.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                measured += [key_of(x) for p in prep.children if p.dep_ == "pobj" for x in p.subtree
                             if x.pos_ in ("NOUN", "PROPN", "ADJ") and not x.is_stop]
    if not unit:
        h = clause_of(last)
        unit = "#" + (key_of(h) if h.pos_ == "VERB" else "?")
    return unit, measured


def find_quantities(doc, frame: set[int], clause_of: Callable, preds: list[Pred]) -> list[Quantity]:
    """Every asserted number of the text, tied to the predication of its clause (the last one there)."""
    by_clause = {p.clause: p for p in preds}
    out: list[Quantity] = []
    for group in _number_groups(doc, frame):
        v = value(group)
        if v is None:
            continue
        last = group[-1]
        before = " ".join(x.lower_ for x in doc[max(0, group.start - 3):group.start])
        if paired(doc, group):
            continue  # ratios and scores: "a 2 to 1 margin", "47 percent to 44 percent"
        reference = _is_reference(doc, group)
        unit, measured = _unit_and_measured(doc, group, clause_of)
        pred = by_clause.get(clause_of(last).i)
        lo, hi = v, v
        for phrase, kind in HEDGES:
            if before.endswith(phrase):
                lo, hi = _INTERVALS[kind](v)
        out.append(Quantity(v, lo, hi, unit, tuple(measured), pred,
                            (group[0].idx, last.idx + len(last.text)), reference))
    return out
