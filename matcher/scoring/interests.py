"""Shared interests (and school subjects): Jaccard-style overlap of the two sets.

004: pairs are formed on the partners' «сфере компетенции/интересов».
"""
from __future__ import annotations

import numpy as np

from ..arrays import popcount, popcount_and
from ..i18n import register

NAME = "interests"

register({
    "interests.shared": ("общие интересы: {shared}", "shared interests: {shared}"),
    "interests.none": ("нет общих интересов", "no shared interests"),
    "interests.unknown": ("интересы не указаны", "interests not given"),
})


def score(roster, mentee, mentor):
    a = roster.mentees.sets["interests"][mentee]
    b = roster.mentors.sets["interests"][mentor]
    shared = popcount_and(a, b)
    # Overlap relative to the smaller set: a mentee with 2 interests, both shared, scores 1.
    smaller = np.minimum(popcount(a), popcount(b))
    s = np.where(smaller > 0, shared / np.maximum(smaller, 1), 0.0)
    sa = roster.mentees.sets["subjects"][mentee]
    sb = roster.mentors.sets["subjects"][mentor]
    subj_small = np.minimum(popcount(sa), popcount(sb))
    subj = np.where(subj_small > 0, popcount_and(sa, sb) / np.maximum(subj_small, 1), 0.0)
    has_subj = subj_small > 0
    # Subjects count as a quarter when both sides gave them.
    return np.where(has_subj, 0.75 * s + 0.25 * subj, s).astype(np.float32)


def explain(roster, mentee, mentor):
    vocab = roster.vocab["interests"]
    a = roster.mentees.sets["interests"][mentee]
    b = roster.mentors.sets["interests"][mentor]
    both = a & b
    shared = [vocab[w * 64 + k] for w in range(both.shape[0]) for k in range(64)
              if int(both[w]) >> k & 1]
    if not a.any() or not b.any():
        return "interests.unknown", {}
    if not shared:
        return "interests.none", {}
    return "interests.shared", {"shared": shared, "count": len(shared)}
