"""``saidwhat ingest``, ``status`` and ``export``: a corpus into a store, and back out."""
from __future__ import annotations

import argparse
import json
from typing import Any

from saidwhat.cli.console import note
from saidwhat.cli.options import add_db, add_engine, add_format, add_output, command, extractor_spec
from saidwhat.errors import EXIT_OK, SaidwhatError

EXIT_INTERRUPTED = 130
STORE = ("store", ("duckdb",))
INGEST = ("ingest", ("duckdb", "trafilatura", "warcio"))


def register(sub: Any) -> None:
    p = command(sub, "ingest", cmd_ingest, "read pages, archives and text into a store (parallel, resumable)",
                "Read HTML (.html, .html.gz), WARC (.warc, .warc.gz), JSONL (.jsonl, .jsonl.gz) and text "
                "files, directories (recursively), globs or - (stdin) into a DuckDB store. Run the same "
                "command again after a crash to finish the job.", needs=INGEST)
    add_ingest_arguments(p)

    p = command(sub, "status", cmd_status, "summarise a store: articles, units, reasons", needs=STORE)
    add_db(p)
    p.add_argument("--show", choices=("failed", "skipped", "ok"),
                   help="also list the units with this status and their reasons")
    p.add_argument("--limit", type=int, default=50, help="how many units --show lists")
    add_format(p, ("table", "json"), "table")

    from saidwhat.store.export import FORMATS
    p = command(sub, "export", cmd_export, "write a store's tables to Parquet, JSONL or CSV",
                "Write every table of a store to DIR/<table>.<ext> (same columns in every format) and "
                "DIR/schema.json.", needs=STORE)
    add_db(p)
    add_format(p, tuple(FORMATS), "parquet", "file format (default parquet)")
    add_output(p, "DIR", required=True, help="directory to write into")
    p.add_argument("--core-only", action="store_true",
                   help="leave out the cross-article tables (entities, claims, cross_relations)")


def add_reading_options(parser: argparse.ArgumentParser) -> None:
    """The reading policy (:class:`saidwhat.readers.Options`) as options; ``ingest`` and ``spark``."""
    from saidwhat.readers import Options

    o = Options()
    parser.add_argument("--languages", default=",".join(o.languages),
                        help="languages to keep, comma-separated, or 'any' (default en)")
    parser.add_argument("--min-chars", type=int, default=o.min_chars,
                        help=f"skip HTML whose main text is shorter (default {o.min_chars})")
    parser.add_argument("--max-bytes", type=int, default=o.max_bytes,
                        help=f"skip pages and files larger than this (default {o.max_bytes:,})")
    parser.add_argument("--max-chars", type=int, default=o.max_chars,
                        help=f"skip articles longer than this (default {o.max_chars:,})")


def reading_options(args: argparse.Namespace, code: str):
    """:class:`saidwhat.readers.Options` from :func:`add_reading_options` (error ``code`` if bad)."""
    from saidwhat.readers import Options

    languages = tuple(x.strip() for x in str(args.languages).split(",") if x.strip())
    if languages in (("any",), ("*",)):
        languages = ()
    if min(args.max_bytes, args.max_chars, args.min_chars + 1) < 1:
        raise SaidwhatError(code, "--max-bytes and --max-chars must be positive")
    return Options(min_chars=args.min_chars, max_bytes=args.max_bytes, max_chars=args.max_chars,
                   languages=languages)


def add_ingest_arguments(parser: argparse.ArgumentParser) -> None:
    from saidwhat.batch.ingest import DEFAULT_EXTRACTOR, Settings

    parser.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, globs, or -")
    add_db(parser)
    parser.add_argument("--parquet", metavar="DIR",
                        help="make the store from a Spark run's (or an export's) Parquet files")
    parser.add_argument("--view", action="store_true",
                        help="with --parquet: views over the files, nothing copied (read-only)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes, one model each (default 1; 0 = in this process)")
    add_reading_options(parser)
    parser.add_argument("--timeout", type=float, default=Settings.timeout,
                        help="seconds a chunk of documents may take before its worker is killed")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-link", action="store_true",
                        help="leave the cross-article layer for a later `saidwhat link`")
    parser.add_argument("--chunk", type=int, default=Settings.chunk, help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=Settings.batch, help=argparse.SUPPRESS)
    parser.add_argument("--extractor", default=DEFAULT_EXTRACTOR, help=argparse.SUPPRESS)
    add_engine(parser)


def settings_from(args: argparse.Namespace):
    from saidwhat.batch.ingest import Settings

    options = reading_options(args, "E108")
    if min(args.workers + 1, args.chunk, args.batch) < 1:
        raise SaidwhatError("E108", "--workers, --chunk and --batch must be positive")
    return Settings(workers=args.workers, chunk=args.chunk, batch=args.batch, timeout=args.timeout,
                    progress=False if args.no_progress or getattr(args, "quiet", False) else None, extractor=extractor_spec(args),
                    options=options, link=not args.no_link)


def cmd_ingest(args: argparse.Namespace) -> int:
    """0 all units ok or skipped, 1 some failed, 130 interrupted (resume by running it again)."""
    if args.parquet:
        from saidwhat.store.parquet import attach_parquet

        counts = attach_parquet(args.db, args.parquet, mode="view" if args.view else "import")
        note(f"{counts} -> {args.db}")
        return EXIT_OK
    if not args.paths:
        raise SaidwhatError("E108", "give one or more PATHs (or --parquet DIR)")
    from saidwhat.batch.ingest import run

    report = run(list(args.paths), args.db, settings_from(args))
    note(f"{report.line()} -> {args.db}")
    if report.interrupted:
        note("interrupted; run the same command again to resume")
        return EXIT_INTERRUPTED
    if report.failed:
        note(f"see the failures with `saidwhat status --db {args.db} --show failed`")
    return report.exit_code


def cmd_status(args: argparse.Namespace) -> int:
    from saidwhat.store import open_store

    with open_store(args.db, read_only=True, create=False) as store:
        info = store.summary()
        listed = store.units(args.show, args.limit) if args.show else []
    if args.format == "json":
        info["listed"] = listed
        print(json.dumps(info, indent=2, default=str))
        return EXIT_OK
    print(format_summary(info))
    for unit, reason in listed:
        print(f"  {unit}  {reason or ''}".rstrip())
    return EXIT_OK


def format_summary(info: dict[str, Any]) -> str:
    """The store summary for a person."""
    t, u = info["tables"], info["units"]
    lines = [
        f"store     {info['db']} (schema {info['schema_version']}, {info['bytes'] / 1e6:.1f} MB)",
        f"articles  {t['articles']:,}  attributions {t['attributions']:,}  speakers "
        f"{t['speakers']:,}  unattributed {t['unattributed']:,}  relations {t['relations']:,}",
        f"units     {sum(u.values()):,}: ok {u['ok']:,}, skipped {u['skipped']:,}, "
        f"failed {u['failed']:,}",
    ]
    for status in ("skipped", "failed"):
        if info["reasons"][status]:
            lines.append(f"{status:9} " + ", ".join(f"{tag} {n:,}" for tag, n in info["reasons"][status]))
    first, last = info["published"]
    if first:
        lines.append(f"published {first} .. {last}")
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    from saidwhat.store.export import export

    written = export(args.db, args.format, args.output, derived=not args.core_only)
    for path in written.values():
        print(path)
    return EXIT_OK
