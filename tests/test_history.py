"""The programme history (matcher/history): its schema's migrations, a run recorded from what
the run wrote (and nothing of it when the record fails), `--anonymize` keeping ids only, and
across years: pairs dissolved by a re-match or rated unacceptable by the monitoring never
proposed again, each with its true reason, and priority carried to mentees left without a pair
the year before."""
from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher
from matcher.config import load_config
from matcher.explain_text import explain_text
from matcher.graph import HISTORY_BIT, build_graph
from matcher.history import VERSION, History, HistoryError
from matcher.history.carry import plan_carry
from matcher.history.record import record_outputs
from matcher.models import Participant
from matcher.pipeline import match
from matcher.results import result_document
from matcher.sample import write_sample
from strategies import examples, programmes

INTERESTS_ONLY = {"weights": {"interests": 1.0, "needs": 0.0, "mirror": 0.0, "psych": 0.0, "ranking": 0.0,
                              "availability": 0.0}}


def dump(path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return list(conn.iterdump()) + [f"user_version={conn.execute('PRAGMA user_version').fetchone()[0]}"]
    finally:
        conn.close()


# --- migrations -----------------------------------------------------------------------------

def test_a_fresh_file_gets_the_current_schema_and_reopening_changes_nothing(tmp_path):
    path = tmp_path / "school.db"
    with History.open(path) as history:
        tables = {r[0] for r in history.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"programme", "run", "run_input", "pair", "pair_component", "unmatched", "ended_pair",
            "monitoring_import", "monitoring_score", "monitoring_satisfaction"} <= tables
    first = dump(path)
    assert first[-1] == f"user_version={VERSION}"
    with History.open(path):
        pass
    assert dump(path) == first


def test_a_database_of_something_else_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "grades.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE grades (student TEXT, grade INTEGER)")
    conn.execute("INSERT INTO grades VALUES ('Иванов', 5)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError) as err:
        History.open(path)
    assert err.value.code == "history.not_history" and err.value.path == str(path)
    assert path.read_bytes() == before


def test_a_history_of_a_newer_version_is_refused_not_misread(tmp_path):
    path = tmp_path / "school.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError) as err:
        History.open(path)
    assert err.value.code == "history.newer" and err.value.params == {"found": VERSION + 1, "supported": VERSION}
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"mentee_id;mentor_id\nE1;R1\n", b"\x00" * 200])
def test_a_file_that_is_not_sqlite_is_refused(tmp_path, content):
    path = tmp_path / "school.db"
    path.write_bytes(content)
    with pytest.raises(HistoryError) as err:
        History.open(path)
    assert err.value.code == "history.unreadable"
    assert path.read_bytes() == content


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(HistoryError) as err:
        History.open(tmp_path)
    assert err.value.code == "history.unreadable"


# --- recording a run -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def written_run(tmp_path_factory):
    """A sample school of 30 mentees matched by matcher.run: its inputs, and the written run."""
    base = tmp_path_factory.mktemp("school")
    mentees, mentors = write_sample(base, n_mentees=30, seed=3)
    ingest = matcher.load(mentors=str(mentors), mentees=str(mentees))
    done = matcher.run(ingest, matcher.load_config(), base / "out", lang="en")
    assert done.written
    return base, [mentors, mentees], ingest, done


