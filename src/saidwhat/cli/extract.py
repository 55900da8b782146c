"""``saidwhat extract``, ``eval`` and ``train``: one article (or many) through the engine."""
from __future__ import annotations

import argparse
import os
import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from saidwhat.cli.console import error, note
from saidwhat.cli.formats import FORMATS, write
from saidwhat.cli.options import add_engine, add_format, add_output, command
from saidwhat.learn.settings import EncoderSettings
from saidwhat.errors import EXIT_INPUT, EXIT_OK, EXIT_PARTIAL, SaidwhatError
from saidwhat.record import Article
from saidwhat.text.dates import checked_published
from saidwhat.text.validate import DEFAULT_MAX_CHARS


def register(sub: Any) -> None:
    ex = command(sub, "extract", cmd_extract,
                 "extract attributions from text, JSONL, HTML or WARC files (or - for stdin)",
                 "Extract attributions. Inputs: plain text; .jsonl/.json files with one article object a "
                 "line ({\"text\": …, optional \"id\", \"title\", \"url\", \"published\"}); with the "
                 "html extra, HTML pages, WARC archives, .gz files, folders and globs.")
    ex.add_argument("paths", nargs="*", help="files, folders or globs; - (or nothing, with a pipe) reads stdin")
    add_format(ex, FORMATS, "table", "table (for a person), json, jsonl (the record), spans "
                                     "(evaluation), csv (a row per attribution)")
    add_output(ex)
    ex.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="refuse longer documents")
    ex.add_argument("--title", help="the headline, for inputs that do not carry one (plain text)")
    ex.add_argument("--url", help="the address, for inputs that do not carry one")
    ex.add_argument("--published", metavar="YYYY-MM-DD",
                    help="the publication date, which 'said on Sunday' resolves against, for inputs without one")
    ex.add_argument("--bom", action="store_true", help="with --format csv: a UTF-8 byte order mark, for spreadsheets")
    add_engine(ex)

    ev = command(sub, "eval", cmd_eval, "score the tool's own predictions against a gold JSONL file")
    ev.add_argument("--gold", required=True)
    ev.add_argument("--by", default="publisher", help="per-value breakdown on a gold field")
    add_format(ev, ("table", "json"), "table")
    ev.add_argument("--pred-out", help="also write the predictions (spans format) to FILE")
    ev.add_argument("--min", action="append", default=[], metavar="METRIC=FLOOR",
                    help="exit 1 if a metric is below its floor; repeatable")
    add_engine(ev)

    tr = command(sub, "train", cmd_train, "learn an engine's model from annotated JSONL (PolNeAR train)",
                 "Learn a model. --engine learned (default) fine-tunes the encoder tagger and "
                 "writes a directory (tagger.onnx, tokenizer.json, tagger.json); about 10 minutes an epoch "
                 "on 2 CPU cores. --engine fast fits the linear scorers into one weights file (minutes). "
                 "--model embedder exports the statement embedder (a minute); --model pairs fits the "
                 "dispute/support pair model from --shared (Perspectrum) and the pair sets in eval/ "
                 "(about 2 minutes). A fixed seed and a held-out slice of the training articles (never "
                 "dev) make the result reproducible.", needs=("train", ("sklearn", "torch", "transformers", "onnx")))
    tr.add_argument("--gold", help="training articles with attributions (e.g. PolNeAR train); the engines' models")
    tr.add_argument("--model", choices=("engine", "embedder", "pairs"), default="engine",
                    help="what to make: the engine's model (default), the statement embedder, the pair model")
    tr.add_argument("--shared", help="--model pairs: the shared folder (Perspectrum, PolNeAR for the real pairs)")
    add_output(tr, "PATH", help="where to write (default: the packaged model of that engine)")
    tr.add_argument("--cache", help="directory to keep parsed articles in between runs")
    tr.add_argument("--engine", choices=("learned", "fast"), default="learned", help="which engine's model")
    tr.add_argument("--epochs", type=int, default=EncoderSettings.epochs, help="learned engine: passes over the data")
    tr.add_argument("--seed", type=int, default=EncoderSettings.seed, help="learned engine: random seed")


class FailureReport:
    """One error line per bad input, not per line: the failed lines of one file in a row (a
    pretty-printed .json read as JSON lines fails on every line) are counted in one line."""

    def __init__(self) -> None:
        self.first = None
        self.more = 0

    @staticmethod
    def _file(failure) -> str:
        return re.sub(r":(?:line=)?\d+$", "", failure.article_id)  # "x.jsonl:line=7", "<stdin>:7"

    def add(self, failure) -> None:
        if self.first is not None and failure.code == self.first.code and self._file(failure) == self._file(self.first):
            self.more += 1
            return
        self.flush()
        self.first = failure

    def flush(self) -> None:
        if self.first is None:
            return
        tail = ""
        if self.more:
            tail = (f" (and {self.more:,} more lines of {self._file(self.first)} like it: JSONL needs one "
                    f"article object per line; see `saidwhat extract --help`)")
        error(f"{self.first.reason} [{self.first.article_id}]{tail}")
        self.first, self.more = None, 0


