"""The DuckDB store: one file holding articles, what was said in them, and a log of every input.

This module only names what the rest of saidwhat uses; the work is in its modules, one job each:
``schema`` (tables and columns, the version, migrations), ``rows`` (a unit's Outcome and its
article's rows), ``db`` (opening the file, writing batches, summaries), ``sql`` (columnar
inserts, temporary tables), ``export`` (Parquet, JSONL, CSV) and ``parquet`` (a Spark run's
files as a store).
"""
from __future__ import annotations

from saidwhat.store.db import Store, open_store
from saidwhat.store.rows import Outcome, rows_for
from saidwhat.store.schema import (DEFAULT_DB, MIGRATIONS, ORDER, ROW_TABLES, SCHEMA, SCHEMA_VERSION,
                                   SPANS, TABLES, column_type, ddl)

__all__ = ["Store", "open_store", "Outcome", "rows_for", "DEFAULT_DB", "MIGRATIONS", "ORDER",
           "ROW_TABLES", "SCHEMA", "SCHEMA_VERSION", "SPANS", "TABLES", "column_type", "ddl"]
