"""Consilium decisions: a locked pair is always in the output, a forbidden pair never is, and
locks that cannot all hold give status INFEASIBLE with a conflict naming them — never a
traceback, whichever engine answers.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from checker import allowed_forms, assignment_violations, result_triples
from matcher.config import load_config
from matcher.models import Participant
from matcher.pipeline import PairSpec, match
from matcher.solve import EngineError
from strategies import examples, programmes

ENGINES = ("auto", "cpsat", "flow")


def _run(people, config, specs, engine):
    """match() with `engine`, or None when the flow engine cannot express the programme."""
    try:
        return match(people, config, pair_specs=specs, engine=engine, time_limit=20)
    except EngineError:
        assert engine == "flow"
        return None


def _named_locks(solution) -> set[int]:
    return {k for c in solution.conflict for k in ([c["lock"]] if "lock" in c else c.get("locks", []))}


def _locks(*pairs, form=None):
    """PairSpecs (mentor_id, mentee_id) as rows 2.. of a consilium file."""
    return [PairSpec(m, t, "lock", form, file="consilium.csv", row=k + 2) for k, (m, t) in enumerate(pairs)]


def _person(pid, role, category, forms, **kw):
    base = dict(id=pid, role=role, category=category, forms=forms, consent=True, data_consent=True,
                guardian_consent=True, trained=True, age=40 if category != "student" else 12)
    return Participant(**{**base, **kw})


def teacher(pid, **kw):
    return _person(pid, "mentor", "teacher", ["teacher_student"], **kw)


def pupil(pid, **kw):
    return _person(pid, "mentee", "student", ["teacher_student"], **kw)


def _assert_infeasible_naming(people, config, specs, expected_locks, engines=ENGINES):
    for engine in engines:
        result = _run(people, config, specs, engine)
        if result is None:
            continue
        solution = result.solution
        assert solution.status == "INFEASIBLE", engine
        assert len(solution.edges) == 0, engine
        assert solution.conflict, engine
        assert _named_locks(solution) == set(expected_locks), (engine, solution.conflict)
        sources = {s for c in solution.conflict for s in c.get("sources", [c.get("source")])}
        assert sources == {specs[k].source for k in expected_locks}, (engine, solution.conflict)


# --- Locks hold -------------------------------------------------------------------------------

@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes(mentees=(1, 8), mentors=(1, 6)), st.data())
def test_a_lock_on_a_legal_pair_is_in_the_output_or_named_in_the_conflict(programme, data):
    legal = sorted((t.id, m.id, f) for t in programme.mentees for m in programme.mentors
                   for f in allowed_forms(t, m, programme.config))
    if not legal:
        return
    t, m, f = data.draw(st.sampled_from(legal))
    form = data.draw(st.sampled_from([None, f]))
    specs = [PairSpec(m, t, "lock", form, file="consilium.csv", row=2)]
    for engine in ENGINES:
        result = _run(programme.participants, programme.config, specs, engine)
        if result is None:
            continue
        solution = result.solution
        event(f"{engine}: {solution.status}")
        if solution.status == "INFEASIBLE":  # e.g. the mentor's group minimum cannot be met
            assert _named_locks(solution) == {0}, solution.conflict
            continue
        assert solution.status == "OPTIMAL", engine
        pairs = result_triples(result)
        assert not assignment_violations(programme.participants, programme.config, pairs, locks=[(t, m, form)])


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes(mentees=(1, 8), mentors=(1, 6)), st.data())
def test_a_forbidden_pair_is_never_in_the_output(programme, data):
    first = match(programme.participants, programme.config, time_limit=20)
    chosen = sorted({(t, m) for t, m, _ in result_triples(first)})
    if not chosen:
        return
    forbids = data.draw(st.lists(st.sampled_from(chosen), min_size=1, unique=True))
    specs = [PairSpec(m, t, "forbid") for t, m in forbids]
    for engine in ENGINES:
        result = _run(programme.participants, programme.config, specs, engine)
        if result is None:
            continue
        assert result.solution.status == "OPTIMAL"
        pairs = result_triples(result)
        assert not assignment_violations(programme.participants, programme.config, pairs, forbids=forbids)


def test_a_lock_overrides_the_better_pair():
    config = load_config()
    people = [teacher("R1", interests=["chess"]), teacher("R2", interests=["music"]),
              pupil("E1", interests=["chess"])]
    free = match(people, config)
    assert result_triples(free) == [("E1", "R1", "teacher_student")]
    for engine in ENGINES:
        result = match(people, config, pair_specs=_locks(("R2", "E1")), engine=engine)
        assert result.solution.status == "OPTIMAL"
        assert result_triples(result) == [("E1", "R2", "teacher_student")]


def test_a_lock_naming_a_later_legal_form_is_kept_in_that_form():
    """Per mentee the graph keeps a pair in its first legal form; a lock may name another legal one."""
    config = load_config()
    mentor = _person("R", "mentor", "teacher", ["teacher_student", "adult_child"])
    mentee = _person("E", "mentee", "student", ["teacher_student", "adult_child"], age=10)
    for engine in ENGINES:
        result = match([mentor, mentee], config, pair_specs=_locks(("R", "E"), form="adult_child"), engine=engine)
        assert result.solution.status == "OPTIMAL", result.solution.conflict
        assert result_triples(result) == [("E", "R", "adult_child")]


def test_locks_in_several_forms_of_one_mentee_hold_in_per_form_mode():
    config = load_config(overrides={"program": {"one_mentor_per": "form"}})
    r1 = _person("R1", "mentor", "teacher", ["teacher_student", "adult_child"])
    r2 = _person("R2", "mentor", "teacher", ["teacher_student", "adult_child"])
    mentee = _person("E", "mentee", "student", ["teacher_student", "adult_child"], age=10)
    specs = [PairSpec("R1", "E", "lock", "adult_child"), PairSpec("R2", "E", "lock", "teacher_student")]
    for engine in ENGINES:
        result = _run([r1, r2, mentee], config, specs, engine)
        if result is None:
            continue
        assert result.solution.status == "OPTIMAL"
        assert sorted(result_triples(result)) == [("E", "R1", "adult_child"), ("E", "R2", "teacher_student")]


# --- Contradictory locks ----------------------------------------------------------------------

def test_two_locks_for_one_mentee_are_infeasible_and_named():
    config = load_config()
    people = [teacher("R1", capacity=2), teacher("R2"), pupil("E1"), pupil("E2")]
    specs = _locks(("R1", "E2"), ("R1", "E1"), ("R2", "E1"))
    _assert_infeasible_naming(people, config, specs, {1, 2})


def test_two_locks_for_one_mentee_in_one_form_are_infeasible_in_per_form_mode():
    config = load_config(overrides={"program": {"one_mentor_per": "form"}})
    people = [teacher("R1"), teacher("R2"), pupil("E1")]
    specs = _locks(("R1", "E1"), ("R2", "E1"), form="teacher_student")
    _assert_infeasible_naming(people, config, specs, {0, 1})


def test_more_locks_than_a_mentors_capacity_are_infeasible_and_named():
    config = load_config()
    people = [teacher("R1", capacity=2), teacher("R2"), pupil("E1"), pupil("E2"), pupil("E3")]
    specs = _locks(("R2", "E3"), ("R1", "E1"), ("R1", "E2"), ("R1", "E3"))
    # R2 -> E3 and R1 -> E3 also share a mentee: whatever else is said, R1's three locks are named.
    for engine in ENGINES:
        solution = match(people, config, pair_specs=specs, engine=engine).solution
        assert solution.status == "INFEASIBLE"
        capacity = [c for c in solution.conflict if c["kind"] == "lock_capacity"]
        assert capacity and set(capacity[0]["locks"]) == {1, 2, 3}


def test_a_lock_on_a_mentor_with_no_capacity_is_infeasible():
    config = load_config()
    people = [teacher("R1", capacity=0), pupil("E1")]
    _assert_infeasible_naming(people, config, _locks(("R1", "E1")), {0})


@pytest.mark.parametrize("why", ["avoid", "age_gap", "consent", "self_pair"])
def test_a_lock_on_a_pair_a_hard_rule_blocks_is_infeasible_and_names_the_rule(why):
    config = load_config()
    mentor, mentee = teacher("R1"), pupil("E1")
    if why == "avoid":
        mentee = pupil("E1", avoid=["R1"])
    elif why == "age_gap":  # adult-child needs 9 years between them
        mentor = _person("R1", "mentor", "graduate", ["adult_child"], age=19)
        mentee = _person("E1", "mentee", "student", ["adult_child"], age=14)
    elif why == "consent":
        mentee = pupil("E1", guardian_consent=None)
    else:
        mentor = _person("E1", "both", "student", ["student_student"], grade=8, capacity=1)
        mentee = mentor
    people = [mentor] if mentor is mentee else [mentor, mentee]
    specs = _locks(("R1" if why != "self_pair" else "E1", "E1"))
    _assert_infeasible_naming(people, config, specs, {0})
    solution = match(people, config, pair_specs=specs).solution
    assert solution.conflict[0]["kind"] == "lock_blocked"
    assert solution.conflict[0]["rules"]


def test_a_lock_on_a_forbidden_pair_is_infeasible():
    config = load_config()
    people = [teacher("R1"), pupil("E1")]
    specs = [PairSpec("R1", "E1", "forbid", file="consilium.csv", row=2),
             PairSpec("R1", "E1", "lock", file="consilium.csv", row=3)]
    for engine in ENGINES:
        solution = match(people, config, pair_specs=specs, engine=engine).solution
        assert solution.status == "INFEASIBLE"
        assert _named_locks(solution) == {0}  # the lock list holds locks only
        assert solution.conflict[0]["rules"]


def test_a_lock_that_makes_a_group_minimum_impossible_is_infeasible_and_named():
    """R1 leads groups of at least 3; only E1 and E2 may join it (E3 avoids it), so locking E1
    to R1 cannot hold. The conflict names that lock only, not the innocent R2 -> E3."""
    config = load_config()
    people = [teacher("R1", capacity=3, group_min=3), teacher("R2", capacity=3),
              pupil("E1"), pupil("E2"), pupil("E3", avoid=["R1"])]
    specs = _locks(("R2", "E3"), ("R1", "E1"))
    for engine in ("auto", "cpsat"):
        solution = match(people, config, pair_specs=specs, engine=engine).solution
        assert solution.status == "INFEASIBLE"
        assert _named_locks(solution) == {1}, solution.conflict


def test_locks_that_meet_a_group_minimum_together_are_feasible():
    config = load_config()
    people = [teacher("R1", capacity=3, group_min=2), teacher("R2", capacity=3),
              pupil("E1"), pupil("E2"), pupil("E3")]
    for engine in ("auto", "cpsat"):
        result = match(people, config, pair_specs=_locks(("R1", "E1"), ("R1", "E2")), engine=engine)
        assert result.solution.status == "OPTIMAL"
        pairs = result_triples(result)
        assert not assignment_violations(people, config, pairs, locks=[("E1", "R1", None), ("E2", "R1", None)])
        assert len(pairs) == 3


def test_locks_making_two_people_mentor_each_other_are_infeasible_and_named():
    config = load_config(overrides={"forms": {"student_student": {"min_grade_gap": 0}}})
    a = _person("A", "both", "student", ["student_student"], grade=8)
    b = _person("B", "both", "student", ["student_student"], grade=8, capacity=2)
    c = _person("C", "mentee", "student", ["student_student"], grade=7)
    specs = _locks(("B", "C"), ("A", "B"), ("B", "A"))
    _assert_infeasible_naming([a, b, c], config, specs, {1, 2}, engines=("auto", "cpsat"))


def test_locks_of_one_pair_in_two_forms_are_infeasible_in_per_form_mode():
    config = load_config(overrides={"program": {"one_mentor_per": "form"}})
    mentor = _person("R", "mentor", "teacher", ["teacher_student", "adult_child"], capacity=2)
    mentee = _person("E", "mentee", "student", ["teacher_student", "adult_child"], age=10)
    specs = [PairSpec("R", "E", "lock", "teacher_student", file="consilium.csv", row=2),
             PairSpec("R", "E", "lock", "adult_child", file="consilium.csv", row=3)]
    _assert_infeasible_naming([mentor, mentee], config, specs, {0, 1}, engines=("auto", "cpsat"))


def test_locks_breaking_the_grade_spread_of_a_group_are_infeasible_and_named():
    config = load_config(overrides={"program": {"max_grade_spread": 1}})
    people = [teacher("R1", capacity=3), pupil("E1", grade=3), pupil("E2", grade=7), pupil("E3", grade=3)]
    specs = _locks(("R1", "E3"), ("R1", "E1"), ("R1", "E2"))
    for engine in ("auto", "cpsat"):
        solution = match(people, config, pair_specs=specs, engine=engine).solution
        assert solution.status == "INFEASIBLE", engine
        named = _named_locks(solution)
        assert 2 in named and named <= {0, 1, 2}, solution.conflict
