"""Solving: exact min-cost flow where the rules keep the problem a flow, CP-SAT otherwise.

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

from .. import constraints
from .branch import branch_and_bound
from .cpsat import SideConstraints, solve_cpsat
from .flow import CostRangeError, solve_flow
from .objective import Objective, level_gaps, objective_for, slot_of_edges
from .residual import prune_edges
from .warm import warm_branch_and_bound

FLOW_COST_LIMIT = 2 ** 62
# From this many candidate pairs on, the warm group search (solve.warm) answers alone, to the
# deadline: CP-SAT's model of them takes longer to build than the search to close.
WARM_ALONE_EDGES = 300_000


@dataclass
class Lock:
    mentee: int  # index into roster.mentees
    mentor: int  # index into roster.mentors
    form: str | None = None
    source: str | None = None  # "file:row" where the consilium gave it


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
    conflict: list[dict] = field(default_factory=list)  # when INFEASIBLE: locks and rules that clash
    proof: str = ""  # how optimality was established
    # When FEASIBLE: per objective level, how much more the optimum can have (objective.level_gaps).
    level_gaps: dict[str, int] = field(default_factory=dict)
    stopped_by_time_limit: bool = False  # the search ended at the deadline, not at a proof

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


def side_constraints(graph) -> SideConstraints:
    roster = graph.roster
    # Mutual mentoring: edge (A mentors B) and edge (B mentors A), for people on both sides
    # (roster.same_person_pairs: mentee index and mentor index of one person).
    mutual = np.zeros((0, 2), dtype=np.int64)
    same = roster.same_person_pairs
    if len(same) and graph.n_edges:
        person_of_mentee = np.full(roster.mentees.n, -1, dtype=np.int64)
        person_of_mentor = np.full(roster.mentors.n, -1, dtype=np.int64)
        person_of_mentee[same[:, 0]] = np.arange(len(same))
        person_of_mentor[same[:, 1]] = np.arange(len(same))
        a, b = person_of_mentor[graph.mentor], person_of_mentee[graph.mentee]  # a mentors b
        e = np.flatnonzero((a >= 0) & (b >= 0))
        n = np.int64(len(same))
        fwd, rev = a[e] * n + b[e], b[e] * n + a[e]
        order = np.argsort(fwd, kind="stable")
        keys = fwd[order]
        lo, hi = np.searchsorted(keys, rev, "left"), np.searchsorted(keys, rev, "right")
        # Every edge of the directed pair: in per-form mode one pair has an edge per form.
        rows = [(int(e[q]), int(e[order[r]])) for q in np.flatnonzero((hi > lo) & (a[e] < b[e]))
                for r in range(lo[q], hi[q])]
        mutual = np.array(rows, dtype=np.int64).reshape(-1, 2)
    groups = []
    if roster.config.program.one_mentor_per == "form" and graph.n_edges:
        pair = graph.mentee * roster.mentors.n + graph.mentor
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        ends = np.r_[starts[1:], len(pair)]
        groups = [np.arange(s, e) for s, e in zip(starts, ends) if e - s > 1]
    return SideConstraints(
        group_min=roster.mentors.group_min,
        max_grade_spread=roster.config.program.max_grade_spread,
        mentee_grade=roster.mentees.grade,
        mutual_pairs=mutual,
        same_pair_groups=groups,
    )


def _lock_edges(graph, locks: list[Lock]) -> tuple[list[int], list[dict]]:
    roster = graph.roster
    edges, conflicts = [], []
    for k, lock in enumerate(locks):
        pair_edges = graph.edge_index(lock.mentee, lock.mentor)
        e = pair_edges
        form_mask = 0
        if lock.form is not None:
            f = roster.form_ids.index(lock.form) if lock.form in roster.form_ids else -1
            e = e[graph.form[e] == f]
            if len(e) == 0 and f >= 0:
                # The graph holds the pair in another form (per mentee: its first legal form) or
                # not at all: the rules of the lock's own form decide.
                form_mask = int(constraints.reasons_mask(roster, np.array([lock.mentee]), np.array([lock.mentor]),
                                                         lock.form)[0])
                if form_mask == 0 and len(pair_edges) and roster.config.program.one_mentor_per == "mentee":
                    graph.form[pair_edges[0]] = f  # legal in the consilium's form too: pair in that one
                    graph.blocked_form[lock.mentee, lock.mentor] = f
                    e = pair_edges[:1]
        if len(e) == 0:
            mask = form_mask or int(graph.blocked[lock.mentee, lock.mentor])
            conflicts.append({"kind": "lock_blocked", "lock": k, "rules": graph.reason_codes(mask),
                              "mentee": roster.mentees.ids[lock.mentee], "mentor": roster.mentors.ids[lock.mentor],
                              "source": lock.source})
            edges.append(-1)
        else:
            edges.append(int(e[0]))
    return edges, conflicts


def _precheck_locks(graph, locks, lock_edges, slot, capacity) -> list[dict]:
    """Lock clashes a flow can see before solving: one slot locked twice, a mentor over capacity."""
    roster = graph.roster
    conflicts = []
    valid = [(k, e) for k, e in enumerate(lock_edges) if e >= 0]
    by_slot: dict[int, list[int]] = {}
    by_mentor: dict[int, list[int]] = {}
    for k, e in valid:
        by_slot.setdefault(int(slot[e]), []).append(k)
        by_mentor.setdefault(int(graph.mentor[e]), []).append(k)
    for s, ks in sorted(by_slot.items()):
        if len(ks) > 1:
            conflicts.append({"kind": "lock_one_mentor", "locks": ks,
                              "mentee": roster.mentees.ids[locks[ks[0]].mentee],
                              "sources": [locks[k].source for k in ks]})
    for j, ks in sorted(by_mentor.items()):
        if len(ks) > capacity[j]:
            conflicts.append({"kind": "lock_capacity", "locks": ks, "mentor": roster.mentors.ids[j],
                              "capacity": int(capacity[j]), "sources": [locks[k].source for k in ks]})
    return conflicts


def solve(graph, locks: list[Lock] | None = None, engine: str = "auto", time_limit: float = 60.0,
          seed: int = 0, workers: int = 2, bnb_nodes: int = 64, flow_presolve: bool = True,
          deadline: float | None = None) -> Solution:
    """The best assignment under every hard rule, with its status and proof.

    `deadline` (a time.perf_counter() value; with `time_limit`, the earlier of the two holds)
    bounds every stage that can run long: branch and bound, CP-SAT's model building and
    search, conflict cores. Past it the best legal assignment found so far is returned,
    FEASIBLE, with its bound and per-level gaps; the flow relaxation and its repair (the
    fallback answer) always run."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit if deadline is None else min(deadline, t0 + time_limit)
    locks = list(locks or [])
    roster = graph.roster
    capacity = roster.mentors.capacity.astype(np.int64)
    slot = slot_of_edges(graph)
    lock_edges, conflicts = _lock_edges(graph, locks)
    conflicts += _precheck_locks(graph, locks, lock_edges, slot, capacity)
    empty = np.zeros(0, dtype=np.int64)
    if conflicts:
        conflicts = _explained(graph, locks, conflicts, deadline, seed, workers)
        return Solution("INFEASIBLE", "precheck", empty, 0, 0, {}, time.perf_counter() - t0, None, conflicts)

    side = side_constraints(graph)
    needs_cpsat = side.active(graph, capacity)
    if engine == "flow" and needs_cpsat:
        raise EngineError("flow")

    objective = None
    t_flow = time.perf_counter()
    for limit in (FLOW_COST_LIMIT // (roster.mentees.n * max(1, len(roster.form_ids)) + roster.mentors.n + 3),
                  2 ** 40, 2 ** 31):
        objective = objective_for(graph, limit)
        try:
            relaxed = _flow_with_locks(graph, objective, slot, capacity, lock_edges) if engine != "cpsat" else None
            break
        except CostRangeError:
            continue
    else:  # pragma: no cover - every limit above failed
        raise RuntimeError("objective does not fit the flow solver")
    t_flow = time.perf_counter() - t_flow
    value = objective.combined
    # Should the answer stay unproven, each level's own maximum over the relaxation (one flow
    # each) bounds its gap: keep time for those flows after the search.
    search_deadline = deadline - min(len(objective.names) * 1.5 * t_flow, 0.25 * max(0.0, deadline - t0))

    def unproven(edges, bound, engine_name, proof):
        levels = objective.level_totals(edges)
        # Levels above the first one the bound lets gain cannot gain: caps only help from there on.
        loose = level_gaps(objective, levels, bound)
        first = next((k for k, name in enumerate(objective.names) if loose[name]), len(objective.names))
        caps = _level_caps(graph, objective, slot, capacity, lock_edges, deadline, objective.names[first:])
        gaps = level_gaps(objective, levels, bound, caps)
        if not any(gaps.values()):  # the optimum can gain on no level: it is this one
            return Solution("OPTIMAL", engine_name, edges, objective.total(edges), objective.total(edges), levels,
                            time.perf_counter() - t0, objective, proof="level_bounds")
        return Solution("FEASIBLE", engine_name, edges, objective.total(edges), bound, levels,
                        time.perf_counter() - t0, objective, proof=proof, level_gaps=gaps,
                        stopped_by_time_limit=True)

    if engine != "cpsat":
        relaxed_value = objective.total(np.flatnonzero(relaxed))
        if not needs_cpsat or not side.violations(graph, relaxed, capacity):
            edges = np.flatnonzero(relaxed)
            proof = "flow" if not needs_cpsat else "flow_relaxation_feasible"
            return Solution("OPTIMAL", "flow", edges, relaxed_value, relaxed_value, objective.level_totals(edges),
                            time.perf_counter() - t0, objective, proof=proof)
        hint, upper = relaxed, relaxed_value
        warm = None
        if side.only_group_minimums(graph, capacity):
            # Group minimums alone: nodes re-routed from their parent's flow (solve.warm), so the
            # search runs to the deadline rather than a small node budget. At district scale it
            # is the engine: CP-SAT on that many pairs only ends FEASIBLE too, so past the
            # deadline its incumbent and bound are the answer (gaps per level). Smaller models
            # keep half the time for CP-SAT, which closes near-tied searches faster.
            alone = graph.n_edges >= WARM_ALONE_EDGES
            warm = warm_branch_and_bound(graph, value, slot, capacity, side, lock_edges, relaxed,
                                         deadline=search_deadline if alone else t0 + 0.5 * (search_deadline - t0))
            if warm.status == "OPTIMAL":
                edges = np.flatnonzero(warm.chosen)
                return Solution("OPTIMAL", "flow", edges, warm.value, warm.value, objective.level_totals(edges),
                                time.perf_counter() - t0, objective, proof="flow_branch_and_bound")
        if warm is not None and warm.status == "LIMIT":
            # The cold search would revisit the warm one's first nodes: CP-SAT continues from its
            # incumbent (the dive's legal assignment) and its bound (exact over every open node).
            found = warm.chosen is not None
            hint = warm.chosen if found else repair(graph, side, relaxed, capacity, lock_edges)
            legal = not side.violations(graph, hint, capacity) and all(hint[e] for e in lock_edges)
            upper = max(warm.bound, objective.total(np.flatnonzero(hint))) if legal else warm.bound
            if legal and alone:
                return unproven(np.flatnonzero(hint), upper, "flow",
                                "flow_branch_and_bound" if found else "flow_repaired")
        else:
            bnb = branch_and_bound(graph, value, slot, capacity, side, lock_edges, max_nodes=bnb_nodes,
                                   deadline=search_deadline)
            if bnb.status == "OPTIMAL":
                edges = np.flatnonzero(bnb.chosen)
                return Solution("OPTIMAL", "flow", edges, bnb.value, bnb.value, objective.level_totals(edges),
                                time.perf_counter() - t0, objective, proof="flow_branch_and_bound")
            if bnb.status == "LIMIT":
                # Too many group decisions for flows alone: CP-SAT continues from the best found.
                hint = bnb.chosen if bnb.chosen is not None else repair(graph, side, relaxed, capacity, lock_edges)
                upper = bnb.bound
            else:
                hint = repair(graph, side, relaxed, capacity, lock_edges)
    elif not flow_presolve:  # the bare CP-SAT model, for cross-checking the engines in tests
        hint, upper, relaxed = None, None, None
    else:
        # CP-SAT on the whole model, presolved by flows: the relaxed optimum bounds it, a dive
        # finds a legal assignment, and pairs that cannot beat it leave the model (exact).
        relaxed = _flow_with_locks(graph, objective, slot, capacity, lock_edges)
        upper = objective.total(np.flatnonzero(relaxed))
        dive = branch_and_bound(graph, value, slot, capacity, side, lock_edges, max_nodes=1 + 2 * bnb_nodes,
                                dive_only=True, deadline=search_deadline)
        hint = dive.chosen if dive.chosen is not None else repair(graph, side, relaxed, capacity, lock_edges)

    legal_hint = hint is not None and not side.violations(graph, hint, capacity) and all(hint[e] for e in lock_edges)
    if time.perf_counter() >= search_deadline and legal_hint and upper is not None:
        # Out of time before CP-SAT could start: the best legal assignment in hand, unproven.
        return unproven(np.flatnonzero(hint), max(upper, objective.total(np.flatnonzero(hint))), "flow",
                        "flow_repaired")
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
    remaining = max(0.0, search_deadline - time.perf_counter())
    result = solve_cpsat(graph, value_free, slot, capacity, side, [e for e in lock_edges], hint=hint,
                         upper_bound=upper_free, time_limit=remaining, seed=seed, workers=workers, usable=usable,
                         floors=floors, deadline=search_deadline)
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
        conflict = _explained(graph, locks, conflict, deadline, seed, workers)
        seconds = time.perf_counter() - t0
        return Solution("INFEASIBLE", "cpsat", empty, 0, 0, {}, seconds, objective, conflict)
    if upper is None:  # no solution in time: a bound that holds (0 would claim nothing is possible)
        upper = int(sum(int(w) * int(u) for w, u in zip(objective.weights, objective.upper)))
    if legal_hint:
        # CP-SAT found nothing in time, but the repaired flow solution is legal: report it, unproven.
        edges = np.flatnonzero(hint)
        return unproven(edges, max(upper, objective.total(edges)), "flow", "flow_repaired")
    return Solution("UNKNOWN", "cpsat", empty, 0, upper, {}, seconds, objective,
                    stopped_by_time_limit=True)


