"""Read-only SQL over a saidwhat store, for the web pages and the HTTP API.

:class:`Queries` is the one object the web app holds: it joins the query modules, one per job -
:mod:`.articles`, :mod:`.speakers` (attributions and speakers), :mod:`.crossarticle` (entities and
claims), :mod:`.disputes`, :mod:`.summaries` (status and overview) - over the shared plumbing of
:mod:`.connection` (the read-only store) and :mod:`.keys` (the attribution lookup table).

Tables of the store (``saidwhat.store.SCHEMA``) are used by name. The cross-article tables
(``entities``, ``attribution_entities``, ``claims``, ``claim_members`` and a cross-article relations
table) are optional: they are looked up in ``information_schema`` when the store is opened, and the
queries that need them return empty lists when they are absent. Their columns are assumed as little
as possible (see docs/web.md, "Cross-article tables"): optional columns are read only if present.
"""
from __future__ import annotations

from .articles import ArticleQueries
from .connection import CROSS_RELATION_COLUMNS, StoreReader, connect_read_only
from .crossarticle import CrossArticleQueries
from .disputes import DISPUTE_TYPES, DisputeQueries, evidence
from .speakers import SpeakerQueries
from .sql import KEYS, LABEL, Page, label_of, label_sql, literal_pattern, natural, plain
from .summaries import SummaryQueries

__all__ = ["CROSS_RELATION_COLUMNS", "DISPUTE_TYPES", "KEYS", "LABEL", "Page", "Queries",
           "StoreReader", "connect_read_only", "evidence", "label_of", "label_sql",
           "literal_pattern", "natural", "plain"]


class Queries(ArticleQueries, SpeakerQueries, CrossArticleQueries, DisputeQueries, SummaryQueries):
    """The read-only queries of the web app over one store file."""
