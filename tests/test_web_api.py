"""The web app and HTTP API (saidwhat.web): every endpoint against a small real store, pagination,
JSON errors, body limits, the read-only store, tokens, hosts, CSP, and escaping of hostile text.

The stores are built the way ingest builds them: real ``Pipeline().extract`` records of short
texts, turned into rows by ``store.rows_for`` and written by ``Store.write``. The cross-article
tables (entities, claims, cross-article relations) are added by hand to a copy, with the column
names agreed with ``saidwhat.crossref``.
"""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi", reason="the web app needs the 'web' extra (fastapi)")
pytest.importorskip("duckdb", reason="the store needs duckdb")
from fastapi.testclient import TestClient  # noqa: E402

from saidwhat import readers  # noqa: E402
from saidwhat.errors import SaidwhatError  # noqa: E402
from saidwhat.record import Article  # noqa: E402
from saidwhat.store import Outcome, open_store, rows_for  # noqa: E402
from saidwhat.web import serve  # noqa: E402
from saidwhat.web.app import create_app  # noqa: E402
from saidwhat.web.highlight import highlight, segments  # noqa: E402

# (key, title, site, published, url, text). Short news texts written for these tests.
ARTICLES = [
    ("harbour", "Harbour strike enters second week", "Harbour Times", "2024-05-06",
     "https://harbour.example/strike",
     "The mayor's spokeswoman, Ana Ruiz, said on Monday that the harbour would reopen. "
     "\"We will appeal,\" said Tom Blake, the union leader.\n\n"
     "The strike began in May. Officials denied that the port was unsafe, according to a "
     "ministry statement. Blake disputed the claim, saying that inspectors had found cracks in "
     "the quay."),
    ("blake2", "Union leader vows to fight on", "Coast Herald", "2024-06-12",
     "https://coast.example/blake",
     "Tom Blake, the union leader, said on Tuesday that the workers would not give up. "
     "\"This is about safety,\" Blake told reporters. The port authority rejected his demands."),
    ("anon", "Ministry plans new rules", "Coast Herald", "2024-07-01", None,
     "A senior official, speaking on condition of anonymity, said the ministry was drafting new "
     "rules for ports. The rules would take effect next year, the official said. Critics claimed "
     "the plan was rushed."),
    # Hostile input: markup and script in the text, the title, the site and the URL.
    ("hostile", "<script>document.title='pwned'; window.__pwned=1</script>",
     "<img src=x onerror=\"window.__pwned=2\">", "2024-07-02", "javascript:window.__pwned=10",
     "\"<script>window.__pwned=3</script> We will never comply,\" said Mallory "
     "<img src=x onerror=\"window.__pwned=4\">, the spokesman.\n"
     "<a href=\"javascript:window.__pwned=5\">click here</a> The company said that "
     "<svg onload=\"window.__pwned=6\"></svg> the report was false. Eve, a director, claimed that "
     "\"</textarea><script>window.__pwned=7</script>\" was harmless. {{7*7}} ${7*7} "
     "<iframe src=\"javascript:window.__pwned=8\"></iframe> The board said on Friday that "
     "<body onload=window.__pwned=9> nothing would change."),
]
HOSTILE_MARKERS = ("<script", "onerror=", "onload=", "javascript:", "<iframe", "<svg", "<img", "<body")


def build_store(path: Path, pipeline, articles=ARTICLES) -> dict[str, str]:
    """A store at ``path`` with ``articles`` (real records), plus a skipped and a failed unit.
    Returns {key: article id}."""
    outcomes, ids = [], {}
    for key, title, site, published, url, text in articles:
        record = pipeline.extract(text, title=title, url=url, published=published)
        article = Article(id=record.article.id, text=text, title=title, url=url, site=site,
                          published=published)
        unit = readers.Unit(f"/in/{key}.txt", f"/in/{key}.txt", "file")
        doc = readers.Doc(unit, article, author="A. Writer", source_id=key, date_source="input")
        outcomes.append(Outcome(unit.id, unit.source, unit.kind, "ok", None, article.id,
                                rows_for(doc, record)))
        ids[key] = article.id
    outcomes.append(Outcome("/in/de.txt", "/in/de.txt", "file", "skipped", "language:de"))
    outcomes.append(Outcome("/in/bad.txt", "/in/bad.txt", "file", "failed", "encoding:bad byte"))
    with open_store(str(path)) as store:
        store.write(outcomes)
    return ids


