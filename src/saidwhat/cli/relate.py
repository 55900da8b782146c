"""``saidwhat relate``: label statement pairs read from JSONL (disputes / supports / unrelated)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from saidwhat.cli.console import error
from saidwhat.cli.options import add_output, command
from saidwhat.errors import EXIT_INPUT, EXIT_OK, EXIT_PARTIAL, SaidwhatError

CHUNK = 1000  # pairs analysed together
CACHE_LIMIT = 100_000  # statements kept analysed between chunks


def register(sub: Any) -> None:
    p = command(sub, "relate", cmd_relate, "label statement pairs: disputes / supports / unrelated",
                "Read JSONL lines {\"id\", \"a\", \"b\"} (optional a_speaker, b_speaker, a_cue, b_cue, "
                "a_stance, b_stance) and write one line per pair: {\"id\", \"label\", \"score\", "
                "\"evidence\"}; each evidence item has its reason in words (\"why\") and what it rests "
                "on (\"kind\").")
    p.add_argument("--pairs", required=True, metavar="FILE", help="JSONL file of pairs; - reads stdin")
    p.add_argument("--rules", action="store_true",
                   help="the rule scorer alone, without the pair model (fewer disputes and supports on long "
                        "real-news statements, far fewer on headlines)")
    add_output(p)


def _open(path: str) -> TextIO:
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except FileNotFoundError:
        raise SaidwhatError("E006", path) from None
    except OSError as exc:
        raise SaidwhatError("E011", f"{path} ({exc.__class__.__name__})") from None


def cmd_relate(args: argparse.Namespace, nlp: Any = None) -> int:
    from saidwhat.relate import read_pairs, relate_many

    src = _open(args.pairs)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    failed = done = 0
    cache: dict = {}
    chunk: list[dict] = []

    def flush() -> None:
        nonlocal done
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        for obj, rel in zip(chunk, relate_many(chunk, nlp=nlp, cache=cache, model=None if args.rules else "default")):
            out.write(json.dumps({"id": obj["id"], **rel.to_dict()}, ensure_ascii=False) + "\n")
            done += 1
        chunk.clear()

    try:
        try:
            for n, obj in read_pairs(src):
                if isinstance(obj, str):
                    failed += 1
                    error(SaidwhatError("E007", f"{n}: {obj}"))
                    continue
                chunk.append(obj)
                if len(chunk) >= CHUNK:
                    flush()
        except UnicodeDecodeError as exc:
            failed += 1
            error(SaidwhatError("E003", f"{args.pairs}: {exc.reason}"))
        flush()
    finally:
        if args.output:
            out.close()
        if src is not sys.stdin:
            src.close()
    if failed and not done:
        return EXIT_INPUT
    return EXIT_PARTIAL if failed else EXIT_OK
