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
from .io.idtable import id_text, read_id_table
from .models import FORM_INDEX, PairSpec
from .problems import ProblemReport
from .text import norm

register({
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
    table = read_id_table(path, COLUMNS, ("mentor_id", "mentee_id"), report)
    if table is None:
        return [], report
    specs = []
    for row, cells in table.rows:
        mentor, mentee = id_text(cells["mentor_id"]), id_text(cells["mentee_id"])
        for field, value in (("mentor_id", mentor), ("mentee_id", mentee)):
            if not value:
                report.add("locks.empty_id", file=table.label, row=row, column=table.headers[field])
        raw_action = cells.get("action", "")
        action = ACTIONS.get(norm(raw_action), None) if raw_action else "lock"
        if action is None:
            report.add("locks.bad_action", file=table.label, row=row, column=table.headers["action"],
                       value=raw_action)
            continue
        raw_form = cells.get("form", "")
        form = FORM_INDEX.get(norm(raw_form), norm(raw_form).replace("-", "_").replace(" ", "_")) if raw_form else None
        if mentor and mentee:
            specs.append(PairSpec(mentor, mentee, action, form, table.label, row))
    return specs, report
