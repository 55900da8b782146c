"""The DuckDB store file: opening it (checked, migrated, locked), writing batches, summaries.

One writer at a time (DuckDB locks the file). :meth:`Store.write` commits a batch of units - each
article with its attributions, speakers, unattributed text and relations, and each unit's
``ingest_log`` row - in a single transaction, so a crash leaves either all of a unit or none of it,
and a rerun that skips logged units ends with exactly the content of an uninterrupted run.
Articles are keyed by a hash of their text and URL: storing one twice adds nothing.
"""
from __future__ import annotations

import os
from typing import Any, Sequence

from saidwhat.errors import SaidwhatError
from saidwhat.store import schema
from saidwhat.store.rows import Outcome, storable
from saidwhat.store.schema import DEFAULT_DB, MIGRATIONS, ORDER, ROW_TABLES, SCHEMA, TABLES, column_type, ddl
from saidwhat.store.sql import insert_rows


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
                           [storable(source)]).fetchall()
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
        insert_rows(self.con, table, [column_type(t) for _, t, _ in SCHEMA[table]], rows, replace=replace)

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
        if version == schema.SCHEMA_VERSION:
            return Store(con, path, read_only)
        if version > schema.SCHEMA_VERSION:
            raise SaidwhatError("E105", f"{path} has schema version {version}, newer than this "
                                        f"saidwhat's {schema.SCHEMA_VERSION}: upgrade saidwhat")
        if version < 0 or any(v not in MIGRATIONS for v in range(version, schema.SCHEMA_VERSION)):
            raise SaidwhatError("E105", f"{path} has schema version {version}, which this saidwhat "
                                        f"cannot migrate to {schema.SCHEMA_VERSION}")
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
                [str(schema.SCHEMA_VERSION), f"saidwhat {_package_version()}"])
    con.execute("COMMIT")


def _migrate(con: Any, version: int) -> None:
    while version < schema.SCHEMA_VERSION:
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

