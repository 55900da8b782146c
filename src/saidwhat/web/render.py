"""The HTML side: one Jinja environment (autoescaping, since everything from the store is hostile
input) with the template helpers, and rendering a template into a response."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.requests import Request

from saidwhat import __version__

from . import links

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _number(v: Any) -> Any:
    return f"{v:,}" if isinstance(v, (int, float)) else ("" if v is None else v)


def _pretty(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, indent=2, ensure_ascii=False)


# Bidirectional controls (LRE … RLO, LRI … PDI) and NUL in text from the store would let a name
# or a headline display reversed or spoof what is next to it; shown as U+FFFD, one for one.
# Only the page shows this: the store and the API keep the text as given.
_NEUTRALISED = {cp: "\ufffd" for cp in (0, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def _shown(v: Any) -> Any:
    """Every value a template prints, with the characters above neutralised."""
    if isinstance(v, Markup):
        return Markup(str(v).translate(_NEUTRALISED))
    return v.translate(_NEUTRALISED) if isinstance(v, str) else v


def _percent(v: Any) -> str:
    return "" if v is None else f"{100 * v:.0f}%"


class Renderer:
    """Renders the app's templates; ``features`` says which optional store tables exist."""

    def __init__(self, features: Callable[[], dict[str, bool]]) -> None:
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True, finalize=_shown)
        self.env.globals.update(version=__version__, features=features,
                                speaker_url=links.speaker_url, safe_url=links.safe_url,
                                page_url=links.page_url, qs=links.qs, site_href=links.site_href,
                                quoted_href=links.quoted_href)
        self.env.filters.update(n=_number, pretty=_pretty, pct=_percent)

    def text(self, request: Request, name: str, path: str | None = None, **ctx: Any) -> str:
        """The template ``name`` rendered for ``request`` (``path``: the page's, if not the URL's)."""
        ctx.setdefault("title", "saidwhat")
        return self.env.get_template(name).render(request=request, path=path or request.url.path,
                                                  **ctx)

    def page(self, request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        """The template ``name`` as an HTML response."""
        return HTMLResponse(self.text(request, name, **ctx), status_code=status)
