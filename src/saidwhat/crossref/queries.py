"""Asking the store across articles: who speaks, what one entity said when, who disputes whom,
which statements ran in several outlets.

Each function takes a store (a path, an open :class:`saidwhat.store.Store`, or a DuckDB
connection) and returns a list of plain dicts (JSON-ready: dates are ISO strings), the same rows
``saidwhat speakers|said|disputes|claims`` print::

    from saidwhat.crossref import queries
    queries.speakers("news.duckdb")                       # entities with counts, anonymous share
    queries.said("news.duckdb", by="Benjamin Chang", about="guarantees")   # a timeline
    queries.disputes("news.duckdb", about="Camp Ashraf")
    queries.claims("news.duckdb")

The cross-article layer must exist (``saidwhat link``, or ingest with linking); otherwise
SaidwhatError E110. ``about`` keeps rows whose statements (or speakers) contain every word given,
case-insensitively.
"""
from __future__ import annotations

import contextlib
import json
from typing import Any, Iterator

from saidwhat.crossref.names import norm, strip_title
from saidwhat.crossref.tables import linked, relations_table, unlinked_count
from saidwhat.errors import SaidwhatError


@contextlib.contextmanager
def _connection(db: Any) -> Iterator[Any]:
    if isinstance(db, (str, bytes)) or hasattr(db, "__fspath__"):
        from saidwhat.store import open_store

        with open_store(str(db), read_only=True, create=False) as store:
            yield store.con
    else:
        yield getattr(db, "con", None) or db


def _require(con: Any) -> None:
    if not linked(con):
        raise SaidwhatError("E110", "the store has no cross-article layer yet: run `saidwhat link --db FILE`")


def pending(db: Any) -> int:
    """How many stored articles are not linked yet (0 when the layer is up to date)."""
    with _connection(db) as con:
        return unlinked_count(con)


def _words(about: str | None) -> list[str]:
    return [w for w in (about or "").lower().split() if w]


def _about_sql(columns: list[str], about: str | None) -> tuple[str, list[str]]:
    """SQL condition: every word of ``about`` occurs in one of ``columns``."""
    words = _words(about)
    if not words:
        return "true", []
    hay = " || ' ' || ".join(f"lower(coalesce({c}, ''))" for c in columns)
    return " AND ".join(f"contains({hay}, ?)" for _ in words), words


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        item = {}
        for k, v in zip(names, row):
            item[k] = v.isoformat() if hasattr(v, "isoformat") else v
        out.append(item)
    return out


# ------------------------------------------------------------------------------------------------


def speakers(db: Any, *, limit: int | None = None, type: str | None = None) -> list[dict[str, Any]]:
    """Entities by how often they are quoted: ``id, name, type, aliases, attributions, articles,
    share`` (of all attributions), ``first``/``last`` (dates said, else published). Two rows close
    the list with ``id`` None: ``(anonymous sources)`` - attributions to anonymous speakers - and
    ``(no identity)`` - unnamed, documents, unresolved pronouns -, so the shares add up to 1."""
    with _connection(db) as con:
        _require(con)
        total = con.execute("SELECT count(*) FROM attributions").fetchone()[0] or 0
        cond, params = ("e.type = ?", [type]) if type else ("true", [])
        sql = f"""
            SELECT e.id, e.name, e.type, e.aliases, count(*) AS attributions,
                   count(DISTINCT x.article_id) AS articles,
                   round(count(*) / greatest(?, 1), 4) AS share,
                   min(coalesce(t.said_on_date, CAST(a.published AS VARCHAR))) AS first,
                   max(coalesce(t.said_on_date, CAST(a.published AS VARCHAR))) AS last
            FROM entities e
            JOIN attribution_entities x ON x.entity_id = e.id
            JOIN attributions t ON t.article_id = x.article_id AND t.id = x.attribution_id
            JOIN articles a ON a.id = x.article_id
            WHERE {cond}
            GROUP BY e.id, e.name, e.type, e.aliases
            ORDER BY attributions DESC, e.name
            {'LIMIT ' + str(int(limit)) if limit else ''}"""
        rows = _rows(con.execute(sql, [total] + params))
        for row in rows:
            row["aliases"] = list(row["aliases"] or [])
        if type:
            return rows
        anon, anon_articles, none, none_articles = con.execute("""
            SELECT count(*) FILTER (WHERE s.anonymous),
                   count(DISTINCT t.article_id) FILTER (WHERE s.anonymous),
                   count(*) FILTER (WHERE NOT coalesce(s.anonymous, false)),
                   count(DISTINCT t.article_id) FILTER (WHERE NOT coalesce(s.anonymous, false))
            FROM attributions t
            LEFT JOIN speakers s ON s.article_id = t.article_id AND s.id = t.speaker_id
            WHERE NOT EXISTS (SELECT 1 FROM attribution_entities x
                              WHERE x.article_id = t.article_id AND x.attribution_id = t.id)""").fetchone()
        for name, kind, n, arts in (("(anonymous sources)", "anonymous", anon, anon_articles),
                                    ("(no identity)", "none", none, none_articles)):
            rows.append({"id": None, "name": name, "type": kind, "aliases": [], "attributions": n,
                         "articles": arts, "share": round(n / total, 4) if total else 0.0,
                         "first": None, "last": None})
        return rows


