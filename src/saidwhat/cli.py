"""The ``saidwhat`` command line. User errors are one line on stderr and a documented exit code."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from . import __version__
from .errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, SaidwhatError
from .formats import FORMATS

EXIT_CODES_HELP = """exit codes: 0 ok; 1 finished, but some inputs failed; 2 usage error;
3 no input could be processed; 4 internal error (a bug: please report it)"""


def _err(msg: str) -> None:
    print(f"saidwhat: error {msg}", file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from .extraction import Failure, Pipeline
    from .formats import write
    from .inputs import read_inputs

    pipeline = Pipeline(max_chars=args.max_chars)
    failures = 0
    successes = 0

    def records():
        nonlocal failures, successes
        for item in pipeline.pipe(read_inputs(args.paths, args.max_chars)):
            if isinstance(item, Failure):
                failures += 1
                _err(f"{item.reason} [{item.article_id}]")
                continue
            successes += 1
            yield item

    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        write(records(), args.format, out)
    finally:
        if args.output:
            out.close()
    if failures and not successes:
        return EXIT_INPUT
    return EXIT_PARTIAL if failures else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from .extraction import Article, Pipeline, Record
    from .scoring import format_table, read_jsonl, score

    gold = read_jsonl(args.gold)
    pipeline = Pipeline()
    articles = [Article(id=str(g["id"]), text=g["text"], title=g.get("title"),
                        published=g.get("published") or g.get("date")) for g in gold]
    preds = []
    for item in pipeline.pipe(articles):
        if isinstance(item, Record):
            preds.append(item.to_spans())
        else:
            _err(f"{item.reason} [{item.article_id}]")
    if args.pred_out:
        Path(args.pred_out).write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    by = args.by if args.by and any(args.by in g for g in gold) else None
    result = score(gold, preds, by=by)
    print(json.dumps(result, indent=2) if args.json else format_table(result, by))
    failed = [f"{k}={result['metrics'][k]:.4f} < {v}" for k, v in (m.split("=") for m in args.min)
              if result["metrics"].get(k, 0.0) < float(v)]
    for line in failed:
        print(f"FAIL {line}", file=sys.stderr)
    return EXIT_PARTIAL if failed else EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise SaidwhatError("E011", "scikit-learn (needed for training): pip install 'saidwhat[train]'")
    from .train import DEFAULT_WEIGHTS, load_examples, save, train

    examples = load_examples(args.gold, log=lambda m: print(m, file=sys.stderr), cache=args.cache)
    models, meta = train(examples, log=lambda m: print(m, file=sys.stderr))
    meta["gold"] = Path(args.gold).name
    out = Path(args.out) if args.out else DEFAULT_WEIGHTS
    save(models, meta, out)
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


SUBCOMMAND_MODULES = (
    ("ingest", ("ingest", "status", "export"), "ingest"),
    ("web.serve", ("serve",), "web"),
    ("relate", ("relate",), "model"),
    ("spark_job", ("spark",), "spark"),
    ("crossref_cli", ("speakers", "said", "disputes", "claims", "link"), "store"),
)


def _needs_extra(extra: str, why: str):
    def handler(args: argparse.Namespace) -> int:
        raise SaidwhatError("E011", f"this command's dependencies ({why}); "
                                    f"install them with pip install 'saidwhat[{extra}]'")
    return handler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="saidwhat", description="Who said what in news text.",
                                     epilog=EXIT_CODES_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"saidwhat {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract attributions from text or JSONL files (or - for stdin)",
                        epilog=EXIT_CODES_HELP)
    ex.add_argument("paths", nargs="+", help="plain-text or .jsonl files; - reads stdin")
    ex.add_argument("--format", choices=FORMATS, default="table",
                    help="table (for a person), json, jsonl (DESIGN.md record), spans (evaluation), "
                         "csv (a row per attribution)")
    ex.add_argument("-o", "--output", help="write to FILE instead of stdout")
    ex.add_argument("--max-chars", type=int, default=2_000_000, help="refuse longer documents")
    ex.set_defaults(func=cmd_extract)

    ev = sub.add_parser("eval", help="score the tool's own predictions against a gold JSONL file")
    ev.add_argument("--gold", required=True)
    ev.add_argument("--by", default="publisher", help="per-value breakdown on a gold field")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--pred-out", help="also write the predictions (spans format) to FILE")
    ev.add_argument("--min", action="append", default=[], metavar="METRIC=FLOOR",
                    help="exit 1 if a metric is below its floor; repeatable")
    ev.set_defaults(func=cmd_eval)

    tr = sub.add_parser("train", help="learn the attribution scorers from annotated JSONL")
    tr.add_argument("--gold", required=True, help="training articles with attributions (e.g. PolNeAR train)")
    tr.add_argument("--out", help="weights file (default: the packaged weights)")
    tr.add_argument("--cache", help="directory to keep parsed articles in between runs")
    tr.set_defaults(func=cmd_train)

    # Subcommands of the other layers; each module registers its own (an optional extra that is
    # not installed leaves a subcommand that says what to install).
    for module_name, commands, extra in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"saidwhat.{module_name}")
        except ImportError as exc:
            for command in commands:
                missing = sub.add_parser(command, help=f"(needs: pip install 'saidwhat[{extra}]')")
                missing.set_defaults(func=_needs_extra(extra, str(exc)))
            continue
        module.add_subcommands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SaidwhatError as exc:
        _err(str(exc))
        return EXIT_INPUT if exc.code in ("E001", "E002", "E003", "E004", "E005", "E006", "E009") else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug, not a user error: one line, and the code says so
        _err(f"internal error: {exc.__class__.__name__}: {exc} (please report this with the input)")
        if "--debug" in (argv or sys.argv):
            raise
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
