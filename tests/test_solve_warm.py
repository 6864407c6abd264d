"""The warm-started group search (matcher.solve.warm) as the engine for group minimums:
exact against brute force, and cut short it still answers with a legal assignment and a
bound that holds, without handing over to cold flows or CP-SAT."""
from __future__ import annotations

import itertools
import time
from types import SimpleNamespace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import assignment_violations, result_triples
from matcher.arrays import build_roster
from matcher.config import load_config
from matcher.graph import build_graph
from matcher.models import Participant
from matcher.pipeline import match
from matcher.solve import flow_with_locks, side_constraints
from matcher.solve.objective import objective_for, slot_of_edges
from matcher.solve.warm import FixCosts, part_searches, warm_branch_and_bound
from strategies import examples, programmes, scarce_groups


def _setup(participants, config):
    graph = build_graph(build_roster(participants, config))
    capacity = graph.roster.mentors.capacity.astype(np.int64)
    return graph, capacity, slot_of_edges(graph), side_constraints(graph), objective_for(graph)


def _brute_force(graph, capacity, slot, side, value, lock_edges) -> int | None:
    """The best legal assignment by enumeration: each slot takes one of its edges or none."""
    edges_of = {}
    for e in range(graph.n_edges):
        edges_of.setdefault(int(slot[e]), []).append(e)
    locked_slots = {int(slot[e]) for e in lock_edges}
    choices = [[None, *es] if s not in locked_slots else [next(e for e in es if e in lock_edges)]
               for s, es in edges_of.items()]
    best = None
    for pick in itertools.product(*choices):
        chosen = np.zeros(graph.n_edges, dtype=bool)
        chosen[[e for e in pick if e is not None]] = True
        load = np.bincount(graph.mentor[chosen], minlength=len(capacity))
        if (load > capacity).any() or side.violations(graph, chosen, capacity):
            continue
        total = int(value[chosen].sum())
        best = total if best is None or total > best else best
    return best


def _locks(graph, slot, capacity, picks):
    lock_edges, used, load = [], set(), np.zeros(len(capacity), np.int64)
    for e in picks:
        j = int(graph.mentor[e])
        if int(slot[e]) not in used and load[j] < capacity[j]:
            lock_edges.append(int(e))
            used.add(int(slot[e]))
            load[j] += 1
    return lock_edges


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes(mentees=(2, 6), mentors=(1, 4), group_rate=0.8), st.data())
def test_warm_search_finds_the_brute_force_optimum_with_groups_and_locks(programme, data):
    graph, capacity, slot, side, objective = _setup(programme.participants, programme.config)
    if not graph.n_edges or graph.n_edges > 14 or not side.only_group_minimums(graph, capacity):
        return
    picks = data.draw(st.lists(st.integers(0, graph.n_edges - 1), max_size=2, unique=True))
    lock_edges = _locks(graph, slot, capacity, picks)
    value = objective.combined
    relaxed = flow_with_locks(graph, objective, slot, capacity, lock_edges)
    warm = warm_branch_and_bound(graph, value, slot, capacity, side, lock_edges, relaxed)
    best = _brute_force(graph, capacity, slot, side, value, lock_edges)
    if best is None:
        assert warm.status == "INFEASIBLE"
        return
    assert warm.status == "OPTIMAL"
    assert warm.value == best == int(value[warm.chosen].sum())
    assert not side.violations(graph, warm.chosen, capacity)
    assert all(warm.chosen[e] for e in lock_edges)


def test_a_warm_search_cut_short_keeps_a_legal_incumbent_and_a_bound_over_the_optimum():
    people, config = scarce_groups(60, 36, seed=1)
    graph, capacity, slot, side, objective = _setup(people, config)
    relaxed = flow_with_locks(graph, objective, slot, capacity, [])
    full = warm_branch_and_bound(graph, objective.combined, slot, capacity, side, [], relaxed)
    assert full.status == "OPTIMAL"
    cut = warm_branch_and_bound(graph, objective.combined, slot, capacity, side, [], relaxed, max_nodes=3)
    assert cut.status == "LIMIT"
    assert cut.chosen is not None  # the dive's legal assignment
    assert not side.violations(graph, cut.chosen, capacity)
    assert cut.value == int(objective.combined[cut.chosen].sum()) <= full.value <= cut.bound


