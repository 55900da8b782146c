"""Queries about articles: the filtered list, the sites, and one article's full record."""
from __future__ import annotations

from typing import Any

from .keys import KeyedReader
from .sql import KEYS, Page, label_of, literal_pattern, natural, plain


class ArticleQueries(KeyedReader):
    """Articles, newest first, and the record of one article as stored."""

    @staticmethod
    def _article_filters(site: str | None, since: Any, until: Any, q: str | None,
                         alias: str = "a") -> tuple[list[str], list[Any]]:
        where, params = [], []
        if site:
            where.append(f"{alias}.site = ?")
            params.append(site)
        if since:
            where.append(f"{alias}.published >= ?")
            params.append(since)
        if until:
            where.append(f"{alias}.published <= ?")
            params.append(until)
        if q:
            pattern = literal_pattern(q)
            where.append(f"(regexp_matches(coalesce({alias}.title, ''), ?) "
                         f"OR regexp_matches({alias}.text, ?))")
            params += [pattern, pattern]
        return where, params

    def articles(self, site: str | None = None, since: Any = None, until: Any = None,
                 q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        where, params = self._article_filters(site, since, until, q)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = self.value(f"SELECT count(*) FROM articles a {clause}", params)
        # The page's ids first (a narrow sort), then their rows.
        ids = [r[0] for r in self.cursor().execute(
            f"SELECT a.id FROM articles a {clause} ORDER BY a.published DESC NULLS LAST, a.id "
            f"LIMIT ? OFFSET ?", params + [limit, offset]).fetchall()]
        if not ids:
            return Page([], total, limit, offset)
        found = {r["id"]: r for r in self.rows(
            "SELECT id, title, site, url, author, published, language, chars, left(text, 240) AS "
            "snippet FROM articles WHERE id IN (SELECT unnest(?))", [ids])}
        counts = {aid: (n, anon) for aid, n, anon in self.cursor().execute(
            f"SELECT article_id, count(*), count(*) FILTER (WHERE anonymous) FROM {KEYS} "
            f"WHERE article_id IN (SELECT unnest(?)) GROUP BY 1", [ids]).fetchall()}
        items = []
        for aid in ids:
            item = {k: plain(v) for k, v in found[aid].items()}
            item["attributions"], item["anonymous"] = counts.get(aid, (0, 0))
            items.append(item)
        return Page(items, total, limit, offset)

    def sites(self) -> list[dict[str, Any]]:
        return self.cached("sites", lambda: [
            {"site": s, "articles": n} for s, n in self.cursor().execute(
                "SELECT site, count(*) FROM articles WHERE site IS NOT NULL GROUP BY 1 "
                "ORDER BY 2 DESC, 1 LIMIT 500").fetchall()])

    def article(self, article_id: str) -> dict[str, Any] | None:
        """The full record of one article, as stored, plus cross-article links when present."""
        found = self.rows("SELECT * FROM articles WHERE id = ?", [article_id])
        if not found:
            return None
        art = {k: plain(v) for k, v in found[0].items()}
        # Separate point queries joined here: cheaper than a SQL join over the speakers table.
        speakers = [{k: plain(v) for k, v in r.items() if k != "article_id"} for r in self.rows(
            "SELECT * FROM speakers WHERE article_id = ?", [article_id])]
        speakers.sort(key=lambda sp: natural(sp.get("id")))
        by_id = {sp.get("id"): sp for sp in speakers}
        links = self._entity_links(article_id)
        attributions = []
        rows = self.rows("SELECT * FROM attributions WHERE article_id = ?", [article_id])
        for r in sorted(rows, key=lambda r: natural(r.get("id"))):
            sp = by_id.get(r.get("speaker_id"))
            if sp is not None:
                r.update(s_name=sp.get("name"), s_role=sp.get("role"), s_affiliation=sp.get("affiliation"),
                         s_type=sp.get("type"), s_anonymous=sp.get("anonymous"))
            r["s_label"] = label_of(sp or {}, r.get("source_text"))
            a = self.attribution(r)
            link = links.get(str(r["id"]))
            a["entity_id"], a["entity_name"] = link if link else (None, None)
            attributions.append(a)
        unattributed = [{k: plain(v) for k, v in r.items() if k != "article_id"} for r in self.rows(
            "SELECT * FROM unattributed WHERE article_id = ?", [article_id])]
        unattributed.sort(key=lambda u: u.get("n") or 0)
        relations = []
        if self.has_relations:
            found_rel = self.rows("SELECT * FROM relations WHERE article_id = ?", [article_id])
            for r in sorted(found_rel, key=lambda r: r.get("n") or 0):
                relations.append({"type": r.get("type"), "from": r.get("from_id"),
                                  "to": r.get("to_id"),
                                  "evidence": {"spans": plain(r.get("evidence_spans")) or []},
                                  "score": plain(r.get("score"))})
        cross = self._cross_for_article(article_id)
        claims = []
        if self.has_members:
            claims = [{k: plain(v) for k, v in r.items()} for r in self.rows(
                "SELECT CAST(claim_id AS VARCHAR) AS claim_id, CAST(attribution_id AS VARCHAR) "
                "AS attribution_id FROM claim_members WHERE article_id = ? ORDER BY 1, 2",
                [article_id])]
        text = art.pop("text")
        art["text"] = text
        return {"article": art, "attributions": attributions, "speakers": speakers,
                "unattributed": unattributed, "relations": relations,
                "cross_relations": cross, "claims": claims}

    def _entity_links(self, article_id: str) -> dict[str, tuple[str, str | None]]:
        return {tid: link for (_, tid), link in self._links_many([article_id]).items()}

    def _cross_for_article(self, article_id: str) -> list[dict[str, Any]]:
        out = []
        for table in self.cross_tables:
            for r in self.rows(f"SELECT * FROM {table} WHERE article_id_from = ? OR article_id_to = ? "
                               f"LIMIT 200", [article_id, article_id]):
                out.append({k: plain(v) for k, v in r.items()})
        return out
