"""URLs the templates build: kept here, in one place, so that every link to a speaker, a site or
another page is made (and escaped) the same way, and no article URL other than http(s) is ever
linked."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from starlette.requests import Request


def quote_path(value: str) -> str:
    """``value`` as one path segment (slashes too escaped)."""
    return quote(value, safe="")


def speaker_url(label: str | None, entity_id: Any = None) -> str | None:
    """The page of a speaker: its entity when the store links one, else its label's timeline."""
    if entity_id is not None:
        return f"/entities/{quote_path(str(entity_id))}"
    if label:
        return "/speaker?" + urlencode({"name": label})
    return None


def site_href(item: dict[str, Any]) -> str | None:
    """The articles of an item's site, unless it has none."""
    site = item.get("site")
    return "/articles?" + urlencode({"site": site}) if site and site != "(no site)" else None


def quoted_href(item: dict[str, Any]) -> str | None:
    """The page of one of the overview's most quoted speakers."""
    return speaker_url(item.get("label"), item.get("entity_id"))


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
