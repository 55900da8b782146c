"""Which statements to give the relation detector: candidate pairs from the inverted index of
content terms, each unordered pair once, at least one side in the articles being linked.

Same article: every other statement sharing a content term. Other articles: the ``top_k``
statements sharing the rarest terms (summed idf), so a new statement meets a few candidates, not
the whole store.
"""
from __future__ import annotations

from typing import Any

from saidwhat.store.sql import temp_table

TOP_K = 6  # cross-article candidates per new statement
MIN_SHARED = 2  # content terms a cross-article candidate shares at least
MAX_DF_SHARE = 0.005  # terms in more statements than this share (and MIN_DF_CAP) propose no pair
MIN_DF_CAP = 50


def _new_terms(con: Any) -> None:
    """``_nt``: the terms of the statements of ``_link_articles``, with their document frequency."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _nt AS
        SELECT r.term, r.article_id, r.attribution_id, d.df
        FROM relation_terms r JOIN _link_articles USING (article_id)
        JOIN (SELECT term, count(*) AS df FROM relation_terms
              WHERE term IN (SELECT DISTINCT r2.term FROM relation_terms r2 JOIN _link_articles USING (article_id))
              GROUP BY term) d USING (term)""")


def candidates(con: Any, article_ids: list[str], top_k: int) -> list[tuple]:
    """Pairs to compare: ``(article_id, attribution_id, article_id, attribution_id, shared terms,
    overlap)``, each unordered pair once, at least one side in ``article_ids``.

    Same article: every other statement sharing a content term. Other articles: the ``top_k``
    statements sharing at least MIN_SHARED terms, ranked by the summed rarity (idf) of the shared
    terms; terms in more than MAX_DF_SHARE of all statements are too common to propose a pair
    (they still count in the ranking through the rare ones they come with).
    """
    temp_table(con, "_link_articles", [("article_id", "VARCHAR")], [(a,) for a in article_ids])
    total = con.execute("SELECT count(*) FROM crossref_statements").fetchone()[0] or 1
    max_df = max(MIN_DF_CAP, int(MAX_DF_SHARE * total))
    n = float(total + 1)
    _new_terms(con)
    within = con.execute("""
        SELECT nt.article_id, nt.attribution_id, r.article_id, r.attribution_id,
               list(nt.term ORDER BY nt.df, nt.term), sum(ln(? / nt.df))
        FROM _nt nt JOIN relation_terms r
          ON r.term = nt.term AND r.article_id = nt.article_id AND r.attribution_id <> nt.attribution_id
        GROUP BY ALL""", [n]).fetchall()
    across = con.execute("""
        WITH hits AS (
            SELECT nt.article_id AS a1, nt.attribution_id AS t1, r.article_id AS a2, r.attribution_id AS t2,
                   list(nt.term ORDER BY nt.df, nt.term) AS shared_terms, sum(ln(? / nt.df)) AS score,
                   count(*) AS shared
            FROM (SELECT * FROM _nt WHERE df <= ?) nt
            JOIN relation_terms r ON r.term = nt.term AND r.article_id <> nt.article_id
            GROUP BY ALL
            HAVING count(*) >= ?)
        SELECT a1, t1, a2, t2, shared_terms, score FROM (
            SELECT *, row_number() OVER (PARTITION BY a1, t1 ORDER BY score DESC, a2, t2) AS rk FROM hits)
        WHERE rk <= ?""", [n, max_df, MIN_SHARED, top_k]).fetchall()
    seen: dict[tuple, tuple] = {}
    for a1, t1, a2, t2, shared, score in within + across:
        key = tuple(sorted(((a1, t1), (a2, t2))))
        if key not in seen:
            seen[key] = (key[0][0], key[0][1], key[1][0], key[1][1], list(shared), float(score))
    return list(seen.values())
