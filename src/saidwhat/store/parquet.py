"""Parquet files of a Spark run (or an export) as a saidwhat store: views over them, or an import.

Lets ``saidwhat status``, the queries and the web page work on what ``saidwhat spark`` wrote.
"""
from __future__ import annotations

import os
import re
import urllib.parse
from typing import Any

from saidwhat.errors import SaidwhatError
from saidwhat.store.db import open_store
from saidwhat.store.schema import ROW_TABLES, SCHEMA, SCHEMA_VERSION, TABLES, column_type
from saidwhat.store.sql import sql_string

LOG = "ingest_log"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # s3a://, hdfs://, file:/... (not C:\\ on Windows)


def is_uri(path: str) -> bool:
    return bool(_URI.match(path)) and not (len(path) > 1 and path[1] == ":" and os.name == "nt")


def normalize_uri(uri: str) -> str:
    """``file:`` URIs as plain absolute paths (so unit ids match a local ingest), others as is."""
    if uri.startswith("file:"):
        path = urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
        return os.path.normpath(path) if path else uri
    return uri


def key_column(table: str) -> str:
    return "id" if table == "articles" else "article_id"


def parquet_source(parquet_dir: str, table: str) -> str | None:
    """A DuckDB ``read_parquet`` over a table's files under ``parquet_dir`` (a Spark output or a
    ``saidwhat export`` directory), or None when it has no files."""
    import glob as globbing

    remote = is_uri(parquet_dir) and not parquet_dir.startswith("file:")
    base = parquet_dir if remote else os.path.abspath(normalize_uri(parquet_dir))
    if not remote:
        flat = os.path.join(base, f"{table}.parquet")  # saidwhat export
        if os.path.isfile(flat):
            return f"read_parquet({sql_string(flat)}, hive_partitioning = false)"
        if not globbing.glob(os.path.join(glob_escape(base), table, "**", "*.parquet"), recursive=True):
            return None
    pattern = f"{base.rstrip('/')}/{table}/**/*.parquet"
    return f"read_parquet({sql_string(pattern)}, hive_partitioning = false)"


def glob_escape(path: str) -> str:
    import glob as globbing

    return globbing.escape(path)


def _select(table: str, source: str | None) -> str:
    columns = SCHEMA[table]
    if source is None:
        return "SELECT " + ", ".join(f"CAST(NULL AS {column_type(t)}) AS {c}" for c, t, _ in columns) + " WHERE false"
    return "SELECT " + ", ".join(f"CAST({c} AS {column_type(t)}) AS {c}" for c, t, _ in columns) + f" FROM {source}"


def attach_parquet(db_path: str, parquet_dir: str, mode: str = "view") -> dict[str, int]:
    """Make a Spark run (or an export) browsable as a saidwhat store; returns rows per table.

    ``mode="view"``: ``db_path`` becomes a small DuckDB file whose tables are views over the
    Parquet files (nothing copied; files a later run appends are seen at once; read-only:
    ``saidwhat status``, queries and the web page work, ``saidwhat ingest`` into it does not).
    Re-attaching a view store replaces its views. ``mode="import"``: the rows are copied into
    a regular store (created if needed), skipping articles it already holds and replacing log
    rows of the same unit - idempotent, and ``saidwhat ingest`` can go on adding to it.
    """
    if mode not in ("view", "import"):
        raise SaidwhatError("E105", f"mode must be view or import, not {mode!r}")
    sources = {t: parquet_source(parquet_dir, t) for t in TABLES}
    if all(s is None for s in sources.values()):
        raise SaidwhatError("E011", f"{parquet_dir}: no Parquet files of a saidwhat run or export")
    if mode == "import":
        return _import(db_path, sources)
    return _views(db_path, parquet_dir, sources)


def _import(db_path: str, sources: dict[str, str | None]) -> dict[str, int]:
    """Copy the rows into a regular store, in one transaction: new articles only, log rows
    replacing those of the same unit."""
    with open_store(db_path) as store:
        con = store.con
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ROW_TABLES:
                key = key_column(table)
                con.execute(f"INSERT INTO {table} SELECT * FROM ({_select(table, sources[table])}) AS n "
                            f"WHERE n.{key} NOT IN (SELECT {key} FROM {table})")
            con.execute(f"INSERT OR REPLACE INTO {LOG} {_select(LOG, sources[LOG])}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return store.counts()


def _connect(db_path: str) -> Any:
    """A read-write DuckDB connection, or the store errors (E103 locked, E102 other)."""
    import duckdb

    try:
        return duckdb.connect(db_path)
    except duckdb.Error as exc:
        message = " ".join(str(exc).split())
        if "lock" in message.lower():
            raise SaidwhatError("E103", db_path) from None
        raise SaidwhatError("E102", f"{db_path}: {message[:200]}") from None


def _views(db_path: str, parquet_dir: str, sources: dict[str, str | None]) -> dict[str, int]:
    """A view store: a meta table and one view per table over the Parquet files."""
    existed = os.path.exists(db_path)
    con = _connect(db_path)
    try:
        if existed:
            kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                     "WHERE table_schema = 'main'").fetchall())
            if any(kinds.get(t) == "BASE TABLE" for t in TABLES):
                raise SaidwhatError("E105", f"{db_path} is a store with its own tables; attach the "
                                            f"Parquet files to a new file, or use mode='import'")
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('created_by', ?), "
                    "('parquet_dir', ?)", [str(SCHEMA_VERSION), "saidwhat store.parquet.attach_parquet",
                                           parquet_dir])
        for table in TABLES:
            con.execute(f"CREATE OR REPLACE VIEW {table} AS {_select(table, sources[table])}")
        con.execute("COMMIT")
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()
