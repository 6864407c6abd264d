"""Contradictory locks: the conflict names a minimal core — every lock in it matters — with
the rules the locks clash over, and the CLI prints it with each lock's file:row (exit 3).
"""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matcher.cli import main
from matcher.config import load_config
from matcher.io.writers import participant_table, write_csv
from matcher.models import Participant
from matcher.pipeline import PairSpec, match
from strategies import examples, programmes


def _person(pid, role, category, forms, **kw):
    base = dict(id=pid, name=f"Person {pid}", role=role, category=category, forms=forms, consent=True,
                data_consent=True, guardian_consent=True, trained=True, age=40 if category != "student" else 12)
    return Participant(**{**base, **kw})


def teacher(pid, **kw):
    return _person(pid, "mentor", "teacher", ["teacher_student"], **kw)


def pupil(pid, **kw):
    return _person(pid, "mentee", "student", ["teacher_student"], **kw)


def _locks(*pairs):
    return [PairSpec(m, t, "lock", None, file="consilium.csv", row=k + 2) for k, (m, t) in enumerate(pairs)]


def _cores(solution):
    return [c for c in solution.conflict if "items" in c]


def _feasible(people, config, specs) -> bool:
    return match(people, config, pair_specs=specs, time_limit=20).solution.status == "OPTIMAL"


# --- Hand-worked clashes ------------------------------------------------------------------------

def test_more_locks_than_places_are_cut_to_one_more_than_the_capacity():
    people = [teacher("R1", capacity=2), *(pupil(f"E{k}") for k in range(1, 5))]
    specs = _locks(("R1", "E1"), ("R1", "E2"), ("R1", "E3"), ("R1", "E4"))
    (core,) = _cores(match(people, load_config(), pair_specs=specs).solution)
    assert core["minimal"] is True and len(core["locks"]) == 3
    assert [r["code"] for r in core["rule_details"]] == ["capacity"]
    assert core["rule_details"][0] == {"code": "capacity", "mentor": "R1", "capacity": 2, "locked": 3}
    assert [it["source"] for it in core["items"]] == [f"consilium.csv:{k + 2}" for k in core["locks"]]


def test_two_locks_for_one_mentee_name_the_one_mentor_rule():
    people = [teacher("R1"), teacher("R2"), pupil("E1")]
    (core,) = _cores(match(people, load_config(), pair_specs=_locks(("R1", "E1"), ("R2", "E1"))).solution)
    assert core["locks"] == [0, 1]
    assert core["rule_details"] == [{"code": "one_mentor", "mentee": "E1", "form": None}]


def test_a_lock_a_rule_blocks_names_the_rule_with_its_details():
    people = [teacher("R1"), pupil("E1", guardian_consent=None)]
    (core,) = _cores(match(people, load_config(), pair_specs=_locks(("R1", "E1"))).solution)
    (rule,) = core["rule_details"]
    assert (rule["code"], rule["rule"]) == ("blocked", "consent")
    assert rule["details"]["code"] == "consent.mentee.guardian_consent"


def test_a_lock_that_a_group_minimum_cannot_accept_names_the_group_minimum():
    """R1 leads groups of at least 3; only E1 and E2 may join (E3 avoids R1)."""
    people = [teacher("R1", capacity=3, group_min=3), teacher("R2", capacity=3),
              pupil("E1"), pupil("E2"), pupil("E3", avoid=["R1"])]
    (core,) = _cores(match(people, load_config(), pair_specs=_locks(("R2", "E3"), ("R1", "E1"))).solution)
    assert core["locks"] == [1]
    assert {"code": "group_min", "mentor": "R1", "min": 3} in core["rule_details"]


def test_locks_making_two_people_mentor_each_other_name_that_rule():
    config = load_config(overrides={"forms": {"student_student": {"min_grade_gap": 0}}})
    a = _person("A", "both", "student", ["student_student"], grade=8)
    b = _person("B", "both", "student", ["student_student"], grade=8)
    (core,) = _cores(match([a, b], config, pair_specs=_locks(("A", "B"), ("B", "A"))).solution)
    assert core["locks"] == [0, 1]
    assert [r["code"] for r in core["rule_details"]] == ["mutual"]


