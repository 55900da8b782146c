"""The cross-article layer's tables: their DDL, where relations go, the ``crossref_meta``
key-value rows, and whether a store is linked at all.

Every other crossref module writes through these names, so a table is declared once.
"""
from __future__ import annotations

from typing import Any, Callable

from saidwhat.crossref import claims as claims_mod

# Cross-article relations: the UI reads `relations`. Schema 1 of the store already has a
# per-article `relations` table (article_id, n, type, from_id, to_id, ...); while it does, the
# cross-article rows go to CROSS_RELATIONS instead (see relations_table()).
RELATIONS = "relations"
CROSS_RELATIONS = "cross_relations"
RELATION_COLUMNS = ("article_id_from VARCHAR NOT NULL, attribution_from VARCHAR NOT NULL, "
                    "article_id_to VARCHAR NOT NULL, attribution_to VARCHAR NOT NULL, "
                    "type VARCHAR NOT NULL, score DOUBLE, evidence_json VARCHAR")

DDL = {
    # One identity. aliases: every other name it was written as or learned under, commonest first.
    # mentions: attributions linked to it; articles: distinct articles those are in.
    "entities": ("id INTEGER NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL, aliases VARCHAR[], "
                 "mentions INTEGER NOT NULL, articles INTEGER NOT NULL"),
    # The matching index: alias as written, its normalised key, how it was learned
    # (name | acronym | expansion | surname | text | user), and how often.
    "entity_aliases": ("entity_id INTEGER NOT NULL, alias VARCHAR NOT NULL, key VARCHAR NOT NULL, "
                       "kind VARCHAR NOT NULL, n INTEGER NOT NULL"),
    # Acronym definitions read in the text ("Mujahedin Khalq Organization (MKO)").
    "acronyms": ("acronym VARCHAR NOT NULL, expansion VARCHAR NOT NULL, acronym_key VARCHAR NOT NULL, "
                 "expansion_key VARCHAR NOT NULL, n INTEGER NOT NULL"),
    # Every attribution whose speaker has an identity; name: the source as written in this mention,
    # role: its title or role there ("President ...", "a spokesman, ..."), affiliation;
    # how: name | acronym | surname | surname-in-article | user.
    "attribution_entities": ("article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL, "
                             "entity_id INTEGER NOT NULL, speaker_id VARCHAR, name VARCHAR, role VARCHAR, "
                             "affiliation VARCHAR, how VARCHAR"),
    # What the relation detector compares (statement_of: the content of a neutral report, the
    # attribution as written when its cue has a stance), `start` its offset in articles.text
    # (NULL when assembled), when it was said, its speaker and cue.
    "crossref_statements": ("article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL, "
                            "pos INTEGER NOT NULL, start INTEGER, text VARCHAR NOT NULL, when_key VARCHAR, "
                            "speaker_id VARCHAR, source_text VARCHAR, stance VARCHAR, cue_lemma VARCHAR"),
    # The sentence embedding of each candidate statement (relate.embedding; unit length), for
    # finding statements about the same thing in other words.
    "statement_vectors": "article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL, vec FLOAT[384] NOT NULL",
    # Inverted index of content terms (the relation candidates' index).
    "relation_terms": "term VARCHAR NOT NULL, article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL",
    # Linked articles; relations_done is false when the relation detector was not available.
    "crossref_articles": "article_id VARCHAR NOT NULL, relations_done BOOLEAN NOT NULL",
    "crossref_meta": "key VARCHAR NOT NULL, value VARCHAR",
}
OWN_TABLES = tuple(DDL) + tuple(claims_mod.DDL)


def con_of(con_or_store: Any) -> Any:
    """The DuckDB connection of a :class:`saidwhat.store.Store`, or the connection itself."""
    return getattr(con_or_store, "con", None) or con_or_store


def _table_exists(con: Any, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                            "AND table_name = ?", [name]).fetchone()[0])


def relations_table(con: Any, create: bool = True) -> str | None:
    """Where cross-article relations live: ``relations`` when the store's table has the
    cross-article columns (or there is no such table yet), else ``cross_relations``."""
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = ?", [RELATIONS]).fetchall()}
    if "article_id_from" in cols:
        return RELATIONS
    if not cols:
        if create:
            con.execute(f"CREATE TABLE IF NOT EXISTS {RELATIONS} ({RELATION_COLUMNS})")
            return RELATIONS
        return None
    if not _table_exists(con, CROSS_RELATIONS):
        if not create:
            return None
        con.execute(f"CREATE TABLE IF NOT EXISTS {CROSS_RELATIONS} ({RELATION_COLUMNS})")
    return CROSS_RELATIONS


def ensure_tables(con: Any) -> str:
    """Create the cross-article tables that are missing; returns the relations table's name."""
    for table, columns in DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    claims_mod.ensure_tables(con)
    return relations_table(con)  # type: ignore[return-value]


def _store_tables() -> set[str]:
    try:
        from saidwhat.store import SCHEMA
        return set(SCHEMA)
    except ImportError:  # pragma: no cover
        return set()


def drop_all(con: Any) -> None:
    """Drop the cross-article layer (for ``link --full``); a relations table the store owns
    keeps its own rows and loses only the cross-article ones."""
    for table in OWN_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    table = relations_table(con, create=False)
    if table == RELATIONS and table not in _store_tables():
        con.execute(f"DROP TABLE IF EXISTS {table}")
    elif table:
        con.execute(f"DELETE FROM {table} WHERE json_extract_string(evidence_json, '$.origin') = 'crossref'")


def set_meta(con: Any, key: str, value: str) -> None:
    con.execute("DELETE FROM crossref_meta WHERE key = ?", [key])
    con.execute("INSERT INTO crossref_meta VALUES (?, ?)", [key, value])


def meta(con: Any, key: str) -> str | None:
    row = con.execute("SELECT value FROM crossref_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def meta_safe(con: Any, key: str) -> str | None:
    """meta, or None when there is no crossref_meta table yet (checked first: a failed statement
    would abort the transaction)."""
    if not _table_exists(con, "crossref_meta"):
        return None
    return meta(con, key)


class Counter:
    """A persisted id counter (ids of merged-away claims are never given out again)."""

    def __init__(self, con: Any, key: str, start: Callable[[], int]) -> None:
        self.con, self.key = con, key
        stored = meta(con, key)
        self.value = max(int(stored) if stored else 1, int(start()))

    def __call__(self) -> int:
        self.value += 1
        return self.value - 1

    def save(self) -> None:
        set_meta(self.con, self.key, str(self.value))


def linked(con: Any) -> bool:
    """Whether the store has a cross-article layer (``saidwhat link`` ran at least once)."""
    return _table_exists(con_of(con), "crossref_articles")


def unlinked_count(con: Any) -> int:
    """Articles of the store not linked yet (all of them when the store was never linked)."""
    con = con_of(con)
    if not linked(con):
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    return con.execute("SELECT count(*) FROM articles WHERE id NOT IN "
                       "(SELECT article_id FROM crossref_articles)").fetchone()[0]
