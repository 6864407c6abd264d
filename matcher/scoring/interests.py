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
from ._util import count, decoder

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
    return explain_pairs(roster, [int(mentee)], [int(mentor)])[0]


def explain_pairs(roster, mentees, mentors) -> list[tuple[str, dict]]:
    """`explain` of many pairs at once, each person's sets decoded once."""
    a, b, sa, sb = (decoder(side.sets[field], roster.vocab[field], rows) for field in ("interests", "subjects")
                    for side, rows in ((roster.mentees, mentees), (roster.mentors, mentors)))
    return [_explain(a(i)[0], b(j)[1], sa(i)[0], sb(j)[1]) for i, j in zip(map(int, mentees), map(int, mentors))]


def _explain(a: list[str], b: set[str], sa: list[str], sb: set[str]) -> tuple[str, dict]:
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
