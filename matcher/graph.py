"""The candidate graph: every rule on every (mentee, mentor) pair, scores on the candidates.

Rules run in bulk per form on the sub-grid of people who listed that form; pairs that
share no form are blocked by form compatibility alone. Every blocked pair keeps its
reasons (a bitmask over constraints.RULE_CODES, from the form where it came closest), so
explanations can say which rules stood in the way without re-running anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import constraints, scoring
from .arrays import Roster

FORM_COMPAT_BIT = constraints.RULE_BIT["form_compat"]
FORBIDDEN_BIT = constraints.RULE_BIT["forbidden"]
MIN_SCORE_BIT = constraints.RULE_BIT["min_score"]
SCORE_SCALE = 1000  # integer score resolution for the solvers: 0..1000
BLOCK_PAIRS = 1 << 21  # pairs evaluated per chunk, bounds temporary memory


@dataclass
class CandidateGraph:
    roster: Roster
    # Candidate edges, sorted by (mentee, mentor, form).
    mentee: np.ndarray  # int64 [E]
    mentor: np.ndarray  # int64 [E]
    form: np.ndarray  # int16 [E], index into roster.form_ids
    components: np.ndarray  # float32 [E, C], scoring.COMPONENT_NAMES
    score: np.ndarray  # float64 [E], weighted 0..1
    score_int: np.ndarray  # int64 [E], round(score * SCORE_SCALE)
    # Every pair: reasons it is blocked (0 = at least one candidate edge) and the form they refer to.
    blocked: np.ndarray  # uint32 [n_mentees, n_mentors]
    blocked_form: np.ndarray  # int8 [n_mentees, n_mentors], -1 = the two share no form

    @property
    def n_edges(self) -> int:
        return len(self.mentee)

    def edges_of_mentee(self, i: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.mentee, [i, i + 1])
        return np.arange(lo, hi)

    def edge_index(self, i: int, j: int) -> np.ndarray:
        """Edge numbers of the pair (mentee i, mentor j) — one per form in per-form mode."""
        e = self.edges_of_mentee(i)
        return e[self.mentor[e] == j]

    def reason_codes(self, mask: int) -> list[str]:
        return [code for code, bit in constraints.RULE_BIT.items() if mask & bit]


def _popcount32(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).astype(np.int16)


def build_graph(roster: Roster, forbidden_pairs: np.ndarray | None = None,
                progress: Callable[[int, int], None] | None = None) -> CandidateGraph:
    """Run every hard rule and score component. `forbidden_pairs`: [k, 2] (mentee, mentor)
    pairs the consilium excluded."""
    config = roster.config
    nt, nm = roster.mentees.n, roster.mentors.n
    per_form = config.program.one_mentor_per == "form"
    form_ids = roster.form_ids
    # Start as "blocked by form compatibility" with no form: overwritten where a form applies.
    blocked = np.full((nt, nm), FORM_COMPAT_BIT, dtype=np.uint32)
    blocked_form = np.full((nt, nm), -1, dtype=np.int8)
    best_count = np.full((nt, nm), 127, dtype=np.int16)
    edge_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    for f, form in enumerate(form_ids):
        bit = np.uint64(1) << np.uint64(f)
        tis = np.flatnonzero(roster.mentees.forms & bit)
        tjs = np.flatnonzero(roster.mentors.forms & bit)
        if len(tis) == 0 or len(tjs) == 0:
            continue
        rows_per_block = max(1, BLOCK_PAIRS // len(tjs))
        for start in range(0, len(tis), rows_per_block):
            ti = tis[start:start + rows_per_block]
            mentee = np.repeat(ti, len(tjs))
            mentor = np.tile(tjs, len(ti))
            mask = constraints.reasons_mask(roster, mentee, mentor, form)
            count = _popcount32(mask)
            sub = np.ix_(ti, tjs)
            cur = best_count[sub].ravel()
            better = count < cur
            if better.any():
                newcount = np.where(better, count, cur).reshape(len(ti), len(tjs))
                best_count[sub] = newcount
                bm = blocked[sub].ravel()
                bf = blocked_form[sub].ravel()
                bm = np.where(better, mask, bm)
                bf = np.where(better, np.int8(f), bf)
                blocked[sub] = bm.reshape(len(ti), len(tjs))
                blocked_form[sub] = bf.reshape(len(ti), len(tjs))
            ok = mask == 0
            if ok.any():
                edge_parts.append((mentee[ok], mentor[ok], np.full(int(ok.sum()), f, dtype=np.int16)))
            if progress:
                progress(f, len(form_ids))

    if edge_parts:
        mentee = np.concatenate([p[0] for p in edge_parts]).astype(np.int64)
        mentor = np.concatenate([p[1] for p in edge_parts]).astype(np.int64)
        form = np.concatenate([p[2] for p in edge_parts])
    else:
        mentee = np.zeros(0, np.int64)
        mentor = np.zeros(0, np.int64)
        form = np.zeros(0, np.int16)
    order = np.lexsort((form, mentor, mentee))
    mentee, mentor, form = mentee[order], mentor[order], form[order]
    if not per_form and len(mentee):
        # One edge per pair: the first form (in configuration order) the pair passes in.
        first = np.ones(len(mentee), dtype=bool)
        first[1:] = (mentee[1:] != mentee[:-1]) | (mentor[1:] != mentor[:-1])
        mentee, mentor, form = mentee[first], mentor[first], form[first]

    keep = np.ones(len(mentee), dtype=bool)
    if forbidden_pairs is not None and len(forbidden_pairs):
        hit = roster.pair_in(np.asarray(forbidden_pairs, dtype=np.int64), mentee, mentor)
        blocked[mentee[hit], mentor[hit]] = FORBIDDEN_BIT
        keep &= ~hit

    components = scoring.component_matrix(roster, mentee, mentor)
    score = scoring.total_score(components, config, roster)
    if config.program.min_score > 0:
        low = keep & (score < config.program.min_score - 1e-12)
        blocked[mentee[low], mentor[low]] = MIN_SCORE_BIT
        keep &= ~low
    mentee, mentor, form = mentee[keep], mentor[keep], form[keep]
    components, score = components[keep], score[keep]
    blocked[mentee, mentor] = 0
    blocked_form[mentee, mentor] = form.astype(np.int8)
    # Round off float noise first: the matrix product's summation order depends on how many
    # pairs are scored at once, and a pair's integer score must not (787.4999... vs 787.5).
    score_int = np.rint(np.round(score * SCORE_SCALE, 6)).astype(np.int64)
    return CandidateGraph(roster, mentee, mentor, form, components, score, score_int, blocked, blocked_form)
