"""When a statement was made: resolve "on Sunday", "Dec. 21", "yesterday" against publication.

Each result says how sure it is: ``exact`` (a full date in the text), ``inferred`` (computed from
the publication date: weekdays, "yesterday", a day without a year), ``unknown`` (an expression we
keep but cannot place, or no publication date to anchor it). Never a silent guess.

Does not handle: ranges ("between Monday and Wednesday"), fiscal/quarter expressions, times of day.
"""
from __future__ import annotations

import datetime as dt
import re

from saidwhat.errors import SaidwhatError
from saidwhat.lexicon import entries, table

WEEKDAYS = list(entries("weekdays"))  # Monday first: the index is the weekday number
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?(?:,?\s+(\d{4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")  # also inside timestamps (…T10:00Z)
MONTH_WORDS = {name: int(number) for name, number in table("months").items()}


def parse_published(value: str | None) -> dt.date | None:
    """The date of a publication stamp ("2008-12-29", "2008-12-29T10:00:00Z"), else None."""
    if not value or not isinstance(value, str):
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


def _time_words() -> re.Pattern[str]:
    """Whether an entity names a time (weekday, month, "yesterday", "last week") or an ISO date.

    "may" counts only before a number ("May 5"), never the verb."""
    months = [m for m in MONTH_WORDS if m != "may"]
    words = [*WEEKDAYS, *entries("time_phrases"), *months]
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"\b(?:{alternatives}|may(?= \d))\b|\b\d{{4}}-\d{{2}}-\d{{2}}", re.IGNORECASE)


TIME_WORDS = _time_words()


def checked_published(value: object) -> str | None:
    """``value`` if it is a publication date (or None); a clear error (E015) if it is not.

    For dates a person typed (``saidwhat.extract(published=…)``, ``extract --published``): a
    date that cannot anchor "said on Sunday" is refused rather than silently ignored."""
    if value is None:
        return None
    if not isinstance(value, str) or parse_published(value) is None:
        raise SaidwhatError("E015", repr(value))
    return value
