"""Re-matching without disturbing working pairs (`matcher rematch`, matcher/rematch).

Whether a previous pair still passes the rules, whether an assignment is legal and what the
best one is come from the independent checker (tests/checker.py) and its exhaustive search,
never from matcher/constraints or matcher/solve. The previous round is a real match of the
programme as it was, with some of its pairs dropped (as a consilium might); since then a consent
is withdrawn, a capacity changes, a mentee asks for another mentor, someone leaves.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, event, given, settings, target
from hypothesis import strategies as st

from checker import allowed_forms, assignment_violations, brute_force_optimum, pair_violations, result_triples
from matcher.config import load_config
from matcher.models import Participant
from matcher.pipeline import match
from matcher.problems import InputRejected
from matcher.rematch import ChangeRequest, Previous, prepare_round, solve_round
from matcher.rematch.inputs import PreviousPair, previous_from_document
from matcher.rematch.plan import round_changes
from matcher.results import result_document
from strategies import Programme, examples, pair_scores, programmes

SETTINGS = settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------
# Helpers


def _previous(triples, label="previous", waiting=None, never_again=()) -> Previous:
    pairs = [PreviousPair(t, m, f, label, None) for t, m, f in triples]
    return Previous(label, "result", pairs, [], waiting=dict(waiting or {}), never_again=list(never_again),
                    names={})


def _rematch(participants, config, previous, requests=(), mode="keep"):
    """One round in memory: (round, result, change records)."""
    rnd = prepare_round(participants, config, previous, list(requests), mode)
    result = solve_round(rnd, rnd.participants, config, pair_specs=[], time_limit=20)
    records = round_changes(rnd, result) if result.solution.status in ("OPTIMAL", "FEASIBLE") else []
    return rnd, result, records


def _person(pid, role, **kw):
    base = dict(id=pid, role=role, category="teacher" if role == "mentor" else "student", forms=["teacher_student"],
                consent=True, data_consent=True, guardian_consent=True, trained=True,
                age=40 if role == "mentor" else 12, grade=None if role == "mentor" else 6)
    return Participant(**{**base, **kw})


@st.composite
def crowded_schools(draw, mentees=(3, 6), mentors=(2, 4), overrides: dict | None = None) -> Programme:
    """Teacher–student programmes where nearly every pair is legal but for avoid lists: few
    places, many candidates, so a newcomer often needs a place someone holds (moves pay)."""
    config = load_config(overrides=overrides)
    n_mentors = draw(st.integers(*mentors))
    mentor_ids = [f"T{j + 1}" for j in range(n_mentors)]
    interests = st.lists(st.sampled_from(["chess", "music", "art"]), min_size=1, max_size=2, unique=True)
    people = [_person(m, "mentor", capacity=draw(st.sampled_from([1, 1, 2])), interests=draw(interests))
              for m in mentor_ids]
    for k in range(draw(st.integers(*mentees))):
        people.append(_person(f"S{k + 1}", "mentee", priority=draw(st.sampled_from([0, 0, 1])),
                              avoid=draw(st.lists(st.sampled_from(mentor_ids), max_size=n_mentors - 1, unique=True)),
                              interests=draw(interests),
                              ranking=draw(st.permutations(mentor_ids))[:draw(st.integers(0, n_mentors))]))
    return Programme(people, config)


def _scenario(programme: Programme, data, *, leaving: bool = True):
    """The previous round (an optimal match of `programme`, some pairs dropped; its unpaired
    mentees waited), today's participants and the requests since."""
    # Mentees who arrived since were not in the previous round: the places they need may be held.
    arrived = {p.id for p in programme.participants
               if p.role == "mentee" and data.draw(st.integers(0, 9), label="arrived since") >= 6}
    earlier = [p for p in programme.participants if p.id not in arrived]
    plain = not any(p.group_min or p.role == "both" for p in earlier) and \
        programme.config.program.max_grade_spread is None and programme.config.program.one_mentor_per == "mentee"
    if plain and data.draw(st.booleans(), label="a round formed by hand"):
        triples = _any_assignment(earlier, programme.config, data)
    else:
        if data.draw(st.booleans(), label="scored otherwise before"):  # interests and choices changed since
            earlier = [p.model_copy(update={"interests": [], "ranking": [], "want_interests": []}) for p in earlier]
        before = match(earlier, programme.config, time_limit=20)
        assert before.solution.status == "OPTIMAL"
        triples = sorted(result_triples(before))
    kept = [t for t in triples if data.draw(st.integers(0, 9), label="drop pair") < 8]
    paired = {t for t, _, _ in kept}
    waiting = {p.id: 1 for p in programme.mentees if p.id not in paired and p.id not in arrived}
    people = list(programme.participants)
    in_pairs = [k for k, p in enumerate(people) if any(p.id in (t, m) for t, m, _ in kept)]
    # A withdrawn consent, a capacity that changed: mostly of people in the previous pairs.
    if in_pairs and data.draw(st.booleans(), label="withdraw a consent"):
        k = data.draw(st.sampled_from(in_pairs), label="who")
        people[k] = people[k].model_copy(update={"consent": False})
    mentors = [k for k, p in enumerate(people) if p.is_mentor]
    if mentors and data.draw(st.booleans(), label="change a capacity"):
        k = data.draw(st.sampled_from([k for k in mentors if k in in_pairs] or mentors), label="mentor")
        people[k] = people[k].model_copy(update={"capacity": max(0, people[k].capacity +
                                                                  data.draw(st.sampled_from([-2, -1, 1])))})
    requests = []
    if kept and data.draw(st.booleans(), label="a replacement"):
        t, m, _ = data.draw(st.sampled_from(kept), label="replaced pair")
        requests.append(ChangeRequest("replace", t))
    if leaving and data.draw(st.integers(0, 9), label="someone left") >= 7:
        requests.append(ChangeRequest("left", data.draw(st.sampled_from([p.id for p in people]), label="left")))
    if leaving and mentors and data.draw(st.integers(0, 9), label="a mentor withdrew") >= 8:
        requests.append(ChangeRequest("withdrew", people[data.draw(st.sampled_from(mentors), label="w")].id))
    return _previous(kept, waiting=waiting), people, requests


