"""The store's schema, column by column: the one source of the DDL, the export and Spark's types.

docs/store.md says the same for people (a test keeps the two in step). The schema is versioned in
the ``meta`` table; :data:`MIGRATIONS` upgrades an older store when it is opened.
"""
from __future__ import annotations

from typing import Any, Callable

SCHEMA_VERSION = 2
DEFAULT_DB = "saidwhat.duckdb"
SPANS = "INTEGER[][]"

# table -> ((column, DuckDB type, what it holds), ...). The DDL and the export schema come from
# here; docs/store.md documents the same columns (a test keeps the two in step).
SCHEMA: dict[str, tuple[tuple[str, str, str], ...]] = {
    "meta": (
        ("key", "VARCHAR PRIMARY KEY", "setting name: schema_version, created_by"),
        ("value", "VARCHAR NOT NULL", "its value"),
    ),
    "articles": (
        ("id", "VARCHAR PRIMARY KEY", "sha256 of the URL and the whitespace-collapsed text, 16 hex"),
        ("url", "VARCHAR", "canonical URL (HTML), WARC target URI, or the input's url"),
        ("title", "VARCHAR", "title from page metadata or the input"),
        ("site", "VARCHAR", "site name from page metadata or the input"),
        ("author", "VARCHAR", "author(s) from page metadata or the input"),
        ("published", "DATE", "publication date: page metadata, else WARC-Date, else input"),
        ("date_source", "VARCHAR", "where published came from: page | warc | input"),
        ("language", "VARCHAR", "detected language (ISO 639-1)"),
        ("source_id", "VARCHAR", "the id the input gave (JSONL id), if any"),
        ("unit", "VARCHAR NOT NULL", "the first input unit this article was stored from"),
        ("chars", "INTEGER NOT NULL", "length of text in characters"),
        ("text", "VARCHAR NOT NULL", "the article text all spans point into"),
    ),
    "attributions": (
        ("article_id", "VARCHAR NOT NULL", "articles.id"),
        ("id", "VARCHAR NOT NULL", "attribution id within the article (a1, a2, ...)"),
        ("kind", "VARCHAR NOT NULL", "direct | indirect | mixed | continuation | belief"),
        ("source_text", "VARCHAR", "who said it, as written"),
        ("source_spans", SPANS, "[[start, end], ...] of the source in articles.text"),
        ("speaker_id", "VARCHAR", "speakers.id within the article"),
        ("cue_text", "VARCHAR", "the reporting expression (said, claimed, according to)"),
        ("cue_spans", SPANS, "spans of the cue"),
        ("cue_lemma", "VARCHAR", "lemma of the cue"),
        ("cue_stance", "VARCHAR", "neutral | distancing | endorsing | denial | directive"),
        ("content_text", "VARCHAR NOT NULL", "what was said"),
        ("content_spans", SPANS, "spans of the content"),
        ("channel_text", "VARCHAR", "through whom it was relayed, if any"),
        ("channel_spans", SPANS, "spans of the channel"),
        ("said_on_date", "VARCHAR", "when it was said, as resolved (ISO date; may be partial)"),
        ("said_on_text", "VARCHAR", "the time expression"),
        ("said_on_spans", SPANS, "spans of the time expression"),
        ("said_on_certainty", "VARCHAR", "exact | inferred | unknown"),
        ("confidence", "DOUBLE", "0..1"),
        ("medium_text", "VARCHAR", "how it was said (in a statement, at a press conference, on Twitter)"),
        ("medium_spans", SPANS, "spans of the medium"),
        ("addressee_text", "VARCHAR", "to whom it was said (reporters, the committee)"),
        ("addressee_spans", SPANS, "spans of the addressee"),
    ),
    "speakers": (
        ("article_id", "VARCHAR NOT NULL", "articles.id"),
        ("id", "VARCHAR NOT NULL", "speaker id within the article (s1, s2, ...)"),
        ("name", "VARCHAR", "name, if known"),
        ("role", "VARCHAR", "role or title (spokesman, minister)"),
        ("affiliation", "VARCHAR", "organisation or country"),
        ("type", "VARCHAR NOT NULL",
         "person | organization | document | group | country | anonymous | unknown"),
        ("anonymous", "BOOLEAN NOT NULL", "true for unnamed sources"),
        ("mentions", SPANS, "spans of every mention"),
    ),
    "unattributed": (
        ("article_id", "VARCHAR NOT NULL", "articles.id"),
        ("n", "INTEGER NOT NULL", "position in the record's list (0-based)"),
        ("text", "VARCHAR NOT NULL", "a claim the outlet makes in its own voice"),
        ("spans", SPANS, "its spans"),
    ),
    "relations": (
        ("article_id", "VARCHAR NOT NULL", "articles.id"),
        ("n", "INTEGER NOT NULL", "position in the record's list (0-based)"),
        ("type", "VARCHAR NOT NULL", "disputes | denies | supports"),
        ("from_id", "VARCHAR NOT NULL", "attributions.id that disputes/denies/supports ..."),
        ("to_id", "VARCHAR NOT NULL", "... this attributions.id"),
        ("evidence_spans", SPANS, "spans of the evidence"),
        ("score", "DOUBLE", "0..1"),
    ),
    "ingest_log": (
        ("unit", "VARCHAR PRIMARY KEY",
         "unit of input: path, path#record=N (WARC), path:line=N (JSONL), <stdin>#hash"),
        ("source", "VARCHAR NOT NULL", "the file (absolute path) or <stdin> it came from"),
        ("kind", "VARCHAR NOT NULL",
         "file (one document) | record (WARC) | line (JSONL) | container (a WARC or JSONL file read to its end) | path (a path that does not exist)"),
        ("status", "VARCHAR NOT NULL", "ok | skipped | failed"),
        ("reason", "VARCHAR", "tag or tag:detail (language:de, too-short:37 chars); NULL when ok"),
        ("article_id", "VARCHAR", "articles.id the unit gave (NULL unless an article)"),
    ),
}
TABLES = tuple(t for t in SCHEMA if t != "meta")
# Rows a unit can bring, in the order write() inserts them (articles first).
ROW_TABLES = ("articles", "attributions", "speakers", "unattributed", "relations")
ORDER = {"articles": "id", "attributions": "article_id, id", "speakers": "article_id, id",
         "unattributed": "article_id, n", "relations": "article_id, n", "ingest_log": "unit",
         "meta": "key"}

# Schema migrations: MIGRATIONS[v] upgrades a store from version v to v + 1, in one transaction.
def _add_circumstances(con: Any) -> None:
    """1 -> 2: the medium and addressee of each attribution (empty for what was stored before)."""
    for column in ("medium_text VARCHAR", "medium_spans INTEGER[][]", "addressee_text VARCHAR",
                   "addressee_spans INTEGER[][]"):
        con.execute(f"ALTER TABLE attributions ADD COLUMN {column}")


MIGRATIONS: dict[int, Callable[[Any], None]] = {1: _add_circumstances}


def column_type(declared: str) -> str:
    """A column's bare DuckDB type (``VARCHAR PRIMARY KEY`` -> ``VARCHAR``)."""
    return declared.replace(" PRIMARY KEY", "").replace(" NOT NULL", "")



def ddl() -> list[str]:
    """CREATE TABLE statements of the current schema."""
    return [f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t, _ in columns)})"
            for table, columns in SCHEMA.items()]
