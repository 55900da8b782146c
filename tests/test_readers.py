"""Readers: every unit of input becomes an article or a skip/failure with a reason (issue 3)."""
from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from saidwhat import readers
from saidwhat.readers import Doc, Options, Skip

SHARED = Path(os.environ.get("SAIDWHAT_SHARED", Path(__file__).resolve().parents[2] / "shared"))
HTML_ARTICLES = SHARED / "eval" / "html-articles"

STORY = ("The harbour workers' union said on Monday that the strike would continue until the port "
         "authority agreed to restore the night shift. \"We are not going back,\" said Maria Santos, "
         "a spokeswoman for the union, adding that talks had stalled. The port authority declined "
         "to comment on the dispute, which has left dozens of ships waiting offshore.")
PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>Strike goes on</title>
<meta property="og:site_name" content="Harbour News"><meta name="author" content="Jo Reporter">
<meta property="article:published_time" content="2021-03-04T10:00:00Z">
<link rel="canonical" href="https://news.example/strike"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Strike goes on</h1><p>{STORY}</p><p>{STORY.replace('Monday', 'Tuesday')}</p></article>
<footer>Copyright Harbour News</footer></body></html>"""
GERMAN = ("Die Gewerkschaft der Hafenarbeiter erklärte am Montag, dass der Streik fortgesetzt werde, "
          "bis die Hafenbehörde der Wiederherstellung der Nachtschicht zustimme. Die Verhandlungen "
          "seien ins Stocken geraten, sagte eine Sprecherin der Gewerkschaft den Journalisten.")


def units(*paths: str | Path, **kw) -> list[readers.Unit]:
    return list(readers.iter_units([str(p) for p in paths], **kw))


def results(*paths: str | Path, options: Options = Options()) -> list[Doc | Skip]:
    return [readers.prepare(u, options) for u in readers.iter_units([str(p) for p in paths], options)]


def only(*paths: str | Path) -> Doc | Skip:
    got = results(*paths)
    assert len(got) == 1, got
    return got[0]


def reason(result: Doc | Skip) -> str:
    assert isinstance(result, Skip), result
    return result.reason


def test_html_page_gives_main_text_and_metadata(tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    doc = only(tmp_path / "a.html")
    assert isinstance(doc, Doc)
    a = doc.article
    assert "Maria Santos" in a.text and "Sport" not in a.text and "Copyright" not in a.text
    assert a.title == "Strike goes on" and a.site == "Harbour News"
    assert a.url == "https://news.example/strike" and a.published == "2021-03-04"
    assert doc.author == "Jo Reporter" and doc.date_source == "page" and a.language == "en"
    assert a.id == readers.article_id(a.text, a.url)
    assert doc.unit.id == str(tmp_path / "a.html") and doc.unit.kind == "file"


def test_html_gz_and_same_id_as_plain(tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    a, b = results(tmp_path / "a.html", tmp_path / "b.html.gz")
    assert isinstance(a, Doc) and isinstance(b, Doc) and a.article.id == b.article.id


def test_html_without_text_and_tiny_text_are_skipped(tmp_path):
    (tmp_path / "empty.html").write_text("<html><head><title>x</title></head><body><script>var a=1;"
                                         "</script></body></html>")
    (tmp_path / "tiny.html").write_text("<html><body><article><p>Please enable JavaScript to read "
                                        "this story.</p></article></body></html>")
    empty, tiny = results(tmp_path / "empty.html", tmp_path / "tiny.html")
    assert reason(empty).startswith("empty")
    assert reason(tiny).startswith("too-short:") and tiny.status == "skipped"


def test_text_file_kept_as_given_and_language_filter(tmp_path):
    (tmp_path / "en.txt").write_text(STORY + "\r\n", encoding="utf-8")
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    doc, de = results(tmp_path / "de.txt", tmp_path / "en.txt")[::-1]
    assert isinstance(doc, Doc) and doc.article.text == STORY + "\r\n"
    assert reason(de) == "language:de"
    assert isinstance(only_with(tmp_path / "de.txt", Options(languages=())), Doc)


def only_with(path: Path, options: Options) -> Doc | Skip:
    (got,) = results(path, options=options)
    return got


def test_bad_files_each_get_a_reason(tmp_path):
    (tmp_path / "zero.txt").write_bytes(b"")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20)
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (tmp_path / "pic.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))
    (tmp_path / "bad.txt").write_bytes(STORY.encode()[:80] + b"\xff\xfe broken" + STORY.encode()[80:])
    (tmp_path / "nul.dat").write_bytes(b"abc\x00def" * 100)
    full = gzip.compress(PAGE.encode() * 50)
    (tmp_path / "cut.html.gz").write_bytes(full[: len(full) // 2])
    (tmp_path / "fake.html.gz").write_bytes(PAGE.encode())
    got = {Path(r.unit.id).name: (r.status, reason(r)) for r in results(tmp_path)}
    assert got == {
        "zero.txt": ("skipped", "empty"),
        "doc.pdf": ("skipped", "binary:pdf"),
        "pic.png": ("skipped", "binary:png"),
        "pic.jpg": ("skipped", "binary:jpeg"),
        "bad.txt": ("failed", "encoding:not valid UTF-8 (byte 80)"),
        "nul.dat": ("skipped", "binary"),
        "cut.html.gz": ("failed", "gzip:truncated"),
        "fake.html.gz": ("failed", "gzip:not a gzip file"),
    }


def test_huge_html_page_is_skipped_unread(tmp_path):
    big = tmp_path / "big.html"
    block = b"<p>" + b"The minister said the budget would be balanced next year. " * 16 + b"</p>\n"
    with open(big, "wb") as f:
        f.write(b"<html><body><article>")
        for _ in range(100_000_000 // len(block) + 1):
            f.write(block)
        f.write(b"</article></body></html>")
    assert big.stat().st_size > 100_000_000
    (unit,) = units(big)
    assert unit.status == "skipped" and unit.reason == f"too-large:{big.stat().st_size} bytes"
    assert unit.payload is None
    gz = tmp_path / "big.html.gz"  # compressed: bounded read, then drained in small pieces
    gz.write_bytes(gzip.compress(block * 20_000, compresslevel=1))
    (unit,) = units(gz, options=Options(max_bytes=1_000_000))
    assert unit.status == "skipped" and unit.reason.startswith("too-large:")


def test_jsonl_lines_malformed_line_and_gz(tmp_path):
    lines = [json.dumps({"id": "g1", "text": STORY, "title": "T", "url": "http://x/1",
                         "published": "2015-06-01T12:00:00Z"}),
             '{"id": "g2", "text": ',
             "",
             json.dumps({"id": "g3", "text": STORY.replace("Monday", "Friday")}),
             json.dumps({"id": "g4"}),
             json.dumps(["not", "an", "object"])]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "in2.jsonl.gz").write_bytes(gzip.compress(path.read_bytes()))
    got = results(path)
    by = {r.unit.id.rsplit(":", 1)[-1] if r.unit.kind == "line" else "container": r for r in got}
    assert set(by) == {"line=1", "line=2", "line=4", "line=5", "line=6", "container"}
    first = by["line=1"]
    assert isinstance(first, Doc) and first.source_id == "g1" and first.article.url == "http://x/1"
    assert first.article.published == "2015-06-01" and first.date_source == "input"
    assert reason(by["line=2"]).startswith("json:") and by["line=2"].status == "failed"
    assert isinstance(by["line=4"], Doc)
    assert reason(by["line=5"]) == 'json:no "text" string'
    assert reason(by["line=6"]) == "json:not an object"
    assert by["container"].status == "ok" and by["container"].unit.kind == "container"
    gz = results(tmp_path / "in2.jsonl.gz")
    assert [type(r) for r in gz] == [type(r) for r in got]
    assert [r.article.id for r in gz if isinstance(r, Doc)] == [r.article.id for r in got if isinstance(r, Doc)]


def test_truncated_jsonl_gz_keeps_lines_before_the_cut(tmp_path):
    rows = "".join(json.dumps({"id": str(i), "text": f"{i} {STORY}"}) + "\n" for i in range(300))
    data = gzip.compress(rows.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) * 3 // 4])
    got = units(tmp_path / "cut.jsonl.gz")
    assert got[-1].kind == "container" and got[-1].status == "failed" and got[-1].reason == "gzip:truncated"
    assert 10 < len(got) - 1 < 300 and all(u.status is None for u in got[:-1])


def test_paths_dirs_globs_and_missing(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / ".hidden").mkdir()
    for name in ("d/b.txt", "d/sub/a.txt", "d/.hidden/x.txt", "d/.dot.txt", "c.txt"):
        (tmp_path / name).write_text(STORY)
    got = [u.id for u in units(tmp_path / "d", tmp_path / "*.txt", tmp_path / "d" / "b.txt",
                               tmp_path / "nope.txt", tmp_path / "none*.html")]
    assert got == [str(tmp_path / "d" / "b.txt"), str(tmp_path / "d" / "sub" / "a.txt"),
                   str(tmp_path / "c.txt"), str(tmp_path / "nope.txt"), str(tmp_path / "none*.html")]
    missing = units(tmp_path / "nope.txt")[0]
    assert (missing.status, missing.reason, missing.kind) == ("failed", "not-found", "path")
    assert units(tmp_path / "none*.html")[0].reason == "not-found:no file matches"


def test_stdin_text_and_jsonl_ids_carry_a_hash():
    text = units("-", stdin=io.BufferedReader(io.BytesIO(STORY.encode())))
    other = units("-", stdin=io.BufferedReader(io.BytesIO(GERMAN.encode())))
    assert text[0].id.startswith("<stdin>#") and text[0].id != other[0].id
    jsonl = units("-", stdin=io.BufferedReader(io.BytesIO(
        (json.dumps({"text": STORY}) + "\n" + json.dumps({"text": GERMAN}) + "\n").encode())))
    assert [u.id.split("#")[0] for u in jsonl] == ["<stdin>:line=1", "<stdin>:line=2"]
    assert isinstance(readers.prepare(jsonl[0]), Doc)


def test_skips_what_an_earlier_run_handled(tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps({"text": f"{i} {STORY}"}) for i in range(4)))
    done = {str(tmp_path / "a.txt")}
    known = {str(tmp_path / "b.jsonl") + ":line=2", str(tmp_path / "b.jsonl") + ":line=3"}
    got = [u.id.rsplit("/", 1)[-1] for u in units(tmp_path, done=done.__contains__,
                                                     known=lambda source: known)]
    assert got == ["b.jsonl:line=1", "b.jsonl:line=4", "b.jsonl"]


def test_decode_html_charsets():
    text = "Café “quoted” — naïve"
    page = f"<html><head><meta charset='windows-1252'></head><body>{text}</body></html>"
    assert text in readers.decode_html(page.encode("cp1252"))
    assert text in readers.decode_html(page.encode("cp1252"), "iso-8859-1")
    utf8 = page.replace("windows-1252", "utf-8").encode("utf-8")
    assert text in readers.decode_html(utf8, "ISO-8859-1")  # wrong latin declaration: bytes win
    assert text in readers.decode_html(utf8.replace(b"utf-8", b"nonsense"))
    assert "Caf" in readers.decode_html(b"<p>Caf\xe9 \xff\xfe</p>")  # undecodable: never raises
    assert readers.decode_html(b"\xef\xbb\xbf<p>x</p>") == "<p>x</p>"


# ------------------------------------------------------------------------------------------------
# WARC


def _warc(path: Path, records: list[tuple], gz: bool = True) -> list[int]:
    """Write records (type, uri, http status, headers, body) with warcio; return their offsets."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for rtype, uri, status, headers, body in records:
            offsets.append(f.tell())
            if rtype == "warcinfo":
                record = writer.create_warcinfo_record(uri, {"software": "test"})
            else:
                http = None
                if status is not None:
                    if rtype == "request":
                        http = StatusAndHeaders(status, headers, is_http_request=True)
                    else:
                        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    uri, rtype, payload=io.BytesIO(body), http_headers=http,
                    warc_headers_dict={"WARC-Date": "2020-05-06T07:08:09Z"})
            writer.write_record(record)
    return offsets