def _any_assignment(people, config, data) -> list[tuple[str, str, str]]:
    """A legal assignment by the checker's rules, optimal in nothing: mentees in a drawn order
    take a drawn legal mentor with a place left, or none (a programme without group rules)."""
    mentors = [p for p in people if p.is_mentor]
    load = dict.fromkeys((m.id for m in mentors), 0)
    out = []
    for t in data.draw(st.permutations([p for p in people if p.is_mentee]), label="order"):
        options = [(m.id, allowed_forms(t, m, config)[0]) for m in mentors
                   if allowed_forms(t, m, config) and load[m.id] < m.capacity]
        if options and data.draw(st.integers(0, 4), label="pair them") < 4:
            m, f = data.draw(st.sampled_from(options), label="mentor")
            load[m] += 1
            out.append((t.id, m, f))
    return sorted(out)


def _excluded(previous: Previous, requests) -> set[tuple[str, str]]:
    """(mentee, mentor) pairs a replacement request excludes."""
    mentor_of = {p.mentee_id: p.mentor_id for p in previous.pairs}
    return {(r.id, r.mentor_id or mentor_of[r.id]) for r in requests if r.kind == "replace"}


def _still_valid(previous: Previous, participants, config, requests, score) -> set[tuple[str, str, str]]:
    """The previous pairs that may stay, by the checker: both people still here (nobody left, the
    mentor did not withdraw), no replacement asked, every hard rule passed in the pair's form."""
    gone = {r.id for r in requests if r.kind in ("left", "withdrew")}
    by_id = {p.id: p for p in participants}
    excluded = _excluded(previous, requests)
    out = set()
    for p in previous.pairs:
        if p.mentee_id in gone or p.mentor_id in gone or (p.mentee_id, p.mentor_id) in excluded:
            continue
        mentee, mentor = by_id.get(p.mentee_id), by_id.get(p.mentor_id)
        if mentee is None or mentor is None or pair_violations(mentee, mentor, p.form, config):
            continue
        if config.program.min_score > 0 and score(p.mentee_id, p.mentor_id) < config.program.min_score - 1e-9:
            continue
        out.add((p.mentee_id, p.mentor_id, p.form))
    return out


def _scores(participants, config):
    score, score_int = pair_scores(Programme(participants, config))
    return (lambda t, m: score.get((t, m), 0.0)), (lambda t, m: score_int.get((t, m), 0))


def _forbids(rnd) -> set[tuple[str, str]]:
    return {(s.mentee_id, s.mentor_id) for s in rnd.forbids}


