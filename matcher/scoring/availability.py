"""Free time slots in common, so the pair can actually meet.

The adult–child programme (004) asks for time for the whole cycle: 6 meetings and
3 group sessions. Score = |A ∩ B| / min(|A|, |B|): 1 when the person with fewer free
slots can meet in every one of them. Either side gave no slots: neutral 0.5.
"""
from __future__ import annotations

import numpy as np

from ..i18n import register
from ..arrays import count_and
from ._util import count, decoder, row_kinds

NAME = "availability"

register({
    "availability.common": ("общее свободное время: {slots}", "free time in common: {slots}"),
    "availability.none": ("нет общего свободного времени", "no free time in common"),
    "availability.unknown": ("свободное время указали не оба", "free time not given by both"),
})

NEUTRAL = 0.5


def applies(roster) -> bool:
    return bool(roster.mentees.sets["availability"].any() and roster.mentors.sets["availability"].any())


def kinds(roster):
    return row_kinds(roster.mentees.sets["availability"]), row_kinds(roster.mentors.sets["availability"])


def score(roster, mentee, mentor):
    a = roster.mentees.sets["availability"]
    b = roster.mentors.sets["availability"]
    smaller = np.minimum(count(a, mentee), count(b, mentor))
    common = count_and(a, mentee, b, mentor)
    return np.where(smaller > 0, common / np.maximum(smaller, 1), NEUTRAL).astype(np.float32)


def explain(roster, mentee, mentor):
    return explain_pairs(roster, [int(mentee)], [int(mentor)])[0]


def explain_pairs(roster, mentees, mentors) -> list[tuple[str, dict]]:
    """`explain` of many pairs at once, each person's slots decoded once."""
    vocab = roster.vocab["slots"]
    a = decoder(roster.mentees.sets["availability"], vocab, mentees)
    b = decoder(roster.mentors.sets["availability"], vocab, mentors)
    return [_explain(a(i)[0], b(j)[1]) for i, j in zip(map(int, mentees), map(int, mentors))]


def _explain(a: list[str], b: set[str]) -> tuple[str, dict]:
    if not a or not b:
        return "availability.unknown", {}
    common = [s for s in a if s in b]
    if not common:
        return "availability.none", {}
    return "availability.common", {"slots": common, "count": len(common)}
