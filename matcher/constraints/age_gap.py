"""Minimum age gap between mentor and mentee, per form.

004 (safety): «Разница в возрасте наставника и наставляемого не менее 9 лет» for the
adult–child programme; other forms set their own minimum (0 = no rule).

"At least N years older" means the mentee was born on or after the mentor's N-th
birthday. With both birth dates known that is exact. An age in whole years at the
reference date only says the birth date lies within a year, so the pair passes only if
the latest birth date of the mentor and the earliest of the mentee still meet the
minimum: ages 22 and 13 may be 8 years and 2 days apart, which does not prove 9.
"""
from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

import numpy as np

from ..arrays import DATE_MONTH, date_key, everyone, key_date
from ..i18n import register
from .fix import Fix

CODE = "age_gap"
FORM_DEPENDENT = True
CHANGES = ("age_gap",)

register({
    # Russian numerals agree with the noun ("1 год", "2 года", "9 лет"), so years go in brackets.
    CODE: ("разница в возрасте меньше допустимой для формы «{form}»: {gap} при минимуме {min} (в годах)",
           "age gap of {gap} years is below the minimum of {min} for form '{form}'"),
    "age_gap.dates": ("даты рождения: наставник {mentor_id} — {mentor_birth_ru}, наставляемый {mentee_id} — "
                      "{mentee_birth_ru}; между ними меньше {min} (в годах), как требует форма «{form}»; "
                      "с этим наставником наставляемый должен быть рождён не раньше {needed_birth_ru}",
                      "mentor {mentor_id} was born on {mentor_birth} and mentee {mentee_id} on {mentee_birth}: "
                      "less than the {min} years form '{form}' requires; with this mentor the mentee must "
                      "be born on {needed_birth} or later"),
    "age_gap.unproven": ("возраст (полных лет на {date_ru}): наставник {mentor_id} — {mentor_age}, "
                         "наставляемый {mentee_id} — {mentee_age}; но даты рождения известны не у обоих, "
                         "и разница может составлять всего {provable_gap} (в годах) с небольшим; форма «{form}» "
                         "требует не меньше {min}, а это не доказано",
                         "mentor {mentor_id} is {mentor_age} and mentee {mentee_id} {mentee_age} "
                         "(whole years on {date}), but without both birth dates the gap may be as small "
                         "as {provable_gap} years and a little; form '{form}' requires at least {min}, which is "
                         "not proven"),
    "age_gap.unknown": ("возраст наставника и наставляемого неизвестен, а для формы «{form}» "
                        "минимальная разница в возрасте — {min} (в годах)",
                        "ages unknown, and form '{form}' requires an age gap of at least {min} years"),
    "age_gap.mentor_age_unknown": ("наставник {id}: возраст неизвестен, а для формы «{form}» "
                                   "минимальная разница в возрасте — {min} (в годах)",
                                   "the age of mentor {id} is unknown, and form '{form}' requires "
                                   "an age gap of at least {min} years"),
    "age_gap.mentee_age_unknown": ("наставляемый {id}: возраст неизвестен, а для формы «{form}» "
                                   "минимальная разница в возрасте — {min} (в годах)",
                                   "the age of mentee {id} is unknown, and form '{form}' requires "
                                   "an age gap of at least {min} years"),
    "change.age_gap": ("снизить минимальную разницу в возрасте в форме «{form}» с {from} до {to} (в годах)",
                       "lower the minimum age gap in form '{form}' from {from} to {to} years"),
})


@lru_cache(maxsize=4096)
def _birth_window(whole_years: int, reference: dt.date) -> tuple[int, int]:
    """Date keys of the earliest and the latest birth date giving `whole_years` at the reference date."""
    year = reference.year - whole_years
    try:
        latest = dt.date(year, reference.month, reference.day)
    except ValueError:  # reference 29.02, a common year: born 28.02 has had the birthday
        latest = dt.date(year, 2, 28)
    # One year earlier the birthday would already have been reached again: the day after.
    earliest = key_date(((year - 1) * 12 + reference.month - 1) * DATE_MONTH + reference.day + 1)
    return date_key(earliest), date_key(latest)


