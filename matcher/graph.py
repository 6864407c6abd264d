"""The candidate graph: every rule on every (mentee, mentor) pair, scores on the candidates.

Rules run in bulk per form on the sub-grid of people who listed that form; pairs that
share no form are blocked by form compatibility alone. A blocked pair's reasons are a
bitmask over constraints.RULE_CODES, from the form where it came closest (fewest rules
failed, the first such form in configuration order).

No mentees × mentors array is kept (a region of 20,000 × 10,000 would need gigabytes):
the mentees go through the rules in chunks, and of the blocked pairs the graph keeps only
- per mentee and per mentor, how many pairs each rule blocks (the deciding rules, see
  deciding_reasons) and, per mentee, how many it blocks alone;
- the pairs blocked by exactly one rule that could be relaxed (near misses: not form
  compatibility, not a person paired with themselves), with that rule and the form, as
  rows per mentee (mentors ascending), up to NEAR_PAIRS_KEPT of them (in a programme where
  one rule blocks nearly every pair, the later mentees' rows are left to be recomputed);
  pairs taken out by the consilium or min_score are always kept.
Any other pair's reasons are computed again on demand (blocked_row, reason_mask): the
rules are pure functions of the roster, so they give what building saw.
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
NEAR_PAIRS_KEPT = 1 << 24  # near misses stored (6 bytes each); past that, rows are recomputed
N_RULES = len(constraints.RULE_CODES)
# Pairs blocked by these are not near misses: the two are not in one programme at all.
NOT_NEAR = FORM_COMPAT_BIT | constraints.RULE_BIT["self_pair"]
DECIDING_BITS = (constraints.RULE_BIT["self_pair"], FORM_COMPAT_BIT)


def deciding_reasons(masks: np.ndarray) -> np.ndarray:
    """Reason masks reduced to the rules that decide: a pair of one person, or a pair outside
    the form's categories, cannot be in that form at all, so the other rules checked in that
    form (a mentor's grade for a young teacher in student–student) stand in nobody's way."""
    masks = np.asarray(masks)
    self_bit, form_bit = (masks.dtype.type(b) for b in DECIDING_BITS)
    return np.where(masks & self_bit, self_bit, np.where(masks & form_bit, form_bit, masks)).astype(masks.dtype)


def single_near_rule(masks: np.ndarray) -> np.ndarray:
    """Masks with exactly one reason, and that reason not 'not in the same programme'."""
    return (masks != 0) & ((masks & (masks - 1)) == 0) & ((masks & NOT_NEAR) == 0)


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
    # Blocked pairs, aggregated: [n, N_RULES] counts by RULE_CODES of the pairs each rule blocks
    # (deciding_reasons), per mentee and per mentor, and per mentee those it blocks alone.
    blocked_counts: np.ndarray  # int32 [n_mentees, N_RULES]
    blocked_only_counts: np.ndarray  # int32 [n_mentees, N_RULES]
    mentor_blocked_counts: np.ndarray  # int32 [n_mentors, N_RULES]
    # Near misses (single_near_rule), rows per mentee: near_ptr[i]:near_ptr[i + 1], mentors ascending.
    near_ptr: np.ndarray  # int64 [n_mentees + 1]
    near_mentor: np.ndarray  # int32 [N]
    near_rule: np.ndarray  # uint8 [N], index into RULE_CODES
    near_form: np.ndarray  # int8 [N], index into roster.form_ids
    near_per_mentee: np.ndarray  # int32 [n_mentees], stored or not
    near_stored: np.ndarray  # bool [n_mentees]: False = the row holds only forbidden / min_score pairs

    @property
    def n_edges(self) -> int:
        return len(self.mentee)

    @property
    def pairs_total(self) -> int:
        return self.roster.mentees.n * self.roster.mentors.n

    def edges_of_mentee(self, i: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.mentee, [i, i + 1])
        return np.arange(lo, hi)

    def edge_index(self, i: int, j: int) -> np.ndarray:
        """Edge numbers of the pair (mentee i, mentor j) — one per form in per-form mode."""
        e = self.edges_of_mentee(i)
        return e[self.mentor[e] == j]

    def reason_codes(self, mask: int) -> list[str]:
        return [code for code, bit in constraints.RULE_BIT.items() if mask & bit]

    def shares_form(self, i: int) -> bool:
        """Whether some mentor listed a form mentee i listed (else every pair is form_compat)."""
        return bool(int(self.roster.mentees.forms[i]) & int(np.bitwise_or.reduce(self.roster.mentors.forms, initial=0)))

    def near_misses(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The near misses of the mentees `rows`: (position in rows, mentor, reason bit, form),
        row by row in the order of `rows`, mentors ascending."""
        rows = np.asarray(rows, dtype=np.int64)
        lo, hi = self.near_ptr[rows], self.near_ptr[rows + 1]
        lengths = hi - lo
        r = np.repeat(np.arange(len(rows)), lengths)
        pos = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths) + np.repeat(lo, lengths)
        bits = np.left_shift(np.uint32(1), self.near_rule[pos].astype(np.uint32))
        stored = (r, self.near_mentor[pos].astype(np.int64), bits, self.near_form[pos])
        missing = np.flatnonzero(~self.near_stored[rows])
        if not len(missing):
            return stored
        # Rows past NEAR_PAIRS_KEPT: recomputed (blocked_rows adds their stored pairs).
        keep = self.near_stored[rows][r]
        parts = [tuple(a[keep] for a in stored)]
        step = max(1, BLOCK_PAIRS // max(1, self.roster.mentors.n))
        for start in range(0, len(missing), step):
            q = missing[start:start + step]
            mask, form = self.blocked_rows(rows[q])
            rr, k = np.nonzero(single_near_rule(mask))
            parts.append((q[rr], k.astype(np.int64), mask[rr, k], form[rr, k]))
        r, k, bits, form = (np.concatenate([p[n] for p in parts]) for n in range(4))
        order = np.lexsort((k, r))
        return r[order], k[order], bits[order], form[order]

    def near_count(self, rows: np.ndarray) -> int:
        return int(self.near_per_mentee[np.asarray(rows, dtype=np.int64)].sum())

    def blocked_row(self, i: int, mentors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Reason masks (uint32, 0 = candidate) and forms (int8, -1 = no shared form; for a
        candidate, its last edge's form) of mentee i with `mentors` (default: every mentor)."""
        mask, form = self.blocked_rows(np.array([i], dtype=np.int64), mentors)
        return mask[0], form[0]

    def blocked_rows(self, rows: np.ndarray, mentors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """blocked_row of several mentees: dense [len(rows), len(mentors)], for a few rows at a time."""
        nm = self.roster.mentors.n
        rows = np.asarray(rows, dtype=np.int64)
        js = np.arange(nm, dtype=np.int64) if mentors is None else np.asarray(mentors, dtype=np.int64)
        mask, form = _best_reasons(self.roster, rows, js)
        where = np.full(nm, -1, dtype=np.int64)
        where[js] = np.arange(len(js))
        for q, i in enumerate(rows.tolist()):
            # Consilium forbids and min_score apply to pairs the rules let through: they are near misses.
            lo, hi = int(self.near_ptr[i]), int(self.near_ptr[i + 1])
            at = where[self.near_mentor[lo:hi]]
            hit = at >= 0
            mask[q, at[hit]] = np.left_shift(np.uint32(1), self.near_rule[lo:hi][hit].astype(np.uint32))
            form[q, at[hit]] = self.near_form[lo:hi][hit]
            e = self.edges_of_mentee(i)
            last = np.r_[self.mentor[e][1:] != self.mentor[e][:-1], True] if len(e) else np.zeros(0, bool)
            at = where[self.mentor[e][last]]
            hit = at >= 0
            mask[q, at[hit]] = 0
            form[q, at[hit]] = self.form[e][last][hit]
        return mask, form

    def reason_mask(self, i: int, j: int) -> int:
        """Why the pair (mentee i, mentor j) is blocked, as a RULE_BIT mask (0: a candidate)."""
        p = self._near_position(i, j)
        if p >= 0:
            return 1 << int(self.near_rule[p])
        return int(self.blocked_row(i, np.array([j]))[0][0])

    def reason_form(self, i: int, j: int) -> int:
        """The form (index into roster.form_ids) the pair's reasons refer to; -1 if none."""
        p = self._near_position(i, j)
        if p >= 0:
            return int(self.near_form[p])
        return int(self.blocked_row(i, np.array([j]))[1][0])

    def _near_position(self, i: int, j: int) -> int:
        lo, hi = int(self.near_ptr[i]), int(self.near_ptr[i + 1])
        p = lo + int(np.searchsorted(self.near_mentor[lo:hi], j))
        return p if p < hi and int(self.near_mentor[p]) == j else -1

    def pairs_blocked_only_by(self, code: str) -> np.ndarray:
        """[k, 2] (mentee, mentor) pairs whose one reason is `code` (not form_compat / self_pair)."""
        k = np.flatnonzero(self.near_rule == constraints.RULE_CODES.index(code))
        i = np.searchsorted(self.near_ptr, k, "right") - 1
        return np.stack([i, self.near_mentor[k].astype(np.int64)], axis=1).astype(np.int64)


def _popcount32(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).astype(np.int16)


def _best_reasons(roster: Roster, ti: np.ndarray, tj: np.ndarray,
                  passes: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Dense [len(ti), len(tj)] reason masks and forms of the pairs ti × tj (the form where
    the pair came closest; FORM_COMPAT_BIT and -1 where they share no form). `passes`
    collects (mentee, mentor, form) of the pairs that pass every rule of a form."""
    shape = (len(ti), len(tj))
    blocked = np.full(shape, FORM_COMPAT_BIT, dtype=np.uint32)
    blocked_form = np.full(shape, -1, dtype=np.int8)
    best_count = np.full(shape, 127, dtype=np.int16)
    for f, form in enumerate(roster.form_ids):
        bit = np.uint64(1) << np.uint64(f)
        rs = np.flatnonzero(roster.mentees.forms[ti] & bit)
        cs = np.flatnonzero(roster.mentors.forms[tj] & bit)
        if len(rs) == 0 or len(cs) == 0:
            continue
        mentee = np.repeat(ti[rs], len(cs))
        mentor = np.tile(tj[cs], len(rs))
        mask = constraints.reasons_mask(roster, mentee, mentor, form)
        count = _popcount32(mask)
        sub = np.ix_(rs, cs)
        cur = best_count[sub].ravel()
        better = count < cur
        if better.any():
            best_count[sub] = np.where(better, count, cur).reshape(len(rs), len(cs))
            blocked[sub] = np.where(better, mask, blocked[sub].ravel()).reshape(len(rs), len(cs))
            blocked_form[sub] = np.where(better, np.int8(f), blocked_form[sub].ravel()).reshape(len(rs), len(cs))
        if passes is not None:
            ok = mask == 0
            if ok.any():
                passes.append((mentee[ok], mentor[ok], np.full(int(ok.sum()), f, dtype=np.int16)))
    return blocked, blocked_form


def _deciding_tables() -> tuple[np.ndarray, np.ndarray]:
    """For every mask value: the rules that decide it, and whether one of them decides alone."""
    codes = deciding_reasons(np.arange(1 << N_RULES, dtype=np.int64))
    has = ((codes[:, None] >> np.arange(N_RULES)) & 1).astype(np.uint8)
    only = has * ((codes & (codes - 1)) == 0)[:, None].astype(np.uint8)
    return has, only


DECIDING_HAS, DECIDING_ONLY = _deciding_tables()  # [1 << N_RULES, N_RULES] each


class _BlockedTally:
    """The aggregates of the blocked pairs, chunk by chunk of mentees."""

    def __init__(self, nt: int, nm: int):
        self.nt, self.nm = nt, nm
        self.has, self.only = DECIDING_HAS, DECIDING_ONLY
        self.counts = np.zeros((nt, N_RULES), dtype=np.int32)
        self.only_counts = np.zeros((nt, N_RULES), dtype=np.int32)
        self.mentor_counts = np.zeros((nm, N_RULES), dtype=np.int64)
        self.near: list[tuple[np.ndarray, ...]] = []  # (mentee, mentor, rule, form)
        self.near_kept = 0
        self.near_in_order = True  # chunks come in mentee order; pairs taken out later do not
        self.near_per_mentee = np.zeros(nt, dtype=np.int32)
        self.near_stored = np.ones(nt, dtype=bool)

    def add(self, ti: np.ndarray, blocked: np.ndarray, blocked_form: np.ndarray) -> None:
        # Through the few distinct masks of the chunk: a count per (row, mask) and (column, mask).
        values = np.flatnonzero(np.bincount(blocked.ravel(), minlength=1 << N_RULES))
        lut = np.zeros(1 << N_RULES, dtype=np.int64)
        lut[values] = np.arange(len(values))
        u = len(values)
        idx = lut[blocked]
        nr, nc = blocked.shape
        per_row = np.bincount((idx + (np.arange(nr, dtype=np.int64) * u)[:, None]).ravel(),
                              minlength=nr * u).reshape(nr, u)
        per_col = np.bincount((idx + (np.arange(nc, dtype=np.int64) * u)[None, :]).ravel(),
                              minlength=nc * u).reshape(nc, u)
        self.counts[ti] += (per_row @ self.has[values]).astype(np.int32)
        self.only_counts[ti] += (per_row @ self.only[values]).astype(np.int32)
        self.mentor_counts += per_col @ self.has[values]
        r, k = np.nonzero(single_near_rule(blocked))
        self.near_per_mentee[ti] += np.bincount(r, minlength=nr).astype(np.int32)
        if self.near_kept + len(r) > NEAR_PAIRS_KEPT:
            self.near_stored[ti] = False
        elif len(r):
            self.near_kept += len(r)
            rule = (np.bitwise_count(blocked[r, k] - np.uint32(1))).astype(np.uint8)  # log2 of one bit
            self.near.append((ti[r].astype(np.int32), k.astype(np.int32), rule, blocked_form[r, k]))

    def remove_candidates(self, mentee: np.ndarray, mentor: np.ndarray, form: np.ndarray, bit: int) -> None:
        """Pairs that pass every rule but are taken out (forbidden, below min_score): now
        blocked by that one reason, in the first form they passed in."""
        if not len(mentee):
            return
        keys = mentee.astype(np.int64) * self.nm + mentor
        _, first = np.unique(keys, return_index=True)  # edges are sorted: the first is the first form
        mentee, mentor, form = mentee[first], mentor[first], form[first]
        rule = int(bit).bit_length() - 1
        np.add.at(self.counts, (mentee, rule), 1)
        np.add.at(self.only_counts, (mentee, rule), 1)
        np.add.at(self.mentor_counts, (mentor, rule), 1)
        np.add.at(self.near_per_mentee, mentee, 1)
        self.near_in_order = False
        self.near.append((mentee.astype(np.int32), mentor.astype(np.int32), np.full(len(mentee), rule, np.uint8),
                          form.astype(np.int8)))

    def near_rows(self) -> tuple[np.ndarray, ...]:
        if not self.near:
            return (np.zeros(self.nt + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.uint8),
                    np.zeros(0, np.int8))
        mentee = np.concatenate([p[0] for p in self.near])
        mentor = np.concatenate([p[1] for p in self.near])
        rule = np.concatenate([p[2] for p in self.near])
        form = np.concatenate([p[3] for p in self.near])
        self.near = []
        if not self.near_in_order:
            order = np.argsort(mentee.astype(np.int64) * self.nm + mentor, kind="stable")
            mentee, mentor, rule, form = mentee[order], mentor[order], rule[order], form[order]
        ptr = np.zeros(self.nt + 1, dtype=np.int64)
        np.cumsum(np.bincount(mentee, minlength=self.nt), out=ptr[1:])
        return ptr, mentor, rule, form


def _sorted_edges(passes: list, per_form: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One chunk's passing (mentee, mentor, form), sorted, as int32 / int32 / int16; one edge
    per pair (the first form in configuration order it passes in) unless per form."""
    mentee = np.concatenate([p[0] for p in passes]).astype(np.int32)
    mentor = np.concatenate([p[1] for p in passes]).astype(np.int32)
    form = np.concatenate([p[2] for p in passes])
    order = np.lexsort((form, mentor, mentee))
    mentee, mentor, form = mentee[order], mentor[order], form[order]
    if not per_form and len(mentee):
        first = np.ones(len(mentee), dtype=bool)
        first[1:] = (mentee[1:] != mentee[:-1]) | (mentor[1:] != mentor[:-1])
        mentee, mentor, form = mentee[first], mentor[first], form[first]
    return mentee, mentor, form


def build_graph(roster: Roster, forbidden_pairs: np.ndarray | None = None,
                progress: Callable[[int, int], None] | None = None) -> CandidateGraph:
    """Run every hard rule and score component. `forbidden_pairs`: [k, 2] (mentee, mentor)
    pairs the consilium excluded. `progress(done, total)` is called after each chunk of mentees."""
    config = roster.config
    nt, nm = roster.mentees.n, roster.mentors.n
    per_form = config.program.one_mentor_per == "form"
    all_mentors = np.arange(nm, dtype=np.int64)
    tally = _BlockedTally(nt, nm)
    # Edges chunk by chunk, each sorted by (mentee, mentor, form): chunks come in mentee
    # order, so their concatenation is sorted with no sort of every edge at once.
    edge_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    rows_per_chunk = max(1, BLOCK_PAIRS // max(1, nm))
    for start in range(0, nt, rows_per_chunk):
        ti = np.arange(start, min(nt, start + rows_per_chunk), dtype=np.int64)
        passes: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        blocked, blocked_form = _best_reasons(roster, ti, all_mentors, passes)
        tally.add(ti, blocked, blocked_form)
        del blocked, blocked_form
        if passes:
            edge_parts.append(_sorted_edges(passes, per_form))
        if progress:
            progress(int(ti[-1]) + 1, nt)

    if edge_parts:
        mentee = np.concatenate([p[0] for p in edge_parts]).astype(np.int64)
        mentor = np.concatenate([p[1] for p in edge_parts]).astype(np.int64)
        form = np.concatenate([p[2] for p in edge_parts])
    else:
        mentee = np.zeros(0, np.int64)
        mentor = np.zeros(0, np.int64)
        form = np.zeros(0, np.int16)
    del edge_parts

    keep = np.ones(len(mentee), dtype=bool)
    if forbidden_pairs is not None and len(forbidden_pairs):
        hit = roster.pair_in(np.asarray(forbidden_pairs, dtype=np.int64), mentee, mentor)
        tally.remove_candidates(mentee[hit], mentor[hit], form[hit], FORBIDDEN_BIT)
        keep &= ~hit

    components = scoring.component_matrix(roster, mentee, mentor)
    score = scoring.total_score(components, config, roster)
    if config.program.min_score > 0:
        low = keep & (score < config.program.min_score - 1e-12)
        tally.remove_candidates(mentee[low], mentor[low], form[low], MIN_SCORE_BIT)
        keep &= ~low
    mentee, mentor, form = mentee[keep], mentor[keep], form[keep]
    components, score = components[keep], score[keep]
    # Round off float noise first: the matrix product's summation order depends on how many
    # pairs are scored at once, and a pair's integer score must not (787.4999... vs 787.5).
    score_int = np.rint(np.round(score * SCORE_SCALE, 6)).astype(np.int64)
    near_ptr, near_mentor, near_rule, near_form = tally.near_rows()
    return CandidateGraph(roster, mentee, mentor, form, components, score, score_int,
                          tally.counts, tally.only_counts, tally.mentor_counts.astype(np.int32),
                          near_ptr, near_mentor, near_rule, near_form, tally.near_per_mentee, tally.near_stored)