def _level_caps(graph, objective, slot, capacity, lock_edges, deadline: float, names: list[str]
                ) -> dict[str, int]:
    """Each level's own maximum over the flow relaxation (locks kept, side rules dropped): no
    legal assignment exceeds it. Levels not reached before the deadline keep objective.upper."""
    caps, last = {}, 0.0
    for name in names:
        k = objective.names.index(name)
        if time.perf_counter() + last >= deadline:  # the next flow would end past it
            break
        t = time.perf_counter()
        single = SimpleNamespace(combined=objective.values[k])
        caps[name] = int(objective.values[k][_flow_with_locks(graph, single, slot, capacity, lock_edges)].sum())
        last = time.perf_counter() - t
    return caps


def repair(graph, side: SideConstraints, chosen: np.ndarray, capacity: np.ndarray, lock_edges: list[int]
           ) -> np.ndarray:
    """A legal assignment near `chosen`: drop what breaks a side constraint (a group below its
    minimum, one of two mutual pairs, the grade outliers of a group). Dropping edges never
    breaks capacity or one-mentor rules, so the result is feasible unless it drops a lock."""
    chosen = chosen.copy()
    locked = set(int(e) for e in lock_edges)
    for _ in range(len(chosen) + 1):
        broken = side.violations(graph, chosen, capacity)
        if not broken:
            break
        kind, where = broken[0]
        if kind in ("group_min", "grade_spread"):
            edges = np.flatnonzero(chosen & (graph.mentor == where))
            if kind == "grade_spread":
                # Keep the largest set of mentees within the allowed spread of grades.
                g = side.mentee_grade[graph.mentee[edges]].astype(np.int64)
                best_lo = max(np.unique(g[g >= 0]), key=lambda lo: (int(((g >= lo) & (g <= lo + side.max_grade_spread)).sum()), -lo))
                edges = edges[(g >= 0) & ((g < best_lo) | (g > best_lo + side.max_grade_spread))]
            chosen[[e for e in edges if int(e) not in locked] or list(edges)] = False
        else:  # mutual or same pair twice: drop the later unlocked edge
            group = [int(where)] + [int(e) for e in np.flatnonzero(chosen) if e != where and _clashes(side, where, e)]
            drop = next((e for e in reversed(group) if e not in locked), group[-1])
            chosen[drop] = False
    return chosen


