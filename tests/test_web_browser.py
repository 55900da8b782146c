"""The web pages in a real browser: Debian's Chromium, headless, driven by Playwright from PyPI.

Opens the article view of a stored article and checks, in the rendered page, that every source,
cue and content is marked over exactly its characters, each role in its own colour; hovers and
selects to bring up speaker cards and follows one to the speaker's page and back; pastes an
article; and proves that a hostile article (script tags, event handlers, javascript: URLs in its
text, title, site and URL) runs nothing, and that the CSP would stop inline script even if
escaping failed. Screenshots go to tests/artifacts/.

Skips, saying why, when Playwright or a Chromium binary is missing (``apt-get install -y chromium``
as root; or point SAIDWHAT_CHROMIUM at a Chromium; SAIDWHAT_CHROMIUM=none skips them). Browsers are
never downloaded.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web app needs the 'web' extra (fastapi)")
uvicorn = pytest.importorskip("uvicorn", reason="the browser tests need uvicorn (the 'web' extra)")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the browser tests need Playwright: pip install playwright "
                                      "(the Python package only; Chromium comes from the system)")

from saidwhat.web.app import create_app  # noqa: E402

from test_web_api import add_crossref, build_store  # noqa: E402  (tests/ is on sys.path)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
# Records anything a payload could do: a dialog, window.__pwned, the title, CSP violations.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.sample || ''));
});
"""


def chromium_path() -> str | None:
    if os.environ.get("SAIDWHAT_CHROMIUM") == "none":  # a way to run without the browser tests
        return None
    for candidate in (os.environ.get("SAIDWHAT_CHROMIUM"), "/usr/bin/chromium",
                      "/usr/bin/chromium-browser", shutil.which("chromium") or None):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


