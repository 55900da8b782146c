"""Which statements to give the relation detector: candidate pairs found by meaning (the
statements' sentence embeddings) among those the inverted index of content terms proposes, each
unordered pair once, at least one side in the articles being linked.

A new statement meets a few candidates, not the whole store: the term index narrows the store
to a pool sharing its rarest words, the embeddings pick the closest of the pool.
"""
from __future__ import annotations

from typing import Any

from saidwhat.store.sql import temp_table

TOP_K = 6  # cross-article candidates per new statement
MIN_SHARED = 2  # content terms a cross-article candidate shares at least
MAX_DF_SHARE = 0.005  # terms in more statements than this share (and MIN_DF_CAP) propose no pair
MIN_DF_CAP = 50
POOL = 50  # cross-article statements sharing the rarest terms, ranked by meaning
ACROSS_COSINE = 0.5  # meaning a cross-article candidate shares at least
# every real dispute listed on a PolNeAR train slice was above these two
WITHIN_COSINE = 0.4  # ... a same-article candidate sharing a term
NEAR_COSINE = 0.6  # ... a same-article candidate sharing no term


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
    overlap)``, each unordered pair once, at least one side in ``article_ids``; ``overlap`` is the
    summed rarity (idf) of the shared terms.

    Same article: statements sharing a content term and at least WITHIN_COSINE of meaning, or
    close in meaning (NEAR_COSINE) with no word in common ("shot down" / "enemy fire"). Other
    articles: of the POOL statements sharing at least MIN_SHARED of the rarest terms (terms in more
    than MAX_DF_SHARE of all statements propose no pair), the ``top_k`` closest in meaning, at least
    ACROSS_COSINE (statements without a vector, in a store linked before embeddings, by rarity).
    """
    temp_table(con, "_link_articles", [("article_id", "VARCHAR")], [(a,) for a in article_ids])
    total = con.execute("SELECT count(*) FROM crossref_statements").fetchone()[0] or 1
    max_df = max(MIN_DF_CAP, int(MAX_DF_SHARE * total))
    n = float(total + 1)
    _new_terms(con)
    within = con.execute(f"""
        WITH hits AS (
            SELECT nt.article_id AS a1, nt.attribution_id AS t1, r.article_id AS a2, r.attribution_id AS t2,
                   list(nt.term ORDER BY nt.df, nt.term) AS shared_terms, sum(ln(? / nt.df)) AS score
            FROM _nt nt JOIN relation_terms r
              ON r.term = nt.term AND r.article_id = nt.article_id AND r.attribution_id <> nt.attribution_id
            GROUP BY ALL),
        near AS (
            SELECT v1.article_id AS a1, v1.attribution_id AS t1, v2.article_id AS a2, v2.attribution_id AS t2,
                   array_cosine_similarity(v1.vec, v2.vec) AS cos
            FROM statement_vectors v1 JOIN _link_articles USING (article_id)
            JOIN statement_vectors v2 ON v2.article_id = v1.article_id AND v2.attribution_id <> v1.attribution_id)
        SELECT coalesce(h.a1, n.a1), coalesce(h.t1, n.t1), coalesce(h.a2, n.a2), coalesce(h.t2, n.t2),
               coalesce(h.shared_terms, []), coalesce(h.score, 0.0)
        FROM hits h FULL JOIN near n ON n.a1 = h.a1 AND n.t1 = h.t1 AND n.a2 = h.a2 AND n.t2 = h.t2
        WHERE n.cos IS NULL AND h.a1 IS NOT NULL OR n.cos >= {NEAR_COSINE}
           OR h.a1 IS NOT NULL AND n.cos >= {WITHIN_COSINE}""", [n]).fetchall()
    across = con.execute(f"""
        WITH hits AS (
            SELECT nt.article_id AS a1, nt.attribution_id AS t1, r.article_id AS a2, r.attribution_id AS t2,
                   list(nt.term ORDER BY nt.df, nt.term) AS shared_terms, sum(ln(? / nt.df)) AS score,
                   count(*) AS shared
            FROM (SELECT * FROM _nt WHERE df <= ?) nt
            JOIN relation_terms r ON r.term = nt.term AND r.article_id <> nt.article_id
            GROUP BY ALL
            HAVING count(*) >= ?),
        pool AS (
            SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY a1, t1 ORDER BY score DESC, a2, t2) AS rk
                           FROM hits) WHERE rk <= {POOL}),
        scored AS (
            SELECT p.*, array_cosine_similarity(v1.vec, v2.vec) AS cos FROM pool p
            LEFT JOIN statement_vectors v1 ON v1.article_id = p.a1 AND v1.attribution_id = p.t1
            LEFT JOIN statement_vectors v2 ON v2.article_id = p.a2 AND v2.attribution_id = p.t2)
        SELECT a1, t1, a2, t2, shared_terms, score FROM (
            SELECT *, row_number() OVER (PARTITION BY a1, t1 ORDER BY cos DESC NULLS LAST, score DESC, a2, t2) AS k
            FROM scored WHERE cos >= {ACROSS_COSINE} OR cos IS NULL)
        WHERE k <= ?""", [n, max_df, MIN_SHARED, top_k]).fetchall()
    seen: dict[tuple, tuple] = {}
    for a1, t1, a2, t2, shared, score in within + across:
        key = tuple(sorted(((a1, t1), (a2, t2))))
        if key not in seen:
            seen[key] = (key[0][0], key[0][1], key[1][0], key[1][1], list(shared), float(score))
    return list(seen.values())
