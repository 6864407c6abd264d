"""In teacher–teacher mentoring the mentor is the more experienced one.

002: the mentor of teacher–teacher mentoring is an «опытный педагог». With the form's
`max_mentee_experience` set, the mentor has more years than the mentee (an unknown
experience on either side is not held against the pair). Whether the mentee may take part
at all (a young specialist, new to the school, in burnout) is `mentee_variant`'s rule.
"""
from __future__ import annotations

import numpy as np

from ..arrays import everyone
from ..i18n import register

CODE = "experience"
FORM_DEPENDENT = True

register({
    CODE: ("стаж наставника не больше стажа наставляемого: наставник {mentor_id} — {mentor_experience}, "
           "наставляемый {mentee_id} — {mentee_experience}; в форме «{form}» наставник должен быть опытнее",
           "mentor {mentor_id} has no more years of experience ({mentor_experience}) than mentee {mentee_id} "
           "({mentee_experience}); form '{form}' needs the more experienced mentor"),
})


def check(roster, mentee, mentor, form):
    maximum = roster.config.forms[form].max_mentee_experience
    if maximum is None:
        return everyone(mentee, mentor)
    mentor_years = roster.mentors.experience[mentor]
    mentee_years = roster.mentees.experience[mentee]
    return ~(mentor_years <= mentee_years)  # an unknown side (nan) does not fail


def details(roster, mentee, mentor, form):
    maximum = roster.config.forms[form].max_mentee_experience
    mentor_years = float(roster.mentors.experience[mentor])
    mentee_years = float(roster.mentees.experience[mentee])
    return {"mentor_experience": None if np.isnan(mentor_years) else mentor_years,
            "mentee_experience": None if np.isnan(mentee_years) else mentee_years,
            "max": maximum, "form": form, "who": "mentor", "id": roster.mentors.ids[mentor],
            "mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee]}
