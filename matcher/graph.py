"""The candidate graph: every rule on every (mentee, mentor) pair, scores on the candidates.

Rules run in bulk per form on the sub-grid of people who listed that form; pairs that
share no form are blocked by form compatibility alone. A blocked pair's reasons are a
bitmask over constraints.RULE_CODES, from the form where it came closest (fewest rules
failed, the first such form in configuration order).

The mentees go in chunks of BLOCK_PAIRS pairs, in order. In a chunk, the mentees who listed
the same forms meet the mentors of those forms as one block: rules and score components
take a column of mentees against a row of mentors and answer for the whole block with array
operations, no gather per pair (constraints/__init__.py, scoring/__init__.py). Pass 1 runs
the rules on every block, tallies the blocked pairs and counts the candidates; pass 2 scores
the candidates, a cache-sized tile of a block at a time, straight into edge arrays allocated
once for that count, so the graph is never held twice nor scored all at once.

No mentees × mentors array is kept (a region of 20,000 × 10,000 would need gigabytes):
of the blocked pairs the graph keeps only
- per mentee and per mentor, how many pairs each rule blocks (the deciding rules, see
  deciding_reasons) and, per mentee, how many it blocks alone;
- the pairs blocked by exactly one rule that could be relaxed (near misses: not form
  compatibility, not a person paired with themselves), with that rule and the form, as
  rows per mentee (mentors ascending), up to NEAR_PAIRS_KEPT of them (in a programme where
  one rule blocks nearly every pair, the later mentees' rows are left to be recomputed);
  pairs taken out by the consilium, the programme's history or min_score are always kept.
Any other pair's reasons are computed again on demand (blocked_row, reason_mask): the
rules are pure functions of the roster, so they give what building saw.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import constraints, scoring
from .arrays import Roster, distinct

FORM_COMPAT_BIT = constraints.RULE_BIT["form_compat"]
FORBIDDEN_BIT = constraints.RULE_BIT["forbidden"]
MIN_SCORE_BIT = constraints.RULE_BIT["min_score"]
HISTORY_BIT = constraints.RULE_BIT["history"]
SCORE_SCALE = 1000  # integer score resolution for the solvers: 0..1000
BLOCK_PAIRS = 1 << 21  # pairs evaluated per chunk, bounds temporary memory
NEAR_PAIRS_KEPT = 1 << 24  # near misses stored (6 bytes each); past that, rows are recomputed
SCORE_TILE = 1 << 16  # pairs a block scores at once: the components' temporaries stay in the CPU cache
BLOCK_SCORING_SHARE = 4  # score a tile as a block when at least 1/4 of its pairs are edges
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
    score_int: np.ndarray  # int32 [E], round(score * SCORE_SCALE)
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
    # bool [E] or None: the edges that are pairs of a previous round which may stay (`matcher
    # rematch --mode repair`); the objective then counts who keeps a pair and who keeps theirs.
    previous_pairs: np.ndarray | None = None

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


def _best_reasons(roster: Roster, ti: np.ndarray, tj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense [len(ti), len(tj)] reason masks and forms of the pairs ti × tj (the form where
    the pair came closest; FORM_COMPAT_BIT and -1 where they share no form)."""
    closest = _Closest((len(ti), len(tj)), len(roster.form_ids))
    for f, form in enumerate(roster.form_ids):
        bit = np.uint64(1) << np.uint64(f)
        rs = np.flatnonzero(roster.mentees.forms[ti] & bit)
        cs = np.flatnonzero(roster.mentors.forms[tj] & bit)
        if len(rs) and len(cs):
            closest.add(np.ix_(rs, cs), constraints.reasons_mask(roster, ti[rs][:, None], tj[cs][None, :], form), f, f)
    return closest.mask, closest.form


