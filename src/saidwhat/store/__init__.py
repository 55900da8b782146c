"""The DuckDB store: one file holding articles, what was said in them, and a log of every input.

One writer at a time (DuckDB locks the file). :meth:`Store.write` commits a batch of units - each
article with its attributions, speakers, unattributed text and relations, and each unit's
``ingest_log`` row - in a single transaction, so a crash leaves either all of a unit or none of it,
and a rerun that skips logged units ends with exactly the content of an uninterrupted run.
Articles are keyed by a hash of their text and URL: storing one twice adds nothing.

The schema is below, column by column (docs/store.md says the same for people), and versioned in
the ``meta`` table; opening a store of an older version migrates it, a newer one is refused.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from saidwhat.errors import SaidwhatError

SCHEMA_VERSION = 1
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
MIGRATIONS: dict[int, Callable[[Any], None]] = {}


@dataclass(frozen=True)
class Outcome:
    """What became of one unit of input: its ingest_log row, and the rows of its article."""

    unit: str
    source: str
    kind: str
    status: str  # ok | skipped | failed
    reason: str | None = None
    article_id: str | None = None
    rows: dict[str, list[tuple]] | None = None  # ROW_TABLES -> rows, when the unit is an article
    progress: int = 0  # input bytes consumed up to this unit (not stored)

    def log_row(self) -> tuple:
        return (self.unit, self.source, self.kind, self.status, self.reason, self.article_id)


def _type(column_type: str) -> str:
    return column_type.replace(" PRIMARY KEY", "").replace(" NOT NULL", "")


def ddl() -> list[str]:
    """CREATE TABLE statements of the current schema."""
    return [f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t, _ in columns)})"
            for table, columns in SCHEMA.items()]


class Store:
    """An open store. Use :func:`open_store`; close it (or use ``with``) to release the lock."""

    def __init__(self, con: Any, path: str, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    # -- reading what was done ------------------------------------------------------------------

    def done_files(self) -> set[str]:
        """Files handled whole by an earlier run: their file-level row is ok or skipped and none
        of their units failed (failed units are tried again)."""
        rows = self.con.execute(
            "SELECT unit FROM ingest_log WHERE kind IN ('file', 'container') AND status <> 'failed' "
            "AND unit NOT IN (SELECT source FROM ingest_log WHERE status = 'failed')").fetchall()
        return {r[0] for r in rows}

    def known_units(self, source: str, cursor: Any = None) -> set[str]:
        """Units of one file already handled (ok or skipped); failed ones are tried again."""
        con = cursor if cursor is not None else self.con
        rows = con.execute("SELECT unit FROM ingest_log WHERE source = ? AND status <> 'failed'",
                           [source]).fetchall()
        return {r[0] for r in rows}

    def version(self) -> int:
        return int(self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])

    # -- writing --------------------------------------------------------------------------------

    def write(self, outcomes: Sequence[Outcome]) -> int:
        """Commit a batch of units in one transaction; returns how many articles were new.

        An article already stored (same id) is not stored again, and neither are its rows; the
        unit's log row is written either way (replacing an earlier failed row of the same unit).
        """
        if not outcomes:
            return 0
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            wanted = [o.article_id for o in outcomes if o.rows and o.article_id]
            existing = set()
            if wanted:
                existing = {r[0] for r in con.execute(
                    "SELECT id FROM articles WHERE id IN (SELECT unnest(?))", [wanted]).fetchall()}
            batch: dict[str, list[tuple]] = {t: [] for t in ROW_TABLES}
            for o in outcomes:
                if o.rows and o.article_id not in existing:
                    existing.add(o.article_id)
                    for table in ROW_TABLES:
                        batch[table].extend(o.rows.get(table, ()))
            new = len(batch["articles"])
            for table in ROW_TABLES:
                self._insert(table, batch[table])
            logs = {o.unit: o.log_row() for o in outcomes}  # last word on a unit wins
            self._insert("ingest_log", list(logs.values()), replace=True)
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - the connection may already be gone
                pass
            raise
        return new

    def _insert(self, table: str, rows: list[tuple], replace: bool = False) -> None:
        """Columnar insert (one list per column, unnested): ~10x faster than executemany."""
        if not rows:
            return
        columns = SCHEMA[table]
        values = [list(col) for col in zip(*rows)]
        select = ", ".join(f"unnest(${i + 1}::{_type(t)}[])" for i, (_, t, _) in enumerate(columns))
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        self.con.execute(f"{verb} INTO {table} SELECT {select}", values)

    # -- summaries ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}

    def summary(self) -> dict[str, Any]:
        """What ``saidwhat status`` prints: sizes, unit outcomes, the commonest reasons."""
        con = self.con
        units = dict(con.execute("SELECT status, count(*) FROM ingest_log GROUP BY status").fetchall())
        kinds = {f"{k}:{s}": n for k, s, n in con.execute(
            "SELECT kind, status, count(*) FROM ingest_log GROUP BY ALL ORDER BY ALL").fetchall()}
        reasons: dict[str, list[tuple[str, int]]] = {}
        for status in ("skipped", "failed"):
            reasons[status] = [tuple(r) for r in con.execute(
                "SELECT split_part(reason, ':', 1) AS tag, count(*) AS n FROM ingest_log "
                "WHERE status = ? GROUP BY tag ORDER BY n DESC, tag LIMIT 12", [status]).fetchall()]
        first, last = con.execute("SELECT min(published), max(published) FROM articles").fetchone()
        languages = con.execute("SELECT language, count(*) FROM articles GROUP BY 1 "
                                "ORDER BY 2 DESC, 1 LIMIT 5").fetchall()
        return {
            "db": self.path,
            "schema_version": self.version(),
            "bytes": os.path.getsize(self.path) if os.path.exists(self.path) else 0,
            "tables": self.counts(),
            "units": {s: units.get(s, 0) for s in ("ok", "skipped", "failed")},
            "units_by_kind": kinds,
            "reasons": reasons,
            "published": [str(first) if first else None, str(last) if last else None],
            "languages": [tuple(r) for r in languages],
        }

    def units(self, status: str, limit: int = 50) -> list[tuple[str, str | None]]:
        """Units with a status and their reasons (for ``status --show failed``)."""
        return [tuple(r) for r in self.con.execute(
            "SELECT unit, reason FROM ingest_log WHERE status = ? ORDER BY unit LIMIT ?",
            [status, limit]).fetchall()]

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every table's rows in key order: what "the same content" means in tests."""
        return {t: self.con.execute(f"SELECT * FROM {t} ORDER BY {ORDER[t]}").fetchall()
                for t in TABLES}


