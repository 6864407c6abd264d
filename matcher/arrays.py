"""The arrays view of participants: numpy arrays indexed by participant number.

Rules (`matcher.constraints`) and score components (`matcher.scoring`) see only this
view. Multi-valued fields are packed bitsets (uint64 words) over a shared vocabulary, so
overlaps over millions of pairs are popcounts, not Python sets.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .config import ProgramConfig
from .models import CATEGORY_ALIASES, MENTEE_VARIANT_ALIASES, SPHERE_INDEX, WISH_NAMES, Participant
from .text import norm

CATEGORIES: list[str] = list(CATEGORY_ALIASES)
MENTEE_VARIANTS: list[str] = list(MENTEE_VARIANT_ALIASES)
VARIANT_BIT = {name: 1 << k for k, name in enumerate(MENTEE_VARIANTS)}
# Dates as integer keys (year * 12 + month - 1) * DATE_MONTH + day: adding k calendar months
# is adding k * DATE_MONTH, and comparing keys compares dates (a key past a month's last day,
# like 29.02 of a common year, sorts before the 1st of the next month).
DATE_MONTH = 32
DATE_YEAR = 12 * DATE_MONTH
GENDER_CODE = {None: 0, "f": 1, "m": 2}
WISH_BIT = {name: 1 << k for k, name in enumerate(WISH_NAMES)}

# Which vocabulary each multi-valued field is packed over.
SET_FIELDS = {
    "subjects": "subjects",
    "interests": "interests",
    "want_interests": "interests",
    "offers": "spheres",
    "needs": "spheres",
    "want_offers": "spheres",
    "availability": "slots",
}


@lru_cache(maxsize=65536)
def _key(kind: str, value: str) -> str:
    k = norm(value)
    if kind == "spheres":
        return SPHERE_INDEX.get(k, k)
    return k


def date_key(d: dt.date) -> int:
    return (d.year * 12 + d.month - 1) * DATE_MONTH + d.day


def key_date(key: int) -> dt.date:
    """The first real date at or after a date key."""
    months, day = divmod(int(key), DATE_MONTH)
    year, month0 = divmod(months, 12)
    if day == 0:
        return dt.date(year, month0 + 1, 1)
    try:
        return dt.date(year, month0 + 1, day)
    except ValueError:
        year, month0 = divmod(months + 1, 12)
        return dt.date(year, month0 + 1, 1)


def _tri(value: bool | None) -> int:
    return -1 if value is None else int(bool(value))


@dataclass
class Side:
    """One side of the bipartite graph (mentors or mentees), column-wise."""

    ids: list[str]
    names: list[str]
    participants: list[Participant]
    age: np.ndarray  # float64, nan = unknown
    birth: np.ndarray  # int64 date_key of the birth date, -1 unknown (a known birth date gave `age`)
    gender: np.ndarray  # int8: 0 unknown, 1 f, 2 m
    grade: np.ndarray  # int16, -1 unknown
    experience: np.ndarray  # float64, nan
    category: np.ndarray  # int16 index into CATEGORIES, -1 unknown
    variants: np.ndarray  # uint16 bits VARIANT_BIT of the mentee variants stated
    forms: np.ndarray  # uint64 bitmask over Roster.form_ids
    sets: dict[str, np.ndarray]  # field -> uint64 [n, words]
    capacity: np.ndarray  # int32
    group_min: np.ndarray  # int32, 0 = no group minimum
    consent: np.ndarray  # int8: 1 yes, 0 no, -1 unknown
    data_consent: np.ndarray
    guardian_consent: np.ndarray
    trained: np.ndarray
    priority: np.ndarray  # int32
    psych: np.ndarray  # float64 [n, scales], normalised 0..1, nan missing
    want_gender: np.ndarray  # int8 like gender
    want_age_min: np.ndarray  # float64 nan
    want_age_max: np.ndarray
    hard_wishes: np.ndarray  # uint8 bits, WISH_BIT
    index: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)


@dataclass
class Roster:
    config: ProgramConfig
    reference_date: dt.date
    form_ids: list[str]
    vocab: dict[str, list[str]]
    psych_scales: list[str]
    psych_complementary: np.ndarray  # bool [scales]
    mentors: Side
    mentees: Side
    # Ranked choices after speed meetings: rank 1 = first choice.
    mentee_rank_pairs: np.ndarray  # int64 [k, 3]: mentee, mentor, rank (mentee's ranking of mentors)
    mentor_rank_pairs: np.ndarray  # int64 [k, 3]: mentee, mentor, rank (mentor's ranking of mentees)
    avoid_pairs: np.ndarray  # int64 [k, 2]: mentee, mentor (either side asked to avoid)
    same_person_pairs: np.ndarray  # int64 [k, 2]: mentee, mentor that are one person (role both)

    def form_bit(self, form_id: str) -> int:
        return 1 << self.form_ids.index(form_id)

    @staticmethod
    def pair_key(mentee: np.ndarray, mentor: np.ndarray, n_mentors: int) -> np.ndarray:
        return np.asarray(mentee, dtype=np.int64) * np.int64(n_mentors) + np.asarray(mentor, dtype=np.int64)

    def pairs_listed(self, table: np.ndarray, mentee: np.ndarray, mentor: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Where the pairs a [k, >=2] (mentee, mentor, ...) table lists sit among the given
        pairs (index arrays that broadcast together): their flat positions in the pairs'
        shape and their rows of the table (a pair listed twice: its first row)."""
        mentee = np.asarray(mentee, dtype=np.int64)
        mentor = np.asarray(mentor, dtype=np.int64)
        shape = np.broadcast_shapes(mentee.shape, mentor.shape)
        nothing = np.zeros(0, dtype=np.int64)
        if len(table) == 0 or not all(shape):
            return nothing, nothing
        nm = self.mentors.n
        if _is_grid(mentee, mentor):
            # A column of mentees against a row of mentors (both ascending): place the table's
            # entries that fall in the block instead of searching for every pair of it.
            rows, cols = mentee[:, 0], mentor[0]
            near = np.flatnonzero((table[:, 0] >= rows[0]) & (table[:, 0] <= rows[-1]))
            r = np.minimum(np.searchsorted(rows, table[near, 0]), len(rows) - 1)
            c = np.minimum(np.searchsorted(cols, table[near, 1]), len(cols) - 1)
            inside = (rows[r] == table[near, 0]) & (cols[c] == table[near, 1])
            near, r, c = near[inside], r[inside], c[inside]
            first = distinct(r * shape[1] + c)[1]
            return r[first] * shape[1] + c[first], near[first]
        # Tables are short: join only the pairs whose mentee appears in the table.
        listed = np.zeros(self.mentees.n, dtype=bool)
        listed[table[:, 0]] = True
        flat = np.flatnonzero(np.broadcast_to(listed[mentee], shape))
        q = self.pair_key(np.broadcast_to(mentee, shape).ravel()[flat], np.broadcast_to(mentor, shape).ravel()[flat], nm)
        keys = self.pair_key(table[:, 0], table[:, 1], nm)
        order = np.argsort(keys, kind="stable")
        pos = np.minimum(np.searchsorted(keys[order], q), len(keys) - 1)
        hit = keys[order[pos]] == q
        return flat[hit], order[pos[hit]]

    def pair_in(self, table: np.ndarray, mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
        """Whether each (mentee, mentor) pair (index arrays that broadcast together) is listed
        in a [k, >=2] table."""
        out = np.zeros(np.broadcast_shapes(np.shape(mentee), np.shape(mentor)), dtype=bool)
        out.ravel()[self.pairs_listed(table, mentee, mentor)[0]] = True
        return out


def distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """np.unique(values, return_index=True, return_inverse=True) of a 1-D array, by one stable
    sort (np.unique's first call also imports numpy.ma, a megabyte the graph's memory tests
    would count)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], order[new], inverse


def stable_sort(keys: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """(np.argsort(keys, kind="stable"), the keys in that order) of integer keys in
    0..bound-1, several times faster on millions: each key with its position in the low bits
    sorts as one distinct value."""
    n = len(keys)
    bits = max(1, (n - 1).bit_length())
    if n < 2 or int(bound) << bits >= 1 << 63:
        order = np.argsort(keys, kind="stable")
        return order, keys[order]
    packed = np.sort((keys.astype(np.int64) << bits) | np.arange(n, dtype=np.int64))
    return packed & ((1 << bits) - 1), packed >> bits


def stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """np.argsort(keys, kind="stable") of integer keys in 0..bound-1 (stable_sort)."""
    return stable_sort(keys, bound)[0]


def pair_shape(mentee: np.ndarray, mentor: np.ndarray) -> tuple[int, ...]:
    """The shape of the pairs two index arrays make: equal lengths, or a column of mentees
    against a row of mentors ([r, 1] and [1, c]: a block of r x c pairs)."""
    return np.broadcast_shapes(np.shape(mentee), np.shape(mentor))


def everyone(mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    """True for every pair (a rule that does not apply): a read-only view, no memory per pair."""
    return np.broadcast_to(np.True_, pair_shape(mentee, mentor))


def pairs_where(mine: np.ndarray, theirs: np.ndarray, selected: np.ndarray
                ) -> tuple[tuple, np.ndarray, np.ndarray]:
    """The pairs of `mine` × `theirs` (index arrays that broadcast together, a list or a
    block) whose own side `mine` is selected (a bool array shaped like `mine`): their place
    in the pairs' shape (an index), and their `mine` and `theirs`. Only the selected people's
    pairs are taken, so what few people state (a wish, a hard wish) costs only their pairs."""
    runs = [a for a, n in enumerate(mine.shape) if n > 1]
    if not runs:  # one person on this side: all the pairs or none
        return ((Ellipsis,), mine, theirs) if selected.all() else ((np.zeros(0, np.int64),), mine[:0], theirs[:0])
    axis, = runs  # lists run along their axis; a block's column of mentees (row of mentors) along its own
    keep = np.flatnonzero(selected)
    at = tuple(keep if a == axis else slice(None) for a in range(max(mine.ndim, theirs.ndim)))
    return at, np.take(mine, keep, axis), np.take(theirs, keep, axis) if theirs.shape[axis] > 1 else theirs


def count_and(sets_a: np.ndarray, idx_a: np.ndarray, sets_b: np.ndarray, idx_b: np.ndarray) -> np.ndarray:
    """|A ∩ B| for the pairs of rows idx_a, idx_b (broadcast together) of two bitset tables."""
    # Word by word: no [E, words] temporaries and no slow short-axis sum.
    out = np.bitwise_count(sets_a[idx_a, 0] & sets_b[idx_b, 0]).astype(np.int32)
    for w in range(1, sets_a.shape[1]):
        out += np.bitwise_count(sets_a[idx_a, w] & sets_b[idx_b, w])
    return out


def _is_grid(mentee: np.ndarray, mentor: np.ndarray) -> bool:
    """Whether the pairs are a block: a column of distinct mentees against a row of distinct
    mentors, both ascending."""
    return (mentee.ndim == 2 and mentee.shape[1] == 1 and mentor.ndim == 2 and mentor.shape[0] == 1
            and bool(np.all(np.diff(mentee[:, 0]) > 0)) and bool(np.all(np.diff(mentor[0]) > 0)))


def popcount_and(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|A ∩ B| for row-aligned packed bitsets [..., words]."""
    return np.bitwise_count(a & b).sum(axis=-1, dtype=np.int32)


def popcount(a: np.ndarray) -> np.ndarray:
    """|A| for packed bitsets [..., words]."""
    return np.bitwise_count(a).sum(axis=-1, dtype=np.int32)


def build_roster(participants: list[Participant], config: ProgramConfig) -> Roster:
    """Column-wise view of validated participants; a person with role 'both' sits on both sides."""
    ref = config.reference_date()
    form_ids = config.form_ids
    mentors = [p for p in participants if p.is_mentor]
    mentees = [p for p in participants if p.is_mentee]

    vocab_maps: dict[str, dict[str, int]] = {k: {} for k in dict.fromkeys(SET_FIELDS.values())}
    vocab: dict[str, list[str]] = {k: [] for k in vocab_maps}
    for p in participants:
        for fname, kind in SET_FIELDS.items():
            for v in getattr(p, fname):
                key = _key(kind, v)
                if key and key not in vocab_maps[kind]:
                    vocab_maps[kind][key] = len(vocab[kind])
                    vocab[kind].append(key)

    scales = sorted({s for p in participants for s in p.psych})
    comp = {norm(s).removeprefix("psych_") for s in config.psych.complementary}
    complementary = np.array([norm(s).removeprefix("psych_") in comp for s in scales], dtype=bool)
    # Normalise every scale to 0..1 by its range in the input.
    lo = {s: min((p.psych[s] for p in participants if s in p.psych), default=0.0) for s in scales}
    hi = {s: max((p.psych[s] for p in participants if s in p.psych), default=1.0) for s in scales}

    def side(people: list[Participant]) -> Side:
        n = len(people)
        words = {kind: max(1, (len(vocab[kind]) + 63) // 64) for kind in vocab}
        sets = {f: np.zeros((n, words[k]), dtype=np.uint64) for f, k in SET_FIELDS.items()}
        psych = np.full((n, len(scales)), np.nan)
        form_bits = np.zeros(n, dtype=np.uint64)
        for i, p in enumerate(people):
            for fname, kind in SET_FIELDS.items():
                arr = sets[fname]
                for v in getattr(p, fname):
                    key = _key(kind, v)
                    if key:
                        b = vocab_maps[kind][key]
                        arr[i, b >> 6] |= np.uint64(1) << np.uint64(b & 63)
            bits = 0
            for f in p.forms:
                if f in form_ids:
                    bits |= 1 << form_ids.index(f)
            form_bits[i] = bits
            for s, v in p.psych.items():
                k = scales.index(s)
                span = hi[s] - lo[s]
                psych[i, k] = (v - lo[s]) / span if span > 0 else 0.5
        hard = np.array([sum(WISH_BIT[w] for w in p.hard_wishes if w in WISH_BIT) for p in people],
                        dtype=np.uint8)

        def fl(values):
            return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

        return Side(
            ids=[p.id for p in people],
            names=[p.name for p in people],
            participants=people,
            age=fl(p.age_at(ref) for p in people),
            birth=np.array([-1 if p.birth_date is None else date_key(p.birth_date) for p in people],
                           dtype=np.int64),
            gender=np.array([GENDER_CODE[p.gender] for p in people], dtype=np.int8),
            grade=np.array([-1 if p.grade is None else p.grade for p in people], dtype=np.int16),
            experience=fl(p.experience_years for p in people),
            category=np.array([CATEGORIES.index(p.category) if p.category in CATEGORIES else -1
                               for p in people], dtype=np.int16),
            variants=np.array([sum(VARIANT_BIT[v] for v in set(p.mentee_variants) if v in VARIANT_BIT)
                               for p in people], dtype=np.uint16),
            forms=form_bits,
            sets=sets,
            capacity=np.array([p.capacity for p in people], dtype=np.int32),
            group_min=np.array([p.group_min or 0 for p in people], dtype=np.int32),
            consent=np.array([_tri(p.consent) for p in people], dtype=np.int8),
            data_consent=np.array([_tri(p.data_consent) for p in people], dtype=np.int8),
            guardian_consent=np.array([_tri(p.guardian_consent) for p in people], dtype=np.int8),
            trained=np.array([_tri(p.trained) for p in people], dtype=np.int8),
            priority=np.array([p.priority for p in people], dtype=np.int32),
            psych=psych,
            want_gender=np.array([GENDER_CODE[p.want_gender] for p in people], dtype=np.int8),
            want_age_min=fl(p.want_age_min for p in people),
            want_age_max=fl(p.want_age_max for p in people),
            hard_wishes=hard,
            index={p.id: i for i, p in enumerate(people)},
        )

    mentor_side = side(mentors)
    mentee_side = side(mentees)

    mentee_ranks, mentor_ranks, avoid, same = [], [], [], []
    for i, p in enumerate(mentees):
        for r, other in enumerate(p.ranking, start=1):
            j = mentor_side.index.get(other)
            if j is not None:
                mentee_ranks.append((i, j, r))
        for other in p.avoid:
            j = mentor_side.index.get(other)
            if j is not None:
                avoid.append((i, j))
        j = mentor_side.index.get(p.id)
        if j is not None:
            same.append((i, j))
    for j, p in enumerate(mentors):
        for r, other in enumerate(p.ranking, start=1):
            i = mentee_side.index.get(other)
            if i is not None:
                mentor_ranks.append((i, j, r))
        for other in p.avoid:
            i = mentee_side.index.get(other)
            if i is not None:
                avoid.append((i, j))

    def table(rows, width):
        return np.array(rows, dtype=np.int64).reshape(-1, width)

    return Roster(
        config=config,
        reference_date=ref,
        form_ids=form_ids,
        vocab=vocab,
        psych_scales=scales,
        psych_complementary=complementary,
        mentors=mentor_side,
        mentees=mentee_side,
        mentee_rank_pairs=table(mentee_ranks, 3),
        mentor_rank_pairs=table(mentor_ranks, 3),
        avoid_pairs=table(avoid, 2),
        same_person_pairs=table(same, 2),
    )