def birth_bounds(side, reference: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Per person: date keys of the earliest and latest possible birth date (-1 = age unknown).
    A birth date is exact; an age in years is floored to whole years and spans a year."""
    earliest = side.birth.copy()
    latest = side.birth.copy()
    only_age = (side.birth < 0) & ~np.isnan(side.age)
    if only_age.any():
        whole = np.clip(np.floor(side.age[only_age]), 0, 150).astype(np.int64)
        values, inverse = np.unique(whole, return_inverse=True)
        windows = np.array([_birth_window(int(a), reference) for a in values], dtype=np.int64).reshape(-1, 2)
        earliest[only_age] = windows[inverse, 0]
        latest[only_age] = windows[inverse, 1]
    return earliest, latest


def _months(minimum: float) -> int:
    return int(round(minimum * 12))


def check(roster, mentee, mentor, form):
    minimum = roster.config.forms[form].min_age_gap
    if minimum <= 0:
        return everyone(mentee, mentor)
    _, mentor_latest = birth_bounds(roster.mentors, roster.reference_date)
    mentee_earliest, _ = birth_bounds(roster.mentees, roster.reference_date)
    r = mentor_latest[mentor]
    e = mentee_earliest[mentee]
    # Unknown ages cannot prove the gap, so the pair is blocked.
    return (r >= 0) & (e >= 0) & (r + _months(minimum) * DATE_MONTH <= e)


def _whole_years_between(earlier: int, later: int) -> int:
    """Completed years from one date key to another (negative when `later` is earlier)."""
    months = later // DATE_MONTH - earlier // DATE_MONTH - (later % DATE_MONTH < earlier % DATE_MONTH)
    return months // 12


def details(roster, mentee, mentor, form):
    minimum = roster.config.forms[form].min_age_gap
    ref = roster.reference_date
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
    mentor_earliest, mentor_latest = (int(b[mentor]) for b in birth_bounds(roster.mentors, ref))
    mentee_earliest, mentee_latest = (int(b[mentee]) for b in birth_bounds(roster.mentees, ref))
    step = _months(minimum) * DATE_MONTH
    # `provable_gap`: the whole years the data prove (the largest minimum under which the pair
    # passes); `gap`: the difference of the ages, or the whole years between the birth dates.
    provable = max(0, _whole_years_between(mentor_latest, mentee_earliest))
    params.update(gap=mentor_age - mentee_age, provable_gap=provable, mentor_age=mentor_age, mentee_age=mentee_age)
    mentor_birth = int(roster.mentors.birth[mentor])
    mentee_birth = int(roster.mentees.birth[mentee])
    if mentor_birth >= 0 and mentee_birth >= 0:
        params["gap"] = provable
        needed = key_date(mentor_birth + step)
        born = {"mentor_birth": key_date(mentor_birth), "mentee_birth": key_date(mentee_birth), "needed_birth": needed}
        for name, day in born.items():
            params[name] = day.isoformat()
            params[name + "_ru"] = day.strftime("%d.%m.%Y")
        return {"code": "age_gap.dates", "basis": "birth_dates", **params}
    basis = "ages" if mentor_birth < 0 and mentee_birth < 0 else \
        ("mentor_birth_date" if mentor_birth >= 0 else "mentee_birth_date")
    params.update(basis=basis, date=ref.isoformat(), date_ru=ref.strftime("%d.%m.%Y"))
    if mentor_earliest + step > mentee_latest:  # even the most favourable birth dates fall short
        return params
    return {"code": "age_gap.unproven", **params}


def suggest(roster, mentee, mentor, form, details):
    """The form's minimum lowered to the gap the data prove; the smallest relaxation per form
    is the one worth checking."""
    if details.get("gap") is None:
        return []
    to = math.floor(float(details.get("provable_gap", details["gap"])))  # ages in whole years prove less
    change = {"change": "age_gap", "mentor_id": None, "params": {"form": form, "from": details["min"], "to": to}}
    return [Fix(change, "programme", order=(-to,), one_of=("age_gap", form))]


def apply(people, config, change):
    params = change["params"]
    forms = {f: (r.model_copy(update={"min_age_gap": float(params["to"])}) if f == params["form"] else r)
             for f, r in config.forms.items()}
    return people, config.model_copy(update={"forms": forms})
