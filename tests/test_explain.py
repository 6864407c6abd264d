"""Explanations in result.json: why each pair, why not the alternatives, why a mentee has no
pair and which single change would give them one.

Hand-worked programmes pin the numbers (the interests component alone scores the pairs, so
each score is a ratio one can check by eye); properties on random programmes check that the
residual-graph cost of forcing a pair is what a real re-solve with that pair locked costs,
and that every suggested change, applied to the input and re-run, pairs the mentee.
"""
from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from checker import allowed_forms, assignment_violations
from matcher.arrays import build_roster
from matcher.config import load_config
from matcher.explain import Limits, _patched_roster, _row_edges, add_explanations, apply_change
from matcher.graph import build_graph
from matcher.models import Participant
from matcher.pipeline import PairSpec, match
from matcher.results import result_document
from matcher.solve import Lock, solve
from strategies import examples, programmes

INTERESTS_ONLY = {"weights": {"interests": 1.0, "needs": 0.0, "mirror": 0.0, "psych": 0.0, "ranking": 0.0,
                              "availability": 0.0}}


def _person(pid, role, category, forms, **kw):
    base = dict(id=pid, name=f"Person {pid}", role=role, category=category, forms=forms, consent=True,
                data_consent=True, guardian_consent=True, trained=True, age=40 if category != "student" else 12)
    return Participant(**{**base, **kw})


def teacher(pid, interests, **kw):
    return _person(pid, "mentor", "teacher", ["teacher_student"], interests=interests, **kw)


def pupil(pid, interests, **kw):
    return _person(pid, "mentee", "student", ["teacher_student"], interests=interests, **kw)


def explained(people, config=None, specs=None, limits=None):
    config = config or load_config(overrides=INTERESTS_ONLY)
    result = match(people, config, pair_specs=specs)
    doc = result_document(result)
    add_explanations(doc, result, limits=limits)
    return result, doc


def three_mentors_four_mentees():
    """R1 {a,b,f}, R2 {c,d}, R3 {e}, one place each. Scores (shared / smaller set):
         E1 {a,b,f,c}: R1 1, R2 1/2, R3 0      E2 {a,c,d}: R1 1/3, R2 1, R3 0
         E3 {e}: R3 1 (avoids R1, R2)           E4 {a,b,y}: R1 2/3 (avoids R2, R3)
    The optimum E1-R1, E2-R2, E3-R3 scores 3; E4 is left without a pair."""
    return [teacher("R1", ["a", "b", "f"]), teacher("R2", ["c", "d"]), teacher("R3", ["e"]),
            pupil("E1", ["a", "b", "f", "c"]), pupil("E2", ["a", "c", "d"]),
            pupil("E3", ["e"], avoid=["R1", "R2"]), pupil("E4", ["a", "b", "y"], avoid=["R2", "R3"])]


def _pair(doc, mentor, mentee):
    return next(p for p in doc["pairs"] if p["mentor_id"] == mentor and p["mentee_id"] == mentee)


def _unmatched(doc, mentee):
    return next(u for u in doc["unmatched"] if u["mentee_id"] == mentee)


def _alt(explanation, mentor):
    return next(a for a in explanation["alternatives"] if a["mentor_id"] == mentor)


# --- Hand-worked: 3 mentors x 4 mentees --------------------------------------------------------

def test_the_hand_worked_optimum_is_the_one_the_explanations_talk_about():
    _, doc = explained(three_mentors_four_mentees())
    assert sorted((p["mentor_id"], p["mentee_id"]) for p in doc["pairs"]) == [("R1", "E1"), ("R2", "E2"), ("R3", "E3")]
    assert [u["mentee_id"] for u in doc["unmatched"]] == ["E4"]


def test_a_pair_names_its_ranks_on_both_sides():
    _, doc = explained(three_mentors_four_mentees())
    e1 = _pair(doc, "R1", "E1")["explanation"]
    assert (e1["mentor_rank"], e1["mentor_candidates"]) == (1, 3)  # R1 1 > R2 1/2 > R3 0
    assert (e1["mentee_rank"], e1["mentee_candidates"]) == (1, 3)  # E1 1 > E4 2/3 > E2 1/3
    e2 = _pair(doc, "R2", "E2")["explanation"]
    assert (e2["mentor_rank"], e2["mentor_candidates"]) == (1, 3)
    assert (e2["mentee_rank"], e2["mentee_candidates"]) == (1, 2)  # E2 1 > E1 1/2


def test_forcing_the_second_choice_counts_who_is_displaced_and_the_score_lost():
    """E1 with R2 (1/2) frees R1, which E4 (2/3) takes; E2 loses R2: 3 -> 1/2 + 2/3 + 1."""
    _, doc = explained(three_mentors_four_mentees())
    alt = _alt(_pair(doc, "R1", "E1")["explanation"], "R2")
    assert alt["status"] == "taken" and alt["mentees"] == ["E2"]
    forcing = alt["forcing"]
    assert forcing["method"] == "residual" and forcing["feasible"]
    assert forcing["matched_delta"] == 0
    assert forcing["levels"]["score"] == -(1000 + 1000) + (500 + 667)
    assert forcing["score_delta"] == pytest.approx(-(2 - 0.5 - 2 / 3), abs=1e-3)
    assert sorted((m["mentee_id"], m["from"], m["to"]) for m in forcing["moves"]) == \
        [("E2", "R2", None), ("E4", None, "R1")]


def test_forcing_a_mentor_whose_only_other_mentee_has_no_one_else_drops_that_mentee():
    """E1 with R3 (0) leaves E3 without a pair; R1 goes to E4: 3 -> 0 + 2/3 + 1."""
    _, doc = explained(three_mentors_four_mentees())
    forcing = _alt(_pair(doc, "R1", "E1")["explanation"], "R3")["forcing"]
    assert forcing["levels"] == {"matched": 0, "score": -(1000 + 1000) + 667}
    assert sorted((m["mentee_id"], m["from"], m["to"]) for m in forcing["moves"]) == \
        [("E3", "R3", None), ("E4", None, "R1")]


