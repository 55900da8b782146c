"""The app's shared state, handed to routes as FastAPI dependencies: the routers hold no state
of their own, so one router serves any number of apps (each test builds its own)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from .extract import Extractor
from .queries import Queries
from .render import Renderer


def get_queries(request: Request) -> Queries:
    return request.app.state.queries


def get_renderer(request: Request) -> Renderer:
    return request.app.state.renderer


def get_extractor(request: Request) -> Extractor:
    return request.app.state.extractor


DB = Annotated[Queries, Depends(get_queries)]
Pages = Annotated[Renderer, Depends(get_renderer)]
Extraction = Annotated[Extractor, Depends(get_extractor)]