class ServerThread(threading.Thread):
    """uvicorn on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, app) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)

    def run(self) -> None:
        self.server.run(sockets=[self.sock])

    def __enter__(self) -> "ServerThread":
        self.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.join(10)


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser, pipeline):  # browser first: no server when it skips
    base = tmp_path_factory.mktemp("browser")
    db = base / "store.duckdb"
    ids = build_store(db, pipeline)
    add_crossref(db, ids)
    app = create_app(str(db), pipeline=pipeline)
    with ServerThread(app) as server:
        yield {"url": f"http://127.0.0.1:{server.port}", "ids": ids, "base": base}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium found at /usr/bin/chromium: as root run `apt-get install -y chromium "
                    "chromium-driver`, or set SAIDWHAT_CHROMIUM to a Chromium binary")
    profile = tmp_path_factory.mktemp("chromium-profile")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        try:
            context = pw.chromium.launch_persistent_context(
                str(profile), executable_path=exe, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900}, timeout=30_000)
        except Exception as exc:  # noqa: BLE001 - a broken browser install is a skip, not a failure
            pytest.skip(f"Chromium at {exe} could not be started: {str(exc).splitlines()[0]}")
        context.set_default_timeout(10_000)
        context.add_init_script(WATCH)
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    page.close()


def api(site, path: str) -> dict:
    with urllib.request.urlopen(site["url"] + path, timeout=10) as response:
        return json.load(response)


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll an expression (page.wait_for_function would need 'unsafe-eval', which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def marked_text(page, container: str, role: str, attribution: str) -> str:
    return page.evaluate(
        """([container, role, id]) => Array.from(document.querySelectorAll(container + ' .m'))
             .filter(el => (el.getAttribute('data-' + role) || '').split(' ').includes(id))
             .map(el => el.textContent).join('')""", [container, role, attribution])


def check_spans(page, container: str, record: dict) -> int:
    """Every role of every attribution is marked over exactly its characters; returns the count."""
    text = record["article"]["text"]
    assert page.evaluate(f"document.querySelector({container!r}).textContent") == text
    checked = 0
    for a in record["attributions"]:
        for role in ("source", "cue", "content", "channel"):
            if a.get(role):
                want = "".join(text[s:e] for s, e in a[role]["spans"])
                assert marked_text(page, container, role, a["id"]) == want, (a["id"], role)
                checked += 1
    return checked


def test_article_view_highlights_each_role_over_its_own_characters(site, page):
    aid = site["ids"]["harbour"]
    record = api(site, f"/api/articles/{aid}")
    page.goto(f"{site['url']}/articles/{aid}")
    assert check_spans(page, "#text", record) >= 14
    assert marked_text(page, "#text", "un", "0") == "The strike began in May."
    colours = page.evaluate("""() => {
        const pick = sel => { const el = document.querySelector('#text ' + sel);
                              return el ? getComputedStyle(el).backgroundColor : null; };
        return {source: pick('.r-source:not(.r-cue):not(.r-content)'), cue: pick('.r-cue'),
                content: pick('.r-content:not(.r-source):not(.r-cue)'), un: pick('.r-un')};
    }""")
    assert None not in colours.values() and len(set(colours.values())) == 4, colours
    page.screenshot(path=str(ARTIFACTS / "article-view.png"), full_page=True)


def test_hover_and_select_show_the_speaker_card_and_link_to_the_speaker(site, page):
    aid = site["ids"]["harbour"]
    page.goto(f"{site['url']}/articles/{aid}")
    card = page.locator('[data-card="a2"]')
    assert card.is_hidden()
    page.locator('#text .m[data-source~="a2"]').first.hover()
    assert card.is_visible()
    assert card.locator('[data-field="name"]').inner_text() == "Tom Blake"
    assert card.locator('[data-field="anonymous"]').inner_text() == "no"
    assert page.locator("#text .m.sel").count() >= 3
    # Another source: its own card, with name, role and date.
    page.locator('#text .m[data-source~="a1"]').first.hover()
    a1 = page.locator('[data-card="a1"]')
    assert a1.is_visible() and card.is_hidden()
    assert a1.locator('[data-field="name"]').inner_text() == "Ana Ruiz"
    assert a1.locator('[data-field="anonymous"]').inner_text() == "no"
    assert a1.locator('[data-field="role"]').inner_text() == "spokeswoman"
    assert "2024-05-06" in a1.locator('[data-field="said_on"]').inner_text()
    # Select (click) pins the card: hovering elsewhere no longer changes it.
    page.locator('#text .m[data-cue~="a2"]').first.click()
    page.locator('#text .m[data-source~="a1"]').first.hover()
    assert card.is_visible() and a1.is_hidden()
    page.screenshot(path=str(ARTIFACTS / "speaker-card.png"))
    # The card links to the speaker's page: here the cross-article entity "Tom Blake".
    card.locator("a.speaker-link").click()
    page.wait_for_url("**/entities/1")
    assert page.locator("#speaker-name").inner_text() == "Tom Blake"
    statements = page.locator(".timeline .statement")
    assert statements.count() == 4
    quotes = statements.locator("blockquote").all_inner_texts()
    assert '"We will appeal,"' in quotes and "that the workers would not give up" in quotes
    page.screenshot(path=str(ARTIFACTS / "speaker-timeline.png"), full_page=True)
    # ... and the timeline links back to the span in its article, selected.
    statements.nth(0).locator("a.jump").click()
    page.wait_for_url(f"**/articles/{aid}#a2")
    assert page.locator('[data-card="a2"]').is_visible()
    # The speakers of a store without entities link to their label's timeline.
    page.goto(f"{site['url']}/speaker?name=Tom%20Blake")
    assert page.locator(".timeline .statement").count() == 4  # "Blake" later in each article too


def test_paste_an_article_and_see_it_analysed_in_place(site, page):
    text = ("The harbour master, Jane Doe, said on Friday that the quay was safe. "
            "\"We checked every crack,\" Doe told reporters. Inspectors disputed that.")
    page.goto(f"{site['url']}/paste")
    page.fill("#paste-text", text)
    page.fill("#paste-date", "2024-08-02")
    with page.expect_response("**/api/extract") as info:
        page.click("#paste-go")
    record = info.value.json()
    page.locator("#paste-form[data-done]").wait_for(state="attached")
    assert "found" in page.inner_text("#paste-status")
    assert record["attributions"], record
    assert check_spans(page, "#paste-text-view", record) >= 3
    first = record["attributions"][0]
    page.locator(f'#paste-text-view .m[data-cue~="{first["id"]}"]').first.hover()
    shown = page.locator(f'#paste-cards [data-card="{first["id"]}"]')
    assert shown.is_visible()
    assert page.locator("#paste-rows tr").count() == len(record["attributions"])
    page.screenshot(path=str(ARTIFACTS / "paste.png"), full_page=True)
    # An error is shown, not thrown.
    page.fill("#paste-text", "   ")
    page.click("#paste-go")
    assert "Paste some text" in page.inner_text("#paste-status")


def pwned(page) -> dict:
    return page.evaluate("() => ({pwned: window.__pwned === undefined ? null : window.__pwned, "
                         "title: document.title, violations: window.__violations || [], "
                         "scripts: Array.from(document.scripts).map(s => s.getAttribute('src'))})")


def test_hostile_article_runs_nothing(site, page):
    hid = site["ids"]["hostile"]
    record = api(site, f"/api/articles/{hid}")
    pages = [f"/articles/{hid}", "/articles", "/", "/speaker?name=Mallory", "/speakers", "/disputes",
             "/articles?q=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E", "/status"]
    for path in pages:
        page.goto(site["url"] + path)
        page.wait_for_load_state("load")
        if path.startswith("/articles/"):
            # Touch every marked passage and every button: hover, click, focus.
            for el in page.locator("#text .m").all():
                el.hover()
                el.click()
            for button in page.locator("[data-select]").all():
                button.click()
            assert "<script>window.__pwned=3</script>" in page.inner_text("#text")
            assert page.locator("#article-title").inner_text() == record["article"]["title"]
            assert check_spans(page, "#text", record) >= 4
            page.screenshot(path=str(ARTIFACTS / "hostile-article.png"), full_page=True)
        state = pwned(page)
        assert state["pwned"] is None, (path, state)
        assert state["title"] != "pwned" and state["title"].endswith(" · saidwhat"), (path, state)
        if path.startswith("/articles/"):  # the payload is the title, as text
            assert state["title"] == record["article"]["title"] + " · saidwhat"
        assert all(src and src.startswith("/static/") for src in state["scripts"]), (path, state)
        assert state["violations"] == [], (path, state)  # nothing even tried to run
    assert page.dialogs == []
    # javascript: URLs are never links: the article's own URL is shown as text.
    page.goto(f"{site['url']}/articles/{hid}")
    assert page.locator('a[href^="javascript"]').count() == 0
    assert page.locator("iframe, img, object, embed").count() == 0
    # The same text pasted into the paste box is shown as text, too.
    page.goto(f"{site['url']}/paste")
    page.fill("#paste-text", record["article"]["text"])
    page.evaluate("() => document.getElementById('paste-form').removeAttribute('data-done')")
    page.click("#paste-go")
    page.locator("#paste-form[data-done]").wait_for(state="attached")
    assert "<script>window.__pwned=3</script>" in page.inner_text("#paste-text-view")
    state = pwned(page)
    assert state["pwned"] is None and state["violations"] == [] and page.dialogs == [], state


def test_csp_stops_inline_script_even_if_escaping_failed(site, page):
    """Defence in depth: markup injected into the page (as a failed escape would) cannot run."""
    page.goto(f"{site['url']}/articles/{site['ids']['harbour']}")
    page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend',
            '<img id="probe" src="/static/none.png" onerror="window.__pwned = 1">' +
            '<a id="jsurl" href="javascript:window.__pwned = 2">x</a>');
        const s = document.createElement('script');
        s.textContent = 'window.__pwned = 3';
        document.body.appendChild(s);
    }""")
    page.click("#jsurl")
    wait_until(page, "window.__violations.length >= 2")
    state = pwned(page)
    assert state["pwned"] is None, state
    assert any("script-src" in v for v in state["violations"]), state


