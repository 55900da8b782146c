"""The Spark job (issue 6): same records as `saidwhat ingest`, export schema, errors, re-runs.

One local[2] SparkSession is shared by the whole module (starting one takes 10-40 s here). The
inputs are small: JSONL lines, HTML pages and a WARC written with warcio, plus a bad input of
every kind. Skips, with the reason, where pyspark or Java is missing.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a JVM per test session: `make test-slow`

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'saidwhat[spark]')")
pytest.importorskip("duckdb", reason="duckdb is not installed (pip install 'saidwhat[store]')")
pytest.importorskip("warcio", reason="warcio is not installed (pip install 'saidwhat[html]')")


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


if _java() is None:
    pytest.skip("Java is not installed (Spark needs Java 17 or newer; set JAVA_HOME)",
                allow_module_level=True)

from saidwhat.batch import ingest  # noqa: E402
from saidwhat.batch import spark as spark_job  # noqa: E402
from saidwhat.store.export import export  # noqa: E402
from saidwhat.store import TABLES, open_store  # noqa: E402

PEOPLE = [("Maria Okafor", "the council's transport director"), ("Tom Lindqvist", "a union spokesman"),
          ("Aisha Rahman", "the harbour authority's chief engineer"), ("Peter Nagy", "the mayor"),
          ("Lena Brandt", "a hospital administrator"), ("Samuel Osei", "the police commissioner"),
          ("Clara Moreau", "a local shopkeeper"), ("David Chen", "the finance minister")]
TOPICS = ["the new tram line", "the harbour strike", "the bridge repairs", "the school budget",
          "the hospital merger", "the flood barrier", "the airport expansion", "the market square"]


def story(i: int) -> str:
    name, role = PEOPLE[i % len(PEOPLE)]
    other, other_role = PEOPLE[(i + 3) % len(PEOPLE)]
    topic = TOPICS[i % len(TOPICS)]
    last = name.split()[-1]
    return (f"City officials met on Tuesday to discuss {topic}, which has divided residents for "
            f"months (report {i}).\n\n"
            f"“We cannot afford another delay,” said {name}, {role}. “Every week costs the city "
            f"money and the people who depend on it.”\n\n"
            f"{last} said the plan would be finished by the end of next year. {other}, {other_role}, "
            f"disputed that timetable and claimed that the costs had been underestimated by at "
            f"least a third.\n\n"
            f"According to a report published by the city's audit office, {topic} has already "
            f"cost more than 40 million euros. An official who asked not to be named said the "
            f"council would vote on the matter in March.")


def page(i: int, site: str, date: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in story(i).split("\n\n"))
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Story {i} | {site}</title>"
            f"<meta property=\"og:site_name\" content=\"{site}\">"
            f"<meta property=\"article:published_time\" content=\"{date}T08:00:00Z\">"
            f"<link rel=\"canonical\" href=\"https://www.{site}/news/{i}\"></head><body>"
            f"<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
            f"<article><h1>Council debates {TOPICS[i % len(TOPICS)]}</h1>{paragraphs}</article>"
            f"<footer>Copyright {site}</footer></body></html>")


GERMAN = ("Die Stadtverwaltung hat am Dienstag über die neue Straßenbahnlinie beraten. „Wir können "
          "uns keine weitere Verzögerung leisten“, sagte die Verkehrsdirektorin. Die Gewerkschaft "
          "widersprach und erklärte, die Kosten seien deutlich unterschätzt worden. Der Rat soll im "
          "März über das Vorhaben abstimmen, teilte ein Sprecher der Stadt mit.")


def make_corpus(root: Path) -> list[str]:
    """JSONL, HTML (plain and gzipped) and a WARC, with one bad input of each kind; returns the
    paths to give both `saidwhat ingest` and the Spark job (one of them does not exist)."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": f"j{i}", "text": story(i), "url": f"https://a.example/{i}",
                         "published": f"2016-0{2 + i % 2}-1{i}"}) for i in range(5)]
    lines.insert(2, '{"id": "broken", "text": "no closing quote')  # json:
    lines.insert(4, json.dumps({"id": "dup", "text": story(30)}))  # same text as notes.txt (no url either)
    lines.append(json.dumps({"id": "de", "text": GERMAN}))  # language:de
    lines.append(json.dumps({"id": "notext", "title": "no text field"}))  # json: no "text"
    (root / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "html").mkdir(exist_ok=True)
    (root / "html" / "p10.html").write_text(page(10, "b.example", "2016-03-04"), encoding="utf-8")
    (root / "html" / "p11.html.gz").write_bytes(gzip.compress(page(11, "b.example", "2016-04-01").encode()))
    (root / "html" / "p12.html").write_text(page(12, "c.example", "2016-03-20"), encoding="utf-8")
    (root / "html" / "tiny.html").write_text("<html><body><p>Subscribe now.</p></body></html>")
    (root / "html" / "broken.html.gz").write_bytes(gzip.compress(page(13, "b.example", "2016-03-05").encode())[:300])
    (root / "html" / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / "notes.txt").write_text(story(30), encoding="utf-8")  # same text as the "dup" line

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(root / "crawl.warc.gz", "wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
        for i, (site, date) in enumerate([("d.example", "2016-02-10"), ("d.example", "2016-03-11"),
                                          ("b.example", "2016-03-12")]):
            uri = f"https://{site}/story/{20 + i}"
            body = page(20 + i, site, date).encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "request", payload=None))
            writer.write_record(writer.create_warc_record(uri, "response", payload=_io(body),
                                                          http_headers=headers))
        missing = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://d.example/gone", "response",
                                                      payload=_io(b"<html>gone</html>"),
                                                      http_headers=missing))
    return [str(root / "lines.jsonl"), str(root / "html"), str(root / "notes.txt"),
            str(root / "crawl.warc.gz"), str(root / "missing.jsonl")]


