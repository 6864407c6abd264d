"""summary.html in headless Chromium (the harness of test_report_browser.py): no request, no
console error, no script; hostile programme names and cell values shown as text."""
from __future__ import annotations

import pytest
from test_batch import HOSTILE, InlineExecutor, _rows, _write_rows, district_file
from test_report_browser import assert_static_page, browser  # noqa: F401 - the headless Chromium fixture, shared

from matcher.batch import RunOptions, run_batch

HOSTILE_CELL = "<script>alert('cell')</script>"


@pytest.fixture(scope="module")
def summaries(tmp_path_factory):
    """summary.html in both languages for a district file of three schools: one named to attack
    the page, one with a class no school has (in a cell that attacks it too)."""
    base = tmp_path_factory.mktemp("summary")
    district_file(base / "district.csv", [HOSTILE, "Школа №2", "Лицей"], n_mentees=10)
    headers, rows = _rows(base / "district.csv")
    school, grade = headers.index("Школа"), headers.index("Класс")
    k = next(k for k, row in enumerate(rows) if row[school] == "Лицей" and row[grade])
    rows[k][grade] = HOSTILE_CELL
    _write_rows(base / "district.csv", headers, rows)
    urls, results = {}, {}
    for lang in ("ru", "en"):
        out = base / f"out-{lang}"
        results[lang] = run_batch(base / "district.csv", out, options=RunOptions(lang=lang), executor=InlineExecutor(),
                                  low_match_rate=0.99)
        urls[lang] = (out / "summary.html").as_uri()
    return urls, results


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_summary_opens_without_requests_console_errors_or_scripts(browser, summaries, lang):
    urls, _ = summaries
    assert_static_page(browser, urls[lang], lang)


def test_hostile_names_and_cells_show_as_text(browser, summaries):
    urls, _ = summaries
    browser.open(urls["en"])
    names = browser.evaluate("Array.from(document.querySelectorAll('.programme')).map(function (e) { "
                             "return e.textContent; })")
    assert HOSTILE in names
    titles = browser.evaluate("Array.from(document.querySelectorAll('#chart title')).map(function (e) { "
                              "return e.textContent; })")
    assert any(t.startswith(HOSTILE + ":") for t in titles)
    problems = browser.evaluate("document.getElementById('attention').textContent")
    assert HOSTILE_CELL in problems
    assert browser.console_errors() == []  # an alert() would show up here as a dialog


def test_the_chart_has_a_bar_per_done_programme_and_attention_lists_the_rest(browser, summaries):
    urls, results = summaries
    browser.open(urls["ru"])
    done = [r for r in results["ru"].records if r["status"] == "optimal"]
    assert browser.evaluate("document.querySelectorAll('#chart rect.bar').length") == len(done) == 2
    listed = browser.evaluate("Array.from(document.querySelectorAll('#attention .needs > li > .programme'))"
                              ".map(function (e) { return e.textContent; })")
    expected = [r["name"] for r in results["ru"].records
                if r["status"] != "optimal" or r["numbers"]["matched"] < 0.99 * r["numbers"]["mentees"]]
    assert sorted(listed) == sorted(expected) and "Лицей" in listed
    assert "анкеты отклонены" in browser.evaluate("document.getElementById('attention').textContent")
