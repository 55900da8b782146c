"""Queries over the optional cross-article tables: entities and their timelines, claims and their
members. Each answers empty (or None) when its tables are absent; optional columns are read only
if present (see docs/web.md, "Cross-article tables")."""
from __future__ import annotations

from typing import Any, Iterable

from .keys import KeyedReader
from .sql import KEYS, Page, plain


class CrossArticleQueries(KeyedReader):
    """Entities and claims, when the store has them."""

    def _order(self, table: str, preferred: Iterable[tuple[str, str]]) -> str:
        parts = [f"{c} {d}" for c, d in preferred if self.has(table, c)]
        return ", ".join(parts + ["CAST(id AS VARCHAR)"])

    def _is_numeric(self, table: str, column: str) -> bool:
        dtype = self.columns.get(table, {}).get(column, "").upper()
        return any(k in dtype for k in ("INT", "DOUBLE", "FLOAT", "DECIMAL", "REAL", "NUMERIC"))

    def entities(self, q: str | None = None, type: str | None = None,
                 limit: int = 50, offset: int = 0) -> Page:
        if not self.has_entities:
            return Page([], 0, limit, offset)
        where, params = [], []
        if q:
            parts = [f"contains(lower(CAST(e.{c} AS VARCHAR)), lower(?))"
                     for c in ("name", "aliases") if self.has("entities", c)]
            if parts:
                where.append(f"({' OR '.join(parts)})")
                params += [q] * len(parts)
        if type and self.has("entities", "type"):
            where.append("e.type = ?")
            params.append(type)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        count_col, join = "NULL::BIGINT", ""
        if self.has_links:
            count_col = "coalesce(n.attributions, 0)"
            join = ("LEFT JOIN (SELECT CAST(entity_id AS VARCHAR) AS eid, count(*) AS attributions "
                    "FROM attribution_entities GROUP BY 1) n ON n.eid = CAST(e.id AS VARCHAR)")
        order = []
        if self.has_links:
            order.append("attributions DESC")
        if self._is_numeric("entities", "mentions"):
            order.append("e.mentions DESC NULLS LAST")
        if self.has("entities", "name"):
            order.append("e.name")
        order.append("CAST(e.id AS VARCHAR)")
        total = self.value(f"SELECT count(*) FROM entities e {clause}", params)
        rows = self.rows(f"SELECT e.*, CAST(e.id AS VARCHAR) AS id, {count_col} AS attributions "
                         f"FROM entities e {join} {clause} ORDER BY {', '.join(order)} "
                         f"LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        if not self.has_entities:
            return None
        rows = self.rows("SELECT e.*, CAST(e.id AS VARCHAR) AS id FROM entities e "
                         "WHERE CAST(e.id AS VARCHAR) = ?", [entity_id])
        return {k: plain(v) for k, v in rows[0].items()} if rows else None

    def entity_timeline(self, entity_id: str, limit: int = 200, offset: int = 0) -> Page:
        if not self.has_links:
            return Page([], 0, limit, offset)
        source = (f"{KEYS} k JOIN (SELECT DISTINCT article_id, CAST(attribution_id AS VARCHAR) AS "
                  f"attribution_id FROM attribution_entities l WHERE CAST(l.entity_id AS VARCHAR) = ? "
                  f") l ON k.article_id = l.article_id "
                  f"AND k.id = l.attribution_id")
        total, items = self._key_page(source, "", [entity_id],
                                      "k.when_date NULLS LAST, k.published NULLS LAST, k.pos",
                                      limit, offset)
        return Page(items, total, limit, offset)

    def claims(self, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        if not self.has_claims:
            return Page([], 0, limit, offset)
        where, params = [], []
        if q and self.has("claims", "text"):
            where.append("contains(lower(c.text), lower(?))")
            params.append(q)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = self._order("claims", (("n_articles", "DESC NULLS LAST"),
                                       ("first_published", "NULLS LAST")))
        total = self.value(f"SELECT count(*) FROM claims c {clause}", params)
        rows = self.rows(f"SELECT c.*, CAST(c.id AS VARCHAR) AS id FROM claims c {clause} "
                         f"ORDER BY {order} LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def claim(self, claim_id: str, limit: int = 200, offset: int = 0) -> dict[str, Any] | None:
        if not self.has_claims:
            return None
        rows = self.rows("SELECT c.*, CAST(c.id AS VARCHAR) AS id FROM claims c "
                         "WHERE CAST(c.id AS VARCHAR) = ?", [claim_id])
        if not rows:
            return None
        claim = {k: plain(v) for k, v in rows[0].items()}
        members = Page([], 0, limit, offset)
        if self.has_members:
            source = (f"{KEYS} k JOIN (SELECT DISTINCT article_id, CAST(attribution_id AS VARCHAR) "
                      f"AS attribution_id FROM claim_members WHERE CAST(claim_id AS VARCHAR) = ?) m "
                      f"ON k.article_id = m.article_id AND k.id = m.attribution_id")
            total, items = self._key_page(source, "", [claim_id], "k.when_date NULLS LAST, k.pos",
                                          limit, offset)
            members = Page(items, total, limit, offset)
        claim["members"] = members.to_dict()
        return claim
