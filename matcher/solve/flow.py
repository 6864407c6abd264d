"""Exact min-cost flow for the models that are network flows (docs/performance.md).

source -> mentee slot (cap 1) -> mentor (cap 1 per edge, gain = objective) -> sink
(cap = remaining capacity), plus a zero-cost bypass source -> sink so that no slot is
forced to be filled: the min-cost solution is the maximum-value assignment.
"""
from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow


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
    idx = np.flatnonzero(usable) if usable is not None else np.arange(n_edges)
    idx = idx[value[idx] > 0]
    if lower is not None and lower.any():
        short = np.flatnonzero(lower > 0)
        have = np.bincount(mentor[idx], minlength=len(capacity))
        if (have[short] < lower[short]).any():
            return None
    else:
        lower = None
    if len(idx) == 0:
        return chosen
    slots, slot_node = np.unique(slot[idx], return_inverse=True)
    mentors, mentor_node = np.unique(mentor[idx], return_inverse=True)
    caps = capacity[mentors].astype(np.int64)
    low = lower[mentors].astype(np.int64) if lower is not None else np.zeros(len(mentors), np.int64)
    if (low > caps).any():
        return None
    caps = caps - low
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
    supplies[mentor_base:mentor_base + n_mentors] -= low
    supplies[sink] += low.sum()
    smcf.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = smcf.solve()
    if status == smcf.BAD_COST_RANGE:
        raise CostRangeError("objective coefficients too large for min-cost flow")
    if status == smcf.INFEASIBLE:
        return None
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = smcf.flows(np.arange(n_slots, n_slots + len(idx), dtype=np.int32))
    chosen[idx[flows > 0]] = True
    return chosen
