"""Export a store to Parquet, JSONL or CSV: one file per table, the same columns in every format.

``DIR/<table>.<ext>`` for each table of :data:`saidwhat.store.TABLES`, rows in key order, plus
``DIR/schema.json`` (schema version, and each column's name, type and meaning), so a Spark job
and a local run can write and read interchangeable files. Span columns are lists of
``[start, end]`` pairs: nested lists in Parquet and JSONL, their JSON text in CSV.
"""
from __future__ import annotations

import json
import os
from typing import Any

from saidwhat.errors import SaidwhatError
from saidwhat.store import DEFAULT_DB, ORDER, SCHEMA, TABLES, _type, open_store

FORMATS = {
    "parquet": ("parquet", "(FORMAT parquet, COMPRESSION zstd)"),
    "jsonl": ("jsonl", "(FORMAT json)"),
    "csv": ("csv", "(FORMAT csv, HEADER true)"),
}


def _quoted(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def export(db: str, fmt: str, out: str, tables: tuple[str, ...] = TABLES) -> dict[str, str]:
    """Write every table of the store ``db`` to ``out``; returns table -> file written.

    Each file is written under a temporary name and renamed, so a failed export never leaves a
    half-written file behind under the real name.
    """
    if fmt not in FORMATS:
        raise SaidwhatError("E107", f"unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    ext, options = FORMATS[fmt]
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        raise SaidwhatError("E107", f"{out}: {exc.strerror or exc}") from None
    written: dict[str, str] = {}
    with open_store(db, read_only=True, create=False) as store:
        for table in tables:
            path = os.path.join(out, f"{table}.{ext}")
            tmp = path + ".tmp"
            select = _select(table, fmt)
            try:
                store.con.execute(f"COPY ({select} ORDER BY {ORDER[table]}) TO {_quoted(tmp)} {options}")
                os.replace(tmp, path)
            except Exception as exc:  # noqa: BLE001 - disk full, permissions: one clear line
                if os.path.exists(tmp):
                    os.remove(tmp)
                raise SaidwhatError("E107", f"{path}: {' '.join(str(exc).split())[:200]}") from None
            written[table] = path
        version = store.version()
    schema = {"schema_version": version, "format": fmt,
              "tables": {t: [{"name": c, "type": _type(ty), "doc": d} for c, ty, d in SCHEMA[t]]
                         for t in tables}}
    with open(os.path.join(out, "schema.json"), "w", encoding="utf-8") as f:
        json.dump(schema, f, indent=2)
    return written


def _select(table: str, fmt: str) -> str:
    """The table's columns, in schema order; CSV gets span lists as JSON text (one cell each)."""
    columns = []
    for name, column_type, _ in SCHEMA[table]:
        if fmt == "csv" and _type(column_type).endswith("[]"):
            columns.append(f"to_json({name})::VARCHAR AS {name}")
        else:
            columns.append(name)
    return f"SELECT {', '.join(columns)} FROM {table}"


def add_export_parser(subparsers: Any) -> Any:
    parser = subparsers.add_parser(
        "export", help="write a store's tables to Parquet, JSONL or CSV",
        description="Write every table of a store to DIR/<table>.<ext> (same columns in every "
                    "format) and DIR/schema.json.")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"the store (default ./{DEFAULT_DB})")
    parser.add_argument("--format", choices=tuple(FORMATS), default="parquet",
                        help="file format (default parquet)")
    parser.add_argument("--out", required=True, metavar="DIR", help="directory to write into")
    parser.set_defaults(func=main_export)
    return parser


def main_export(args: Any) -> int:
    """``saidwhat export --db FILE --format F --out DIR``: 0 on success (errors raise)."""
    written = export(args.db, args.format, args.out)
    for table, path in written.items():
        print(path)
    return 0


__all__ = ["export", "FORMATS", "main_export", "add_export_parser"]
