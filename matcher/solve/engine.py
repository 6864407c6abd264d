"""solve(): the stages from the flow relaxation to CP-SAT, and the Solution they give.

`auto` solves the flow relaxation first (every rule except group minimums, the grade
spread inside groups, mutual mentoring and one-pair-once across forms). If its optimum
breaks none of those, it is optimal for the full model too — a relaxation's optimum that
is feasible is optimal — and no CP-SAT run is needed. Otherwise CP-SAT solves the full
model with the relaxed optimum as its hint and its value as an upper bound.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from .branch import branch_and_bound
from .cpsat import solve_cpsat
from .flow import TOP_K, CostRangeError, top_k
from .locks import Lock, edges_of_locks, flow_with_locks, precheck_locks
from .objective import Objective, level_gaps, objective_for, slot_of_edges
from .residual import prune_edges
from .side import complete, decided_cell, repair, side_constraints
from .warm import warm_branch_and_bound

FLOW_COST_LIMIT = 2 ** 62
# From this many candidate pairs on, the warm group search (solve.warm) answers alone, to the
# deadline: CP-SAT's model of them takes longer to build than the search to close.
WARM_ALONE_EDGES = 300_000
# From this many candidate pairs on (a region), the group search runs over a working set:
# each slot's TOP_K best edges and the relaxation's optimum. The relaxation itself stays
# exact over every pair (solve.flow prices the rest), so its value still bounds the optimum;
# the search's answer is proven only when it reaches that bound.
WORKING_SET_FROM = 8_000_000


@dataclass
class Solution:
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    engine: str  # flow | cpsat
    edges: np.ndarray  # chosen edge numbers, sorted
    objective: int
    bound: int
    levels: dict[str, int]
    seconds: float
    objective_def: Objective | None = None
    conflict: list[dict] = field(default_factory=list)  # when INFEASIBLE: the locks and rules that clash, raw
    proof: str = ""  # how optimality was established
    # When FEASIBLE: per objective level, how much more the optimum can have (objective.level_gaps).
    level_gaps: dict[str, int] = field(default_factory=dict)
    stopped_by_time_limit: bool = False  # the search ended at the deadline, not at a proof
    # The flow relaxation's optimum (bool per edge, locks kept) when the search started from it:
    # the explanations' residual graph needs it, and re-solving it costs as much as the relaxation.
    relaxed: np.ndarray | None = None
    # When FEASIBLE: the answer is a flow optimum of its own cell of group decisions (side.decided_cell),
    # group minimums the only side rule; the explanations' residual graph of that cell needs it.
    cell_optimal: bool = False

    @property
    def gap(self) -> float:
        if self.status != "FEASIBLE":
            return 0.0
        return (self.bound - self.objective) / max(1, abs(self.bound))

    @property
    def optimal(self) -> bool:
        return self.status == "OPTIMAL"


class EngineError(Exception):
    """The chosen engine cannot express the active rules (a usage error)."""


def solve(graph, locks: list[Lock] | None = None, engine: str = "auto", time_limit: float = 60.0,
          seed: int = 0, workers: int = 2, bnb_nodes: int = 64, flow_presolve: bool = True,
          deadline: float | None = None, timing: dict | None = None) -> Solution:
    """The best assignment under every hard rule, with its status and proof. The steps:

    1. Locks: each lock's edge, and the clashes a flow sees before solving (a blocked pair,
       one mentee locked twice, a mentor over capacity): INFEASIBLE at once.
    2. Side constraints: which rules a flow cannot express are active (`flow` refuses them).
    3. Flow relaxation: the objective at the finest score step the flow's cost range holds,
       and the relaxed optimum with the locks fixed.
    4. The relaxed optimum breaks no side constraint: OPTIMAL (a relaxation's optimum that
       is legal is optimal).
    5. Group minimums alone: the warm group search (solve.warm), to the deadline.
    6. Branch and bound over flows; past its node budget, its best legal assignment (or
       the repaired relaxation) and its bound go on to CP-SAT. With engine `cpsat`, a dive
       and the relaxation presolve instead.
    7. Out of time already: the legal assignment in hand, unproven.
    8. Presolve for CP-SAT: pairs that cannot beat the legal assignment leave the model,
       and leading objective levels it already reaches are fixed.
    9. CP-SAT on what is left, with the hint and the bound.
    10. The answer: OPTIMAL, or FEASIBLE with its bound and per-level gaps (`unproven`),
        INFEASIBLE with the core of locks, or UNKNOWN.

    `deadline` (a time.perf_counter() value; with `time_limit`, the earlier of the two holds)
    bounds every stage that can run long: branch and bound, CP-SAT's model building and
    search. Past it the best legal assignment found so far is returned, FEASIBLE, with its
    bound and per-level gaps; the flow relaxation and its repair (the fallback answer) always
    run. Every answer without proof is completed (side.complete): a mentee left out beside a
    free place that could legally take them gets it. An INFEASIBLE answer carries the raw
    clash (the locks and what they break); reducing
    it to minimal cores is the caller's (matcher.conflicts.explain_conflicts)."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit if deadline is None else min(deadline, t0 + time_limit)
    # 1. Locks.
    locks = list(locks or [])
    roster = graph.roster
    capacity = roster.mentors.capacity.astype(np.int64)
    slot = slot_of_edges(graph)
    lock_edges, conflicts = edges_of_locks(graph, locks)
    conflicts += precheck_locks(graph, locks, lock_edges, slot, capacity)
    empty = np.zeros(0, dtype=np.int64)
    if conflicts:
        return Solution("INFEASIBLE", "precheck", empty, 0, 0, {}, time.perf_counter() - t0, None, conflicts)

    # 2. Side constraints.
    side = side_constraints(graph)
    needs_cpsat = side.active(graph, capacity)
    if engine == "flow" and needs_cpsat:
        raise EngineError("flow")

    # 3. Flow relaxation.
    objective = None
    t_flow = time.perf_counter()
    # The flow solver scales arc costs by its node count: the largest value one edge can have
    # must stay below FLOW_COST_LIMIT / nodes (slots, mentors, source, sink, one spare).
    per_form = roster.config.program.one_mentor_per == "form"
    nodes = roster.mentees.n * (max(1, len(roster.form_ids)) if per_form else 1) + roster.mentors.n + 3
    for limit in (FLOW_COST_LIMIT // nodes, 2 ** 40, 2 ** 31):
        objective = objective_for(graph, limit)
        try:
            relaxed = flow_with_locks(graph, objective, slot, capacity, lock_edges) if engine != "cpsat" else None
            break
        except CostRangeError:
            continue
    else:  # pragma: no cover - every limit above failed
        raise RuntimeError("objective does not fit the flow solver")
    t_flow = time.perf_counter() - t_flow
    if timing is not None:  # what one more solve costs at least (explanations' re-solves ask)
        timing["flow"] = t_flow
    value = objective.combined
    # Should the answer stay unproven, each level's own maximum over the relaxation (one flow
    # each) bounds its gap: keep time for those flows after the search.
    search_deadline = deadline - min(len(objective.names) * 1.5 * t_flow, 0.25 * max(0.0, deadline - t0))

    def unproven(edges, bound, engine_name, proof, by_time=True):  # step 10 for an answer without proof
        # An answer cut short may leave out a mentee one more pair could take (side.complete).
        chosen = np.zeros(graph.n_edges, dtype=bool)
        chosen[edges] = True
        completed = complete(graph, side, chosen, capacity, value, slot, lock_edges)
        if not side.violations(graph, completed, capacity):
            chosen = completed
        # With group minimums alone, every flow of the answer's own cell of group decisions is
        # legal: its optimum is as good at least, and the explanations' residual graph needs an
        # answer optimal in its cell. One more flow, started only if it ends by the deadline.
        cell_optimal = False
        if side.only_group_minimums(graph, capacity) and time.perf_counter() + t_flow < deadline:
            cap, lower = decided_cell(graph, side, capacity, chosen)
            polished = flow_with_locks(graph, objective, slot, cap, lock_edges, lower=lower)
            if polished is not None and not side.violations(graph, polished, capacity) \
                    and all(polished[e] for e in lock_edges) \
                    and objective.total(np.flatnonzero(polished)) >= objective.total(np.flatnonzero(chosen)):
                chosen, cell_optimal = polished, True
        edges = np.flatnonzero(chosen)
        bound = max(bound, objective.total(edges))
        levels = objective.level_totals(edges)
        # Levels above the first one the bound lets gain cannot gain: caps only help from there on.
        loose = level_gaps(objective, levels, bound)
        first = next((k for k, name in enumerate(objective.names) if loose[name]), len(objective.names))
        caps = _level_caps(graph, objective, slot, capacity, lock_edges, deadline, objective.names[first:], t_flow)
        gaps = level_gaps(objective, levels, bound, caps)
        if not any(gaps.values()):  # the optimum can gain on no level: it is this one
            return Solution("OPTIMAL", engine_name, edges, objective.total(edges), objective.total(edges), levels,
                            time.perf_counter() - t0, objective, proof="level_bounds")
        return Solution("FEASIBLE", engine_name, edges, objective.total(edges), bound, levels,
                        time.perf_counter() - t0, objective, proof=proof, level_gaps=gaps,
                        stopped_by_time_limit=by_time, cell_optimal=cell_optimal,
                        relaxed=relaxed if cell_optimal else None)

    if engine != "cpsat":
        # 4. The relaxed optimum is legal.
        relaxed_value = objective.total(np.flatnonzero(relaxed))
        if not needs_cpsat or not side.violations(graph, relaxed, capacity):
            edges = np.flatnonzero(relaxed)
            proof = "flow" if not needs_cpsat else "flow_relaxation_feasible"
            return Solution("OPTIMAL", "flow", edges, relaxed_value, relaxed_value, objective.level_totals(edges),
                            time.perf_counter() - t0, objective, proof=proof, relaxed=relaxed)
        hint, upper = relaxed, relaxed_value
        # 5. Warm group search.
        warm = None
        if side.only_group_minimums(graph, capacity):
            # Group minimums alone: nodes re-routed from their parent's flow (solve.warm), so the
            # search runs to the deadline rather than a small node budget. At district scale it
            # is the engine: CP-SAT on that many pairs only ends FEASIBLE too, so past the
            # deadline its incumbent and bound are the answer (gaps per level). Smaller models
            # keep half the time for CP-SAT, which closes near-tied searches faster.
            alone = graph.n_edges >= WARM_ALONE_EDGES
            working = graph.n_edges >= WORKING_SET_FROM
            search_value = value
            if working:
                keep = top_k(slot, value, TOP_K) | relaxed
                keep[np.asarray(lock_edges, dtype=np.int64)] = True
                search_value = np.where(keep, value, 0)
                del keep
            warm = warm_branch_and_bound(graph, search_value, slot, capacity, side, lock_edges, relaxed,
                                         deadline=search_deadline if alone else t0 + 0.5 * (search_deadline - t0))
            del search_value
            if warm.status == "OPTIMAL" and (not working or warm.value >= relaxed_value):
                edges = np.flatnonzero(warm.chosen)
                return Solution("OPTIMAL", "flow", edges, warm.value, warm.value, objective.level_totals(edges),
                                time.perf_counter() - t0, objective, proof="flow_branch_and_bound", relaxed=relaxed)
            if warm.status == "OPTIMAL":  # optimal over the working set, below the exact relaxation
                return unproven(np.flatnonzero(warm.chosen), relaxed_value, "flow", "flow_working_set",
                                by_time=False)
            if working:  # the search's bound holds for the working set only; the relaxation's for all
                warm.bound = relaxed_value
        if warm is not None and warm.status == "LIMIT":
            # The cold search would revisit the warm one's first nodes: CP-SAT continues from its
            # incumbent (the dive's legal assignment) and its bound (exact over every open node).
            found = warm.chosen is not None
            hint = warm.chosen if found else repair(graph, side, relaxed, capacity, lock_edges, value, slot)
            legal = not side.violations(graph, hint, capacity) and all(hint[e] for e in lock_edges)
            upper = max(warm.bound, objective.total(np.flatnonzero(hint))) if legal else warm.bound
            if legal and alone:
                return unproven(np.flatnonzero(hint), upper, "flow",
                                "flow_branch_and_bound" if found else "flow_repaired")
        else:
            # 6. Branch and bound over flows.
            bnb = branch_and_bound(graph, value, slot, capacity, side, lock_edges, max_nodes=bnb_nodes,
                                   deadline=search_deadline)
            if bnb.status == "OPTIMAL":
                edges = np.flatnonzero(bnb.chosen)
                return Solution("OPTIMAL", "flow", edges, bnb.value, bnb.value, objective.level_totals(edges),
                                time.perf_counter() - t0, objective, proof="flow_branch_and_bound", relaxed=relaxed)
            if bnb.status == "LIMIT":
                # Too many group decisions for flows alone: CP-SAT continues from the best found.
                hint = bnb.chosen if bnb.chosen is not None \
                    else repair(graph, side, relaxed, capacity, lock_edges, value, slot)
                upper = bnb.bound
            else:
                hint = repair(graph, side, relaxed, capacity, lock_edges, value, slot)
    elif not flow_presolve:  # the bare CP-SAT model, for cross-checking the engines in tests
        hint, upper, relaxed = None, None, None
    else:
        # 6 (engine cpsat). CP-SAT on the whole model, presolved by flows: the relaxed optimum bounds it, a dive
        # finds a legal assignment, and pairs that cannot beat it leave the model (exact).
        relaxed = flow_with_locks(graph, objective, slot, capacity, lock_edges)
        upper = objective.total(np.flatnonzero(relaxed))
        dive = branch_and_bound(graph, value, slot, capacity, side, lock_edges, max_nodes=1 + 2 * bnb_nodes,
                                dive_only=True, deadline=search_deadline)
        hint = dive.chosen if dive.chosen is not None \
            else repair(graph, side, relaxed, capacity, lock_edges, value, slot)

    # 7. Out of time already.
    legal_hint = hint is not None and not side.violations(graph, hint, capacity) and all(hint[e] for e in lock_edges)
    if time.perf_counter() >= search_deadline and legal_hint and upper is not None:
        # Out of time before CP-SAT could start: the best legal assignment in hand, unproven.
        return unproven(np.flatnonzero(hint), max(upper, objective.total(np.flatnonzero(hint))), "flow",
                        "flow_repaired")
    # 8. Presolve for CP-SAT: pruning, then level fixing.
    usable = None
    if legal_hint and relaxed is not None:
        # A legal assignment in hand: pairs that cannot beat it leave the model (exact).
        usable = prune_edges(graph, objective, slot, relaxed, lock_edges, objective.total(np.flatnonzero(hint)))
    # Leading levels where a legal assignment already reaches the relaxation are optimal: fix
    # them and let CP-SAT optimise only the levels below.
    floors, first_free = [], 0
    if usable is not None:
        legal = objective.level_totals(np.flatnonzero(hint))
        bound_levels = objective.level_totals(np.flatnonzero(relaxed))
        for k, name in enumerate(objective.names[:-1]):
            if legal[name] != bound_levels[name]:
                break
            floors.append((objective.values[k], legal[name]))
            first_free = k + 1
    fixed = sum(int(objective.weights[k]) * int(fl) for k, (_, fl) in enumerate(floors))
    value_free = (objective.weights[first_free:, None] * objective.values[first_free:]).sum(axis=0) \
        if first_free else value
    upper_free = None if upper is None else upper - fixed
    # 9. CP-SAT.
    remaining = max(0.0, search_deadline - time.perf_counter())
    result = solve_cpsat(graph, value_free, slot, capacity, side, [e for e in lock_edges], hint=hint,
                         upper_bound=upper_free, time_limit=remaining, seed=seed, workers=workers, usable=usable,
                         floors=floors, deadline=search_deadline)
    # 10. The answer.
    seconds = time.perf_counter() - t0
    if result.status in ("OPTIMAL", "FEASIBLE"):
        edges = np.flatnonzero(result.chosen)
        total = objective.total(edges)
        bound = max(fixed + result.bound, total)
        if result.status == "OPTIMAL" or total >= bound:
            return Solution("OPTIMAL", "cpsat", edges, total, total, objective.level_totals(edges), seconds,
                            objective, proof="cpsat")
        if upper is not None:
            bound = max(min(bound, upper), total)  # both bound the optimum: the tighter holds
        if legal_hint and objective.total(np.flatnonzero(hint)) > total:  # cut short below its own hint
            return unproven(np.flatnonzero(hint), bound, "flow", "flow_repaired")
        return unproven(edges, bound, "cpsat", "cpsat")
    if result.status == "INFEASIBLE":
        conflict = [{"kind": "lock_core", "locks": result.core,
                     "sources": [locks[k].source for k in result.core]}]
        return Solution("INFEASIBLE", "cpsat", empty, 0, 0, {}, seconds, objective, conflict)
    if upper is None:  # no solution in time: a bound that holds (0 would claim nothing is possible)
        upper = int(sum(int(w) * int(u) for w, u in zip(objective.weights, objective.upper)))
    if legal_hint:
        # CP-SAT found nothing in time, but the repaired flow solution is legal: report it, unproven.
        edges = np.flatnonzero(hint)
        return unproven(edges, max(upper, objective.total(edges)), "flow", "flow_repaired")
    return Solution("UNKNOWN", "cpsat", empty, 0, upper, {}, seconds, objective,
                    stopped_by_time_limit=True)


def _level_caps(graph, objective, slot, capacity, lock_edges, deadline: float, names: list[str],
                expected: float = 0.0) -> dict[str, int]:
    """Each level's own maximum over the flow relaxation (locks kept, side rules dropped): no
    legal assignment exceeds it. Levels not reached before the deadline keep objective.upper;
    a flow is started only if it would end by then (`expected`: what the relaxation took)."""
    caps, last = {}, expected
    for name in names:
        k = objective.names.index(name)
        if time.perf_counter() + last >= deadline:  # the next flow would end past it
            break
        t = time.perf_counter()
        single = SimpleNamespace(combined=objective.values[k])
        caps[name] = int(objective.values[k][flow_with_locks(graph, single, slot, capacity, lock_edges)].sum())
        last = time.perf_counter() - t
    return caps
