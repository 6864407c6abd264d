"""The monitoring report and the loop it closes (issue 14, items 3 and 4): a generated year —
sample school, matched, recorded in the history, synthetic monitoring before and after with a
planted effect — round-trips through `matcher monitor sample` and `matcher monitor report`,
and the analysis finds the planted component and nothing else; a year with no effect finds
nothing. Browser checks of the page: test_monitor_browser.py."""
from __future__ import annotations

import csv
import re
import shutil
import tomllib
from html.parser import HTMLParser

import numpy as np
import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.config import load_config
from matcher.history import History
from matcher.history.monitoring import MonitoringImport, record_import
from matcher.i18n import render
from matcher.monitor.analysis import analyse, holm
from matcher.monitor.indicators import band_title
from matcher.monitor.synthetic import synthetic_stages
from matcher.monitor.year import load_year
from matcher.pipeline import match
from matcher.results import result_document
from matcher.sample import generate_school
from matcher.tomlfile import dumps

N_MENTEES = 300  # a school large enough for the analysis to have power (about 150 pairs)
SCHOOL_SEED = 3
INDICATORS = range(1, 10)


# -- a recorded year ------------------------------------------------------------------------------

def record(db, doc: dict) -> None:
    with History.open(db) as history:
        history.record_run(doc, kind="match")


