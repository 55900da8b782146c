"""Export a store to Parquet, JSONL or CSV: one file per table, the same columns in every format.

``DIR/<table>.<ext>`` for each table of :data:`saidwhat.store.TABLES`, rows in key order, plus
``DIR/schema.json`` (schema version, and each column's name, type and meaning), so a Spark job
and a local run can write and read interchangeable files. Span columns are lists of
``[start, end]`` pairs: nested lists in Parquet and JSONL, their JSON text in CSV.

The cross-article tables (:data:`DERIVED`: entities, claims, relations across articles) follow in
the same way when the store has been linked, listed under ``derived`` in ``schema.json`` with
their columns as the store has them; ``--core-only`` leaves them out. Their bookkeeping tables
(term index, MinHash bands) are never exported: ``saidwhat link --full`` rebuilds them.
"""
from __future__ import annotations

import json
import os
from typing import Any

from saidwhat.errors import SaidwhatError
from saidwhat.store.db import open_store
from saidwhat.store.schema import ORDER, SCHEMA, TABLES, column_type
from saidwhat.store.sql import sql_string

FORMATS = {
    "parquet": ("parquet", "(FORMAT parquet, COMPRESSION zstd)"),
    "jsonl": ("jsonl", "(FORMAT json)"),
    "csv": ("csv", "(FORMAT csv, HEADER true)"),
}


# Cross-article tables worth reading outside the store (docs/store.md, "Derived tables").
DERIVED = ("entities", "entity_aliases", "acronyms", "attribution_entities", "claims", "claim_members",
           "cross_relations")


def export(db: str, fmt: str, out: str, tables: tuple[str, ...] = TABLES,
           derived: bool = True) -> dict[str, str]:
    """Write every table of the store ``db`` to ``out``; returns table -> file written.

    Each file is written under a temporary name and renamed, so a failed export never leaves a
    half-written file behind under the real name.
    """
    if fmt not in FORMATS:
        raise SaidwhatError("E107", f"unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        raise SaidwhatError("E107", f"{out}: {exc.strerror or exc}") from None
    written: dict[str, str] = {}
    extra: dict[str, list[dict[str, str]]] = {}
    with open_store(db, read_only=True, create=False) as store:
        for table in tables:
            columns = [(name, column_type(declared)) for name, declared, _ in SCHEMA[table]]
            written[table] = _copy(store.con, table, columns, ORDER[table], fmt, out)
        present = {r[0] for r in store.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        for table in DERIVED if derived else ():
            if table not in present:
                continue
            columns = [(r[0], r[1]) for r in store.con.execute(f"DESCRIBE {table}").fetchall()]
            order = ", ".join(name for name, _ in columns)
            written[table] = _copy(store.con, table, columns, order, fmt, out)
            extra[table] = [{"name": c, "type": t} for c, t in columns]
        version = store.version()
    schema = {"schema_version": version, "format": fmt,
              "tables": {t: [{"name": c, "type": column_type(ty), "doc": d} for c, ty, d in SCHEMA[t]]
                         for t in tables},
              "derived": extra}
    with open(os.path.join(out, "schema.json"), "w", encoding="utf-8") as f:
        json.dump(schema, f, indent=2)
    return written


def _copy(con: Any, table: str, columns: list[tuple[str, str]], order: str, fmt: str, out: str) -> str:
    """Write one table under a temporary name, then rename it; returns the path written."""
    ext, options = FORMATS[fmt]
    path = os.path.join(out, f"{table}.{ext}")
    tmp = path + ".tmp"
    try:
        con.execute(f"COPY ({_select(table, columns, fmt)} ORDER BY {order}) TO {sql_string(tmp)} {options}")
        os.replace(tmp, path)
    except Exception as exc:  # noqa: BLE001 - disk full, permissions: one clear line
        if os.path.exists(tmp):
            os.remove(tmp)
        raise SaidwhatError("E107", f"{path}: {' '.join(str(exc).split())[:200]}") from None
    return path


def _select(table: str, columns: list[tuple[str, str]], fmt: str) -> str:
    """The table's columns, in order; CSV gets lists (spans, aliases) as JSON text (one cell each)."""
    picked = [f"to_json({name})::VARCHAR AS {name}" if fmt == "csv" and ctype.endswith("[]")
              else name for name, ctype in columns]
    return f"SELECT {', '.join(picked)} FROM {table}"


__all__ = ["export", "DERIVED", "FORMATS"]
