"""The read-only connection to one store: opening it safely, per-thread cursors, what the store
offers (tables, columns, optional cross-article tables), and a cache.

The store is opened with ``read_only=True`` and kept open: DuckDB then holds a shared lock, so no
other process can write the file while it is served, and what was read once (the table list, the
overview) stays true until the server stops. Every request thread gets its own cursor.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Sequence

from saidwhat.errors import SaidwhatError

CROSS_RELATION_COLUMNS = ("article_id_from", "attribution_from", "article_id_to", "attribution_to")


def connect_read_only(path: str) -> Any:
    """Open a store read-only, with the store module's error codes for what can go wrong.

    The connection is to an in-memory database with the store ATTACHed ``READ_ONLY`` as ``store``
    (and made the default with ``USE store``): the file is opened read-only - DuckDB refuses any
    write to it, and no other process can write it meanwhile - while the in-memory side holds
    the small lookup table the list queries use (see :meth:`KeyedReader._build_keys`).
    """
    import duckdb

    if os.path.isdir(path):
        raise SaidwhatError("E102", f"{path}: is a directory")
    if not os.path.exists(path):
        raise SaidwhatError("E104", path)
    con = duckdb.connect()
    try:
        literal = "'" + os.path.abspath(path).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS store (READ_ONLY)")
        con.execute("USE store")
    except duckdb.Error as exc:
        con.close()
        message = " ".join(str(exc).split())
        if "not a valid DuckDB database" in message:
            raise SaidwhatError("E101", path) from None
        if "lock" in message.lower():
            raise SaidwhatError("E103", path) from None
        raise SaidwhatError("E102", f"{path}: {message}") from None
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = 'store'").fetchall()}
        missing = {"meta", "articles", "attributions", "speakers", "unattributed", "ingest_log"} - tables
        if missing:
            raise SaidwhatError("E105", f"{path} lacks saidwhat's tables ({', '.join(sorted(missing))})")
    except BaseException:
        con.close()
        raise
    return con



class StoreReader:
    """One store opened read-only, with the plumbing every query module builds on."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.con = connect_read_only(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self.columns: dict[str, dict[str, str]] = {}
        for table, column, dtype in self.con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_catalog = 'store' "
                "ORDER BY table_name, ordinal_position").fetchall():
            self.columns.setdefault(table, {})[column] = dtype
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        self.schema_version = row[0] if row else None
        # What the store offers beyond the per-article tables.
        self.has_relations = self.has("relations", "article_id", "from_id", "to_id")
        self.cross_tables = [t for t, cols in sorted(self.columns.items())
                             if all(c in cols for c in CROSS_RELATION_COLUMNS)]
        self.has_entities = self.has("entities", "id")
        self.has_links = self.has("attribution_entities", "article_id", "attribution_id", "entity_id")
        self.has_claims = self.has("claims", "id")
        self.has_members = self.has("claim_members", "claim_id", "article_id", "attribution_id")

    def has(self, table: str, *columns: str) -> bool:
        cols = self.columns.get(table)
        return cols is not None and all(c in cols for c in columns)

    def features(self) -> dict[str, bool]:
        return {"entities": self.has_entities, "attribution_entities": self.has_links,
                "claims": self.has_claims, "claim_members": self.has_members,
                "relations": self.has_relations, "cross_relations": bool(self.cross_tables)}

    def cursor(self) -> Any:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                if self.con is None:
                    raise RuntimeError("the store is closed")
                cur = self.con.cursor()
            cur.execute("USE store")
            self._local.cursor = cur
        return cur

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.cursor()
        cur.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.cursor().execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            if self.con is not None:
                self.con.close()
                self.con = None

    def cached(self, key: str, compute: Any) -> Any:
        # The file cannot change while we hold it read-only, so results are good until close.
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]