class _Closest:
    """A block's reason masks in the form where each pair came closest (fewest rules failed,
    the first such form in the order forms are added), and the forms each pair passes in."""

    def __init__(self, shape: tuple[int, int], n_forms: int):
        self.mask = np.full(shape, FORM_COMPAT_BIT, dtype=np.uint32)
        self.form = np.full(shape, -1, dtype=np.int8)
        self.count = np.full(shape, 127, dtype=np.int16)
        self.passing = np.zeros(shape, dtype=_bits_dtype(n_forms))  # bit k: passes in the k-th form added

    def add(self, at: tuple, mask: np.ndarray, form: int, k: int) -> None:
        """The masks `mask` of the pairs at `at` in form `form`, the k-th added."""
        count = np.bitwise_count(mask).astype(np.int16)
        current = self.count[at]
        better = count < current
        self.count[at] = np.where(better, count, current)
        self.mask[at] = np.where(better, mask, self.mask[at])
        self.form[at] = np.where(better, np.int8(form), self.form[at])
        bits = self.passing.dtype.type
        self.passing[at] |= (mask == 0).astype(bits) << bits(k)


@dataclass
class _FormClass:
    """The mentees who listed one set of forms, against every mentor who listed one of them
    (any other pair of theirs shares no form: form_compat alone)."""
    forms: list[int]  # the forms of the set some mentor listed too, configuration order
    mentors: np.ndarray  # int64, the mentors who listed one of them, ascending
    form_mentors: list[np.ndarray | None]  # per form: positions in `mentors` of its mentors (None: all)


def _form_classes(roster: Roster) -> dict[int, _FormClass]:
    """Classes of mentees by the forms they listed (a mentee's `forms` bits), those that share
    a form with some mentor."""
    classes = {}
    mentor_forms = roster.mentors.forms
    for key in distinct(roster.mentees.forms)[0].tolist():
        mentors = np.flatnonzero(mentor_forms & np.uint64(key))
        forms, form_mentors = [], []
        for f in range(len(roster.form_ids)):
            has = (mentor_forms[mentors] >> np.uint64(f)) & np.uint64(1) == 1 if key >> f & 1 else None
            if has is not None and has.any():
                forms.append(f)
                form_mentors.append(None if has.all() else np.flatnonzero(has))
        if forms:
            classes[key] = _FormClass(forms, mentors, form_mentors)
    return classes


def _bits_dtype(n: int) -> type:
    return next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if n <= 8 * np.dtype(t).itemsize)


def _rule_block(roster: Roster, rows: np.ndarray, cls: _FormClass
                ) -> tuple[np.ndarray, np.ndarray | int, np.ndarray]:
    """Every rule on the pairs rows × cls.mentors: their reason masks in the form where they
    came closest (fewest rules failed, the first such form), that form (one number when
    the class has one form), and per pair the forms it passes in (bit k: cls.forms[k])."""
    cols = cls.mentors
    if len(cls.forms) == 1:
        mask = constraints.reasons_mask(roster, rows[:, None], cols[None, :], roster.form_ids[cls.forms[0]])
        return mask, cls.forms[0], (mask == 0).view(np.uint8)
    closest = _Closest((len(rows), len(cols)), len(cls.forms))
    for k, (f, at) in enumerate(zip(cls.forms, cls.form_mentors)):
        sub = slice(None) if at is None else at
        closest.add((slice(None), sub), constraints.reasons_mask(roster, rows[:, None], cols[sub][None, :],
                                                                 roster.form_ids[f]), f, k)
    return closest.mask, closest.form, closest.passing


