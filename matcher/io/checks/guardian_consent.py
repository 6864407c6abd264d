"""A minor's guardian consent: empty or 'no' is a warning (the consent rule keeps the row
out of pairs). A student whose age is unknown counts as a minor for that rule, so a 'no'
is a warning for them too."""
from __future__ import annotations

from ...i18n import register
from ...problems import WARNING
from .base import Found

CODES = ("io.guardian_consent_missing", "io.guardian_consent_no", "io.guardian_consent_no_presumed")

register({
    "io.guardian_consent_missing": ("участник несовершеннолетний: согласие законного представителя не указано",
                                    "the participant is a minor: the guardian's consent is not given"),
    "io.guardian_consent_no": ("законный представитель ответил «нет», а участник несовершеннолетний: "
                               "он не попадёт в пару",
                               "the legal guardian answered 'no' and the participant is a minor: "
                               "they will not be paired"),
    "io.guardian_consent_no_presumed": ("законный представитель ответил «нет»; возраст не указан, а ученик "
                                        "считается несовершеннолетним: участник не попадёт в пару",
                                        "the legal guardian answered 'no'; the age is not given and a student "
                                        "counts as a minor: the participant will not be paired"),
})


def prepare(table):
    rules = table.config.rules
    header = table.present.get("guardian_consent")
    if not rules.require_guardian_consent or header is None:
        return None
    adult_age = rules.adult_age

    def guardian_consent_of_minor(row):
        age, data = row.age, row.data
        if age is not None:
            if age < adult_age:
                consent = data.get("guardian_consent")
                if consent is None:
                    yield Found("io.guardian_consent_missing", WARNING, header)
                elif consent is False:
                    yield Found("io.guardian_consent_no", WARNING, header)
        elif (data.get("guardian_consent") is False and data.get("category") == "student"
              and "age" not in row.failed and "birth_date" not in row.failed):
            yield Found("io.guardian_consent_no_presumed", WARNING, header)

    return guardian_consent_of_minor