def _chunked(data: bytes, size: int = 300) -> bytes:
    out = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
                   for i in range(0, len(data), size))
    return out + b"0\r\n\r\n"


def test_warc_records(tmp_path):
    undated = PAGE.replace('<meta property="article:published_time" content="2021-03-04T10:00:00Z">', "")
    html = [("Content-Type", "text/html; charset=utf-8")]
    records = [
        ("warcinfo", "info.warc", None, None, b""),
        ("request", "https://news.example/a", "GET / HTTP/1.1", [("Host", "news.example")], b""),
        ("response", "https://news.example/a", "200 OK", html, PAGE.encode()),
        ("response", "https://news.example/b", "200 OK",
         html + [("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")],
         _chunked(gzip.compress(undated.replace("Monday", "Sunday").encode()))),
        ("response", "https://news.example/c.png", "200 OK", [("Content-Type", "image/png")],
         b"\x89PNG\r\n\x1a\n" + b"0" * 100),
        ("response", "https://news.example/gone", "404 Not Found", html, b"<html>gone</html>"),
        ("response", "https://news.example/latin", "200 OK", [("Content-Type", "text/html; charset=iso-8859-1")],
         PAGE.replace("Maria Santos", "Mar\u00eda Santos").replace('charset="utf-8"', "").encode("cp1252")),
        ("metadata", "https://news.example/a", None, None, b"via: x"),
    ]
    path = tmp_path / "crawl.warc.gz"
    _warc(path, records)
    got = results(path)
    summary = [(r.unit.id.rsplit("#", 1)[-1], *((r.status, r.reason or "ok") if isinstance(r, Skip)
                                                 else ("ok", "ok"))) for r in got]
    assert summary == [
        ("record=1", "skipped", "warc-type:warcinfo"),
        ("record=2", "skipped", "warc-type:request"),
        ("record=3", "ok", "ok"),
        ("record=4", "ok", "ok"),
        ("record=5", "skipped", "not-html:image/png"),
        ("record=6", "skipped", "http-status:404"),
        ("record=7", "ok", "ok"),
        ("record=8", "skipped", "warc-type:metadata"),
        (str(path), "ok", "ok"),
    ]
    a, b, latin = (r for r in got if isinstance(r, Doc))
    assert a.article.url == "https://news.example/a" and a.article.published == "2021-03-04"
    assert a.date_source == "page"
    assert "Sunday" in b.article.text and b.article.published == "2020-05-06" and b.date_source == "warc"
    assert "Mar\u00eda Santos" in latin.article.text
    plain = tmp_path / "crawl.warc"
    _warc(plain, records, gz=False)
    again = results(plain)
    assert [(r.unit.id.rsplit("#", 1)[-1], r.status if isinstance(r, Skip) else "ok")
            for r in again][:-1] == [(x[0], x[1]) for x in summary[:-1]]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_with_a_corrupt_record_in_the_middle(tmp_path, gz):
    html = [("Content-Type", "text/html")]
    records = [("response", f"https://news.example/{i}", "200 OK", html,
                PAGE.replace("Monday", f"day {i}").encode()) for i in range(6)]
    path = tmp_path / ("x.warc.gz" if gz else "x.warc")
    offsets = _warc(path, records, gz=gz)
    data = bytearray(path.read_bytes())
    if gz:  # garble the middle of the third record's gzip member
        middle = (offsets[2] + offsets[3]) // 2
        data[middle:middle + 64] = b"\x00garbage" * 8
    else:  # break the third record's header line
        data[offsets[2]:offsets[2] + 8] = b"XXXX/9.9"
    path.write_bytes(bytes(data))
    got = units(path)
    statuses = [(u.id.rsplit("#", 1)[-1], u.status) for u in got]
    assert statuses[:2] == [("record=1", None), ("record=2", None)]
    assert statuses[2] == ("record=3", "failed") and got[2].reason.startswith("warc:corrupt record")
    assert statuses[-1] == (str(path), "ok")
    later = [u for u in got[3:-1] if u.status is None]
    assert [u.url for u in later][-3:] == [f"https://news.example/{i}" for i in (3, 4, 5)]


