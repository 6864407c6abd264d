"""The candidate graph at region scale: no mentees × mentors array is held, nor built (the
rules run in chunks of mentees), and what explanations read of the blocked pairs — counts
per rule, near misses, one pair's reasons — is what the rules say pair by pair."""
from __future__ import annotations

import tracemalloc
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import constraints, graph as graph_module
from matcher.arrays import build_roster
from matcher.config import load_config
from matcher.graph import FORBIDDEN_BIT, FORM_COMPAT_BIT, MIN_SCORE_BIT, build_graph, deciding_reasons
from matcher.models import Participant
from strategies import examples, programmes

RULE_BIT = constraints.RULE_BIT


def _reference(roster, graph, forbids) -> tuple[np.ndarray, np.ndarray]:
    """Every pair's reason mask and form, pair by pair: the form where it fails the fewest
    rules (the first such); 0 for a candidate; forbidden or min_score for a pair that passes
    every rule of a form but is not a candidate."""
    nt, nm = roster.mentees.n, roster.mentors.n
    mask = np.full((nt, nm), FORM_COMPAT_BIT, dtype=np.uint32)
    form = np.full((nt, nm), -1, dtype=np.int8)
    candidates = set(zip(graph.mentee.tolist(), graph.mentor.tolist()))
    banned = {tuple(p) for p in np.asarray(forbids).tolist()}
    for i in range(nt):
        for j in range(nm):
            best = None
            for f, form_id in enumerate(roster.form_ids):
                bit = 1 << f
                if not (int(roster.mentees.forms[i]) & bit and int(roster.mentors.forms[j]) & bit):
                    continue
                m = int(constraints.reasons_mask(roster, np.array([i]), np.array([j]), form_id)[0])
                if best is None or bin(m).count("1") < bin(best[0]).count("1"):
                    best = (m, f)
            if best is None:
                continue
            mask[i, j], form[i, j] = best
            if (i, j) in candidates:
                mask[i, j] = 0
            elif best[0] == 0:
                mask[i, j] = FORBIDDEN_BIT if (i, j) in banned else MIN_SCORE_BIT
    return mask, form


@settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))
@given(programme=programmes(mentees=(1, 9), mentors=(1, 7)), data=st.data())
def test_blocked_pairs_read_from_the_graph_are_what_the_rules_say_pair_by_pair(programme, data):
    roster = build_roster(programme.participants, programme.config)
    pairs = [(i, j) for i in range(roster.mentees.n) for j in range(roster.mentors.n)]
    forbids = np.array(data.draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True)),
                       dtype=np.int64).reshape(-1, 2)
    # Small chunks of mentees, and near misses past a small store recomputed on demand.
    block = data.draw(st.sampled_from([1, 5, 40, graph_module.BLOCK_PAIRS]))
    kept = data.draw(st.sampled_from([0, 4, graph_module.NEAR_PAIRS_KEPT]))
    with mock.patch.object(graph_module, "BLOCK_PAIRS", block), mock.patch.object(graph_module, "NEAR_PAIRS_KEPT", kept):
        graph = build_graph(roster, forbids)
        _check_against_the_rules(roster, graph, forbids)


def _check_against_the_rules(roster, graph, forbids):
    mask, form = _reference(roster, graph, forbids)
    reduced = deciding_reasons(mask)
    blocked = mask != 0
    for n, code in enumerate(constraints.RULE_CODES):
        bit = RULE_BIT[code]
        assert graph.blocked_counts[:, n].tolist() == np.count_nonzero(reduced & bit, axis=1).tolist(), code
        assert graph.blocked_only_counts[:, n].tolist() == np.count_nonzero(reduced == bit, axis=1).tolist(), code
        assert graph.mentor_blocked_counts[:, n].tolist() == np.count_nonzero(reduced & bit, axis=0).tolist(), code
    near = graph_module.single_near_rule(mask)
    assert graph.near_per_mentee.tolist() == np.count_nonzero(near, axis=1).tolist()
    r, k, bits, forms = graph.near_misses(np.arange(roster.mentees.n))
    assert list(zip(r.tolist(), k.tolist())) == list(zip(*np.nonzero(near)))
    assert bits.tolist() == mask[near].tolist()
    assert forms.tolist() == form[near].tolist()
    for i in range(roster.mentees.n):
        row_mask, row_form = graph.blocked_row(i)
        assert row_mask.tolist() == mask[i].tolist()
        assert row_form[blocked[i]].tolist() == form[i][blocked[i]].tolist()
        assert graph.shares_form(i) == bool((form[i] >= 0).any())
        for j in range(roster.mentors.n):
            assert graph.reason_mask(i, j) == int(mask[i, j])
            if mask[i, j]:
                assert graph.reason_form(i, j) == int(form[i, j])
    assert sorted(map(tuple, graph.pairs_blocked_only_by("forbidden").tolist())) == \
        sorted(zip(*np.nonzero(mask == FORBIDDEN_BIT)))


