"""report.html in a real browser: headless Chromium driven over the DevTools protocol.

The browser is Debian's chromium (`.ci/install-chromium` installs it); it is driven through
`--remote-debugging-pipe` (JSON messages over file descriptors 3 and 4), so the test needs
nothing beyond the standard library. Every request the page makes is recorded
(Network.requestWillBeSent) and every console message and uncaught exception is collected;
host resolution is mapped to nowhere so that nothing could leave the machine anyway.

Run as a script to make the README screenshot from a `matcher demo`-style report:
    python tests/test_report_browser.py docs/report.png
"""
from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium_binary() -> str | None:
    env = os.environ.get("CHROMIUM")
    if env and Path(env).exists():
        return env
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    pass


class Chromium:
    """A headless Chromium and one DevTools session, over a pipe (no websocket, no extra package)."""

    def __init__(self, binary: str, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="report-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes():  # the browser reads commands on fd 3 and writes answers on fd 4
            high_r = os.dup(to_browser_r)
            high_w = os.dup(from_browser_w)
            os.dup2(high_r, 3, inheritable=True)
            os.dup2(high_w, 4, inheritable=True)

        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire_pipes)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    # -- protocol -------------------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise BrowserError("the browser closed the pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: bool = True) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read_message(deadline)
            if msg.get("id") == self._next_id:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method: str) -> dict:
        for event in self.events:
            if event["method"] == method:
                return event
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read_message(deadline)
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg

    # -- pages ----------------------------------------------------------------------------
    def open(self, url: str, width: int = 1280, height: int = 900, javascript: bool = True) -> None:
        """A fresh tab showing `url`, with console, network and dialogs recorded from the start
        (and with scripts off when `javascript` is false)."""
        if self.session:
            self.send("Target.closeTarget", {"targetId": self.target}, session=False)
        self.target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": self.target, "flatten": True},
                                 session=False)["sessionId"]
        self.events = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        if not javascript:
            self.send("Emulation.setScriptExecutionDisabled", {"value": True})
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def console_errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                out.append(p["entry"].get("text", ""))
            elif m == "Page.javascriptDialogOpening":
                out.append("dialog: " + p.get("message", ""))
        return out

    def pdf(self) -> bytes:
        """The page printed as Chromium prints it: A4 from the page's own @page rules."""
        import base64

        return base64.b64decode(self.send("Page.printToPDF", {"preferCSSPageSize": True})["data"])

    def screenshot(self, path: Path, width: int, height: int) -> None:
        import base64

        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


# -- the tests --------------------------------------------------------------------------------------

from test_report import HOSTILE_MENTEE, HOSTILE_MENTOR, school_document, sensitive_mapping  # noqa: E402

from matcher.report import write_report  # noqa: E402


def assert_static_page(browser, url: str, lang: str) -> None:
    """A page that must stand alone without script (the batch summary, the monitoring report):
    it asks for nothing but itself, logs no error, says its language, has no script or image."""
    browser.open(url)
    assert browser.requests() == [url]
    assert browser.console_errors() == []
    assert browser.evaluate("document.documentElement.lang") == lang
    assert browser.evaluate("document.scripts.length") == 0 and browser.evaluate("document.images.length") == 0


@pytest.fixture(scope="module")
def browser():
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no chromium binary on this machine (looked for /usr/bin/chromium and chromium on PATH); "
                    "install it with `sh .ci/install-chromium`")
    b = Chromium(binary)
    yield b
    b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    doc = school_document()
    out = tmp_path_factory.mktemp("reports")
    urls = {lang: write_report(doc, out / lang, lang=lang, sensitive=sensitive_mapping()).as_uri()
            for lang in ("ru", "en")}
    return doc, urls


ROWS_JS = """Array.from(document.querySelectorAll('#plist details.pair'))
  .filter(function (d) { return d.offsetParent !== null; })
  .map(function (d) { return {mentee: d.dataset.mentee, form: d.dataset.form, score: parseFloat(d.dataset.score),
    mentor: d.closest('tr.unit').querySelector('.umentor .pid').textContent}; })"""


