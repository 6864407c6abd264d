"""Consilium locks: a lock's edge in the candidate graph, the clashes a flow can see before
solving, and the flow optimum with the locked edges fixed."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import constraints
from .flow import solve_flow


@dataclass
class Lock:
    mentee: int  # index into roster.mentees
    mentor: int  # index into roster.mentors
    form: str | None = None
    source: str | None = None  # "file:row" where the consilium gave it


def edges_of_locks(graph, locks: list[Lock]) -> tuple[list[int], list[dict]]:
    """Each lock's edge in the graph (-1 where none may carry it), and a clash for each of
    those: the lock and the rules that block its pair."""
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
                    e = pair_edges[:1]
        if len(e) == 0:
            mask = form_mask or graph.reason_mask(lock.mentee, lock.mentor)
            conflicts.append({"kind": "lock_blocked", "lock": k, "rules": graph.reason_codes(mask),
                              "mentee": roster.mentees.ids[lock.mentee], "mentor": roster.mentors.ids[lock.mentor],
                              "source": lock.source})
            edges.append(-1)
        else:
            edges.append(int(e[0]))
    return edges, conflicts


def precheck_locks(graph, locks, lock_edges, slot, capacity) -> list[dict]:
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


def flow_with_locks(graph, objective, slot, capacity, lock_edges, lower: np.ndarray | None = None
                    ) -> np.ndarray | None:
    """Flow optimum with locked edges fixed: their slots are filled, their places taken.
    `lower` (per mentor, locked mentees included): the least each mentor must take (a cell of
    group decisions); None when no assignment meets it."""
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
    if lower is not None:
        lower = np.maximum(lower - (capacity - cap), 0)
    flow = solve_flow(slot, graph.mentor, objective.combined, np.maximum(cap, 0), usable, lower)
    return None if flow is None else chosen | flow