def _assert_legal_and_accounted(rnd, result, records, previous, requests, config):
    score, _ = _scores(rnd.participants, config)
    pairs = result_triples(result)
    assert not assignment_violations(rnd.participants, config, pairs, forbids=_forbids(rnd), score=score)
    for t, m in _excluded(previous, requests):  # a replacement never gives the old mentor back
        assert (t, m) not in {(a, b) for a, b, _ in pairs}
    # Every previous pair has exactly one record, kept exactly when it is in the new assignment.
    now = {(t, m) for t, m, _ in pairs}
    old_records = [r for r in records if r["change"] != "new"]
    assert sorted((r["mentee_id"], r["previous_mentor_id"]) for r in old_records) == \
        sorted((p.mentee_id, p.mentor_id) for p in previous.pairs)
    for r in old_records:
        assert (r["change"] == "kept") == ((r["mentee_id"], r["previous_mentor_id"]) in now), r
        assert r["change"] == "kept" or r["cause"] != "still_valid"
    new = [(r["mentee_id"], r["mentor_id"]) for r in records if r["change"] in ("new", "moved")]
    assert set(new) <= now and len(new) + sum(r["change"] == "kept" for r in records) == len(pairs)


def _legal_round(programme, data, mode):
    """A scenario's round, solved optimally, legal by the checker and accounted for pair by pair;
    with the previous pairs that were still valid."""
    previous, people, requests = _scenario(programme, data)
    rnd, result, records = _rematch(people, programme.config, previous, requests, mode)
    assert result.solution.status == "OPTIMAL"
    _assert_legal_and_accounted(rnd, result, records, previous, requests, programme.config)
    score, _ = _scores(rnd.participants, programme.config)
    return previous, rnd, result, records, _still_valid(previous, people, programme.config, requests, score)


# ---------------------------------------------------------------------------------------------
# Properties


@SETTINGS
@given(programme=st.one_of(programmes(mentees=(1, 7), mentors=(1, 5), groups=False), crowded_schools()),
       data=st.data())
def test_keep_mode_leaves_every_previous_pair_that_still_passes_the_rules_as_it_is(programme, data):
    previous, rnd, result, records, valid = _legal_round(programme, data, "keep")
    now = {(t, m) for t, m, _ in result_triples(result)}
    by_mentor: dict[str, list] = {}
    for t, m, _ in valid:
        by_mentor.setdefault(m, []).append(t)
    capacity = {p.id: p.capacity for p in rnd.participants if p.is_mentor}
    for m, mentees in by_mentor.items():
        stayed = sum((t, m) in now for t in mentees)
        # A mentor whose capacity fell below their valid pairs keeps as many as it allows.
        assert stayed == min(len(mentees), capacity[m]), (m, mentees, capacity[m])
    invalid = {(p.mentee_id, p.mentor_id) for p in previous.pairs} - {(t, m) for t, m, _ in valid}
    event(f"previous pairs no longer valid: {min(len(invalid), 3)}")
    for r in records:  # a pair that breaks a rule now is dissolved or moved, never kept silently
        if (r["mentee_id"], r["previous_mentor_id"]) in invalid:
            assert r["change"] in ("moved", "dissolved") and r["cause"] not in ("still_valid", "made_room")


def _repair_value(rnd, valid_pairs):
    """The repair objective as the issue states it, from the checker's side: previous mentees of
    valid pairs who keep a mentor, then the priority classes and the number of pairs, then the
    previous pairs kept (the fewest changes)."""
    priority = {p.id: p.priority for p in rnd.participants if p.is_mentee}
    classes = sorted(set(priority.values()), reverse=True)
    held = {t for t, _, _ in valid_pairs}
    kept = {(t, m) for t, m, _ in valid_pairs}

    def value(triples):
        triples = list(triples)
        return (sum(t in held for t, _, _ in triples),
                *(sum(priority[t] == c for t, _, _ in triples) for c in classes),
                len(triples), sum((t, m) in kept for t, m, _ in triples))
    return value


QUALITY = {"program": {"objective": "quality"}}


@settings(SETTINGS, max_examples=examples(20))
@given(programme=st.one_of(programmes(mentees=(1, 5), mentors=(1, 4), vary_program=False, overrides=QUALITY),
                           crowded_schools(overrides=QUALITY)), data=st.data())
