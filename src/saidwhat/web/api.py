"""The JSON API under ``/api`` (and ``POST /extract``): thin handlers that check their input,
ask :class:`~saidwhat.web.queries.Queries`, and answer JSON. Every list is paginated and answers
``{items, total, limit, offset}``; a missing item answers 404."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from .deps import DB, Extraction
from .extract import read_extract
from .models import (ERRORS, EXTRACT_DOC, EXTRACT_ERRORS, DisputeType, Kind, PageOut, Paging,
                     Stance, TimelinePaging, UnitStatus)

router = APIRouter()

# -- articles ------------------------------------------------------------------------------------


@router.get("/api/articles", tags=["articles"], response_model=PageOut, responses=ERRORS,
            summary="Articles, newest first, filtered by site, date range and text")
def api_articles(db: DB, site: str | None = Query(None, max_length=500),
                 since: date | None = Query(None, description="published on or after"),
                 until: date | None = Query(None, description="published on or before"),
                 q: str | None = Query(None, max_length=500, description="text or title contains"),
                 page: Paging = Depends()) -> Response:
    return JSONResponse(db.articles(site, since, until, q, page.limit, page.offset).to_dict())


@router.get("/api/articles/{article_id}", tags=["articles"], responses=ERRORS,
            summary="One article's full record: text, attributions, speakers, unattributed, relations")
def api_article(db: DB, article_id: str) -> Response:
    record = db.article(article_id)
    if record is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return JSONResponse(record)


@router.get("/api/sites", tags=["articles"], summary="Sites and their article counts")
def api_sites(db: DB) -> Response:
    items = db.sites()
    return JSONResponse({"items": items, "total": len(items), "limit": len(items), "offset": 0})


# -- attributions, speakers ----------------------------------------------------------------------


@router.get("/api/attributions", tags=["attributions"], response_model=PageOut, responses=ERRORS,
            summary="Attributions across articles, filtered")
def api_attributions(db: DB, speaker: str | None = Query(None, max_length=500,
                                                         description="speaker label contains"),
                     kind: Kind | None = None, stance: Stance | None = None,  # type: ignore[valid-type]
                     anonymous: bool | None = None,
                     since: date | None = Query(None, description="article published on or after"),
                     until: date | None = Query(None, description="article published on or before"),
                     site: str | None = Query(None, max_length=500),
                     article_id: str | None = Query(None, max_length=200),
                     q: str | None = Query(None, max_length=500, description="content contains"),
                     page: Paging = Depends()) -> Response:
    return JSONResponse(db.attributions(speaker, kind, stance, anonymous, since, until, site,
                                        article_id, q, page.limit, page.offset).to_dict())


@router.get("/api/speakers", tags=["speakers"], response_model=PageOut, responses=ERRORS,
            summary="Speakers grouped by label (name, else role and affiliation), most quoted first")
def api_speakers(db: DB, q: str | None = Query(None, max_length=500), anonymous: bool | None = None,
                 page: Paging = Depends()) -> Response:
    return JSONResponse(db.speakers(q, anonymous, page.limit, page.offset).to_dict())


@router.get("/api/speakers/timeline", tags=["speakers"], response_model=PageOut, responses=ERRORS,
            summary="What the speakers with this label said, oldest first")
def api_speaker_timeline(db: DB, name: str = Query(..., min_length=1, max_length=500),
                         page: TimelinePaging = Depends()) -> Response:
    return JSONResponse(db.speaker_timeline(name, page.limit, page.offset).to_dict())


# -- cross-article tables ------------------------------------------------------------------------


@router.get("/api/entities", tags=["entities"], response_model=PageOut, responses=ERRORS,
            summary="Cross-article entities (empty when the store has none)")
def api_entities(db: DB, q: str | None = Query(None, max_length=500),
                 type: str | None = Query(None, max_length=50),
                 page: Paging = Depends()) -> Response:
    return JSONResponse(db.entities(q, type, page.limit, page.offset).to_dict())


@router.get("/api/entities/{entity_id}", tags=["entities"], responses=ERRORS)
def api_entity(db: DB, entity_id: str) -> Response:
    entity = db.entity(entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    return JSONResponse(entity)


@router.get("/api/entities/{entity_id}/timeline", tags=["entities"], response_model=PageOut,
            responses=ERRORS, summary="What an entity said across articles, oldest first")
def api_entity_timeline(db: DB, entity_id: str, page: TimelinePaging = Depends()) -> Response:
    if db.entity(entity_id) is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    return JSONResponse(db.entity_timeline(entity_id, page.limit, page.offset).to_dict())


@router.get("/api/claims", tags=["claims"], response_model=PageOut, responses=ERRORS,
            summary="Claims made across articles (empty when the store has none)")
def api_claims(db: DB, q: str | None = Query(None, max_length=500),
               page: Paging = Depends()) -> Response:
    return JSONResponse(db.claims(q, page.limit, page.offset).to_dict())


@router.get("/api/claims/{claim_id}", tags=["claims"], responses=ERRORS,
            summary="One claim and its member attributions (paginated as members)")
def api_claim(db: DB, claim_id: str, page: TimelinePaging = Depends()) -> Response:
    claim = db.claim(claim_id, page.limit, page.offset)
    if claim is None:
        raise HTTPException(404, f"no claim {claim_id!r}")
    return JSONResponse(claim)


@router.get("/api/disputes", tags=["disputes"], response_model=PageOut, responses=ERRORS,
            summary="Pairs of statements that dispute each other, within and across articles")
def api_disputes(db: DB, type: DisputeType | None = None,  # type: ignore[valid-type]
                 q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
    return JSONResponse(db.disputes(type, q, page.limit, page.offset).to_dict())


# -- status, overview ----------------------------------------------------------------------------


@router.get("/api/status", tags=["store"], summary="Ingest status: table sizes, units, reasons")
def api_status(db: DB) -> Response:
    return JSONResponse(db.status())


@router.get("/api/ingest", tags=["store"], response_model=PageOut, responses=ERRORS,
            summary="Units of input from the ingest log, by status")
def api_ingest(db: DB, status: UnitStatus | None = None,  # type: ignore[valid-type]
               page: Paging = Depends()) -> Response:
    return JSONResponse(db.ingest_units(status, page.limit, page.offset).to_dict())


@router.get("/api/overview", tags=["store"], summary="The overview's numbers")
def api_overview(db: DB) -> Response:
    return JSONResponse(db.overview())


# -- extract -------------------------------------------------------------------------------------


@router.post("/api/extract", tags=["extract"], responses=EXTRACT_ERRORS, openapi_extra=EXTRACT_DOC,
             summary="Analyse a text and return its record, without storing it")
async def api_extract(request: Request, extractor: Extraction) -> Response:
    body = await read_extract(request)
    return JSONResponse(await run_in_threadpool(extractor.extract, body))


@router.post("/extract", tags=["extract"], responses=EXTRACT_ERRORS, openapi_extra=EXTRACT_DOC,
             summary="Same as POST /api/extract")
async def root_extract(request: Request, extractor: Extraction) -> Response:
    body = await read_extract(request)
    return JSONResponse(await run_in_threadpool(extractor.extract, body))
