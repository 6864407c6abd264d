"""Each consent the rules require should be answered in every row; an empty cell is a
warning (it counts as 'no' where the rules say so). A missing column is reported once per
file by the collector."""
from __future__ import annotations

from ...i18n import register
from ...problems import WARNING
from .base import Found

CONSENTS = ("consent", "data_consent")
CODES = ("io.consent_missing", "io.consent_missing_no")

register({
    "io.consent_missing": ("согласие не указано (пустая ячейка)", "consent is not given (empty cell)"),
    "io.consent_missing_no": ("согласие не указано (пустая ячейка) и будет считаться отказом",
                              "consent is not given (empty cell) and counts as no"),
})


def prepare(table):
    rules = table.config.rules
    headers = [(f, table.present[f]) for f in CONSENTS if getattr(rules, f"require_{f}") and f in table.present]
    if not headers:
        return None
    code = "io.consent_missing_no" if rules.missing_consent_is_no else "io.consent_missing"

    def consents_answered(row):
        data = row.data
        for fld, header in headers:
            if data.get(fld) is None:
                yield Found(code, WARNING, header)

    return consents_answered