def test_alternatives_are_ordered_by_score_and_a_blocked_mentor_shows_its_rule():
    _, doc = explained(three_mentors_four_mentees())
    e3 = _pair(doc, "R3", "E3")["explanation"]
    assert [a["status"] for a in e3["alternatives"]] == ["blocked", "blocked"]
    assert [a["mentor_id"] for a in e3["alternatives"]] == ["R1", "R2"]  # both would score 0: by id
    rule = e3["alternatives"][0]["rules"][0]
    assert rule["code"] == "avoid" and rule["details"]["mentor_id"] == "R1"
    e1 = _pair(doc, "R1", "E1")["explanation"]
    scores = [a["score"] for a in e1["alternatives"]]
    assert scores == sorted(scores, reverse=True)


def test_an_unmatched_mentee_with_taken_candidates_says_who_took_them_and_what_forcing_costs():
    _, doc = explained(three_mentors_four_mentees())
    ex = _unmatched(doc, "E4")["explanation"]
    assert ex["why"] == "candidates_taken"
    assert ex["blocked_by"] == {"avoid": 2}
    (cand,) = ex["candidates"]
    assert (cand["mentor_id"], cand["status"], cand["mentees"]) == ("R1", "taken", ["E1"])
    # E4 takes R1 (2/3); E1 loses out (R2 stays with E2: 1 beats E1's 1/2 there).
    assert cand["forcing"]["levels"] == {"matched": 0, "score": 667 - 1000}
    assert [(m["mentee_id"], m["to"]) for m in cand["forcing"]["moves"]] == [("E1", None)]


def test_one_more_place_for_the_taken_mentor_is_a_verified_suggestion():
    _, doc = explained(three_mentors_four_mentees())
    suggestions = _unmatched(doc, "E4")["explanation"]["suggestions"]
    assert suggestions[0]["change"] == "capacity" and suggestions[0]["mentor_id"] == "R1"
    assert suggestions[0]["params"] == {"from": 1, "to": 2}
    assert suggestions[0]["verified"] is True
    effect = suggestions[0]["effect"]
    assert effect["mentor_id"] == "R1" and effect["matched_delta"] == 1 and effect["moves"] == []
    assert effect["levels"]["score"] == 667


def test_the_near_miss_budget_counts_the_near_misses_scored_not_every_pair_of_the_rows():
    """Three mentees without consent, one mentor of their form (M1) among four: each has one
    near miss (M1, consent). With room for 4 scored pairs per chunk (one row: 4 mentors) and
    8 in all, the three rows score 3 near misses: every one is listed, nothing is partial."""
    others = [_person(f"M{n}", "mentor", "teacher", ["teacher_teacher"]) for n in (2, 3, 4)]
    people = [teacher("M1", ["a"]), *others] + [pupil(f"E{n}", ["a"], consent=False) for n in (1, 2, 3)]
    _, doc = explained(people, limits=Limits(near_miss_pairs=4))
    assert len(doc["unmatched"]) == 3
    for u in doc["unmatched"]:
        assert [(m["mentor_id"], m["code"]) for m in u["explanation"]["near_misses"]] == [("M1", "consent")]
    assert "explain.note.near_misses_partial" not in {n["code"] for n in doc["explanations"]["notes"]}


def test_near_misses_of_an_unmatched_mentee_carry_the_rule_details():
    _, doc = explained(three_mentors_four_mentees())
    near = _unmatched(doc, "E4")["explanation"]["near_misses"]
    assert sorted(n["mentor_id"] for n in near) == ["R2", "R3"]
    assert all(n["code"] == "avoid" and n["details"]["mentee_id"] == "E4" for n in near)


# --- Suggestions of other kinds, hand-worked ----------------------------------------------------

def test_a_missing_consent_of_the_mentee_is_suggested_and_pairs_them():
    people = [teacher("R1", ["a"]), pupil("E1", ["a"], data_consent=False)]
    _, doc = explained(people)
    ex = _unmatched(doc, "E1")["explanation"]
    assert ex["why"] == "no_candidate" and ex["blocked_by"] == {"consent": 1}
    (s,) = ex["suggestions"]
    assert s["change"] == "consent" and s["method"] == "incremental_flow"
    assert s["params"]["missing"] == [{"who": "mentee", "id": "E1", "consent": "data_consent"}]
    assert s["effect"]["mentor_id"] == "R1" and s["effect"]["matched_delta"] == 1


def test_a_suggestions_effect_counts_the_score_of_the_mentees_new_pair():
    """R1 has a free place: the change pairs E1 with R1 and moves nobody, so the sum of scores
    grows by that pair's score (one shared interest of two: 1/2)."""
    people = [teacher("R1", ["a", "c"]), pupil("E1", ["a", "b"], data_consent=False)]
    _, doc = explained(people)
    (s,) = _unmatched(doc, "E1")["explanation"]["suggestions"]
    assert s["effect"]["moves"] == [] and s["effect"]["levels"]["score"] == 500
    assert s["effect"]["score_delta"] == pytest.approx(0.5)


def test_an_untrained_mentor_and_a_too_small_age_gap_are_suggested_for_adult_child():
    """«Мы вместе» needs a trained mentor at least 9 years older. R1 is untrained; R2 is only
    6 years older than the child (by birth dates): each is one rule away."""
    child = _person("E1", "mentee", "student", ["adult_child"], birth_date=dt.date(2012, 3, 1), interests=["a"])
    r1 = _person("R1", "mentor", "parent", ["adult_child"], age=45, trained=False, interests=["a"])
    r2 = _person("R2", "mentor", "university_student", ["adult_child"], birth_date=dt.date(2006, 3, 1),
                 interests=["a"])
    _, doc = explained([r1, r2, child])
    kinds = {(s["change"], s.get("mentor_id")): s for s in _unmatched(doc, "E1")["explanation"]["suggestions"]}
    assert kinds[("trained", "R1")]["effect"]["mentor_id"] == "R1"
    gap = kinds[("age_gap", None)]
    assert gap["params"] == {"form": "adult_child", "from": 9.0, "to": 6}
    assert gap["effect"]["mentor_id"] == "R2"


