"""Exact min-cost flow for the models that are network flows (docs/performance.md).

source -> mentee slot (cap 1) -> mentor (cap 1 per edge, gain = objective) -> sink
(cap = remaining capacity), plus a zero-cost bypass source -> sink so that no slot is
forced to be filled: the min-cost solution is the maximum-value assignment.

From PRICE_FROM usable edges on (a region has tens of millions), the network is not handed
to OR-Tools whole: its arcs would take gigabytes and most of them never carry flow (and from
a few hundred thousand on, solving the working set and pricing is faster anyway). The
flow is solved on a working set (each slot's TOP_K best edges), then *priced*: optimal
potentials of the working set's residual graph give every left-out edge its reduced cost
in O(1), and an edge with a negative one joins the working set for another round. When
none is left, the working set's optimum is the whole network's (no negative reduced cost
means no negative cycle: the textbook optimality condition), so the answer stays exact.
"""
from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from ..arrays import stable_order

PRICE_FROM = 300_000  # usable edges from which the flow is solved on a priced working set
TOP_K = 24  # each slot's best edges in the first working set
PRICE_CHUNK = 1 << 22  # edges priced at a time (bounds the temporaries)


class CostRangeError(Exception):
    pass


def solve_flow(slot: np.ndarray, mentor: np.ndarray, value: np.ndarray, capacity: np.ndarray,
               usable: np.ndarray | None = None, lower: np.ndarray | None = None) -> np.ndarray | None:
    """Chosen edge mask maximising sum(value) with at most one edge per slot and at most
    capacity[j] edges per mentor. `usable` masks edges out (locks, forbids). `lower[j]`:
    mentor j must take at least that many (a lower bound on its arc to the sink); None is
    returned when no assignment meets the lower bounds."""
    n_edges = len(slot)
    chosen = np.zeros(n_edges, dtype=bool)
    idx = np.flatnonzero(usable & (value > 0)) if usable is not None else np.flatnonzero(value > 0)
    if lower is not None and lower.any():
        short = np.flatnonzero(lower > 0)
        have = np.bincount(mentor[idx], minlength=len(capacity))
        if (have[short] < lower[short]).any():
            return None
        low = lower.astype(np.int64)
    else:
        low = np.zeros(len(capacity), np.int64)
    if (low > capacity).any():
        return None
    if len(idx) == 0:
        return chosen
    cap = capacity.astype(np.int64)
    if len(idx) < PRICE_FROM:
        picked = _exact(slot, mentor, value, cap, low, idx)
    else:
        picked = _priced(slot, mentor, value, cap, low, idx)
    if picked is None:
        return None
    chosen[picked] = True
    return chosen


