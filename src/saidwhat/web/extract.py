"""Analysing a posted text without storing it: the lazily loaded pipeline (loading it costs
seconds, and most servers are never asked), one document at a time, and the request body read
by hand."""
from __future__ import annotations

import threading
from typing import Any

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request

from saidwhat.errors import SaidwhatError

from .models import MAX_TEXT, ExtractIn


class Extractor:
    """The server's one pipeline, loaded on first use; ``max_text``: the longest text taken."""

    def __init__(self, pipeline: Any = None, max_text: int = MAX_TEXT) -> None:
        self._pipeline = pipeline
        self.max_text = max_text
        self._lock = threading.Lock()  # one model, one document at a time

    def pipeline(self) -> Any:
        if self._pipeline is None:
            from saidwhat import Pipeline

            self._pipeline = Pipeline()
        return self._pipeline

    def extract(self, body: ExtractIn) -> dict[str, Any]:
        """The record of ``body``'s text, as JSON-ready data (blocking: run it in a thread)."""
        if len(body.text) > self.max_text:
            raise HTTPException(413, f"text is {len(body.text):,} characters; "
                                     f"the limit is {self.max_text:,}")
        with self._lock:
            try:
                record = self.pipeline().extract(
                    body.text, title=body.title, url=body.url,
                    published=body.published.isoformat() if body.published else None)
            except SaidwhatError as exc:
                raise HTTPException(422, str(exc)) from None
        return record.to_dict()


async def read_extract(request: Request) -> ExtractIn:
    """The body, read here rather than by FastAPI so that Guard's size limit answers 413 on
    any FastAPI version; JSON only (a cross-site form cannot send it without a preflight)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send the text as JSON: Content-Type: application/json")
    raw = await request.body()
    try:
        return ExtractIn.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e.get("loc", ()))}
                                      for e in exc.errors(include_url=False)]) from None