def crossref_ddl() -> tuple[dict[str, str], str]:
    """The cross-article tables' columns: saidwhat.crossref's own DDL when that module is there
    (so these tests follow it), else the columns agreed by name. Returns (DDL, relations table)."""
    ddl = {
        "entities": "id INTEGER, name VARCHAR, type VARCHAR, aliases VARCHAR[], mentions INTEGER",
        "attribution_entities": "article_id VARCHAR, attribution_id VARCHAR, entity_id INTEGER",
        "claims": "id INTEGER, first_article_id VARCHAR, first_published DATE, text VARCHAR, n_articles INTEGER",
        "claim_members": "claim_id INTEGER, article_id VARCHAR, attribution_id VARCHAR",
    }
    relations = ("article_id_from VARCHAR, attribution_from VARCHAR, article_id_to VARCHAR, "
                 "attribution_to VARCHAR, type VARCHAR, score DOUBLE, evidence_json VARCHAR")
    table = "cross_relations"
    try:
        from saidwhat import crossref
        from saidwhat.crossref import claims
    except Exception:  # noqa: BLE001 - not there (yet): the agreed names do
        return {**ddl, table: relations}, table
    ddl.update({t: crossref.DDL[t] for t in ("entities", "attribution_entities") if t in crossref.DDL})
    ddl.update({t: claims.DDL[t] for t in ("claims", "claim_members") if t in claims.DDL})
    table = getattr(crossref, "CROSS_RELATIONS", table)
    return {**ddl, table: getattr(crossref, "RELATION_COLUMNS", relations)}, table


def add_crossref(path: Path, ids: dict[str, str]) -> None:
    """The cross-article tables, as saidwhat.crossref writes them (its DDL; values by hand):
    entity 1 "Tom Blake" speaks in four attributions, claim 1 has two members, and one
    cross-article relation says blake2/a3 disputes harbour/a1 (a type saidwhat.crossref writes)."""
    import duckdb

    ddl, relations = crossref_ddl()
    con = duckdb.connect(str(path))
    for table, columns in ddl.items():
        con.execute(f"CREATE TABLE {table} ({columns})")

    def insert(table: str, **values) -> None:
        have = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = ?", [table]).fetchall()]
        cols = [c for c in values if c in have]
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                    [values[c] for c in cols])

    insert("entities", id=1, name="Tom Blake", type="person", aliases=["Blake", "Tom Blake"],
           mentions=4, articles=2)
    insert("entities", id=2, name="Ministry", type="organization", aliases=[], mentions=0, articles=0)
    rows = con.execute("SELECT t.article_id, t.id, s.id, s.name FROM attributions t JOIN speakers s "
                       "ON s.article_id = t.article_id AND s.id = t.speaker_id").fetchall()
    for aid, tid, sid, name in rows:
        if name in ("Tom Blake", "Blake"):
            insert("attribution_entities", article_id=aid, attribution_id=tid, entity_id=1,
                   speaker_id=sid, name=name, how="name")
    insert("claims", id=1, first_article_id=ids["harbour"], first_published="2024-05-06",
           text="the port is unsafe", n_articles=2, first_attribution_id="a5", n_members=2,
           rep_article_id=ids["harbour"], rep_attribution_id="a5")
    insert("claim_members", claim_id=1, article_id=ids["harbour"], attribution_id="a5")
    insert("claim_members", claim_id=1, article_id=ids["blake2"], attribution_id="a2")
    insert(relations, article_id_from=ids["blake2"], attribution_from="a3", article_id_to=ids["harbour"],
           attribution_to="a1", type="disputes", score=0.9,
           evidence_json='{"why": "<b>rejected</b> vs reopen"}')
    con.close()


@pytest.fixture(scope="module")
def stores(tmp_path_factory, pipeline):
    base = tmp_path_factory.mktemp("web")
    plain = base / "plain.duckdb"
    ids = build_store(plain, pipeline)
    cross = base / "cross.duckdb"
    shutil.copy(plain, cross)
    add_crossref(cross, ids)
    return {"plain": plain, "cross": cross, "ids": ids, "base": base}


