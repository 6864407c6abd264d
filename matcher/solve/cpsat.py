"""The general engine: a CP-SAT model of every rule, for what a flow cannot express.

Group minimums (a mentor takes none or at least group_min), the grade spread inside a
group, no two people mentoring each other, one pair once across forms. Built once from
arrays; parameters set explicitly; status always checked before reading a solution.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class SideConstraints:
    group_min: np.ndarray  # int32 per mentor, 0/1 = no minimum
    max_grade_spread: int | None
    mentee_grade: np.ndarray  # int16 per mentee, -1 unknown
    mutual_pairs: np.ndarray  # int64 [k, 2] edges that must not both be chosen
    same_pair_groups: list[np.ndarray] = field(default_factory=list)  # edges of one pair in several forms

    def active(self, graph, capacity: np.ndarray) -> bool:
        return bool(self.groups_active(graph, capacity) or self.spread_active(graph, capacity)
                    or len(self.mutual_pairs) or self.same_pair_groups)

    def only_group_minimums(self, graph, capacity: np.ndarray) -> bool:
        """Group minimums are the only side constraint that can bind (solve.warm's case)."""
        return not (self.spread_active(graph, capacity) or len(self.mutual_pairs) or self.same_pair_groups)

    def groups_active(self, graph, capacity) -> bool:
        gm = self.group_min[graph.mentor] if graph.n_edges else np.zeros(0)
        return bool((gm > 1).any())

    def spread_active(self, graph, capacity) -> bool:
        return self.max_grade_spread is not None and bool((capacity[graph.mentor] > 1).any())

    def violations(self, graph, chosen: np.ndarray, capacity: np.ndarray) -> list[tuple[str, int]]:
        """Side constraints a chosen edge set breaks: (kind, mentor or edge)."""
        out = []
        edges = np.flatnonzero(chosen)
        load = np.bincount(graph.mentor[edges], minlength=graph.roster.mentors.n)
        for j in np.flatnonzero((load > 0) & (load < self.group_min)):
            out.append(("group_min", int(j)))
        if self.max_grade_spread is not None:
            g = self.mentee_grade[graph.mentee[edges]].astype(np.int64)
            known = g >= 0
            if known.any():
                m = graph.mentor[edges][known]
                hi = np.full(graph.roster.mentors.n, -1, np.int64)
                lo = np.full(graph.roster.mentors.n, 99, np.int64)
                np.maximum.at(hi, m, g[known])
                np.minimum.at(lo, m, g[known])
                for j in np.flatnonzero((hi >= 0) & (hi - lo > self.max_grade_spread)):
                    out.append(("grade_spread", int(j)))
        for a, b in self.mutual_pairs:
            if chosen[a] and chosen[b]:
                out.append(("mutual", int(a)))
        for group in self.same_pair_groups:
            if chosen[group].sum() > 1:
                out.append(("same_pair", int(group[0])))
        return out


@dataclass
class CpResult:
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    chosen: np.ndarray  # bool [E]
    objective: int
    bound: int
    core: list[int]  # indices into the lock list when INFEASIBLE


def solve_cpsat(graph, value: np.ndarray, slot: np.ndarray, capacity: np.ndarray, side: SideConstraints,
                locked_edges: list[int], usable: np.ndarray | None = None, hint: np.ndarray | None = None,
                upper_bound: int | None = None, time_limit: float = 60.0, seed: int = 0,
                workers: int = 2, floors: list[tuple[np.ndarray, int]] = (),
                deadline: float | None = None) -> CpResult:
    """`floors`: (per-edge values, minimum total) of objective levels already known optimal;
    the objective then holds only the levels below, whose small coefficients CP-SAT's LP
    can bound to the unit (weights of 1e12 cannot be).

    `deadline`: a time.perf_counter() value. Building the model stops when it passes, and the
    search gets only what is left (status UNKNOWN, nothing chosen, when nothing is)."""
    try:
        return _solve_cpsat(graph, value, slot, capacity, side, locked_edges, usable, hint, upper_bound,
                            time_limit, seed, workers, floors, deadline)
    except _PastDeadline:
        return CpResult("UNKNOWN", np.zeros(len(value), dtype=bool), 0, 0, [])


class _PastDeadline(Exception):
    pass


def _check(deadline: float | None) -> None:
    if deadline is not None and time.perf_counter() >= deadline:
        raise _PastDeadline


def _solve_cpsat(graph, value, slot, capacity, side, locked_edges, usable, hint, upper_bound, time_limit, seed,
                 workers, floors, deadline) -> CpResult:
    # Imported here: OR-Tools' CP-SAT module pulls in pandas (~1 s), which flow-only runs never need.
    from ortools.sat.python import cp_model

    n_edges = len(value)
    _check(deadline)
    idx = np.flatnonzero(usable) if usable is not None else np.arange(n_edges)
    model = cp_model.CpModel()
    x = {}
    for k, e in enumerate(idx.tolist()):
        if k % 20000 == 0:  # a variable costs ~11 us: half a million take seconds
            _check(deadline)
        x[e] = model.new_bool_var(f"x{e}")
    xs = [x[int(e)] for e in idx]

    def add_at_most(groups_of: np.ndarray, cap_of) -> dict[int, list]:
        members: dict[int, list] = {}
        order = np.argsort(groups_of[idx], kind="stable")
        keys = groups_of[idx][order]
        bounds = np.flatnonzero(np.diff(keys)) + 1
        for chunk in np.split(order, bounds):
            if len(chunk) == 0:
                continue
            key = int(groups_of[idx[chunk[0]]])
            members[key] = [xs[c] for c in chunk]
        return members

    for key, lits in add_at_most(slot, None).items():
        if len(lits) > 1:
            model.add_at_most_one(lits)
    by_mentor = add_at_most(graph.mentor, None)
    _check(deadline)
    for j, lits in by_mentor.items():
        _check(deadline)
        cap = int(capacity[j])
        gmin = int(side.group_min[j])
        if gmin > 1:
            y = model.new_bool_var(f"open{j}")
            model.add(sum(lits) >= gmin * y)
            model.add(sum(lits) <= cap * y)
            for lit in lits:
                model.add_implication(lit, y)
        elif len(lits) > cap:
            model.add(sum(lits) <= cap)
    if side.max_grade_spread is not None:
        g_all = side.mentee_grade
        for j, lits in by_mentor.items():
            _check(deadline)
            if capacity[j] <= 1:
                continue
            edges = idx[graph.mentor[idx] == j]
            g = g_all[graph.mentee[edges]].astype(int)
            known = g >= 0
            if not known.any() or g[known].max() - g[known].min() <= side.max_grade_spread:
                continue
            lo = model.new_int_var(int(g[known].min()), int(g[known].max()), f"lo{j}")
            hi = model.new_int_var(int(g[known].min()), int(g[known].max()), f"hi{j}")
            model.add(hi - lo <= side.max_grade_spread)
            for e, ge in zip(edges[known], g[known]):
                model.add(lo <= int(ge)).only_enforce_if(x[int(e)])
                model.add(hi >= int(ge)).only_enforce_if(x[int(e)])
    for a, b in side.mutual_pairs:
        if int(a) in x and int(b) in x:
            model.add_bool_or([x[int(a)].Not(), x[int(b)].Not()])
    for group in side.same_pair_groups:
        lits = [x[int(e)] for e in group if int(e) in x]
        if len(lits) > 1:
            model.add_at_most_one(lits)
    lock_lits = []
    for k, e in enumerate(locked_edges):
        lit = model.new_bool_var(f"lock{k}")
        model.add_implication(lit, x[int(e)])
        lock_lits.append(lit)
    for level_values, minimum in floors:
        model.add(cp_model.LinearExpr.weighted_sum(xs, [int(v) for v in level_values[idx]]) >= int(minimum))
    _check(deadline)
    objective = cp_model.LinearExpr.weighted_sum(xs, [int(v) for v in value[idx]])
    model.maximize(objective)
    if upper_bound is not None:
        model.add(objective <= int(upper_bound))
    _check(deadline)
    if hint is not None:
        for k, e in enumerate(idx.tolist()):
            if k % 20000 == 0:
                _check(deadline)
            model.add_hint(x[e], bool(hint[e]))
    if lock_lits:
        model.add_assumptions(lock_lits)

    if deadline is not None:
        time_limit = min(float(time_limit), deadline - time.perf_counter())
    _check(deadline)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)  # one per core: more is slower (docs/performance.md)
    solver.parameters.random_seed = int(seed)
    # Parallel workers race; interleaved search makes the same input and seed give the same pairs.
    solver.parameters.interleave_search = int(workers) > 1
    status = solver.solve(model)
    chosen = np.zeros(n_edges, dtype=bool)
    name = solver.status_name(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        vals = np.array([solver.boolean_value(v) for v in xs], dtype=bool)
        chosen[idx[vals]] = True
        return CpResult(name, chosen, int(round(solver.objective_value)),
                        int(round(solver.best_objective_bound)), [])
    core = []
    if status == cp_model.INFEASIBLE and lock_lits:
        names = {lit.index: k for k, lit in enumerate(lock_lits)}
        core = sorted(names[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in names)
    return CpResult(name, chosen, 0, 0, core)