def test_repair_mode_with_the_quality_objective_never_moves_a_pair_for_a_better_score(programme, data):
    previous, rnd, result, records, valid = _legal_round(programme, data, "repair")
    score, score_int = _scores(rnd.participants, programme.config)
    held, kept = {t for t, _, _ in valid}, {(t, m) for t, m, _ in valid}

    def value(triples):  # who keeps a mentor, the pairs kept, then the score first as "quality" has it
        triples = list(triples)
        return (sum(t in held for t, _, _ in triples), sum((t, m) in kept for t, m, _ in triples),
                sum(score_int(t, m) for t, m, _ in triples))

    best, _ = brute_force_optimum(rnd.participants, programme.config, score_int, score, forbids=_forbids(rnd),
                                  value=value)
    assert value(result_triples(result)) == best


@SETTINGS
@given(programme=st.one_of(programmes(mentees=(1, 6), mentors=(1, 4), vary_program=False), crowded_schools()),
       data=st.data())
def test_repair_mode_changes_as_few_pairs_as_the_most_pairs_allow(programme, data):
    previous, rnd, result, records, valid = _legal_round(programme, data, "repair")
    assert rnd.stage["status"] == "OPTIMAL"
    score, score_int = _scores(rnd.participants, programme.config)
    value = _repair_value(rnd, valid)
    best, _ = brute_force_optimum(rnd.participants, programme.config, score_int, score, forbids=_forbids(rnd),
                                  value=value)
    got = value(result_triples(result))
    assert got == best
    changes = sum(r["change"] in ("moved", "dissolved") for r in records
                  if (r["mentee_id"], r["previous_mentor_id"], r["previous_form"]) in valid)
    event(f"valid previous pairs changed: {min(changes, 3)}")
    target(float(changes), label="valid previous pairs changed")  # steer towards cases where moves pay
    assert changes == len(valid) - best[-1]  # the fewest changes any such optimum makes


@SETTINGS
@given(programme=st.one_of(programmes(mentees=(1, 7), mentors=(1, 5)), crowded_schools()), data=st.data(),
       mode=st.sampled_from(["keep", "repair"]))
def test_rematching_its_own_result_with_no_changes_changes_nothing(programme, data, mode):
    previous, people, requests = _scenario(programme, data)
    rnd, result, records = _rematch(people, programme.config, previous, requests, mode)
    assume(result.solution.status == "OPTIMAL")  # keep mode with a group no longer full can clash
    doc = result_document(result)
    from matcher.rematch import _extend

    _extend(rnd, "en", "en", result, doc)
    again = previous_from_document(doc, "round-2")
    rnd2, result2, records2 = _rematch(people, programme.config, again, (), mode)
    assert result2.solution.status == "OPTIMAL"
    assert sorted(result_triples(result2)) == sorted(result_triples(result))
    assert {r["change"] for r in records2} <= {"kept"}
    # Pairs dissolved or rejected in the first round stay out of the second.
    assert _forbids(rnd) <= _forbids(rnd2)


# ---------------------------------------------------------------------------------------------
# Small cases worked by hand


def test_a_replacement_request_never_gives_the_mentee_their_old_mentor_back():
    config = load_config()
    people = [_person("T1", "mentor", interests=["chess"]), _person("T2", "mentor"),
              _person("S1", "mentee", interests=["chess"])]
    previous = _previous([("S1", "T1", "teacher_student")])
    for mode in ("keep", "repair"):
        rnd, result, records = _rematch(people, config, previous, [ChangeRequest("replace", "S1")], mode)
        assert result_triples(result) == [("S1", "T2", "teacher_student")]
        assert [(r["change"], r["cause"]) for r in records] == [("moved", "replacement_requested")]
    # With no other mentor the mentee waits, and the old pair stays out of the next rounds too.
    alone = [p for p in people if p.id != "T2"]
    rnd, result, records = _rematch(alone, config, previous, [ChangeRequest("replace", "S1")])
    assert result_triples(result) == [] and records[0]["change"] == "dissolved"
    doc = result_document(result)
    from matcher.rematch import _extend

    _extend(rnd, "en", "en", result, doc)
    _, later, _ = _rematch(alone, config, previous_from_document(doc, "r2"))
    assert result_triples(later) == []


def test_a_pair_whose_consent_was_withdrawn_is_dissolved_with_the_rule_it_breaks():
    config = load_config()
    people = [_person("T1", "mentor"), _person("S1", "mentee", consent=False), _person("S2", "mentee")]
    previous = _previous([("S1", "T1", "teacher_student")])
    rnd, result, records = _rematch(people, config, previous)
    assert result_triples(result) == [("S2", "T1", "teacher_student")]
    dissolved = next(r for r in records if r["mentee_id"] == "S1")
    assert dissolved["change"] == "dissolved" and dissolved["cause"] == "rule_broken"
    assert [rule["code"] for rule in dissolved["params"]["rules"]] == ["consent"]


