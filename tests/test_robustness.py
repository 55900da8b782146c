"""Issue 14: every unit of input stands alone, special files never hang a run, a unit the store
refuses costs only itself. Inputs are generated here; the engine is test_ingest's FakePipeline."""
from __future__ import annotations

import json
import os
import sys

import pytest

from saidwhat.batch import ingest
from saidwhat.batch.settings import Settings
from saidwhat.batch.writer import Writer
from saidwhat.errors import EXIT_PARTIAL
from saidwhat.readers.jsonl import parse_line
from saidwhat.store import Outcome, open_store
from saidwhat.store.rows import storable
from test_ingest import log, settings, snapshot, story


def _lines(n: int, poison_at: int, field: str) -> str:
    out = []
    for i in range(n):
        obj = {"id": f"d{i}", "title": f"Title {i}", "text": story(i)}
        if i == poison_at:
            obj[field] = obj[field][:5] + "\ud800" + obj[field][5:]
        out.append(json.dumps(obj))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("field", ["title", "text"])
def test_a_lone_surrogate_fails_its_line_only_and_a_rerun_adds_nothing(tmp_path, field):
    src = tmp_path / "feed.jsonl"
    src.write_text(_lines(60, 31, field), encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    report = ingest.run([str(src)], db, settings(workers=0))
    assert report.exit_code == EXIT_PARTIAL and report.failed == 1
    rows = log(db)
    assert rows["feed.jsonl:line=32"] == ("failed", f'encoding:a lone surrogate in "{field}" '
                                                    "(text that UTF-8 cannot hold)")
    before = snapshot(db)
    assert len(before["articles"]) == 59
    again = ingest.run([str(src)], db, settings(workers=0))
    assert again.new_articles == 0 and again.failed == 1 and snapshot(db) == before


def test_a_deeply_nested_line_is_one_failed_line():
    obj, reason = parse_line('{"text": "x", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert obj is None and reason == "json:nested too deeply"
    obj, reason = parse_line(json.dumps({"text": "x", "published": 20190101, "id": 7}))
    assert reason is None and obj["published"] == "20190101" and obj["id"] == "7"


def test_extract_writes_every_good_line_around_bad_ones(tmp_path, capsys):
    from saidwhat.cli import main as cli_main

    src = tmp_path / "mixed.jsonl"
    lines = [json.dumps({"id": "g1", "text": story(1)}),
             '{"id": "deep", "text": "x", "m": ' + "[" * 50_000 + "]" * 50_000 + "}",
             json.dumps({"id": "s1", "text": "The mayor said \ud800 the bridge would close."}),
             json.dumps({"id": "p1", "text": story(2), "published": 20190101}),
             json.dumps({"id": "g2", "text": story(3)})]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = cli_main(["extract", str(src), "--engine", "fast", "--format", "jsonl"])
    out, err = capsys.readouterr()
    ids = [json.loads(line)["article"]["id"] for line in out.splitlines()]
    assert ids == ["g1", "p1", "g2"] and code == EXIT_PARTIAL
    assert "nested too deeply" in err and "1 more lines" in err and "Traceback" not in err


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_a_folder_is_skipped_without_being_opened(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(story(1), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # opening it for reading would wait for a writer forever
    db = str(tmp_path / "s.duckdb")
    report = ingest.run([str(folder)], db, settings(workers=0))
    rows = log(db)
    assert rows["pipe.txt"] == ("skipped", "special-file:fifo") and rows["a.txt"][0] == "ok"
    assert report.failed == 0


def test_an_unreadable_folder_is_a_logged_failure(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text(story(1), encoding="utf-8")
    real_walk = os.walk

    def walk(top, onerror=None, **kw):  # as os.walk reports a folder it may not list
        for root, dirs, files in real_walk(top, onerror=onerror, **kw):
            if "locked" in dirs:
                dirs.remove("locked")
                onerror(PermissionError(13, "Permission denied", os.path.join(root, "locked")))
            yield root, dirs, files

    monkeypatch.setattr(os, "walk", walk)
    db = str(tmp_path / "s.duckdb")
    report = ingest.run([str(folder)], db, settings(workers=0))
    rows = log(db)
    assert rows["locked"] == ("failed", "read:permission denied") or rows["locked"][0] == "failed"
    assert rows["a.txt"][0] == "ok" and report.exit_code == EXIT_PARTIAL


@pytest.mark.skipif(sys.platform == "win32" or os.fsencode("é") == b"?", reason="needs byte file names")
def test_a_file_name_that_is_not_utf8_is_stored_and_not_redone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:
        fh.write(story(5).encode())
    db = str(tmp_path / "s.duckdb")
    report = ingest.run([str(folder)], db, settings(workers=0))
    assert report.ok == 1 and report.failed == 0
    assert "caf\ufffd.txt" in log(db)
    again = ingest.run([str(folder)], db, settings(workers=0))
    assert again.units == 0 and again.new_articles == 0


def test_a_unit_the_store_refuses_is_a_failed_row_and_costs_no_other(tmp_path):
    db = str(tmp_path / "s.duckdb")
    good = [Outcome(f"u{i}", "src", "line", "ok", None, None, None, i) for i in range(5)]
    bad = Outcome("u-bad", "src", "line", "ok", None, "a1", {"articles": [("too", "few")]}, 9)
    with open_store(db) as store:
        writer = Writer(store, Settings(progress=False), None)
        writer.add(good[:2] + [bad] + good[2:])
        writer.flush()
        rows = dict(store.con.execute("SELECT unit, status FROM ingest_log").fetchall())
        reason = store.con.execute("SELECT reason FROM ingest_log WHERE unit = 'u-bad'").fetchone()[0]
    assert rows == {**{f"u{i}": "ok" for i in range(5)}, "u-bad": "failed"}
    assert reason.startswith("store:") and writer.report.failed == 1 and writer.report.ok == 5


def test_storable_text_keeps_every_offset():
    text = "caf\udce9 said \ud800x"
    fixed = storable(text)
    assert len(fixed) == len(text) and "\ufffd" in fixed and fixed.encode("utf-8")


def test_a_long_text_is_parsed_in_windows_with_the_same_record(pipeline, monkeypatch):
    """Windows of whole paragraphs joined into one Doc: the same attributions' spans, true offsets, and
    no parser length limit (a text far over ``nlp.max_length`` is read, not refused)."""
    from saidwhat.engine import extraction

    paragraphs = [f"{story(i)} \"We will see,\" the mayor of district {i} said on Tuesday." for i in range(12)]
    text = "\n\n".join(paragraphs)
    whole = pipeline.extract(text)
    monkeypatch.setattr(extraction, "WINDOW_CHARS", 700)
    monkeypatch.setattr(pipeline.nlp, "max_length", 1000)
    assert len(text) > 3 * 1000
    windowed = pipeline.extract(text)
    def roles(record):  # the parse of a window's edge may differ a little (an entity label)
        return [(a.source and a.source.spans, a.cue and a.cue.spans, a.content.spans) for a in record.attributions]

    assert roles(windowed) == roles(whole)
    for att in windowed.attributions:
        for s, e in att.content.spans:
            assert text[s:e] in att.content.text


def test_window_bounds_cover_the_text_exactly():
    from saidwhat.engine.extraction import window_bounds

    text = ("A line.\n" * 40) + "x" * 300 + " tail words here. More."
    bounds = window_bounds(text, 100)
    assert "".join(text[s:e] for s, e in bounds) == text
    assert all(e - s <= 100 for s, e in bounds) and bounds[0][1] % 8 == 0  # cut after a line break


def _warc(gz: bool, n: int = 5) -> bytes:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i in range(n):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        body = f"<html><body><article><p>{story(i)}</p></article></body></html>".encode()
        writer.write_record(writer.create_warc_record(f"https://w.example/{i}", "response",
                                                      payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


def _records(db: str) -> dict[str, tuple[str, str | None]]:
    return {u.split("#", 1)[1]: v for u, v in log(db).items() if "#" in u}


@pytest.mark.parametrize("gz", [True, False])
def test_an_archive_cut_mid_record_accounts_for_the_lost_record(tmp_path, gz):
    data = _warc(gz)
    src = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    src.write_bytes(data[: int(len(data) * 0.7)])
    db = str(tmp_path / "s.duckdb")
    report = ingest.run([str(src)], db, settings(workers=0))
    rows = _records(db)
    assert [st for _r, (st, _why) in sorted(rows.items())][-1] == "failed"
    assert any("truncated" in (why or "") for _st, why in rows.values())
    assert report.exit_code == EXIT_PARTIAL and report.ok >= 3


def test_a_content_length_that_runs_past_its_record_fails_every_record_it_swallowed(tmp_path):
    data = _warc(False)
    second = data.index(b"WARC/1.", 10)
    at = data.index(b"Content-Length: ", second) + len(b"Content-Length: ")
    end = data.index(b"\r\n", at)
    data = data[:at] + str(int(data[at:end]) + 5000).encode() + data[end:]
    src = tmp_path / "long.warc"
    src.write_bytes(data)
    db = str(tmp_path / "s.duckdb")
    ingest.run([str(src)], db, settings(workers=0))
    rows = _records(db)
    assert rows["record=1"][0] == "ok"
    assert [rows[f"record={i}"][0] for i in range(2, 6)] == ["failed"] * 4  # 2 and the 3 inside it
    assert "more record" in rows["record=2"][1]


def test_utf16_with_a_bom_is_read_and_a_late_nul_is_refused(tmp_path):
    from saidwhat.errors import SaidwhatError
    from saidwhat.text.validate import decode

    text = story(3)
    assert decode(text.encode("utf-16")) == text  # the BOM says which byte order
    with pytest.raises(SaidwhatError) as err:
        decode(text.encode() * 100 + b"\x00 rest")  # far past the first 8 KB
    assert err.value.code == "E002" and "NUL" in str(err.value)
    src = tmp_path / "u16.txt"
    src.write_bytes(text.encode("utf-16"))
    db = str(tmp_path / "s.duckdb")
    ingest.run([str(src)], db, settings(workers=0))
    assert log(db)["u16.txt"][0] == "ok"


def test_extract_reads_a_jsonl_file_line_by_line():
    """The lines are judged as they come: the first article is out before a later line is read."""
    from saidwhat.readers.inputs import _jsonl

    def lines():
        yield b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": story(1)}).encode() + b"\n"
        raise AssertionError("read past the first line before it was used")

    first = next(_jsonl(lines(), "feed.jsonl"))
    assert first.id == "a" and first.text == story(1)