@pytest.fixture(scope="module")
def client(stores, pipeline):
    app = create_app(str(stores["plain"]), pipeline=pipeline)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def xclient(stores, pipeline):
    app = create_app(str(stores["cross"]), pipeline=pipeline)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]
    return body["error"]["message"]


# ------------------------------------------------------------------------------------------------
# The API


def test_openapi_document_lists_the_api(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/attributions", "/api/speakers",
                 "/api/speakers/timeline", "/api/entities", "/api/entities/{entity_id}/timeline",
                 "/api/claims", "/api/claims/{claim_id}", "/api/disputes", "/api/status",
                 "/api/ingest", "/api/extract", "/extract"):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/articles"]["get"]["parameters"]}
    assert {"site", "since", "until", "q", "limit", "offset"} <= params
    assert "/articles" not in paths  # pages are not API
    assert client.get("/docs").status_code == 404  # no Swagger UI: it would load a CDN


def test_articles_list_pagination_and_filters(client, stores):
    ids = stores["ids"]
    page = client.get("/api/articles", params={"limit": 2}).json()
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 0 and len(page["items"]) == 2
    rest = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()
    seen = [a["id"] for a in page["items"] + rest["items"]]
    assert sorted(seen) == sorted(ids.values())
    assert [a["published"] for a in page["items"]] == ["2024-07-02", "2024-07-01"]  # newest first
    assert client.get("/api/articles", params={"offset": 10}).json()["items"] == []
    by_site = client.get("/api/articles", params={"site": "Coast Herald"}).json()
    assert {a["id"] for a in by_site["items"]} == {ids["blake2"], ids["anon"]}
    dated = client.get("/api/articles", params={"since": "2024-06-01", "until": "2024-07-01"}).json()
    assert {a["id"] for a in dated["items"]} == {ids["blake2"], ids["anon"]}
    found = client.get("/api/articles", params={"q": "QUAY"}).json()
    assert [a["id"] for a in found["items"]] == [ids["harbour"]]
    harbour = next(a for a in page["items"] + rest["items"] if a["id"] == ids["harbour"])
    assert harbour["attributions"] == 5 and harbour["site"] == "Harbour Times"


def test_article_detail_is_the_full_record_with_exact_spans(client, stores):
    aid = stores["ids"]["harbour"]
    rec = client.get(f"/api/articles/{aid}").json()
    text = rec["article"]["text"]
    assert rec["article"]["title"] == "Harbour strike enters second week"
    assert len(rec["attributions"]) == 5 and [a["id"] for a in rec["attributions"]] == ["a1", "a2", "a3", "a4", "a5"]
    for a in rec["attributions"]:
        for role in ("source", "cue", "content"):
            if a[role]:
                assert " ".join(text[s:e] for s, e in a[role]["spans"]) == a[role]["text"]
    a2 = rec["attributions"][1]
    assert a2["speaker"]["name"] == "Tom Blake" and a2["label"] == "Tom Blake" and a2["kind"] == "direct"
    a1 = rec["attributions"][0]
    assert a1["speaker"]["name"] == "Ana Ruiz" and a1["speaker"]["anonymous"] is False
    assert a1["speaker"]["role"] == "spokeswoman" and a1["said_on"]["date"] == "2024-05-06"
    assert [u["text"] for u in rec["unattributed"]] == ["The strike began in May."]
    assert {(r["type"], r["from"], r["to"]) for r in rec["relations"]} >= {("disputes", "a5", "a4")}
    assert rec["cross_relations"] == [] and rec["claims"] == []
    assert "no article" in error_of(client.get("/api/articles/nope"), 404)


