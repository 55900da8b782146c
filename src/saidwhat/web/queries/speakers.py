"""Queries about who said what: attributions across articles, speakers grouped by label, and one
speaker's timeline."""
from __future__ import annotations

from typing import Any

from .keys import KeyedReader
from .sql import KEYS, Page, literal_pattern, plain


class SpeakerQueries(KeyedReader):
    """Attributions and speakers, over the lookup table."""

    def attributions(self, speaker: str | None = None, kind: str | None = None,
                     stance: str | None = None, anonymous: bool | None = None,
                     since: Any = None, until: Any = None, site: str | None = None,
                     article_id: str | None = None, q: str | None = None,
                     limit: int = 50, offset: int = 0) -> Page:
        where, params = [], []
        for column, value in (("kind", kind), ("stance", stance), ("site", site),
                              ("article_id", article_id)):
            if value:
                where.append(f"k.{column} = ?")
                params.append(value)
        if speaker:
            where.append("contains(k.label_lc, lower(?))")
            params.append(speaker)
        if anonymous is not None:
            where.append("k.anonymous = ?")
            params.append(anonymous)
        if since:
            where.append("k.published >= ?")
            params.append(since)
        if until:
            where.append("k.published <= ?")
            params.append(until)
        if q:
            where.append("EXISTS (SELECT 1 FROM attributions x WHERE x.article_id = k.article_id "
                         "AND x.id = k.id AND regexp_matches(x.content_text, ?))")
            params.append(literal_pattern(q))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total, items = self._key_page(f"{KEYS} k", clause, params, "k.pos", limit, offset)
        return Page(items, total, limit, offset)

    def speakers(self, q: str | None = None, anonymous: bool | None = None,
                 limit: int = 50, offset: int = 0) -> Page:
        # one list of people and bodies: resolved identities only (a name, or for an anonymous
        # source its role: "a senior official"), never a pronoun, an article, a bare common noun
        # ("the company": a different one in every article) or a fragment of the source
        where, params = ["label IS NOT NULL", "identified"], []
        if q:
            where.append("contains(label_lc, lower(?))")
            params.append(q)
        if anonymous is not None:
            where.append("anonymous = ?")
            params.append(anonymous)
        clause = " AND ".join(where)
        total = self.value(f"SELECT count(DISTINCT label_lc) FROM {KEYS} WHERE {clause}", params)
        rows = self.rows(
            f"SELECT min(label) AS label, count(*) AS attributions, count(DISTINCT article_id) "
            f"AS articles, bool_or(anonymous) AS anonymous, mode(type) AS type, min(published) "
            f"AS first, max(published) AS last FROM {KEYS} WHERE {clause} GROUP BY label_lc "
            f"ORDER BY attributions DESC, label LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def speaker_timeline(self, name: str, limit: int = 200, offset: int = 0) -> Page:
        """What the speakers labelled ``name`` (case-blind) said, oldest first."""
        total, items = self._key_page(f"{KEYS} k", "WHERE k.label_lc = lower(?)", [name],
                                      "k.when_date NULLS LAST, k.published NULLS LAST, k.pos",
                                      limit, offset)
        summary = self.rows(
            f"SELECT min(label) AS label, count(DISTINCT article_id) AS articles, "
            f"bool_or(anonymous) AS anonymous, mode(type) AS type, mode(role) AS role, "
            f"mode(affiliation) AS affiliation, min(when_date) AS first, max(when_date) AS last "
            f"FROM {KEYS} WHERE label_lc = lower(?)", [name])[0]
        return Page(items, total, limit, offset,
                    {"speaker": {k: plain(v) for k, v in summary.items()}})
