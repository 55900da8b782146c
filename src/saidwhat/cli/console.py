"""What the command line prints on stderr: one error printer and one note printer for every command."""
from __future__ import annotations

import sys

from saidwhat.errors import SaidwhatError


def error(problem: SaidwhatError | str) -> None:
    """``saidwhat: error E0xx: …`` on one line."""
    print(f"saidwhat: error {problem}", file=sys.stderr)


QUIET = False  # -q/--quiet: notes and progress bars off (main sets it from the command line)


def note(message: str) -> None:
    """A progress or summary line for a person (never on stdout, which carries the data)."""
    if not QUIET:
        print(f"saidwhat: {message}", file=sys.stderr)
