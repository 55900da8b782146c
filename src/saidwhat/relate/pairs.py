"""The shapes a statement pair comes in: tuples and dicts in Python, JSON lines on the command line."""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

Pair = tuple[str, str, str | None, str | None]  # (a, b, a_speaker, b_speaker)


def as_pair(p: Any) -> Pair:
    """``(a, b)``, ``(a, b, a_speaker, b_speaker)`` or a dict with ``a``, ``b`` (and speakers)."""
    if isinstance(p, dict):
        return p["a"], p["b"], p.get("a_speaker"), p.get("b_speaker")
    p = tuple(p)
    if len(p) == 2:
        return p[0], p[1], None, None
    if len(p) == 4:
        return p[0], p[1], p[2], p[3]
    raise ValueError("a pair is (a, b), (a, b, a_speaker, b_speaker) or a dict with 'a' and 'b'")


def read_pairs(lines: Iterable[str]) -> Iterator[tuple[int, dict | str]]:
    """(line number, pair dict) or (line number, error message) for each non-blank line of
    ``saidwhat relate --pairs FILE``: one bad line is reported, not fatal."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, f"not JSON ({exc.msg})"
            continue
        if not isinstance(obj, dict):
            yield n, "expected a JSON object"
            continue
        missing = [k for k in ("id", "a", "b") if k not in obj]
        if missing:
            yield n, "missing " + ", ".join(repr(k) for k in missing)
            continue
        bad = [k for k in ("a", "b") if not isinstance(obj[k], str) or not obj[k].strip()]
        bad += [k for k in ("a_speaker", "b_speaker") if obj.get(k) is not None and not isinstance(obj[k], str)]
        if bad or not isinstance(obj["id"], (str, int)):
            yield n, "bad " + ", ".join(repr(k) for k in bad or ["id"])
            continue
        yield n, obj