def test_attributions_filters_and_validation(client, stores):
    ids = stores["ids"]
    blake = client.get("/api/attributions", params={"speaker": "blake"}).json()
    # "Blake" later in an article is the "Tom Blake" named before it
    assert blake["total"] == 4 and {a["label"] for a in blake["items"]} == {"Tom Blake"}
    direct = client.get("/api/attributions", params={"kind": "direct"}).json()
    assert direct["items"] and all(a["kind"] == "direct" for a in direct["items"])
    denial = client.get("/api/attributions", params={"stance": "denial"}).json()
    assert {a["cue"]["text"] for a in denial["items"]} >= {"denied", "rejected"}
    anon = client.get("/api/attributions", params={"anonymous": "true", "site": "Coast Herald"}).json()
    assert anon["total"] == 2 and all(a["speaker"]["anonymous"] for a in anon["items"])
    one = client.get("/api/attributions", params={"article_id": ids["anon"], "limit": 1, "offset": 1}).json()
    assert one["total"] == 3 and [a["id"] for a in one["items"]] == ["a2"]
    assert one["items"][0]["article"]["title"] == "Ministry plans new rules"
    message = error_of(client.get("/api/attributions", params={"kind": "shouted"}), 422)
    assert "kind" in message
    assert "limit" in error_of(client.get("/api/articles", params={"limit": 100000}), 422)
    assert "since" in error_of(client.get("/api/articles", params={"since": "last week"}), 422)
    assert "not found" in error_of(client.get("/api/nothing-here"), 404)
    assert "not allowed" in error_of(client.delete("/api/articles"), 405)


def test_speakers_and_their_timeline(client):
    speakers = client.get("/api/speakers", params={"q": "blake"}).json()
    assert {(s["label"], s["attributions"]) for s in speakers["items"]} == {("Tom Blake", 4)}
    timeline = client.get("/api/speakers/timeline", params={"name": "tom blake"}).json()
    assert timeline["total"] == 4 and timeline["speaker"]["articles"] == 2
    assert [a["when"] for a in timeline["items"]] == sorted(a["when"] for a in timeline["items"])
    assert {a["content"]["text"] for a in timeline["items"]} >= {
        '"We will appeal,"', "that the workers would not give up", "that inspectors had found cracks in the quay"}
    anonymous = client.get("/api/speakers", params={"anonymous": "true"}).json()
    assert anonymous["items"] and all(s["anonymous"] for s in anonymous["items"])
    assert error_of(client.get("/api/speakers/timeline"), 422)


def test_cross_article_endpoints_are_empty_without_their_tables(client):
    for path in ("/api/entities", "/api/claims"):
        body = client.get(path).json()
        assert body == {"items": [], "total": 0, "limit": 50, "offset": 0}
    error_of(client.get("/api/entities/1"), 404)
    error_of(client.get("/api/entities/1/timeline"), 404)
    error_of(client.get("/api/claims/1"), 404)
    disputes = client.get("/api/disputes").json()  # in-article relations still count
    assert disputes["total"] >= 2 and all(d["scope"] == "article" for d in disputes["items"])
    assert all(d["type"] in ("disputes", "denies") for d in disputes["items"])


def test_cross_article_endpoints_with_their_tables(xclient, stores):
    ids = stores["ids"]
    ents = xclient.get("/api/entities").json()
    assert ents["total"] == 2 and ents["items"][0]["name"] == "Tom Blake"
    assert ents["items"][0]["attributions"] == 4 and ents["items"][0]["aliases"] == ["Blake", "Tom Blake"]
    assert xclient.get("/api/entities", params={"q": "blake"}).json()["total"] == 1
    timeline = xclient.get("/api/entities/1/timeline").json()
    assert timeline["total"] == 4 and {a["article_id"] for a in timeline["items"]} == {ids["harbour"], ids["blake2"]}
    claims = xclient.get("/api/claims").json()
    assert [c["id"] for c in claims["items"]] == ["1"] and claims["items"][0]["first_published"] == "2024-05-06"
    claim = xclient.get("/api/claims/1").json()
    assert claim["members"]["total"] == 2
    disputes = xclient.get("/api/disputes", params={"type": "disputes"}).json()
    cross = [d for d in disputes["items"] if d["scope"] == "cross"]
    assert len(cross) == 1 and all(d["type"] == "disputes" for d in disputes["items"])
    d = cross[0]
    assert d["scope"] == "cross" and d["from"]["cue_text"] == "rejected" and d["to"]["attribution_id"] == "a1"
    assert d["evidence"]["json"] == {"why": "<b>rejected</b> vs reopen"}  # the API keeps the JSON
    assert d["reason"] == ("port authority disputes what Ana Ruiz said: “that the harbour would reopen” "
                           "(why: <b>rejected</b> vs reopen)")
    page = xclient.get("/disputes").text
    assert "&lt;b&gt;rejected&lt;/b&gt;" in page and "<b>rejected" not in page
    assert "evidence-json" not in page and '"why"' not in page  # words on the page, never a JSON dump
    error_of(xclient.get("/api/disputes", params={"type": "contradicts"}), 422)  # never produced
    rec = xclient.get(f"/api/articles/{ids['harbour']}").json()
    assert rec["attributions"][1]["entity_id"] == "1" and rec["claims"] == [
        {"claim_id": "1", "attribution_id": "a5"}]
    assert len(rec["cross_relations"]) == 1
    overview = xclient.get("/api/overview").json()
    assert overview["most_quoted"][0] == {"label": "Tom Blake", "entity_id": "1", "attributions": 4}


