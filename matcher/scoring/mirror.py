"""Mirror questionnaires: each side's wishes about the partner against the partner's answers about themselves.

004: pairs are formed on the wishes of mentor and mentee about the partner's age, gender,
sphere of competence/interests, collected as «зеркальные анкеты». Checked both ways:

    mentee's wish            against the mentor's     mentor's wish            against the mentee's
    want_gender              gender                   want_gender              gender
    want_age_min/max         age                      want_age_min/max         age
    want_interests           interests                want_interests           interests
    want_offers              offers                   want_offers              needs

A gender or age wish holds (1) or not (0); a set wish scores the share of the wished items
the partner has. The partner's attribute unknown (empty): 0.5 for that wish. Score = mean
over the wishes stated, on either side; nobody wished anything: 1.0 (nothing to violate).
Hard wishes are enforced by constraints/hard_wishes; here every wish is soft.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import combinations

import numpy as np

from ..i18n import register
from ..arrays import count_and, pair_shape, pairs_where, popcount
from ._util import count, localized, share

NAME = "mirror"
UNKNOWN = 0.5
DENSE = 0.5  # a wish stated by more than this share of the pairs' wishers is evaluated on all the pairs

# Wish of `whose` about the partner; the mentor's want_offers is checked against the mentee's needs.
PARTNER_SET = {("mentee", "interests"): "interests", ("mentee", "offers"): "offers",
               ("mentor", "interests"): "interests", ("mentor", "offers"): "needs"}

register({
    "mirror.wish.mentee.gender": ("пол наставника (пожелание наставляемого)", "the mentor's gender (mentee's wish)"),
    "mirror.wish.mentee.age": ("возраст наставника (пожелание наставляемого)", "the mentor's age (mentee's wish)"),
    "mirror.wish.mentee.interests": ("интересы наставника (пожелание наставляемого)",
                                     "the mentor's interests (mentee's wish)"),
    "mirror.wish.mentee.offers": ("чем помогает наставник (пожелание наставляемого)",
                                  "what the mentor offers (mentee's wish)"),
    "mirror.wish.mentor.gender": ("пол наставляемого (пожелание наставника)", "the mentee's gender (mentor's wish)"),
    "mirror.wish.mentor.age": ("возраст наставляемого (пожелание наставника)", "the mentee's age (mentor's wish)"),
    "mirror.wish.mentor.interests": ("интересы наставляемого (пожелание наставника)",
                                     "the mentee's interests (mentor's wish)"),
    "mirror.wish.mentor.offers": ("запросы наставляемого (пожелание наставника)",
                                  "the mentee's needs (mentor's wish)"),
    "mirror.none": ("пожеланий о партнёре нет", "no wishes about the partner"),
})

# One code per combination of non-empty outcome lists; each code's text joins its segments.
SEGMENTS = {
    "held": ("выполнены пожелания: {held_ru}", "wishes met: {held_en}"),
    "partly": ("выполнены частично: {partly_ru}", "partly met: {partly_en}"),
    "broken": ("не выполнены: {broken_ru}", "not met: {broken_en}"),
    "unknown": ("не проверить, нет данных: {unknown_ru}", "cannot check, no data: {unknown_en}"),
}
OUTCOMES = tuple(SEGMENTS)


def _code(present: tuple[str, ...]) -> str:
    return "mirror." + "+".join(present)


register({
    _code(combo): tuple("; ".join(SEGMENTS[s][lang] for s in combo) for lang in (0, 1))
    for r in range(1, len(OUTCOMES) + 1) for combo in combinations(OUTCOMES, r)
})


def _wishes(roster) -> Iterator[tuple[str, str, np.ndarray, Callable]]:
    """Every wish someone stated: (wish id, whose, stated per person of that side, fit), with
    fit(mine, theirs) -> (partner attribute known, value 0..1 where known) for wishers
    `mine` and partners `theirs` (index arrays that broadcast together)."""
    sides = (("mentee", roster.mentees, roster.mentors), ("mentor", roster.mentors, roster.mentees))
    for whose, me, other in sides:
        if me.want_gender.any():
            def gender_fit(mine, theirs, me=me, other=other):
                gender = other.gender[theirs]
                return gender != 0, (me.want_gender[mine] == gender).astype(np.float32)
            yield f"{whose}.gender", whose, me.want_gender != 0, gender_fit
        stated_age = ~(np.isnan(me.want_age_min) & np.isnan(me.want_age_max))
        if stated_age.any():
            def age_fit(mine, theirs, me=me, other=other):
                age = other.age[theirs]
                # A missing bound compares False, so it never fails the wish.
                fits = ~(age < me.want_age_min[mine]) & ~(age > me.want_age_max[mine])
                return ~np.isnan(age), fits.astype(np.float32)
            yield f"{whose}.age", whose, stated_age, age_fit
        for wish in ("interests", "offers"):
            wanted = me.sets[f"want_{wish}"]
            if not wanted.any():
                continue
            partner = other.sets[PARTNER_SET[whose, wish]]

            def set_fit(mine, theirs, wanted=wanted, partner=partner):
                found = count_and(wanted, mine, partner, theirs)
                return count(partner, theirs) > 0, share(found, count(wanted, mine))
            yield f"{whose}.{wish}", whose, popcount(wanted) > 0, set_fit


def applies(roster) -> bool:
    """Informative only if someone stated a wish (otherwise every pair scores 1)."""
    for side in (roster.mentees, roster.mentors):
        if side.want_gender.any() or not np.isnan(side.want_age_min).all() or not np.isnan(side.want_age_max).all():
            return True
        if side.sets["want_interests"].any() or side.sets["want_offers"].any():
            return True
    return False


def score(roster, mentee, mentor):
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    total = np.zeros(pair_shape(mentee, mentor), dtype=np.float32)
    stated_count = {"mentee": np.int8(0), "mentor": np.int8(0)}  # wishes stated, per side's person
    for _, whose, stated, fit in _wishes(roster):
        mine, theirs = (mentee, mentor) if whose == "mentee" else (mentor, mentee)
        wishers = stated[mine]
        if not wishers.any():
            continue
        stated_count[whose] = stated_count[whose] + wishers
        if wishers.mean() > DENSE:
            known, value = fit(mine, theirs)
            total += np.where(wishers, np.where(known, value, UNKNOWN), np.float32(0))
        else:
            # Only the pairs whose wisher stated it: to the others the wish adds nothing.
            at, mine, theirs = pairs_where(mine, theirs, wishers)
            known, value = fit(mine, theirs)
            total[at] += np.where(known, value, UNKNOWN)
    count = stated_count["mentee"] + stated_count["mentor"]
    return np.where(count > 0, total / np.maximum(count, 1), 1.0).astype(np.float32, copy=False)


def explain(roster, mentee, mentor):
    return explain_pairs(roster, [int(mentee)], [int(mentor)])[0]


def explain_pairs(roster, mentees, mentors) -> list[tuple[str, dict]]:
    """`explain` of many pairs at once (result.json's chosen pairs): each wish's fit in one pass."""
    mentees = np.asarray(mentees, dtype=np.int64)
    mentors = np.asarray(mentors, dtype=np.int64)
    outcomes: list[list[tuple[int, str]]] = [[] for _ in range(len(mentees))]  # per pair, in wish order
    for wish, whose, stated, fit in _wishes(roster):
        mine, theirs = (mentees, mentors) if whose == "mentee" else (mentors, mentees)
        at = np.flatnonzero(stated[mine])
        if not len(at):
            continue
        known, value = fit(mine[at], theirs[at])
        held, partly, broken, unknown = range(len(OUTCOMES))
        kind = np.where(known, np.where(value >= 1, held, np.where(value <= 0, broken, partly)), unknown)
        for q, k in zip(at.tolist(), kind.tolist()):
            outcomes[q].append((k, wish))
    return [_reason(pair) for pair in outcomes]


def _reason(outcomes: list[tuple[int, str]]) -> tuple[str, dict]:
    lists: dict[str, list[str]] = {k: [] for k in OUTCOMES}
    for k, wish in outcomes:
        lists[OUTCOMES[k]].append(wish)
    present = tuple(k for k in OUTCOMES if lists[k])
    if not present:
        return "mirror.none", {}
    params: dict = {}
    for k in present:
        params.update(localized(k, lists[k], "mirror.wish."))
    return _code(present), params
