"""The statement search (who said "X"?): the page, and the download of every match as CSV or JSON.

Both take the same filters as ``/api/attributions``; a download holds at most ``MAX_DOWNLOAD``
rows, in the page's order, and says so in a header when it was cut.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from starlette.requests import Request

from .deps import DB, Pages
from .models import Paging
from saidwhat.record import KINDS, STANCES

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
MAX_DOWNLOAD = 50_000
COLUMNS = ("article_id", "attribution_id", "published", "site", "title", "url", "speaker", "role",
           "affiliation", "anonymous", "source", "cue", "stance", "kind", "content", "said_on", "confidence")


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if not value:
        return None  # a form's empty field: no filter
    if value not in allowed:
        raise HTTPException(422, f"{name} must be one of {', '.join(allowed)}")
    return value


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name} must be a date, YYYY-MM-DD") from None


class Filters:
    """The search's filters (a FastAPI dependency shared by the page and the download). A form
    sends every field, empty ones too: an empty field is no filter."""

    def __init__(self, q: str | None = Query(None, max_length=500, description="content contains"),
                 speaker: str | None = Query(None, max_length=500, description="speaker label contains"),
                 kind: str | None = Query(None, max_length=20), stance: str | None = Query(None, max_length=20),
                 anonymous: str | None = Query(None, max_length=5), site: str | None = Query(None, max_length=500),
                 since: str | None = Query(None, max_length=10), until: str | None = Query(None, max_length=10)) -> None:
        self.q, self.speaker, self.site = q or None, speaker or None, site or None
        self.kind, self.stance = _choice("kind", kind, KINDS), _choice("stance", stance, STANCES)
        flag = _choice("anonymous", anonymous, ("true", "false"))
        self.anonymous = None if flag is None else flag == "true"
        self.since, self.until = _day("since", since), _day("until", until)

    def find(self, db: Any, limit: int, offset: int) -> Any:
        return db.attributions(self.speaker, self.kind, self.stance, self.anonymous, self.since,
                               self.until, self.site, None, self.q, limit, offset)

    def form(self) -> dict[str, Any]:
        return {k: ("" if v is None else (str(v).lower() if isinstance(v, bool) else str(v)))
                for k, v in vars(self).items()}


def row(item: dict[str, Any]) -> dict[str, Any]:
    """One match as a flat row (CSV), speaker and article beside the statement."""
    speaker, article = item.get("speaker") or {}, item.get("article") or {}
    cue, source, when = item.get("cue") or {}, item.get("source") or {}, item.get("said_on") or {}
    return {"article_id": item["article_id"], "attribution_id": item["id"], "published": article.get("published"),
            "site": article.get("site"), "title": article.get("title"), "url": article.get("url"),
            "speaker": item.get("label"), "role": speaker.get("role"), "affiliation": speaker.get("affiliation"),
            "anonymous": "true" if speaker.get("anonymous") else "false", "source": source.get("text"),
            "cue": cue.get("text"), "stance": cue.get("stance"), "kind": item.get("kind"),
            "content": (item.get("content") or {}).get("text"), "said_on": when.get("date") or when.get("text"),
            "confidence": item.get("confidence")}


@router.get("/statements")
def page_statements(request: Request, db: DB, render: Pages, f: Filters = Depends(),
                    page: Paging = Depends()) -> Response:
    found = f.find(db, page.limit, page.offset)
    query = request.url.query
    return render.page(request, "statements.html", title="Statements", page=found, f=f.form(),
                       kinds=KINDS, stances=STANCES, query=query)


@router.get("/statements/download")
def download_statements(db: DB, f: Filters = Depends(),
                        format: str = Query("csv", pattern="^(csv|json)$")) -> Response:
    found = f.find(db, MAX_DOWNLOAD, 0)
    headers = {"Content-Disposition": f'attachment; filename="statements.{format}"'}
    if found.total > MAX_DOWNLOAD:
        headers["X-Saidwhat-Truncated"] = f"{MAX_DOWNLOAD} of {found.total}"
    if format == "json":
        return Response(json.dumps(found.items, ensure_ascii=False, default=str), media_type="application/json",
                        headers=headers)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for item in found.items:
        writer.writerow(row(item))
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