def test_status_and_ingest_log(client):
    status = client.get("/api/status").json()
    assert status["tables"]["articles"] == 4 and status["units"] == {"ok": 4, "skipped": 1, "failed": 1}
    assert status["reasons"]["failed"] == [{"reason": "encoding", "units": 1}]
    failed = client.get("/api/ingest", params={"status": "failed"}).json()
    assert [u["unit"] for u in failed["items"]] == ["/in/bad.txt"]
    overview = client.get("/api/overview").json()
    assert overview["totals"]["articles"] == 4 and {m["month"] for m in overview["months"]} == {
        "2024-05", "2024-06", "2024-07"}
    assert overview["most_quoted"][0]["entity_id"] is None


def test_extract_returns_a_record_without_storing_it(client):
    text = "\"We will appeal,\" the mayor's spokeswoman, Ana Ruiz, said on Monday."
    for path in ("/api/extract", "/extract"):
        r = client.post(path, json={"text": text, "title": "T", "published": "2024-05-06"})
        assert r.status_code == 200, r.text
        rec = r.json()
        assert rec["article"]["text"] == text and rec["attributions"][0]["content"]["text"].startswith('"We will appeal')
        assert rec["attributions"][0]["said_on"]["date"] == "2024-05-06"
    assert client.get("/api/status").json()["tables"]["articles"] == 4
    assert "E001" in error_of(client.post("/api/extract", json={"text": "   "}), 422)
    assert "text" in error_of(client.post("/api/extract", json={"title": "no text"}), 422)
    assert error_of(client.post("/api/extract", content=b"not json",
                                headers={"content-type": "application/json"}), 422)
    assert "published" in error_of(client.post("/api/extract", json={"text": text, "published": "soon"}), 422)
    assert "JSON" in error_of(client.post("/api/extract", data={"text": text}), 415)  # no form posts
    schema = client.get("/openapi.json").json()["paths"]["/api/extract"]["post"]["requestBody"]
    assert "text" in schema["content"]["application/json"]["schema"]["properties"]


def test_body_and_text_size_limits(stores, pipeline):
    app = create_app(str(stores["plain"]), pipeline=pipeline, max_body=2000, max_text=500)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert "limit" in error_of(c.post("/api/extract", json={"text": "word " * 200}), 413)
        assert "bytes" in error_of(c.post("/api/extract", json={"text": "x" * 5000}), 413)

        def chunks():  # no Content-Length: the limit must hold on the stream too
            yield b'{"text": "'
            for _ in range(20):
                yield b"y" * 500
            yield b'"}'
        r = c.post("/api/extract", content=chunks(), headers={"content-type": "application/json"})
        assert "bytes" in error_of(r, 413)


def test_store_is_opened_read_only(client):
    db = client.app.queries
    with pytest.raises(Exception, match="(?i)read.only"):
        db.cursor().execute("CREATE TABLE intruder (i INTEGER)")
    with pytest.raises(Exception, match="(?i)read.only"):
        db.cursor().execute("DELETE FROM articles")


def test_missing_or_foreign_store_is_refused(tmp_path):
    with pytest.raises(SaidwhatError) as info:
        create_app(str(tmp_path / "none.duckdb"))
    assert info.value.code == "E104"
    import duckdb
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (i INTEGER)").close()
    with pytest.raises(SaidwhatError) as info:
        create_app(str(other))
    assert info.value.code == "E105"


