"""A minor needs a guardian's consent: a file with minors and no column for it is an error
at each minor's row (their consent can't be known)."""
from __future__ import annotations

from ...i18n import register
from .base import Found
from .birth_date import reference_dates

CODES = ("io.minor_no_guardian_column",)

register({
    "io.minor_no_guardian_column": ("участник несовершеннолетний ({age} {age:plural:год|года|лет} на {date_ru}), а в файле нет столбца согласия законного представителя",
                                    "the participant is a minor (aged {age} at {date}) and the file has no guardian-consent column"),
})


def prepare(table):
    present = table.present
    rules = table.config.rules
    if not rules.require_guardian_consent or "guardian_consent" in present:
        return None
    if "age" not in present and "birth_date" not in present:
        return None
    adult_age = rules.adult_age
    dates = reference_dates(table)

    def minor_without_guardian_column(row):
        age = row.age
        if age is not None and age < adult_age:
            birth = row.birth
            if birth is not None:
                column, value = present["birth_date"], birth.strftime("%d.%m.%Y")
            else:
                column, value = present["age"], f"{age:g}"
            yield Found("io.minor_no_guardian_column", column=column, value=value,
                        params={"age": int(age), **dates})

    return minor_without_guardian_column
