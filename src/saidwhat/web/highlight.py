"""Article text as HTML with every role of every attribution marked, built from character offsets.

The text is cut at every span boundary into segments; each segment is escaped on its own and, when
some span covers it, wrapped in ``<span class="m r-ROLE ..." data-ROLE="a1 a3" ...>`` naming every
attribution (or unattributed claim) whose ROLE covers it. Roles may nest or overlap (a source
inside another attribution's content): a segment carries all of them, and the stylesheet decides
which colour shows. Nothing from the store reaches the page unescaped: text pieces and attribute
values go through ``markupsafe.escape``.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from markupsafe import Markup, escape

# role -> data attribute / class suffix. "when" is the said_on expression, "un" an unattributed claim.
ROLES = ("source", "cue", "content", "channel", "when", "un")
RECORD_ROLES = (("source", "source"), ("cue", "cue"), ("content", "content"), ("channel", "channel"))


def _key(value: Any) -> tuple[int, str]:
    text = str(value)
    return (len(text), text)


def marks_for(attributions: Iterable[dict[str, Any]],
              unattributed: Iterable[dict[str, Any]] = ()) -> list[tuple[int, int, str, str]]:
    """(start, end, role, key) for every span of a record-shaped article (see queries.article)."""
    marks: list[tuple[int, int, str, str]] = []
    for a in attributions:
        key = str(a.get("id"))
        for field, role in RECORD_ROLES:
            part = a.get(field)
            for span in (part or {}).get("spans") or ():
                marks.append((span[0], span[1], role, key))
        for span in (a.get("said_on") or {}).get("spans") or ():
            marks.append((span[0], span[1], "when", key))
    for i, u in enumerate(unattributed):
        key = str(u.get("n", i))
        for span in u.get("spans") or ():
            marks.append((span[0], span[1], "un", key))
    return marks


def segments(text: str, marks: Iterable[tuple[int, int, str, str]]) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """The text cut at every mark boundary: (piece, {role: [keys covering the piece]})."""
    n = len(text)
    starts: dict[int, list[tuple[str, str]]] = {}
    ends: dict[int, list[tuple[str, str]]] = {}
    points = {0, n}
    for start, end, role, key in marks:
        try:
            s, e = max(0, min(n, int(start))), max(0, min(n, int(end)))
        except (TypeError, ValueError):
            continue
        if e <= s or role not in ROLES:
            continue
        starts.setdefault(s, []).append((role, key))
        ends.setdefault(e, []).append((role, key))
        points.update((s, e))
    active: dict[tuple[str, str], int] = {}
    bounds = sorted(points)
    for a, b in zip(bounds, bounds[1:]):
        for item in ends.get(a, ()):
            active[item] -= 1
            if not active[item]:
                del active[item]
        for item in starts.get(a, ()):
            active[item] = active.get(item, 0) + 1
        roles: dict[str, list[str]] = {}
        for role, key in active:
            roles.setdefault(role, []).append(key)
        for keys in roles.values():
            keys.sort(key=_key)
        yield text[a:b], roles


def highlight(text: str, marks: Iterable[tuple[int, int, str, str]]) -> Markup:
    """The escaped, marked-up HTML of ``text`` (to be shown in a ``white-space: pre-wrap`` box)."""
    out: list[str] = []
    for piece, roles in segments(text, marks):
        if not roles:
            out.append(str(escape(piece)))
            continue
        classes = " ".join(f"r-{r}" for r in ROLES if r in roles)
        data = "".join(f' data-{r}="{escape(" ".join(roles[r]))}"' for r in ROLES if r in roles)
        focus = ' tabindex="0"' if "cue" in roles or "source" in roles else ""
        out.append(f'<span class="m {classes}"{data}{focus}>{escape(piece)}</span>')
    return Markup("".join(out))