def _paths(args: argparse.Namespace) -> list[str]:
    """The inputs; none given reads a pipe (as ripgrep and httpie do), never a terminal."""
    if args.paths:
        return list(args.paths)
    if sys.stdin is None or sys.stdin.isatty():
        raise SaidwhatError("E016", "give one or more files, folders or globs, or - for stdin")
    return ["-"]


def _with_defaults(items, args: argparse.Namespace):
    """Each article with the title, URL and date given on the command line where it has none."""
    for item in items:
        if isinstance(item, Article):
            item = replace(item, title=item.title or args.title, url=item.url or args.url,
                           published=item.published or args.published)
        yield item


def cmd_extract(args: argparse.Namespace) -> int:
    from saidwhat.engine.extraction import Failure, Pipeline
    from saidwhat.readers.inputs import read_inputs

    checked_published(args.published)
    paths = _paths(args)
    pipeline = Pipeline(max_chars=args.max_chars, engine=args.engine)
    failures = successes = 0

    report = FailureReport()

    def records():
        nonlocal failures, successes
        for item in pipeline.pipe(_with_defaults(read_inputs(paths, args.max_chars), args)):
            if isinstance(item, Failure):
                failures += 1
                report.add(item)
                continue
            report.flush()
            successes += 1
            yield item
        report.flush()

    encoding = "utf-8-sig" if args.bom and args.format == "csv" else "utf-8"
    out = open(args.output, "w", encoding=encoding, newline="" if args.format == "csv" else None) \
        if args.output else sys.stdout
    if args.bom and args.format == "csv" and not args.output:
        out.write("\ufeff")
    try:
        write(records(), args.format, out)
    finally:
        if args.output:
            out.close()
    if failures and not successes:
        return EXIT_INPUT
    return EXIT_PARTIAL if failures else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from saidwhat.engine.extraction import Pipeline
    from saidwhat.learn.scoring import format_table, read_jsonl, score
    from saidwhat.record import Record

    gold = read_jsonl(args.gold)
    preds = []
    for item in Pipeline(engine=args.engine).pipe(Article.from_json(g) for g in gold):
        if isinstance(item, Record):
            preds.append(item.to_spans())
        else:
            error(f"{item.reason} [{item.article_id}]")
    if args.pred_out:
        Path(args.pred_out).write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    by = args.by if args.by and any(args.by in g for g in gold) else None
    result = score(gold, preds, by=by)
    print(json.dumps(result, indent=2) if args.format == "json" else format_table(result, by))
    failed = [f"{k}={result['metrics'][k]:.4f} < {v}" for k, v in (m.split("=") for m in args.min)
              if result["metrics"].get(k, 0.0) < float(v)]
    for line in failed:
        print(f"FAIL {line}", file=sys.stderr)
    return EXIT_PARTIAL if failed else EXIT_OK


def _train_relate(args: argparse.Namespace) -> int:
    """``--model embedder`` or ``--model pairs``: the parts of the relation detector."""
    if args.model == "embedder":
        from saidwhat.learn.embedder import export_embedder
        from saidwhat.relate.embedding import DEFAULT_EMBEDDER

        export_embedder(Path(args.output) if args.output else DEFAULT_EMBEDDER, log=note)
        return EXIT_OK
    from saidwhat.learn.pairs import EVAL, train_pairs
    from saidwhat.relate.pair_model import DEFAULT_PAIRS

    if not (EVAL / "relate-written.jsonl").is_file():
        raise SaidwhatError("E019", f"--model pairs reads the pair sets of a checkout's eval/ folder ({EVAL})")
    shared = Path(args.shared or os.environ.get("SAIDWHAT_SHARED") or "")
    if not (shared / "data" / "perspectrum" / "pairs.jsonl").is_file():
        raise SaidwhatError("E019", "--model pairs needs --shared DIR (or SAIDWHAT_SHARED) holding "
                                    "data/perspectrum/pairs.jsonl and eval/polnear")
    train_pairs(shared, Path(args.output) if args.output else DEFAULT_PAIRS, log=note)
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from saidwhat.engine.components import DEFAULT_WEIGHTS
    from saidwhat.learn.train import load_examples, save, train

    if args.model != "engine":
        return _train_relate(args)
    if not args.gold:
        raise SaidwhatError("E019", "--gold is needed to train an engine's model")
    if args.epochs < 1:
        raise SaidwhatError("E019", "--epochs must be at least 1")
    examples = load_examples(args.gold, log=note, cache=args.cache)
    if args.engine == "learned":
        from saidwhat.engine.encoder import DEFAULT_ENCODER
        from saidwhat.learn.encoder import train_encoder

        out = Path(args.output) if args.output else DEFAULT_ENCODER
        meta = train_encoder(examples, out, replace(EncoderSettings(), epochs=args.epochs, seed=args.seed),
                             log=note)
        note(f"held-out exact span F1 {meta['holdout_exact_f1']}; {meta['train_seconds']} s")
        return EXIT_OK
    models, meta = train(examples, log=note)
    meta["gold"] = Path(args.gold).name
    out = Path(args.output) if args.output else DEFAULT_WEIGHTS
    save(models, meta, out)
    note(f"wrote {out}")
    return EXIT_OK
