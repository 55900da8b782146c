"""The FastAPI application: HTTP API under ``/api``, web pages at the root, one store, read-only.

``create_app(db_path, token=None)`` opens the store read-only and returns the app. Safety, in one
place (:class:`Guard`, the outermost ASGI layer):

* every response carries a Content-Security-Policy that allows scripts and styles from this
  server's ``/static`` only (no inline script, no inline style, no other origin), plus nosniff,
  no-referrer and no framing;
* with a token, every request must carry it (``Authorization: Bearer``, ``X-Saidwhat-Token``, or
  the cookie that ``/?token=...`` sets); without one, only loopback ``Host`` headers are served
  (so a web page cannot reach the API through DNS rebinding);
* request bodies over ``max_body`` bytes are refused with 413, whether announced by
  Content-Length or streamed.

Article text, titles, names - everything from the store - is hostile input: templates autoescape,
the highlighted article is built from offsets with each piece escaped (:mod:`.highlight`), and the
browser code writes text with ``textContent`` only.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import date
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from saidwhat import __version__
from saidwhat.errors import SaidwhatError
from saidwhat.record import KINDS, STANCES

from . import charts
from .highlight import highlight, marks_for
from .queries import Queries

HERE = Path(__file__).resolve().parent
MAX_BODY = 1_000_000  # bytes of a request body
MAX_TEXT = 200_000  # characters of a text to extract
MAX_LIMIT = 500
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
Kind = Literal[KINDS]  # type: ignore[valid-type]
Stance = Literal[STANCES]  # type: ignore[valid-type]


# ------------------------------------------------------------------------------------------------
# The outermost layer: headers, token, host, body size


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


# ------------------------------------------------------------------------------------------------
# Models (for the OpenAPI document; handlers return JSON directly)


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


class Paging:
    def __init__(self, limit: int = Query(50, ge=1, le=MAX_LIMIT, description="items per page"),
                 offset: int = Query(0, ge=0, le=100_000_000, description="items to skip")) -> None:
        self.limit, self.offset = limit, offset


class TimelinePaging(Paging):
    def __init__(self, limit: int = Query(200, ge=1, le=MAX_LIMIT, description="items per page"),
                 offset: int = Query(0, ge=0, le=100_000_000, description="items to skip")) -> None:
        super().__init__(limit, offset)


# ------------------------------------------------------------------------------------------------
# The app


def create_app(db_path: str, token: str | None = None, *, max_body: int = MAX_BODY,
               max_text: int = MAX_TEXT, pipeline: Any = None,
               allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS) -> Any:
    """The ASGI app serving ``db_path`` (opened read-only). ``token``: require it on every request.
    ``pipeline``: a loaded :class:`saidwhat.Pipeline` for ``POST /extract`` (loaded lazily if None).
    Returns the FastAPI app wrapped in :class:`Guard`; the FastAPI object is ``.fastapi``."""
    db = Queries(db_path)
    api = FastAPI(title="saidwhat", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Who said what, in a saidwhat store: articles, attributions, "
                              "speakers, entities, claims, disputes, ingest status; and "
                              "`POST /api/extract` to analyse a text without storing it. Every "
                              "list is paginated with `limit` and `offset` and answers "
                              "`{items, total, limit, offset}`; errors answer "
                              "`{error: {status, message}}`.")
    api.state.queries = db
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(version=__version__, features=db.features, speaker_url=speaker_url,
                       safe_url=safe_url, page_url=page_url, qs=qs, site_href=site_href,
                       quoted_href=quoted_href)
    env.filters["n"] = lambda v: f"{v:,}" if isinstance(v, (int, float)) else ("" if v is None else v)
    env.filters["pretty"] = lambda v: v if isinstance(v, str) else json.dumps(v, indent=2, ensure_ascii=False)
    env.filters["pct"] = lambda v: "" if v is None else f"{100 * v:.0f}%"
    state: dict[str, Any] = {"pipeline": pipeline}
    extract_lock = threading.Lock()

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "saidwhat")
        html = env.get_template(name).render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status)

    # -- errors ---------------------------------------------------------------------------------

    def wants_html(request: Request) -> bool:
        if request.url.path.startswith(API_PREFIXES):
            return False
        return "text/html" in request.headers.get("accept", "")

    def error(request: Request, status: int, message: str, details: Any = None,
              headers: dict[str, str] | None = None) -> Response:
        if wants_html(request):
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = ""
            page = render(request, "error.html", status=status, title=f"{status} {reason}",
                          code=status, reason=reason, message=message)
            for name, value in (headers or {}).items():
                page.headers[name] = value
            return page
        body: dict[str, Any] = {"status": status, "message": message}
        if details:
            body["details"] = details
        return JSONResponse({"error": body}, status_code=status, headers=headers)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"not found: {request.url.path}"
        if exc.status_code == 405:
            message = f"method {request.method} not allowed on {request.url.path}"
        return error(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        details = []
        for e in exc.errors():
            loc = [str(p) for p in e.get("loc", ())]
            details.append({"where": ".".join(loc), "message": e.get("msg", "invalid")})
        message = "invalid request: " + "; ".join(
            f"{d['where'].split('.', 1)[-1] if '.' in d['where'] else d['where']}: {d['message']}"
            for d in details)
        return error(request, 422, message, details)

    @api.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:  # pragma: no cover - a bug
        return error(request, 500, f"internal error: {exc.__class__.__name__}")

    # -- API: articles ---------------------------------------------------------------------------

    @api.get("/api/articles", tags=["articles"], response_model=PageOut, responses=ERRORS,
             summary="Articles, newest first, filtered by site, date range and text")
    def api_articles(site: str | None = Query(None, max_length=500),
                     since: date | None = Query(None, description="published on or after"),
                     until: date | None = Query(None, description="published on or before"),
                     q: str | None = Query(None, max_length=500, description="text or title contains"),
                     page: Paging = Depends()) -> Response:
        return JSONResponse(db.articles(site, since, until, q, page.limit, page.offset).to_dict())

    @api.get("/api/articles/{article_id}", tags=["articles"], responses=ERRORS,
             summary="One article's full record: text, attributions, speakers, unattributed, relations")
    def api_article(article_id: str) -> Response:
        record = db.article(article_id)
        if record is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return JSONResponse(record)

    @api.get("/api/sites", tags=["articles"], summary="Sites and their article counts")
    def api_sites() -> Response:
        items = db.sites()
        return JSONResponse({"items": items, "total": len(items), "limit": len(items), "offset": 0})

    # -- API: attributions, speakers -------------------------------------------------------------

    @api.get("/api/attributions", tags=["attributions"], response_model=PageOut, responses=ERRORS,
             summary="Attributions across articles, filtered")
    def api_attributions(speaker: str | None = Query(None, max_length=500,
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

    @api.get("/api/speakers", tags=["speakers"], response_model=PageOut, responses=ERRORS,
             summary="Speakers grouped by label (name, else role and affiliation), most quoted first")
    def api_speakers(q: str | None = Query(None, max_length=500), anonymous: bool | None = None,
                     page: Paging = Depends()) -> Response:
        return JSONResponse(db.speakers(q, anonymous, page.limit, page.offset).to_dict())

    @api.get("/api/speakers/timeline", tags=["speakers"], response_model=PageOut, responses=ERRORS,
             summary="What the speakers with this label said, oldest first")
    def api_speaker_timeline(name: str = Query(..., min_length=1, max_length=500),
                             page: TimelinePaging = Depends()) -> Response:
        return JSONResponse(db.speaker_timeline(name, page.limit, page.offset).to_dict())

    # -- API: cross-article tables ----------------------------------------------------------------

    @api.get("/api/entities", tags=["entities"], response_model=PageOut, responses=ERRORS,
             summary="Cross-article entities (empty when the store has none)")
    def api_entities(q: str | None = Query(None, max_length=500),
                     type: str | None = Query(None, max_length=50),
                     page: Paging = Depends()) -> Response:
        return JSONResponse(db.entities(q, type, page.limit, page.offset).to_dict())

    @api.get("/api/entities/{entity_id}", tags=["entities"], responses=ERRORS)
    def api_entity(entity_id: str) -> Response:
        entity = db.entity(entity_id)
        if entity is None:
            raise HTTPException(404, f"no entity {entity_id!r}")
        return JSONResponse(entity)

    @api.get("/api/entities/{entity_id}/timeline", tags=["entities"], response_model=PageOut,
             responses=ERRORS, summary="What an entity said across articles, oldest first")
    def api_entity_timeline(entity_id: str, page: TimelinePaging = Depends()) -> Response:
        if db.entity(entity_id) is None:
            raise HTTPException(404, f"no entity {entity_id!r}")
        return JSONResponse(db.entity_timeline(entity_id, page.limit, page.offset).to_dict())

    @api.get("/api/claims", tags=["claims"], response_model=PageOut, responses=ERRORS,
             summary="Claims made across articles (empty when the store has none)")
    def api_claims(q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
        return JSONResponse(db.claims(q, page.limit, page.offset).to_dict())

    @api.get("/api/claims/{claim_id}", tags=["claims"], responses=ERRORS,
             summary="One claim and its member attributions (paginated as members)")
    def api_claim(claim_id: str, page: TimelinePaging = Depends()) -> Response:
        claim = db.claim(claim_id, page.limit, page.offset)
        if claim is None:
            raise HTTPException(404, f"no claim {claim_id!r}")
        return JSONResponse(claim)

    @api.get("/api/disputes", tags=["disputes"], response_model=PageOut, responses=ERRORS,
             summary="Pairs of statements that dispute each other, within and across articles")
    def api_disputes(type: Literal["disputes", "denies", "contradicts"] | None = None,
                     q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
        return JSONResponse(db.disputes(type, q, page.limit, page.offset).to_dict())

    # -- API: status, overview, extract -----------------------------------------------------------

    @api.get("/api/status", tags=["store"], summary="Ingest status: table sizes, units, reasons")
    def api_status() -> Response:
        return JSONResponse(db.status())

    @api.get("/api/ingest", tags=["store"], response_model=PageOut, responses=ERRORS,
             summary="Units of input from the ingest log, by status")
    def api_ingest(status: Literal["ok", "skipped", "failed"] | None = None,
                   page: Paging = Depends()) -> Response:
        return JSONResponse(db.ingest_units(status, page.limit, page.offset).to_dict())

    @api.get("/api/overview", tags=["store"], summary="The overview's numbers")
    def api_overview() -> Response:
        return JSONResponse(db.overview())

    def get_pipeline() -> Any:
        if state["pipeline"] is None:
            from saidwhat import Pipeline

            state["pipeline"] = Pipeline()
        return state["pipeline"]

    def do_extract(body: ExtractIn) -> Response:
        if len(body.text) > max_text:
            raise HTTPException(413, f"text is {len(body.text):,} characters; the limit is {max_text:,}")
        with extract_lock:  # one model, one document at a time
            try:
                record = get_pipeline().extract(
                    body.text, title=body.title, url=body.url,
                    published=body.published.isoformat() if body.published else None)
            except SaidwhatError as exc:
                raise HTTPException(422, str(exc)) from None
        return JSONResponse(record.to_dict())

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

    extract_doc = {"requestBody": {"required": True, "content": {
        "application/json": {"schema": ExtractIn.model_json_schema()}}}}
    extract_errors = {**ERRORS, 413: {"model": ErrorOut}, 415: {"model": ErrorOut}}

    @api.post("/api/extract", tags=["extract"], responses=extract_errors, openapi_extra=extract_doc,
              summary="Analyse a text and return its record, without storing it")
    async def api_extract(request: Request) -> Response:
        return await run_in_threadpool(do_extract, await read_extract(request))

    @api.post("/extract", tags=["extract"], responses=extract_errors, openapi_extra=extract_doc,
              summary="Same as POST /api/extract")
    async def root_extract(request: Request) -> Response:
        return await run_in_threadpool(do_extract, await read_extract(request))

    # -- pages -------------------------------------------------------------------------------------

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_overview(request: Request) -> Response:
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
            return env.get_template("overview.html").render(request=request, path="/",
                                                            title="Overview", o=o, figs=figs)
        return HTMLResponse(db.cached("overview.html", draw))

    @api.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def page_articles(request: Request, site: str | None = Query(None, max_length=500),
                      since: date | None = None, until: date | None = None,
                      q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
        found = db.articles(site or None, since, until, q or None, page.limit, page.offset)
        return render(request, "articles.html", title="Articles", page=found, sites=db.sites(),
                      f={"site": site or "", "since": since or "", "until": until or "", "q": q or ""})

    @api.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_article(request: Request, article_id: str) -> Response:
        record = db.article(article_id)
        if record is None:
            raise HTTPException(404, f"no article {article_id!r}")
        art = record["article"]
        marked = highlight(art["text"], marks_for(record["attributions"], record["unattributed"]))
        by_id = {a["id"]: a for a in record["attributions"]}
        return render(request, "article.html", title=art.get("title") or art["id"], r=record,
                      art=art, marked=marked, by_id=by_id)

    @api.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def page_speakers(request: Request, q: str | None = Query(None, max_length=500),
                      anonymous: bool | None = None, page: Paging = Depends()) -> Response:
        found = db.speakers(q or None, anonymous, page.limit, page.offset)
        return render(request, "speakers.html", title="Speakers", page=found, f={"q": q or ""})

    @api.get("/speaker", response_class=HTMLResponse, include_in_schema=False)
    def page_speaker(request: Request, name: str = Query(..., min_length=1, max_length=500),
                     page: TimelinePaging = Depends()) -> Response:
        found = db.speaker_timeline(name, page.limit, page.offset)
        if not found.total:
            return render(request, "timeline.html", status=404, title=name, page=found, who=name,
                          info=found.extra["speaker"], entity=None, figure=None)
        return render(request, "timeline.html", title=name, page=found, who=name,
                      info=found.extra["speaker"], entity=None, figure=timeline_figure(found.items))

    @api.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def page_entities(request: Request, q: str | None = Query(None, max_length=500),
                      type: str | None = Query(None, max_length=50), page: Paging = Depends()) -> Response:
        found = db.entities(q or None, type or None, page.limit, page.offset)
        return render(request, "entities.html", title="Entities", page=found, f={"q": q or ""})

    @api.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_entity(request: Request, entity_id: str, page: TimelinePaging = Depends()) -> Response:
        entity = db.entity(entity_id)
        if entity is None:
            raise HTTPException(404, f"no entity {entity_id!r}")
        found = db.entity_timeline(entity_id, page.limit, page.offset)
        who = str(entity.get("name") or entity_id)
        return render(request, "timeline.html", title=who, page=found, who=who, info=None,
                      entity=entity, figure=timeline_figure(found.items))

    @api.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def page_claims(request: Request, q: str | None = Query(None, max_length=500),
                    page: Paging = Depends()) -> Response:
        found = db.claims(q or None, page.limit, page.offset)
        return render(request, "claims.html", title="Claims", page=found, f={"q": q or ""})

    @api.get("/claims/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_claim(request: Request, claim_id: str, page: TimelinePaging = Depends()) -> Response:
        claim = db.claim(claim_id, page.limit, page.offset)
        if claim is None:
            raise HTTPException(404, f"no claim {claim_id!r}")
        members = claim.pop("members")
        return render(request, "claim.html", title=f"Claim {claim_id}", claim=claim, members=members)

    @api.get("/disputes", response_class=HTMLResponse, include_in_schema=False)
    def page_disputes(request: Request, type: Literal["disputes", "denies", "contradicts"] | None = None,
                      q: str | None = Query(None, max_length=500), page: Paging = Depends()) -> Response:
        found = db.disputes(type, q or None, page.limit, page.offset)
        return render(request, "disputes.html", title="Disputes", page=found,
                      f={"type": type or "", "q": q or ""})

    @api.get("/paste", response_class=HTMLResponse, include_in_schema=False)
    def page_paste(request: Request) -> Response:
        return render(request, "paste.html", title="Paste an article", max_text=max_text)

    @api.get("/status", response_class=HTMLResponse, include_in_schema=False)
    def page_status(request: Request, status: Literal["ok", "skipped", "failed"] | None = None,
                    page: Paging = Depends()) -> Response:
        units = db.ingest_units(status or "failed", page.limit, page.offset)
        return render(request, "status.html", title="Ingest status", s=db.status(), units=units,
                      shown=status or "failed")

    api.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    guarded = Guard(api, token, max_body, allowed_hosts)
    guarded.fastapi = api  # type: ignore[attr-defined]
    guarded.queries = db  # type: ignore[attr-defined]
    return guarded


# ------------------------------------------------------------------------------------------------
# Template helpers


def speaker_url(label: str | None, entity_id: Any = None) -> str | None:
    """The page of a speaker: its entity when the store links one, else its label's timeline."""
    if entity_id is not None:
        return f"/entities/{quote_path(str(entity_id))}"
    if label:
        return "/speaker?" + urlencode({"name": label})
    return None