# --- Minimality on random programmes ------------------------------------------------------------

@settings(max_examples=examples(40), deadline=None, suppress_health_check=list(HealthCheck))
@given(programmes(mentees=(1, 6), mentors=(1, 4)), st.data())
def test_a_core_cannot_hold_and_without_any_one_of_its_locks_it_can(programme, data):
    mentors = [p.id for p in programme.mentors]
    mentees = [p.id for p in programme.mentees]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(mentors), st.sampled_from(mentees)), min_size=1,
                               max_size=5))
    specs = [PairSpec(m, t, "lock", None, file="consilium.csv", row=k + 2) for k, (m, t) in enumerate(pairs)]
    solution = match(programme.participants, programme.config, pair_specs=specs, time_limit=20).solution
    event(solution.status)
    if solution.status != "INFEASIBLE":
        return
    assert solution.conflict
    for core in _cores(solution):
        assert core["minimal"] is True
        locks = core["locks"]
        assert not _feasible(programme.participants, programme.config, [specs[k] for k in locks])
        for k in locks:
            rest = [specs[x] for x in locks if x != k]
            assert _feasible(programme.participants, programme.config, rest), (core, k)


# --- The CLI -------------------------------------------------------------------------------------

def _write_inputs(tmp_path: Path, people, locks: list[tuple[str, str]]) -> list[str]:
    for role, name in (("mentor", "mentors.csv"), ("mentee", "mentees.csv")):
        headers, rows = participant_table([p for p in people if p.role == role])
        write_csv(tmp_path / name, headers, rows)
    write_csv(tmp_path / "consilium.csv", ["mentor_id", "mentee_id", "action"], [[m, t, "lock"] for m, t in locks])
    return ["--mentors", str(tmp_path / "mentors.csv"), "--mentees", str(tmp_path / "mentees.csv"),
            "--locks", str(tmp_path / "consilium.csv"), "--out", str(tmp_path / "out"), "--quiet"]


def test_the_cli_exits_3_and_prints_each_lock_of_the_core_with_file_and_row(tmp_path):
    people = [teacher("R1", capacity=1), pupil("E1"), pupil("E2")]
    args = _write_inputs(tmp_path, people, [("R1", "E1"), ("R1", "E2")])
    for lang, words in (("en", ["consilium.csv:2", "consilium.csv:3", "takes at most 1", "dropping any one"]),
                        ("ru", ["consilium.csv:2", "consilium.csv:3", "не больше 1", "снятие любого"])):
        result = CliRunner().invoke(main, ["match", *args, "--lang", lang])
        assert result.exit_code == 3, result.output
        for word in words:
            assert word in result.output, (lang, result.output)


def test_the_cli_names_the_people_of_a_clash_beside_their_codes(tmp_path):
    """Every id the clash prints stands in brackets after the person's name, in both languages;
    the words about a woman agree with her."""
    people = [teacher("R1", capacity=1), pupil("E1", gender="f"), pupil("E2", gender="m")]
    args = _write_inputs(tmp_path, people, [("R1", "E1"), ("R1", "E2")])
    for lang in ("ru", "en"):
        result = CliRunner().invoke(main, ["match", *args, "--lang", lang])
        assert result.exit_code == 3, result.output
        for pid in ("R1", "E1", "E2"):
            assert f"Person {pid} ({pid})" in result.output, (lang, result.output)
            assert not re.findall(rf"(?<!\(){pid}\b(?!\))", result.output.replace(f"Person {pid} (", "")), \
                (lang, pid, result.output)
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    args = _write_inputs(blocked, [teacher("R1"), pupil("E1", gender="f", guardian_consent=False)], [("R1", "E1")])
    result = CliRunner().invoke(main, ["match", *args, "--lang", "ru"])
    assert result.exit_code == 3, result.output
    assert "наставляемая Person E1 (E1) несовершеннолетняя" in result.output, result.output
