"""A wished age range 'from' above 'to' cannot be met: a warning, the row stays."""
from __future__ import annotations

from ...i18n import register
from ...problems import WARNING
from .base import Found

CODES = ("io.age_range_inverted",)

register({
    "io.age_range_inverted": ("желаемый возраст «от» ({value}) больше, чем «до» ({max}): такое пожелание невыполнимо",
                              "the wished age 'from' ({value}) is larger than 'to' ({max}): the wish cannot be met"),
})


def prepare(table):
    header = table.present.get("want_age_min")
    if header is None or "want_age_max" not in table.present:
        return None

    def wished_age_range(row):
        lo, hi = row.data.get("want_age_min"), row.data.get("want_age_max")
        if lo is not None and hi is not None and lo > hi:
            yield Found("io.age_range_inverted", WARNING, header, f"{lo:g}", {"max": hi})

    return wished_age_range