def click(browser, selector: str) -> None:
    browser.evaluate(f"document.querySelector({json.dumps(selector)}).click()")


SEARCH_SETTLES_MS = 400  # longer than the search box's debounce; timers run in the order they fall due


def type_search(browser, text: str) -> None:
    """Type into the page's one search box and let its debounce run out."""
    browser.evaluate(f"""new Promise(function (done) {{ var i = document.getElementById('search');
        i.value = {json.dumps(text)}; i.dispatchEvent(new Event('input'));
        setTimeout(done, {SEARCH_SETTLES_MS}); }})""")


def choose(browser, select_id: str, value: str) -> None:
    browser.evaluate(f"""(function () {{ var s = document.getElementById({json.dumps(select_id)});
        s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()""")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_report_opens_without_console_errors_or_network_requests(browser, reports, lang):
    _, urls = reports
    browser.open(urls[lang])
    assert browser.requests() == [urls[lang]]
    assert browser.console_errors() == []
    assert browser.evaluate("document.documentElement.lang") == lang


def test_browser_shows_one_row_per_pair(browser, reports):
    doc, urls = reports
    browser.open(urls["en"])
    rows = browser.evaluate(ROWS_JS)
    shown = sorted((r["mentee"].rsplit(" ", 1)[1], r["form"]) for r in rows)
    assert shown == sorted((p["mentee_id"], p["form"]) for p in doc["pairs"])


def test_hostile_names_show_as_text_and_run_nothing(browser, reports):
    _, urls = reports
    browser.open(urls["en"])
    names = browser.evaluate(
        "Array.from(document.querySelectorAll('.person')).map(function (e) { return e.textContent; })")
    assert HOSTILE_MENTEE in names and HOSTILE_MENTOR in names
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("document.images.length") == 0
    assert browser.console_errors() == []  # an alert() would show up here as a dialog


def test_clicking_the_score_header_sorts_by_score(browser, reports):
    _, urls = reports
    browser.open(urls["en"])
    click(browser, '#plist [data-sort="score"]')
    scores = [r["score"] for r in browser.evaluate(ROWS_JS)]
    assert scores[0] == max(scores)
    sorted_by = "document.querySelector('#plist [data-sort=\"score\"]').getAttribute('aria-sort')"
    assert browser.evaluate(sorted_by) == "descending"
    click(browser, '#plist [data-sort="score"]')
    scores = [r["score"] for r in browser.evaluate(ROWS_JS)]
    assert scores[0] == min(scores)


def test_text_and_form_filters_narrow_the_list(browser, reports):
    doc, urls = reports
    browser.open(urls["en"])
    target = doc["pairs"][-1]
    type_search(browser, target["mentee_id"].lower())
    rows = browser.evaluate(ROWS_JS)
    assert [r["mentee"].rsplit(" ", 1)[1] for r in rows] == [target["mentee_id"]]
    assert "1 of" in browser.evaluate("document.getElementById('shown-count').textContent")
    form = doc["pairs"][0]["form"]
    type_search(browser, "")
    choose(browser, "form-filter", form)
    rows = browser.evaluate(ROWS_JS)
    assert {r["form"] for r in rows} == {form}
    assert len(rows) == sum(1 for p in doc["pairs"] if p["form"] == form)


def test_clicking_a_pair_opens_its_explanation(browser, reports):
    _, urls = reports
    browser.open(urls["en"])
    visible = "document.querySelector('#plist .pair .comp').checkVisibility()"
    assert browser.evaluate(visible) is False
    click(browser, "#plist .pair > summary")
    assert browser.evaluate(visible) is True


def test_print_layout_drops_the_toolbar_and_starts_the_appendix_on_a_new_page(browser, reports):
    _, urls = reports
    browser.open(urls["ru"])
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    style = "function (s, p) { return getComputedStyle(document.querySelector(s))[p]; }"
    assert browser.evaluate(f"({style})('.toolbar', 'display')") == "none"
    assert browser.evaluate(f"({style})('.controls', 'display')") == "none"
    assert browser.evaluate(f"({style})('#appendix', 'breakBefore')") == "page"
    pdf = browser.send("Page.printToPDF", {"preferCSSPageSize": True})["data"]
    assert len(pdf) > 1000
    browser.send("Emulation.setEmulatedMedia", {"media": ""})


