"""Nobody mentors themselves.

A person with role "both" sits on both sides of the graph under the same id
(`Roster.same_person_pairs`); that mentee and that mentor are one person.
"""
from __future__ import annotations

import numpy as np

from ..i18n import register

CODE = "self_pair"
FORM_DEPENDENT = False

register({
    CODE: ("{id} не может быть наставником самому себе",
           "{id} cannot be their own mentor"),
})


def _mentor_of_same_person(roster) -> np.ndarray:
    """Per mentee: the mentor index of the same person, or -1."""
    same = np.full(roster.mentees.n, -1, dtype=np.int32)
    pairs = roster.same_person_pairs
    if len(pairs):
        same[pairs[:, 0]] = pairs[:, 1]
    return same


def check(roster, mentee, mentor, form):
    same = _mentor_of_same_person(roster)
    ok = np.ones(len(mentee), dtype=bool)
    sel = np.flatnonzero(same[mentee] >= 0)  # only people in both roles can meet themselves
    ok[sel] = same[mentee[sel]] != mentor[sel]
    return ok


def details(roster, mentee, mentor, form):
    return {"id": roster.mentees.ids[mentee]}
