"""Serving a store over HTTP: who may bind where, and the server itself (uvicorn).

Binds 127.0.0.1 unless told otherwise; any address that is not loopback needs an access token,
which every request must then carry. The command line (``saidwhat serve``) is in
:mod:`saidwhat.cli.serve`.
"""
from __future__ import annotations

import ipaddress
import secrets

from saidwhat.errors import SaidwhatError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN = 8


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


def checked_token(token: str | None, host: str, port: int) -> str | None:
    """The token to require ('auto' makes one), after refusing a bad token, port or bind."""
    token = token or None
    if token == "auto":
        token = secrets.token_urlsafe(24)
    if token is not None and len(token) < MIN_TOKEN:
        raise SaidwhatError("E201", f"the access token is too short: use at least {MIN_TOKEN} characters")
    if not 0 < port < 65536:
        raise SaidwhatError("E201", f"--port {port} is not a port number")
    check_bind(host, token)
    return token


def allowed_hosts(host: str) -> tuple[str, ...]:
    """The Host headers answered: the loopback names and the address bound ("127.0.0.2" too)."""
    return tuple(dict.fromkeys((*LOOPBACK_NAMES, host.strip().strip("[]").lower())))


def run(db: str, host: str, port: int, token: str | None, max_body: int | None = None) -> None:
    """Serve ``db`` read-only until interrupted."""
    try:
        import uvicorn

        from saidwhat.web.app import create_app
    except ImportError as exc:
        raise SaidwhatError("E202", f"the web server needs the 'web' extra: pip install "
                                    f"'saidwhat[web]' ({exc.name} is missing)") from None
    options = {"max_body": max_body} if max_body else {}
    app = create_app(db, token=token, allowed_hosts=allowed_hosts(host), **options)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                proxy_headers=False, access_log=False)