def test_the_harness_notices_requests_and_console_errors(browser, tmp_path):
    # The checks above pass on silence; this shows the harness would hear a request or an error.
    page = tmp_path / "leaky.html"
    page.write_text('<img src="http://example.invalid/x.png"><script>console.error("boom")</script>')
    browser.open(page.as_uri())
    assert "http://example.invalid/x.png" in browser.requests()
    assert "boom" in browser.console_errors()


# -- a large programme: rows from the page's data, on demand ------------------------------------

from test_report import generated_document  # noqa: E402

BIG_PAGE = 4  # units per page; the threshold is lowered so that a small generated school pages


CLASSES = ("5А", "5Б", "7А", "10В")


@pytest.fixture(scope="module")
def school60() -> dict:
    """A generated school of 60 mentees, its mentees given classes as a questionnaire has them."""
    doc = generated_document()
    for k, record in enumerate(doc["pairs"] + doc["unmatched"]):
        record["mentee_grade"] = CLASSES[k % len(CLASSES)]
    return doc


@pytest.fixture(scope="module")
def big(tmp_path_factory, school60):
    out = tmp_path_factory.mktemp("big")
    url = write_report(school60, out, lang="en", inline_units=BIG_PAGE, page_units=BIG_PAGE).as_uri()
    return school60, url


@pytest.fixture(scope="module")
def layouts(tmp_path_factory, school60, big):
    """The same school as every row in the HTML (in Russian) and as rows from the page's data."""
    out = tmp_path_factory.mktemp("inline")
    return {"inline": write_report(school60, out, lang="ru").as_uri(), "paged": big[1]}


def show_everything(browser) -> None:
    """Click «show more» until every row is on the page (rows from data; nothing to do otherwise)."""
    browser.evaluate("""(function () { var b = document.getElementById('more-rows');
        while (b && !b.hidden) { b.click(); } })()""")


def test_a_large_report_renders_rows_on_demand_one_per_pair(browser, big):
    doc, url = big
    browser.open(url)
    assert browser.requests() == [url]
    assert browser.console_errors() == []
    units = browser.evaluate("document.querySelectorAll('#plist .unit').length")
    assert units == BIG_PAGE
    first = browser.evaluate(ROWS_JS)
    assert 0 < len(first) < len(doc["pairs"])
    assert browser.evaluate("document.getElementById('more-rows').hidden") is False
    browser.evaluate("document.getElementById('more-rows').click()")
    assert browser.evaluate("document.querySelectorAll('#plist .unit').length") == 2 * BIG_PAGE
    show_everything(browser)
    rows = browser.evaluate(ROWS_JS)
    assert sorted((r["mentee"].rsplit(" ", 1)[1], r["form"]) for r in rows) == sorted(
        (p["mentee_id"], p["form"]) for p in doc["pairs"])
    assert browser.console_errors() == []


def test_a_large_report_searches_sorts_and_filters_every_row_not_just_those_on_screen(browser, big):
    doc, url = big
    browser.open(url)
    on_screen = {r["mentee"].rsplit(" ", 1)[1] for r in browser.evaluate(ROWS_JS)}
    target = next(p for p in reversed(doc["pairs"]) if p["mentee_id"] not in on_screen)
    type_search(browser, target["mentee_id"].lower())
    assert [r["mentee"].rsplit(" ", 1)[1] for r in browser.evaluate(ROWS_JS)] == [target["mentee_id"]]
    assert browser.evaluate("document.getElementById('shown-count').textContent").startswith("Pairs shown: 1 of")
    type_search(browser, "")
    click(browser, '#plist [data-sort="score"]')
    assert browser.evaluate(ROWS_JS)[0]["score"] == max(p["score"] for p in doc["pairs"])
    click(browser, '#plist [data-sort="score"]')
    assert browser.evaluate(ROWS_JS)[0]["score"] == min(p["score"] for p in doc["pairs"])
    form = doc["pairs"][-1]["form"]
    choose(browser, "form-filter", form)
    wanted = sum(1 for p in doc["pairs"] if p["form"] == form)
    assert f"Pairs shown: {wanted} of {len(doc['pairs'])}" in browser.evaluate(
        "document.getElementById('shown-count').textContent")
    show_everything(browser)
    rows = browser.evaluate(ROWS_JS)
    assert {r["form"] for r in rows} == {form} and len(rows) == wanted
    assert browser.console_errors() == []