def _nonzero(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.nonzero of a 2-D block, by a flat scan of booleans (numpy's 2-D scan, and its scan
    of other types, are several times slower)."""
    block = block if block.dtype == bool else block != 0
    flat = np.flatnonzero(block)
    row = np.repeat(np.arange(block.shape[0]), np.count_nonzero(block, axis=1))
    flat -= row * block.shape[1]
    return row, flat


def _lowest_bit(bits: np.ndarray) -> np.ndarray:
    """Index of the lowest set bit of each (non-zero) unsigned integer."""
    return np.bitwise_count((bits & (~bits + bits.dtype.type(1))) - bits.dtype.type(1))


def _deciding_tables() -> tuple[np.ndarray, np.ndarray]:
    """For every mask value: the rules that decide it, and whether one of them decides alone."""
    codes = deciding_reasons(np.arange(1 << N_RULES, dtype=np.int64))
    has = ((codes[:, None] >> np.arange(N_RULES)) & 1).astype(np.uint8)
    only = has * ((codes & (codes - 1)) == 0)[:, None].astype(np.uint8)
    return has, only


DECIDING_HAS, DECIDING_ONLY = _deciding_tables()  # [1 << N_RULES, N_RULES] each

Near = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # mentee int32, mentor int32, rule uint8, form int8


def _near_concat(parts: list[Near]) -> Near:
    parts = [p for p in parts if len(p[0])]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.uint8), np.zeros(0, np.int8)
    return tuple(np.concatenate([p[n] for p in parts]) for n in range(4))


class _BlockedTally:
    """The aggregates of the blocked pairs, block by block of mentees × mentors."""

    def __init__(self, roster: Roster, classes: dict[int, _FormClass]):
        nt, nm = roster.mentees.n, roster.mentors.n
        self.nt, self.nm = nt, nm
        self.counts = np.zeros((nt, N_RULES), dtype=np.int32)
        self.only_counts = np.zeros((nt, N_RULES), dtype=np.int32)
        self.mentor_counts = np.zeros((nm, N_RULES), dtype=np.int64)
        self.near: list[Near] = []  # rows of mentees in order, mentors ascending
        self.near_kept = 0
        self.near_per_mentee = np.zeros(nt, dtype=np.int32)
        self.near_stored = np.ones(nt, dtype=bool)
        # The pairs outside every class's block share no form: form_compat alone.
        rule = constraints.RULE_CODES.index("form_compat")
        inside = np.zeros(nt, dtype=np.int64)
        mentor_inside = np.zeros(nm, dtype=np.int64)
        for key, cls in classes.items():
            members = roster.mentees.forms == np.uint64(key)
            inside[members] = len(cls.mentors)
            mentor_inside[cls.mentors] += int(members.sum())
        self.counts[:, rule] += (nm - inside).astype(np.int32)
        self.only_counts[:, rule] += (nm - inside).astype(np.int32)
        self.mentor_counts[:, rule] += nt - mentor_inside

    def add(self, rows: np.ndarray, cols: np.ndarray, mask: np.ndarray, form: np.ndarray | int) -> Near:
        """The blocked pairs of the block rows × cols (masks [r, c], 0 = passes; forms [r, c] or
        one form); returns their near misses."""
        r, c = _nonzero(mask)
        if not len(r):
            return _near_concat([])
        blocked = mask[r, c]
        # Through the few distinct masks of the block: a count per (row, mask) and (column, mask).
        values = np.flatnonzero(np.bincount(blocked))
        lut = np.zeros(int(values[-1]) + 1, dtype=np.int64)
        lut[values] = np.arange(len(values))
        idx, u = lut[blocked], len(values)
        nr, nc = mask.shape
        key = np.multiply(r, u)
        key += idx
        per_row = np.bincount(key, minlength=nr * u).reshape(nr, u)
        np.multiply(c, u, out=key)
        key += idx
        per_col = np.bincount(key, minlength=nc * u).reshape(nc, u)
        del key, idx
        self.counts[rows] += (per_row @ DECIDING_HAS[values]).astype(np.int32)
        self.only_counts[rows] += (per_row @ DECIDING_ONLY[values]).astype(np.int32)
        # In float64 (exact for counts): a BLAS product, not numpy's integer loop.
        self.mentor_counts[cols] += (per_col.astype(np.float64) @ DECIDING_HAS[values].astype(np.float64)
                                     ).astype(np.int64)
        near = np.flatnonzero(single_near_rule(blocked))
        self.near_per_mentee[rows] += np.bincount(r[near], minlength=nr).astype(np.int32)
        near_form = np.full(len(near), form, np.int8) if np.ndim(form) == 0 else form[r[near], c[near]]
        return (rows[r[near]].astype(np.int32), cols[c[near]].astype(np.int32),
                np.bitwise_count(blocked[near] - np.uint32(1)).astype(np.uint8),  # log2 of one bit
                near_form)

    def keep_near(self, ti: np.ndarray, near: Near) -> None:
        """A chunk's near misses (chunks in mentee order), stored while NEAR_PAIRS_KEPT allows
        (else its rows are recomputed on demand)."""
        if self.near_kept + len(near[0]) > NEAR_PAIRS_KEPT:
            self.near_stored[ti] = False
        else:
            self.near_kept += len(near[0])
            self.near.append(near)

    def remove_candidates(self, mentee: np.ndarray, mentor: np.ndarray, form: np.ndarray, bit: int) -> Near:
        """Pairs (edges, sorted) that pass every rule but are taken out (forbidden, below
        min_score): now blocked by that one reason, in the first form they passed in."""
        first = np.ones(len(mentee), dtype=bool)
        first[1:] = (mentee[1:] != mentee[:-1]) | (mentor[1:] != mentor[:-1])
        mentee, mentor, form = mentee[first], mentor[first], form[first]
        rule = int(bit).bit_length() - 1
        per_mentee = np.bincount(mentee, minlength=self.nt).astype(np.int32)
        self.counts[:, rule] += per_mentee
        self.only_counts[:, rule] += per_mentee
        self.mentor_counts[:, rule] += np.bincount(mentor, minlength=self.nm)
        self.near_per_mentee += per_mentee
        return (mentee.astype(np.int32), mentor.astype(np.int32), np.full(len(mentee), rule, np.uint8),
                form.astype(np.int8))

    def near_rows(self, removed: list[Near]) -> tuple[np.ndarray, ...]:
        """The near misses as rows per mentee, with the pairs taken out after the rules
        (`removed`, in (mentee, mentor) order) merged in."""
        mentee, mentor, rule, form = near = _near_concat(self.near)
        self.near = []
        removed = _near_concat(removed)
        if len(removed[0]):
            at = np.searchsorted(Roster.pair_key(mentee, mentor, self.nm), Roster.pair_key(removed[0], removed[1], self.nm))
            mentee, mentor, rule, form = (np.insert(a, at, b) for a, b in zip(near, removed))
        ptr = np.zeros(self.nt + 1, dtype=np.int64)
        np.cumsum(np.bincount(mentee, minlength=self.nt), out=ptr[1:])
        return ptr, mentor, rule, form


def _by_mentee(near: list[Near], start: int, n_rows: int) -> Near:
    """A chunk's near misses from the blocks of its classes, in mentee order (each mentee's
    are in one block, in mentor order)."""
    joined = _near_concat(near)
    if len(near) < 2:
        return joined
    local = joined[0] - np.int32(start)
    order = np.argsort(local.astype(np.uint16) if n_rows <= 1 << 16 else local, kind="stable")
    return tuple(a[order] for a in joined)


@dataclass
class _Block:
    """Pass 1's verdict on a block of pairs (mentees × their class's mentors), kept for pass 2
    to score: a bit per pair, whether it passes every rule of some form, and for a class of
    several forms, per such pair, the forms it passes in."""
    rows: np.ndarray
    cls: _FormClass
    candidates: np.ndarray  # packed bits, row-major
    forms_passed: np.ndarray | None  # bits k: passes in cls.forms[k] (classes of several forms)

    @staticmethod
    def of(rows: np.ndarray, form_class: _FormClass, passing: np.ndarray) -> _Block:
        ok = passing != 0
        return _Block(rows, form_class, np.packbits(ok), passing[ok] if len(form_class.forms) > 1 else None)

    def edges(self, per_form: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidate edges by pair (row-major) then form: (row, column, k: the edge's form
        is the class's k-th). One edge per pair, in the first form it passes in, unless per form."""
        shape = (len(self.rows), len(self.cls.mentors))
        row, col = _nonzero(np.unpackbits(self.candidates, count=shape[0] * shape[1]).view(bool).reshape(shape))
        bits = self.forms_passed
        if bits is None:
            return row, col, np.zeros(len(row), dtype=np.int64)
        if not per_form:
            return row, col, _lowest_bit(bits).astype(np.int64)
        n_forms = len(self.cls.forms)
        edge, k = np.nonzero((bits[:, None] >> np.arange(n_forms, dtype=bits.dtype)) & bits.dtype.type(1))
        return row[edge], col[edge], k