def test_overview_charts_and_disputes_side_by_side(site, page):
    page.goto(site["url"] + "/")
    for chart in ("#chart-months", "#chart-sites", "#chart-anonymous", "#chart-quoted"):
        assert page.locator(f"{chart} svg.chart rect, {chart} svg.chart circle").count() >= 1, chart
    assert page.locator("#chart-months svg rect.bar").count() == 3  # 2024-05, -06, -07
    assert "Tom Blake" in page.locator("#chart-quoted").inner_text()
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    page.goto(site["url"] + "/disputes")
    disputes = page.locator("article.dispute")
    assert disputes.count() >= 3
    for i in range(disputes.count()):
        sides = disputes.nth(i).locator(".pair > .side")
        assert sides.count() == 2
        left, right = (sides.nth(0).bounding_box(), sides.nth(1).bounding_box())
        assert left["x"] + left["width"] <= right["x"] + 1 and abs(left["y"] - right["y"]) < 2
    cross = page.locator("article.dispute", has_text="across articles")
    assert cross.count() == 1 and "rejected" in cross.inner_text()
    assert page.locator(".evidence mark").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "disputes.png"), full_page=True)


def test_a_journalist_searches_statements_filters_downloads_and_follows_a_link(site, page):
    page.goto(site["url"] + "/")
    page.click("nav >> text=Statements")
    page.fill("form.filters input[name=q]", "reopen")
    page.click("form.filters button")
    rows = page.locator("table.statements tbody tr")
    assert rows.count() == 1 and "Ana Ruiz" in rows.first.inner_text()
    page.select_option("select[name=kind]", "direct")
    page.click("form.filters button")
    assert page.locator("table.statements tbody tr").count() == 0  # hers was indirect
    page.go_back()
    with page.expect_download() as info:
        page.click("a.download >> text=CSV")
    body = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert body.splitlines()[0].startswith("article_id,") and "reopen" in body
    page.screenshot(path=str(ARTIFACTS / "statements.png"), full_page=True)
    page.locator("table.statements tbody tr a[href^='/articles/']").first.click()
    assert "/articles/" in page.url and page.locator("#text .m").count() >= 1  # highlighted spans
