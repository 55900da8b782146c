"""The shapes a statement pair comes in: tuples and dicts in Python, JSON lines on the command line."""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, NamedTuple


class Pair(NamedTuple):
    """Two statements, who said each, and how (the reporting verb, or the engine's cue stance)."""

    a: str
    b: str
    a_speaker: str | None = None
    b_speaker: str | None = None
    a_cue: str | None = None
    b_cue: str | None = None
    a_stance: str | None = None
    b_stance: str | None = None
    a_vector: Any = None  # the statement's embedding when the caller has it (a store keeps them)
    b_vector: Any = None


def as_pair(p: Any) -> Pair:
    """``(a, b)``, ``(a, b, a_speaker, b_speaker)`` or a dict with ``a``, ``b`` and any of the other
    fields of :class:`Pair`."""
    if isinstance(p, dict):
        return Pair(p["a"], p["b"], *(p.get(k) for k in Pair._fields[2:]))
    p = tuple(p)
    if len(p) in (2, 4):
        return Pair(*p)
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
        bad += [k for k in Pair._fields[2:8]
                if obj.get(k) is not None and not isinstance(obj[k], str)]
        if bad or not isinstance(obj["id"], (str, int)):
            yield n, "bad " + ", ".join(repr(k) for k in bad or ["id"])
            continue
        yield n, obj