def test_a_large_report_builds_a_pairs_explanation_when_it_is_opened(browser, big):
    doc, url = big
    browser.open(url)
    type_search(browser, doc["pairs"][-1]["mentee_id"].lower())
    assert browser.evaluate("document.querySelectorAll('#plist .pair .explain').length") == 0
    click(browser, "#plist .pair > summary")
    assert browser.evaluate("document.querySelector('#plist .pair .comp').checkVisibility()") is True
    reasons = browser.evaluate("document.querySelectorAll('#plist .pair .creason').length")
    assert reasons == len(doc["pairs"][-1]["components"])
    assert browser.console_errors() == []


def test_a_large_report_shows_untrusted_text_from_its_data_as_text(browser, big):
    doc, url = big
    browser.open(url)
    hostile = next(p for p in doc["pairs"] if p["mentee_name"] == HOSTILE_MENTEE)
    type_search(browser, hostile["mentee_id"].lower())
    names = browser.evaluate(
        "Array.from(document.querySelectorAll('#plist .person')).map(function (e) { return e.textContent; })")
    assert HOSTILE_MENTEE in names
    executable = "Array.from(document.scripts).filter(function (s) { return !s.type; }).length"
    assert browser.evaluate(executable) == 1
    assert browser.evaluate("document.images.length") == 0
    assert browser.console_errors() == []


def test_a_large_report_lists_every_candidate_when_the_list_is_opened(browser, big):
    doc, url = big
    browser.open(url)
    rows = "document.querySelectorAll('#cands-body tr').length"
    assert browser.evaluate(rows) < len(doc["candidates"])
    click(browser, "#candidates-list > summary")
    assert browser.evaluate(rows) == len(doc["candidates"])
    assert browser.evaluate("document.getElementById('candidates-note').hidden") is True
    assert browser.console_errors() == []


def test_a_large_report_prints_every_pair_in_the_order_annex(browser, big):
    doc, url = big
    browser.open(url)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    style = "function (s, p) { return getComputedStyle(document.querySelector(s))[p]; }"
    assert browser.evaluate(f"({style})('#more-rows', 'display')") == "none"
    assert browser.evaluate(f"({style})('#rows-note', 'display')") != "none"
    assert browser.evaluate("document.querySelectorAll('#appendix .order-mentee').length") == len(doc["pairs"])
    assert len(browser.send("Page.printToPDF", {"preferCSSPageSize": True})["data"]) > 1000
    browser.send("Emulation.setEmulatedMedia", {"media": ""})


# -- search, ranking and filters on both layouts -------------------------------------------------

LAYOUTS = ["inline", "paged"]


def word_starts(text: str, query: str) -> bool:
    """The search's rule, written independently: every word of the query starts some word of the
    text, case and ё/е aside."""
    def split(t: str) -> list[str]:
        return [w for w in re.split(r"[\W_]+", t.lower().replace("ё", "е")) if w]
    have = split(text)
    return all(any(w.startswith(q) for w in have) for q in split(query))


def expected_hits(doc: dict, query: str) -> dict:
    free = [m for m in doc["mentors"] if m["capacity"] > m["load"]]
    return {
        "pairs": sorted(p["mentee_id"] for p in doc["pairs"]
                        if word_starts(" ".join((p["mentee_name"], p["mentee_id"], p["mentor_name"], p["mentor_id"])),
                                       query)),
        "unmatched": sorted(u["mentee_id"] for u in doc["unmatched"]
                            if word_starts(f"{u['mentee_name']} {u['mentee_id']}", query)),
        "mentors": sorted(m["mentor_id"] for m in free if word_starts(f"{m['mentor_name']} {m['mentor_id']}", query)),
    }