# ------------------------------------------------------------------------------------------------
# Safety: headers, token, host, bind


def test_security_headers_on_every_response(client, stores):
    for path in ("/", "/api/articles", f"/articles/{stores['ids']['harbour']}", "/static/app.js",
                 "/api/nothing"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_token_is_required_everywhere_when_set(stores, pipeline):
    app = create_app(str(stores["plain"]), token="s3cret-token", pipeline=pipeline)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert "token" in error_of(c.get("/api/articles"), 401)
        error_of(c.get("/"), 401)
        error_of(c.get("/static/style.css"), 401)
        error_of(c.get("/api/articles", headers={"authorization": "Bearer wrong-token"}), 401)
        assert c.get("/api/articles", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/api/articles", headers={"x-saidwhat-token": "s3cret-token"}).status_code == 200
        r = c.get("/articles?site=X&token=s3cret-token", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/articles?site=X"
        assert "HttpOnly" in r.headers["set-cookie"] and "s3cret" not in r.headers["set-cookie"]
        assert c.get("/articles").status_code == 200  # the cookie now carries it
    with TestClient(app, base_url="http://192.0.2.7") as c:  # with a token any Host is fine
        assert c.get("/api/status", headers={"authorization": "Bearer s3cret-token"}).status_code == 200


def test_foreign_host_header_is_refused_without_token(client):
    r = client.get("/api/articles", headers={"host": "evil.example"})
    assert "127.0.0.1" in error_of(r, 421)
    assert client.get("/api/articles", headers={"host": "localhost:8000"}).status_code == 200


def test_serve_refuses_non_loopback_bind_without_token(stores, capsys):
    from saidwhat.cli import build_parser, main as cli_main
    from saidwhat.cli.serve import cmd_serve

    args = build_parser().parse_args(["serve", "--db", str(stores["plain"])])
    assert (args.host, args.port, args.token) == ("127.0.0.1", 8000, None)
    assert args.func is cmd_serve
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        serve.check_bind(host, None)
    for host in ("0.0.0.0", "::", "192.168.1.4", "example.org"):
        with pytest.raises(SaidwhatError, match="token"):
            serve.check_bind(host, None)
        serve.check_bind(host, "a-long-token")
    capsys.readouterr()
    assert cli_main(["serve", "--db", str(stores["plain"]), "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err  # refused before anything binds: one line, no "serving"
    assert "not a loopback" in err and "serving" not in err and len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------------------------------
# Pages and escaping


class PageScan(HTMLParser):
    """Collects what must never be in a page: inline script, event handlers, style attributes,
    javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_script = False
        self.bodies = 0

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        if tag == "script":
            self.in_script = True
            src = attrs_d.get("src")
            if not src or not src.startswith("/static/"):
                self.problems.append(f"script without a local src: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in ("href", "src", "action", "xlink:href") and value and re.match(
                    r"\s*(javascript|data|vbscript):", value, re.I):
                self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag in ("iframe", "img", "object", "embed"):
            self.problems.append(f"unexpected <{tag}>")
        if tag == "svg" and "chart" not in (attrs_d.get("class") or ""):
            self.problems.append("an <svg> that is not one of our charts")
        if tag == "body":
            self.bodies += 1
            if self.bodies > 1:
                self.problems.append("a second <body>")

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("inline script")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


def scan(html: str) -> list[str]:
    parser = PageScan()
    parser.feed(html)
    return parser.problems


def test_every_page_renders_and_is_free_of_inline_script(client, xclient, stores):
    ids = stores["ids"]
    pages = ["/", "/articles", "/articles?q=harbour&site=Harbour+Times", f"/articles/{ids['harbour']}",
             f"/articles/{ids['hostile']}", "/speakers", "/speaker?name=Tom+Blake", "/entities",
             "/claims", "/disputes", "/paste", "/status", "/status?status=skipped"]
    for c in (client, xclient):
        for path in pages + (["/entities/1", "/claims/1"] if c is xclient else []):
            r = c.get(path, headers={"accept": "text/html"})
            assert r.status_code == 200, (path, r.text[:300])
            assert r.headers["content-type"].startswith("text/html")
            assert scan(r.text) == [], (path, scan(r.text))


def test_html_errors_for_browsers_json_for_programs(client):
    r = client.get("/articles/nope", headers={"accept": "text/html"})
    assert r.status_code == 404 and "no article" in r.text and r.headers["content-type"].startswith("text/html")
    error_of(client.get("/articles/nope"), 404)
    r = client.get("/speaker?name=Nobody+At+All", headers={"accept": "text/html"})
    assert r.status_code == 404 and "No statements by Nobody At All" in r.text


def test_article_page_marks_each_span_with_its_role(client, stores):
    aid = stores["ids"]["harbour"]
    rec = client.get(f"/api/articles/{aid}").json()
    html = client.get(f"/articles/{aid}").text
    text = rec["article"]["text"]
    body = re.search(r'<div class="text" id="text"[^>]*>(.*?)</div>', html, re.S).group(1)
    pieces = re.findall(r'<span class="m ([^"]+)"((?: data-[a-z]+="[^"]*")*)(?: tabindex="0")?>(.*?)</span>|([^<]+)',
                        body, re.S)
    import html as htmllib
    rebuilt, covered = "", {}
    for classes, data, inner, plain_text in pieces:
        piece = htmllib.unescape(inner or plain_text)
        for role, keys in re.findall(r'data-([a-z]+)="([^"]*)"', data):
            for key in keys.split():
                covered.setdefault((role, key), []).append(piece)
        rebuilt += piece
    assert rebuilt == text  # nothing lost, nothing added
    for a in rec["attributions"]:
        for role in ("source", "cue", "content"):
            if a[role]:
                want = "".join(text[s:e] for s, e in a[role]["spans"])
                assert "".join(covered[(role, a["id"])]) == want, (a["id"], role)
    assert "".join(covered[("un", "0")]) == "The strike began in May."
    for a in rec["attributions"]:
        assert f'id="card-{a["id"]}"' in html
    assert 'href="/speaker?name=Tom+Blake"' in html
    assert 'href="https://harbour.example/strike"' in html


def test_hostile_text_is_escaped_everywhere(client, stores):
    hid = stores["ids"]["hostile"]
    for path in (f"/articles/{hid}", "/articles", "/", "/speakers", "/disputes", "/status",
                 "/speaker?name=Mallory", "/articles?q=%3Cscript%3E"):
        html = client.get(path).text
        lowered = html.lower()
        for marker in ("<script>window", "<img src=x", "<svg onload", "<iframe", "<body onload",
                       'href="javascript:', "</textarea><script>"):
            assert marker not in lowered, (path, marker)
        assert scan(html) == [], (path, scan(html))
    page = client.get(f"/articles/{hid}").text
    assert "&lt;script&gt;window.__pwned=3&lt;/script&gt;" in page
    assert "{{7*7}}" in page  # shown as written, never evaluated
    assert "javascript:window.__pwned=10" in page and 'href="javascript' not in page  # shown, not linked
    api = client.get(f"/api/articles/{hid}").json()  # the API returns the text as it is
    assert "<script>window.__pwned=3</script>" in api["article"]["text"]


def test_highlight_cuts_overlapping_spans_and_escapes_each_piece():
    text = 'He said "<b>&" now'
    marks = [(0, 2, "source", "a1"), (3, 7, "cue", "a1"), (8, 14, "content", "a1"),
             (9, 12, "source", "a2\" onmouseover=\"x"), (20, 30, "cue", "a9"), (5, 5, "cue", "a3")]
    segs = list(segments(text, marks))
    assert "".join(p for p, _ in segs) == text
    assert segs[0] == ("He", {"source": ["a1"]})
    assert ("<b>", {"content": ["a1"], "source": ['a2" onmouseover="x']}) in segs
    html = str(highlight(text, marks))
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert 'onmouseover="x' not in html and "&#34; onmouseover=&#34;x" in html


def test_serve_command_serves_the_store_with_a_token(stores):
    """`saidwhat serve` for real: uvicorn on 127.0.0.1 and a free port, a generated token."""
    import json as jsonlib
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "saidwhat", "serve", "--db", str(stores["plain"]),
                             "--port", str(port), "--token", "auto"],
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stderr.readline() for _ in range(3)]
        login = next(line for line in lines if "?token=" in line)
        token = login.split("?token=", 1)[1].split()[0]
        assert f"http://127.0.0.1:{port}/" in lines[0] and "read-only" in lines[0]
        url = f"http://127.0.0.1:{port}/api/status"
        deadline = time.monotonic() + 20
        while True:
            try:
                request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert jsonlib.load(response)["tables"]["articles"] == 4
                break
            except urllib.error.URLError as exc:
                if isinstance(exc, urllib.error.HTTPError) or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)
        assert refused.value.code == 401
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_speakers_list_holds_identities_not_pronouns(tmp_path, pipeline):
    """Issue 11: one list of people and bodies; a source that only says "she" or "you" is in the
    attributions but never a speaker of the list."""
    db = tmp_path / "pronouns.duckdb"
    build_store(db, pipeline, articles=[
        ("pron", "Night of the storm", "Coast Herald", "2024-08-01", None,
         "\"It was terrible,\" she said. \"You cannot stay here,\" you said, and we agreed.\n\n"
         "Tom Blake, the union leader, said the port would stay shut.")])
    with TestClient(create_app(str(db), pipeline=pipeline), base_url="http://127.0.0.1") as c:
        labels = [s["label"] for s in c.get("/api/speakers", params={"limit": 500}).json()["items"]]
        attributed = {a["source"]["text"].lower() for a in c.get("/api/attributions").json()["items"]
                      if a.get("source")}
    assert "Tom Blake" in labels
    assert "she" in attributed  # the pronoun source is there ...
    assert not {label.lower() for label in labels} & {"she", "you", "we", "i", "it", "they"}  # ... but no speaker


def test_bidi_controls_in_stored_text_never_reach_the_page_raw(tmp_path, pipeline):
    """A right-to-left override in a name or title would display it reversed (spoofing); the page
    shows U+FFFD in its place, the API keeps the text as given."""
    spoof = [("bidi", "Mayor \u202eevil\u202c speaks", "Site", "2024-07-03", None,
              "Ana \u202eRuiz\u202c, the mayor, said on Monday that the bridge would close.")]
    ids = build_store(tmp_path / "s.duckdb", pipeline, spoof)
    client = TestClient(create_app(str(tmp_path / "s.duckdb")), base_url="http://127.0.0.1")
    page = client.get(f"/articles/{ids['bidi']}").text
    assert "\u202e" not in page and "\u202c" not in page and "\ufffd" in page
    api = client.get(f"/api/articles/{ids['bidi']}").json()
    assert "\u202e" in api["article"]["title"]


def test_a_server_bound_to_another_loopback_address_answers_to_it(tmp_path, pipeline):
    from saidwhat.web.serve import allowed_hosts

    build_store(tmp_path / "s.duckdb", pipeline, ARTICLES[:1])
    app = create_app(str(tmp_path / "s.duckdb"), allowed_hosts=allowed_hosts("127.0.0.2"))
    assert TestClient(app, base_url="http://127.0.0.2").get("/api/articles").status_code == 200
    assert TestClient(app, base_url="http://evil.example").get("/api/articles").status_code == 421


def test_statement_search_page_and_downloads(client, stores):
    page = client.get("/statements", params={"q": "reopen"})
    assert page.status_code == 200 and "that the harbour would reopen" in page.text
    assert "https://harbour.example/strike" in page.text  # the outlet's own page, beside the article view
    assert "tugboat" not in page.text and "Statements" in page.text
    none = client.get("/statements", params={"q": "no such words at all"}).text
    assert "Nothing found." in none
    csv_text = client.get("/statements/download", params={"q": "reopen", "format": "csv"})
    assert csv_text.headers["content-disposition"] == 'attachment; filename="statements.csv"'
    lines = csv_text.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("article_id,attribution_id,published,site,title,url,speaker")
    assert len(lines) == 2 and "Ana Ruiz" in lines[1] and ",false," in lines[1]
    data = client.get("/statements/download", params={"speaker": "blake", "format": "json"}).json()
    assert data and all("blake" in (d["label"] or "").lower() for d in data)
    assert client.get("/statements/download", params={"format": "xml"}).status_code == 422
