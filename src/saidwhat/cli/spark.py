"""``saidwhat spark``: the same pipeline on Apache Spark, writing partitioned Parquet."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from saidwhat.cli.console import error, note
from saidwhat.cli.ingest import add_reading_options, reading_options
from saidwhat.cli.options import Parser, add_engine, add_output, command, extractor_spec
from saidwhat.errors import SaidwhatError

SPARK_ERROR = "E120"


def register(sub: Any) -> None:
    p = command(sub, "spark", cmd_spark, "run the pipeline on Apache Spark, writing partitioned Parquet",
                "Read HTML, WARC, JSONL and text inputs on a Spark cluster (or local[N]) and write the "
                "store's tables as Parquet partitioned by site and month, with an ingest_log and an "
                "errors table. Needs pip install 'saidwhat[spark]' and Java.",
                needs=("spark", ("pyspark",)))
    add_arguments(p)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="INPUT",
                        help="files, directories, globs, or Hadoop URIs (s3a://..., hdfs://...)")
    add_output(parser, "DIR", required=True, help="output directory or URI")
    parser.add_argument("--master", help="Spark master: local[2], yarn, spark://host:7077 ... "
                                         "(default: spark-submit's, else local[<cores>])")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="a Spark setting (repeatable), e.g. spark.executor.memory=4g")
    add_reading_options(parser)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds a chunk of documents may take (default 600; 0: no limit)")
    parser.add_argument("--fetch", choices=("auto", "binary"), default="auto",
                        help="auto: local paths read in place, URIs via binaryFiles; binary: all via "
                             "binaryFiles (local paths the executors cannot see)")
    parser.add_argument("--target-mb", type=float, default=64.0,
                        help="input megabytes per task (default 64; a bigger file is a task alone)")
    parser.add_argument("--no-resume", action="store_true",
                        help="read every input again (output is still not duplicated)")
    parser.add_argument("--overwrite", action="store_true", help="delete the output directory first")
    parser.add_argument("--attach", metavar="DB",
                        help="afterwards, make DB a DuckDB store of views over the output")
    parser.add_argument("--extractor", default="saidwhat:Pipeline", help=argparse.SUPPRESS)
    add_engine(parser)
    parser.add_argument("--isolate", choices=("retry", "always", "never"), default="retry",
                        help=argparse.SUPPRESS)


def _conf(items: list[str]) -> dict[str, str]:
    conf = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SaidwhatError(SPARK_ERROR, f"--conf takes KEY=VALUE, not {item!r}")
        conf[key.strip()] = value.strip()
    return conf


def cmd_spark(args: argparse.Namespace) -> int:
    """0 all units ok or skipped, 1 some failed; errors that stop the job raise."""
    from saidwhat.batch.spark import ERRORS, run
    from saidwhat.store.parquet import attach_parquet

    if args.target_mb <= 0:
        raise SaidwhatError(SPARK_ERROR, "--target-mb must be positive")
    report = run(list(args.paths), args.output, args.master, options=reading_options(args, SPARK_ERROR),
                 extractor_spec=extractor_spec(args), resume=not args.no_resume, overwrite=args.overwrite,
                 fetch=args.fetch, target_mb=args.target_mb, timeout=args.timeout,
                 isolate=args.isolate, conf=_conf(args.conf))
    note(f"{report.line()} -> {report.out}")
    if args.attach:
        counts = attach_parquet(args.attach, report.out)
        note(f"{args.attach}: views over {report.out} ({counts['articles']:,} articles)")
    if report.failed:
        note(f"the failed and skipped units are in {report.out}/{ERRORS}")
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    """``spark-submit`` entry (``saidwhat spark`` without the subcommand word)."""
    parser = Parser(prog="saidwhat spark", description="saidwhat on Apache Spark")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return cmd_spark(args)
    except SaidwhatError as exc:
        error(exc)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