def test_group_minimums_past_the_deadline_answer_from_the_warm_search_alone(monkeypatch):
    """At district scale (here: any size), the warm search cut short answers alone with its
    incumbent and bound (FEASIBLE with gaps, or OPTIMAL only when the per-level bounds prove
    it): no cold flows per node, no CP-SAT."""
    import matcher.solve.engine as solve_module

    people, config = scarce_groups(60, 36, seed=1)
    exact = match(people, config, time_limit=60).solution
    assert exact.status == "OPTIMAL"

    def cut_short(*args, **kwargs):
        return warm_branch_and_bound(*args, **{**kwargs, "max_nodes": 3})

    def never(*args, **kwargs):
        raise AssertionError("the warm search is the engine for group minimums")

    monkeypatch.setattr(solve_module, "WARM_ALONE_EDGES", 0)
    monkeypatch.setattr(solve_module, "warm_branch_and_bound", cut_short)
    monkeypatch.setattr(solve_module, "branch_and_bound", never)
    monkeypatch.setattr(solve_module, "solve_cpsat", never)
    result = match(people, config, time_limit=60)
    s = result.solution
    assert s.status in ("FEASIBLE", "OPTIMAL")
    assert s.proof in ("flow_branch_and_bound", "level_bounds")
    assert s.objective == s.objective_def.total(s.edges) <= exact.objective <= s.bound
    if s.status == "FEASIBLE":
        assert any(s.level_gaps.values())
    assert not assignment_violations(people, config, result_triples(result))


def test_a_small_group_programme_cut_short_in_the_warm_search_is_proven_by_cpsat(monkeypatch):
    """Below district scale the warm search hands its incumbent and bound to CP-SAT, never to
    the cold search that would repeat its first nodes."""
    import matcher.solve.engine as solve_module

    people, config = scarce_groups(60, 36, seed=1)

    def cut_short(*args, **kwargs):
        return warm_branch_and_bound(*args, **{**kwargs, "max_nodes": 3})

    def never(*args, **kwargs):
        raise AssertionError("the cold search repeats the warm one")

    monkeypatch.setattr(solve_module, "warm_branch_and_bound", cut_short)
    monkeypatch.setattr(solve_module, "branch_and_bound", never)
    s = match(people, config, time_limit=60).solution
    bare = match(people, config, engine="cpsat", flow_presolve=False, time_limit=60).solution
    assert s.status == bare.status == "OPTIMAL"
    assert s.objective == bare.objective


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), top=st.integers(1, 3))
def test_a_region_searches_a_working_set_and_claims_no_more_than_it_proves(seed, top):
    """Past WORKING_SET_FROM pairs the group search runs over each slot's best few edges and
    the exact relaxation's optimum: its answer is legal, the bound (the relaxation over every
    pair) holds, and OPTIMAL is said only when it is the true optimum."""
    import pytest

    import matcher.solve.engine as solve_module
    from matcher.solve import flow

    people, config = scarce_groups(30, 18, seed=seed)
    exact = match(people, config, time_limit=10).solution
    with pytest.MonkeyPatch.context() as m:
        m.setattr(solve_module, "WORKING_SET_FROM", 0)
        m.setattr(solve_module, "WARM_ALONE_EDGES", 0)
        m.setattr(solve_module, "TOP_K", top)
        m.setattr(flow, "PRICE_FROM", 0)
        m.setattr(flow, "TOP_K", top)
        result = match(people, config, time_limit=10)
    s = result.solution
    assert not assignment_violations(people, config, result_triples(result))
    if exact.status != "OPTIMAL":
        return
    assert s.objective == s.objective_def.total(s.edges) <= exact.objective <= s.bound
    if s.status == "OPTIMAL":
        assert s.objective == exact.objective
    else:
        assert s.status == "FEASIBLE" and any(s.level_gaps.values())


# --- The bound from the root's fix costs (FixCosts) ------------------------------------------

