"""``saidwhat speakers|said|disputes|claims|link``: the cross-article layer on the command line.

Registered by :func:`register`. Every query prints ``--format table``
(for a person), ``json`` (a list of objects, the rows of :mod:`saidwhat.crossref.queries`) or ``csv``
(a header and one line per row; lists joined with "; ").
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from typing import Any, Callable, TextIO

from saidwhat.cli.console import note
from saidwhat.cli.options import add_db, add_format, command

STORE = ("store", ("duckdb", "datasketch"))  # what the commands import (datasketch: linking)

FORMATS = ("table", "json", "csv")

# Columns shown per command (json always has every field).
COLUMNS = {
    "speakers": ["id", "name", "type", "attributions", "articles", "share", "first", "last", "aliases"],
    "said": ["date", "date_basis", "entity", "speaker_as_written", "role", "cue", "content", "title",
             "site", "url", "article_id", "attribution_id"],
    "disputes": ["type", "score", "from_speaker", "from_said", "from_date", "to_speaker", "to_said",
                 "to_date", "cross_article", "why", "article_id_from", "attribution_from",
                 "article_id_to", "attribution_to"],
    "claims": ["id", "n_articles", "n_members", "first_published", "first_title", "first_site", "text",
               "speakers", "sites", "first_article_id"],
}
TABLE_COLUMNS = {
    "speakers": ["name", "type", "attributions", "articles", "share", "first", "last", "aliases"],
    "said": ["date", "date_basis", "entity", "role", "cue", "content", "title", "url"],
    "disputes": ["type", "score", "from_speaker", "from_said", "to_speaker", "to_said", "why"],
    "claims": ["id", "n_articles", "first_published", "first_title", "text", "speakers"],
}
WIDTH = {"content": 70, "from_said": 50, "to_said": 50, "text": 70, "title": 30, "first_title": 30,
         "aliases": 40, "speakers": 40, "why": 40, "name": 32, "from_speaker": 24, "to_speaker": 24,
         "entity": 24, "role": 16, "cue": 20, "url": 40}
SHRINKABLE = ("content", "from_said", "to_said", "text", "why", "title", "first_title", "url", "aliases",
              "speakers")  # the columns that give way, widest first, when a table is wider than the terminal


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).split())


def _fit(widths: list[int], columns: list[str], room: int) -> list[int]:
    """Column widths that fit ``room`` characters, taken from the free-text columns first."""
    widths = list(widths)
    over = sum(widths) + 2 * (len(widths) - 1) - room
    floors = [12 if c in SHRINKABLE else w for c, w in zip(columns, widths)]  # first pass: free text only
    for _ in range(2):
        while over > 0:
            k = max((i for i in range(len(columns)) if widths[i] > floors[i]), key=lambda i: widths[i],
                    default=None)
            if k is None:
                break
            cut = min(over, widths[k] - floors[k])
            widths[k] -= cut
            over -= cut
        floors = [max(6, len(c)) for c in columns]  # second pass: every column, down to its header
    return widths


def write_rows(rows: list[dict[str, Any]], fmt: str, command: str, out: TextIO, wide: bool = False,
               room: int | None = None) -> None:
    """Rows as json, csv or an aligned table. A table cuts long cells (``…``) unless ``wide``,
    and fits ``room`` columns where given (the terminal's width when stdout is one)."""
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False, default=str)
        out.write("\n")
        return
    if fmt == "csv":
        columns = COLUMNS[command]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return
    columns = TABLE_COLUMNS[command]
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    if not wide:
        widths = [min(w, max(len(c), WIDTH.get(c, 40))) for w, c in zip(widths, columns)]
        if room:
            widths = _fit(widths, columns, room)
        cells = [[v if len(v) <= w else v[:w - 1] + "…" for v, w in zip(line, widths)] for line in cells]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    for line in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() + "\n")
    if not rows:
        out.write("(nothing)\n")


def _note_pending(db: str) -> None:
    from saidwhat.crossref import queries

    n = queries.pending(db)
    if n:
        note(f"{n:,} stored articles are not linked yet; run `saidwhat link --db {db}`")


def _run(command: str, query: Callable[[argparse.Namespace], list[dict[str, Any]]]) -> Callable:
    def main(args: argparse.Namespace) -> int:
        rows = query(args)
        room = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        write_rows(rows, args.format, command, sys.stdout, wide=getattr(args, "wide", False), room=room)
        _note_pending(args.db)
        return 0

    return main


