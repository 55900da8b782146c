"""``python -m saidwhat`` is the ``saidwhat`` command."""
import sys

from saidwhat.cli.main import main

sys.exit(main())
