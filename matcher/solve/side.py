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


def repair(graph, side: SideConstraints, chosen: np.ndarray, capacity: np.ndarray, lock_edges: list[int],
           value: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """A legal assignment near `chosen`: drop what breaks a side constraint (a group below its
    minimum, one of two mutual pairs, the grade outliers of a group). Dropping edges never
    breaks capacity or one-mentor rules, so the result is feasible unless it drops a lock.
    Then the mentees dropped, and any other left out, get the best pair one more can make
    (`complete`, by the solver's per-edge `value`; `slot`: each edge's mentee slot): a dropped
    group's mentees join other mentors' free places."""
    dropped = _drop_broken(graph, side, chosen, capacity, lock_edges)
    if side.violations(graph, dropped, capacity):  # a lock it could not drop: nothing to complete
        return dropped
    return complete(graph, side, dropped, capacity, value, slot, lock_edges)


def decided_cell(graph, side, capacity: np.ndarray, chosen: np.ndarray,
                  flips: tuple = ()) -> tuple[np.ndarray, np.ndarray]:
    """Capacities and lower bounds (per mentor, locks included) of the cell of group decisions
    an assignment makes: a group mentor without mentees is closed (capacity 0), one with
    mentees opened (at least its minimum). `flips`: (mentor, opened) decisions changed."""
    load = np.bincount(graph.mentor[chosen], minlength=len(capacity))
    group = (side.group_min > 1) & (capacity > 0)
    opened = group & (load > 0)
    for j, o in flips:
        opened[j] = o
    cap = np.where(group & ~opened, 0, capacity).astype(np.int64)
    lower = np.where(opened, side.group_min, 0).astype(np.int64)
    return cap, lower


def complete(graph, side: SideConstraints, chosen: np.ndarray, capacity: np.ndarray, value: np.ndarray,
             slot: np.ndarray, lock_edges: list[int] = ()) -> np.ndarray:
    """A legal assignment `chosen` with every slot left out that one more pair can fill
    without breaking a rule given such a pair, its best: a mentor with a free place whose
    group stands without more members (no minimum, or already at it), the group's grades
    within the spread, not the second half of mutual mentoring, not a pair twice across
    forms. Slots go by their best pair's value, highest first; each pair added raises the
    objective (value > 0 only). One pass leaves no slot that one more pair could fill: adding
    pairs only fills places and narrows spreads, so a pair refused stays refused.

    A flow optimum of its cell already is such an assignment; a repaired relaxation (a
    dropped group's mentees) or an answer cut short by the time limit may not be, and an
    unpaired mentee beside a free place that could take them is no answer to give."""
    chosen = chosen.copy()
    if not len(chosen):
        return chosen
    mentor = graph.mentor
    n_mentors = len(capacity)
    filled = np.zeros(int(slot.max()) + 1, dtype=bool)
    filled[slot[chosen]] = True
    filled[slot[np.asarray(list(lock_edges), dtype=np.int64)]] = True  # a locked slot takes its lock only
    load = np.bincount(mentor[chosen], minlength=n_mentors)
    stands = (side.group_min <= 1) | (load >= side.group_min)  # one more keeps the group legal
    cand = np.flatnonzero(~filled[slot] & (value > 0) & (load[mentor] < capacity[mentor]) & stands[mentor])
    if not len(cand):
        return chosen
    # Per slot, its pairs best first; slots by their best pair, highest first (ties: slot order).
    cand = cand[np.lexsort((-value[cand], slot[cand]))]
    starts = np.flatnonzero(np.r_[True, slot[cand][1:] != slot[cand][:-1]])
    ends = np.r_[starts[1:], len(cand)]
    order = np.argsort(-value[cand[starts]], kind="stable")
    spread = side.max_grade_spread
    lo, hi = [99] * n_mentors, [-1] * n_mentors
    if spread is not None:
        picked = np.flatnonzero(chosen)
        g = side.mentee_grade[graph.mentee[picked]].astype(np.int64)
        for k, x in zip(mentor[picked][g >= 0].tolist(), g[g >= 0].tolist()):
            lo[k], hi[k] = min(lo[k], x), max(hi[k], x)
    partners: dict[int, list[int]] = {}
    for a, b in side.mutual_pairs.tolist() if len(side.mutual_pairs) else []:
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    for group in side.same_pair_groups:
        members = group.tolist()
        for e in members:
            partners.setdefault(e, []).extend(x for x in members if x != e)
    load_list, cap = load.tolist(), capacity.tolist()
    grade = side.mentee_grade.astype(np.int64).tolist() if spread is not None else None
    for q in order.tolist():
        # A slot's pairs read as Python values only as far as its first that fits (most: the first).
        mine = cand[int(starts[q]):int(ends[q])]
        x = -1 if grade is None else grade[int(graph.mentee[mine[0]])]  # one mentee per slot
        for e, k in zip(mine.tolist(), mentor[mine].tolist()):
            if load_list[k] >= cap[k]:
                continue
            if x >= 0 and hi[k] >= 0 and max(hi[k], x) - min(lo[k], x) > spread:
                continue
            if any(chosen[p] for p in partners.get(e, ())):
                continue
            chosen[e] = True
            load_list[k] += 1
            if x >= 0:
                lo[k], hi[k] = min(lo[k], x), max(hi[k], x)
            break
    return chosen


def _drop_broken(graph, side: SideConstraints, chosen: np.ndarray, capacity: np.ndarray, lock_edges: list[int]
                 ) -> np.ndarray:
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
