"""`matcher match` and `matcher demo` as a curator runs them: outputs, exit codes, determinism."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import matcher
from matcher.cli import main
from matcher.sample import write_sample


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    base = tmp_path_factory.mktemp("school")
    mentees, mentors = write_sample(base, n_mentees=120, seed=4)
    return mentors, mentees


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_match_writes_every_output_and_a_summary(school, tmp_path):
    mentors, mentees = school
    before = (mentors.read_bytes(), mentees.read_bytes())
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--lang", "en",
                 "--xlsx", "-q")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["manifest.json", "pairs.csv", "pairs.xlsx", "report.html", "result.json", "unmatched.csv"]
    doc = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    pairs = read_csv(tmp_path / "out" / "pairs.csv")
    unmatched = read_csv(tmp_path / "out" / "unmatched.csv")
    assert list(pairs[0]) == ["mentor_id", "mentor_name", "mentee_id", "mentee_name", "form", "score", "reasons",
                              "mentor_position", "mentor_subjects", "mentee_position", "mentee_subjects"]
    assert len(pairs) == doc["summary"]["pairs"] > 0
    assert len(pairs) + len(unmatched) == doc["summary"]["mentees"]
    assert doc["solver"]["status"] == "OPTIMAL" and doc["solver"]["proven_optimal"]
    assert f"Mentor–mentee pairs: {len(pairs)} (" in result.output
    assert "Solver status: OPTIMAL" in result.output
    assert (mentors.read_bytes(), mentees.read_bytes()) == before  # inputs are never modified


def test_counts_and_seconds_in_the_russian_summary_are_written_as_the_report_writes_them(school, tmp_path):
    """One number format: thousands apart by a narrow no-break space, a decimal comma, in
    the progress lines and the summary alike."""
    mentors, mentees = school
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--lang", "ru")
    assert result.exit_code == 0, result.output
    candidates = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))["summary"]["candidate_pairs"]
    assert candidates >= 1000, "the sample should have thousands of candidate pairs"
    thousands = f"{candidates:,}".replace(",", "\u202f")
    assert f"допустимых пар-кандидатов: {thousands}" in result.output
    seconds = re.findall(r"\((\S+) с\)|Время: (\S+) с", result.output)
    assert len(seconds) >= 4, result.output
    for value in (a or b for a, b in seconds):
        assert re.fullmatch(r"\d+,\d", value), (value, result.output)
    assert not re.findall(r"(?<![\d\u202f])\d{4,}", result.output.replace(str(tmp_path), ""))
    assert "  обычный (0): " in result.output  # the report's words for priority 0


def test_same_input_and_seed_give_byte_identical_outputs(school, tmp_path):
    mentors, mentees = school
    for k in (1, 2):
        assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / f"o{k}", "-q",
                   "--seed", 7, "--xlsx").exit_code == 0
    for name in ("pairs.csv", "unmatched.csv", "result.json", "report.html", "pairs.xlsx"):
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes(), name


def test_russian_headers_on_request(school, tmp_path):
    mentors, mentees = school
    assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path, "-q", "--headers", "ru",
               "--lang", "ru").exit_code == 0
    header = (tmp_path / "pairs.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Код наставника,Наставник,Код наставляемого,Наставляемый,Форма")


def test_a_name_that_is_a_formula_is_neutralised_in_pairs_csv(tmp_path):
    rows = ("id;name;category;forms;age;capacity;consent;data_consent\n"
            "T1;=HYPERLINK(\"http://x\");teacher;teacher_student;40;1;yes;yes\n")
    (tmp_path / "mentors.csv").write_text(rows, encoding="utf-8")
    (tmp_path / "mentees.csv").write_text(
        "id;name;category;forms;age;consent;data_consent;guardian_consent\n"
        "S1;@SUM(A1);student;teacher_student;12;yes;yes;yes\n", encoding="utf-8")
    result = run("match", "--mentors", tmp_path / "mentors.csv", "--mentees", tmp_path / "mentees.csv",
                 "--out", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    pair = read_csv(tmp_path / "out" / "pairs.csv")[0]
    assert pair["mentor_name"] == "'=HYPERLINK(\"http://x\")"
    assert pair["mentee_name"] == "'@SUM(A1)"


def test_invalid_configuration_exits_1_with_the_setting_named(school, tmp_path):
    mentors, mentees = school
    bad = tmp_path / "program.toml"
    bad.write_text('[program]\nobjective = "fastest"\n[weights]\ninterests = -1\n', encoding="utf-8")
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out",
                 "--config", bad, "--lang", "en")
    assert result.exit_code == 1
    assert "program.objective" in result.output and "weights.interests" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_configuration_that_is_not_toml_exits_1(school, tmp_path):
    mentors, mentees = school
    bad = tmp_path / "program.toml"
    bad.write_text("[program\nname = 1", encoding="utf-8")
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out",
                 "--config", bad, "--lang", "ru")
    assert result.exit_code == 1
    assert "TOML" in result.output and "Traceback" not in result.output


def test_flow_engine_refuses_group_minimums_with_a_usage_error(school, tmp_path):
    mentors, mentees = school
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path, "--engine", "flow",
                 "--lang", "en", "-q")
    assert result.exit_code == 2
    assert "--engine auto or cpsat" in result.output


def test_contradictory_locks_exit_3_and_write_nothing(school, tmp_path):
    mentors, mentees = school
    doc_dir = tmp_path / "first"
    assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", doc_dir, "-q").exit_code == 0
    doc = json.loads((doc_dir / "result.json").read_text(encoding="utf-8"))
    single = next(m for m in doc["mentors"] if m["capacity"] == 1 and m["load"] == 1)
    other = next(p["mentee_id"] for p in doc["pairs"] if p["mentor_id"] != single["mentor_id"])
    locks = tmp_path / "locks.csv"
    locks.write_text(f"mentor_id,mentee_id,action\n{single['mentor_id']},{single['mentees'][0]},lock\n"
                     f"{single['mentor_id']},{other},lock\n", encoding="utf-8")
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--locks", locks,
                 "--lang", "en", "-q")
    assert result.exit_code == 3, result.output
    assert "locks.csv:2" in result.output and "locks.csv:3" in result.output
    assert not (tmp_path / "out").exists()


def test_a_lock_is_honoured_and_a_forbid_removes_the_pair(school, tmp_path):
    mentors, mentees = school
    first = tmp_path / "first"
    assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", first, "-q").exit_code == 0
    doc = json.loads((first / "result.json").read_text(encoding="utf-8"))
    chosen = doc["pairs"][0]
    locks = tmp_path / "locks.csv"
    locks.write_text("Наставник;Наставляемый;Действие\n"
                     f"{chosen['mentor_id']};{chosen['mentee_id']};запретить\n", encoding="utf-8")
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--locks", locks,
                 "-q")
    assert result.exit_code == 0, result.output
    again = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert (chosen["mentor_id"], chosen["mentee_id"]) not in {(p["mentor_id"], p["mentee_id"]) for p in again["pairs"]}


def test_demo_runs_with_no_arguments_in_a_fresh_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("demo", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = tmp_path / "demo-output"
    assert {"pairs.csv", "unmatched.csv", "result.json", "report.html", "input"} <= {p.name for p in out.iterdir()}
    assert "Solver status: OPTIMAL" in result.output


def test_the_library_api_gives_what_the_cli_writes(school, tmp_path):
    mentors, mentees = school
    assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "cli", "-q").exit_code == 0
    ingest = matcher.load(mentors=str(mentors), mentees=str(mentees))
    result = matcher.match(ingest.participants, matcher.load_config())
    cli_pairs = read_csv(tmp_path / "cli" / "pairs.csv")
    g, roster = result.graph, result.roster
    api_pairs = {(roster.mentors.ids[int(g.mentor[e])], roster.mentees.ids[int(g.mentee[e])])
                 for e in result.solution.edges}
    assert api_pairs == {(p["mentor_id"], p["mentee_id"]) for p in cli_pairs}


def test_unmatched_reasons_tell_no_places_from_no_mentor_in_the_form(tmp_path):
    (tmp_path / "mentors.csv").write_text(
        "id,name,category,forms,age,capacity,consent,data_consent\n"
        "T1,Орлова Нина,teacher,teacher_student,40,0,yes,yes\n", encoding="utf-8")
    (tmp_path / "mentees.csv").write_text(
        "id,name,category,forms,age,consent,data_consent,guardian_consent\n"
        "S1,Иванов Пётр,student,teacher_student,12,yes,yes,yes\n"
        "S2,Петров Иван,student,adult_child,12,yes,yes,yes\n", encoding="utf-8")
    result = run("match", "--mentors", tmp_path / "mentors.csv", "--mentees", tmp_path / "mentees.csv",
                 "--out", tmp_path / "out", "-q", "--lang", "en")
    assert result.exit_code == 0, result.output
    reasons = {u["mentee_id"]: u["reason_code"] for u in read_csv(tmp_path / "out" / "unmatched.csv")}
    assert reasons == {"S1": "unmatched.no_places", "S2": "unmatched.no_mentor_in_form"}


def test_configuration_dates_may_be_written_the_russian_way(tmp_path):
    from matcher.config import load_config

    path = tmp_path / "program.toml"
    path.write_text('[program]\nreference_date = "01.09.2026"\n', encoding="utf-8")
    config = load_config(path)
    assert config is not None and config.reference_date().isoformat() == "2026-09-01"


def test_a_missing_configuration_file_is_reported_not_raised(school, tmp_path):
    mentors, mentees = school
    result = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out",
                 "--config", tmp_path / "absent.toml", "--lang", "en")
    assert result.exit_code == 1
    assert "absent.toml: error: file not found" in result.output


def test_progress_starts_at_once_before_the_configuration_is_read(school, tmp_path):
    """The first progress line comes before the configuration and the questionnaires are
    loaded, so a curator sees at once that the run began."""
    mentors, mentees = school
    bad = tmp_path / "bad.toml"
    bad.write_text("[weights]\ninterests = -1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["match", "--mentors", str(mentors), "--mentees", str(mentees), "--config",
                                       str(bad), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("reading questionnaires... ("), lines
    assert lines[1] == "configuration rejected:", lines


def test_the_engine_imports_settle_the_collector_once_a_process():
    """import_engine freezes what the imports made and collects the youngest generation less
    often (results.gc_settle), once: a second command in the same process changes nothing."""
    code = ("import gc; from matcher.cli import import_engine; base = gc.get_threshold(); import_engine(); "
            "frozen, first = gc.get_freeze_count(), gc.get_threshold(); import_engine(); "
            "print(base[0], frozen > 10000, first[0], gc.get_freeze_count() == frozen, gc.get_threshold() == first)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    from matcher.results import YOUNG_THRESHOLD

    assert run.stdout.split() == ["700", "True", str(YOUNG_THRESHOLD), "True", "True"]
