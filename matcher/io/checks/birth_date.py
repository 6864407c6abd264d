"""A birth date must give an age within the accepted range on the reference date."""
from __future__ import annotations

from ...i18n import register
from ..coerce import AGE_LIMITS
from .base import Found

CODES = ("io.birth_date_out_of_range",)

register({
    "io.birth_date_out_of_range": ("по дате рождения {value} возраст на {date_ru} — {age}, а допустимо {min}–{max}",
                                   "birth date {value} gives age {age} at {date}, outside {min}–{max}"),
})


def reference_dates(table) -> dict:
    """The reference date as the messages show it."""
    return {"date": table.reference.isoformat(), "date_ru": table.reference.strftime("%d.%m.%Y")}


def prepare(table):
    header = table.present.get("birth_date")
    if header is None:
        return None
    dates = reference_dates(table)

    def birth_date_in_range(row):
        age = row.birth_age
        if age is not None and not AGE_LIMITS[0] <= age <= AGE_LIMITS[1]:
            yield Found("io.birth_date_out_of_range", column=header, value=row.birth.strftime("%d.%m.%Y"),
                        params={"age": age, **dates, "min": AGE_LIMITS[0], "max": AGE_LIMITS[1]})

    return birth_date_in_range