def _io(data: bytes):
    import io

    return io.BytesIO(data)


# ------------------------------------------------------------------------------------------------
# Fixtures: one corpus, one local ingest, one Spark session and one Spark run for the module.


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    return make_corpus(tmp_path_factory.mktemp("spark-corpus"))


@pytest.fixture(scope="module")
def local_db(corpus, tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("local") / "local.duckdb")
    ingest.run(corpus, db, ingest.Settings(workers=0, progress=False, link=False))
    return db


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        session = spark_job.session("local[2]")
    except Exception as exc:  # noqa: BLE001 - e.g. a Java too old for this pyspark
        pytest.skip(f"Spark did not start here: {exc}")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark_out(spark, corpus, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("spark") / "out")
    report = spark_job.run(corpus, out)
    return out, report


def snapshot(db: str) -> dict[str, list[tuple]]:
    """Every table's rows in key order, floats to 9 decimals: spaCy batches different documents
    together in the two runs, and a score's last bits (1e-16) follow the batch's shape."""
    with open_store(db, read_only=True, create=False) as store:
        return {t: [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows]
                for t, rows in store.snapshot().items()}


def view_of(out: str, tmp_path: Path, name: str = "view.duckdb") -> dict[str, list[tuple]]:
    db = str(tmp_path / name)
    spark_job.attach_parquet(db, out)
    return snapshot(db)


# ------------------------------------------------------------------------------------------------


def test_spark_run_has_the_same_records_as_local_ingest(spark_out, local_db, tmp_path):
    out, report = spark_out
    local = snapshot(local_db)
    remote = view_of(out, tmp_path)
    assert local["articles"], "the local ingest found no articles: the corpus is broken"
    assert any(local[t] for t in ("attributions", "speakers")), "no attributions at all"
    for table in TABLES:
        assert remote[table] == local[table], f"{table} differs between Spark and saidwhat ingest"
    assert report.ok == sum(1 for r in local["ingest_log"] if r[3] == "ok")
    assert report.new_articles == len(local["articles"])


