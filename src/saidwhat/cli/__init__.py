"""The ``saidwhat`` command line: every subcommand, one options policy, one error printer.

The only package that knows about argparse and the terminal; each module registers the
subcommands of one job (``extract``/``eval``/``train``, ``ingest``/``status``/``export``, the
cross-article queries, ``relate``, ``spark``, ``serve``) and calls the library to do the work.
"""
from saidwhat.cli.main import build_parser, main

__all__ = ["main", "build_parser"]