def test_repair_moves_a_pair_only_to_pair_someone_and_names_who_gained():
    config = load_config()
    people = [_person("T1", "mentor"), _person("T2", "mentor"),
              _person("S1", "mentee", interests=["chess"]), _person("S2", "mentee", avoid=["T2"])]
    previous = _previous([("S1", "T1", "teacher_student")], waiting={"S2": 1})
    _, kept, _ = _rematch(people, config, previous, (), "keep")
    assert result_triples(kept) == [("S1", "T1", "teacher_student")]  # S2 can only take T1: keep leaves them out
    _, repaired, records = _rematch(people, config, previous, (), "repair")
    assert sorted(result_triples(repaired)) == [("S1", "T2", "teacher_student"), ("S2", "T1", "teacher_student")]
    moved = next(r for r in records if r["mentee_id"] == "S1")
    assert (moved["change"], moved["cause"], moved["params"]) == ("moved", "made_room", {"mentees": ["S2"]})
    new = next(r for r in records if r["mentee_id"] == "S2")
    assert (new["change"], new["cause"]) == ("new", "waited")


@pytest.mark.parametrize("waiting_priority, winner", [(1, "S2"), (0, "S3")])
def test_a_mentee_who_waited_in_earlier_rounds_goes_first(waiting_priority, winner):
    config = load_config(overrides={"rematch": {"waiting_priority": waiting_priority}})
    # S3 is new and scores higher with T1 (shared interests); S2 waited a round.
    people = [_person("T1", "mentor", interests=["chess", "music"]), _person("S2", "mentee"),
              _person("S3", "mentee", interests=["chess", "music"])]
    _, result, _ = _rematch(people, config, _previous([], waiting={"S2": 1}))
    assert result_triples(result) == [(winner, "T1", "teacher_student")]


def test_a_mentor_whose_capacity_fell_keeps_the_best_scored_pairs_in_keep_mode():
    config = load_config()
    people = [_person("T1", "mentor", capacity=1, interests=["chess"]), _person("S1", "mentee"),
              _person("S2", "mentee", interests=["chess"])]
    previous = _previous([("S1", "T1", "teacher_student"), ("S2", "T1", "teacher_student")])
    _, result, records = _rematch(people, config, previous)
    assert result_triples(result) == [("S2", "T1", "teacher_student")]
    assert [(r["mentee_id"], r["change"], r["cause"]) for r in records if r["change"] != "kept"] == \
        [("S1", "dissolved", "capacity_reduced")]


def test_an_edited_pairs_table_with_unknown_ids_or_over_capacity_is_rejected_row_by_row():
    config = load_config()
    people = [_person("T1", "mentor", capacity=1), _person("S1", "mentee"), _person("S2", "mentee")]
    pairs = [PreviousPair("S1", "T1", None, "pairs.csv", 2), PreviousPair("S2", "T1", None, "pairs.csv", 3),
             PreviousPair("S9", "T1", None, "pairs.csv", 4), PreviousPair("S1", "T7", None, "pairs.csv", 5)]
    previous = Previous("pairs.csv", "pairs", pairs, ["pairs.csv"],
                        headers={"mentor_id": "Код наставника", "mentee_id": "Код наставляемого"})
    with pytest.raises(InputRejected) as caught:
        prepare_round(people, config, previous, [])
    found = {(p.code, p.file, p.row, p.column) for p in caught.value.report.errors}
    assert found == {("rematch.unknown_mentee", "pairs.csv", 4, "Код наставляемого"),
                     ("rematch.unknown_mentor", "pairs.csv", 5, "Код наставника"),
                     ("rematch.over_capacity", "pairs.csv", 3, "Код наставника")}


def test_a_coarser_score_step_in_repairs_first_solve_is_said_and_a_full_one_is_not():
    from matcher.rematch.words import resolution_note

    coarse = resolution_note({"score_step": 0.01, "finest_score_step": 0.001}, "ru")
    assert "0,01" in coarse and "0,001" in coarse
    assert "0.01 instead of 0.001" in resolution_note({"score_step": 0.01, "finest_score_step": 0.001}, "en")
    assert resolution_note({"score_step": 0.001, "finest_score_step": 0.001}, "en") == ""
    assert resolution_note(None, "en") == ""
