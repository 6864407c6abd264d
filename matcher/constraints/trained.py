"""The mentor has passed preparation, where the form requires it.

The adult–child programme «Мы вместе» admits a mentor who «прошел подготовку к участию
в программе» (004); the form's `require_trained` switches the rule on. Unknown counts as
not trained.
"""
from __future__ import annotations

import numpy as np

from ..arrays import everyone
from ..i18n import register
from .fix import Fix, update_people

CODE = "trained"
FORM_DEPENDENT = True
CHANGES = ("trained",)

register({
    CODE: ("наставник {id} {id:gender:не прошёл|не прошла} подготовку, обязательную для формы «{form}»",
           "mentor {id} has not completed the preparation required for form '{form}'"),
    "trained.unknown": ("нет сведений о том, {id:gender:прошёл|прошла} ли наставник {id} подготовку, обязательную "
                        "для формы «{form}»",
                        "it is unknown whether mentor {id} has completed the preparation required "
                        "for form '{form}'"),
    "change.trained": ("наставник {mentor}: пройти подготовку, обязательную для формы «{form}»",
                       "mentor {mentor} completes the preparation required for form '{form}'"),
})


def check(roster, mentee, mentor, form):
    if not roster.config.forms[form].require_trained:
        return everyone(mentee, mentor)
    return roster.mentors.trained[mentor] == 1


def details(roster, mentee, mentor, form):
    params = {"who": "mentor", "id": roster.mentors.ids[mentor], "form": form}
    if roster.mentors.trained[mentor] == -1:
        return {"code": "trained.unknown", "trained": "unknown", **params}
    return {"trained": "no", **params}


def suggest(roster, mentee, mentor, form, details):
    """The mentor completes the preparation."""
    return [Fix({"change": "trained", "mentor_id": roster.mentors.ids[mentor], "params": {"form": form}}, "person")]


def apply(people, config, change):
    return update_people(people, change["mentor_id"], True, lambda p: {"trained": True}), config