def _clashes(side: SideConstraints, a: int, b: int) -> bool:
    for x, y in side.mutual_pairs:
        if {int(x), int(y)} == {a, b}:
            return True
    return any(a in g and b in g for g in map(set, (map(int, grp) for grp in side.same_pair_groups)))


def _explained(graph, locks, conflicts: list[dict], deadline: float, seed: int, workers: int) -> list[dict]:
    """Each clash reduced to a minimal core of locks, with the rules involved (matcher.conflicts,
    imported here only when there is a clash to explain)."""
    from ..conflicts import explain_conflicts

    return explain_conflicts(graph, locks, conflicts, seed=seed, workers=workers, deadline=deadline)


def _flow_with_locks(graph, objective, slot, capacity, lock_edges) -> np.ndarray:
    """Flow optimum with locked edges fixed: their slots are filled, their places taken."""
    chosen = np.zeros(graph.n_edges, dtype=bool)
    usable = np.ones(graph.n_edges, dtype=bool)
    cap = capacity.copy()
    for e in lock_edges:
        chosen[e] = True
        cap[graph.mentor[e]] -= 1
    if lock_edges:
        locked_slots = np.unique(slot[np.array(lock_edges)])
        usable &= ~np.isin(slot, locked_slots)
    usable &= cap[graph.mentor] > 0
    chosen |= solve_flow(slot, graph.mentor, objective.combined, np.maximum(cap, 0), usable)
    return chosen
