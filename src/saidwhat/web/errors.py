"""Every failure answers the same way: ``{"error": {"status", "message"}}`` as JSON for the API,
or the error page for a browser asking for HTML. Installed on the app by :func:`install`."""
from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from .guard import API_PREFIXES

LOG = logging.getLogger("saidwhat.web")


def wants_html(request: Request) -> bool:
    """A browser on a page (not the API, not a static file) gets the error as a page."""
    if request.url.path.startswith(API_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The error, as the error page or as JSON (see :func:`wants_html`)."""
    if wants_html(request):
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        page = request.app.state.renderer.page(request, "error.html", status=status,
                                               title=f"{status} {reason}", code=status,
                                               reason=reason, message=message)
        for name, value in (headers or {}).items():
            page.headers[name] = value
        return page
    body: dict[str, Any] = {"status": status, "message": message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    """An HTTPException (a route's, or the router's 404 and 405), with a message that helps."""
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"not found: {request.url.path}"
    if exc.status_code == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
    return error_response(request, exc.status_code, message, headers=getattr(exc, "headers", None))


async def invalid(request: Request, exc: Exception) -> Response:
    """A request that failed validation: 422, each problem with where it was."""
    assert isinstance(exc, RequestValidationError)
    details = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ())]
        details.append({"where": ".".join(loc), "message": e.get("msg", "invalid")})
    message = "invalid request: " + "; ".join(
        f"{d['where'].split('.', 1)[-1] if '.' in d['where'] else d['where']}: {d['message']}"
        for d in details)
    return error_response(request, 422, message, details)


async def crashed(request: Request, exc: Exception) -> Response:  # pragma: no cover - a bug
    """A bug: 500, naming the exception's class and nothing more to the client; the traceback
    goes to the server's log (stderr), where whoever runs it can report it."""
    LOG.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, f"internal error: {exc.__class__.__name__}")


def install(app: FastAPI) -> None:
    """Route every kind of failure on ``app`` through :func:`error_response`."""
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, crashed)
