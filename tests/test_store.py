"""The DuckDB store: schema, versioning, idempotent atomic writes, clear errors, export, status."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from saidwhat import readers, store
from saidwhat.store import export
from saidwhat.cli import main as cli_main
from saidwhat.errors import SaidwhatError
from saidwhat.record import (Article, Attribution, Cue, Record, Relation, Role, SaidOn, Source,
                             Speaker)
from saidwhat.store import Outcome, open_store, rows_for

DOCS = Path(__file__).resolve().parents[1] / "docs" / "store.md"
TEXT = ("A White House spokesman, Benjamin Chang, said on Sunday that the US received guarantees. "
        "Critics, speaking through IRIB, disputed that. The group is responsible for the camp.")


def make_record(text: str = TEXT, url: str | None = "https://x.example/1") -> tuple[readers.Doc, Record]:
    """A doc and a record that uses every field the store keeps."""
    article = Article(id=readers.article_id(text, url), text=text, title="Guarantees", url=url,
                      site="X", published="2008-12-29")
    i = text.index("said")
    a1 = Attribution("a1", "indirect", Source(((0, 39),), text[0:39], "s1"),
                     Cue(((i, i + 4),), "said", "say", "neutral"),
                     Role.of(text, [(i + 20, i + 63)]),
                     said_on=SaidOn("on Sunday", ((i + 5, i + 14),), "2008-12-28", "exact"),
                     confidence=0.91)
    j = text.index("disputed")
    a2 = Attribution("a2", "indirect", None, Cue(((j, j + 8),), "disputed", "dispute", "denial"),
                     Role.of(text, [(j + 9, j + 13)]), channel=Role.of(text, [(text.index("IRIB"), text.index("IRIB") + 4)]))
    speaker = Speaker("s1", "Benjamin Chang", "spokesman", "White House", "person", False, ((25, 39),))
    k = text.index("The group")
    record = Record(article, (a1, a2), (speaker,), (Role.of(text, [(k, len(text))]),),
                    (Relation("disputes", "a2", "a1", ((j, j + 8),), 0.7),))
    unit = readers.Unit("/in/a.html", "/in/a.html", "file")
    return readers.Doc(unit, article, author="Jo", source_id=None, date_source="page"), record


def outcome(doc: readers.Doc, record: Record, unit: str | None = None) -> Outcome:
    return Outcome(unit or doc.unit.id, doc.unit.source, doc.unit.kind, "ok", None, doc.article.id,
                   rows_for(doc, record))


def test_create_write_and_read_back_every_field(tmp_path):
    db = tmp_path / "s.duckdb"
    doc, record = make_record()
    with open_store(str(db)) as s:
        assert s.version() == store.SCHEMA_VERSION
        assert s.write([outcome(doc, record)]) == 1
        con = s.con
        art = con.execute("SELECT id, url, title, site, author, published::VARCHAR, date_source, "
                          "language, unit, chars, text FROM articles").fetchone()
        assert art == (doc.article.id, "https://x.example/1", "Guarantees", "X", "Jo", "2008-12-29",
                       "page", "en", "/in/a.html", len(TEXT), TEXT)
        rows = con.execute("SELECT * FROM attributions ORDER BY id").fetchall()
        i = TEXT.index("said")
        assert rows[0][1:] == ("a1", "indirect", TEXT[0:39], [[0, 39]], "s1", "said", [[i, i + 4]],
                               "say", "neutral", record.attributions[0].content.text,
                               [[i + 20, i + 63]], None, None, "2008-12-28", "on Sunday",
                               [[i + 5, i + 14]], "exact", 0.91, None, None, None, None)
        assert rows[1][13] == [[TEXT.index("IRIB"), TEXT.index("IRIB") + 4]] and rows[1][3] is None
        for (s0, e0), text in ((rows[0][4][0], rows[0][3]), (rows[0][11][0], rows[0][10])):
            assert TEXT[s0:e0] == text
        assert con.execute("SELECT * FROM speakers").fetchall() == [
            (doc.article.id, "s1", "Benjamin Chang", "spokesman", "White House", "person", False, [[25, 39]])]
        assert con.execute("SELECT n, text FROM unattributed").fetchall() == [
            (0, "The group is responsible for the camp.")]
        assert con.execute("SELECT type, from_id, to_id, score FROM relations").fetchall() == [
            ("disputes", "a2", "a1", 0.7)]
        assert con.execute("SELECT * FROM ingest_log").fetchall() == [
            ("/in/a.html", "/in/a.html", "file", "ok", None, doc.article.id)]


def test_writes_are_idempotent_and_failed_rows_are_replaced(tmp_path):
    doc, record = make_record()
    with open_store(str(tmp_path / "s.duckdb")) as s:
        failed = Outcome("/in/b.html", "/in/b.html", "file", "failed", "crash:worker exited", None)
        assert s.write([outcome(doc, record), failed]) == 1
        before = s.snapshot()
        assert s.write([outcome(doc, record)]) == 0  # same unit, same article: nothing new
        assert s.snapshot() == before
        assert s.write([outcome(doc, record, unit="/in/b.html")]) == 0  # same article elsewhere
        after = s.snapshot()
        assert after["articles"] == before["articles"] and after["attributions"] == before["attributions"]
        assert [r[3] for r in after["ingest_log"]] == ["ok", "ok"]
        # the same article twice in one batch is stored once
        other_doc, other = make_record(url="https://x.example/2")
        assert s.write([outcome(other_doc, other, "/u/1"), outcome(other_doc, other, "/u/2")]) == 1
        assert s.counts()["articles"] == 2 and s.counts()["attributions"] == 4


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    doc, record = make_record()
    good = outcome(doc, record)
    bad_rows = dict(good.rows)
    bad_rows["speakers"] = [("id", "s9", None, None, None, None, None, None)]  # NOT NULL type
    bad = Outcome("/in/c", "/in/c", "file", "ok", None, "other", bad_rows)
    with open_store(str(tmp_path / "s.duckdb")) as s:
        with pytest.raises(duckdb.Error):
            s.write([good, bad])
        assert all(not rows for rows in s.snapshot().values())
        assert s.write([good]) == 1


def test_not_duckdb_files_are_refused_and_left_untouched(tmp_path):
    for name, data in (("text.duckdb", b"hello, I am a text file\n"), ("zero.duckdb", b""),
                       ("random.duckdb", bytes(range(256)) * 64)):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(SaidwhatError) as err:
            open_store(str(path))
        assert err.value.code == "E101" and "\n" not in str(err.value)
        assert path.read_bytes() == data


def test_missing_foreign_newer_and_migrated_stores(tmp_path, monkeypatch):
    with pytest.raises(SaidwhatError) as err:
        open_store(str(tmp_path / "none.duckdb"), read_only=True, create=False)
    assert err.value.code == "E104" and not (tmp_path / "none.duckdb").exists()
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).execute("CREATE TABLE t (a INT)").close()
    with pytest.raises(SaidwhatError) as err:
        open_store(str(foreign))
    assert err.value.code == "E105" and "without saidwhat's tables" in str(err.value)
    db = str(tmp_path / "s.duckdb")
    open_store(db).close()
    con = duckdb.connect(db)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SaidwhatError) as err:
        open_store(db)
    assert err.value.code == "E105" and "newer" in str(err.value)
    # an older store is migrated, step by step, when it is opened
    con = duckdb.connect(db)
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    monkeypatch.setattr(store.schema, "SCHEMA_VERSION", 2)  # what open_store reads
    monkeypatch.setitem(store.MIGRATIONS, 1, lambda c: c.execute("ALTER TABLE articles ADD COLUMN x INT"))
    with open_store(db, read_only=True) as s:
        assert s.version() == 2
        assert "x" in [r[0] for r in s.con.execute("DESCRIBE articles").fetchall()]
    monkeypatch.setattr(store.schema, "SCHEMA_VERSION", 3)
    with pytest.raises(SaidwhatError) as err:
        open_store(db)
    assert err.value.code == "E105" and "cannot migrate" in str(err.value)


def test_a_store_in_use_is_refused_clearly(tmp_path):
    db = str(tmp_path / "s.duckdb")
    open_store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               " print('held', flush=True); time.sleep(30)", db],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SaidwhatError) as err:
            open_store(db)
        assert err.value.code == "E103"
    finally:
        holder.kill()
        holder.wait()


def test_summary_status_and_export_share_one_schema(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    doc, record = make_record()
    with open_store(db) as s:
        s.write([outcome(doc, record),
                 Outcome("/in/x.jsonl:line=2", "/in/x.jsonl", "line", "failed", "json:column 2: bad"),
                 Outcome("/in/de.txt", "/in/de.txt", "file", "skipped", "language:de")])
        info = s.summary()
    assert info["units"] == {"ok": 1, "skipped": 1, "failed": 1}
    assert info["reasons"]["skipped"] == [("language", 1)] and info["tables"]["articles"] == 1
    assert cli_main(["status", "--db", db, "--show", "failed", "--limit", "10"]) == 0
    out = capsys.readouterr().out
    assert "ok 1, skipped 1, failed 1" in out and "/in/x.jsonl:line=2  json:column 2: bad" in out
    columns = {}
    for fmt in export.FORMATS:
        out_dir = tmp_path / fmt
        written = export.export(db, fmt, str(out_dir))
        assert set(written) == set(store.TABLES)
        con = duckdb.connect()
        reader = {"parquet": "read_parquet", "jsonl": "read_json_auto", "csv": "read_csv_auto"}[fmt]
        for table, path in written.items():
            rel = con.execute(f"SELECT * FROM {reader}(?)", [path])
            columns.setdefault(table, {})[fmt] = [d[0] for d in rel.description]
            if table == "attributions":
                rows = rel.fetchall()
                assert len(rows) == 2
        schema = json.loads((out_dir / "schema.json").read_text())
        assert schema["schema_version"] == store.SCHEMA_VERSION
        assert not list(out_dir.glob("*.tmp"))
    for table, by_format in columns.items():
        expected = [c for c, _, _ in store.SCHEMA[table]]
        assert all(cols == expected for cols in by_format.values()), (table, by_format)
    csv_row = duckdb.connect().execute("SELECT source_spans FROM read_csv_auto(?) ORDER BY id",
                                       [str(tmp_path / "csv" / "attributions.csv")]).fetchone()
    assert json.loads(str(csv_row[0])) == [[0, 39]]
    with pytest.raises(SaidwhatError) as err:
        export.export(str(tmp_path / "missing.duckdb"), "csv", str(tmp_path / "o"))
    assert err.value.code == "E104"


def test_docs_describe_every_column():
    """docs/store.md documents the schema column by column; keep it in step with store.SCHEMA."""
    text = DOCS.read_text(encoding="utf-8")
    assert f"Schema version: {store.SCHEMA_VERSION}" in text
    for table, columns in store.SCHEMA.items():
        section = re.search(rf"^### `{table}`\n(.*?)(?=^### |\Z)", text, re.S | re.M)
        assert section, f"docs/store.md has no section for {table}"
        documented = re.findall(r"^\| `(\w+)` \|", section.group(1), re.M)
        assert documented == [c for c, _, _ in columns], table


def test_a_version_1_store_gains_the_medium_and_addressee_columns(tmp_path):
    db = str(tmp_path / "old.duckdb")
    open_store(db).close()
    con = duckdb.connect(db)
    for column in ("medium_text", "medium_spans", "addressee_text", "addressee_spans"):
        con.execute(f"ALTER TABLE attributions DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with open_store(db) as s:
        assert s.version() == 2
        columns = [r[0] for r in s.con.execute("DESCRIBE attributions").fetchall()]
    assert columns == [c for c, _, _ in store.SCHEMA["attributions"]]
