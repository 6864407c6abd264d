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
    CODE: ("разница в возрасте {gap} лет меньше минимальной {min} для формы «{form}»",
           "age gap of {gap} years is below the minimum of {min} for form '{form}'"),
    "age_gap.unknown": ("возраст неизвестен, а форма «{form}» требует разницы не менее {min} лет",
                        "age unknown, and form '{form}' requires a gap of at least {min} years"),
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
    gap = roster.mentors.age[mentor] - roster.mentees.age[mentee]
    if np.isnan(gap):
        return {"code": "age_gap.unknown", "min": minimum, "form": form}
    return {"gap": float(gap), "min": minimum, "form": form}
