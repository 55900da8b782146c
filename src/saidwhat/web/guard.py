"""The outermost ASGI layer, so that no route can forget it: security headers, the access token,
the loopback Host check, and the request body limit.

* every response carries a Content-Security-Policy that allows scripts and styles from this
  server's ``/static`` only (no inline script, no inline style, no other origin), plus nosniff,
  no-referrer and no framing;
* with a token, every request must carry it (``Authorization: Bearer``, ``X-Saidwhat-Token``, or
  the cookie that ``/?token=...`` sets); without one, only loopback ``Host`` headers are served
  (so a web page cannot reach the API through DNS rebinding);
* request bodies over ``max_body`` bytes are refused with 413, whether announced by
  Content-Length or streamed.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

MAX_BODY = 1_000_000  # bytes of a request body
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
SECURITY_HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
API_PREFIXES = ("/api/", "/api", "/extract", "/openapi.json", "/static/")
COOKIE = "saidwhat_token"


def _json_bytes(status: int, message: str) -> bytes:
    return json.dumps({"error": {"status": status, "message": message}}).encode()


class Guard:
    """Pure ASGI middleware: security headers, access token, Host check, body size limit."""

    def __init__(self, app: Any, token: str | None, max_body: int,
                 allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.token = token
        self.cookie = hmac.new(token.encode(), b"saidwhat-cookie", hashlib.sha256).hexdigest() if token else None
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secure(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        if self.token is None and not self._loopback_host(headers.get("host", "")):
            await self._refuse(send_secure, 421, "this server answers only to 127.0.0.1 and localhost "
                                                 "(start it with --token to serve other hosts)")
            return
        if self.token is not None:
            verdict = self._check_token(scope, headers)
            if verdict == "redirect":
                await self._login_redirect(scope, send_secure)
                return
            if verdict != "ok":
                await self._refuse(send_secure, 401, "an access token is required: open the URL "
                                                     "that `saidwhat serve` printed, or send "
                                                     "Authorization: Bearer TOKEN",
                                   extra=[(b"www-authenticate", b"Bearer")])
                return
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await self._refuse(send_secure, 400, "Content-Length is not a number")
                return
            if too_big:
                await self._refuse(send_secure, 413, f"request body over {self.max_body:,} bytes")
                return
        seen = 0
        limit = self.max_body

        async def receive_limited() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise StarletteHTTPException(413, f"request body over {limit:,} bytes")
            return message

        try:
            await self.app(scope, receive_limited, send_secure)
        except StarletteHTTPException as exc:  # the limit tripped outside a route's handlers
            if started or exc.status_code != 413:
                raise
            await self._refuse(send_secure, 413, str(exc.detail))

    def _loopback_host(self, host: str) -> bool:
        if host.startswith("["):
            name = host[1:].split("]", 1)[0]
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name.lower() in self.allowed_hosts

    def _check_token(self, scope: dict, headers: dict[str, str]) -> str:
        assert self.token is not None and self.cookie is not None
        auth = headers.get("authorization", "")
        given = [auth[7:].strip()] if auth.lower().startswith("bearer ") else []
        if "x-saidwhat-token" in headers:
            given.append(headers["x-saidwhat-token"])
        for candidate in given:
            if hmac.compare_digest(candidate.encode(), self.token.encode()):
                return "ok"
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and hmac.compare_digest(value.encode(), self.cookie.encode()):
                return "ok"
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query and hmac.compare_digest(query["token"].encode(), self.token.encode()):
            path = scope.get("path", "")
            if scope.get("method") == "GET" and not path.startswith(API_PREFIXES):
                return "redirect"
            return "ok"
        return "no"

    async def _login_redirect(self, scope: dict, send: Callable) -> None:
        query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                              keep_blank_values=True) if k != "token"]
        target = scope.get("path", "/") + (f"?{urlencode(query)}" if query else "")
        cookie = f"{COOKIE}={self.cookie}; HttpOnly; SameSite=Strict; Path=/"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", target.encode("latin-1", "replace")),
                                (b"set-cookie", cookie.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _refuse(send: Callable, status: int, message: str,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
        body = _json_bytes(status, message)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")] + (extra or [])})
        await send({"type": "http.response.body", "body": body})