def _person(pid, role, forms, **kw):
    category = "teacher" if role == "mentor" else "student"
    base = dict(id=pid, name=f"Person {pid}", role=role, category=category, forms=forms, consent=True,
                data_consent=True, guardian_consent=True, trained=True, age=40 if role == "mentor" else 12)
    return Participant(**{**base, **kw})


def test_a_blocked_pair_has_the_reasons_of_the_form_where_it_came_closest():
    """R1 (untrained, physics) and E1, E3 (math) share teacher_student (same subject, mentees
    up to 13) and adult_child (trained mentors only). E1 (15) fails two rules in
    teacher_student and one in adult_child: training, in adult_child. E3 (12) fails one in
    each: the first form in configuration order decides, same subject in teacher_student.
    E2 shares no form with R1."""
    config = load_config(overrides={"forms": {"adult_child": {"require_trained": True},
                                              "teacher_student": {"same_subject": True, "mentee_max_age": 13}}})
    both = ["teacher_student", "adult_child"]
    people = [_person("R1", "mentor", both, trained=False, subjects=["physics"]),
              _person("E1", "mentee", both, age=15, subjects=["math"]),
              _person("E2", "mentee", ["student_student"], age=12),
              _person("E3", "mentee", both, age=12, subjects=["math"])]
    roster = build_roster(people, config)
    graph = build_graph(roster)
    e1, e2, e3 = (roster.mentees.index[x] for x in ("E1", "E2", "E3"))
    r1 = roster.mentors.index["R1"]
    assert graph.n_edges == 0
    assert graph.reason_mask(e1, r1) == RULE_BIT["trained"]
    assert roster.form_ids[graph.reason_form(e1, r1)] == "adult_child"
    assert graph.reason_mask(e3, r1) == RULE_BIT["same_subject"]
    assert roster.form_ids[graph.reason_form(e3, r1)] == "teacher_student"
    assert graph.reason_mask(e2, r1) == FORM_COMPAT_BIT and graph.reason_form(e2, r1) == -1
    assert not graph.shares_form(e2) and graph.shares_form(e1)
    codes = constraints.RULE_CODES
    assert {codes[n] for n in np.flatnonzero(graph.blocked_counts[e1])} == {"trained"}
    assert {codes[n] for n in np.flatnonzero(graph.mentor_blocked_counts[r1])} == \
        {"trained", "same_subject", "form_compat"}
    r, k, bits, forms = graph.near_misses(np.array([e3, e1]))
    assert r.tolist() == [0, 1] and bits.tolist() == [RULE_BIT["same_subject"], RULE_BIT["trained"]]


def test_the_graph_holds_no_array_of_every_mentee_with_every_mentor():
    people = [_person(f"R{k}", "mentor", ["teacher_student"]) for k in range(40)]
    people += [_person(f"E{k}", "mentee", ["teacher_student"], consent=k % 3 != 0) for k in range(60)]
    roster = build_roster(people, load_config())
    graph = build_graph(roster)
    n_pairs = roster.mentees.n * roster.mentors.n
    held = {name: v.size for name, v in vars(graph).items() if isinstance(v, np.ndarray)}
    # Edges scale with the candidates; nothing else may scale with all the pairs.
    assert all(size < n_pairs for name, size in held.items()
               if name not in ("mentee", "mentor", "form", "components", "score", "score_int")), held


def test_building_the_graph_needs_memory_for_a_chunk_of_mentees_not_for_every_pair(monkeypatch):
    """No candidate pair at all (no mentor gave consent): what building allocates at its
    peak is bounded by the chunk of pairs evaluated at once, not by mentees × mentors."""
    people = [_person(f"R{k}", "mentor", ["teacher_student"], consent=False) for k in range(1000)]
    people += [_person(f"E{k}", "mentee", ["teacher_student"]) for k in range(2000)]
    roster = build_roster(people, load_config())
    monkeypatch.setattr(graph_module, "BLOCK_PAIRS", 20_000)
    monkeypatch.setattr(graph_module, "NEAR_PAIRS_KEPT", 20_000)
    tracemalloc.start()
    try:
        graph = build_graph(roster)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert graph.n_edges == 0
    n_pairs = roster.mentees.n * roster.mentors.n
    assert graph.blocked_counts[:, constraints.RULE_CODES.index("consent")].sum() == n_pairs
    assert peak < n_pairs  # under a byte per pair; a dense uint32 reason matrix alone is four
    # Every pair is a near miss (consent alone): past the store, the rows are recomputed.
    assert not graph.near_stored.all() and graph.near_count(np.arange(roster.mentees.n)) == n_pairs
    r, k, bits, _ = graph.near_misses(np.array([0, roster.mentees.n - 1]))
    assert r.tolist() == [0] * roster.mentors.n + [1] * roster.mentors.n
    assert set(bits.tolist()) == {RULE_BIT["consent"]}