def find_entities(db: Any, name: str) -> list[dict[str, Any]]:
    """Entities a name denotes: exact match of its key on any alias ("Mr. Chang", "MKO"), else
    the name contained in an entity's name or aliases. ``[{id, name, type, aliases}]``."""
    with _connection(db) as con:
        _require(con)
        key = norm(strip_title(name)[0])
        ids = [r[0] for r in con.execute(
            "SELECT DISTINCT entity_id FROM entity_aliases WHERE key = ? OR key = ?",
            [key, norm(name)]).fetchall()]
        if not ids:
            low = name.lower().strip()
            ids = [r[0] for r in con.execute(
                "SELECT id FROM entities WHERE contains(lower(name), ?) "
                "OR contains(lower(array_to_string(aliases, '|')), ?)", [low, low]).fetchall()]
        if not ids:
            return []
        return [{**r, "aliases": list(r["aliases"] or [])} for r in _rows(con.execute(
            "SELECT id, name, type, aliases FROM entities WHERE id IN (SELECT unnest(?::INTEGER[])) "
            "ORDER BY mentions DESC, id", [ids]))]


_TIMELINE = """
    SELECT coalesce(t.said_on_date, CAST(a.published AS VARCHAR)) AS date,
           CASE WHEN t.said_on_date IS NOT NULL THEN 'said_on (' || coalesce(t.said_on_certainty, 'inferred') || ')'
                WHEN a.published IS NOT NULL AND t.said_on_text IS NOT NULL THEN 'published (said_on unresolved)'
                WHEN a.published IS NOT NULL THEN 'published'
                ELSE 'unknown' END AS date_basis,
           t.said_on_text, {who} AS entity, t.source_text AS speaker_as_written, {role} AS role,
           t.cue_text AS cue, t.content_text AS content, t.kind,
           a.id AS article_id, t.id AS attribution_id, a.title, a.site, a.url,
           CAST(a.published AS VARCHAR) AS published, t.content_spans
    FROM attributions t JOIN articles a ON a.id = t.article_id
"""


def said(db: Any, by: str, about: str | None = None) -> list[dict[str, Any]]:
    """What ``by`` said, oldest first: ``date`` is when it was said (``said_on_date``), or the
    article's publication date when the text does not say; ``date_basis`` tells which
    (``said_on (exact|inferred)``, ``published``, ``published (said_on unresolved)``, ``unknown``).
    ``by`` is an entity name or alias; a name no entity has (anonymous sources: "Iraqi official")
    is looked up in the sources as written, and the rows say ``entity`` None."""
    with _connection(db) as con:
        _require(con)
        found = find_entities(con, by)
        cond, words = _about_sql(["t.content_text"], about)
        if found:
            sql = (_TIMELINE.format(who="e.name", role="x.role") +
                   "JOIN attribution_entities x ON x.article_id = t.article_id AND x.attribution_id = t.id "
                   "JOIN entities e ON e.id = x.entity_id "
                   f"WHERE x.entity_id IN (SELECT unnest(?::INTEGER[])) AND {cond} ")
            params: list[Any] = [[f["id"] for f in found]] + words
        else:
            sql = (_TIMELINE.format(who="NULL", role="s.role") +
                   "LEFT JOIN speakers s ON s.article_id = t.article_id AND s.id = t.speaker_id "
                   f"WHERE contains(lower(coalesce(t.source_text, '')), ?) AND {cond} ")
            params = [by.lower().strip()] + words
        sql += "ORDER BY date NULLS LAST, a.published NULLS LAST, a.id, t.content_spans[1][1]"
        return _rows(con.execute(sql, params))


