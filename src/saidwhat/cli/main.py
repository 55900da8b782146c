"""``saidwhat``: the parser of every subcommand and the one place errors become exit codes.

User errors are one line on stderr (``saidwhat: error E0xx: …``) and the exit code kept with
their code in :mod:`saidwhat.errors`; a bug is one line and exit 4, with the traceback under
``--debug``.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys

from saidwhat import __version__
from saidwhat.cli import completion, crossref, extract, ingest, relate, serve, spark
from saidwhat.cli import console
from saidwhat.cli.console import error
from saidwhat.cli.options import EXIT_CODES_HELP, Parser
from saidwhat.errors import EXIT_INTERNAL, EXIT_OK, SaidwhatError, missing_extra

GROUPS = (extract, ingest, crossref, relate, spark, serve, completion)


def build_parser() -> Parser:
    parser = Parser(prog="saidwhat", description="Who said what in news text, and who disputes it.",
                    epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-V", "--version", action="version", version=f"saidwhat {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no notes, summaries or progress bars on stderr (errors still show)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for group in GROUPS:
        group.register(sub)
    for command_parser in sub.choices.values():  # what `completion` reads the commands from
        command_parser.set_defaults(root_parser=parser)
    parser.subcommand = sub.choices.__getitem__
    return parser


def _check_needs(args) -> None:
    """A command whose optional extra is not installed says which extra, before it starts."""
    if not getattr(args, "needs", None):
        return
    extra, modules = args.needs
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise missing_extra(f"`saidwhat {args.command}`", extra, module)


TORCH_COMMANDS = frozenset({"train"})


def keep_torch_out() -> None:
    """spaCy's backend library (thinc) imports torch whenever it is installed, only to offer it
    as a backend; no saidwhat command but ``train`` uses it, and it costs seconds and hundreds
    of MB per process. Marking it absent before spaCy loads makes that import a quiet miss."""
    if "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:  # the subcommand's own usage, not the top level's
        parser.subcommand(args.command).error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command not in TORCH_COMMANDS:
        keep_torch_out()
    console.QUIET = bool(getattr(args, "quiet", False))
    try:
        _check_needs(args)
        return int(args.func(args) or 0)
    except SaidwhatError as exc:
        error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug, not a user error: one line, and the code says so
        if getattr(args, "debug", False):
            raise
        error(f"internal error: {exc.__class__.__name__}: {exc} (please report this with the input; "
              f"--debug shows the traceback)")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