def test_a_relaxed_age_gap_for_ages_in_whole_years_is_the_gap_they_prove():
    """Ages 20 and 14 in whole years may be only 5 years and a day apart: lowering the minimum
    to 6 would not pair them, to 5 does."""
    child = _person("E1", "mentee", "student", ["adult_child"], age=14, interests=["a"])
    r2 = _person("R2", "mentor", "university_student", ["adult_child"], age=20, interests=["a"])
    _, doc = explained([r2, child])
    (gap,) = [s for s in _unmatched(doc, "E1")["explanation"]["suggestions"] if s["change"] == "age_gap"]
    assert gap["params"] == {"form": "adult_child", "from": 9.0, "to": 5}
    assert gap["effect"]["mentor_id"] == "R2"


def test_a_mentees_hard_wish_is_suggested_as_optional():
    people = [teacher("R1", ["a"], gender="m"), pupil("E1", ["a"], want_gender="f", hard_wishes=["gender"])]
    _, doc = explained(people)
    (s,) = _unmatched(doc, "E1")["explanation"]["suggestions"]
    assert (s["change"], s["params"]) == ("hard_wish", {"who": "mentee", "id": "E1", "wish": "gender"})
    assert s["method"] == "incremental_flow"


def test_a_change_that_would_pair_someone_else_is_not_suggested():
    """R1 (one place) is untrained, so neither child has a mentor. Training R1 pairs E1 (score
    1 against E2's 0): it is a suggestion for E1 and not for E2."""
    def child(pid, interests):
        return _person(pid, "mentee", "student", ["adult_child"], age=10, interests=interests)

    r1 = _person("R1", "mentor", "parent", ["adult_child"], age=45, trained=False, interests=["a"])
    _, doc = explained([r1, child("E1", ["a"]), child("E2", ["b"])])
    for_e1 = [s["change"] for s in _unmatched(doc, "E1")["explanation"]["suggestions"]]
    for_e2 = [s["change"] for s in _unmatched(doc, "E2")["explanation"]["suggestions"]]
    assert "trained" in for_e1 and "trained" not in for_e2


def test_a_locked_pair_lists_alternatives_without_forcing_them():
    people = three_mentors_four_mentees()
    _, doc = explained(people, specs=[PairSpec("R2", "E1", "lock", file="consilium.csv", row=2)])
    ex = _pair(doc, "R2", "E1")["explanation"]
    assert ex["locked"] is True
    assert ex["alternatives"] and all("forcing" not in a for a in ex["alternatives"])


def test_the_analysis_counts_blocks_by_rule_and_contributions_by_component():
    _, doc = explained(three_mentors_four_mentees())
    analysis = doc["analysis"]
    assert analysis["rules"]["avoid"] == {"pairs_blocked": 4, "only_reason": 4}
    assert analysis["components"]["interests"]["total_contribution"] == pytest.approx(3.0)
    assert analysis["match_rate"]["overall"] == {"mentees": 4, "matched": 3, "rate": 0.75}
    assert analysis["match_rate"]["by_form"]["teacher_student"]["rate"] == 0.75


def test_candidate_lists_rank_each_mentees_best_mentors():
    _, doc = explained(three_mentors_four_mentees())
    assert [(c["mentor_id"], c["status"]) for c in doc["candidates"]["E1"]] == \
        [("R1", "chosen"), ("R2", "taken"), ("R3", "taken")]
    assert [c["mentor_id"] for c in doc["candidates"]["E4"]] == ["R1"]
    assert [c["rank"] for c in doc["candidates"]["E2"]] == [1, 2, 3]


def test_a_mentor_explanation_gives_load_capacity_and_members():
    people = three_mentors_four_mentees() + [teacher("R4", ["z"], capacity=2)]
    _, doc = explained(people)
    r4 = next(m for m in doc["mentors"] if m["mentor_id"] == "R4")["explanation"]
    assert (r4["status"], r4["load"], r4["capacity"], r4["free"]) == ("free_places", 1, 2, 1)
    r1 = next(m for m in doc["mentors"] if m["mentor_id"] == "R1")["explanation"]
    assert r1["status"] == "full" and [t["mentee_id"] for t in r1["mentees"]] == ["E1"]


# --- Properties on random programmes ------------------------------------------------------------

FLOWS = settings(max_examples=examples(40), deadline=None, suppress_health_check=list(HealthCheck))


@FLOWS
@given(programmes(mentees=(1, 8), mentors=(1, 6)))
def test_every_pair_and_every_unmatched_mentee_has_an_explanation(programme):
    result = match(programme.participants, programme.config, time_limit=20)
    if result.solution.status != "OPTIMAL":
        return
    doc = result_document(result)
    add_explanations(doc, result)
    assert all("explanation" in p for p in doc["pairs"])
    assert all("explanation" in u for u in doc["unmatched"])
    assert all("explanation" in m for m in doc["mentors"])
    assert set(doc["candidates"]) == {u["mentee_id"] for u in doc["unmatched"]} | {p["mentee_id"] for p in doc["pairs"]}
    assert doc["explanations"]["top_k"] == programme.config.program.candidates_per_mentee


@FLOWS
@given(programmes(mentees=(1, 8), mentors=(1, 6), groups=False), st.sampled_from(["mentee", "form"]))
def test_candidates_and_alternatives_are_the_best_by_score_then_mentor_id(programme, per):
    config = programme.config.model_copy(update={"program": programme.config.program.model_copy(
        update={"one_mentor_per": per})})
    result = match(programme.participants, config, time_limit=20)
    if result.solution.status == "OPTIMAL":
        doc = result_document(result)
        add_explanations(doc, result)
        _assert_ranked(result, doc, per == "form")


