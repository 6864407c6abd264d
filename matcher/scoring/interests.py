"""Shared interests (and school subjects): overlap of the two sets.

004: pairs are formed on the partners' «сфере компетенции/интересов».
Each part is |A ∩ B| / min(|A|, |B|) (a mentee with 2 interests, both shared, scores 1).
Interests weigh 3/4 and subjects 1/4 when both parts are known; a part is known when
both sides gave it. Nothing known: neutral 0.5, so a blank questionnaire is not scored
below a known mismatch's 0 nor above a real overlap.
"""
from __future__ import annotations

import numpy as np

from ..i18n import register
from ..arrays import count_and
from ._util import count, members

NAME = "interests"

register({
    "interests.shared": ("общие интересы: {shared}", "shared interests: {shared}"),
    "interests.shared_subjects": ("общие интересы: {shared}; общие предметы: {subjects}",
                                  "shared interests: {shared}; shared subjects: {subjects}"),
    "interests.subjects": ("общих интересов нет, общие предметы: {subjects}",
                           "no shared interests, shared subjects: {subjects}"),
    "interests.none": ("нет общих интересов", "no shared interests"),
    "interests.unknown": ("интересы не указаны", "interests not given"),
})

NEUTRAL = 0.5
SUBJECT_WEIGHT = 0.25


def applies(roster) -> bool:
    m, t = roster.mentors.sets, roster.mentees.sets
    return bool((m["interests"].any() and t["interests"].any()) or (m["subjects"].any() and t["subjects"].any()))


def _overlap(roster, field, mentee, mentor):
    a = roster.mentees.sets[field]
    b = roster.mentors.sets[field]
    smaller = np.minimum(count(a, mentee), count(b, mentor))
    value = count_and(a, mentee, b, mentor) / np.maximum(smaller, 1)
    return value.astype(np.float32), smaller > 0


def score(roster, mentee, mentor):
    interest, has_interest = _overlap(roster, "interests", mentee, mentor)
    subject, has_subject = _overlap(roster, "subjects", mentee, mentor)
    both = (1 - SUBJECT_WEIGHT) * interest + SUBJECT_WEIGHT * subject
    out = np.where(has_interest, np.where(has_subject, both, interest),
                   np.where(has_subject, subject, NEUTRAL))
    return out.astype(np.float32)


def explain(roster, mentee, mentor):
    mentee, mentor = int(mentee), int(mentor)
    a = members(roster.mentees.sets["interests"][mentee], roster.vocab["interests"])
    b = set(members(roster.mentors.sets["interests"][mentor], roster.vocab["interests"]))
    sa = members(roster.mentees.sets["subjects"][mentee], roster.vocab["subjects"])
    sb = set(members(roster.mentors.sets["subjects"][mentor], roster.vocab["subjects"]))
    shared = [x for x in a if x in b]
    subjects = [x for x in sa if x in sb]
    if shared and subjects:
        return "interests.shared_subjects", {"shared": shared, "subjects": subjects, "count": len(shared)}
    if shared:
        return "interests.shared", {"shared": shared, "count": len(shared)}
    if subjects:
        return "interests.subjects", {"subjects": subjects, "count": 0}
    if not (a and b) and not (sa and sb):
        return "interests.unknown", {}
    return "interests.none", {}
