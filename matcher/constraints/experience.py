"""Teacher mentees are young specialists; the mentor is the more experienced one.

002: the mentee of teacher–teacher mentoring is «молодой специалист с опытом работы от 0 до
3 лет», the mentor an «опытный педагог». With the form's `max_mentee_experience` set, the
mentee is a young_teacher or has at most that many years, and the mentor has more years
than the mentee (an unknown mentor's experience is not held against the pair).
"""
from __future__ import annotations

import numpy as np

from ..arrays import CATEGORIES
from ..i18n import register

CODE = "experience"
FORM_DEPENDENT = True

register({
    CODE: ("стаж наставника {mentor_id} ({mentor_experience}) не больше стажа наставляемого {mentee_id} "
           "({mentee_experience}); в форме «{form}» наставник должен быть опытнее",
           "mentor {mentor_id} has no more years of experience ({mentor_experience}) than mentee {mentee_id} "
           "({mentee_experience}); form '{form}' needs the more experienced mentor"),
    "experience.mentee_too_experienced": ("стаж наставляемого {id} — {mentee_experience} (в годах), а форма "
                                          "«{form}» рассчитана на молодых специалистов со стажем не более {max}",
                                          "mentee {id} has {mentee_experience} years of experience, and "
                                          "form '{form}' is for young specialists with at most {max} years"),
    "experience.mentee_experience_unknown": ("стаж наставляемого {id} не указан, а форма «{form}» рассчитана "
                                             "на молодых специалистов со стажем не более {max} (в годах)",
                                             "the experience of mentee {id} is unknown, and form '{form}' is "
                                             "for young specialists with at most {max} years"),
})

_YOUNG_TEACHER = CATEGORIES.index("young_teacher")


def _mentee_eligible(side, maximum, idx) -> np.ndarray:
    # nan <= max is False: unknown experience passes only for a young_teacher.
    return (side.category[idx] == _YOUNG_TEACHER) | (side.experience[idx] <= maximum)


def check(roster, mentee, mentor, form):
    maximum = roster.config.forms[form].max_mentee_experience
    if maximum is None:
        return np.ones(len(mentee), dtype=bool)
    eligible = _mentee_eligible(roster.mentees, maximum, slice(None))
    mentor_years = roster.mentors.experience[mentor]
    mentee_years = roster.mentees.experience[mentee]
    more = ~(mentor_years <= mentee_years)  # an unknown side (nan) does not fail this part
    return eligible[mentee] & more


def details(roster, mentee, mentor, form):
    maximum = roster.config.forms[form].max_mentee_experience
    mentor_years = float(roster.mentors.experience[mentor])
    mentee_years = float(roster.mentees.experience[mentee])
    params = {"mentor_experience": None if np.isnan(mentor_years) else mentor_years,
              "mentee_experience": None if np.isnan(mentee_years) else mentee_years,
              "max": maximum, "form": form,
              "mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee]}
    if maximum is not None and not _mentee_eligible(roster.mentees, maximum, mentee):
        code = "experience.mentee_experience_unknown" if np.isnan(mentee_years) \
            else "experience.mentee_too_experienced"
        return {"code": code, "who": "mentee", "id": roster.mentees.ids[mentee], **params}
    return {"who": "mentor", "id": roster.mentors.ids[mentor], **params}