def test_html_articles_as_warc_give_the_same_articles(tmp_path):
    """A WARC built from real pages yields the articles the HTML files do (issue 3, item 11)."""
    truth_file = HTML_ARTICLES / "ground-truth.json"
    if not truth_file.exists():
        pytest.skip(f"shared html-articles not found at {HTML_ARTICLES} (set SAIDWHAT_SHARED)")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    keys = sorted(truth)[:24]
    pages = [HTML_ARTICLES / "html" / f"{k}.html.gz" for k in keys]
    records = [("response", truth[k]["url"], "200 OK", [("Content-Type", "text/html")],
                gzip.decompress(p.read_bytes())) for k, p in zip(keys, pages)]
    warc = tmp_path / "pages.warc.gz"
    _warc(warc, records)
    from_html = results(*pages)
    from_warc = results(warc)[:-1]
    assert len(from_html) == len(from_warc) == len(keys)
    for h, w in zip(from_html, from_warc):
        assert type(h) is type(w), (h.unit.id, w.unit.id)
        if isinstance(h, Skip):
            assert h.reason == w.reason
            continue
        assert h.article.text == w.article.text and h.article.title == w.article.title
        assert w.article.url == truth[keys[from_html.index(h)]]["url"]
        if h.article.published:
            assert h.article.published == w.article.published
    assert sum(isinstance(r, Doc) for r in from_html) >= 18
