"""The HTML pages at the root: each reads what it shows through
:class:`~saidwhat.web.queries.Queries` and renders one template. Not in the OpenAPI document;
the pages' own script (``/static``) is the only code they run."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from starlette.requests import Request

from . import charts
from .deps import DB, Extraction, Pages
from .highlight import highlight, marks_for
from .models import DisputeType, Paging, TimelinePaging, UnitStatus
from .queries import DISPUTE_TYPES

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def page_overview(request: Request, db: DB, render: Pages) -> Response:
    def draw() -> str:  # the store cannot change while served: draw once
        o = db.overview()
        figs = {
            "months": charts.columns([(m["month"], m["articles"]) for m in o["months"]]),
            "sites": charts.rows(o["sites"], "articles", "site"),
            "heat": charts.heatmap(o["site_months"]["sites"], o["site_months"]["months"],
                                   o["site_months"]["cells"]),
            "anon": charts.share_line([(m["month"], m["with_speaker"], m["anonymous"])
                                       for m in o["anonymous"]]),
            "quoted": charts.rows(o["most_quoted"], "attributions", "label"),
        }
        return render.text(request, "overview.html", path="/", title="Overview", o=o, figs=figs)
    return HTMLResponse(db.cached("overview.html", draw))


@router.get("/articles")
def page_articles(request: Request, db: DB, render: Pages,
                  site: str | None = Query(None, max_length=500),
                  since: date | None = None, until: date | None = None,
                  q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
    found = db.articles(site or None, since, until, q or None, page.limit, page.offset)
    return render.page(request, "articles.html", title="Articles", page=found, sites=db.sites(),
                       f={"site": site or "", "since": since or "", "until": until or "",
                          "q": q or ""})


@router.get("/articles/{article_id}")
def page_article(request: Request, db: DB, render: Pages, article_id: str) -> Response:
    record = db.article(article_id)
    if record is None:
        raise HTTPException(404, f"no article {article_id!r}")
    art = record["article"]
    marked = highlight(art["text"], marks_for(record["attributions"], record["unattributed"]))
    by_id = {a["id"]: a for a in record["attributions"]}
    return render.page(request, "article.html", title=art.get("title") or art["id"], r=record,
                       art=art, marked=marked, by_id=by_id)


@router.get("/speakers")
def page_speakers(request: Request, db: DB, render: Pages,
                  q: str | None = Query(None, max_length=500),
                  anonymous: bool | None = None, page: Paging = Depends()) -> Response:
    found = db.speakers(q or None, anonymous, page.limit, page.offset)
    return render.page(request, "speakers.html", title="Speakers", page=found, f={"q": q or ""})


@router.get("/speaker")
def page_speaker(request: Request, db: DB, render: Pages,
                 name: str = Query(..., min_length=1, max_length=500),
                 page: TimelinePaging = Depends()) -> Response:
    found = db.speaker_timeline(name, page.limit, page.offset)
    figure = charts.timeline_figure(found.items) if found.total else None
    return render.page(request, "timeline.html", status=200 if found.total else 404, title=name,
                       page=found, who=name, info=found.extra["speaker"], entity=None,
                       figure=figure)


@router.get("/entities")
def page_entities(request: Request, db: DB, render: Pages,
                  q: str | None = Query(None, max_length=500),
                  type: str | None = Query(None, max_length=50), page: Paging = Depends()) -> Response:
    found = db.entities(q or None, type or None, page.limit, page.offset)
    return render.page(request, "entities.html", title="Entities", page=found, f={"q": q or ""})


@router.get("/entities/{entity_id}")
def page_entity(request: Request, db: DB, render: Pages, entity_id: str,
                page: TimelinePaging = Depends()) -> Response:
    entity = db.entity(entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    found = db.entity_timeline(entity_id, page.limit, page.offset)
    who = str(entity.get("name") or entity_id)
    return render.page(request, "timeline.html", title=who, page=found, who=who, info=None,
                       entity=entity, figure=charts.timeline_figure(found.items))


@router.get("/claims")
def page_claims(request: Request, db: DB, render: Pages,
                q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
    found = db.claims(q or None, page.limit, page.offset)
    return render.page(request, "claims.html", title="Claims", page=found, f={"q": q or ""})


@router.get("/claims/{claim_id}")
def page_claim(request: Request, db: DB, render: Pages, claim_id: str,
               page: TimelinePaging = Depends()) -> Response:
    claim = db.claim(claim_id, page.limit, page.offset)
    if claim is None:
        raise HTTPException(404, f"no claim {claim_id!r}")
    members = claim.pop("members")
    return render.page(request, "claim.html", title=f"Claim {claim_id}", claim=claim,
                       members=members)


@router.get("/disputes")
def page_disputes(request: Request, db: DB, render: Pages,
                  type: DisputeType | None = None,  # type: ignore[valid-type]
                  q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
    found = db.disputes(type, q or None, page.limit, page.offset)
    return render.page(request, "disputes.html", title="Disputes", page=found,
                       types=DISPUTE_TYPES, f={"type": type or "", "q": q or ""})


@router.get("/paste")
def page_paste(request: Request, render: Pages, extractor: Extraction) -> Response:
    return render.page(request, "paste.html", title="Paste an article",
                       max_text=extractor.max_text)


@router.get("/status")
def page_status(request: Request, db: DB, render: Pages,
                status: UnitStatus | None = None,  # type: ignore[valid-type]
                page: Paging = Depends()) -> Response:
    units = db.ingest_units(status or "failed", page.limit, page.offset)
    return render.page(request, "status.html", title="Ingest status", s=db.status(), units=units,
                       shown=status or "failed")