def test_alternatives_per_form_rank_the_mentors_of_that_form():
    """One mentor per form, two forms in common: each pair's alternatives are the mentors of
    its own form, best first (the edges of a slot are not next to one another in the graph)."""
    forms = ["teacher_student", "adult_child"]
    people = [_person("E1", "mentee", "student", forms, interests=["a", "b", "c"]),
              _person("E2", "mentee", "student", forms, interests=["b", "c", "d"])]
    people += [_person(pid, "mentor", "teacher", forms, interests=interests)
               for pid, interests in [("R1", ["a"]), ("R2", ["a", "b"]), ("R3", ["c", "d"]), ("R4", ["b", "c", "x"]),
                                      ("R5", ["d"])]]
    config = load_config(overrides={**INTERESTS_ONLY, "program": {"one_mentor_per": "form"}})
    result, doc = explained(people, config)
    slots = result.graph.mentee * len(result.roster.form_ids) + result.graph.form
    assert (np.diff(slots) < 0).any()
    assert len(doc["pairs"]) >= 2
    _assert_ranked(result, doc, per_form=True)


def _assert_ranked(result, doc, per_form: bool) -> None:
    """Candidate lists, the candidates of an unpaired mentee and a pair's other mentors of its
    slot come in ranking order: best score first, then mentor id (ranked here by plain sorting,
    per mentee or, with one mentor per form, per mentee and form)."""
    g, roster, top_k = result.graph, result.roster, doc["explanations"]["top_k"]
    ranked: dict[tuple, list[tuple[str, str]]] = {}  # (mentee, form or None) -> [(mentor, form)]
    for e in sorted(range(g.n_edges), key=lambda e: (-int(g.score_int[e]), roster.mentors.ids[int(g.mentor[e])], e)):
        mentee, form = roster.mentees.ids[int(g.mentee[e])], roster.form_ids[int(g.form[e])]
        pair = (roster.mentors.ids[int(g.mentor[e])], form)
        ranked.setdefault((mentee, None), []).append(pair)
        ranked.setdefault((mentee, form), []).append(pair)
    for mentee, cands in doc["candidates"].items():
        assert [(c["mentor_id"], c["form"]) for c in cands] == ranked.get((mentee, None), [])[:top_k]
    for u in doc["unmatched"]:
        shown = [(c["mentor_id"], c["form"]) for c in u["explanation"]["candidates"]]
        assert shown == ranked.get((u["mentee_id"], None), [])[:top_k]
        assert u["explanation"]["candidates_total"] == len(ranked.get((u["mentee_id"], None), []))
    for p in doc["pairs"]:
        slot = (p["mentee_id"], p["form"] if per_form else None)
        others = [x for x in ranked[slot] if x != (p["mentor_id"], p["form"])]
        shown = [(a["mentor_id"], a["form"]) for a in p["explanation"]["alternatives"] if a["status"] != "blocked"]
        assert shown == others[:len(shown)]


@FLOWS
@given(programmes(mentees=(1, 9), mentors=(1, 6), groups=False, both=False))
def test_the_residual_forcing_cost_equals_a_real_resolve_with_the_pair_locked(programme):
    result = match(programme.participants, programme.config)
    if result.solution.proof != "flow":
        return
    doc = result_document(result)
    add_explanations(doc, result)
    roster, base = result.roster, result.solution
    checked = 0
    entries = [(p["mentee_id"], a) for p in doc["pairs"] for a in p["explanation"]["alternatives"]]
    entries += [(u["mentee_id"], c) for u in doc["unmatched"] for c in u["explanation"]["candidates"]]
    for mentee_id, alt in entries:
        if "forcing" not in alt:
            continue
        lock = Lock(roster.mentees.index[mentee_id], roster.mentors.index[alt["mentor_id"]], alt["form"])
        forced = solve(result.graph, [lock])
        if not alt["forcing"]["feasible"]:
            assert forced.status == "INFEASIBLE"
            continue
        assert forced.status == "OPTIMAL"
        assert forced.objective - base.objective == alt["forcing"]["objective_delta"]
        assert {k: forced.levels[k] - base.levels[k] for k in base.levels} == alt["forcing"]["levels"]
        checked += 1
    event(f"alternatives checked: {min(checked, 5)}+")


@FLOWS
@given(programmes(mentees=(1, 9), mentors=(1, 6), groups=False, both=False,
                  overrides={"program": {"one_mentor_per": "mentee", "min_score": 0.0}}))
def test_the_forced_assignment_a_forcing_describes_is_legal_and_holds_the_pair(programme):
    """Applying a forcing's moves to the pairs gives an assignment the independent checker
    accepts, with the forced pair in it."""
    result = match(programme.participants, programme.config)
    if result.solution.proof != "flow":
        return
    doc = result_document(result)
    add_explanations(doc, result)
    for p in doc["pairs"]:
        for alt in p["explanation"]["alternatives"]:
            if alt.get("forcing", {}).get("feasible"):
                _assert_forced_assignment_legal(programme, doc, p, alt)


def _assert_forced_assignment_legal(programme, doc, pair, alt):
    """The pairs with `pair`'s mentee moved to `alt`'s mentor and the forcing's moves made:
    every move starts where the mentee is, and the independent checker accepts the result."""
    by_id = {p.id: p for p in programme.participants}
    base = {p["mentee_id"]: p["mentor_id"] for p in doc["pairs"]}
    new = dict(base, **{pair["mentee_id"]: alt["mentor_id"]})
    for m in alt["forcing"]["moves"]:
        assert base.get(m["mentee_id"]) == m["from"]
        if m["to"] is None:
            del new[m["mentee_id"]]
        else:
            new[m["mentee_id"]] = m["to"]
    triples = [(t, r, allowed_forms(by_id[t], by_id[r], programme.config)[0]) for t, r in new.items()]
    assert not assignment_violations(programme.participants, programme.config, triples), alt


