"""Soft score components, one module each, every value in 0..1.

Every component module exposes:

    NAME: str                 component name, also its weight key in [weights]
    def score(roster, mentee, mentor) -> np.ndarray[float32]
        0..1 for each pair; `mentee`, `mentor` int64 index arrays that broadcast together,
        the result has their broadcast shape: equal lengths for a list of pairs, a column
        of mentees against a row of mentors ([r, 1] and [1, c]) for a block of pairs, which
        the candidate graph scores without a gather per pair. A block gives bit for bit what
        the same pairs give as a list (same arithmetic, element by element).
        Bulk numpy, no Python loop per pair.
    def explain(roster, mentee: int, mentor: int) -> tuple[str, dict]
        a reason code and its parameters for one pair (one line for the consilium,
        e.g. ("interests.shared", {"shared": ["шахматы"], "count": 1})). The parameters are
        JSON values already (str, int, bool, None, lists and dicts of them; no floats, fresh
        for each pair): the result document takes them as they are.
    def explain_pairs(roster, mentees: list[int], mentors: list[int]) -> list[tuple[str, dict]]
        (optional) `explain` of many pairs at once, the same answers, where one numpy pass
        over the pairs is cheaper than a call per pair.
    def applies(roster) -> bool     (optional; True when absent)
        whether the roster holds the data the component is about (anyone ranked, any
        psych scale on both sides, ...). A component that does not apply gives the same
        neutral value to every pair; passing the roster to `weights_vector` / `total_score`
        leaves it out of the weighted mean, so missing data does not shift every total.
    def kinds(roster) -> tuple[np.ndarray, np.ndarray]     (optional)
        a kind (int) per mentee and per mentor, such that two mentees of one kind score
        alike with every mentor and two mentors of one kind with every mentee (e.g. the
        rows of the one bitset the component reads). `Scorer(roster, tabulate=True)` then
        scores each kind of mentee with each kind of mentor once and reads pairs from that
        table, when it is much smaller than the pairs.

Weights come from the configuration; a weight of 0 switches a component off.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np

from ..arrays import distinct
from . import availability, interests, mirror, needs, psych, ranking

COMPONENTS: list[ModuleType] = [interests, needs, mirror, psych, ranking, availability]
COMPONENT_NAMES: list[str] = [c.NAME for c in COMPONENTS]


def component_applies(comp: ModuleType, roster) -> bool:
    check = getattr(comp, "applies", None)
    return True if check is None else bool(check(roster))


def explain_pairs(comp: ModuleType, roster, mentees: list[int], mentors: list[int]) -> list[tuple[str, dict]]:
    """comp.explain for each pair (mentees[n], mentors[n]), in one call where the component has one."""
    many = getattr(comp, "explain_pairs", None)
    if many is not None:
        return many(roster, mentees, mentors)
    return [comp.explain(roster, i, j) for i, j in zip(mentees, mentors)]


def weights_vector(config, roster=None) -> np.ndarray:
    """Configured weights in COMPONENTS order; with a roster, components that do not apply
    to it weigh 0 (unless none applies, then the configured weights stand)."""
    w = np.array([getattr(config.weights, name) for name in COMPONENT_NAMES], dtype=np.float64)
    if roster is not None:
        live = w * np.array([component_applies(c, roster) for c in COMPONENTS], dtype=np.float64)
        if live.sum() > 0:
            return live
    return w


def component_matrix(roster, mentee: np.ndarray, mentor: np.ndarray, at: np.ndarray | None = None) -> np.ndarray:
    """[..., C] float32 of every component of positive weight (columns of weight 0 stay
    zero): [E, C] for E pairs, [r, c, C] for a column of mentees against a row of mentors;
    with `at` (flat positions among those pairs), [len(at), C] of those pairs only."""
    return Scorer(roster).matrix(mentee, mentor, at)


def _clean(value: np.ndarray) -> np.ndarray:
    """NaN as 0, clipped to 0..1 (values already there are left as they are, unread twice)."""
    if value.size and 0 <= value.min() and value.max() <= 1:  # a NaN fails both
        return value
    return np.clip(np.nan_to_num(value, nan=0.0), 0.0, 1.0)


class Scorer:
    """component_matrix for many calls on one roster (the candidate graph's blocks). With
    `tabulate`, a component that has `kinds` is scored once per kind of mentee × kind of
    mentor and its pairs are read from that table (same values: same function, same inputs)."""

    TABLE_MAX = 1 << 22  # entries of one component's table

    def __init__(self, roster, tabulate: bool = False):
        self.roster = roster
        self.weights = weights_vector(roster.config)
        self.score_weights = weights_vector(roster.config, roster)
        self.tables: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        pairs = roster.mentees.n * roster.mentors.n
        for k, comp in enumerate(COMPONENTS):
            if not (tabulate and self.weights[k] > 0 and hasattr(comp, "kinds")):
                continue
            (mentee_kind, mentees), (mentor_kind, mentors) = (_representatives(x) for x in comp.kinds(roster))
            if len(mentees) * len(mentors) <= min(self.TABLE_MAX, pairs // 8):
                table = _clean(comp.score(roster, mentees[:, None], mentors[None, :]))
                self.tables[k] = (mentee_kind, mentor_kind, table)

    def matrix(self, mentee: np.ndarray, mentor: np.ndarray, at: np.ndarray | None = None,
               out: np.ndarray | None = None, total: np.ndarray | None = None) -> np.ndarray:
        """component_matrix(roster, mentee, mentor, at), into `out` if given; with `total`
        (float64, one per pair), also fills in total_score(those components, config, roster),
        summed from each component as it is computed."""
        mentee = np.asarray(mentee, dtype=np.int64)
        mentor = np.asarray(mentor, dtype=np.int64)
        shape = np.broadcast_shapes(mentee.shape, mentor.shape) if at is None else (len(at),)
        if out is None:
            out = np.empty((*shape, len(COMPONENTS)), dtype=np.float32)
        score_weights = self.score_weights / max(self.score_weights.sum(), 1e-300)
        if total is not None:
            total[...] = 0
        for k, comp in enumerate(COMPONENTS):
            if not (self.weights[k] > 0 and out.size):
                out[..., k] = 0
                continue
            if k in self.tables:
                mentee_kind, mentor_kind, table = self.tables[k]
                value = _look_up(table, mentee_kind[mentee], mentor_kind[mentor])
            else:
                value = comp.score(self.roster, mentee, mentor)
            value = value if at is None else value.ravel()[at]
            value = value if k in self.tables else _clean(value)
            out[..., k] = value
            if total is not None and score_weights[k] > 0:  # as total_score sums them
                total += np.multiply(value, score_weights[k], dtype=np.float64)
        if total is not None:
            np.clip(total, 0.0, 1.0, out=total)
        return out


def _representatives(kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kinds renumbered 0.. in the order of their first member, and that member of each."""
    _, first, inverse = distinct(kind)
    order = np.argsort(first)
    number = np.empty_like(order)
    number[order] = np.arange(len(order))
    return number[inverse], first[order]


def _look_up(table: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """table[rows, cols] broadcast; a block ([r, 1] against [1, c]) row by row."""
    if rows.ndim == 2 and rows.shape[1] == 1 and cols.ndim == 2 and cols.shape[0] == 1:
        return np.take(table[rows[:, 0]], cols[0], axis=1)
    return table[rows, cols]


def total_score(components: np.ndarray, config, roster=None) -> np.ndarray:
    """Weighted mean of components [..., C], 0..1 (weights normalised to sum 1). Pass the
    roster to leave out components that do not apply to it (see `weights_vector`).

    Summed component by component, in float64: a pair's score is the same whether it is
    scored alone or among millions (a matrix product's summation order is not)."""
    return _weighted_mean(components, weights_vector(config, roster))


def _weighted_mean(components: np.ndarray, w: np.ndarray) -> np.ndarray:
    total = np.zeros(components.shape[:-1], dtype=np.float64)
    if w.sum() <= 0:
        return total
    for k, weight in enumerate(w / w.sum()):
        if weight > 0:
            total += np.multiply(components[..., k], weight, dtype=np.float64)
    return np.clip(total, 0.0, 1.0, out=total)  # Scorer.matrix sums the same way
