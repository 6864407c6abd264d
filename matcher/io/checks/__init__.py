"""Row checks, one module each. The registry below lists them in one place.

A row check looks at one row after its cells were coerced (the per-cell work stays inline
in `Collector.add_table`: it is the hot path) and reports what is wrong with the row as a
whole: a required cell empty, a minor without a guardian's consent, a row its own forms can
never pair. Every check module exposes:

    CODES: tuple[str, ...]    problem codes it may report, each registered in the message
                              catalogue by the module itself
    def prepare(table: TableView) -> Callable[[Row], Iterable[Found]] | None
        the check for one table, or None when it has nothing to look at there (its column
        is absent, its rule is off): asked once per table, so what does not apply costs
        nothing per row. The returned function yields the row's problems.

A check reads the row (`base.Row`) and the table (`base.TableView`) and never writes to
them; it never sees another check or the report. The collector adds file and row to what a
check yields, and an error makes `row.ok` false before the next check runs (a check may
skip rows already in error). Registry order = order of the problems found in one row.
Adding a check touches its module, the CHECKS line and its test.
"""
from __future__ import annotations

from types import ModuleType

from . import (
    birth_date,
    capacity,
    consents,
    group_min,
    guardian_column,
    guardian_consent,
    never_paired,
    no_form,
    required,
    wished_age,
)
from .base import Found, Row, TableView

__all__ = ["CHECKS", "Found", "Row", "TableView", "check_codes", "prepare_checks"]

CHECKS: list[ModuleType] = [
    required,
    group_min,
    wished_age,
    birth_date,
    guardian_column,
    guardian_consent,
    consents,
    capacity,
    no_form,
    never_paired,
]


def prepare_checks(table: TableView) -> list:
    """The checks that apply to this table, ready to run on its rows, in registry order."""
    return [c for c in (check.prepare(table) for check in CHECKS) if c is not None]


def check_codes() -> list[str]:
    """Every problem code the registered checks may report."""
    return [code for check in CHECKS for code in check.CODES]
