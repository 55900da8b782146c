"""``saidwhat serve --db FILE``: the web page and HTTP API over a store, read-only.

Binds 127.0.0.1 unless told otherwise; any address that is not loopback needs an access token
(``--token`` or the ``SAIDWHAT_TOKEN`` environment variable), which every request must then carry.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys
from typing import Any
from urllib.parse import quote

from saidwhat.errors import SaidwhatError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def add_subcommands(subparsers: Any) -> Any:
    """Register ``serve`` on the CLI's subparsers."""
    from saidwhat.store import DEFAULT_DB

    parser = subparsers.add_parser(
        "serve", help="serve a store to the browser and to programs (HTTP API), read-only",
        description="Serve a saidwhat store: web pages (overview, articles with highlighted "
                    "attributions, speakers, disputes, paste an article) and an HTTP API with an "
                    "OpenAPI document at /openapi.json. The store is opened read-only.")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"the store (default ./{DEFAULT_DB})")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="address to bind (default 127.0.0.1; a non-loopback address needs --token)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8000)")
    parser.add_argument("--token", default=None,
                        help="access token every request must carry (default: $SAIDWHAT_TOKEN); "
                             "'auto' makes a random one and prints it")
    parser.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                        help="largest request body accepted (default 1,000,000)")
    parser.set_defaults(func=main_serve)
    return parser


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for everything else (0.0.0.0 included)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    if not is_loopback(host) and not token:
        raise SaidwhatError(
            "E201", f"refusing to serve on {host}, which is not a loopback address, without an "
                    f"access token: pass --token TOKEN (or set SAIDWHAT_TOKEN), or bind 127.0.0.1")


def main_serve(args: argparse.Namespace) -> int:
    token = args.token if args.token is not None else os.environ.get("SAIDWHAT_TOKEN") or None
    if token == "auto":
        token = secrets.token_urlsafe(24)
    if token is not None and len(token) < 8:
        raise SaidwhatError("E201", "the access token is too short: use at least 8 characters")
    if not 0 < args.port < 65536:
        raise SaidwhatError("E201", f"--port {args.port} is not a port number")
    check_bind(args.host, token)
    try:
        import uvicorn

        from .app import MAX_BODY, create_app
    except ImportError as exc:
        raise SaidwhatError("E202", f"the web server needs the 'web' extra: pip install "
                                    f"'saidwhat[web]' ({exc.name} is missing)") from None
    options = {"max_body": args.max_body} if args.max_body else {}
    hosts = ("127.0.0.1", "localhost", "::1")
    app = create_app(args.db, token=token, allowed_hosts=hosts, **options)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown}:{args.port}/"
    print(f"saidwhat: serving {args.db} (read-only) on {url}", file=sys.stderr)
    if token:
        print(f"saidwhat: open {url}?token={quote(token)} in a browser; programs send "
              f"'Authorization: Bearer <token>'", file=sys.stderr)
    print(f"saidwhat: API at {url}api/..., OpenAPI at {url}openapi.json; "
          f"request bodies up to {options.get('max_body', MAX_BODY):,} bytes", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False,
                proxy_headers=False, access_log=False)
    return 0