def disputes(db: Any, about: str | None = None, *, types: tuple[str, ...] = ("disputes", "denies"),
             cross_only: bool = False) -> list[dict[str, Any]]:
    """Pairs of statements where ``from`` disputes (or denies) ``to``, strongest first, with
    speakers, what each said, when, in which article, and the detector's evidence."""
    with _connection(db) as con:
        _require(con)
        table = relations_table(con, create=False)
        if table is None:
            return []
        cond, words = _about_sql(["f.content_text", "g.content_text", "ef.name", "eg.name",
                                  "f.source_text", "g.source_text"], about)
        sql = f"""
            SELECT r.type, r.score,
                   coalesce(ef.name, f.source_text) AS from_speaker, f.content_text AS from_said,
                   coalesce(f.said_on_date, CAST(af.published AS VARCHAR)) AS from_date,
                   coalesce(eg.name, g.source_text) AS to_speaker, g.content_text AS to_said,
                   coalesce(g.said_on_date, CAST(ag.published AS VARCHAR)) AS to_date,
                   r.article_id_from <> r.article_id_to AS cross_article,
                   r.article_id_from, r.attribution_from, af.title AS from_title,
                   r.article_id_to, r.attribution_to, ag.title AS to_title,
                   r.evidence_json
            FROM {table} r
            JOIN attributions f ON f.article_id = r.article_id_from AND f.id = r.attribution_from
            JOIN attributions g ON g.article_id = r.article_id_to AND g.id = r.attribution_to
            JOIN articles af ON af.id = r.article_id_from
            JOIN articles ag ON ag.id = r.article_id_to
            LEFT JOIN attribution_entities xf ON xf.article_id = f.article_id AND xf.attribution_id = f.id
            LEFT JOIN entities ef ON ef.id = xf.entity_id
            LEFT JOIN attribution_entities xg ON xg.article_id = g.article_id AND xg.attribution_id = g.id
            LEFT JOIN entities eg ON eg.id = xg.entity_id
            WHERE r.type IN (SELECT unnest(?::VARCHAR[])) AND {cond}
              {'AND r.article_id_from <> r.article_id_to' if cross_only else ''}
            ORDER BY r.score DESC, r.article_id_from, r.attribution_from, r.article_id_to, r.attribution_to"""
        rows = _rows(con.execute(sql, [list(types)] + words))
        for row in rows:
            evidence = json.loads(row.pop("evidence_json") or "{}")
            row["why"] = evidence.get("why")
            row["evidence"] = evidence.get("evidence", [])
        return rows


def claims(db: Any, about: str | None = None, *, min_articles: int = 2) -> list[dict[str, Any]]:
    """Statements carried by several articles, most widely carried first: ``id, n_articles,
    n_members, first_published, first_article_id, first_title, first_site, text, speakers, sites``."""
    with _connection(db) as con:
        _require(con)
        cond, words = _about_sql(["c.text"], about)
        sql = f"""
            SELECT c.id, c.n_articles, c.n_members, CAST(c.first_published AS VARCHAR) AS first_published,
                   c.first_article_id, a.title AS first_title, a.site AS first_site, a.url AS first_url,
                   c.first_attribution_id, c.text,
                   (SELECT list(DISTINCT coalesce(e.name, t.source_text) ORDER BY coalesce(e.name, t.source_text))
                    FROM claim_members m
                    JOIN attributions t ON t.article_id = m.article_id AND t.id = m.attribution_id
                    LEFT JOIN attribution_entities x
                           ON x.article_id = m.article_id AND x.attribution_id = m.attribution_id
                    LEFT JOIN entities e ON e.id = x.entity_id
                    WHERE m.claim_id = c.id AND coalesce(e.name, t.source_text) IS NOT NULL) AS speakers,
                   (SELECT list(DISTINCT s.site ORDER BY s.site) FROM claim_members m
                    JOIN articles s ON s.id = m.article_id WHERE m.claim_id = c.id AND s.site IS NOT NULL) AS sites
            FROM claims c JOIN articles a ON a.id = c.first_article_id
            WHERE c.n_articles >= ? AND {cond}
            ORDER BY c.n_articles DESC, c.first_published NULLS LAST, c.id"""
        rows = _rows(con.execute(sql, [min_articles] + words))
        for row in rows:
            row["speakers"] = list(row["speakers"] or [])
            row["sites"] = list(row["sites"] or [])
        return rows


def claim_members(db: Any, claim_id: int) -> list[dict[str, Any]]:
    """The attributions of one claim, first carrier first."""
    with _connection(db) as con:
        _require(con)
        return _rows(con.execute(_TIMELINE.format(who="NULL", role="NULL") + """
            JOIN claim_members m ON m.article_id = t.article_id AND m.attribution_id = t.id
            WHERE m.claim_id = ?
            ORDER BY a.published NULLS LAST, a.id, t.content_spans[1][1]""", [claim_id]))