def test_a_recorded_run_holds_what_result_json_holds(written_run, tmp_path):
    base, inputs, _, done = written_run
    doc = json.loads((base / "out" / "result.json").read_text(encoding="utf-8"))
    with History.open(tmp_path / "school.db") as history:
        run = record_outputs(history, done, kind="match", year="2026/2027", inputs=[*inputs, None])
        c = history.conn
        row = c.execute("SELECT programme.name, school_year, kind, status, proof, anonymized, config_json, "
                        "result_sha256 FROM run JOIN programme ON programme.id = run.programme_id "
                        "WHERE run.id = ?", (run,)).fetchone()
        assert row[:6] == (doc["program"]["name"], "2026/2027", "match", doc["solver"]["status"],
                           doc["solver"]["proof"], 0)
        assert json.loads(row[6]) == doc["config"]
        assert row[7] == hashlib.sha256((base / "out" / "result.json").read_bytes()).hexdigest()
        assert dict(c.execute("SELECT file_name, sha256 FROM run_input WHERE run_id = ?", (run,)).fetchall()) == {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}
        pairs = {(t, m, f): (name_t, name_m, score, prio, locked) for t, m, f, name_t, name_m, score, prio, locked in c.execute(
            "SELECT mentee_id, mentor_id, form, mentee_name, mentor_name, score, priority, locked FROM pair "
            "WHERE run_id = ?", (run,))}
        assert pairs == {(p["mentee_id"], p["mentor_id"], p["form"]): (
            p["mentee_name"], p["mentor_name"], p["score"], p["priority"], int(p["locked"])) for p in doc["pairs"]}
        components = {(t, m, name): (value, weight, contribution) for t, m, name, value, weight, contribution in c.execute(
            "SELECT mentee_id, mentor_id, component, value, weight, contribution FROM pair_component "
            "JOIN pair ON pair.id = pair_component.pair_id WHERE run_id = ?", (run,))}
        assert components == {(p["mentee_id"], p["mentor_id"], name): (x["value"], x["weight"], x["contribution"])
                              for p in doc["pairs"] for name, x in p["components"].items()}
        assert sorted(c.execute("SELECT mentee_id, mentee_name, priority FROM unmatched WHERE run_id = ?", (run,))) == \
            sorted((u["mentee_id"], u["mentee_name"], u["priority"]) for u in doc["unmatched"])
        assert doc["unmatched"] and doc["pairs"]


def _text_cells(path) -> list[str]:
    """Every text value of every column of every table."""
    conn = sqlite3.connect(str(path))
    try:
        out = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                out += [v for v in row if isinstance(v, str)]
        return out
    finally:
        conn.close()


@pytest.mark.parametrize("anonymize", [False, True])
def test_anonymize_keeps_ids_only_no_name_anywhere_in_the_file(written_run, tmp_path, anonymize):
    base, inputs, ingest, done = written_run
    names = {p.name for p in ingest.participants if p.name}
    words = {w for n in names for w in n.split() if len(w) > 3}
    path = tmp_path / "school.db"
    with History.open(path) as history:
        record_outputs(history, done, kind="match", inputs=inputs, anonymize=anonymize)
    cells = _text_cells(path)
    found = sorted({w for w in words for cell in cells if w in cell})
    if anonymize:
        assert found == []
        assert {p["mentee_id"] for p in done.document["pairs"]} <= set(cells)
    else:  # the scan finds names where they are
        assert found


def test_a_record_that_fails_leaves_the_file_as_it_was(written_run, tmp_path):
    _, inputs, _, done = written_run
    path = tmp_path / "school.db"
    with History.open(path) as history:
        record_outputs(history, done, kind="match", inputs=inputs)
        before = dump(path)
        # The same pair twice: the file's constraints refuse it half-way through the pairs.
        pairs = done.document["pairs"]
        broken = type(done)(done.match, {**done.document, "pairs": pairs + pairs[-1:]}, done.out_dir)
        with pytest.raises(HistoryError) as err:
            record_outputs(history, broken, kind="rematch", inputs=inputs)
        assert err.value.code == "history.write_failed"
    assert dump(path) == before


# --- across years ------------------------------------------------------------------------------

def person(pid, role, category="teacher", forms=("teacher_student",), **kw):
    base = dict(id=pid, name=f"Person {pid}", role=role, category=category, forms=list(forms), consent=True,
                data_consent=True, guardian_consent=True, trained=True, interests=["chess"],
                age=40 if category != "student" else 12, grade=None if category != "student" else 7)
    return Participant(**{**base, **kw})


def year_doc(programme: str, pairs=(), unmatched=(), never_again=(), reference_date="2025-10-01",
             cause="replacement_requested") -> dict:
    """A run's result document, as much of it as the history records."""
    doc = {"program": {"name": programme, "reference_date": reference_date}, "package_version": "test",
           "solver": {"status": "OPTIMAL", "proof": "flow"}, "config": {},
           "pairs": [{"mentee_id": t, "mentor_id": m, "form": "teacher_student", "score": 0.5, "priority": 0,
                      "components": {}} for t, m in pairs],
           "unmatched": [{"mentee_id": t, "priority": 0} for t in unmatched]}
    if never_again:
        doc["rematch"] = {"never_again": [{"mentee_id": t, "mentor_id": m, "cause": cause} for t, m in never_again]}
    return doc


