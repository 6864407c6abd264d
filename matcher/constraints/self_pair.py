"""Nobody mentors themselves.

A person with role "both" sits on both sides of the graph under the same id
(`Roster.same_person_pairs`); that mentee and that mentor are one person.
"""
from __future__ import annotations

import numpy as np

from ..arrays import everyone
from ..i18n import register

CODE = "self_pair"
FORM_DEPENDENT = False

register({
    CODE: ("{id} не может быть наставником {id:gender:самому себе|самой себе}",
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
    if not len(roster.same_person_pairs):
        return everyone(mentee, mentor)
    return _mentor_of_same_person(roster)[mentee] != mentor  # -1 (not in both roles) is no mentor


def details(roster, mentee, mentor, form):
    return {"id": roster.mentees.ids[mentee]}
