"""``saidwhat serve``: the web page and HTTP API over a store, read-only."""
from __future__ import annotations

import argparse
import os
from typing import Any
from urllib.parse import quote

from saidwhat.cli.console import note
from saidwhat.cli.options import add_db, command

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(sub: Any) -> None:
    p = command(sub, "serve", cmd_serve, "serve a store to the browser and to programs (HTTP API), read-only",
                "Serve a saidwhat store: web pages (overview, articles with highlighted attributions, "
                "speakers, disputes, paste an article) and an HTTP API with an OpenAPI document at "
                "/openapi.json. The store is opened read-only.",
                needs=("web", ("fastapi", "uvicorn", "jinja2", "duckdb")))
    add_db(p)
    p.add_argument("--host", default=DEFAULT_HOST,
                   help="address to bind (default 127.0.0.1; a non-loopback address needs --token)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8000)")
    p.add_argument("--token", default=None,
                   help="access token every request must carry (default: $SAIDWHAT_TOKEN); "
                        "'auto' makes a random one and prints it")
    p.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                   help="largest request body accepted (default 1,000,000)")


def cmd_serve(args: argparse.Namespace) -> int:
    from saidwhat.web.serve import checked_token, run

    token = checked_token(args.token if args.token is not None else os.environ.get("SAIDWHAT_TOKEN"),
                          args.host, args.port)
    from saidwhat.web.app import MAX_BODY

    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown}:{args.port}/"
    note(f"serving {args.db} (read-only) on {url}")
    if token:
        note(f"open {url}?token={quote(token)} in a browser; programs send 'Authorization: Bearer <token>'")
    note(f"API at {url}api/..., OpenAPI at {url}openapi.json; request bodies up to "
         f"{args.max_body or MAX_BODY:,} bytes")
    run(args.db, args.host, args.port, token, args.max_body)
    return 0