SHOWN_HITS_JS = """(function () {
  function shown(sel) { return Array.from(document.querySelectorAll(sel)).filter(function (e) { return e.checkVisibility(); }); }
  return {unmatched: shown('#unmatched tr.unmatched-row').map(function (r) { return r.dataset.mentee; }).sort(),
          mentors: shown('#mentors tr.free-row').map(function (r) { return r.querySelector('.pid').textContent; }).sort(),
          line: document.getElementById('search-hits').checkVisibility() ? document.getElementById('search-hits').textContent : null};
})()"""


def shown_hits(browser) -> dict:
    show_everything(browser)
    hits = browser.evaluate(SHOWN_HITS_JS)
    hits["pairs"] = sorted(r["mentee"].rsplit(" ", 1)[1] for r in browser.evaluate(ROWS_JS))
    return hits


def search_queries(doc: dict) -> list[str]:
    """Word starts that between them hit every section: an unmatched mentee's surname, a free
    mentor's surname and a mentor's code, each cut to its first letters."""
    free = next(m for m in doc["mentors"] if m["capacity"] > m["load"])
    return [doc["unmatched"][0]["mentee_name"].split()[0][:4], free["mentor_name"].split()[0][:4],
            free["mentor_id"][:3].lower()]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_one_search_finds_word_starts_in_pairs_unmatched_and_mentors(browser, school60, layouts, layout):
    browser.open(layouts[layout])
    seen = {"pairs": 0, "unmatched": 0, "mentors": 0}
    for query in search_queries(school60):
        type_search(browser, query)
        hits = shown_hits(browser)
        expected = expected_hits(school60, query)
        assert {k: hits[k] for k in expected} == expected, query
        assert re.findall(r"\d+", hits["line"]) == [str(len(expected[k])) for k in ("pairs", "unmatched", "mentors")]
        for k in seen:
            seen[k] += len(expected[k])
    assert all(seen.values()), seen  # the queries reached every section
    type_search(browser, "")
    hits = shown_hits(browser)
    assert hits["line"] is None and len(hits["pairs"]) == len(school60["pairs"])
    assert len(hits["unmatched"]) == len(school60["unmatched"])
    assert browser.console_errors() == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_search_matches_only_at_word_starts_in_any_case_with_yo_as_ye(browser, school60, layouts, layout):
    browser.open(layouts[layout])
    target = next(p for p in school60["pairs"] if "ё" in p["mentee_name"].lower())
    word = next(w for w in target["mentee_name"].split() if "ё" in w.lower())
    type_search(browser, word.upper().replace("Ё", "Е"))
    assert target["mentee_id"] in shown_hits(browser)["pairs"]
    inside = target["mentee_name"].split()[0][1:5]  # from the surname's second letter: inside a word
    type_search(browser, inside)
    hits = shown_hits(browser)
    assert target["mentee_id"] not in hits["pairs"]
    assert hits["pairs"] == expected_hits(school60, inside)["pairs"]
    assert browser.console_errors() == []


def test_search_waits_for_typing_to_pause(browser, layouts):
    browser.open(layouts["inline"])
    rows_now = """(function () { var i = document.getElementById('search'); i.value = 'zzzz';
        i.dispatchEvent(new Event('input'));
        return document.querySelectorAll('#plist details.pair:not([hidden])').length; })()"""
    assert browser.evaluate(rows_now) > 0  # not filtered at the keystroke itself
    type_search(browser, "zzzz")
    assert browser.evaluate(ROWS_JS) == []
    assert browser.evaluate("document.getElementById('no-match').hidden") is False


