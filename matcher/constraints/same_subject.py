"""Mentor and mentee teach a common subject, where the form requires it.

002 §5 names the same-subject variant of teacher–teacher mentoring («Опытный предметник –
неопытный предметник»: a mentor «одного и того же предметного направления, что и молодой
учитель»); the form's `same_subject` switches the rule on.
"""
from __future__ import annotations

import numpy as np

from ..arrays import count_and, everyone
from ..i18n import register

CODE = "same_subject"
FORM_DEPENDENT = True

register({
    CODE: ("наставник {mentor_id} и наставляемый {mentee_id}: нет общего предмета, "
           "а форма «{form}» его требует",
           "mentor {mentor_id} and mentee {mentee_id} share no subject, which form '{form}' requires"),
})


def check(roster, mentee, mentor, form):
    if not roster.config.forms[form].same_subject:
        return everyone(mentee, mentor)
    return count_and(roster.mentors.sets["subjects"], mentor, roster.mentees.sets["subjects"], mentee) > 0


def _names(roster, bits: np.ndarray) -> list[str]:
    vocab = roster.vocab["subjects"]
    return [v for k, v in enumerate(vocab) if int(bits[k >> 6]) >> (k & 63) & 1]


def details(roster, mentee, mentor, form):
    return {"mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee], "form": form,
            "mentor_subjects": _names(roster, roster.mentors.sets["subjects"][mentor]),
            "mentee_subjects": _names(roster, roster.mentees.sets["subjects"][mentee])}