def test_files_have_exactly_the_export_schema_and_are_partitioned(spark_out, local_db, tmp_path):
    import duckdb

    out, _ = spark_out
    exported = tmp_path / "export"
    export(local_db, "parquet", str(exported))
    con = duckdb.connect()
    for table in TABLES:
        want = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{exported}/{table}.parquet')").fetchall()
        files = sorted(Path(out, table).rglob("*.parquet"))
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{exported}/{table}.parquet')").fetchone()[0]
        assert bool(files) == bool(rows), f"{table}: {len(files)} files for {rows} rows"
        for f in files:  # each file on its own: no partition columns inside, same names and types
            got = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{f}', hive_partitioning = false)").fetchall()
            assert [r[:2] for r in got] == [r[:2] for r in want], f"{f} has another schema"
    sites = {p.name for p in Path(out, "articles").iterdir() if p.is_dir()}
    assert {"part_site=a.example", "part_site=b.example", "part_site=d.example"} <= sites
    months = {p.name for p in Path(out, "articles", "part_site=b.example").iterdir()}
    assert {"part_month=2016-03", "part_month=2016-04"} <= months
    assert json.loads(Path(out, "schema.json").read_text())["tables"] == \
        json.loads((exported / "schema.json").read_text())["tables"]


def test_bad_inputs_go_to_the_error_output_and_the_job_goes_on(spark_out):
    import duckdb

    out, report = spark_out
    rows = duckdb.connect().execute(
        f"SELECT unit, kind, status, reason FROM read_parquet('{out}/errors/*.parquet')").fetchall()
    reasons = {r[3].split(":")[0] for r in rows}
    assert {"json", "language", "gzip", "binary", "too-short", "warc-type", "http-status",
            "not-found"} <= reasons, reasons
    assert all(r[2] in ("failed", "skipped") for r in rows)
    assert report.failed and report.ok and report.exit_code == 1
    log = duckdb.connect().execute(
        f"SELECT count(*), count(DISTINCT unit) FROM read_parquet('{out}/ingest_log/*.parquet')").fetchone()
    assert log[0] == log[1] == report.units


def test_rerun_does_not_duplicate(spark, spark_out, local_db, corpus, tmp_path):
    out, _ = spark_out
    again = spark_job.run(corpus, out)  # resume: finished files are not read again
    copy = tmp_path / "again.duckdb"
    shutil.copy(local_db, copy)
    local = ingest.run(corpus, str(copy), ingest.Settings(workers=0, progress=False, link=False))
    # as a second `saidwhat ingest`: only the failed units (and their files' ends) are tried again
    assert (again.ok, again.skipped, again.failed) == (local.ok, local.skipped, local.failed)
    assert again.files_skipped >= 5 and again.new_articles == 0 and again.failed == 4
    # Everything read and extracted again, this time through binaryFiles (the way a cluster reads
    # URIs): the same units, the same rows, so nothing is added and the log keeps one row a unit.
    forced = spark_job.run(corpus, out, resume=False, fetch="binary")
    assert forced.ok and forced.new_articles == 0 and sum(forced.new_rows.values()) == 0
    assert forced.units == sum(1 for _ in snapshot(local_db)["ingest_log"])
    assert view_of(out, tmp_path) == snapshot(local_db)


def test_uris_are_listed_like_local_paths(spark, corpus):
    """The listing a cluster uses for s3a:// or hdfs:// (Hadoop's FileSystem) walks a directory
    in the order saidwhat ingest does, and says not-found as the readers do."""
    from saidwhat import readers

    html = corpus[1]
    listed = [spark_job.normalize_uri(p) for p, _, _ in spark_job._hadoop_expand(spark, "file://" + html)]
    assert listed == [p for p, _ in readers.expand([html])]
    assert [x[2] for x in spark_job._hadoop_expand(spark, "file://" + html + "/nothing-*.html")] == \
        ["not-found:no file matches"]


