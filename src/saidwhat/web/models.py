"""What the API takes and answers, as types: the OpenAPI document's models, the paging
parameters every list shares, and the enumerations a query parameter may take. Handlers return
JSON directly; these models describe it."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from saidwhat.record import KINDS, STANCES

from .queries import DISPUTE_TYPES

MAX_TEXT = 200_000  # characters of a text to extract
MAX_LIMIT = 500  # items on one page
Kind = Literal[KINDS]  # type: ignore[valid-type]
Stance = Literal[STANCES]  # type: ignore[valid-type]
DisputeType = Literal[DISPUTE_TYPES]  # type: ignore[valid-type]
UnitStatus = Literal["ok", "skipped", "failed"]


class ErrorDetail(BaseModel):
    status: int
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


class PageOut(BaseModel):
    items: list[dict[str, Any]] = Field(description="the page's items")
    total: int = Field(description="how many items match, over all pages")
    limit: int
    offset: int


class ExtractIn(BaseModel):
    text: str = Field(description=f"the article text (at most {MAX_TEXT:,} characters)")
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    published: date | None = Field(None, description="YYYY-MM-DD; anchors relative dates")


ERRORS = {400: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}}
EXTRACT_ERRORS = {**ERRORS, 413: {"model": ErrorOut}, 415: {"model": ErrorOut}}
# The body of POST /extract is read by hand (see extract.read_extract), so it is declared here.
EXTRACT_DOC = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": ExtractIn.model_json_schema()}}}}


class Paging:
    """``limit`` and ``offset`` of a list page (a FastAPI dependency)."""

    def __init__(self, limit: int = Query(50, ge=1, le=MAX_LIMIT, description="items per page"),
                 offset: int = Query(0, ge=0, le=100_000_000, description="items to skip")) -> None:
        self.limit, self.offset = limit, offset


class TimelinePaging(Paging):
    """Paging with a longer default page, for timelines read top to bottom."""

    def __init__(self, limit: int = Query(200, ge=1, le=MAX_LIMIT, description="items per page"),
                 offset: int = Query(0, ge=0, le=100_000_000, description="items to skip")) -> None:
        super().__init__(limit, offset)
