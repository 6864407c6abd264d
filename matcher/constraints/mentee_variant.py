"""The mentee is one of the kinds of mentee the form is for.

Teacher–teacher mentoring takes «молодой специалист с опытом работы от 0 до 3 лет», a
specialist «в процессе адаптации на новом месте работы» and a teacher «в состоянии
эмоционального выгорания» (002 §5); teacher–student names underachieving, passive and gifted
students and children with disabilities (001 §2.3). A form's `mentee_variants` lists the
variants it accepts (empty = anyone); the questionnaire states a mentee's variants.

A young specialist need not say so: the category young_teacher or at most the form's
`max_mentee_experience` years make one. A form with only `max_mentee_experience` set takes
young specialists only. A mentee who states nothing the form accepts is not assumed to fit.
"""
from __future__ import annotations

import numpy as np

from ..arrays import CATEGORIES, VARIANT_BIT
from ..i18n import register
from ..models import MENTEE_VARIANT_TITLES

CODE = "mentee_variant"
FORM_DEPENDENT = True

register({
    "rule_title.mentee_variant": ("категория наставляемого", "kind of mentee"),
    CODE: ("наставляемый {mentee_id} не относится ни к одной категории наставляемых формы «{form}»",
           "mentee {mentee_id} is of no kind of mentee form '{form}' is for"),
    "mentee_variant.none": ("наставляемый {id} {id:gender:не указал|не указала} в анкете ни одной категории "
                            "наставляемых, которые принимает форма «{form}»: {accepted_ru}",
                            "mentee {id} states none of the kinds of mentee form '{form}' accepts: {accepted_en}"),
    "mentee_variant.too_experienced": ("наставляемый {id}: стаж — {mentee_experience} (в годах), больше {max}, "
                                       "при которых в форме «{form}» считаются молодым специалистом, а других "
                                       "категорий, которые она принимает ({others_ru}), в анкете нет",
                                       "mentee {id} has {mentee_experience} years of experience, more than the "
                                       "{max} of a young specialist in form '{form}', and states none of the "
                                       "other kinds of mentee it accepts ({others_en})"),
    "mentee_variant.not_young_specialist": ("наставляемый {id}: стаж — {mentee_experience} (в годах), а форма "
                                            "«{form}» рассчитана на молодых специалистов со стажем не более {max}",
                                            "mentee {id} has {mentee_experience} years of experience, and form "
                                            "'{form}' is for young specialists with at most {max} years"),
    "mentee_variant.experience_unknown": ("наставляемый {id}: стаж не указан, поэтому не доказано, что это "
                                          "молодой специалист (стаж не более {max}, в годах), а других "
                                          "категорий, которые принимает форма «{form}», в анкете нет; "
                                          "форма принимает: {accepted_ru}",
                                          "the experience of mentee {id} is unknown, so it is not proven that "
                                          "they are a young specialist (at most {max} years), and they state "
                                          "no other kind of mentee form '{form}' accepts; it accepts: "
                                          "{accepted_en}"),
})

_YOUNG = "young_specialist"
_YOUNG_TEACHER = CATEGORIES.index("young_teacher")


def accepted_variants(rule) -> list[str]:
    """The variants a form accepts ([] = any mentee); `max_mentee_experience` alone means young specialists."""
    if rule.mentee_variants:
        return list(rule.mentee_variants)
    return [_YOUNG] if rule.max_mentee_experience is not None else []


def _eligible(side, rule, idx) -> np.ndarray:
    accepted = accepted_variants(rule)
    stated = side.variants[idx]
    others = sum(VARIANT_BIT[v] for v in accepted if v != _YOUNG)
    ok = (stated & np.uint16(others)) != 0
    if _YOUNG in accepted:
        young = ((stated & np.uint16(VARIANT_BIT[_YOUNG])) != 0) | (side.category[idx] == _YOUNG_TEACHER)
        if rule.max_mentee_experience is not None:
            young |= side.experience[idx] <= rule.max_mentee_experience  # nan: not proven
        ok |= young
    return ok


def admits(side, rule) -> np.ndarray:
    """Per mentee of `side`: of a kind the form `rule` is for (a mentee-only verdict)."""
    if not accepted_variants(rule):
        return np.ones(len(side.category), dtype=bool)
    return _eligible(side, rule, slice(None))


def check(roster, mentee, mentor, form):
    return admits(roster.mentees, roster.config.forms[form])[mentee]


def _titles(variants: list[str], lang: int) -> list[str]:
    return [MENTEE_VARIANT_TITLES[v][lang] for v in variants]


def details(roster, mentee, mentor, form):
    rule = roster.config.forms[form]
    accepted = accepted_variants(rule)
    others = [v for v in accepted if v != _YOUNG]
    years = float(roster.mentees.experience[mentee])
    # The variants a mentee stated are not repeated here: some (burnout, special needs) are sensitive.
    params = {"who": "mentee", "id": roster.mentees.ids[mentee], "form": form,
              "mentor_id": roster.mentors.ids[mentor], "mentee_id": roster.mentees.ids[mentee],
              "accepted": accepted, "accepted_ru": _titles(accepted, 0), "accepted_en": _titles(accepted, 1),
              "others_ru": _titles(others, 0), "others_en": _titles(others, 1),
              "max": rule.max_mentee_experience, "mentee_experience": None if np.isnan(years) else years}
    if _YOUNG in accepted and rule.max_mentee_experience is not None:
        if np.isnan(years):
            return {"code": "mentee_variant.experience_unknown", **params}
        code = "mentee_variant.too_experienced" if others else "mentee_variant.not_young_specialist"
        return {"code": code, **params}
    return {"code": "mentee_variant.none", **params}