def monitoring(history, programme: str, year: str, stage: str, scores: dict[tuple[str, str], list[int]]) -> None:
    """An imported monitoring stage: per (mentee, mentor), the indicators' scores in order."""
    with history.transaction() as c:
        pid = history.programme_id(programme)
        imp = c.execute("INSERT INTO monitoring_import(programme_id, school_year, stage, file_name, sha256, imported_at) "
                        "VALUES (?, ?, ?, 'monitoring.csv', '', '')", (pid, year, stage)).lastrowid
        c.executemany("INSERT INTO monitoring_score VALUES (?, ?, ?, ?, ?)",
                      [(imp, t, m, k + 1, s) for (t, m), values in scores.items() for k, s in enumerate(values)])


NAME = "Программа наставничества"  # the default configuration's programme


def _people():
    return [person("R1", "mentor"), person("R2", "mentor"),
            person("E1", "mentee", "student"), person("E2", "mentee", "student"), person("E3", "mentee", "student")]


def test_pairs_dissolved_or_rated_unacceptable_before_are_excluded_at_the_band_boundary(tmp_path):
    """Hand-worked: E1–R1 was dissolved by a re-match in 2024/2025; the 2025/2026 after-stage
    monitoring gave E2–R1 8 points (unacceptable), E3–R1 9 (acceptable), E2–R2 4 points on only
    eight indicators (incomplete: not rated), and E3–R2 0 points *before* the programme (the
    after stage decides). A rating of this year does not count yet."""
    config = load_config()
    with History.open(tmp_path / "school.db") as history:
        history.record_run(year_doc(NAME, pairs=[("E1", "R1")]), kind="match", year="2024/2025")
        history.record_run(year_doc(NAME, pairs=[("E1", "R2")], never_again=[("E1", "R1")]), kind="rematch",
                           year="2024/2025")
        monitoring(history, NAME, "2025/2026", "after", {("E2", "R1"): [1, 1, 1, 1, 1, 1, 1, 1, 0],
                                                         ("E3", "R1"): [1, 1, 1, 1, 1, 1, 1, 1, 1],
                                                         ("E2", "R2"): [0, 1, 0, 1, 0, 1, 0, 1]})
        monitoring(history, NAME, "2025/2026", "before", {("E3", "R2"): [0] * 9})
        monitoring(history, NAME, "2026/2027", "after", {("E3", "R1"): [0] * 9})
        carry = plan_carry(history, config, _people(), "2026/2027")
        assert [(x.mentee_id, x.mentor_id, x.reason) for x in carry.exclusions] == [
            ("E1", "R1", {"code": "history.reason.ended", "year": "2024/2025"}),
            ("E2", "R1", {"code": "history.reason.unacceptable", "year": "2025/2026", "total": 8})]
        off = load_config(overrides={"history": {"exclude_unacceptable": False}})
        assert [(x.mentee_id, x.mentor_id) for x in plan_carry(history, off, _people(), "2026/2027").exclusions] == \
            [("E1", "R1")]
        # Someone who left is simply skipped: nothing names R1 any more.
        assert plan_carry(history, config, [p for p in _people() if p.id != "R1"], "2026/2027").exclusions == []


def test_a_pair_a_re_match_only_carried_on_keeps_the_reason_it_was_first_excluded_for(tmp_path):
    """A re-match carries on (cause "earlier") the pairs its previous round kept out: E1–R1 was
    dissolved in 2024/2025 and carried in 2025/2026; E2–R1 was rated unacceptable in 2024/2025
    and carried in 2025/2026; E3–R1 was only ever carried (ended before the history began)."""
    with History.open(tmp_path / "school.db") as history:
        history.record_run(year_doc(NAME, never_again=[("E1", "R1")]), kind="rematch", year="2024/2025")
        monitoring(history, NAME, "2024/2025", "after", {("E2", "R1"): [0, 1] * 4 + [0]})
        history.record_run(year_doc(NAME, never_again=[("E1", "R1"), ("E2", "R1"), ("E3", "R1")], cause="earlier"),
                           kind="rematch", year="2025/2026")
        carry = plan_carry(history, load_config(), _people(), "2026/2027")
    assert [(x.mentee_id, x.reason) for x in carry.exclusions] == [
        ("E1", {"code": "history.reason.ended", "year": "2024/2025"}),
        ("E2", {"code": "history.reason.unacceptable", "year": "2024/2025", "total": 4}),
        ("E3", {"code": "history.reason.ended", "year": "2025/2026"})]


