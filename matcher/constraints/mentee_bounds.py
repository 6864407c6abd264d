"""The mentee's age and grade are within the form's bounds.

Programmes name their mentees' ages: «обучающихся в возрасте от 10 лет» (001 §1.3), «от
шести лет» (002); adult–child programmes often take children of 10–17. A form's
`mentee_min_age` / `mentee_max_age` bound the mentee's whole years at the reference date,
`mentee_min_grade` / `mentee_max_grade` the grade. An unknown age or grade cannot prove a
bound, so it blocks.
"""
from __future__ import annotations

import numpy as np

from ..i18n import register

CODE = "mentee_bounds"
FORM_DEPENDENT = True

register({
    "rule_title.mentee_bounds": ("возраст или класс наставляемого", "mentee's age or grade"),
    CODE: ("наставляемый {mentee_id} не подходит форме «{form}» по возрасту или классу",
           "mentee {mentee_id} is outside the ages or grades of form '{form}'"),
    "mentee_bounds.age": ("наставляемый {id}: возраст — {age} (полных лет на {date_ru}), а форма «{form}» "
                          "принимает наставляемых {age_bounds_ru} (в годах)",
                          "mentee {id} is {age} (whole years on {date}), and form '{form}' takes mentees "
                          "{age_bounds_en}"),
    "mentee_bounds.age_unknown": ("наставляемый {id}: возраст неизвестен, а форма «{form}» принимает "
                                  "наставляемых {age_bounds_ru} (в годах)",
                                  "the age of mentee {id} is unknown, and form '{form}' takes mentees "
                                  "{age_bounds_en}"),
    "mentee_bounds.grade": ("наставляемый {id} учится в {grade} классе, а форма «{form}» принимает "
                            "наставляемых {grade_bounds_ru}",
                            "mentee {id} is in grade {grade}, and form '{form}' takes mentees {grade_bounds_en}"),
    "mentee_bounds.grade_unknown": ("наставляемый {id}: класс не указан, а форма «{form}» принимает "
                                    "наставляемых {grade_bounds_ru}",
                                    "the grade of mentee {id} is unknown, and form '{form}' takes mentees "
                                    "{grade_bounds_en}"),
})


def _age_ok(side, rule, idx) -> np.ndarray:
    age = np.floor(side.age[idx])  # whole years; nan fails every comparison
    ok = np.ones(len(age), dtype=bool)
    if rule.mentee_min_age is not None:
        ok &= age >= rule.mentee_min_age
    if rule.mentee_max_age is not None:
        ok &= age <= rule.mentee_max_age
    return ok


def _grade_ok(side, rule, idx) -> np.ndarray:
    grade = side.grade[idx].astype(np.int32)
    ok = np.ones(len(grade), dtype=bool)
    if rule.mentee_min_grade is not None:
        ok &= (grade >= 0) & (grade >= rule.mentee_min_grade)
    if rule.mentee_max_grade is not None:
        ok &= (grade >= 0) & (grade <= rule.mentee_max_grade)
    return ok


def _bounded(rule) -> bool:
    return any(v is not None for v in (rule.mentee_min_age, rule.mentee_max_age,
                                       rule.mentee_min_grade, rule.mentee_max_grade))


def admits(side, rule) -> np.ndarray:
    """Per mentee of `side`: within the bounds of the form `rule` (a mentee-only verdict)."""
    if not _bounded(rule):
        return np.ones(len(side.age), dtype=bool)
    return _age_ok(side, rule, slice(None)) & _grade_ok(side, rule, slice(None))


def check(roster, mentee, mentor, form):
    return admits(roster.mentees, roster.config.forms[form])[mentee]


def _num(value) -> str:
    return f"{value:g}"


def _range_texts(lo, hi, grades: bool) -> tuple[str, str]:
    """The bounds in words, Russian and English: «от 10 до 17», "aged 10 to 17"."""
    if grades:
        if lo is not None and hi is not None:
            return f"с {lo} по {hi} класс", f"in grades {lo} to {hi}"
        if lo is not None:
            return f"с {lo} класса", f"from grade {lo}"
        return f"до {hi} класса включительно", f"up to grade {hi}"
    if lo is not None and hi is not None:
        return f"от {_num(lo)} до {_num(hi)}", f"aged {_num(lo)} to {_num(hi)}"
    if lo is not None:
        return f"от {_num(lo)}", f"aged {_num(lo)} or older"
    return f"до {_num(hi)} включительно", f"aged {_num(hi)} or younger"


def details(roster, mentee, mentor, form):
    rule = roster.config.forms[form]
    side = roster.mentees
    ref = roster.reference_date
    age = float(side.age[mentee])
    grade = int(side.grade[mentee])
    params = {"who": "mentee", "id": side.ids[mentee], "form": form,
              "mentor_id": roster.mentors.ids[mentor], "mentee_id": side.ids[mentee],
              "age": None if np.isnan(age) else float(np.floor(age)), "grade": grade if grade >= 0 else None,
              "min_age": rule.mentee_min_age, "max_age": rule.mentee_max_age,
              "min_grade": rule.mentee_min_grade, "max_grade": rule.mentee_max_grade,
              "date": ref.isoformat(), "date_ru": ref.strftime("%d.%m.%Y")}
    idx = np.array([mentee])
    if not _age_ok(side, rule, idx)[0]:
        ru, en = _range_texts(rule.mentee_min_age, rule.mentee_max_age, grades=False)
        code = "mentee_bounds.age_unknown" if np.isnan(age) else "mentee_bounds.age"
        return {"code": code, "age_bounds_ru": ru, "age_bounds_en": en, **params}
    if not _grade_ok(side, rule, idx)[0]:
        ru, en = _range_texts(rule.mentee_min_grade, rule.mentee_max_grade, grades=True)
        code = "mentee_bounds.grade_unknown" if grade < 0 else "mentee_bounds.grade"
        return {"code": code, "grade_bounds_ru": ru, "grade_bounds_en": en, **params}
    return params
