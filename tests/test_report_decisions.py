"""The consilium's decisions taken in report.html and read back by `matcher match --locks`.

The page (decisions.js) saves "approve", "forbid" and "lock instead" as a CSV; the browser
tests click them in headless Chromium on a `matcher sample` school, in a report with every row
in its HTML and in one whose rows come from its data, let the browser download the file, and
run `matcher match --locks` on it as a curator would.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.locks import FILE_ACTIONS, FILE_HEADERS, load_pair_specs
from matcher.report import ALTERNATIVES_SHOWN, build_view, render_report, write_report
from matcher.report_decisions import LOCKABLE
from matcher.sample import write_sample
from test_report import dom, school_document
from test_report_browser import browser  # noqa: F401  (the module's headless Chromium)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def pairs_of(out: Path) -> set[tuple[str, str]]:
    rows = csv.DictReader(io.StringIO((out / "pairs.csv").read_text(encoding="utf-8-sig")))
    return {(r["mentor_id"], r["mentee_id"]) for r in rows}


def lockable(a: dict) -> bool:
    return a["status"] in LOCKABLE and (a.get("forcing") or {}).get("feasible") is not False


# -- the file: the reader takes it as the page writes it ----------------------------------------------

@pytest.mark.parametrize("lang,delimiter", [("ru", ";"), ("en", ",")])
def test_the_locks_reader_reads_the_file_the_page_saves(tmp_path, lang, delimiter):
    """BOM, the page's headers and actions, a note naming people (quoted, with the delimiter in
    it) and an id the writer neutralised with an apostrophe."""
    actions = FILE_ACTIONS[lang]
    lines = [delimiter.join(FILE_HEADERS[lang]),
             delimiter.join(["T01", "S10", actions["lock"], "teacher_student", '"Иванова; М. — ""Кузнецов"""']),
             delimiter.join(["T02", "'-S11", actions["forbid"], "", "'=HYPERLINK(1)"])]
    path = tmp_path / "decisions.csv"
    path.write_bytes(codecs.BOM_UTF8 + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    specs, report = load_pair_specs(path)
    assert report.errors == []
    assert [(s.mentor_id, s.mentee_id, s.action, s.form) for s in specs] == [
        ("T01", "S10", "lock", "teacher_student"), ("T02", "-S11", "forbid", None)]


# -- the page's data: ids per row, the alternatives a lock can hold --------------------------------------

@pytest.fixture(scope="module")
def doc() -> dict:
    return school_document()


def decisions_data(html: str) -> tuple[dict, dict]:
    panel = dom(html).find("aside", id="decisions")
    return json.loads(panel.attrs["data-decisions"]), json.loads(panel.attrs["data-labels"])


def test_every_row_carries_its_ids_and_the_alternatives_a_lock_can_hold(doc):
    data, labels = decisions_data(render_report(doc, "ru"))
    rows = {r["num"]: r for u in build_view(doc, "ru")["units"] for r in u["rows"]}
    assert sorted(r[0] for r in data["r"]) == sorted(rows)
    by_pair = {(p["mentor_id"], p["mentee_id"], p["form"]): p for p in doc["pairs"]}
    people, forms = data["p"], data["f"]
    assert any(a for r in data["r"] for a in r[4]), "the sample should have a lockable alternative"
    for num, mentor, mentee, form, alts in data["r"]:
        row = rows[num]
        assert (people[mentor][0], people[mentee][0], forms[form]) == (row["mentor_id"], row["mentee_id"], row["form"])
        shown = (by_pair[row["mentor_id"], row["mentee_id"], row["form"]].get("explanation") or {}).get(
            "alternatives", [])[:ALTERNATIVES_SHOWN]
        assert [people[a[0]][0] if a else None for a in alts] == [
            a["mentor_id"] if lockable(a) else None for a in shown]
    assert labels["headers"] == list(FILE_HEADERS["ru"]) and labels["actions"] == FILE_ACTIONS["ru"]


def test_the_decisions_data_shows_initials_when_the_report_is_anonymised(doc):
    data, _ = decisions_data(render_report(doc, "en", anonymize=True))
    full_names = {p["mentee_name"] for p in doc["pairs"]} | {m["mentor_name"] for m in doc["mentors"]}
    assert not {name for _, name in data["p"]} & full_names


def test_without_javascript_the_decisions_panel_is_hidden(doc):
    html = render_report(doc, "en")
    panel = dom(html).find("aside", id="decisions")
    assert "hidden" in panel.attrs and "js-only" in panel.classes
    assert "html:not(.js) .js-only { display: none !important; }" in html


def test_the_runs_own_locks_and_forbids_are_carried_into_the_panel(tmp_path):
    base = tmp_path / "school"
    mentees, mentors = write_sample(base, n_mentees=30, seed=5)
    first = tmp_path / "first"
    assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", first, "-q").exit_code == 0
    doc = json.loads((first / "result.json").read_text(encoding="utf-8"))
    a, b = doc["pairs"][0], doc["pairs"][-1]
    locks = tmp_path / "consilium.csv"
    locks.write_text(f"mentor_id,mentee_id,action\n{a['mentor_id']},{a['mentee_id']},lock\n"
                     f"{b['mentor_id']},{b['mentee_id']},forbid\n", encoding="utf-8")
    again = tmp_path / "again"
    assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", again, "--locks", locks,
               "-q").exit_code == 0
    data, _ = decisions_data((again / "report.html").read_text(encoding="utf-8"))
    ids = data["p"]
    assert [(e[0], ids[e[1]][0], ids[e[2]][0], e[4]) for e in data["e"]] == [
        (0, a["mentor_id"], a["mentee_id"], "consilium.csv:2"), (1, b["mentor_id"], b["mentee_id"], "")]


