"""A mentee who named no form of mentoring will not be paired: a warning (unless the forms
cell was already reported bad)."""
from __future__ import annotations

from ...i18n import register
from ...problems import WARNING
from .base import Found

CODES = ("io.no_form",)

register({
    "io.no_form": ("наставляемый не указал ни одной формы наставничества и не попадёт в пару",
                   "the mentee named no form of mentoring and will not be paired"),
})


def prepare(table):
    header = table.present.get("forms")  # None without the column: the row is still named

    def mentee_names_a_form(row):
        if row.role == "mentee" and not row.data.get("forms") and "forms" not in row.failed:
            yield Found("io.no_form", WARNING, header)

    return mentee_names_a_form