def pairs_by_line(browser) -> list[list[dict]]:
    """The pairs list as shown: each line (a table row) with its pairs."""
    return browser.evaluate("""Array.from(document.querySelectorAll('#plist tr.unit'))
      .filter(function (u) { return u.checkVisibility(); })
      .map(function (u) { return Array.from(u.querySelectorAll('details.pair'))
        .filter(function (d) { return !d.hidden; })
        .map(function (d) { return {mentee: d.dataset.mentee.split(' ').pop(), score: parseFloat(d.dataset.score),
                                    mentor: u.querySelector('.umentor .pid').textContent}; }); })""")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_weakest_first_ranks_every_pair_on_its_own_line_with_its_mentor(browser, school60, layouts, layout):
    browser.open(layouts[layout])
    click(browser, "#weakest")
    show_everything(browser)
    lines = pairs_by_line(browser)
    assert all(len(line) == 1 for line in lines)  # a group's members are ranked as their pairs
    ranked = [line[0] for line in lines]
    scores = [r["score"] for r in ranked]
    assert [(a, b) for a, b in zip(scores, scores[1:]) if a > b] == []  # no out-of-order neighbours
    assert sorted(scores) == sorted(p["score"] for p in school60["pairs"])
    assert sorted((r["mentor"], r["mentee"]) for r in ranked) == sorted(
        (p["mentor_id"], p["mentee_id"]) for p in school60["pairs"])
    assert browser.evaluate("document.querySelector('#plist [data-sort=\"score\"]').getAttribute('aria-sort')") == "ascending"
    click(browser, '#plist [data-sort="num"]')  # back to pairs and groups by number
    show_everything(browser)
    lines = pairs_by_line(browser)
    assert max(len(line) for line in lines) > 1 and sum(len(line) for line in lines) == len(school60["pairs"])
    assert browser.console_errors() == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_filters_by_priority_class_and_score(browser, school60, layouts, layout):
    browser.open(layouts[layout])

    def shown() -> list[str]:
        show_everything(browser)
        return sorted(r["mentee"].rsplit(" ", 1)[1] for r in browser.evaluate(ROWS_JS))

    def ids(keep) -> list[str]:
        return sorted(p["mentee_id"] for p in school60["pairs"] if keep(p))

    top = max(p["priority"] for p in school60["pairs"])
    choose(browser, "priority-filter", str(top))
    assert shown() == ids(lambda p: p["priority"] == top)
    choose(browser, "priority-filter", "")
    choose(browser, "class-filter", "7А")
    assert shown() == ids(lambda p: p["mentee_grade"] == "7А")
    choose(browser, "score-filter", "hi")
    assert shown() == ids(lambda p: p["mentee_grade"] == "7А" and p["score"] >= 0.6)
    choose(browser, "class-filter", "")
    for band, keep in (("lo", lambda p: p["score"] < 0.4), ("mid", lambda p: 0.4 <= p["score"] < 0.6)):
        choose(browser, "score-filter", band)
        assert shown() == ids(keep)
    click(browser, "#weakest")  # the ranking keeps the filters
    show_everything(browser)
    assert [r["score"] for r in browser.evaluate(ROWS_JS)] == sorted(
        p["score"] for p in school60["pairs"] if 0.4 <= p["score"] < 0.6)
    assert browser.console_errors() == []


def test_a_report_without_pairs_still_searches_its_unmatched_mentees(browser, school60, tmp_path):
    empty = {**school60, "pairs": []}
    url = write_report(empty, tmp_path, lang="ru").as_uri()
    browser.open(url)
    query = school60["unmatched"][0]["mentee_name"].split()[0]
    type_search(browser, query)
    hits = shown_hits(browser)
    assert hits["unmatched"] == expected_hits(empty, query)["unmatched"] and hits["pairs"] == []
    assert browser.console_errors() == []


# -- print -------------------------------------------------------------------------------------

A4_WIDTH_PX = 700  # 210 mm less the page's margins, at 96 px per inch: the width print lays out in


def pdf_pages(pdf: bytes, last: int | None = None) -> list[str]:
    """The text of each printed page (of the `last` few only, when given), spaces collapsed."""
    pages = pdf_page_list(pdf)
    return [" ".join(page.extract_text().split()) for page in pages[-last if last else 0:]]


def pdf_page_list(pdf: bytes):
    pypdf = pytest.importorskip("pypdf")
    import io

    return pypdf.PdfReader(io.BytesIO(pdf)).pages