def site_href(item: dict[str, Any]) -> str | None:
    site = item.get("site")
    return "/articles?" + urlencode({"site": site}) if site and site != "(no site)" else None


def quoted_href(item: dict[str, Any]) -> str | None:
    return speaker_url(item.get("label"), item.get("entity_id"))


def quote_path(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def safe_url(url: str | None) -> str | None:
    """An article's URL if it is http(s) (never javascript:, data: ...); else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def page_url(request: Request, offset: int) -> str:
    """This page's URL with another offset (other query parameters kept)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    if offset:
        params.append(("offset", str(offset)))
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def qs(**params: Any) -> str:
    """A query string of the non-empty parameters."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def timeline_figure(items: list[dict[str, Any]], width: int = 720, height: int = 70) -> dict[str, Any] | None:
    """Dots on a time axis, one per statement (dated by said_on, else publication)."""
    dated = [(date.fromisoformat(i["when"][:10]), i) for i in items if i.get("when")]
    if not dated:
        return None
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    span = max(1, (last - first).days)
    left, right = 20, width - 20
    dots, stack = [], {}
    for d, item in dated:
        x = left + (right - left) * ((d - first).days / span if last != first else 0.5)
        key = round(x / 6)
        level = stack.get(key, 0)
        stack[key] = level + 1
        dots.append({"x": round(x, 1), "y": 40 - min(level, 5) * 7, "date": d.isoformat(),
                     "href": f"/articles/{quote_path(str(item['article_id']))}#{item['id']}",
                     "text": (item.get("content") or {}).get("text") or ""})
    return {"width": width, "height": height, "dots": dots, "first": first.isoformat(),
            "last": last.isoformat(), "left": left, "right": right}

