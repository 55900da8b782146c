"""SQL pieces and value shaping shared by every query module: the speaker label, the statement
date, literal text patterns, one page of a list, and DuckDB values made JSON-ready.

Kept apart from the connection so the query modules agree on one definition of each.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from saidwhat.lexicon import words


# The speaker label: a name, else "role, affiliation", else the source as written. Speakers are
# per article in the store; across articles the web app groups them by this label (case-blind)
# unless the cross-article ``entities`` tables say better.
def label_sql(s: str = "s", t: str = "t") -> str:
    return (f"coalesce(nullif(trim({s}.name), ''), nullif(concat_ws(', ', nullif(trim({s}.role), ''), "
            f"nullif(trim({s}.affiliation), '')), ''), nullif(trim({t}.source_text), ''))")


LABEL = label_sql()
# Labels that never name anyone ("I", "You", "they"): kept out of the speakers list.
PRONOUN_SQL = "(" + ", ".join(f"'{w}'" for w in sorted(words("pronouns") | {"a", "an", "the"})) + ")"


def label_of(speaker: dict[str, Any], source_text: str | None) -> str | None:
    """LABEL, in Python: the name, else "role, affiliation", else the source as written."""
    def clean(v: Any) -> str:
        return v.strip() if isinstance(v, str) else ""
    if clean(speaker.get("name")):
        return clean(speaker.get("name"))
    both = ", ".join(x for x in (clean(speaker.get("role")), clean(speaker.get("affiliation"))) if x)
    return both or clean(source_text) or None
# When a statement was made: its resolved said_on date when it is a full date, else publication.
WHEN = "coalesce(try_cast(t.said_on_date AS DATE), a.published)"
ORDER_ATTR = "length(t.id), t.id"
KEYS = "memory.main.sw_attr"  # the in-memory lookup table of every attribution (see keys.py)


def literal_pattern(text: str) -> str:
    """A case-blind RE2 pattern matching ``text`` literally (for regexp_matches)."""
    return "(?i)" + "".join(ch if ch.isalnum() or ch == " " else f"\\x{{{ord(ch):x}}}" for ch in text)


@dataclass
class Page:
    """One page of a list: its items, how many there are in all, and where the page starts."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "total": self.total, "limit": self.limit,
                "offset": self.offset, **self.extra}


def plain(value: Any) -> Any:
    """A DuckDB value as JSON-ready Python: dates as ISO strings, no NaN, lists and dicts deep."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    return str(value)


def natural(key: Any) -> tuple[int, str]:
    """Sort key for ids like a2 < a10."""
    text = "" if key is None else str(key)
    return (len(text), text)