# ------------------------------------------------------------------------------------------------
# Opening


def _connect(path: str, read_only: bool) -> Any:
    import duckdb

    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        message = " ".join(str(exc).split())
        if "not a valid DuckDB database" in message:
            raise SaidwhatError("E101", path) from None
        if "lock" in message.lower():
            holder = message.split("Conflicting lock is held in", 1)[-1].split(". See")[0].strip()
            raise SaidwhatError("E103", f"{path} ({holder})" if holder != message else path) from None
        raise SaidwhatError("E102", f"{path}: {message}") from None


def open_store(path: str = DEFAULT_DB, read_only: bool = False, create: bool = True) -> Store:
    """Open (or create) a store, checking that it is one and migrating an older schema.

    Raises SaidwhatError: E101 not DuckDB, E102 cannot open, E103 locked, E104 missing (when
    ``create`` is false), E105 a DuckDB file that is not a saidwhat store or is too new.
    """
    if os.path.isdir(path):
        raise SaidwhatError("E102", f"{path}: is a directory")
    if not os.path.exists(path):
        if not create or read_only:
            raise SaidwhatError("E104", path)
    con = _connect(path, read_only)
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        if not tables:
            if read_only:
                raise SaidwhatError("E105", f"{path} is an empty DuckDB database, not a saidwhat store")
            _create(con)
            return Store(con, path, read_only)
        if "meta" not in tables or "ingest_log" not in tables:
            raise SaidwhatError("E105", f"{path} is a DuckDB database without saidwhat's tables")
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row and str(row[0]).isdigit() else -1
        if version == SCHEMA_VERSION:
            return Store(con, path, read_only)
        if version > SCHEMA_VERSION:
            raise SaidwhatError("E105", f"{path} has schema version {version}, newer than this "
                                        f"saidwhat's {SCHEMA_VERSION}: upgrade saidwhat")
        if version < 0 or any(v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
            raise SaidwhatError("E105", f"{path} has schema version {version}, which this saidwhat "
                                        f"cannot migrate to {SCHEMA_VERSION}")
        if read_only:
            con.close()
            with open_store(path, read_only=False):
                pass
            return open_store(path, read_only=True)
        _migrate(con, version)
        return Store(con, path, read_only)
    except BaseException:
        con.close()
        raise


def _create(con: Any) -> None:
    con.execute("BEGIN TRANSACTION")
    for statement in ddl():
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                [str(SCHEMA_VERSION), f"saidwhat {_package_version()}"])
    con.execute("COMMIT")


def _migrate(con: Any, version: int) -> None:
    while version < SCHEMA_VERSION:
        con.execute("BEGIN TRANSACTION")
        MIGRATIONS[version](con)
        version += 1
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
        con.execute("COMMIT")


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("saidwhat")
    except Exception:  # noqa: BLE001 - not installed (running from a checkout)
        return "dev"


# ------------------------------------------------------------------------------------------------
# From a record to rows


def _spans(spans: Iterable[Sequence[int]] | None) -> list[list[int]] | None:
    return [[int(s), int(e)] for s, e in spans] if spans is not None else None


def rows_for(doc: Any, record: Any) -> dict[str, list[tuple]]:
    """The rows of one article: ``doc`` is a readers.Doc, ``record`` the Record extracted from it.

    The article row takes the text and metadata we read (doc.article); everything else comes from
    the record, whose spans point into that same text.
    """
    a = doc.article
    aid = a.id
    article = [(aid, a.url, a.title, a.site, doc.author, a.published, doc.date_source, a.language,
                doc.source_id, doc.unit.id, len(a.text), a.text)]
    attributions = []
    for t in record.attributions:
        src, cue, ch, when = t.source, t.cue, t.channel, t.said_on
        attributions.append((
            aid, t.id, t.kind,
            src.text if src else None, _spans(src.spans) if src else None,
            src.speaker if src else None,
            cue.text if cue else None, _spans(cue.spans) if cue else None,
            cue.lemma if cue else None, cue.stance if cue else None,
            t.content.text, _spans(t.content.spans),
            ch.text if ch else None, _spans(ch.spans) if ch else None,
            when.date if when else None, when.text if when else None,
            _spans(when.spans) if when else None, when.certainty if when else None,
            round(float(t.confidence), 6)))
    speakers = [(aid, s.id, s.name, s.role, s.affiliation, s.type, bool(s.anonymous),
                 _spans(s.mentions)) for s in record.speakers]
    unattributed = [(aid, n, u.text, _spans(u.spans)) for n, u in enumerate(record.unattributed)]
    relations = [(aid, n, r.type, r.source_id, r.target_id, _spans(r.evidence), float(r.score))
                 for n, r in enumerate(record.relations)]
    return {"articles": article, "attributions": attributions, "speakers": speakers,
            "unattributed": unattributed, "relations": relations}
