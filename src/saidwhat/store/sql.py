"""SQL helpers shared by every writer of the store: columnar inserts and temporary tables.

One statement per batch, one list per column unnested by DuckDB: about ten times faster than
``executemany``, and the only way rows from Python enter the store.
"""
from __future__ import annotations

from typing import Any, Sequence


def insert_rows(con: Any, table: str, types: Sequence[str], rows: Sequence[tuple],
                replace: bool = False) -> None:
    """Insert ``rows`` (tuples in column order, of DuckDB ``types``) into ``table``."""
    if not rows:
        return
    values = [list(col) for col in zip(*rows)]
    select = ", ".join(f"unnest(${i + 1}::{t}[])" for i, t in enumerate(types))
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    con.execute(f"{verb} INTO {table} SELECT {select}", values)


def temp_table(con: Any, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple]) -> None:
    """A temporary table ``name`` of ``(column, type)`` columns, filled from ``rows``."""
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"CREATE TEMP TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})")
    insert_rows(con, name, [t for _, t in columns], rows)


def sql_string(value: str) -> str:
    """A string literal for SQL text where a parameter cannot go (a file path in read_parquet)."""
    return "'" + value.replace("'", "''") + "'"
