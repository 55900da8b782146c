"""The web page and HTTP API over a saidwhat store (``saidwhat serve --db FILE``).

``create_app(db_path, token=None)`` in :mod:`saidwhat.web.app` builds the FastAPI application
from its parts (:mod:`.guard`, :mod:`.api`, :mod:`.pages`, :mod:`.errors`); :mod:`saidwhat.web.queries`
holds its read-only SQL; :mod:`saidwhat.web.serve` runs the server (the command is in
:mod:`saidwhat.cli.serve`).
Needs the ``web`` extra (fastapi, uvicorn, jinja2).
"""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(db_path: str, token: str | None = None, **options):  # noqa: ANN201 - lazy import
    from .app import create_app as _create

    return _create(db_path, token=token, **options)