def test_one_extractor_per_python_worker(spark, spark_out):
    """Loaded once per Python worker, then kept for every later task and job of that worker."""
    def probe(_):
        had = spark_job.DEFAULT_EXTRACTOR in spark_job._EXTRACTORS
        spark_job.extractor()
        return had, spark_job.worker_stats()

    rdd = spark.sparkContext.parallelize(range(8), 8)
    first = rdd.map(probe).collect()
    again = rdd.map(probe).collect()
    # However many Python workers Spark keeps (a loaded machine may start extra ones), each
    # loaded the model exactly once over all its tasks, and most tasks of the second job found
    # it already loaded.
    for _, s in first + again:
        assert s["loads"][spark_job.DEFAULT_EXTRACTOR] == 1, s
    assert sum(had for had, _ in again) >= len(again) // 2


FAKE = textwrap.dedent('''
    """A stand-in extractor: CRASHME kills the Python worker, anything else gives an empty record."""
    import os
    from saidwhat.record import Record

    class Pipeline:
        def pipe(self, articles):
            for a in articles:
                if "CRASHME" in a.text:
                    os._exit(3)
                yield Record(a)
''')


def test_a_unit_that_kills_its_worker_fails_alone(spark, tmp_path):
    module = tmp_path / "saidwhat_fake_crash.py"
    module.write_text(FAKE)
    spark.sparkContext.addPyFile(str(module))
    lines = [json.dumps({"id": str(i), "text": story(i) + (" CRASHME" if i == 2 else "")})
             for i in range(3)]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    out = str(tmp_path / "crash")
    report = spark_job.run([str(tmp_path / "c.jsonl")], out, extractor_spec="saidwhat_fake_crash:Pipeline")
    import duckdb

    rows = dict(duckdb.connect().execute(
        f"SELECT unit, reason FROM read_parquet('{out}/ingest_log/*.parquet') WHERE status = 'failed'").fetchall())
    assert list(rows) == [f"{tmp_path / 'c.jsonl'}:line=3"]
    assert rows[f"{tmp_path / 'c.jsonl'}:line=3"].startswith("crash:worker exited with code 3")
    assert report.ok == 3  # two lines and the file's end


def test_attach_import_is_a_regular_idempotent_store(spark_out, local_db, tmp_path):
    out, _ = spark_out
    db = str(tmp_path / "imported.duckdb")
    spark_job.attach_parquet(db, out, mode="import")
    spark_job.attach_parquet(db, out, mode="import")
    assert snapshot(db) == snapshot(local_db)
    with pytest.raises(Exception, match="E105"):
        spark_job.attach_parquet(db, out)  # views over a store with its own tables: refused


def test_cli_registers_spark(spark, tmp_path):
    from saidwhat.cli import main

    (tmp_path / "one.jsonl").write_text(json.dumps({"id": "x", "text": story(5)}) + "\n")
    assert main(["spark", str(tmp_path / "one.jsonl"), "--out", str(tmp_path / "o"),
                 "--attach", str(tmp_path / "v.duckdb")]) == 0
    assert snapshot(str(tmp_path / "v.duckdb"))["articles"][0][8] == "x"


def test_missing_pyspark_or_java_is_one_clear_line(tmp_path):
    """Without pyspark the CLI says what to install (checked in a subprocess without it)."""
    code = ("import sys; sys.modules['pyspark'] = None; sys.modules['pyspark.sql'] = None\n"
            "from saidwhat.cli import main\n"
            "sys.exit(main(['spark', __import__('os').devnull, '--out', 'x']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 3  # a missing extra, as for every command
    assert "pip install 'saidwhat[spark]'" in result.stderr
    assert "Traceback" not in result.stderr