# -- in the browser ----------------------------------------------------------------------------------

def wait_until(browser, expression: str, timeout: float = 20.0):
    """The expression's value once it is truthy (the page decorates rows as they appear)."""
    deadline = time.monotonic() + timeout
    while True:
        value = browser.evaluate(expression)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def save_decisions(browser, folder: Path, timeout: float = 20.0) -> Path:
    """Click «save decisions» and return the file the browser downloaded into `folder`."""
    folder.mkdir()
    browser.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder),
                                                 "eventsEnabled": True}, session=False)
    browser.evaluate("document.getElementById('decisions-save').click()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        began = [e["params"] for e in browser.events if e["method"] == "Browser.downloadWillBegin"]
        done = [e["params"] for e in browser.events
                if e["method"] == "Browser.downloadProgress" and e["params"].get("state") == "completed"]
        if began and done:
            return Path(done[-1].get("filePath") or folder / began[-1]["suggestedFilename"])
        browser.evaluate("0")  # reads the pipe: events that arrived meanwhile are recorded
        time.sleep(0.05)
    raise AssertionError("the page started no download")


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """A sample school matched by `matcher match` (Russian report), and three decisions to take:
    approve one pair, forbid another, and for a third mentee lock an alternative mentor instead."""
    base = tmp_path_factory.mktemp("decisions")
    mentees, mentors = write_sample(base / "school", n_mentees=40, seed=2)
    out = base / "first"
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", out, "--lang", "ru", "-q")
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    numbers = {(r["mentor_id"], r["mentee_id"], r["form"]): r["num"]
               for u in build_view(doc, "ru")["units"] for r in u["rows"]}
    pairs = sorted(doc["pairs"], key=lambda p: numbers[p["mentor_id"], p["mentee_id"], p["form"]])
    swap = next(p for p in reversed(pairs) if any(
        a["status"] == "free_place" and lockable(a)
        for a in p["explanation"]["alternatives"][:ALTERNATIVES_SHOWN]))
    alt = next(a for a in swap["explanation"]["alternatives"][:ALTERNATIVES_SHOWN]
               if a["status"] == "free_place" and lockable(a))
    others = [p for p in pairs if p["mentee_id"] != swap["mentee_id"] and p["mentor_id"] != alt["mentor_id"]]
    approve, forbid = others[0], others[len(others) // 2]
    picks = {"approve": approve, "forbid": forbid, "instead": swap, "alternative": alt["mentor_id"]}
    picks["num"] = {k: numbers[p["mentor_id"], p["mentee_id"], p["form"]] for k, p in picks.items() if k != "alternative"}
    return {"doc": doc, "out": out, "mentors": mentors, "mentees": mentees, "picks": picks}


def open_fresh(browser, url: str) -> None:
    """The page with no decisions kept from an earlier test."""
    browser.open(url)
    browser.evaluate("window.localStorage.clear()")
    browser.open(url)


def decide(browser, num: int, selector: str) -> None:
    """Open row `num` (rendering every row first in a paged report) and click a decision button."""
    browser.evaluate("""(function () { var b = document.getElementById('more-rows');
        while (b && !b.hidden) { b.click(); } })()""")
    row = f"document.querySelector('#plist details.pair[data-num=\"{num}\"]')"
    assert wait_until(browser, f"!!{row}"), f"row {num} is not on the page"
    browser.evaluate(f"{row}.open = true")
    button = f"{row}.querySelector({json.dumps(selector)})"
    assert wait_until(browser, f"!!{button}"), f"row {num} has no {selector}"
    browser.evaluate(f"{button}.click()")
    assert browser.evaluate(f"{button}.getAttribute('aria-pressed')") == "true"


@pytest.mark.parametrize("paged", [False, True], ids=["rows-in-html", "rows-from-data"])
def test_decisions_taken_in_the_page_are_read_back_by_match_locks(browser, sample_run, tmp_path, paged):  # noqa: F811
    run_, picks = sample_run, sample_run["picks"]
    if paged:
        url = write_report(run_["doc"], tmp_path / "paged", lang="ru", inline_units=4, page_units=4).as_uri()
    else:
        url = (run_["out"] / "report.html").as_uri()
    open_fresh(browser, url)
    assert browser.evaluate("document.getElementById('decisions').hidden") is True
    on_screen = f"!!document.querySelector('#plist details.pair[data-num=\"{picks['num']['instead']}\"]')"
    assert browser.evaluate(on_screen) is not paged  # paged: that row comes from the page's data
    decide(browser, picks["num"]["approve"], ".btn-approve")
    decide(browser, picks["num"]["forbid"], ".btn-forbid")
    decide(browser, picks["num"]["instead"], f".btn-instead[data-mentor=\"{picks['alternative']}\"]")
    assert browser.evaluate("document.getElementById('decisions').hidden") is False
    assert browser.evaluate("document.getElementById('decisions-count').textContent") == "3"
    chip = "document.querySelector('#plist details.pair[data-num=\"{}\"] .dchip').textContent"
    assert browser.evaluate(chip.format(picks["num"]["approve"])) == "утверждено"
    assert browser.evaluate(chip.format(picks["num"]["forbid"])) == "запрещено"

    saved = save_decisions(browser, tmp_path / "downloads")
    assert saved.name == "decisions.csv"
    assert saved.read_bytes().startswith(codecs.BOM_UTF8)
    assert browser.requests() == [url]
    assert browser.console_errors() == []

    again = tmp_path / "again"
    result = run("match", "--mentors", run_["mentors"], "--mentees", run_["mentees"], "--out", again,
                 "--locks", saved, "--lang", "ru", "-q")
    assert result.exit_code == 0, result.output
    before, after = pairs_of(run_["out"]), pairs_of(again)
    approve, forbid, swap = picks["approve"], picks["forbid"], picks["instead"]
    assert (approve["mentor_id"], approve["mentee_id"]) in after
    assert (forbid["mentor_id"], forbid["mentee_id"]) in before
    assert (forbid["mentor_id"], forbid["mentee_id"]) not in after
    assert (swap["mentor_id"], swap["mentee_id"]) in before
    assert (swap["mentor_id"], swap["mentee_id"]) not in after
    assert (picks["alternative"], swap["mentee_id"]) in after


def test_decisions_survive_a_reload_and_undo_removes_one(browser, sample_run):  # noqa: F811
    url = (sample_run["out"] / "report.html").as_uri()
    open_fresh(browser, url)
    decide(browser, sample_run["picks"]["num"]["approve"], ".btn-approve")
    decide(browser, sample_run["picks"]["num"]["forbid"], ".btn-forbid")
    browser.open(url)
    assert wait_until(browser, "document.getElementById('decisions-count').textContent") == "2"
    browser.evaluate("document.querySelector('#decisions-list button').click()")
    assert browser.evaluate("document.getElementById('decisions-count').textContent") == "1"
    row = f"#plist details.pair[data-num=\"{sample_run['picks']['num']['approve']}\"]"
    assert browser.evaluate(f"document.querySelector('{row} .dchip').hidden") is True
    assert browser.console_errors() == []


def test_untrusted_names_in_decisions_stay_text_and_cells_cannot_run_formulas(browser, tmp_path):  # noqa: F811
    from test_report import HOSTILE_MENTEE

    doc = school_document()
    pair = next(p for p in doc["pairs"] if p["mentee_name"] == HOSTILE_MENTEE)
    formula = "=HYPERLINK(\"http://example.invalid\";\"x\")"  # a mentor's name a spreadsheet would run
    for m in doc["mentors"] + doc["pairs"]:
        if m["mentor_id"] == pair["mentor_id"]:
            m["mentor_name"] = formula
    url = write_report(doc, tmp_path / "r", lang="en").as_uri()
    open_fresh(browser, url)
    num = next(r["num"] for u in build_view(doc, "en")["units"] for r in u["rows"]
               if r["mentee_id"] == pair["mentee_id"])
    decide(browser, num, ".btn-forbid")
    listed = browser.evaluate("document.getElementById('decisions-list').textContent")
    assert HOSTILE_MENTEE in listed and formula in listed
    saved = save_decisions(browser, tmp_path / "downloads")
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(FILE_HEADERS["en"])
    assert rows[1][:4] == [pair["mentor_id"], pair["mentee_id"], "forbid", ""]
    assert rows[1][4].startswith("'" + formula) and HOSTILE_MENTEE in rows[1][4]
    assert browser.evaluate("Array.from(document.scripts).filter(function (s) { return !s.type; }).length") == 1
    assert browser.console_errors() == []


def test_without_javascript_no_decision_control_shows(browser, sample_run):  # noqa: F811
    url = (sample_run["out"] / "report.html").as_uri()
    browser.open("about:blank")
    browser.send("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.events = []  # the blank page's load is not the report's
        browser.send("Page.navigate", {"url": url})
        browser.wait_for("Page.loadEventFired")
        assert browser.evaluate("document.documentElement.classList.contains('js')") is False
        assert browser.evaluate("document.querySelectorAll('[data-decision]').length") == 0
        assert browser.evaluate("document.getElementById('decisions').checkVisibility()") is False
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", {"value": False})