COLUMNS = ("mentee", "mentor", "form", "components", "score", "score_int")


@dataclass
class _Runs:
    """Where a block's edges go: row k's edges (at source[k]..source[k] + length[k] in the
    block's order) to target[k].. of the graph's arrays."""
    target: np.ndarray
    source: np.ndarray
    length: np.ndarray

    def rows(self, lo: int, hi: int) -> _Runs:
        return _Runs(self.target[lo:hi], self.source[lo:hi], self.length[lo:hi])

    def span(self) -> tuple[int, int]:
        """The source positions these runs cover."""
        if not len(self.length):
            return 0, 0
        return int(self.source[0]), int(self.source[-1] + self.length[-1])

    def put(self, column: np.ndarray, values: np.ndarray, offset: int = 0) -> None:
        """column[target..] = values[source - offset..], run by run; runs that follow each
        other in both are copied as one."""
        nonempty = self.length > 0
        target, source, length = self.target[nonempty], self.source[nonempty] - offset, self.length[nonempty]
        if not len(length):
            return
        breaks = np.flatnonzero((target[1:] != target[:-1] + length[:-1]) | (source[1:] != source[:-1] + length[:-1]))
        begin = np.r_[0, breaks + 1]
        end = np.r_[breaks + 1, len(length)]
        for b, e in zip(begin.tolist(), end.tolist()):
            t, s, n = int(target[b]), int(source[b]), int(source[e - 1] + length[e - 1] - source[b])
            column[t:t + n] = values[s:s + n]


