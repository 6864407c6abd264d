"""Side constraints, the rules a flow cannot express (group minimums, the grade spread inside
a group, mutual mentoring, one pair once across forms), and the repair that makes a flow
answer obey them."""
from __future__ import annotations

import numpy as np

from .cpsat import SideConstraints


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
        # Every group that breaks a rule at once (dropping one group's edges changes no other
        # group); mutual and same-pair clashes one at a time, as dropping one edge may settle
        # several. A region has hundreds of short groups: one pass over the edges each.
        picked = np.flatnonzero(chosen)
        picked_mentor = graph.mentor[picked]
        groups = [(kind, where) for kind, where in broken if kind in ("group_min", "grade_spread")]
        for kind, where in groups:
            edges = picked[picked_mentor == where]
            if kind == "grade_spread":
                # Keep the largest set of mentees within the allowed spread of grades.
                g = side.mentee_grade[graph.mentee[edges]].astype(np.int64)
                best_lo = max(np.unique(g[g >= 0]), key=lambda lo: (int(((g >= lo) & (g <= lo + side.max_grade_spread)).sum()), -lo))
                edges = edges[(g >= 0) & ((g < best_lo) | (g > best_lo + side.max_grade_spread))]
            chosen[[e for e in edges if int(e) not in locked] or list(edges)] = False
        if groups:
            continue
        kind, where = broken[0]  # mutual or same pair twice: drop the later unlocked edge
        group = [int(where)] + [int(e) for e in picked if e != where and _clashes(side, where, e)]
        drop = next((e for e in reversed(group) if e not in locked), group[-1])
        chosen[drop] = False
    return chosen


def _clashes(side: SideConstraints, a: int, b: int) -> bool:
    for x, y in side.mutual_pairs:
        if {int(x), int(y)} == {a, b}:
            return True
    return any(a in g and b in g for g in map(set, (map(int, grp) for grp in side.same_pair_groups)))
