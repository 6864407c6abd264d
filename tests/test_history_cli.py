"""`matcher match --history` and `matcher rematch --history` as a curator runs them over the
years: the history opened before anything is solved (a file that is not a history: a clear
message naming it, exit 1, nothing written), each run recorded after its outputs with one line
saying where, and the next year's match leaving out the pairs the history ended, with the true
reason, and raising the priority of those left without a pair."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.history import VERSION
from matcher.sample import write_sample


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def rows(path, sql, *params):
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    base = tmp_path_factory.mktemp("school")
    mentees, mentors = write_sample(base, n_mentees=40, seed=4)
    return base, mentors, mentees


@pytest.fixture(scope="module")
def first_year(school, tmp_path_factory):
    """2026/2027: a match and a re-match in which a mentee asked for another mentor, both
    recorded in one history."""
    base, mentors, mentees = school
    work = tmp_path_factory.mktemp("year1")
    db = work / "school.db"
    m = run("match", "--mentors", mentors, "--mentees", mentees, "--out", work / "r1", "--history", db, "-q",
            "--lang", "en")
    assert m.exit_code == 0, m.output
    replaced = read_csv(work / "r1" / "pairs.csv")[0]
    r = run("rematch", "--previous", work / "r1", "--mentors", mentors, "--mentees", mentees, "--replace",
            replaced["mentee_id"], "--out", work / "r2", "--history", db, "-q", "--lang", "ru")
    assert r.exit_code == 0, r.output
    return work, db, replaced, m, r


def test_match_and_rematch_record_each_run_and_say_where(first_year):
    work, db, replaced, m, r = first_year
    assert f"Run recorded in the programme history: {db} ('Программа наставничества', school year 2026/2027, run 1)" \
        in m.output
    assert f"Запуск записан в историю программы: {db} («Программа наставничества», 2026/2027 учебный год, запуск № 2)" \
        in r.output
    runs = rows(db, "SELECT id, kind, school_year, result_sha256 FROM run ORDER BY id")
    assert [(k, y) for _, k, y, _ in runs] == [("match", "2026/2027"), ("rematch", "2026/2027")]
    for (run_id, _, _, sha), out in zip(runs, ("r1", "r2")):
        assert sha == hashlib.sha256((work / out / "result.json").read_bytes()).hexdigest()
        doc = json.loads((work / out / "result.json").read_text(encoding="utf-8"))
        assert sorted(rows(db, "SELECT mentee_id, mentor_id FROM pair WHERE run_id = ?", run_id)) == \
            sorted((p["mentee_id"], p["mentor_id"]) for p in doc["pairs"])
    files = [name for (name,) in rows(db, "SELECT file_name FROM run_input WHERE run_id = 2")]
    assert {"mentors.csv", "mentees.csv", "result.json", "manifest.json"} <= set(files)
    assert not any("/" in f for f in files)  # names, never paths
    doc = json.loads((work / "r2" / "result.json").read_text(encoding="utf-8"))
    assert sorted(rows(db, "SELECT mentee_id, mentor_id, reason FROM ended_pair WHERE run_id = 2")) == \
        sorted((e["mentee_id"], e["mentor_id"], e["cause"]) for e in doc["rematch"]["never_again"])
    assert (replaced["mentee_id"], replaced["mentor_id"], "replacement_requested") in \
        rows(db, "SELECT mentee_id, mentor_id, reason FROM ended_pair")


def test_next_year_never_proposes_the_dissolved_pair_and_carries_priority(first_year, school, tmp_path):
    work, db, replaced, _, _ = first_year
    _, mentors, mentees = school
    unpaired = {u["mentee_id"] for u in read_csv(work / "r2" / "unmatched.csv")}
    assert unpaired
    done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "y2", "--history", db,
               "--school-year", "2027/2028", "-q", "--lang", "en")
    assert done.exit_code == 0, done.output
    doc = json.loads((tmp_path / "y2" / "result.json").read_text(encoding="utf-8"))
    pairs = {(p["mentee_id"], p["mentor_id"]) for p in doc["pairs"]}
    assert (replaced["mentee_id"], replaced["mentor_id"]) not in pairs
    assert {"mentee_id": replaced["mentee_id"], "mentor_id": replaced["mentor_id"], "reason": "ended",
            "year": "2026/2027"} in doc["history"]["excluded"]
    assert doc["history"]["raised"] == {t: 1 for t in sorted(unpaired)}
    assert doc["forbids"] == []
    n = len(doc["history"]["excluded"])
    assert f"Pairs not proposed again because of the programme's history: {n} ({n} dissolved by a re-match, " \
           "0 rated unacceptable in monitoring)" in done.output
    assert f"Priority raised by 1 for mentees left without a pair in 2026/2027: {len(unpaired)}" in done.output
    assert "school year 2027/2028, run 3" in done.output
    html = (tmp_path / "y2" / "report.html").read_text(encoding="utf-8")
    assert "Pairs not proposed again because of the programme&#39;s history" in html or \
        "Pairs not proposed again because of the programme's history" in html
    # A re-match of that year starting from this result keeps the pair out too, --history or not.
    again = run("rematch", "--previous", tmp_path / "y2", "--mentors", mentors, "--mentees", mentees, "--replace",
                replaced["mentee_id"], "--out", tmp_path / "y2-r", "-q")
    assert again.exit_code == 0, again.output
    later = json.loads((tmp_path / "y2-r" / "result.json").read_text(encoding="utf-8"))
    assert (replaced["mentee_id"], replaced["mentor_id"]) not in {(p["mentee_id"], p["mentor_id"])
                                                                  for p in later["pairs"]}
    assert {"mentee_id": replaced["mentee_id"], "mentor_id": replaced["mentor_id"]} in later["forbids"]
    waited = sorted(unpaired)[0]
    for lang, words in (("en", "Priority raised by 1 from the programme's history: no pair was found in 2026/2027."),
                        ("ru", "По истории программы приоритет повышен на 1: в 2026/2027 учебном году пары не "
                               "нашлось.")):
        told = run("explain", tmp_path / "y2", "--mentee", waited, "--lang", lang)
        assert told.exit_code == 0 and words in told.output, told.output
    why = run("explain", tmp_path / "y2", "--pair", replaced["mentor_id"], replaced["mentee_id"], "--lang", "ru")
    assert why.exit_code == 0, why.output
    assert "пару расформировали при перераспределении в 2026/2027 учебном году" in why.output
    assert "запрет консилиума" not in why.output


def test_without_history_a_match_is_what_it_was(school, tmp_path):
    _, mentors, mentees = school
    done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "-q")
    assert done.exit_code == 0, done.output
    assert "history" not in json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))


def test_anonymize_records_ids_only(school, tmp_path):
    _, mentors, mentees = school
    db = tmp_path / "school.db"
    done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--history", db,
               "--anonymize", "-q")
    assert done.exit_code == 0, done.output
    assert rows(db, "SELECT anonymized FROM run") == [(1,)]
    names = {p["mentee_name"] for p in read_csv(tmp_path / "out" / "pairs.csv")} | \
        {p["mentor_name"] for p in read_csv(tmp_path / "out" / "pairs.csv")}
    text = "\n".join(db_dump for db_dump in sqlite3.connect(str(db)).iterdump())
    assert names and not [n for n in names if n in text]


def _not_a_history(kind, path):
    if kind == "csv":
        path.write_text("mentee_id;mentor_id\nE1;R1\n", encoding="utf-8")
    else:
        conn = sqlite3.connect(path)
        if kind == "other":
            conn.execute("CREATE TABLE grades (student TEXT)")
        else:
            conn.execute(f"PRAGMA user_version = {VERSION + 5}")
        conn.commit()
        conn.close()


@pytest.mark.parametrize("kind, en, ru", [
    ("csv", "cannot be opened as an SQLite database", "не открывается как база SQLite"),
    ("other", "is not a mentoring programme history", "не является историей программы наставничества"),
    ("newer", f"written by a newer version (schema {VERSION + 5}", "создан более новой версией программы"),
])
def test_a_file_that_is_not_a_usable_history_is_refused_before_the_solve(school, tmp_path, kind, en, ru):
    _, mentors, mentees = school
    db = tmp_path / "school.db"
    _not_a_history(kind, db)
    before = db.read_bytes()
    for lang, words in (("en", en), ("ru", ru)):
        done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--history", db,
                   "--lang", lang)
        assert done.exit_code == 1, done.output
        assert f"{db}: " in done.output and words in done.output
        assert "Traceback" not in done.output and isinstance(done.exception, SystemExit)
        assert "matching" not in done.output and "подбор пар" not in done.output  # nothing solved
    assert not (tmp_path / "out").exists() and db.read_bytes() == before


def test_a_folder_as_the_history_is_refused(school, tmp_path):
    _, mentors, mentees = school
    done = run("rematch", "--previous", tmp_path, "--mentors", mentors, "--mentees", mentees, "--out",
               tmp_path / "out", "--history", tmp_path, "--lang", "en")
    assert done.exit_code == 1 and f"{tmp_path}: the history file cannot be opened" in done.output


def test_a_school_year_written_with_a_dash_is_the_one_monitor_import_takes(school, tmp_path):
    _, mentors, mentees = school
    done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--history",
               tmp_path / "school.db", "--school-year", "2027-2028", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert "school year 2027/2028, run 1" in done.output


@pytest.mark.parametrize("year", ["2026/2028", "26/27", "2026"])
def test_a_malformed_school_year_is_a_usage_error(school, tmp_path, year):
    _, mentors, mentees = school
    done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "out", "--history",
               tmp_path / "school.db", "--school-year", year, "--lang", "en")
    assert done.exit_code == 2 and f"expected a school year such as 2026/2027, got '{year}'" in done.output
    assert not (tmp_path / "school.db").exists()


def test_a_rejected_input_creates_no_history_file(school, tmp_path):
    _, mentors, _ = school
    bad = tmp_path / "mentees.csv"
    bad.write_text("id;name;role\nS1;Иванов;наставляемый\nS1;Петров;наставляемый\n", encoding="utf-8")
    done = run("match", "--mentors", mentors, "--mentees", bad, "--out", tmp_path / "out", "--history",
               tmp_path / "school.db", "-q")
    assert done.exit_code == 1, done.output
    assert not (tmp_path / "school.db").exists()


def test_a_record_that_fails_exits_4_names_the_file_and_leaves_the_history_and_results(school, tmp_path,
                                                                                        monkeypatch):
    from matcher.history import History

    _, mentors, mentees = school
    db = tmp_path / "school.db"
    assert run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "a", "--history", db,
               "-q").exit_code == 0
    before = list(sqlite3.connect(str(db)).iterdump())
    original = History.record_run

    def failing(self, doc, **kw):
        return original(self, {**doc, "pairs": doc["pairs"] + doc["pairs"][:1]}, **kw)  # a pair twice

    monkeypatch.setattr(History, "record_run", failing)
    done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "b", "--history", db,
               "-q", "--lang", "en")
    assert done.exit_code == 4, done.output
    assert f"{db}: the run was not recorded in the programme history" in done.output
    assert f"the results in {tmp_path / 'b'} are written" in done.output
    assert (tmp_path / "b" / "result.json").exists()
    assert list(sqlite3.connect(str(db)).iterdump()) == before
