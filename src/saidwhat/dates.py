"""When a statement was made: resolve "on Sunday", "Dec. 21", "yesterday" against publication.

Each result says how sure it is: ``exact`` (a full date in the text), ``inferred`` (computed from
the publication date: weekdays, "yesterday", a day without a year), ``unknown`` (an expression we
keep but cannot place, or no publication date to anchor it). Never a silent guess.

Does not handle: ranges ("between Monday and Wednesday"), fiscal/quarter expressions, times of day.
"""
from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?(?:,?\s+(\d{4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")  # also inside timestamps (…T10:00Z)
MONTH_WORDS = {name: i + 1 for i, names in enumerate([
    "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
    "august aug", "september sep sept", "october oct", "november nov", "december dec"])
    for name in names.split()}


def parse_published(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = _ISO.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _month(word: str) -> int | None:
    """A month from its name or abbreviation only ("Dec", "Sept", "December"; not "decades")."""
    return MONTH_WORDS.get(word.lower())


def _md(month: int, day: int, year: int | None, published: dt.date | None) -> tuple[str | None, str]:
    if year is not None:
        try:
            return dt.date(year, month, day).isoformat(), "exact"
        except ValueError:
            return None, "unknown"
    if published is None:
        return None, "unknown"
    # The year that puts the day nearest before publication, or at most a week after it
    # ("Dec. 21" in a January article is last December; "Jan. 2" on Dec. 30 is next January).
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    allowed = [d for d in candidates if d <= published + dt.timedelta(days=7)]
    if not allowed:
        return None, "unknown"
    return max(allowed).isoformat(), "inferred"


def resolve(expression: str, published: dt.date | None) -> tuple[str | None, str]:
    """``(ISO date or None, certainty)`` for a time expression relative to ``published``."""
    low = expression.lower()
    m = _ISO.search(expression)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat(), "exact"
        except ValueError:
            return None, "unknown"
    for rx, order in ((_MONTH_DAY, "md"), (_DAY_MONTH, "dm")):
        m = rx.search(expression)
        if m:
            month = _month(m[1] if order == "md" else m[2])
            if month:
                day = int(m[2] if order == "md" else m[1])
                return _md(month, day, int(m[3]) if m[3] else None, published)
    if published is None:
        return None, "unknown"
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", low):
            back = (published.weekday() - i) % 7
            if "last " + name in low and back == 0:
                back = 7
            return (published - dt.timedelta(days=back)).isoformat(), "inferred"
    if re.search(r"\byesterday\b", low):
        return (published - dt.timedelta(days=1)).isoformat(), "inferred"
    if re.search(r"\b(today|this (morning|afternoon|evening)|tonight)\b", low):
        return published.isoformat(), "inferred"
    return None, "unknown"


TIME_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
    r"this (?:morning|afternoon|evening|week|month)|last (?:week|month|year|night)|"
    r"earlier this (?:week|month|year)|january|february|march|april|june|july|august|september|"
    r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|may(?= \d))\b|"
    r"\b\d{4}-\d{2}-\d{2}", re.IGNORECASE)
