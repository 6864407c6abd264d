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

from collections.abc import Iterator
from itertools import combinations

import numpy as np

from ..i18n import register
from ._util import count, count_and, localized, share

NAME = "mirror"
UNKNOWN = 0.5

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


def _wishes(roster, mentee, mentor) -> Iterator[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(wish id, stated, partner attribute known, value 0..1 where known) for every wish someone stated."""
    sides = (("mentee", roster.mentees, roster.mentors, mentee, mentor),
             ("mentor", roster.mentors, roster.mentees, mentor, mentee))
    for whose, me, other, mine, theirs in sides:
        if me.want_gender.any():
            want = me.want_gender[mine]
            gender = other.gender[theirs]
            yield f"{whose}.gender", want != 0, gender != 0, (want == gender).astype(np.float32)
        if not (np.isnan(me.want_age_min).all() and np.isnan(me.want_age_max).all()):
            lo, hi = me.want_age_min[mine], me.want_age_max[mine]
            age = other.age[theirs]
            stated = ~(np.isnan(lo) & np.isnan(hi))
            # A missing bound compares False, so it never fails the wish.
            fits = ~(age < lo) & ~(age > hi)
            yield f"{whose}.age", stated, ~np.isnan(age), fits.astype(np.float32)
        for wish in ("interests", "offers"):
            wanted = me.sets[f"want_{wish}"]
            if not wanted.any():
                continue
            partner = other.sets[PARTNER_SET[whose, wish]]
            n_wanted = count(wanted, mine)
            found = count_and(wanted, mine, partner, theirs)
            yield f"{whose}.{wish}", n_wanted > 0, count(partner, theirs) > 0, share(found, n_wanted)


def applies(roster) -> bool:
    """Informative only if someone stated a wish (otherwise every pair scores 1)."""
    for side in (roster.mentees, roster.mentors):
        if side.want_gender.any() or not np.isnan(side.want_age_min).all() or not np.isnan(side.want_age_max).all():
            return True
        if side.sets["want_interests"].any() or side.sets["want_offers"].any():
            return True
    return False


def score(roster, mentee, mentor):
    total = np.zeros(len(mentee), dtype=np.float32)
    stated_count = np.zeros(len(mentee), dtype=np.int8)
    for _, stated, known, value in _wishes(roster, mentee, mentor):
        total += np.where(stated, np.where(known, value, UNKNOWN), 0).astype(np.float32)
        stated_count += stated
    return np.where(stated_count > 0, total / np.maximum(stated_count, 1), 1.0).astype(np.float32)


def explain(roster, mentee, mentor):
    lists: dict[str, list[str]] = {k: [] for k in OUTCOMES}
    one_mentee = np.array([int(mentee)], dtype=np.int64)
    one_mentor = np.array([int(mentor)], dtype=np.int64)
    for wish, stated, known, value in _wishes(roster, one_mentee, one_mentor):
        if not stated[0]:
            continue
        v = float(value[0])
        outcome = "unknown" if not known[0] else "held" if v >= 1 else "broken" if v <= 0 else "partly"
        lists[outcome].append(wish)
    present = tuple(k for k in OUTCOMES if lists[k])
    if not present:
        return "mirror.none", {}
    params: dict = {}
    for k in present:
        params.update(localized(k, lists[k], "mirror.wish."))
    return _code(present), params
