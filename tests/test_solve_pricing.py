"""The priced flow (solve.flow._priced: a working set grown by reduced costs) reaches the
whole network's optimum, with and without lower bounds, on random networks where the
first working set (TOP_K edges per slot) leaves the optimum out."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from matcher.arrays import build_roster
from matcher.graph import build_graph
from matcher.solve import flow
from matcher.solve.objective import build_objective, slot_of_edges
from strategies import examples, programmes


def _network(seed: int, n_slots: int, n_mentors: int, density: float):
    rng = np.random.default_rng(seed)
    pairs = [(s, m) for s in range(n_slots) for m in range(n_mentors) if rng.random() < density]
    slot = np.array([p[0] for p in pairs], dtype=np.int64)
    mentor = np.array([p[1] for p in pairs], dtype=np.int64)
    # Priorities per slot on top of scores, as the lexicographic objective has them.
    prio = rng.integers(0, 3, n_slots) * 10_000 + 5_000
    value = prio[slot] + rng.integers(0, 1000, len(slot)) if len(slot) else np.zeros(0, np.int64)
    capacity = rng.integers(0, 4, n_mentors).astype(np.int64)
    return slot, mentor, value.astype(np.int64), capacity


def _total(value, chosen):
    return None if chosen is None else int(value[chosen].sum())


def _forced(monkeypatch, top_k: int):
    monkeypatch.setattr(flow, "PRICE_FROM", 0)
    monkeypatch.setattr(flow, "TOP_K", top_k)
    monkeypatch.setattr(flow, "PRICE_CHUNK", 7)  # several pricing chunks and partition blocks


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n_slots=st.integers(1, 25), n_mentors=st.integers(1, 12),
       density=st.floats(0.1, 1.0), top_k=st.integers(1, 3))
def test_priced_flow_reaches_the_exact_optimum(seed, n_slots, n_mentors, density, top_k):
    slot, mentor, value, capacity = _network(seed, n_slots, n_mentors, density)
    usable = np.random.default_rng(seed + 1).random(len(slot)) < 0.9
    exact = flow.solve_flow(slot, mentor, value, capacity, usable)
    with pytest.MonkeyPatch.context() as m:
        _forced(m, top_k)
        priced = flow.solve_flow(slot, mentor, value, capacity, usable)
    assert _total(value, priced) == _total(value, exact)
    assert np.all(usable[priced]) and np.bincount(slot[priced]).max(initial=0) <= 1
    assert np.all(np.bincount(mentor[priced], minlength=n_mentors) <= capacity)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_slots=st.integers(1, 20), n_mentors=st.integers(1, 8),
       top_k=st.integers(1, 2))
def test_priced_flow_with_lower_bounds(seed, n_slots, n_mentors, top_k):
    slot, mentor, value, capacity = _network(seed, n_slots, n_mentors, 0.6)
    rng = np.random.default_rng(seed + 2)
    lower = np.minimum(capacity, rng.integers(0, 3, n_mentors)) * (rng.random(n_mentors) < 0.4)
    exact = flow.solve_flow(slot, mentor, value, capacity, None, lower)
    with pytest.MonkeyPatch.context() as m:
        _forced(m, top_k)
        priced = flow.solve_flow(slot, mentor, value, capacity, None, lower)
    assert _total(value, priced) == _total(value, exact)
    if priced is not None:
        assert np.all(np.bincount(mentor[priced], minlength=n_mentors) >= lower)


def test_top_k_keeps_each_groups_best():
    groups = np.array([3, 3, 3, 0, 0, 7, 3])
    values = np.array([5, 9, 1, 4, 4, 2, 7])
    keep = flow.top_k(groups, values, 2)
    assert keep.tolist() == [False, True, False, True, True, True, True]


# --- The objective's levels, computed on demand, against their definitions ---------------------

@settings(max_examples=examples(40), deadline=None)
@given(programmes(mentees=(1, 10), mentors=(1, 6)), st.sampled_from([1, 10, 1000]))
def test_objective_levels_and_weights_follow_their_definitions(programme, divisor):
    graph = build_graph(build_roster(programme.participants, programme.config))
    obj = build_objective(graph, divisor)
    slot = slot_of_edges(graph)
    prio = graph.roster.mentees.priority[graph.mentee]
    expected = {"matched": np.ones(graph.n_edges, np.int64), "score": graph.score_int.astype(np.int64) // divisor}
    for p in set(graph.roster.mentees.priority.tolist()):
        expected[f"priority_{p}"] = (prio == p).astype(np.int64)
    combined = np.zeros(graph.n_edges, dtype=object)
    for k, name in enumerate(obj.names):
        row = expected[name]
        assert np.array_equal(obj.values[k], row)
        assert np.array_equal(obj.values[k, np.arange(graph.n_edges)[::2]], row[::2])
        best = {}
        for s, v in zip(slot.tolist(), row.tolist()):
            best[s] = max(best.get(s, 0), v)
        assert int(obj.upper[k]) == sum(best.values())
        combined = combined + int(obj.weights[k]) * row.astype(object)
        # Each level's weight exceeds what every level below can reach together.
        assert int(obj.weights[k]) > sum(int(w) * int(u) for w, u in zip(obj.weights[k + 1:], obj.upper[k + 1:]))
    assert combined.tolist() == obj.combined.tolist()
