"""Consilium decisions from a file: locks (must pair) and forbids (never pair).

CSV or XLSX with columns mentor_id, mentee_id, action (lock | forbid, or Russian
закрепить | запретить; empty = lock), optional form and an optional note (read by people,
ignored here). Every problem is reported with file, row and column; nothing is read from a
file with errors. Ids are read as the questionnaires' ids are: invisible characters dropped,
the apostrophe a writer puts before a formula-like text ("'-A1") taken off.

`FILE_HEADERS` and `FILE_ACTIONS` are the columns and actions report.html writes when the
consilium saves its decisions (decisions.js): this reader reads that file as it is.
"""
from __future__ import annotations

from .i18n import register
from .io.coerce import cell_text, unneutralise
from .io.readers import read_tables
from .models import FORM_INDEX, PairSpec
from .problems import ProblemReport
from .text import clean_id, norm

register({
    "locks.missing_column": ("нет обязательного столбца «{column}» (ожидается одно из: {expected})",
                             "required column '{column}' is missing (expected one of: {expected})"),
    "locks.bad_action": ("неизвестное действие «{value}»: ожидается «закрепить» или «запретить»",
                         "unknown action '{value}': expected 'lock' or 'forbid'"),
    "locks.empty_id": ("пустой идентификатор", "empty id"),
})

COLUMNS = {
    "mentor_id": ["mentor_id", "mentor", "наставник", "код наставника", "id наставника"],
    "mentee_id": ["mentee_id", "mentee", "наставляемый", "код наставляемого", "id наставляемого"],
    "action": ["action", "decision", "действие", "решение"],
    "form": ["form", "форма", "форма наставничества"],
    "note": ["note", "comment", "примечание", "комментарий"],
}
# The file report.html saves, per language: headers (each one of COLUMNS' aliases) and actions.
FILE_HEADERS = {"en": ("mentor_id", "mentee_id", "action", "form", "note"),
                "ru": ("код наставника", "код наставляемого", "действие", "форма", "примечание")}
FILE_ACTIONS = {"en": {"lock": "lock", "forbid": "forbid"}, "ru": {"lock": "закрепить", "forbid": "запретить"}}
ACTIONS = {norm(a): "lock" for a in ("lock", "pair", "закрепить", "закреплено", "пара", "утвердить")}
ACTIONS.update({norm(a): "forbid" for a in ("forbid", "exclude", "запретить", "запрет", "исключить", "не объединять")})


def load_pair_specs(path) -> tuple[list[PairSpec], ProblemReport]:
    report = ProblemReport()
    tables = read_tables(path, None, report)
    if not tables:
        return [], report
    table = tables[0]
    lookup = {norm(alias): field for field, aliases in COLUMNS.items() for alias in aliases}
    col = {}
    for k, header in enumerate(table.headers):
        field = lookup.get(norm(header))
        if field and field not in col:
            col[field] = k
    for field in ("mentor_id", "mentee_id"):
        if field not in col:
            report.add("locks.missing_column", file=table.label, row=table.header_row, column=field,
                       params={"expected": ", ".join(COLUMNS[field][:3])})
    if report.errors:
        return [], report
    specs = []

    def cell(cells, field):
        k = col.get(field)
        if k is None or k >= len(cells) or cells[k] is None:
            return ""
        return cell_text(cells[k]).strip()  # a numeric id read from a workbook as 101.0 is '101'

    for row, cells in table.rows:
        # ids as the questionnaires' ids are read: invisible characters and a writer's apostrophe dropped
        mentor, mentee = (clean_id(unneutralise(cell(cells, f))) for f in ("mentor_id", "mentee_id"))
        for field, value in (("mentor_id", mentor), ("mentee_id", mentee)):
            if not value:
                report.add("locks.empty_id", file=table.label, row=row, column=table.headers[col[field]])
        raw_action = cell(cells, "action")
        action = ACTIONS.get(norm(raw_action), None) if raw_action else "lock"
        if action is None:
            report.add("locks.bad_action", file=table.label, row=row, column=table.headers[col["action"]],
                       value=raw_action)
            continue
        raw_form = cell(cells, "form")
        form = FORM_INDEX.get(norm(raw_form), norm(raw_form).replace("-", "_").replace(" ", "_")) if raw_form else None
        if mentor and mentee:
            specs.append(PairSpec(mentor, mentee, action, form, table.label, row))
    return specs, report
