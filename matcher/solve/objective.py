"""The objective as integer levels, combined into one exact lexicographic weight per edge.

Lexicographic (default): matched mentees of each priority class from the highest down,
then the number of matched mentees, then the total score. "quality": the total score
first. Each level's weight exceeds the largest total all lower levels can reach, so one
integer objective orders solutions exactly as the levels do — for min-cost flow and CP-SAT
alike, which therefore reach the same optimum.

Re-matching with pairs of a previous round (graph.previous_pairs, `matcher rematch --mode
repair`) adds two levels: first `still_paired`, the previous round's mentees who keep a
mentor (no working pair is broken up to pair someone else), and `kept`, the previous pairs
that stay as they are, just above the score (fewest changes among the assignments that pair
the most people; the score never moves a working pair).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INT64_SAFE = np.int64(2) ** 62


class LevelValues:
    """Each edge's value on each level, [L, E] as an array would index it, computed on demand:
    a region's tens of millions of edges times a few levels would hold gigabytes, and every
    row is a function of the edge's mentee (priority class, matched) or its score."""

    def __init__(self, graph, kinds: list[tuple[str, int]]):
        # ("priority", class) | ("matched", 0) | ("score", divisor) | ("still_paired", 0) | ("kept", 0)
        self.graph, self.kinds = graph, kinds
        self.shape = (len(kinds), graph.n_edges)

    def __len__(self) -> int:
        return len(self.kinds)

    def row(self, k: int, edges=None) -> np.ndarray:
        kind, arg = self.kinds[k]
        graph = self.graph
        if kind == "score":
            v = graph.score_int if edges is None else graph.score_int[edges]
            return np.asarray(v, dtype=np.int64) // arg
        if kind in ("still_paired", "kept"):
            v = previous_values(graph)[0 if kind == "still_paired" else 1]
            return (v if edges is None else v[edges]).astype(np.int64)
        mentee = graph.mentee if edges is None else graph.mentee[edges]
        if kind == "matched":
            return np.ones(len(mentee), dtype=np.int64)
        return (graph.roster.mentees.priority[mentee] == arg).astype(np.int64)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            k, edges = key
            if isinstance(k, slice):
                return np.vstack([self.row(r, edges) for r in range(len(self.kinds))[k]])
            return self.row(int(k), edges)
        if isinstance(key, slice):
            rows = range(len(self.kinds))[key]
            if not len(rows):
                return np.zeros((0, self.shape[1]), np.int64)
            return np.vstack([self.row(r) for r in rows])
        return self.row(int(key))


@dataclass
class Objective:
    names: list[str]  # level names, most important first
    values: LevelValues  # [L, E]: each edge's value on each level (computed on demand)
    weights: np.ndarray  # int64 [L]
    combined: np.ndarray  # int64 [E]: sum of weights * values
    upper: np.ndarray  # int64 [L]: largest total each level can reach
    score_divisor: int = 1  # the score level counts graph.score_int // this (1: full resolution)

    def level_totals(self, edges: np.ndarray) -> dict[str, int]:
        return {name: int(self.values[k, edges].sum()) for k, name in enumerate(self.names)}

    def total(self, edges: np.ndarray) -> int:
        return int(self.combined[edges].sum())


def slot_of_edges(graph) -> np.ndarray:
    """The mentee slot each edge fills: the mentee, or (mentee, form) in per-form mode."""
    if graph.roster.config.program.one_mentor_per == "form":
        return graph.mentee * len(graph.roster.form_ids) + graph.form
    return graph.mentee.copy()


def previous_values(graph) -> tuple[np.ndarray, np.ndarray]:
    """Per edge (bool): its slot was held by a previous pair that may stay (still_paired), and
    it is that pair (kept). Both zero without graph.previous_pairs."""
    kept = getattr(graph, "previous_pairs", None)
    if kept is None:
        zero = np.zeros(graph.n_edges, dtype=bool)
        return zero, zero
    slot = slot_of_edges(graph)
    held = np.zeros(int(slot.max()) + 1 if len(slot) else 0, dtype=bool)
    held[slot[kept]] = True
    return held[slot], kept


