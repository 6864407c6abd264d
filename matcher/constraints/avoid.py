"""Pairs either side asked to avoid.

A participant's `avoid` list names people they must never be paired with; a mentee's
request to replace their mentor («обращаться с просьбой о замене наставника», 001 §2.2.4)
is recorded the same way, so the old mentor is excluded for that mentee.
"""
from __future__ import annotations

import numpy as np

from ..i18n import register

CODE = "avoid"
FORM_DEPENDENT = False

register({
    CODE: ("наставляемый {mentee_id} и наставник {mentor_id} не должны составлять пару",
           "mentee {mentee_id} and mentor {mentor_id} must not be paired"),
    "avoid.mentee": ("наставник {mentor_id} — среди тех, кого наставляемый {mentee_id} {mentee_id:gender:просил|просила} "
                     "не назначать {mentee_id:gender:ему|ей} (или {mentee_id:gender:просил|просила} заменить)",
                     "mentee {mentee_id} asked not to be paired with mentor {mentor_id} "
                     "(or asked to replace this mentor)"),
    "avoid.mentor": ("наставляемый {mentee_id} — среди тех, кого наставник {mentor_id} {mentor_id:gender:просил|просила} "
                     "не назначать {mentor_id:gender:ему|ей}",
                     "mentor {mentor_id} asked not to be paired with mentee {mentee_id}"),
    "avoid.both": ("наставляемый {mentee_id} и наставник {mentor_id} оба просили не ставить их в пару",
                   "mentee {mentee_id} and mentor {mentor_id} both asked not to be paired"),
})


def check(roster, mentee, mentor, form):
    return ~roster.pair_in(roster.avoid_pairs, mentee, mentor)


def details(roster, mentee, mentor, form):
    mentee_id = roster.mentees.ids[mentee]
    mentor_id = roster.mentors.ids[mentor]
    by_mentee = mentor_id in roster.mentees.participants[mentee].avoid
    by_mentor = mentee_id in roster.mentors.participants[mentor].avoid
    params = {"mentee_id": mentee_id, "mentor_id": mentor_id}
    if by_mentee and by_mentor:
        return {"code": "avoid.both", "who": "both", **params}
    if by_mentee:
        return {"code": "avoid.mentee", "who": "mentee", **params}
    if by_mentor:
        return {"code": "avoid.mentor", "who": "mentor", **params}
    return params