def _speakers(args: argparse.Namespace) -> list[dict[str, Any]]:
    from saidwhat.crossref import queries
    return queries.speakers(args.db, limit=args.limit, type=args.type)


def _said(args: argparse.Namespace) -> list[dict[str, Any]]:
    from saidwhat.crossref import queries
    rows = queries.said(args.db, args.by, about=args.about)
    if not rows:
        note(f"nothing found said by {args.by!r}" + (f" about {args.about!r}" if args.about else ""))
    return rows


def _disputes(args: argparse.Namespace) -> list[dict[str, Any]]:
    from saidwhat.crossref import queries
    types = ("disputes", "denies", "supports") if args.supports else ("disputes", "denies")
    return queries.disputes(args.db, about=args.about, types=types, cross_only=args.cross_article)


def _claims(args: argparse.Namespace) -> list[dict[str, Any]]:
    from saidwhat.crossref import queries
    return queries.claims(args.db, about=args.about, min_articles=args.min_articles)


def _common(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    add_format(parser, FORMATS, "table")
    parser.add_argument("--wide", action="store_true",
                        help="table: every cell in full (by default long cells are cut to fit the terminal)")


def register(sub: Any) -> None:
    """``speakers``, ``said``, ``disputes``, ``claims`` and ``link``."""
    p = command(sub, "speakers", _run("speakers", _speakers),
                "entities by how often they are quoted, and the anonymous share",
                "Entities (people, organisations, countries) with counts of attributions and "
                "articles, and the share of anonymous sources.", needs=STORE)
    _common(p)
    p.add_argument("--limit", type=int, help="at most this many entities")
    p.add_argument("--type", choices=("person", "organization", "country", "group", "unknown"),
                   help="only entities of this type")

    p = command(sub, "said", _run("said", _said), "a timeline of what one entity said, with dates and sources",
                "What one entity said, oldest first. The date is when it was said (said_on) where "
                "the text tells, else the article's publication date; date_basis says which.", needs=STORE)
    _common(p)
    p.add_argument("--by", required=True, metavar="NAME", help="a name or alias (\"Chang\", \"MKO\")")
    p.add_argument("--about", metavar="TEXT", help="only statements containing every word of TEXT")

    p = command(sub, "disputes", _run("disputes", _disputes),
                "statements that dispute each other, within and across articles",
                "Pairs of attributions where one disputes (or denies) the other, strongest first, "
                "with the detector's evidence.", needs=STORE)
    _common(p)
    p.add_argument("--about", metavar="TEXT", help="only pairs whose statements or speakers contain every word")
    p.add_argument("--supports", action="store_true", help="list supporting pairs too")
    p.add_argument("--cross-article", action="store_true", help="only pairs from two different articles")

    p = command(sub, "claims", _run("claims", _claims),
                "statements reported by several articles (reprints, wire copy)",
                "Groups of near-identical statements across articles, with the first article that "
                "carried each.", needs=STORE)
    _common(p)
    p.add_argument("--about", metavar="TEXT", help="only claims containing every word of TEXT")
    p.add_argument("--min-articles", type=int, default=2, help="at least this many articles (default 2)")

    p = command(sub, "link", cmd_link, "(re)compute entities, claims and relations across articles",
                "Link the articles of a store that are not linked yet: entities, claims and "
                "relations, incrementally.", needs=STORE)
    add_db(p)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--aliases", metavar="FILE",
                       help="user alias file (TOML: [[merge]] and [[split]]); kept in the store for later runs")
    group.add_argument("--no-aliases", dest="aliases", action="store_const", const="",
                       help="forget the alias rules kept in the store")
    p.add_argument("--full", action="store_true", help="drop the cross-article layer and recompute it all")
    add_format(p, ("table", "json"), "table", "table: one line on stderr; json: what was done, on stdout")
    p.add_argument("-v", "--verbose", action="store_true", help="report each stage on stderr")


def cmd_link(args: argparse.Namespace) -> int:
    """``saidwhat link --db FILE [--aliases FILE] [--full]``."""
    from saidwhat.crossref import update
    from saidwhat.store import open_store

    with open_store(args.db, create=False) as store:
        report = update(store.con, aliases=args.aliases, full=args.full, log=note if args.verbose else None)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        note(f"{report.line()} -> {args.db}")
    return 0