def _slot_max(values: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Each slot's largest value (slots with no edge: 0)."""
    best = np.zeros(int(slot.max()) + 1, dtype=np.int64)
    if len(slot) > 1 and (slot[1:] >= slot[:-1]).all():  # sorted: one pass, no scatter
        starts = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]])
        best[slot[starts]] = np.maximum.reduceat(values, starts)
    else:
        np.maximum.at(best, slot, values)
    return best


def _levels(graph) -> tuple[list[str], list[tuple[str, int]], list[int], list[int]]:
    """Names and kinds of the levels, each one's largest total and largest value on one edge
    (the score level's at full resolution)."""
    roster = graph.roster
    mode = roster.config.program.objective
    classes = sorted({int(p) for p in np.unique(roster.mentees.priority)}, reverse=True)
    slot = slot_of_edges(graph)
    n_slots_with_edges, prio_upper, score_upper, score_max = 0, {}, 0, 0
    if graph.n_edges:
        has = np.zeros(int(slot.max()) + 1, dtype=bool)
        has[slot] = True
        first_edge = np.full(len(has), -1, dtype=np.int64)
        first_edge[slot[::-1]] = np.arange(graph.n_edges)[::-1]
        slot_prio = roster.mentees.priority[graph.mentee[first_edge[has]]]
        n_slots_with_edges = int(has.sum())
        prio_upper = {p: int((slot_prio == p).sum()) for p in classes}
        score_upper = _slot_max(graph.score_int.astype(np.int64), slot)
        score_max = int(graph.score_int.max())
    levels_p = [(f"priority_{p}", ("priority", p), prio_upper.get(p, 0), 1) for p in classes[:-1]]
    matched = ("matched", ("matched", 0), n_slots_with_edges, 1)
    score = ("score", ("score", 1), score_upper, score_max)
    levels = [score, *levels_p, matched] if mode == "quality" else [*levels_p, matched, score]
    if getattr(graph, "previous_pairs", None) is not None:
        n_previous = int(np.count_nonzero(graph.previous_pairs))  # at most one per slot
        still = ("still_paired", ("still_paired", 0), n_previous, 1)
        kept = ("kept", ("kept", 0), n_previous, 1)
        levels = [still, *levels[:-1], kept, levels[-1]] if mode != "quality" else [still, kept, *levels]
    return [lv[0] for lv in levels], [lv[1] for lv in levels], [lv[2] for lv in levels], [lv[3] for lv in levels]


def _weights(uppers: list[int]) -> list[int]:
    weights = [0] * len(uppers)
    acc = 0  # Python ints: no overflow while computing
    for k in range(len(uppers) - 1, -1, -1):
        weights[k] = acc + 1
        acc += weights[k] * int(uppers[k])
    return weights