@pytest.mark.parametrize("layout", LAYOUTS)
def test_printed_pairs_list_shows_every_column_and_a_repeating_header(browser, layouts, layout):
    browser.open(layouts[layout], width=A4_WIDTH_PX)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    displays = browser.evaluate("""(function () {
      function d(e) { return getComputedStyle(e).display; }
      return {head: d(document.querySelector('#plist thead')),
              titles: Array.from(document.querySelectorAll('#plist thead [data-sort-key]')).map(d),
              cells: Array.from(document.querySelectorAll('#plist .pair > summary > span')).map(d)}; })()""")
    assert displays["head"] == "table-header-group"
    assert len(displays["titles"]) == 5 and "none" not in displays["titles"]
    assert displays["cells"] and "none" not in displays["cells"]
    browser.send("Emulation.setEmulatedMedia", {"media": ""})


@pytest.mark.parametrize("layout", LAYOUTS)
def test_printed_pairs_list_repeats_its_header_on_every_page(browser, school60, layouts, layout):
    browser.open(layouts[layout])
    show_everything(browser)
    browser.evaluate("""Array.from(document.querySelectorAll('#plist details.pair')).slice(0, 6)
      .forEach(function (d) { d.open = true; })""")  # a few explanations open: several pages, rows broken
    titles = browser.evaluate("Array.from(document.querySelectorAll('#plist thead [data-sort-key]'))"
                              ".map(function (e) { return e.textContent.toUpperCase(); })")
    forms = browser.evaluate("Array.from(new Set(Array.from(document.querySelectorAll('#plist .pair'))"
                             ".map(function (d) { return d.dataset.formTitle; })))")
    browser.evaluate("""document.querySelectorAll('body > :not(main), main > :not(#pairs)')
      .forEach(function (e) { e.style.display = 'none'; })""")  # print the pairs list alone
    pages = pdf_pages(browser.pdf())
    assert len(pages) >= 2
    assert [k + 1 for k, text in enumerate(pages) if not all(t in text for t in titles)] == []
    text = " ".join(pages)
    assert [f for f in forms if f not in text] == []  # the form column is printed
    assert browser.console_errors() == []


def annex_alone(browser) -> list[str]:
    """Click «print the appendix only» with printing stubbed out: which blocks print shows then."""
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    browser.evaluate("""window.print = function () {
      window.printed = Array.from(document.querySelectorAll('body > header, body > nav, main > *, body > footer'))
        .filter(function (e) { return getComputedStyle(e).display !== 'none'; })
        .map(function (e) { return e.id || e.tagName.toLowerCase(); }); }""")
    click(browser, "#print-annex")
    return browser.evaluate("window.printed")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_annex_prints_alone_numbered_from_one(browser, school60, layouts, layout):
    browser.open(layouts[layout])
    assert annex_alone(browser) == ["appendix"]
    title = browser.evaluate("document.querySelector('.appendix-title').textContent")
    pages = pdf_pages(browser.pdf())
    assert title in pages[0]
    assert [k + 1 for k, text in enumerate(pages) if f"{k + 1} / {len(pages)}" not in text] == []
    assert all(p["mentee_id"] in " ".join(pages) for p in school60["pairs"])
    browser.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert browser.evaluate("document.body.classList.contains('print-annex')") is False
    report = pdf_pages(browser.pdf())  # the whole report: the annex carries none of its page numbers
    annex = next(k for k, text in enumerate(report) if title in text)
    assert annex > 0 and [k for k in range(annex, len(report)) if re.search(r"\b\d+ / \d+\b", report[k])] == []
    browser.send("Emulation.setEmulatedMedia", {"media": ""})
    assert browser.console_errors() == []


def test_the_annex_print_button_stands_above_the_annex_heading_not_beside_it(browser, layouts):
    browser.open(layouts["inline"])
    button, head = browser.evaluate("""['#print-annex', '.appendix-head p'].map(function (s) {
        var r = document.querySelector(s).getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; })""")
    assert button[1] <= head[0], (button, head)  # the heading's lines keep their place at the right edge
    assert button[3] == pytest.approx(head[3], abs=1)


