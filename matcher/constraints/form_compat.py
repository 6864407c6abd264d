"""Both sides take part in the form, in a category the form allows.

A pair is always inside one form of mentoring (docs/domain.md, "Forms of mentoring"): both
people listed the form in their questionnaire, and their categories fit the form's
`mentor_categories` / `mentee_categories` (empty = any; an unknown category fails a list).
"""
from __future__ import annotations

import numpy as np

from ..arrays import CATEGORIES
from ..i18n import register

CODE = "form_compat"
FORM_DEPENDENT = True

register({
    CODE: ("наставник {mentor_id} и наставляемый {mentee_id} не подходят для формы «{form}»",
           "mentor {mentor_id} and mentee {mentee_id} do not fit form '{form}'"),
    "form_compat.mentor_form": ("наставник {id} {id:gender:не выбрал|не выбрала} форму «{form}»",
                                "mentor {id} did not choose form '{form}'"),
    "form_compat.mentee_form": ("наставляемый {id} {id:gender:не выбрал|не выбрала} форму «{form}»",
                                "mentee {id} did not choose form '{form}'"),
    "form_compat.mentor_category": ("наставник {id}: категория «{category}» не допускается в форме «{form}» "
                                    "(допустимы: {allowed})",
                                    "mentor {id} of category '{category}' is not allowed in form '{form}' "
                                    "(allowed: {allowed})"),
    "form_compat.mentee_category": ("наставляемый {id}: категория «{category}» не допускается в форме «{form}» "
                                    "(допустимы: {allowed})",
                                    "mentee {id} of category '{category}' is not allowed in form '{form}' "
                                    "(allowed: {allowed})"),
    "form_compat.mentor_category_unknown": ("наставник {id}: категория не указана, а форма «{form}» "
                                            "допускает только: {allowed}",
                                            "mentor {id} has no category, and form '{form}' allows only: {allowed}"),
    "form_compat.mentee_category_unknown": ("наставляемый {id}: категория не указана, а форма «{form}» "
                                            "допускает только: {allowed}",
                                            "mentee {id} has no category, and form '{form}' allows only: {allowed}"),
})


def _side_fits(side, bit: int, allowed: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per person: (listed the form, category allowed)."""
    listed = (side.forms & np.uint64(bit)) != 0
    if not allowed:
        return listed, np.ones(side.n, dtype=bool)
    codes = [CATEGORIES.index(c) for c in allowed if c in CATEGORIES]
    # category -1 (unknown) is never in the list, so it fails.
    return listed, np.isin(side.category, codes)


def _fits(roster, form):
    rule = roster.config.forms[form]
    bit = roster.form_bit(form)
    mentor_listed, mentor_cat = _side_fits(roster.mentors, bit, rule.mentor_categories)
    mentee_listed, mentee_cat = _side_fits(roster.mentees, bit, rule.mentee_categories)
    return mentor_listed & mentor_cat, mentee_listed & mentee_cat


def check(roster, mentee, mentor, form):
    mentor_ok, mentee_ok = _fits(roster, form)
    return mentor_ok[mentor] & mentee_ok[mentee]


def details(roster, mentee, mentor, form):
    rule = roster.config.forms[form]
    bit = roster.form_bit(form)
    for who, side, k, allowed in (("mentee", roster.mentees, mentee, rule.mentee_categories),
                                  ("mentor", roster.mentors, mentor, rule.mentor_categories)):
        params = {"who": who, "id": side.ids[k], "form": form,
                  "mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee]}
        if not int(side.forms[k]) & bit:
            return {"code": f"form_compat.{who}_form", **params}
        code = int(side.category[k])
        if allowed and code < 0:
            return {"code": f"form_compat.{who}_category_unknown", "allowed": list(allowed), **params}
        if allowed and CATEGORIES[code] not in allowed:
            return {"code": f"form_compat.{who}_category", "category": CATEGORIES[code],
                    "allowed": list(allowed), **params}
    return {"mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee], "form": form}