def read_stage_csv(path) -> list[dict]:
    """The monitoring import format, read by the test itself: a row per pair, i1..i9 and both
    partners' satisfaction."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{"mentee_id": r["mentee_id"], "mentor_id": r["mentor_id"],
                 "scores": {k: int(r[f"i{k}"]) for k in INDICATORS},
                 "satisfaction": {"mentee": float(r["mentee_satisfaction"]), "mentor": float(r["mentor_satisfaction"])}}
                for r in csv.DictReader(fh)]


def import_stages(db, folder) -> None:
    """Both stages through `matcher monitor import`, as a curator imports them."""
    for stage in ("before", "after"):
        done = invoke("monitor", "import", folder / f"{stage}.csv", "--history", db, "--stage", stage, "--lang", "en")
        assert done.exit_code == 0, done.output


def insert_monitoring(history, programme: str, year: str, stage: str, rows: list[dict], file_name: str) -> int:
    """A stage written as the importer writes an accepted file (hand-made rows, not a file)."""
    return record_import(history, MonitoringImport(
        programme, year, stage, file_name, "0" * 64,
        scores={(r["mentee_id"], r["mentor_id"]): r["scores"] for r in rows},
        satisfaction={(r["mentee_id"], r["mentor_id"]): r["satisfaction"] for r in rows}))


def invoke(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


@pytest.fixture(scope="module")
def school_run(tmp_path_factory):
    """The sample school matched by the real pipeline and recorded in a history."""
    base = tmp_path_factory.mktemp("year")
    result = match(generate_school(N_MENTEES, seed=SCHOOL_SEED), load_config(), time_limit=60)
    doc = result_document(result)
    record(base / "recorded.db", doc)
    return base, doc


def monitored_year(school_run, effect: str, seed: int):
    """A copy of the recorded history with the synthetic year written by `matcher monitor
    sample` imported into it, and `matcher monitor report` run on it."""
    base, doc = school_run
    db = base / f"{effect}-{seed}.db"
    shutil.copy(base / "recorded.db", db)
    monitoring = base / f"monitoring-{effect}-{seed}"
    done = invoke("monitor", "sample", "--history", db, "--out", monitoring, "--effect", effect, "--seed", seed,
                  "--lang", "en")
    assert done.exit_code == 0, done.output
    import_stages(db, monitoring)
    out = base / f"report-{effect}-{seed}"
    done = invoke("monitor", "report", "--history", db, "--out", out, "--lang", "en")
    assert done.exit_code == 0, done.output
    return db, monitoring, out, done.output


@pytest.fixture(scope="module")
def interests_year(school_run):
    return monitored_year(school_run, "interests", 11)


@pytest.fixture(scope="module")
def null_year(school_run):
    return monitored_year(school_run, "none", 12)


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the acceptance: a generated year round-trips ---------------------------------------------------

def test_the_school_has_enough_pairs_for_the_analysis(school_run):
    _, doc = school_run
    assert len(doc["pairs"]) >= 100


def test_a_planted_interests_effect_is_found_as_the_one_significant_positive_component(interests_year):
    db, _, out, output = interests_year
    year = load_year(db)
    analysis = analyse(year.pairs, year.stages)
    assert analysis.outcome == "change" and not analysis.too_few
    assert analysis.significant == ["interests"]
    assert next(f for f in analysis.findings if f.component == "interests").verdict == "positive"
    components = {r["component"]: r for r in csv_rows(out / "monitoring_components.csv")}
    assert components["interests"]["verdict"] == render("monitor.verdict.positive", None, "en")
    assert all(r["verdict"] != render("monitor.verdict.positive", None, "en")
               for name, r in components.items() if name != "interests")
    assert "interests" in output.splitlines()[2]


def test_a_year_with_no_planted_effect_reports_no_significant_component(null_year):
    """Seeds are fixed, so this is deterministic; over seeds, about one in 17 null years shows
    a false finding, as Holm at 0.05 allows (benchmarks/monitor_power.py measures it): a new
    sample school or generator may need another seed here, never a weaker test."""
    db, _, out, output = null_year
    year = load_year(db)
    analysis = analyse(year.pairs, year.stages)
    assert not analysis.too_few and analysis.significant == []
    significant = {render(f"monitor.verdict.{v}", None, "en") for v in ("positive", "negative")}
    assert not any(r["verdict"] in significant for r in csv_rows(out / "monitoring_components.csv"))
    assert render("monitor_report.cli_found_none", None, "en") in output


def test_the_suggested_configuration_raises_the_found_component_and_keeps_everything_else(school_run, interests_year):
    _, doc = school_run
    db, _, out, _ = interests_year
    printed = invoke("config", "--suggest-from", db, "--lang", "en")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.encode("utf-8") == (out / "suggested_config.toml").read_bytes()
    suggested = tomllib.loads(printed.stdout)
    ran = doc["config"]
    assert suggested["weights"]["interests"] == pytest.approx(1.5 * ran["weights"]["interests"])
    assert {k: v for k, v in suggested["weights"].items() if k != "interests"} == \
        {k: v for k, v in ran["weights"].items() if k != "interests"}
    for section in ("program", "rules", "psych", "forms", "rematch"):
        assert suggested[section] == {k: v for k, v in _without_none(ran[section]).items()}
    config = load_config_text(printed.stdout, out.parent / "next.toml")
    assert config is not None and config.weights.interests == pytest.approx(1.5 * ran["weights"]["interests"])


def test_without_an_effect_the_suggested_weights_are_this_years(school_run, null_year):
    _, doc = school_run
    suggested = tomllib.loads((null_year[2] / "suggested_config.toml").read_text(encoding="utf-8"))
    assert suggested["weights"] == doc["config"]["weights"]


def _without_none(value):
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


def load_config_text(text: str, path):
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_monitor_sample_writes_the_import_format_deterministically_by_seed(school_run, interests_year, tmp_path):
    base, doc = school_run
    db, monitoring, _, _ = interests_year
    pairs = {(p["mentee_id"], p["mentor_id"]) for p in doc["pairs"]}
    for stage in ("before", "after"):
        with open(monitoring / f"{stage}.csv", encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = list(reader)
        assert header == ["mentee_id", "mentor_id", *(f"i{k}" for k in INDICATORS), "mentee_satisfaction",
                          "mentor_satisfaction"]
        assert {(r[0], r[1]) for r in rows} == pairs and len(rows) == len(pairs)
        assert all(r[k] in ("0", "1", "2") for r in rows for k in range(2, 11))
        assert all(1 <= int(r[k]) <= 10 for r in rows for k in (11, 12))
    again = invoke("monitor", "sample", "--history", base / "recorded.db", "--out", tmp_path / "again",
                   "--effect", "interests", "--seed", 11)
    other = invoke("monitor", "sample", "--history", base / "recorded.db", "--out", tmp_path / "other",
                   "--effect", "interests", "--seed", 99)
    assert again.exit_code == 0 and other.exit_code == 0
    assert (tmp_path / "again" / "after.csv").read_bytes() == (monitoring / "after.csv").read_bytes()
    assert (tmp_path / "other" / "after.csv").read_bytes() != (monitoring / "after.csv").read_bytes()


def test_monitor_sample_refuses_an_effect_the_pairs_have_no_component_of(school_run, tmp_path):
    base, _ = school_run
    done = invoke("monitor", "sample", "--history", base / "recorded.db", "--out", tmp_path / "m",
                  "--effect", "horoscope", "--lang", "en")
    assert done.exit_code == 2 and "horoscope" in done.output and "interests" in done.output
    assert not (tmp_path / "m" / "after.csv").exists()


# -- what the report shows --------------------------------------------------------------------------

def band_of(total: float) -> str:
    """002 §6, written out again: 15-18 optimal, 9-14 acceptable, 0-8 unacceptable."""
    return "optimal" if total >= 15 else "acceptable" if total >= 9 else "unacceptable"


def test_pairs_csv_holds_each_pairs_totals_bands_and_change_from_the_imported_files(interests_year):
    _, monitoring, out, _ = interests_year
    stages = {s: {(r["mentee_id"], r["mentor_id"]): r for r in read_stage_csv(monitoring / f"{s}.csv")}
              for s in ("before", "after")}
    rows = csv_rows(out / "monitoring_pairs.csv")
    assert len(rows) == len(stages["after"])
    for row in rows:
        key = (row["mentee_id"], row["mentor_id"])
        totals = {s: sum(stages[s][key]["scores"].values()) for s in stages}
        assert int(row["before_total"]) == totals["before"] and int(row["after_total"]) == totals["after"]
        assert int(row["change"]) == totals["after"] - totals["before"]
        assert row["after_band"] == band_title(band_of(totals["after"]), "en")
        assert [int(row[f"after_i{k}"]) for k in INDICATORS] == [stages["after"][key]["scores"][k] for k in INDICATORS]


def test_indicators_csv_holds_each_indicators_mean_before_and_after(interests_year):
    _, monitoring, out, _ = interests_year
    rows = {int(r["indicator"]): r for r in csv_rows(out / "monitoring_indicators.csv")}
    assert sorted(rows) == list(INDICATORS)
    for stage in ("before", "after"):
        imported = read_stage_csv(monitoring / f"{stage}.csv")
        for k in INDICATORS:
            mean = sum(r["scores"][k] for r in imported) / len(imported)
            assert float(rows[k][f"mean_{stage}"]) == pytest.approx(mean, abs=0.005)


def test_the_report_lists_every_kind_of_pair_that_needs_attention_and_no_other(tmp_path):
    """Four pairs, worked by hand: one at an unacceptable level, one whose total fell, one
    whose mentee is unhappy, one fine."""
    db = tmp_path / "h.db"
    record(db, handmade_doc([("M1", "S1"), ("M2", "S2"), ("M3", "S3"), ("M4", "S4")]))
    with History.open(db) as history:
        insert_monitoring(history, "Школа", "2026/2027", "before", [
            row("S1", "M1", [1] * 8, 7, 7), row("S2", "M2", [2] * 8 + [1], 7, 7),
            row("S3", "M3", [1] * 9, 7, 7), row("S4", "M4", [1] * 9, 7, 7)], "before.csv")
        insert_monitoring(history, "Школа", "2026/2027", "after", [
            row("S1", "M1", [1] * 8 + [0], 8, 8), row("S2", "M2", [2] * 7 + [1, 1], 8, 8),
            row("S3", "M3", [2] * 9, 3, 9), row("S4", "M4", [2] * 8 + [1], 9, 4)], "after.csv")
    done = invoke("monitor", "report", "--history", db, "--out", tmp_path / "r", "--lang", "en")
    assert done.exit_code == 0, done.output
    attention = {r["mentee_id"]: r["attention"] for r in csv_rows(tmp_path / "r" / "monitoring_pairs.csv")}
    assert attention["S1"] == render("monitor_report.attention.unacceptable", {"total": 8, "max": 18}, "en")
    assert attention["S2"] == render("monitor_report.attention.drop", {"before": 17, "after": 16}, "en")
    assert attention["S3"] == render("monitor_report.attention.low_satisfaction_mentee",
                                     {"value": 3.0, "max": 10.0}, "en")
    assert attention["S4"] == render("monitor_report.attention.low_satisfaction_mentor",
                                     {"value": 4.0, "max": 10.0}, "en")
    assert "Pairs that need the curator's attention: 4" in done.output


def test_too_few_pairs_are_never_called_significant_however_strong_the_link(tmp_path):
    pairs = [(f"M{k}", f"S{k}") for k in range(12)]
    db = tmp_path / "h.db"
    record(db, handmade_doc(pairs, interests=[k / 11 for k in range(12)]))
    with History.open(db) as history:  # the outcome follows interests exactly
        insert_monitoring(history, "Школа", "2026/2027", "after",
                          [row(s, m, [2] * min(k, 9), 8, 8) for k, (m, s) in enumerate(pairs)], "after.csv")
    year = load_year(db)
    analysis = analyse(year.pairs, year.stages)
    assert analysis.too_few and analysis.outcome == "after" and analysis.significant == []
    interests = next(f for f in analysis.findings if f.component == "interests")
    assert interests.rho > 0.9 and interests.verdict == "too_few"
    done = invoke("monitor", "report", "--history", db, "--out", tmp_path / "r", "--lang", "ru")
    assert done.exit_code == 0, done.output
    assert "меньше 20" in done.output
    html = (tmp_path / "r" / "monitoring.html").read_text(encoding="utf-8")
    assert 'data-verdict="positive"' not in html and 'data-verdict="too_few"' in html


def test_a_year_monitored_only_before_is_reported_with_nothing_to_analyse(tmp_path):
    db = tmp_path / "h.db"
    doc = handmade_doc([("M1", "S1"), ("M2", "S2")])
    record(db, doc)
    with History.open(db) as history:
        insert_monitoring(history, "Школа", "2026/2027", "before",
                          [row("S1", "M1", [2] * 9, 8, 8), row("S2", "M2", [1] * 9, 8, 8)], "before.csv")
    done = invoke("monitor", "report", "--history", db, "--out", tmp_path / "r", "--lang", "en")
    assert done.exit_code == 0, done.output
    html = (tmp_path / "r" / "monitoring.html").read_text(encoding="utf-8")
    assert render("monitor.outcome.none", None, "en") in html
    assert tomllib.loads((tmp_path / "r" / "suggested_config.toml").read_text(encoding="utf-8"))["weights"] == \
        doc["config"]["weights"]
    rows = {r["mentee_id"]: r for r in csv_rows(tmp_path / "r" / "monitoring_pairs.csv")}
    assert rows["S1"]["before_total"] == "18" and rows["S1"]["after_total"] == "" and rows["S2"]["change"] == ""


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    db = tmp_path / "h.db"
    record(db, handmade_doc([("M1", "S1")], names={"M1": "=HYPERLINK(\"http://x\")", "S1": "@SUM(A1)"}))
    with History.open(db) as history:
        insert_monitoring(history, "Школа", "2026/2027", "after", [row("S1", "M1", [1] * 9, 5, 5)], "after.csv")
    assert invoke("monitor", "report", "--history", db, "--out", tmp_path / "r").exit_code == 0
    row_ = csv_rows(tmp_path / "r" / "monitoring_pairs.csv")[0]
    assert row_["mentor_name"] == "'=HYPERLINK(\"http://x\")" and row_["mentee_name"] == "'@SUM(A1)"


def test_anonymize_shows_initials_and_keeps_ids(tmp_path):
    db = tmp_path / "h.db"
    record(db, handmade_doc([("M1", "S1")], names={"M1": "Иванова Мария Сергеевна", "S1": "Петров Олег"}))
    with History.open(db) as history:
        insert_monitoring(history, "Школа", "2026/2027", "after", [row("S1", "M1", [1] * 9, 5, 5)], "after.csv")
    assert invoke("monitor", "report", "--history", db, "--out", tmp_path / "r", "--anonymize").exit_code == 0
    html = (tmp_path / "r" / "monitoring.html").read_text(encoding="utf-8")
    assert "Иванова" not in html and "Петров" not in html and "И. М. С." in html and "M1" in html
    assert "Петров" not in (tmp_path / "r" / "monitoring_pairs.csv").read_text(encoding="utf-8-sig")


def test_the_report_is_russian_with_russian_csv_headers_on_request(interests_year, tmp_path):
    db, _, _, _ = interests_year
    done = invoke("monitor", "report", "--history", db, "--out", tmp_path / "ru", "--lang", "ru", "--headers", "ru")
    assert done.exit_code == 0, done.output
    html = (tmp_path / "ru" / "monitoring.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in html and "оптимальный уровень" in html and "Изменения в личности наставляемого" in html
    assert "Требуют внимания куратора" in done.output
    with open(tmp_path / "ru" / "monitoring_pairs.csv", encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[0] == "код наставника" and "итоговый: показатель 9" in header


def test_the_html_has_no_script_and_draws_both_charts(interests_year):
    _, _, out, _ = interests_year
    html = (out / "monitoring.html").read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(html)
    assert "script-src 'none'" in parser.csp and "default-src 'none'" in parser.csp
    assert parser.count(("script", "")) == 0 and not parser.links
    assert parser.count(("rect", "bar")) == 3 * 2 + 9 * 2  # bands x stages, indicators x stages


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, str]] = []
        self.csp, self.links = "", []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        self.seen.append((tag, classes[0] if classes else ""))
        if tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.csp = found["content"]
        self.links += [v for k, v in attrs if k in ("src", "href", "action")]

    def count(self, what: tuple[str, str]) -> int:
        return self.seen.count(what)


def test_the_report_replaces_its_folder_as_one_set(interests_year, tmp_path):
    db, _, _, _ = interests_year
    out = tmp_path / "r"
    assert invoke("monitor", "report", "--history", db, "--out", out).exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["manifest.json", "monitoring.html", "monitoring_components.csv", "monitoring_indicators.csv",
                     "monitoring_pairs.csv", "suggested_config.toml"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    refused = invoke("monitor", "report", "--history", db, "--out", tmp_path / "mine", "--lang", "en")
    assert refused.exit_code == 4 and (tmp_path / "mine" / "notes.txt").read_text() == "x"


# -- what the history must hold -----------------------------------------------------------------------

def test_a_year_without_monitoring_is_refused_with_its_reason(school_run, tmp_path):
    base, doc = school_run
    done = invoke("monitor", "report", "--history", base / "recorded.db", "--out", tmp_path / "r", "--lang", "en")
    assert done.exit_code == 1 and "no monitoring" in done.output and doc["program"]["name"] in done.output
    assert not (tmp_path / "r").exists()
    unknown = invoke("monitor", "report", "--history", base / "recorded.db", "--out", tmp_path / "r",
                     "--programme", "Лицей", "--lang", "en")
    assert unknown.exit_code == 1 and "Лицей" in unknown.output and doc["program"]["name"] in unknown.output


# -- the statistics, on data made for them ------------------------------------------------------------

def test_holm_multiplies_by_the_hypotheses_left_and_stays_monotone():
    # sorted p: 0.01 (x3 = 0.03), 0.02 (x2 = 0.04), 0.04 (x1 = 0.04)
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])


def test_the_partial_correlation_names_the_component_that_carries_the_outcome_not_its_correlate():
    """mirror follows interests closely; the outcome follows interests only. The marginal
    correlation of mirror is strong too, but holding interests fixed it vanishes."""
    rng = np.random.default_rng(5)
    n = 300
    interests = rng.random(n)
    mirror = np.clip(interests + 0.15 * rng.standard_normal(n), 0, 1)
    psych = rng.random(n)
    outcome = np.rint(9 + 4 * interests + rng.standard_normal(n)).astype(int)
    pairs, after = [], {}
    for k in range(n):
        pairs.append({"mentee_id": f"S{k}", "mentor_id": f"M{k}",
                      "components": {"interests": interests[k], "mirror": mirror[k], "psych": psych[k]}})
        after[(f"S{k}", f"M{k}")] = row(f"S{k}", f"M{k}", scores_summing_to(int(np.clip(outcome[k], 0, 18))), 5, 5)
    analysis = analyse(pairs, {"after": {"pairs": after}})
    found = {f.component: f for f in analysis.findings}
    assert found["mirror"].rho > 0.5 and found["mirror"].verdict == "none"
    assert found["interests"].verdict == "positive"
    assert found["interests"].partial_ci[0] < found["interests"].partial < found["interests"].partial_ci[1]
    assert analysis.significant == ["interests"]


def test_a_component_the_same_in_every_pair_is_not_tested():
    pairs = [{"mentee_id": f"S{k}", "mentor_id": "M", "components": {"ranking": 0.5, "interests": k / 30}}
             for k in range(30)]
    after = {(p["mentee_id"], "M"): {"scores": {i: k % 3 for i in INDICATORS}, "satisfaction": {}}
             for k, p in enumerate(pairs)}
    found = {f.component: f for f in analyse(pairs, {"after": {"pairs": after}}).findings}
    assert found["ranking"].verdict == "constant" and found["ranking"].p is None


def test_synthetic_monitoring_without_an_effect_ignores_the_components():
    pairs = [{"mentee_id": f"S{k}", "mentor_id": "M", "components": {"interests": k / 10}} for k in range(10)]
    same = [{**p, "components": {"interests": 0.5}} for p in pairs]
    assert synthetic_stages(pairs, None, 4) == synthetic_stages(same, None, 4)
    assert synthetic_stages(pairs, "interests", 4) != synthetic_stages(same, "interests", 4)


# -- writing a configuration back as TOML ---------------------------------------------------------------

def test_dumps_reads_back_as_the_same_data_without_its_empty_values():
    data = {"program": {"name": 'Школа "№1" \\ \n\t\x7f', "min_score": 0.25, "objective": "lexicographic",
                        "max_grade_spread": None, "candidates_per_mentee": 3},
            "weights": {"interests": 1.5, "needs": 0.0},
            "psych": {"complementary": ["anxiety"], "scales": {"self esteem": {"title_ru": "самооценка", "title_en": ""}}},
            "forms": {"teacher_student": {"title_ru": "«Учитель – ученик»", "mentor_categories": ["teacher"],
                                          "min_grade_gap": None, "same_subject": False}, "empty": {}}}
    text = dumps(data, {"weights.interests": "was 1.0"}, ["first line", ""])
    assert tomllib.loads(text) == _without_none(data)
    assert re.search(r"^interests = 1\.5  # was 1\.0$", text, re.MULTILINE) and text.startswith("# first line\n#\n")


# -- hand-made runs --------------------------------------------------------------------------------------

def handmade_doc(pairs: list[tuple[str, str]], *, names: dict | None = None, interests: list[float] | None = None
                 ) -> dict:
    """A run document as `record_run` reads it: the default configuration, pairs in one form."""
    names = names or {}
    config = load_config().model_dump(mode="json")
    weights = config["weights"]
    total = sum(weights.values())
    records = []
    for k, (mentor, mentee) in enumerate(pairs):
        values = {"interests": interests[k] if interests else 0.5, "needs": 0.5, "mirror": 0.25}
        records.append({"mentor_id": mentor, "mentor_name": names.get(mentor, f"Наставник {mentor}"),
                        "mentee_id": mentee, "mentee_name": names.get(mentee, f"Наставляемый {mentee}"),
                        "form": "teacher_student", "score": 0.5, "priority": 0, "locked": False,
                        "components": {c: {"value": v, "weight": weights[c] / total,
                                           "contribution": v * weights[c] / total} for c, v in values.items()}})
    return {"program": {"name": "Школа", "reference_date": "2026-09-01"}, "solver": {"status": "OPTIMAL"},
            "pairs": records, "unmatched": [], "config": config}


def scores_summing_to(total: int) -> list[int]:
    return [2] * (total // 2) + [1] * (total % 2)


def row(mentee: str, mentor: str, scores: list[int], mentee_satisfaction: float, mentor_satisfaction: float) -> dict:
    scores = (scores + [0] * 9)[:9]
    return {"mentee_id": mentee, "mentor_id": mentor, "scores": dict(zip(INDICATORS, scores)),
            "satisfaction": {"mentee": mentee_satisfaction, "mentor": mentor_satisfaction}}


def test_the_monitor_commands_have_help():
    group = main.commands["monitor"]
    for name in ("sample", "report"):
        command = group.commands[name]
        assert (command.help or "").strip()
        assert all((p.help or "").strip() for p in command.params if hasattr(p, "help") and not p.hidden)