def build_objective(graph, score_scale_divisor: int = 1, _levels_cache=None) -> Objective:
    names, kinds, uppers, vmax = _levels_cache or _levels(graph)
    kinds = [("score", score_scale_divisor) if kind == "score" else (kind, arg) for kind, arg in kinds]
    uppers = [int((u // score_scale_divisor).sum()) if isinstance(u, np.ndarray) else int(u) for u in uppers]
    weights = _weights(uppers)
    if sum(w * u for w, u in zip(weights, uppers)) >= int(INT64_SAFE):
        raise OverflowError("lexicographic objective does not fit in 64 bits")
    values = LevelValues(graph, kinds)
    # combined = per-mentee part (priority classes, matched) + the score's: two passes over
    # the edges, never an [L, E] array.
    per_mentee = np.zeros(graph.roster.mentees.n, dtype=np.int64)
    combined = np.zeros(graph.n_edges, dtype=np.int64)
    for w, (kind, arg) in zip(weights, kinds):
        if kind == "matched":
            per_mentee += w
        elif kind == "priority":
            per_mentee += w * (graph.roster.mentees.priority == arg)
        elif kind in ("still_paired", "kept"):
            combined += values.row(kinds.index((kind, arg))) * w
        else:
            combined += (graph.score_int.astype(np.int64) // arg) * w
    if graph.n_edges:
        combined += per_mentee[graph.mentee]
    return Objective(names, values, np.array(weights, dtype=np.int64), combined, np.array(uppers, dtype=np.int64),
                     score_scale_divisor)


def max_edge_value(weights: list[int], vmax: list[int], kinds, divisor: int) -> int:
    return sum(int(w) * (int(v) // divisor if kind == "score" else int(v))
               for w, v, (kind, _) in zip(weights, vmax, kinds))


def objective_for(graph, max_edge: int = int(INT64_SAFE)) -> Objective:
    """The finest objective whose largest value on one edge stays below max_edge (the flow
    solver's cost range): the score loses resolution (1000 -> 100 -> 10 steps) only if
    priority classes make the weights huge."""
    cache = _levels(graph)
    names, kinds, uppers, vmax = cache
    for divisor in (1, 10, 100, 1000):
        ups = [int((u // divisor).sum()) if isinstance(u, np.ndarray) else int(u) for u in uppers]
        weights = _weights(ups)
        total = sum(w * u for w, u in zip(weights, ups))
        if total >= int(INT64_SAFE) or max_edge_value(weights, vmax, kinds, divisor) >= max_edge:
            continue
        return build_objective(graph, divisor, cache)
    raise OverflowError("too many priority classes for an exact integer objective")


def level_gaps(objective: Objective, levels: dict[str, int], bound: int,
               caps: dict[str, int] | None = None) -> dict[str, int]:
    """How much more the best assignment can have than `levels` on each level, given only
    that its combined value is at most `bound` (and each level's total at most `caps`).

    Guarantee: every assignment y at least as good as the reported one a (y >=lex a, which
    the optimum is) with combined(y) <= bound and 0 <= y_k <= min(upper_k, caps_k) has
    y_k - a_k <= gap_k on every level k; and the numbers are the smallest with that property.

    A weighted lexicographic bound speaks level by level: with p the first level where the
    bound's mixed-radix digits exceed a, levels above p cannot gain (gap 0), level p gains at
    most digit_p - a_p, and below p a gain on p could pay for anything — there the bound alone
    says nothing, and only the caps (each level's own maximum over the flow relaxation)
    limit the gap. Level totals are non-negative, as build_objective makes them."""
    names = objective.names
    a = [int(levels[n]) for n in names]
    cap = [int(u) for u in objective.upper]
    if caps:
        cap = [min(u, max(int(caps.get(n, u)), x)) for u, n, x in zip(cap, names, a)]
    cap = [max(u, x) for u, x in zip(cap, a)]
    weights = [int(w) for w in objective.weights]
    # The bound's digits in the objective's mixed radix (weight_k = weight_k+1 * (upper_k+1 + 1)):
    # combined(y) <= bound exactly when y <=lex digits.
    top = sum(w * int(u) for w, u in zip(weights, objective.upper))
    rem = min(int(bound), top)
    b = []
    for w in weights:
        b.append(rem // w)
        rem %= w
    gaps = {}
    p = next((k for k in range(len(a)) if b[k] != a[k]), None)
    for k, name in enumerate(names):
        if p is None or k < p or b[p] < a[p]:
            best = a[k]
        elif k == p:
            best = min(b[p], cap[p])
        else:
            # y_p = a_p, the rest lexicographically at least a's: a level between p and k
            # that can still rise frees every level after it.
            best = cap[k] if any(a[r] < cap[r] for r in range(p + 1, k + 1)) else a[k]
            if a[p] + 1 < b[p] and a[p] + 1 <= cap[p]:
                best = cap[k]  # y_p strictly between: the levels below are free
            if b[p] <= cap[p]:
                # y_p = b_p, the rest lexicographically at most b's.
                if any(b[r] > 0 for r in range(p + 1, k)):
                    best = cap[k]
                else:
                    best = max(best, min(b[k], cap[k]))
        gaps[name] = max(0, best - a[k])
    return gaps
