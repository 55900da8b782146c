"""Inputs of ``saidwhat extract``: plain-text files, JSONL files (one article a line), stdin.

A JSONL line carries ``id`` and ``text`` and optionally ``title``, ``url``, ``published`` (or
``date``); gold evaluation files are valid input. Every unusable unit becomes a
:class:`~saidwhat.extraction.Failure` with a coded reason, and the other units go on.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterator

from .errors import SaidwhatError
from .extraction import Failure, article_id
from .record import Article
from .validate import decode


def _jsonl(data: str, where: str) -> Iterator[Article | Failure]:
    for n, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        unit = f"{where}:{n}"
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError("needs an object with a string 'text'")
        except ValueError as exc:
            yield Failure(unit, "E007", str(SaidwhatError("E007", f"{unit}: {str(exc)[:80]}")))
            continue
        text = obj["text"]
        yield Article(id=str(obj.get("id") or article_id(text, obj.get("url"))), text=text,
                      title=obj.get("title"), url=obj.get("url"),
                      published=obj.get("published") or obj.get("date"))


def read_inputs(paths: list[str]) -> Iterator[Article | Failure]:
    """Articles from each path (``-`` is stdin), in order."""
    for p in paths:
        if p == "-":
            where, raw = "<stdin>", sys.stdin.buffer.read()
        else:
            path = Path(p)
            where = p
            if not path.is_file():
                yield Failure(p, "E006", str(SaidwhatError("E006", p)))
                continue
            try:
                raw = path.read_bytes()
            except OSError as exc:
                yield Failure(p, "E011", str(SaidwhatError("E011", f"{p} ({exc.strerror})")))
                continue
        try:
            data = decode(raw, where)
        except SaidwhatError as exc:
            yield Failure(where, exc.code, str(exc))
            continue
        looks_jsonl = p.endswith((".jsonl", ".ndjson")) or (p == "-" and data.lstrip().startswith("{"))
        if looks_jsonl:
            yield from _jsonl(data, where)
        else:
            stem = "stdin" if p == "-" else Path(p).stem
            yield Article(id=stem, text=data)