@st.composite
def group_networks(draw):
    """A small flow network straight to the search: mentors with capacities and group
    minimums (most of them), mentee slots with 1-3 candidate mentors each at small integer
    values (ties and mentees that could fill one group by emptying another), maybe a lock."""
    n_mentors = draw(st.integers(2, 5))
    n_slots = draw(st.integers(2, 7))
    capacity = np.array([draw(st.integers(1, 4)) for _ in range(n_mentors)], dtype=np.int64)
    group_min = np.array([draw(st.sampled_from([0, 2, 2, 3])) for _ in range(n_mentors)], dtype=np.int64)
    slot, mentor, value = [], [], []
    for s in range(n_slots):
        for j in draw(st.lists(st.integers(0, n_mentors - 1), min_size=1, max_size=3, unique=True)):
            slot.append(s), mentor.append(j), value.append(draw(st.integers(1, 6)))
    graph = SimpleNamespace(n_edges=len(slot), mentor=np.array(mentor, dtype=np.int64))
    slot, value = np.array(slot, dtype=np.int64), np.array(value, dtype=np.int64)
    lock_edges = draw(st.lists(st.integers(0, len(slot) - 1), max_size=1))
    return graph, value, slot, capacity, SimpleNamespace(group_min=group_min), lock_edges


def _legal_assignments(graph, value, slot, capacity, group_min, lock_edges):
    """Every legal assignment by enumeration (each slot one of its edges or none; locks
    kept; capacities; each mentor empty or at its group minimum): (loads, value) pairs."""
    edges_of = {}
    for e in range(graph.n_edges):
        edges_of.setdefault(int(slot[e]), []).append(e)
    choices = [[e for e in es if e in lock_edges] or [None, *es] for es in edges_of.values()]
    out = []
    for pick in itertools.product(*choices):
        used = [e for e in pick if e is not None]
        load = np.bincount(graph.mentor[used], minlength=len(capacity)) if used else np.zeros(len(capacity), int)
        if (load > capacity).any() or ((load > 0) & (load < group_min)).any():
            continue
        out.append((load, int(value[used].sum()) if used else 0))
    return out


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group_networks(), st.booleans())
def test_the_fix_cost_bound_never_falls_below_a_legal_assignment(network, out_of_time):
    """For every way of deciding some of the root's short groups (closed, opened, left
    open), no legal assignment that agrees with those decisions is worth more than the
    bound the search gives such a node (None: no legal assignment agrees); also when the
    deadline left no time for the shortest paths."""
    graph, value, slot, capacity, side, lock_edges = network
    deadline = time.perf_counter() - 1 if out_of_time else None
    objective = SimpleNamespace(combined=value)
    relaxed = flow_with_locks(graph, objective, slot, capacity, lock_edges)
    if relaxed is None:
        return
    net, searches, final = part_searches(graph, value, slot, capacity, side, lock_edges, relaxed)
    base = int(value[final].sum()) + int(value[net.locked].sum())
    fixes = [FixCosts(s, s.root, s.short(s.root), deadline) for s in searches]
    groups = [int(j) for s, f in zip(searches, fixes) for j in s.mentors[f.groups]]
    legal = _legal_assignments(graph, value, slot, capacity, side.group_min, lock_edges)
    for decision in itertools.product((None, "close", "open"), repeat=len(groups)):
        want = dict(zip(groups, decision))
        bound, offset = base, 0
        for s, f in zip(searches, fixes):
            mine = decision[offset:offset + len(f.groups)]
            offset += len(f.groups)
            loss = f.loss(np.array([x == "close" for x in mine]), np.array([x == "open" for x in mine]))
            bound = None if loss is None or bound is None else bound + s.root.value - loss
        agree = [v for load, v in legal
                 if all((load[j] == 0) if how == "close" else (load[j] > 0) for j, how in want.items() if how)]
        if bound is None:
            assert not agree
        else:
            assert max(agree, default=bound) <= bound


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group_networks())
def test_the_warm_search_on_many_short_groups_finds_the_brute_force_optimum(network):
    graph, value, slot, capacity, side, lock_edges = network
    relaxed = flow_with_locks(graph, SimpleNamespace(combined=value), slot, capacity, lock_edges)
    legal = _legal_assignments(graph, value, slot, capacity, side.group_min, lock_edges)
    if relaxed is None:
        assert not legal
        return
    warm = warm_branch_and_bound(graph, value, slot, capacity, side, lock_edges, relaxed)
    if not legal:
        assert warm.status == "INFEASIBLE"
        return
    assert warm.status == "OPTIMAL"
    assert warm.value == max(v for _, v in legal) == int(value[warm.chosen].sum())
    load = np.bincount(graph.mentor[warm.chosen], minlength=len(capacity))
    assert (load <= capacity).all() and not ((load > 0) & (load < side.group_min)).any()
    assert all(warm.chosen[e] for e in lock_edges)
