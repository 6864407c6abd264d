"""Exact branch and bound over min-cost flows, for side constraints a single flow lacks.

Each node is a flow with some restrictions: mentors closed (capacity 0) or opened with a
lower bound (group minimums), edges removed (mutual mentoring, one pair once across
forms, a grade window per group). A node's flow optimum bounds every solution below it;
a node whose optimum breaks no side constraint is feasible. Best-first search with
pruning proves optimality — typically in a handful of flows, because only a few mentors
lead groups. Past a node budget the caller falls back to CP-SAT with the incumbent as hint.
"""
from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np

from .flow import solve_flow


@dataclass
class Node:
    closed: frozenset = frozenset()  # mentors with capacity 0
    opened: frozenset = frozenset()  # mentors that must take at least group_min
    removed: frozenset = frozenset()  # edges excluded
    depth: int = 0


@dataclass
class BranchResult:
    status: str  # OPTIMAL | INFEASIBLE | LIMIT
    chosen: np.ndarray | None  # best feasible found
    value: int  # its objective
    bound: int  # best bound over open nodes (== value when OPTIMAL)
    nodes: int = 0
    incumbent_nodes: list = field(default_factory=list)


def branch_and_bound(graph, value: np.ndarray, slot: np.ndarray, capacity: np.ndarray, side, lock_edges: list[int],
                     max_nodes: int = 200, dive_only: bool = False, deadline: float | None = None) -> BranchResult:
    """`deadline`: a time.perf_counter() value; past it the search stops like at the node
    budget (LIMIT, the best incumbent and the open nodes' bound)."""
    n_edges = graph.n_edges
    locked = np.zeros(n_edges, dtype=bool)
    if lock_edges:
        locked[np.array(lock_edges)] = True
    locked_load = np.bincount(graph.mentor[locked], minlength=len(capacity))
    base_usable = ~np.isin(slot, np.unique(slot[locked])) if locked.any() else np.ones(n_edges, dtype=bool)
    mentee_grade = side.mentee_grade[graph.mentee].astype(np.int64)

    last_flow = [0.0]  # seconds of the latest flow: one more is not started if it would end past the deadline

    def relax(node: Node):
        t = time.perf_counter()
        try:
            return _relax(node)
        finally:
            last_flow[0] = time.perf_counter() - t

    def _relax(node: Node):
        if any(locked_load[j] > 0 for j in node.closed):
            return None
        if any(e in node.removed for e in lock_edges):
            return None
        cap = capacity.astype(np.int64) - locked_load
        lower = np.zeros(len(capacity), dtype=np.int64)
        for j in node.closed:
            cap[j] = 0
        for j in node.opened:
            lower[j] = max(0, int(side.group_min[j]) - int(locked_load[j]))
        usable = base_usable & (cap[graph.mentor] > 0)
        if node.removed:
            usable[np.fromiter(node.removed, dtype=np.int64)] = False
        chosen = solve_flow(slot, graph.mentor, value, np.maximum(cap, 0), usable, lower)
        if chosen is None:
            return None
        chosen |= locked
        return chosen, int(value[chosen].sum())

    def branches(node: Node, chosen: np.ndarray) -> list[Node] | None:
        """Children covering every feasible solution below `node`; None if `chosen` is feasible."""
        edges = np.flatnonzero(chosen)
        load = np.bincount(graph.mentor[edges], minlength=len(capacity))
        short = np.flatnonzero((load > 0) & (load < side.group_min))
        if len(short):
            j = int(short[0])
            return [Node(node.closed | {j}, node.opened, node.removed, node.depth + 1),
                    Node(node.closed, node.opened | {j}, node.removed, node.depth + 1)]
        for a, b in side.mutual_pairs:
            if chosen[a] and chosen[b]:
                return [Node(node.closed, node.opened, node.removed | {int(a)}, node.depth + 1),
                        Node(node.closed, node.opened, node.removed | {int(b)}, node.depth + 1)]
        for group in side.same_pair_groups:
            if chosen[group].sum() > 1:
                kids = []
                for keep in group:
                    drop = {int(e) for e in group if e != keep}
                    kids.append(Node(node.closed, node.opened, node.removed | drop, node.depth + 1))
                return kids
        if side.max_grade_spread is not None:
            spread = side.max_grade_spread
            m = graph.mentor[edges]
            g = mentee_grade[edges]
            for j in np.unique(m):
                gj = g[(m == j) & (g >= 0)]
                if len(gj) and gj.max() - gj.min() > spread:
                    j_edges = np.flatnonzero((graph.mentor == j) & (mentee_grade >= 0))
                    kids = []
                    for lo in np.unique(mentee_grade[j_edges]):
                        outside = j_edges[(mentee_grade[j_edges] < lo) | (mentee_grade[j_edges] > lo + spread)]
                        kids.append(Node(node.closed, node.opened, node.removed | set(outside.tolist()),
                                         node.depth + 1))
                    return kids
        return None

    best_chosen, best_value = None, None
    root = Node()
    first = relax(root)
    if first is None:
        return BranchResult("INFEASIBLE", None, 0, 0, 1)
    nodes = 1
    # Dive: follow the better child down to a legal assignment (one flow per level; a few
    # levels, as few mentors lead groups) — the incumbent CP-SAT's pruning starts from. The
    # best-first search below needs no dive: it usually closes in a handful of flows.
    node, chosen = root, first[0]
    while dive_only and nodes < max_nodes and not _past(deadline, last_flow[0]):
        kids = branches(node, chosen)
        if kids is None:
            best_chosen, best_value = chosen, int(value[chosen].sum())
            break
        solved = []
        for kid in kids:
            nodes += 1
            res = relax(kid)
            if res is not None:
                solved.append((res[1], kid, res[0]))
        if not solved:
            break
        _, node, chosen = max(solved, key=lambda t: t[0])
    if dive_only:
        return BranchResult("LIMIT", best_chosen, best_value or 0, first[1], nodes)
    counter = 0
    heap = [(-first[1], counter, root, first[0])]
    while heap:
        neg_bound, _, node, chosen = heapq.heappop(heap)
        bound = -neg_bound
        if best_value is not None and bound <= best_value:
            continue
        kids = branches(node, chosen)
        if kids is None:
            best_chosen, best_value = chosen, bound
            continue
        for kid in kids:
            if nodes >= max_nodes or _past(deadline, last_flow[0]):
                open_bound = max([bound] + [-h[0] for h in heap])
                if best_value is not None:
                    open_bound = max(open_bound, best_value)
                return BranchResult("LIMIT", best_chosen, best_value or 0, open_bound, nodes)
            nodes += 1
            res = relax(kid)
            if res is None:
                continue
            if best_value is not None and res[1] <= best_value:
                continue
            counter += 1
            heapq.heappush(heap, (-res[1], counter, kid, res[0]))
    if best_chosen is None:
        return BranchResult("INFEASIBLE", None, 0, 0, nodes)
    return BranchResult("OPTIMAL", best_chosen, best_value, best_value, nodes)


def _past(deadline: float | None, ahead: float = 0.0) -> bool:
    return deadline is not None and time.perf_counter() + ahead >= deadline