def _dense_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(keys, return_inverse=True) for small non-negative integer keys, without
    sorting them (a sort of tens of millions of keys is seconds)."""
    present = np.zeros(int(keys.max()) + 1, dtype=bool)
    present[keys] = True
    values = np.flatnonzero(present)
    code = np.zeros(len(present), dtype=np.int64)
    code[values] = np.arange(len(values))
    return values, code[keys]


def _exact(slot, mentor, value, cap, low, idx) -> np.ndarray | None:
    """The optimal flow over the edges idx (value > 0): the chosen ones, or None."""
    slots, slot_node = _dense_codes(slot[idx])
    mentors, mentor_node = _dense_codes(mentor[idx])
    caps = cap[mentors] - low[mentors]
    low_m = low[mentors]
    n_slots, n_mentors = len(slots), len(mentors)
    source, sink = 0, 1
    slot_base, mentor_base = 2, 2 + n_slots
    tails = np.concatenate([
        np.full(n_slots, source), slot_base + slot_node, mentor_base + np.arange(n_mentors), [source]])
    heads = np.concatenate([
        slot_base + np.arange(n_slots), mentor_base + mentor_node, np.full(n_mentors, sink), [sink]])
    caps_all = np.concatenate([np.ones(n_slots, np.int64), np.ones(len(idx), np.int64), caps, [n_slots]])
    costs = np.concatenate([np.zeros(n_slots, np.int64), -value[idx].astype(np.int64),
                            np.zeros(n_mentors, np.int64), [0]])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              caps_all, costs)
    supplies = np.zeros(2 + n_slots + n_mentors, dtype=np.int64)
    supplies[source], supplies[sink] = n_slots, -n_slots
    # Lower bound l on arc mentor -> sink: the mentor node must absorb l, the sink gets l less.
    supplies[mentor_base:mentor_base + n_mentors] -= low_m
    supplies[sink] += low_m.sum()
    smcf.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = smcf.solve()
    if status == smcf.BAD_COST_RANGE:
        raise CostRangeError("objective coefficients too large for min-cost flow")
    if status == smcf.INFEASIBLE:
        return None
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = smcf.flows(np.arange(n_slots, n_slots + len(idx), dtype=np.int32))
    return idx[flows > 0]


def top_k(groups: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Mask of each group's k largest values (ties at the k-th all kept)."""
    n = len(groups)
    keep = np.ones(n, dtype=bool)
    if n == 0:
        return keep
    order = None
    if (np.diff(groups) < 0).any():
        order = np.argsort(groups, kind="stable")
        groups, values = groups[order], values[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    lens = np.diff(np.r_[starts, n])
    big = np.flatnonzero(lens > k)
    kth = np.full(len(starts), np.iinfo(np.int64).min, dtype=np.int64)
    # Rows padded to the longest in a block, a block of rows at a time.
    at = 0
    while at < len(big):
        width = int(lens[big[at]])
        stop = at
        while stop < len(big) and max(width, int(lens[big[stop]])) * (stop - at + 1) <= PRICE_CHUNK:
            width = max(width, int(lens[big[stop]]))
            stop += 1
        stop = max(stop, at + 1)
        rows = big[at:stop]
        width = int(lens[rows].max())
        block = np.full((len(rows), width), np.iinfo(np.int64).min, dtype=np.int64)
        r = np.repeat(np.arange(len(rows)), lens[rows])
        c = np.arange(int(lens[rows].sum())) - np.repeat(np.cumsum(lens[rows]) - lens[rows], lens[rows])
        block[r, c] = values[np.repeat(starts[rows], lens[rows]) + c]
        kth[rows] = np.partition(block, width - k, axis=1)[:, width - k]
        at = stop
    sel = values >= np.repeat(kth, lens)
    if order is None:
        return sel
    keep[order] = sel
    return keep


def _priced(slot, mentor, value, cap, low, idx) -> np.ndarray | None:
    """_exact over idx, solved on a working set grown by pricing (module docstring)."""
    work = idx[top_k(slot[idx], value[idx], TOP_K)]
    if low.any():  # bounded mentors keep every edge: the working set must meet their bounds
        work = np.union1d(work, idx[low[mentor[idx]] > 0])
    nm = len(cap)
    S, T = nm, nm + 1
    n_slot_ids = int(slot[idx].max()) + 1
    slot_present = np.zeros(n_slot_ids, dtype=bool)
    slot_present[slot[idx]] = True
    n_slots_all = int(slot_present.sum())
    while True:
        picked = _exact(slot, mentor, value, cap, low, work)
        if picked is None:  # the working set cannot meet the bounds: the whole network decides
            return _exact(slot, mentor, value, cap, low, idx)
        matched_edge = np.full(n_slot_ids, -1, dtype=np.int64)
        matched_edge[slot[picked]] = picked
        d = _potentials(slot, mentor, value, cap, low, work, picked, matched_edge, n_slots_all, S, T)
        # Threshold of a slot: a left-out edge (slot, b) has a negative reduced cost iff
        # value > thr[slot] - d[b] (arc a -> b when the slot is with a, S -> b when unpaired).
        w = value.astype(np.int64)
        me = matched_edge
        thr = np.where(me >= 0, w[np.maximum(me, 0)] + d[mentor[np.maximum(me, 0)]], d[S])
        in_work = np.zeros(len(slot), dtype=bool)
        in_work[work] = True
        add = []
        for lo in range(0, len(idx), PRICE_CHUNK):
            e = idx[lo:lo + PRICE_CHUNK]
            bad = (w[e] > thr[slot[e]] - d[mentor[e]]) & ~in_work[e]
            if bad.any():
                add.append(e[bad])
        del in_work
        if not add:
            return picked
        work = np.union1d(work, np.concatenate(add))


def _potentials(slot, mentor, value, cap, low, work, picked, matched_edge, n_slots_all, S, T) -> np.ndarray:
    """Feasible potentials of the residual graph of the optimal flow `picked` over `work`,
    compressed to mentors, S and T (solve.residual.FlowResidual): shortest distances from a
    virtual root joined to every node by a zero arc, by Bellman-Ford vectorised per round."""
    w = value.astype(np.int64)
    nm = len(cap)
    is_picked = np.zeros(len(slot), dtype=bool)
    is_picked[picked] = True
    other = work[~is_picked[work]]
    me = matched_edge[slot[other]]
    paired = me >= 0
    load = np.bincount(mentor[picked], minlength=nm)
    free = np.flatnonzero(load < cap)
    above = np.flatnonzero(load > low)
    hub_a, hub_b = [], []
    if len(picked):
        hub_a.append(S), hub_b.append(T)  # the bypass can carry less
    if len(picked) < n_slots_all:
        hub_a.append(T), hub_b.append(S)  # the bypass carries flow
    A = np.concatenate([mentor[me[paired]], np.full(int((~paired).sum()), S), mentor[picked], free,
                        np.full(len(above), T), hub_a]).astype(np.int64)
    B = np.concatenate([mentor[other[paired]], mentor[other[~paired]], np.full(len(picked), S),
                        np.full(len(free), T), above, hub_b]).astype(np.int64)
    C = np.concatenate([w[me[paired]] - w[other[paired]], -w[other[~paired]], w[picked],
                        np.zeros(len(free) + len(above) + len(hub_a), np.int64)])
    return feasible_potentials(A, B, C, nm + 2)


def feasible_potentials(A: np.ndarray, B: np.ndarray, C: np.ndarray, n: int) -> np.ndarray:
    """Potentials d with C + d[A] - d[B] >= 0 on every arc A -> B of an n-node graph without a
    negative cycle: shortest distances from a virtual root joined to every node by a zero
    arc, by Bellman-Ford vectorised over arcs per round (rounds: the most arcs on a shortest
    path, a few dozen at most for an optimal flow's residual graph). A round after the first
    relaxes only the arcs leaving nodes the last round changed: the others add nothing new."""
    d = np.zeros(n, dtype=np.int64)
    if not len(A):
        return d
    if not (A[1:] >= A[:-1]).all():
        order = stable_order(A, n)
        A, B, C = A[order], B[order], C[order]
    out_ptr = np.searchsorted(A, np.arange(n + 1))
    tails, heads, costs = A, B, C
    for _ in range(n + 1):
        new = d.copy()
        np.minimum.at(new, heads, d[tails] + costs)
        changed = np.flatnonzero(new < d)
        if not len(changed):
            return d
        d = new
        first, count = out_ptr[changed], out_ptr[changed + 1] - out_ptr[changed]
        arcs = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
        tails, heads, costs = A[arcs], B[arcs], C[arcs]
    raise ValueError("negative cycle: the flow was not optimal")  # pragma: no cover