SUGGESTIONS = settings(max_examples=examples(30), deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("groups", [False, True], ids=["flow", "groups"])
def test_every_suggestion_applied_and_rerun_pairs_the_mentee(groups):
    @SUGGESTIONS
    @given(programmes(mentees=(1, 8), mentors=(1, 6), groups=groups, both=groups))
    def check(programme):
        result = match(programme.participants, programme.config, time_limit=20)
        if result.solution.status != "OPTIMAL":
            return
        doc = result_document(result)
        add_explanations(doc, result)
        for u in doc["unmatched"]:
            for s in u["explanation"]["suggestions"]:
                assert s["verified"] is True
                people, config = apply_change(programme.participants, programme.config, s)
                rerun = match(people, config, time_limit=20)
                paired = {rerun.roster.mentees.ids[int(i)] for i in rerun.matched_mentees()}
                assert u["mentee_id"] in paired, s
                event(f"{s['change']} by {s['method']}")

    check()


@FLOWS
@given(programmes(mentees=(1, 8), mentors=(1, 6), groups=False, both=False))
def test_a_mentee_level_change_rebuilds_the_row_a_full_rebuild_would(programme):
    """The incremental check recomputes one mentee's pairs; they equal a full rebuild's."""
    result = match(programme.participants, programme.config)
    roster = result.roster
    for i, p in enumerate(roster.mentees.participants):
        change = {"change": "consent", "params": {"missing": [
            {"who": "mentee", "id": p.id, "consent": c} for c in ("consent", "data_consent", "guardian_consent")]}}
        if p.hard_wishes:
            change = {"change": "hard_wish", "params": {"who": "mentee", "id": p.id, "wish": p.hard_wishes[0]}}
        row = _row_edges(_patched_roster(roster, change), i, np.zeros((0, 2), np.int64))
        people, config = apply_change(programme.participants, programme.config, change)
        full = build_graph(build_roster(people, config))
        mine = full.mentee == i
        assert row["mentor"].tolist() == full.mentor[mine].tolist()
        assert row["form"].tolist() == full.form[mine].tolist()
        assert row["score_int"].tolist() == full.score_int[mine].tolist()


def test_a_forcing_that_breaks_a_group_is_answered_on_the_cell_with_that_group_closed():
    """R1 leads a group of at least 2. The flow relaxation would give E1 to R1 and E2 to R2,
    leaving R1 a group of one, so the answer is E1 and E2 with R1. Forcing E2 onto R2 breaks
    R1's group: no assignment keeping it holds the pair, so R1's group closes and E1 has no
    mentor (what a re-solve with the pair locked gives). With the deadline already past,
    that answer is marked not computed in time, and counted."""
    people = [teacher("R1", ["a"], capacity=2, group_min=2), teacher("R2", ["b"]),
              pupil("E1", ["a"]), pupil("E2", ["b"])]
    result, doc = explained(people)
    assert sorted((p["mentor_id"], p["mentee_id"]) for p in doc["pairs"]) == [("R1", "E1"), ("R1", "E2")]
    assert doc["explanations"]["forcing_method"] == "residual_within_groups"
    alt = _alt(_pair(doc, "R1", "E2")["explanation"], "R2")
    assert alt["status"] == "free_place"
    assert alt["forcing"]["method"] == "residual" and alt["forcing"]["matched_delta"] == -1
    assert "within_groups" not in alt["forcing"]
    assert [(m["mentee_id"], m["from"], m["to"]) for m in alt["forcing"]["moves"]] == [("E1", "R1", None)]
    roster = result.roster
    forced = solve(result.graph, [Lock(roster.mentees.index["E2"], roster.mentors.index["R2"])])
    assert forced.objective - result.solution.objective == alt["forcing"]["objective_delta"]
    result = match(people, load_config())
    late = result_document(result)
    add_explanations(late, result, deadline=time.perf_counter() - 1.0)
    assert _alt(_pair(late, "R1", "E2")["explanation"], "R2")["forcing"] == {"checked": False, "reason": "deadline"}
    assert late["explanations"]["not_computed_in_time"]["alternatives"] >= 1
    assert late["summary"]["not_computed_in_time"] == late["explanations"]["not_computed_in_time"]
    assert "explain.note.not_computed_in_time" in {n["code"] for n in late["explanations"]["notes"]}


def test_an_answer_that_is_the_flow_relaxations_optimum_forces_exactly_on_the_residual_graph():
    """Group minimum 2 for R1, met by the flow answer itself: every forcing is answered on the
    residual graph of the optimum's groups, and the relaxation (the same flow) proves each
    one: none is left to regrouping or a re-solve."""
    people = [teacher("R1", ["a"], capacity=2, group_min=2), teacher("R2", ["b"]),
              pupil("E1", ["a"]), pupil("E2", ["a"]), pupil("E3", ["b"])]
    _, doc = explained(people)
    assert doc["explanations"]["forcing_method"] == "residual_within_groups"
    forcings = [a["forcing"] for p in doc["pairs"] for a in p["explanation"]["alternatives"] if "forcing" in a]
    assert forcings and all(f["checked"] and f["method"] == "residual" for f in forcings)
    assert not any(f.get("within_groups") for f in forcings) and doc["explanations"]["resolves"] == 0
    # E3 onto R1 keeps R1's group (3 >= 2) but R1 has 2 places: one of E1, E2 moves or drops.
    alt = _alt(_pair(doc, "R2", "E3")["explanation"], "R1")
    assert alt["forcing"]["method"] == "residual"


def test_explanations_are_deterministic():
    people = three_mentors_four_mentees()
    _, a = explained(people)
    _, b = explained(people)
    assert a == b


@FLOWS
@given(programmes(mentees=(2, 8), mentors=(1, 5), groups=False, both=False))
def test_with_a_lock_in_place_forcing_costs_what_a_resolve_with_both_locks_costs(programme):
    free = match(programme.participants, programme.config)
    if free.solution.proof != "flow" or not len(free.solution.edges):
        return
    roster, graph = free.roster, free.graph
    e = int(free.solution.edges[-1])  # keep one chosen pair locked
    spec = PairSpec(roster.mentors.ids[int(graph.mentor[e])], roster.mentees.ids[int(graph.mentee[e])], "lock",
                    roster.form_ids[int(graph.form[e])], file="consilium.csv", row=2)
    result = match(programme.participants, programme.config, pair_specs=[spec])
    if result.solution.proof != "flow":
        return
    doc = result_document(result)
    add_explanations(doc, result)
    for p in doc["pairs"]:
        for alt in p["explanation"]["alternatives"]:
            if not alt.get("forcing", {}).get("checked"):
                continue
            lock = Lock(roster.mentees.index[p["mentee_id"]], roster.mentors.index[alt["mentor_id"]], alt["form"])
            forced = solve(result.graph, list(result.locks) + [lock])
            if not alt["forcing"]["feasible"]:
                assert forced.status == "INFEASIBLE"
            else:
                assert forced.objective - result.solution.objective == alt["forcing"]["objective_delta"]


def test_forcing_costs_from_the_relaxation_on_a_group_programme_equal_real_resolves():
    """An optimum from branch and bound: a forcing answered from the relaxation's residual graph
    (impossible even in the relaxation, or a forced relaxed optimum that keeps every group rule)
    agrees with a re-solve with that pair locked."""
    from matcher.config import load_config
    from matcher.pipeline import match
    from matcher.results import result_document
    from matcher.sample import generate_school
    from matcher.solve import Lock, solve

    people = generate_school(200, seed=1)
    result = match(people, load_config())
    assert result.solution.proof == "flow_branch_and_bound"
    doc = result_document(result)
    add_explanations(doc, result)
    checked = 0
    roster, graph = result.roster, result.graph
    for pair in doc["pairs"]:
        for alt in pair["explanation"]["alternatives"]:
            forcing = alt.get("forcing") or {}
            if forcing.get("method") != "residual":
                continue
            i, k = roster.mentees.index[pair["mentee_id"]], roster.mentors.index[alt["mentor_id"]]
            forced = solve(graph, [Lock(i, k, alt["form"])])
            if forcing["feasible"]:
                assert forced.status == "OPTIMAL"
                assert forced.objective - result.solution.objective == forcing["objective_delta"]
            else:  # e.g. a mentor with no places: no legal assignment holds the pair
                assert forced.status == "INFEASIBLE"
            checked += 1
            if checked >= 6:
                return
    assert checked > 0


GROUPS = settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("regroup_pairs", [0, Limits().regroup_pairs], ids=["relaxation_bound", "regroup_cells"])
def test_why_not_this_mentor_in_a_group_programme_agrees_with_brute_force_resolves(regroup_pairs):
    """Every alternative of a group programme is answered, and each answer agrees with a
    re-solve with that pair locked: the same change of the objective, or, when marked
    within_groups, the re-solve's on every level but the last (the score), where it gains
    no more than the bound says. The assignment the answer describes is legal and holds
    the pair (the independent checker). Regrouping bounded by the relaxation alone, and by
    the cells of group decisions."""
    @GROUPS
    @given(programmes(mentees=(3, 10), mentors=(2, 5), group_rate=0.7, both=False,
                      overrides={"program": {"one_mentor_per": "mentee", "max_grade_spread": None}}))
    def check(programme):
        _check_forcings_against_resolves(programme, Limits(regroup_pairs=regroup_pairs))

    check()


def _check_forcings_against_resolves(programme, limits):
    result = match(programme.participants, programme.config, time_limit=20)
    if result.solution.status != "OPTIMAL" or result.solution.proof == "flow":
        return
    doc = result_document(result)
    add_explanations(doc, result, limits=limits)
    assert doc["explanations"]["not_computed_in_time"] == {"alternatives": 0, "changes": 0}
    roster, base = result.roster, result.solution
    names = base.objective_def.names
    for p in doc["pairs"]:
        for alt in p["explanation"]["alternatives"]:
            f = alt.get("forcing")
            if f is None:
                continue
            assert f["checked"], f
            lock = Lock(roster.mentees.index[p["mentee_id"]], roster.mentors.index[alt["mentor_id"]], alt["form"])
            forced = solve(result.graph, [lock], time_limit=20)
            if not f["feasible"]:
                assert forced.status == "INFEASIBLE"
                continue
            assert forced.status == "OPTIMAL"
            gain = {k: forced.levels[k] - base.levels[k] for k in names}
            if f.get("within_groups"):
                event("within groups")
                assert forced.objective - base.objective >= f["objective_delta"]
                assert all(gain[k] == f["levels"][k] for k in names[:-1])
                assert gain[names[-1]] <= f["bound"][names[-1]]
            else:
                event(f"exact by {f['method']}")
                assert forced.objective - base.objective == f["objective_delta"]
                assert gain == f["levels"]
            _assert_forced_assignment_legal(programme, doc, p, alt)


def test_a_deadline_passing_midway_marks_and_counts_every_answer_it_cuts(monkeypatch, capsys):
    """A clock the test drives: the deadline passes after a few readings, while the
    explanations of a 200-mentee school with groups are under way. Whatever was answered
    stands; every other alternative and change says "not computed in time", and the counts
    in the summary are exactly those marks."""
    import matcher.explain as explain
    from matcher.sample import generate_school

    result = match(generate_school(200, seed=1), load_config())
    assert result.solution.proof == "flow_branch_and_bound"
    clock = iter(range(10**6))
    monkeypatch.setattr(explain.time, "perf_counter", lambda: float(next(clock)))
    doc = result_document(result)
    add_explanations(doc, result, deadline=6.0)
    forcings = [a["forcing"] for p in doc["pairs"] for a in p["explanation"]["alternatives"] if "forcing" in a]
    forcings += [c["forcing"] for u in doc["unmatched"] for c in u["explanation"]["candidates"] if "forcing" in c]
    late = [f for f in forcings if not f["checked"]]
    assert late and all(f == {"checked": False, "reason": "deadline"} for f in late)
    assert len(late) == doc["explanations"]["not_computed_in_time"]["alternatives"]
    unchecked = [c for u in doc["unmatched"] for c in u["explanation"]["unchecked"]]
    assert all(c["reason"] == "deadline" and c["verified"] is False for c in unchecked)
    assert len(unchecked) == doc["explanations"]["not_computed_in_time"]["changes"] > 0
    for u in doc["unmatched"]:
        ex = u["explanation"]
        assert ex["suggestions"] or ex["unchecked"] or not ex["near_misses"], u["mentee_id"]
    assert doc["summary"]["not_computed_in_time"] == doc["explanations"]["not_computed_in_time"]
    from matcher.cli import print_summary

    print_summary(doc, "en", 1.0, "out")
    assert (f"Explanations not computed in time (--time-limit): alternatives: {len(late)}, changes: {len(unchecked)}"
            in capsys.readouterr().out)


@FLOWS
@given(programmes(mentees=(1, 9), mentors=(1, 6), group_rate=0.5), st.integers(0, 2 ** 32 - 1))
def test_the_side_check_of_a_small_change_agrees_with_checking_the_whole_assignment(programme, seed):
    """Forcings on a group programme ask "does this changed assignment break a side rule?"
    thousands of times: the incremental answer is the full check's, and so is the diff."""
    from matcher.explain import _SideCheck
    from matcher.solve import side_constraints

    roster = build_roster(programme.participants, programme.config)
    graph = build_graph(roster)
    if not graph.n_edges:
        return
    side = side_constraints(graph)
    capacity = roster.mentors.capacity.astype(np.int64)
    rng = np.random.default_rng(seed)
    base = rng.random(graph.n_edges) < 0.5
    chosen = rng.random(graph.n_edges) < 0.5
    check = _SideCheck(side, graph, base, capacity)
    chosen_edges = set(np.flatnonzero(chosen).tolist())
    extra, missing = check.base_edges - chosen_edges, chosen_edges - check.base_edges
    for _ in range(20):
        added = rng.choice(graph.n_edges, size=rng.integers(0, 4)).tolist()
        removed = rng.choice(graph.n_edges, size=rng.integers(0, 4)).tolist()
        forced = base.copy()
        forced[added] = True
        forced[removed] = False
        broken = bool(side.violations(graph, forced, capacity))
        event(f"breaks: {broken}")
        assert check.breaks(added, removed) == broken
        assert check.diff(chosen_edges, extra, missing, added, removed) == (
            np.flatnonzero(forced & ~chosen).tolist(), np.flatnonzero(chosen & ~forced).tolist())


def _explained_without_solving_the_relaxation(monkeypatch, result) -> dict:
    """The explained document, failing if the explanations solve the flow relaxation anew."""
    import matcher.explain as explain
    from matcher.solve import flow_with_locks

    def no_second_flow(*args, lower=None, **kwargs):
        if lower is None:  # cells of group decisions have bounds; the relaxation has none
            raise AssertionError("the relaxation was solved again")
        return flow_with_locks(*args, lower=lower, **kwargs)

    monkeypatch.setattr(explain, "flow_with_locks", no_second_flow)
    doc = result_document(result)
    add_explanations(doc, result)
    assert doc["explanations"]["forcing_method"] == "residual_within_groups"
    return doc


def test_explanations_of_a_group_programme_reuse_the_solvers_relaxed_optimum(monkeypatch):
    """The relaxation's optimum the group search started from is the one the explanations'
    residual graph needs: handed over with the solution, not solved a second time."""
    from matcher.sample import generate_school
    from matcher.solve import edges_of_locks, flow_with_locks
    from matcher.solve.objective import slot_of_edges

    result = match(generate_school(200, seed=1), load_config())
    sol, graph = result.solution, result.graph
    assert sol.proof == "flow_branch_and_bound"
    lock_edges = [e for e in edges_of_locks(graph, result.locks)[0] if e >= 0]
    again = flow_with_locks(graph, sol.objective_def, slot_of_edges(graph),
                            result.roster.mentors.capacity.astype(np.int64), lock_edges)
    assert np.array_equal(sol.relaxed, again)
    doc = _explained_without_solving_the_relaxation(monkeypatch, result)
    forcings = [a["forcing"] for p in doc["pairs"] for a in p["explanation"]["alternatives"] if "forcing" in a]
    assert forcings and all(f["checked"] and f["method"] == "residual" for f in forcings)


def test_building_the_document_pauses_the_cyclic_collector_and_restores_it():
    """The collector's passes over a heap of ~10^6 fresh objects were ~15 % of the stage."""
    import gc

    from matcher.sample import generate_school

    result = match(generate_school(120, seed=3), load_config())
    runs = []

    def seen(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        doc = result_document(result)
        add_explanations(doc, result)
    finally:
        gc.callbacks.remove(seen)
    assert runs == []
    assert gc.isenabled()
    gc.disable()
    try:
        result_document(result)
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()


def test_a_near_miss_names_the_form_its_listing_found_without_a_second_lookup(monkeypatch):
    """Near misses come with the form their rule refers to; blocked alternatives and the
    rules' details reuse it (a lookup per pair and rule was a tenth of the stage)."""
    from matcher.graph import CandidateGraph

    def no_lookup(self, i, j):
        raise AssertionError("reason_form looked up again")

    monkeypatch.setattr(CandidateGraph, "reason_form", no_lookup)
    _, doc = explained(three_mentors_four_mentees())
    e3 = _pair(doc, "R3", "E3")["explanation"]
    assert [(a["status"], a["form"]) for a in e3["alternatives"]] == [("blocked", "teacher_student")] * 2
    near = _unmatched(doc, "E4")["explanation"]["near_misses"]
    assert [n["form"] for n in near] == ["teacher_student"] * 2


def test_one_ranking_of_each_mentees_best_pairs_serves_alternatives_and_candidate_lists(monkeypatch):
    """Ranking candidate pairs is the costliest step of the lists: each slot's best pairs are
    found once per run when a mentee's slot is the mentee (one mentor per mentee), and only
    the unpaired mentees have every candidate ranked."""
    import matcher.explain as explain

    tops, rows = [], []
    top_ranked, ranked_rows = explain._top_ranked, explain._ranked_rows
    monkeypatch.setattr(explain, "_top_ranked", lambda run, *a: tops.append(1) or top_ranked(run, *a))
    monkeypatch.setattr(explain, "_ranked_rows", lambda run, r: rows.append(r.tolist()) or ranked_rows(run, r))
    result, doc = explained(three_mentors_four_mentees())
    assert len(tops) == 1
    assert rows == [[result.roster.mentees.index["E4"]]]
    assert [c["mentor_id"] for c in doc["candidates"]["E1"]] == ["R1", "R2", "R3"]
    assert _unmatched(doc, "E4")["explanation"]["candidates"][0]["mentor_id"] == "R1"


def test_a_mentor_with_places_left_is_told_the_other_suitable_mentees_have_pairs():
    """R1 takes two, R2 one. E1 {a} suits R1 best, E2 {b} suits R2 best (and R1 too): R1 keeps
    one place free because the one other suitable mentee, E2, has R2 and nobody is left."""
    people = [teacher("R1", ["a"], capacity=2), teacher("R2", ["b"]), pupil("E1", ["a"]), pupil("E2", ["b"]),
              pupil("E3", ["c"], consent=False)]  # E3 suits nobody: unpaired, but no candidate of R1
    result, doc = explained(people)
    assert {(p["mentor_id"], p["mentee_id"]) for p in doc["pairs"]} == {("R1", "E1"), ("R2", "E2")}
    r1 = next(m for m in doc["mentors"] if m["mentor_id"] == "R1")["explanation"]
    assert r1["status"] == "free_places"
    assert (r1["why_unused"], r1["others"]) == ("others_paired_elsewhere", 1)
    from matcher.wording import Words
    assert Words(doc, "ru", "terminal").unused(r1) == ("1 другой подходящий наставляемый получил другого наставника, а подходящих "
                                           "этому наставнику наставляемых без пары нет")
    assert Words(doc, "en", "terminal").unused(r1).startswith("1 other suitable mentee was paired with another mentor")


def test_an_answer_that_is_the_relaxations_optimum_comes_with_it_and_is_not_solved_again(monkeypatch):
    """When the relaxation's optimum keeps every side rule it is the answer (proof
    flow_relaxation_feasible): the solution hands it over, so the explanations' relaxed
    residual graph does not solve that flow a second time."""
    from matcher.sample import generate_school

    result = match(generate_school(200, seed=7), load_config())
    sol = result.solution
    assert sol.proof == "flow_relaxation_feasible"
    assert sol.relaxed is not None and np.array_equal(np.flatnonzero(sol.relaxed), sol.edges)
    _explained_without_solving_the_relaxation(monkeypatch, result)


def _explained_doc(result):
    doc = result_document(result)
    add_explanations(doc, result)
    return doc


def test_effects_of_a_few_edges_summed_in_python_are_the_arrays_effects(monkeypatch):
    """_small_effects (Python sums, moves from dicts) and the array path give the same
    document, every effect of every answer included."""
    import matcher.explain as explain
    from matcher.sample import generate_school

    result = match(generate_school(120, seed=3), load_config())
    monkeypatch.setattr(explain, "SMALL_EFFECTS", 0)
    arrays = _explained_doc(result)
    monkeypatch.setattr(explain, "SMALL_EFFECTS", 10 ** 9)
    python = _explained_doc(result)
    assert python == arrays
    assert any(a.get("forcing", {}).get("moves") for p in arrays["pairs"] for a in p["explanation"]["alternatives"])


def test_a_bound_the_relaxation_settles_asks_no_regrouping_cell(monkeypatch):
    """Callers only compare a bound with an answer; every regrouping cell lies within the
    relaxation, so where the relaxation's bound does not exceed the answers the cells are
    not asked: the same document, fewer residual-graph questions."""
    import matcher.explain as explain
    from matcher.sample import generate_school
    from matcher.solve.residual import FlowResidual

    result = match(generate_school(200, seed=7), load_config())
    asked = []
    deltas = FlowResidual.forcing_deltas
    monkeypatch.setattr(FlowResidual, "forcing_deltas", lambda self, edges: asked.append(1) or deltas(self, edges))
    filtered = _explained_doc(result)
    n_filtered, asked[:] = len(asked), []
    upper = explain._upper
    monkeypatch.setattr(explain, "_upper", lambda run, d, n, reached=None: upper(run, d, n))
    assert _explained_doc(result) == filtered
    assert n_filtered < len(asked)


def test_an_answer_without_proof_optimal_in_its_groups_is_explained_by_the_same_exact_machinery():
    """A group programme's optimum, said FEASIBLE and optimal in its cell of group decisions
    (as the solver marks an answer without proof that it made a flow optimum of that cell):
    every alternative is answered on the residual graph of its cell, the same answers as for
    the proven optimum, with the same bounds on regrouping; suggestions, which claim the optimum
    of the changed programme, are not verified from it incrementally. An answer the solver did
    not make optimal in its cell (a pair dropped) gets no residual answers (they would be
    wrong): re-solves, or "not computed in time"."""
    import dataclasses

    from matcher.sample import generate_school

    result = match(generate_school(200, seed=1), load_config())
    assert result.solution.status == "OPTIMAL" and result.solution.proof == "flow_branch_and_bound"
    proven = result_document(result)
    add_explanations(proven, result)
    assert proven["explanations"]["forcing_method"] == "residual_within_groups"

    result.solution = dataclasses.replace(result.solution, status="FEASIBLE", cell_optimal=True)
    unproven = result_document(result)
    add_explanations(unproven, result, deadline=time.perf_counter() + 60)
    assert unproven["explanations"]["forcing_method"] == "residual_within_groups"
    assert unproven["explanations"]["baseline_proven_optimal"] is False
    alternatives = [[a.get("forcing") for a in p["explanation"]["alternatives"]] for p in proven["pairs"]]
    assert [[a.get("forcing") for a in p["explanation"]["alternatives"]] for p in unproven["pairs"]] == alternatives
    assert all(f["checked"] for fs in alternatives for f in fs if f)
    methods = {s["method"] for u in unproven["unmatched"] for s in u["explanation"]["suggestions"]}
    assert methods <= {"resolve"}

    g = result.graph
    single = next(e for e in result.solution.edges.tolist() if result.roster.mentors.group_min[g.mentor[e]] <= 1)
    result.solution = dataclasses.replace(result.solution, edges=result.solution.edges[result.solution.edges != single],
                                          cell_optimal=False)
    worse = result_document(result)
    add_explanations(worse, result, deadline=time.perf_counter() + 2)
    assert worse["explanations"]["forcing_method"] == "resolve"
