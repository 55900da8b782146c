"""One options policy for every subcommand: ``--db`` (falling back to ``$SAIDWHAT_DB``),
``--format``, ``-o/--output``, ``--debug``; a parser that names the subcommand's own usage and
suggests what was meant on a usage error."""
from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from typing import Any, NoReturn, Sequence

from saidwhat.store import DEFAULT_DB

DB_ENV = "SAIDWHAT_DB"
EXIT_CODES_HELP = """exit codes: 0 ok; 1 finished, but some inputs failed; 2 usage error;
3 no input could be processed, or an extra is missing; 4 internal error (a bug: please report it)"""


class Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for a mistyped command, choice or flag."""

    def error(self, message: str) -> NoReturn:
        hint = _suggestion(self, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"saidwhat: error: {message}{hint}\n")


def _suggestion(parser: argparse.ArgumentParser, message: str) -> str:
    choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice:
        options = re.findall(r"'?([\w.-]+)'?", choice.group(2))
        close = difflib.get_close_matches(choice.group(1), options, n=1, cutoff=0.6)
        return f" (did you mean {close[0]!r}?)" if close else ""
    flags = re.search(r"unrecognized arguments: (.*)", message)
    if flags:
        known = [s for action in parser._actions for s in action.option_strings]
        for word in flags.group(1).split():
            if word.startswith("-"):
                close = difflib.get_close_matches(word.split("=")[0], known, n=1, cutoff=0.6)
                if close:
                    return f" (did you mean {close[0]!r}?)"
    return ""


def command(sub: Any, name: str, func: Any, help: str, description: str | None = None,
            needs: tuple[str, Sequence[str]] | None = None, **kwargs: Any) -> argparse.ArgumentParser:
    """A subcommand with the shared ``--debug`` flag; ``needs`` = (extra, modules it imports)."""
    parser = sub.add_parser(name, help=help, description=description or help, epilog=EXIT_CODES_HELP,
                            formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback of an internal error")
    parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no notes, summaries or progress bars on stderr (errors still show)")
    parser.set_defaults(func=func, needs=needs)
    return parser


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=os.environ.get(DB_ENV) or DEFAULT_DB,
                        help=f"the store (default ${DB_ENV}, else ./{DEFAULT_DB})")


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str], default: str,
               help: str | None = None) -> None:
    parser.add_argument("--format", choices=tuple(choices), default=default,
                        help=help or f"output format (default {default})")
    if "json" in choices:  # the older spelling of --format json
        parser.add_argument("--json", dest="format", action="store_const", const="json",
                            help=argparse.SUPPRESS)


def add_output(parser: argparse.ArgumentParser, metavar: str = "FILE", required: bool = False,
               help: str | None = None) -> None:
    parser.add_argument("-o", "--output", "--out", dest="output", metavar=metavar, required=required,
                        help=help or f"write to {metavar} instead of stdout")


ENGINES = ("learned", "fast")


def add_engine(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="fast",
                        help="fast: the linear scorers (default); learned: the encoder tagger (more "
                             "attributions found and content boundaries as annotators mark them on "
                             "PolNeAR, slower)")


def extractor_spec(args: argparse.Namespace) -> str:
    """The extractor a batch worker loads: a hidden --extractor wins, else the --engine's."""
    from saidwhat.batch.unit import DEFAULT_EXTRACTOR, ENGINE_EXTRACTORS

    if args.extractor != DEFAULT_EXTRACTOR:
        return args.extractor
    return ENGINE_EXTRACTORS[args.engine]
