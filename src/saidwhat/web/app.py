"""The FastAPI application: HTTP API under ``/api``, web pages at the root, one store, read-only.

``create_app(db_path, token=None)`` opens the store read-only and wires the parts together, each
in its own module:

* :mod:`.guard` - the outermost ASGI layer: security headers and CSP, the access token, the
  loopback Host check, the request body limit;
* :mod:`.api` and :mod:`.pages` - the JSON API and the HTML pages, as routers;
* :mod:`.errors` - every failure as ``{"error": {...}}`` JSON, or as a page for a browser;
* :mod:`.queries` - the read-only SQL; :mod:`.render` - the templates; :mod:`.extract` - the
  lazily loaded pipeline behind ``POST /api/extract``.

Article text, titles, names - everything from the store - is hostile input: templates autoescape,
the highlighted article is built from offsets with each piece escaped (:mod:`.highlight`), and the
browser code writes text with ``textContent`` only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from saidwhat import __version__

from . import api, errors, pages, statements
from .extract import Extractor
from .guard import LOOPBACK_HOSTS, MAX_BODY, Guard
from .models import MAX_TEXT
from .queries import Queries
from .render import Renderer

__all__ = ["LOOPBACK_HOSTS", "MAX_BODY", "MAX_TEXT", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"
DESCRIPTION = ("Who said what, in a saidwhat store: articles, attributions, speakers, entities, "
               "claims, disputes, ingest status; and `POST /api/extract` to analyse a text without "
               "storing it. Every list is paginated with `limit` and `offset` and answers "
               "`{items, total, limit, offset}`; errors answer `{error: {status, message}}`.")


def create_app(db_path: str, token: str | None = None, *, max_body: int = MAX_BODY,
               max_text: int = MAX_TEXT, pipeline: Any = None,
               allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS) -> Any:
    """The ASGI app serving ``db_path`` (opened read-only). ``token``: require it on every request.
    ``pipeline``: a loaded :class:`saidwhat.Pipeline` for ``POST /extract`` (loaded lazily if None).
    Returns the FastAPI app wrapped in :class:`Guard`; the FastAPI object is ``.fastapi``."""
    db = Queries(db_path)
    app = FastAPI(title="saidwhat", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", description=DESCRIPTION)
    app.state.queries = db
    app.state.renderer = Renderer(db.features)
    app.state.extractor = Extractor(pipeline, max_text)
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(statements.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    guarded = Guard(app, token, max_body, allowed_hosts)
    guarded.fastapi = app  # type: ignore[attr-defined]
    guarded.queries = db  # type: ignore[attr-defined]
    return guarded
