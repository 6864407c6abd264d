"""Minimum age gap between mentor and mentee, per form.

004 (safety): «Разница в возрасте наставника и наставляемого не менее 9 лет» for the
adult–child programme; other forms set their own minimum (0 = no rule).
"""
from __future__ import annotations

import numpy as np

from ..i18n import register

CODE = "age_gap"
FORM_DEPENDENT = True

register({
    # Russian numerals agree with the noun ("1 год", "2 года", "9 лет"), so years go in brackets.
    CODE: ("разница в возрасте меньше допустимой для формы «{form}»: {gap} при минимуме {min} (в годах)",
           "age gap of {gap} years is below the minimum of {min} for form '{form}'"),
    "age_gap.unknown": ("возраст наставника и наставляемого неизвестен, а для формы «{form}» "
                        "минимальная разница в возрасте — {min} (в годах)",
                        "ages unknown, and form '{form}' requires an age gap of at least {min} years"),
    "age_gap.mentor_age_unknown": ("возраст наставника {id} неизвестен, а для формы «{form}» "
                                   "минимальная разница в возрасте — {min} (в годах)",
                                   "the age of mentor {id} is unknown, and form '{form}' requires "
                                   "an age gap of at least {min} years"),
    "age_gap.mentee_age_unknown": ("возраст наставляемого {id} неизвестен, а для формы «{form}» "
                                   "минимальная разница в возрасте — {min} (в годах)",
                                   "the age of mentee {id} is unknown, and form '{form}' requires "
                                   "an age gap of at least {min} years"),
})


def check(roster, mentee, mentor, form):
    minimum = roster.config.forms[form].min_age_gap
    if minimum <= 0:
        return np.ones(len(mentee), dtype=bool)
    gap = roster.mentors.age[mentor] - roster.mentees.age[mentee]
    # Unknown ages cannot prove the gap, so the pair is blocked (nan >= x is False).
    return gap >= minimum


def details(roster, mentee, mentor, form):
    minimum = roster.config.forms[form].min_age_gap
    mentor_age = float(roster.mentors.age[mentor])
    mentee_age = float(roster.mentees.age[mentee])
    params = {"min": minimum, "form": form,
              "mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee]}
    if np.isnan(mentor_age) and np.isnan(mentee_age):
        return {"code": "age_gap.unknown", **params}
    if np.isnan(mentor_age):
        return {"code": "age_gap.mentor_age_unknown", "who": "mentor", "id": roster.mentors.ids[mentor],
                **params}
    if np.isnan(mentee_age):
        return {"code": "age_gap.mentee_age_unknown", "who": "mentee", "id": roster.mentees.ids[mentee],
                **params}
    return {"gap": mentor_age - mentee_age, "mentor_age": mentor_age, "mentee_age": mentee_age, **params}