def test_the_annex_signatures_never_stand_alone_on_the_last_page(browser, school60, layouts):
    browser.open(layouts["inline"])
    annex_alone(browser)
    signature = browser.evaluate("document.querySelector('.sign-line span').textContent")
    ids = [p["mentee_id"] for p in school60["pairs"]]
    page_counts = set()
    for shift in range(0, 600, 40):  # the table's end moves down the last page, past its foot
        browser.evaluate(f"""document.querySelector('.appendix-head').style.paddingTop = '{shift}px';
            document.body.classList.add('print-annex')""")  # printing ends with afterprint, which drops it
        pdf = browser.pdf()
        [last] = pdf_pages(pdf, last=1)
        assert signature in last
        assert any(i in last for i in ids), shift  # at least one row of the table goes with it
        page_counts.add(len(pdf_page_list(pdf)))
    assert len(page_counts) > 1  # the scan carried the table's end over a page break
    browser.send("Emulation.setEmulatedMedia", {"media": ""})


# -- without JavaScript ------------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_without_javascript_the_controls_hide_and_a_note_says_why(browser, school60, layouts, layout):
    browser.open(layouts[layout], javascript=False)
    state = browser.evaluate("""(function () {
      function shown(e) { return e.checkVisibility(); }
      return {controls: ['#search', '.controls', '#print-btn', '#print-annex', '#search-hits']
                .map(function (s) { return shown(document.querySelector(s)); }),
              sortButtons: document.querySelectorAll('#plist .sort, #plist [role="button"]').length,
              titles: Array.from(document.querySelectorAll('#plist thead [data-sort-key]'))
                .map(function (e) { return shown(e) && e.textContent.trim() !== ''; }),
              note: shown(document.getElementById('needs-js')) ? document.getElementById('needs-js').textContent : '',
              sections: Array.from(document.querySelectorAll('main > section'))
                .map(function (e) { return shown(e) && e.offsetHeight > 0; }),
              rows: document.querySelectorAll('#plist details.pair').length}; })()""")
    assert state["controls"] == [False] * 5
    assert state["sortButtons"] == 0 and state["titles"] == [True] * 5  # column titles stay, as text
    assert "JavaScript" in state["note"]
    assert len(state["sections"]) >= 5 and all(state["sections"])
    assert state["rows"] == (len(school60["pairs"]) if layout == "inline" else len(browser.evaluate(ROWS_JS)))
    assert browser.requests() == [layouts[layout]]
    assert browser.console_errors() == []


# -- README screenshot ----------------------------------------------------------------------------

def make_screenshot(out_png: Path, report: Path | None = None, lang: str = "ru", max_bytes: int = 300_000) -> Path:
    """docs/report.png: the top of a `matcher demo` report, first pair opened, under max_bytes."""
    import base64

    with tempfile.TemporaryDirectory() as tmp:
        if report is None:
            run = subprocess.run([sys.executable, "-m", "matcher.cli", "demo", "--out", tmp, "--lang", lang],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if run.returncode:
                raise SystemExit(f"matcher demo failed:\n{run.stderr}")
            report = Path(tmp) / "report.html"
        binary = chromium_binary()
        if binary is None:
            raise SystemExit("no chromium binary; install it with `sh .ci/install-chromium`")
        b = Chromium(binary)
        try:
            b.open(report.resolve().as_uri(), 1280, 1600)
            b.evaluate("document.querySelector('#plist .pair').open = true")
            for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
                data = base64.b64decode(b.send("Page.captureScreenshot", {
                    "format": "png", "clip": {"x": 0, "y": 0, "width": 1280, "height": 1600, "scale": scale}})["data"])
                if len(data) < max_bytes:
                    break
        finally:
            b.close()
    out_png.parent.mkdir(parents=True, exist_ok=True)
    out_png.write_bytes(data)
    return out_png


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Make the README screenshot of report.html.")
    parser.add_argument("out_png", type=Path, nargs="?", default=Path("docs/report.png"))
    parser.add_argument("--report", type=Path, help="an existing report.html (default: run `matcher demo`)")
    parser.add_argument("--lang", choices=["ru", "en"], default="ru")
    args = parser.parse_args()
    path = make_screenshot(args.out_png, args.report, args.lang)
    print(f"{path}: {path.stat().st_size} bytes")
