"""monitoring.html in headless Chromium (the harness of test_report_browser.py): no request, no
console error, no script; hostile names from the questionnaires shown as text; both charts
drawn."""
from __future__ import annotations

import pytest
from test_monitor_report import handmade_doc, insert_monitoring, invoke, record, row
from test_report_browser import assert_static_page, browser  # noqa: F401 - the headless Chromium fixture, shared

from matcher.history import History

HOSTILE_MENTOR = "<script>alert(1)</script>"
HOSTILE_MENTEE = '"><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The report of a small year, in both languages: 24 pairs, two of them named to attack
    the page, one of those at an unacceptable level so it is listed for attention too."""
    base = tmp_path_factory.mktemp("monitoring")
    pairs = [(f"M{k:02d}", f"S{k:02d}") for k in range(24)]
    db = base / "h.db"
    record(db, handmade_doc(pairs, names={"M00": HOSTILE_MENTOR, "S00": HOSTILE_MENTEE},
                            interests=[k / 23 for k in range(24)]))
    with History.open(db) as history:
        for stage, shift in (("before", 0), ("after", 1)):
            insert_monitoring(history, "Школа", "2026/2027", stage,
                              [row(s, m, [min(2, (k + shift + i) % 3) for i in range(9)], 3 + k % 7, 5)
                               if k else row(s, m, [0] * 9, 2, 2) for k, (m, s) in enumerate(pairs)],
                              f"{stage}.csv")
    urls = {}
    for lang in ("ru", "en"):
        done = invoke("monitor", "report", "--history", db, "--out", base / lang, "--lang", lang)
        assert done.exit_code == 0, done.output
        urls[lang] = (base / lang / "monitoring.html").as_uri()
    return urls


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_monitoring_report_opens_without_requests_console_errors_or_scripts(browser, pages, lang):
    assert_static_page(browser, pages[lang], lang)


def test_hostile_names_show_as_text_in_the_pairs_and_the_attention_list(browser, pages):
    browser.open(pages["en"])
    for section in ("pairs", "attention"):
        names = browser.evaluate(f"Array.from(document.querySelectorAll('#{section} .person'))"
                                 ".map(function (e) {{ return e.textContent; }})")
        assert HOSTILE_MENTOR in names and HOSTILE_MENTEE in names, section
    assert browser.console_errors() == []  # an alert() would show up here as a dialog


def test_both_charts_draw_a_bar_per_stage(browser, pages):
    browser.open(pages["ru"])
    bands = browser.evaluate("document.querySelectorAll('#bands-chart rect.bar').length")
    indicators = browser.evaluate("document.querySelectorAll('#indicator-chart rect.bar').length")
    assert bands == 3 * 2 and indicators == 9 * 2
    shown = browser.evaluate("Array.from(document.querySelectorAll('#bands-chart rect.bar'))"
                             ".map(function (r) { return r.getBoundingClientRect().height; })")
    assert sum(1 for h in shown if h > 0) >= 2  # the counts are drawn, not only the frame


def test_one_row_per_monitored_pair(browser, pages):
    browser.open(pages["en"])
    assert browser.evaluate("document.querySelectorAll('#pairs tr.pair').length") == 24