def _explained(people, exclusions, overrides=INTERESTS_ONLY):
    result = match(people, load_config(overrides=overrides), exclusions=exclusions)
    doc = result_document(result)
    matcher.add_explanations(doc, result)
    return result, doc


def test_an_excluded_pair_is_explained_by_its_true_reason_not_as_a_consilium_forbid(tmp_path):
    """Hand-worked: R1 can take one mentee; E1 and E2 both fit only R1. E1–R1 was dissolved in
    2025/2026, so E2 gets R1 and E1 stays without a pair: the reason names the re-match."""
    people = [person("R1", "mentor"), person("E1", "mentee", "student"), person("E2", "mentee", "student")]
    with History.open(tmp_path / "school.db") as history:
        history.record_run(year_doc(NAME, never_again=[("E1", "R1")]), kind="rematch", year="2025/2026")
        monitoring(history, NAME, "2025/2026", "after", {("E2", "R9"): [0] * 9})
        carry = plan_carry(history, load_config(), people, "2026/2027")
    result, doc = _explained(carry.participants, carry.exclusions)
    assert [(p["mentee_id"], p["mentor_id"]) for p in doc["pairs"]] == [("E2", "R1")]
    (u,) = doc["unmatched"]
    assert u["mentee_id"] == "E1" and u["explanation"]["blocked_by"] == {"history": 1}
    en = explain_text(doc, pair=("R1", "E1"), lang="en")
    assert "dissolved by a re-match in 2025/2026: not proposed again" in en
    assert "consilium" not in en
    ru = explain_text(doc, pair=("R1", "E1"), lang="ru")
    assert "пару расформировали при перераспределении в 2025/2026 учебном году: она больше не предлагается" in ru
    assert "консилиум" not in ru
    assert "the programme's history" in explain_text(doc, mentee="E1", lang="en")
    assert doc["forbids"] == []  # not the consilium's decision: not carried into its decisions file


def test_a_pair_rated_unacceptable_is_explained_with_its_year_and_points():
    people = [person("R1", "mentor"), person("E1", "mentee", "student")]
    reason = {"code": "history.reason.unacceptable", "year": "2024/2025", "total": 7}
    result, doc = _explained(people, [matcher.models.Exclusion("R1", "E1", reason)])
    assert doc["pairs"] == []
    assert "rated unacceptable in the 2024/2025 monitoring: 7 of 18 points (0–8 is unacceptable)" in \
        explain_text(doc, pair=("R1", "E1"), lang="en")
    assert "по мониторингу 2024/2025 учебного года пара неэффективна: 7 из 18 баллов (0–8 — недопустимый уровень)" in \
        explain_text(doc, pair=("R1", "E1"), lang="ru")


def test_the_consiliums_lock_wins_over_the_history():
    people = [person("R1", "mentor"), person("E1", "mentee", "student")]
    reason = {"code": "history.reason.ended", "year": "2024/2025"}
    result = match(people, load_config(), exclusions=[matcher.models.Exclusion("R1", "E1", reason)],
                   pair_specs=[matcher.models.PairSpec("R1", "E1", "lock")])
    assert result.solution.status == "OPTIMAL" and len(result.chosen) == 1


