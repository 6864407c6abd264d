"""What a row check sees (a `Row` after coercion, the `TableView` it came from) and what it
reports (`Found`). Kept apart from the registry so check modules import it without a cycle."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ...config import ProgramConfig
from ...problems import ERROR
from ..coerce import AGE_LIMITS

NO_FIELDS: frozenset = frozenset()


class Found(NamedTuple):
    """One problem of a row; the collector adds the file and the row number."""

    code: str
    severity: str = ERROR
    column: str | None = None  # header as written in the file
    value: str | None = None
    params: dict | None = None


class TableView:
    """One table as the checks see it: where it comes from, which fields it has (field ->
    header as written) and the programme's configuration."""

    __slots__ = ("label", "present", "implied_role", "config", "reference")

    def __init__(self, label: str, present: dict[str, str], implied_role: str | None, config: ProgramConfig,
                 reference: dt.date):
        self.label = label
        self.present = present
        self.implied_role = implied_role  # the file's role (a mentors' or mentees' file), None = a role column
        self.config = config
        self.reference = reference  # ages are counted on this date


class Row:
    """One row after its cells were coerced and completed (role of the file, the only form).

    `age` is the age to judge the row by: from the birth date when there is one (None when
    that age is out of range, which `birth_age` keeps for the check that says so), else the
    age cell."""

    __slots__ = ("number", "data", "failed", "ok", "role", "birth", "birth_age", "age")

    def __init__(self, number: int, data: dict, failed: set | frozenset | None, ok: bool, reference: dt.date):
        self.number = number  # as a spreadsheet shows it, header = 1
        self.data = data  # field -> coerced value
        self.failed = failed or NO_FIELDS  # fields whose cell was already reported bad
        self.ok = ok  # no error so far; the collector clears it when a check reports one
        self.role = data.get("role")
        self.birth = birth = data.get("birth_date")
        if birth is None:
            self.birth_age = None
            self.age = data.get("age")
        else:
            self.birth_age = age = (reference.year - birth.year
                                    - ((reference.month, reference.day) < (birth.month, birth.day)))
            self.age = age if AGE_LIMITS[0] <= age <= AGE_LIMITS[1] else None
