"""The objective as integer levels, combined into one exact lexicographic weight per edge.

Lexicographic (default): matched mentees of each priority class from the highest down,
then the number of matched mentees, then the total score. "quality": the total score
first. Each level's weight exceeds the largest total all lower levels can reach, so one
integer objective orders solutions exactly as the levels do — for min-cost flow and CP-SAT
alike, which therefore reach the same optimum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INT64_SAFE = np.int64(2) ** 62


@dataclass
class Objective:
    names: list[str]  # level names, most important first
    values: np.ndarray  # int64 [L, E]: each edge's value on each level
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


def _level_upper(values: np.ndarray, slot: np.ndarray) -> int:
    if len(values) == 0:
        return 0
    best = np.zeros(int(slot.max()) + 1, dtype=np.int64)
    np.maximum.at(best, slot, values)
    return int(best.sum())


def build_objective(graph, score_scale_divisor: int = 1) -> Objective:
    roster = graph.roster
    mode = roster.config.program.objective
    prio = roster.mentees.priority[graph.mentee] if graph.n_edges else np.zeros(0, np.int32)
    classes = sorted({int(p) for p in np.unique(roster.mentees.priority)}, reverse=True)
    prio_levels = [(f"priority_{p}", (prio == p).astype(np.int64)) for p in classes[:-1]]
    matched = ("matched", np.ones(graph.n_edges, dtype=np.int64))
    score = ("score", graph.score_int // score_scale_divisor)
    if mode == "quality":
        levels = [score, *prio_levels, matched]
    else:
        levels = [*prio_levels, matched, score]
    names = [n for n, _ in levels]
    values = np.vstack([v for _, v in levels]) if levels else np.zeros((0, graph.n_edges), np.int64)
    slot = slot_of_edges(graph)
    upper = np.array([_level_upper(v, slot) for _, v in levels], dtype=np.int64)
    weights = np.zeros(len(levels), dtype=object)
    acc = 0  # Python ints: no overflow while computing
    for k in range(len(levels) - 1, -1, -1):
        weights[k] = acc + 1
        acc += weights[k] * int(upper[k])
    if acc >= int(INT64_SAFE):
        raise OverflowError("lexicographic objective does not fit in 64 bits")
    weights = weights.astype(np.int64)
    combined = (weights[:, None] * values).sum(axis=0) if len(levels) else np.zeros(0, np.int64)
    return Objective(names, values, weights, combined.astype(np.int64), upper, score_scale_divisor)


def objective_for(graph, max_total: int = int(INT64_SAFE)) -> Objective:
    """The finest objective whose largest total stays below max_total: the score loses
    resolution (1000 -> 100 -> 10 steps) only if priority classes make the weights huge."""
    for divisor in (1, 10, 100, 1000):
        try:
            obj = build_objective(graph, divisor)
        except OverflowError:
            continue
        if int((obj.weights.astype(object) * obj.upper.astype(object)).sum()) < max_total:
            return obj
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
