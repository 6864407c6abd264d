"""A student mentor is in a higher grade than the mentee.

Student–student mentoring pairs a mentor with a student «более низкой по отношению к
наставнику ступени» (001 §2.2.8): the mentor's grade is at least the form's
`min_grade_gap` above the mentee's. Unknown grades cannot prove it, so they block.
"""
from __future__ import annotations

import numpy as np

from ..arrays import everyone
from ..i18n import register

CODE = "grade_order"
FORM_DEPENDENT = True

register({
    CODE: ("наставник {mentor_id} учится в {mentor_grade} классе, наставляемый {mentee_id} — "
           "в {mentee_grade}; в форме «{form}» наставник должен учиться в более старшем классе, "
           "с разницей не меньше {min}",
           "mentor {mentor_id} is in grade {mentor_grade} and mentee {mentee_id} in grade {mentee_grade}; "
           "form '{form}' needs the mentor at least {min} {min:plural:grade|grades} higher"),
    "grade_order.mentor_grade_unknown": ("наставник {id}: класс не указан, а в форме «{form}» наставник "
                                         "должен учиться в более старшем классе",
                                         "the grade of mentor {id} is unknown, and form '{form}' needs "
                                         "the mentor in a higher grade"),
    "grade_order.mentee_grade_unknown": ("наставляемый {id}: класс не указан, а в форме «{form}» наставник "
                                         "должен учиться в более старшем классе",
                                         "the grade of mentee {id} is unknown, and form '{form}' needs "
                                         "the mentor in a higher grade"),
})


def check(roster, mentee, mentor, form):
    minimum = roster.config.forms[form].min_grade_gap
    if minimum is None:
        return everyone(mentee, mentor)
    mentor_grade = roster.mentors.grade[mentor].astype(np.int32)
    mentee_grade = roster.mentees.grade[mentee].astype(np.int32)
    return (mentor_grade >= 0) & (mentee_grade >= 0) & (mentor_grade - mentee_grade >= minimum)


def details(roster, mentee, mentor, form):
    minimum = roster.config.forms[form].min_grade_gap
    mentor_grade = int(roster.mentors.grade[mentor])
    mentee_grade = int(roster.mentees.grade[mentee])
    params = {"mentor_grade": mentor_grade if mentor_grade >= 0 else None,
              "mentee_grade": mentee_grade if mentee_grade >= 0 else None,
              "min": minimum, "form": form,
              "mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee]}
    if mentor_grade < 0:
        return {"code": "grade_order.mentor_grade_unknown", "who": "mentor", "id": roster.mentors.ids[mentor],
                **params}
    if mentee_grade < 0:
        return {"code": "grade_order.mentee_grade_unknown", "who": "mentee", "id": roster.mentees.ids[mentee],
                **params}
    return params
