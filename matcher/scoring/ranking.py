"""Ranked choices after speed meetings («быстрые встречи», 000, 001), both sides.

Per side, a person who ranked L partners (L = the last place they gave to someone in the
roster) values the partner at place r as 1 - (r - 1) / L: first choice 1, last choice 1/L,
strictly decreasing; a partner they did not rank, or a person who ranked nobody, is 0.
Score = mean over the sides that took part in ranking at all: a side takes part if anyone
on it ranked someone. That choice is made once for the whole roster, never per pair, so
every pair is measured on the same scale (a mentor who ranked nobody does not lift the
pair above one whose mentor ranked the mentee third). Nobody ranked: 0 everywhere and the
component does not apply (see scoring.weights_vector).
"""
from __future__ import annotations

import numpy as np

from ..arrays import distinct, pair_shape
from ..i18n import register

NAME = "ranking"

# Per side: "ranked" (place r of L), "unranked" (this person ranked others, not the partner),
# "silent" (this person ranked nobody though others on the side did). A side nobody on
# which ranked anyone is left out of the line.
_MENTEE = {
    "ranked": ("наставляемый поставил наставника на {mentee_rank}-е место из {mentee_of}",
               "the mentee put this mentor at place {mentee_rank} of {mentee_of}"),
    "unranked": ("наставляемый не выбрал этого наставника", "the mentee did not choose this mentor"),
    "silent": ("наставляемый никого не ранжировал", "the mentee ranked nobody"),
}
_MENTOR = {
    "ranked": ("наставник поставил наставляемого на {mentor_rank}-е место из {mentor_of}",
               "the mentor put this mentee at place {mentor_rank} of {mentor_of}"),
    "unranked": ("наставник не выбрал этого наставляемого", "the mentor did not choose this mentee"),
    "silent": ("наставник никого не ранжировал", "the mentor ranked nobody"),
}
_OFF = "off"


def _code(mentee_state: str, mentor_state: str) -> str:
    return f"ranking.{mentee_state}.{mentor_state}"


def _text(mentee_state: str, mentor_state: str, lang: int) -> str:
    parts = [seg[state][lang] for seg, state in ((_MENTEE, mentee_state), (_MENTOR, mentor_state)) if state != _OFF]
    return "; ".join(parts)


register({"ranking.none": ("после быстрых встреч никто не ранжировал", "nobody ranked after speed meetings")})
register({
    _code(a, b): (_text(a, b, 0), _text(a, b, 1))
    for a in (*_MENTEE, _OFF) for b in (*_MENTOR, _OFF) if not (a == _OFF and b == _OFF)
})


def _places(table: np.ndarray, ranker_col: int, n: int) -> np.ndarray:
    """Places given per ranker: the last place each person gave to someone in the roster (0 = none)."""
    out = np.zeros(n, dtype=np.int64)
    if len(table):
        np.maximum.at(out, table[:, ranker_col], table[:, 2])
    return out


def _side_value(roster, table, ranker_col, n_rankers, mentee, mentor):
    """The pairs the side ranked, as (flat positions among the pairs, value 1 - (r - 1) / L);
    ranked pairs are few: only those are touched."""
    at, rows = roster.pairs_listed(table, mentee, mentor)
    rank = table[rows, 2]
    at, rows, rank = at[rank != 0], rows[rank != 0], rank[rank != 0]
    of = _places(table, ranker_col, n_rankers)[table[rows, ranker_col]]
    return at, 1.0 - (rank - 1) / of


def applies(roster) -> bool:
    return bool(len(roster.mentee_rank_pairs) or len(roster.mentor_rank_pairs))


def score(roster, mentee, mentor):
    out = np.zeros(pair_shape(mentee, mentor), dtype=np.float32)
    sides = [_side_value(roster, table, col, n, mentee, mentor)
             for table, col, n in ((roster.mentee_rank_pairs, 0, roster.mentees.n),
                                   (roster.mentor_rank_pairs, 1, roster.mentors.n)) if len(table)]
    if not sides:
        return out
    # Pairs no side ranked score 0; a ranked pair sums its sides' values, in side order.
    at = distinct(np.concatenate([a for a, _ in sides]))[0]
    total = np.zeros(len(at), dtype=np.float64)
    for side_at, value in sides:
        total[np.searchsorted(at, side_at)] += value
    out.ravel()[at] = (total / len(sides)).astype(np.float32)
    return out


def _state(table, ranker_col, ranker, mentee, mentor):
    if not len(table):
        return _OFF, 0, 0
    # One pair: a direct scan of the (small) table, no sort.
    own = table[table[:, ranker_col] == ranker]
    if not len(own):
        return "silent", 0, 0
    hit = own[(own[:, 0] == mentee) & (own[:, 1] == mentor), 2]
    of = int(own[:, 2].max())
    if len(hit):
        return "ranked", int(hit.min()), of
    return "unranked", 0, of


def explain(roster, mentee, mentor):
    mentee, mentor = int(mentee), int(mentor)
    return _reason(_state(roster.mentee_rank_pairs, 0, mentee, mentee, mentor),
                   _state(roster.mentor_rank_pairs, 1, mentor, mentee, mentor))


def _states(table, ranker_col):
    """_state of many pairs: (ranker, mentee, mentor) -> state, from one pass over the table."""
    if not len(table):
        return lambda ranker, mentee, mentor: (_OFF, 0, 0)
    of: dict[int, int] = {}
    hit: dict[tuple[int, int], int] = {}
    for row in table.tolist():
        r, place = row[ranker_col], row[2]
        of[r] = max(of.get(r, place), place)
        key = (row[0], row[1])
        hit[key] = min(hit.get(key, place), place)

    def state(ranker, mentee, mentor):
        if ranker not in of:
            return "silent", 0, 0
        place = hit.get((mentee, mentor))
        return ("unranked", 0, of[ranker]) if place is None else ("ranked", place, of[ranker])
    return state


def explain_pairs(roster, mentees, mentors) -> list[tuple[str, dict]]:
    """`explain` of many pairs at once (result.json's chosen pairs)."""
    a, b = _states(roster.mentee_rank_pairs, 0), _states(roster.mentor_rank_pairs, 1)
    return [_reason(a(i, i, j), b(j, i, j)) for i, j in zip(map(int, mentees), map(int, mentors))]


def _reason(mentee_side: tuple, mentor_side: tuple) -> tuple[str, dict]:
    (a, a_rank, a_of), (b, b_rank, b_of) = mentee_side, mentor_side
    if a == _OFF and b == _OFF:
        return "ranking.none", {}
    params = {}
    if a == "ranked":
        params.update(mentee_rank=a_rank, mentee_of=a_of)
    if b == "ranked":
        params.update(mentor_rank=b_rank, mentor_of=b_of)
    return _code(a, b), params