def test_priority_is_carried_to_exactly_the_mentees_the_previous_years_last_run_left_unpaired(tmp_path):
    """2025/2026 ran twice: the match left E1 and E2 unpaired, the re-match after it E2 and E3;
    2024/2025 left E4. In 2026/2027, E2 and E3 gain one class (E3 from 1 to 2); R1, a mentee
    last year and a mentor now, gains nothing; E5 is new."""
    people = [person("R1", "mentor"), *(person(f"E{k}", "mentee", "student") for k in range(1, 6))]
    people[3] = people[3].model_copy(update={"priority": 1})  # E3
    with History.open(tmp_path / "school.db") as history:
        history.record_run(year_doc(NAME, unmatched=["E4"]), kind="match", year="2024/2025")
        history.record_run(year_doc(NAME, unmatched=["E1", "E2"]), kind="match", year="2025/2026")
        history.record_run(year_doc(NAME, unmatched=["E2", "E3", "R1"]), kind="rematch", year="2025/2026")
        history.record_run(year_doc("Другая школа", unmatched=["E5"]), kind="match", year="2025/2026")
        carry = plan_carry(history, load_config(), people, "2026/2027")
        assert carry.raised == {"E2": 1, "E3": 1}
        assert {p.id: p.priority for p in carry.participants} == {"R1": 0, "E1": 0, "E2": 1, "E3": 2, "E4": 0, "E5": 0}
        assert {p.id: p.priority for p in people}["E3"] == 1  # the questionnaires' participants are left as they were
        twice = plan_carry(history, load_config(overrides={"history": {"carry_priority": 2}}), people, "2026/2027")
        assert {p.id: p.priority for p in twice.participants}["E3"] == 3
        off = plan_carry(history, load_config(overrides={"history": {"carry_priority": 0}}), people, "2026/2027")
        assert off.raised == {} and [p.priority for p in off.participants] == [p.priority for p in people]
        record = carry.record()
    assert record["raised"] == {"E2": 1, "E3": 1} and record["previous_year"] == "2025/2026"


def test_the_history_settings_are_validated():
    from matcher.problems import ProblemReport

    report = ProblemReport()
    assert load_config(overrides={"history": {"carry_priority": -1}}, report=report) is None
    assert [p.column for p in report.errors] == ["history.carry_priority"]
    report = ProblemReport()
    assert load_config(overrides={"history": {"carry_year": 1}}, report=report) is None
    assert load_config().history.carry_priority == 1 and load_config().history.exclude_unacceptable is True


def test_the_defaults_printed_for_the_curator_hold_the_history_section():
    import tomllib

    from matcher.config import default_config_text

    assert tomllib.loads(default_config_text())["history"] == {"carry_priority": 1, "exclude_unacceptable": True}


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes(mentees=(1, 8), mentors=(1, 6)), st.data())
def test_no_pair_the_history_excludes_is_ever_proposed(programme, data):
    mentors = [p.id for p in programme.mentors]
    mentees = [p.id for p in programme.mentees]
    grid = [(t, m) for t in mentees for m in mentors if t != m]
    ended = data.draw(st.lists(st.sampled_from(grid), unique=True, max_size=len(grid))) if grid else []
    rated = data.draw(st.dictionaries(st.sampled_from(grid), st.lists(st.integers(0, 2), min_size=9, max_size=9),
                                      max_size=len(grid))) if grid else {}
    name = programme.config.program.name
    with History.open(":memory:") as history:
        history.record_run(year_doc(name, never_again=ended + [("gone", mentors[0])]), kind="rematch",
                           year="2025/2026")
        monitoring(history, name, "2025/2026", "after", rated)
        carry = plan_carry(history, programme.config, programme.participants, "2026/2027")
    expected = set(ended) | {pair for pair, scores in rated.items() if sum(scores) <= 8}
    assert {(x.mentee_id, x.mentor_id) for x in carry.exclusions} == expected
    result = match(carry.participants, programme.config, exclusions=carry.exclusions)
    roster, graph = result.roster, result.graph
    chosen = {(roster.mentees.ids[graph.mentee[e]], roster.mentors.ids[graph.mentor[e]]) for e in result.chosen}
    assert not chosen & expected
    # Each excluded pair the rules let through is blocked by the history alone.
    free = build_graph(roster)
    candidates = {(roster.mentees.ids[i], roster.mentors.ids[j]) for i, j in zip(free.mentee, free.mentor)}
    for t, m in expected & candidates:
        assert graph.reason_mask(roster.mentees.index[t], roster.mentors.index[m]) == HISTORY_BIT
