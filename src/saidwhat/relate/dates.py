"""Dates of predications: the year, month and weekday a clause names, and its time words.

Two statements about the same event on different dates dispute; two dated to different times
("for the winter" / "in September") are about different occasions.
"""
from __future__ import annotations

import re
from typing import Callable

from saidwhat.relate.keys import span
from saidwhat.relate.parts import Pred
from saidwhat.relate.words import MONTHS, TEMPORAL, WEEKDAYS


def _values(ent) -> list[tuple[str, int, tuple[int, int]]]:
    """(type, value, span) of each year, month and weekday in a date entity."""
    vals = []
    for t in ent:
        low = t.lower_.rstrip(".")
        if re.fullmatch(r"1[5-9]\d\d|20\d\d", t.text):
            vals.append(("year", int(t.text), span(t)))
        elif low in MONTHS and (low != "may" or t.pos_ == "PROPN"):
            vals.append(("month", MONTHS[low], span(t)))
        elif low in WEEKDAYS:
            vals.append(("weekday", WEEKDAYS[low], span(t)))
    return vals


def attach_dates(doc, preds: list[Pred], clause_of: Callable) -> None:
    """Give each predication the dates of its clause (in place)."""
    by_clause: dict[int, list[Pred]] = {}
    for p in preds:
        by_clause.setdefault(p.clause, []).append(p)
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        h = clause_of(ent.root)
        vals = _values(ent)
        when = frozenset(t.lower_.rstrip(".") for t in ent
                         if t.lower_.rstrip(".") in TEMPORAL or t.lower_.rstrip(".") in MONTHS
                         or t.lower_ in WEEKDAYS or t.text.isdigit())
        for p in by_clause.get(h.i, []):
            p.dates.extend(vals)
            if when:
                p.when.append(when)