class _Edges:
    """The graph's edge arrays, allocated once for the count pass 1 found and filled chunk by
    chunk in mentee order, each edge written once where it belongs (the graph is never held
    twice, nor gathered from pieces)."""

    def __init__(self, n: int, scorer: scoring.Scorer, per_form: bool):
        self.scorer, self.per_form = scorer, per_form
        self.columns = {"mentee": np.empty(n, dtype=np.int64), "mentor": np.empty(n, dtype=np.int64),
                        "form": np.empty(n, dtype=np.int16),
                        "components": np.empty((n, len(scoring.COMPONENTS)), dtype=np.float32),
                        "score": np.empty(n, dtype=np.float64), "score_int": np.empty(n, dtype=np.int32)}
        self.filled = 0

    def add_chunk(self, blocks: list[_Block], start: int, n_rows: int) -> slice:
        """Scores a chunk's candidate edges (mentees start.. start + n_rows, from the blocks of
        their classes) into place, sorted by (mentee, mentor, form); returns where they went."""
        found = [block.edges(self.per_form) for block in blocks]
        per_mentee = np.zeros(n_rows, dtype=np.int64)
        for block, (row, _, _) in zip(blocks, found):
            per_mentee[block.rows - start] += np.bincount(row, minlength=len(block.rows))
        first = self.filled + np.cumsum(per_mentee) - per_mentee  # where each mentee's edges begin
        for block, (row, col, k) in zip(blocks, found):
            # Each mentee's edges, consecutive in its block, go to one run of the arrays.
            per_row = np.bincount(row, minlength=len(block.rows))
            runs = _Runs(first[block.rows - start], np.cumsum(per_row) - per_row, per_row)
            runs.put(self.columns["mentee"], block.rows[row])
            runs.put(self.columns["mentor"], block.cls.mentors[col])
            runs.put(self.columns["form"], np.asarray(block.cls.forms, np.int16)[k])
            self._score(block, row * len(block.cls.mentors) + col, runs)
        done = slice(self.filled, self.filled + int(per_mentee.sum()))
        self.filled = done.stop
        return done

    def _score(self, block: _Block, flat: np.ndarray, runs: _Runs) -> None:
        """Components and scores of the pairs at `flat` (ascending) of a block, written by
        `runs`: tile by tile of rows, scored as a block where most of the tile's pairs are
        edges, else pair by pair (same values either way)."""
        if self.per_form and len(block.cls.forms) > 1:  # a pair's edges (one per form) share its scores
            pair = np.r_[True, flat[1:] != flat[:-1]] if len(flat) else np.zeros(0, bool)
            unique = flat[pair]
            scored = _Edges(len(unique), self.scorer, False)
            # Row by row (the tiles split the pairs by row), each row's pairs where they stand.
            per_row = np.bincount(unique // len(block.cls.mentors), minlength=len(block.rows))
            begin = np.cumsum(per_row) - per_row
            scored._score(block, unique, _Runs(begin, begin, per_row))
            pair = np.cumsum(pair) - 1
            runs.put(self.columns["components"], scored.columns["components"][pair])
            runs.put(self.columns["score"], scored.columns["score"][pair])
            return
        rows, cols = block.rows, block.cls.mentors
        n_cols = len(cols)
        tile = max(1, SCORE_TILE // max(1, n_cols))
        for r0 in range(0, len(rows), tile):
            part = runs.rows(r0, r0 + tile)
            lo, hi = part.span()
            if lo == hi:
                continue
            tile_rows = rows[r0:r0 + tile]
            pairs = flat[lo:hi] - r0 * n_cols
            score = np.empty(hi - lo, dtype=np.float64)
            if (hi - lo) * BLOCK_SCORING_SHARE >= len(tile_rows) * n_cols:
                components = self.scorer.matrix(tile_rows[:, None], cols[None, :], pairs, total=score)
            else:
                components = self.scorer.matrix(tile_rows[pairs // n_cols], cols[pairs % n_cols], total=score)
            part.put(self.columns["components"], components, lo)
            part.put(self.columns["score"], score, lo)

    def take_out(self, done: slice, keep: np.ndarray) -> None:
        """Keeps only `keep` of the edges at `done` (the last chunk's), closing the gap."""
        kept = int(keep.sum())
        for column in self.columns.values():
            column[done.start:done.start + kept] = column[done][keep]
        self.filled = done.start + kept

    def finish(self) -> dict[str, np.ndarray]:
        """Shrunk to what was filled (pairs taken out in pass 2); shrinking moves no data."""
        for column in self.columns.values():
            if len(column) != self.filled:
                column.resize((self.filled, *column.shape[1:]), refcheck=False)
        return self.columns


def build_graph(roster: Roster, forbidden_pairs: np.ndarray | None = None,
                progress: Callable[[int, int], None] | None = None,
                excluded_pairs: np.ndarray | None = None) -> CandidateGraph:
    """Run every hard rule and score component. `forbidden_pairs`: [k, 2] (mentee, mentor)
    pairs the consilium excluded; `excluded_pairs`: the same, excluded by the programme's
    history (rule "history"; a pair in both is the consilium's). `progress(done, total)` is
    called after each chunk of mentees.

    Mentees go in chunks (in order, so the edges come out sorted); in a chunk, the mentees
    who listed the same forms meet those forms' mentors as one block, on which the rules and
    the score components run as whole-block array operations. Pass 1 runs the rules, tallies
    the blocked pairs and counts the edges; pass 2 scores the edges into arrays allocated
    once for that count."""
    config = roster.config
    nt, nm = roster.mentees.n, roster.mentors.n
    per_form = config.program.one_mentor_per == "form"
    classes = _form_classes(roster)
    tally = _BlockedTally(roster, classes)
    rows_per_chunk = max(1, BLOCK_PAIRS // max(1, nm))
    plan: list[tuple[int, int, list[_Block]] | None] = []
    n_edges = 0
    for start in range(0, nt, rows_per_chunk):
        ti = np.arange(start, min(nt, start + rows_per_chunk), dtype=np.int64)
        keys = roster.mentees.forms[ti]
        blocks, near = [], []
        for key in distinct(keys)[0].tolist():
            cls = classes.get(key)
            if cls is None:
                continue
            rows = ti[keys == np.uint64(key)]
            mask, form, passing = _rule_block(roster, rows, cls)
            near.append(tally.add(rows, cls.mentors, mask, form))
            del mask, form
            found = int(np.bitwise_count(passing).sum()) if per_form else int(np.count_nonzero(passing))
            if found:
                blocks.append(_Block.of(rows, cls, passing))
                n_edges += found
        tally.keep_near(ti, _by_mentee(near, start, len(ti)))
        plan.append((start, len(ti), blocks))
    near = _near_concat(tally.near)  # before the edges are allocated: joined at a low point of memory
    tally.near = [near]

    edges = _Edges(n_edges, scoring.Scorer(roster, tabulate=True), per_form)
    columns = edges.columns
    forbidden = np.asarray(forbidden_pairs if forbidden_pairs is not None else np.zeros((0, 2)), dtype=np.int64)
    excluded = np.asarray(excluded_pairs if excluded_pairs is not None else np.zeros((0, 2)), dtype=np.int64)
    removed: list[Near] = []  # pairs taken out after the rules, in (mentee, mentor) order
    for n, (start, n_rows, blocks) in enumerate(plan):
        plan[n] = None  # pass 1's verdicts on this chunk are no longer needed
        done = edges.add_chunk(blocks, start, n_rows)
        del blocks
        mentee, mentor, form = columns["mentee"][done], columns["mentor"][done], columns["form"][done]
        keep = np.ones(len(mentee), dtype=bool)
        out = []
        for pairs, bit in ((forbidden, FORBIDDEN_BIT), (excluded, HISTORY_BIT)):
            if len(pairs):
                hit = keep & roster.pair_in(pairs, mentee, mentor)
                if hit.any():
                    out.append(tally.remove_candidates(mentee[hit], mentor[hit], form[hit], bit))
                    keep &= ~hit
        if config.program.min_score > 0:
            low = keep & (columns["score"][done] < config.program.min_score - 1e-12)
            if low.any():
                out.append(tally.remove_candidates(mentee[low], mentor[low], form[low], MIN_SCORE_BIT))
                keep &= ~low
        if out:
            out_near = _near_concat(out)
            order = np.lexsort((out_near[1], out_near[0]))
            removed.append(tuple(a[order] for a in out_near))
            edges.take_out(done, keep)
            done = slice(done.start, edges.filled)
        # Round off float noise first: a pair's integer score must not depend on how its
        # weighted sum rounded (787.4999... vs 787.5).
        columns["score_int"][done] = np.rint(np.round(columns["score"][done] * SCORE_SCALE, 6))
        if progress:
            progress(start + n_rows, nt)
    columns = edges.finish()

    near_ptr, near_mentor, near_rule, near_form = tally.near_rows(removed)
    return CandidateGraph(roster, *(columns[name] for name in COLUMNS),
                          tally.counts, tally.only_counts, tally.mentor_counts.astype(np.int32),
                          near_ptr, near_mentor, near_rule, near_form, tally.near_per_mentee, tally.near_stored)
