"""Summaries of a whole store: ingest status, the ingest log, and the overview's numbers. The
store cannot change while served, so the summaries are computed once and cached."""
from __future__ import annotations

import os
from typing import Any

from .connection import StoreReader
from .sql import KEYS, Page, plain


class SummaryQueries(StoreReader):
    """Store-wide numbers for the status and overview pages."""

    def status(self) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            cur = self.cursor()
            tables = {t: cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                      for t in sorted(self.columns) if t != "meta"}
            units = dict(cur.execute("SELECT status, count(*) FROM ingest_log GROUP BY 1").fetchall())
            kinds = [{"kind": k, "status": s, "units": n} for k, s, n in cur.execute(
                "SELECT kind, status, count(*) FROM ingest_log GROUP BY ALL ORDER BY ALL").fetchall()]
            reasons = {}
            for status in ("skipped", "failed"):
                reasons[status] = [{"reason": tag, "units": n} for tag, n in cur.execute(
                    "SELECT split_part(reason, ':', 1) AS tag, count(*) AS n FROM ingest_log "
                    "WHERE status = ? GROUP BY tag ORDER BY n DESC, tag LIMIT 12", [status]).fetchall()]
            first, last = cur.execute("SELECT min(published), max(published) FROM articles").fetchone()
            return {"db": os.path.basename(self.path), "schema_version": self.schema_version,
                    "tables": tables,
                    "units": {s: units.get(s, 0) for s in ("ok", "skipped", "failed")},
                    "units_by_kind": kinds, "reasons": reasons,
                    "published": [plain(first), plain(last)], "features": self.features()}
        return self.cached("status", compute)

    def ingest_units(self, status: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        total = self.value(f"SELECT count(*) FROM ingest_log {where}", params)
        rows = self.rows(f"SELECT unit, kind, status, reason, article_id FROM ingest_log {where} "
                         f"ORDER BY unit LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def overview(self) -> dict[str, Any]:
        return self.cached("overview", self._overview)

    def _overview(self) -> dict[str, Any]:
        cur = self.cursor()
        totals = dict(zip(("articles", "sites", "first", "last"), cur.execute(
            "SELECT count(*), count(DISTINCT site), min(published), max(published) FROM articles"
        ).fetchone()))
        totals["attributions"], totals["with_speaker"], totals["anonymous"] = cur.execute(
            f"SELECT count(*), count(*) FILTER (WHERE has_speaker), count(*) FILTER (WHERE anonymous) "
            f"FROM {KEYS}").fetchone()
        totals["unattributed"] = cur.execute("SELECT count(*) FROM unattributed").fetchone()[0]
        months = [{"month": m, "articles": n} for m, n in cur.execute(
            "SELECT strftime(published, '%Y-%m') AS m, count(*) FROM articles "
            "WHERE published IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall()]
        sites = [{"site": s, "articles": n} for s, n in cur.execute(
            "SELECT coalesce(site, '(no site)'), count(*) FROM articles GROUP BY 1 "
            "ORDER BY 2 DESC, 1 LIMIT 15").fetchall()]
        top_sites = [s["site"] for s in sites[:8]]
        recent = [m["month"] for m in months[-24:]]
        cells = []
        if top_sites and recent:
            cells = [{"site": s, "month": m, "articles": n} for s, m, n in cur.execute(
                "SELECT coalesce(site, '(no site)') AS s, strftime(published, '%Y-%m') AS m, count(*) "
                "FROM articles WHERE published IS NOT NULL AND coalesce(site, '(no site)') IN "
                "(SELECT unnest(?)) AND strftime(published, '%Y-%m') IN (SELECT unnest(?)) "
                "GROUP BY ALL", [top_sites, recent]).fetchall()]
        anonymous = [{"month": m, "with_speaker": n, "anonymous": k} for m, n, k in cur.execute(
            f"SELECT strftime(published, '%Y-%m') AS m, count(*) FILTER (WHERE has_speaker), "
            f"count(*) FILTER (WHERE anonymous) FROM {KEYS} WHERE published IS NOT NULL "
            f"GROUP BY 1 ORDER BY 1").fetchall()]
        if self.has_entities and self.has_links and self.has("entities", "name"):
            quoted = [{"label": name, "entity_id": eid, "attributions": n} for eid, name, n in cur.execute(
                "SELECT CAST(e.id AS VARCHAR), e.name, count(*) AS n FROM attribution_entities l "
                "JOIN entities e ON CAST(e.id AS VARCHAR) = CAST(l.entity_id AS VARCHAR) "
                "GROUP BY 1, 2 ORDER BY n DESC, 2 LIMIT 15"
            ).fetchall()]
        else:
            quoted = [{"label": label, "entity_id": None, "attributions": n} for label, n in cur.execute(
                f"SELECT min(label) AS label, count(*) AS n FROM {KEYS} WHERE has_speaker AND NOT "
                f"anonymous AND label IS NOT NULL GROUP BY label_lc ORDER BY n DESC, label LIMIT 15"
            ).fetchall()]
        return {"totals": {k: plain(v) for k, v in totals.items()}, "months": months,
                "sites": sites, "site_months": {"sites": top_sites, "months": recent, "cells": cells},
                "anonymous": anonymous, "most_quoted": quoted, "features": self.features()}
