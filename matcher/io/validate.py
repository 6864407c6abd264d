"""Rows -> participants, collecting every problem (frictionless-style: nothing stops at
the first bad cell). Per table: required columns, cell values (inline: the hot path), then
the row checks of `matcher.io.checks` on each row. Across tables: duplicate ids, ids named in
avoid / ranking that nobody has.

Every problem carries the file, the row as a spreadsheet shows it (header = row 1), the
column header as written and the value.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from pydantic import ValidationError

from ..config import ProgramConfig
from ..i18n import register
from ..models import WISH_NAMES, Participant
from ..problems import ERROR, WARNING, ProblemReport
from .aliases import FIELD_ALIASES, RU_HEADER
from .checks import Row, TableView, prepare_checks
from .checks.consents import CONSENTS
from .coerce import Bad, cell_text, make_coercer, unneutralise
from .mapping import MAPPED, Mapping, SENSITIVE, match_headers, report_header_problems
from .readers import Table, column_letter

register({
    "io.missing_column": ("нет обязательного столбца «{field_ru}» (подходящие заголовки: {aliases})",
                          "required column '{field}' is missing (accepted headers: {aliases})"),
    "io.one_column": ("в файле найден только один столбец: разделителем должны быть «,», «;» или табуляция",
                      "the file has only one column: the separator must be ',', ';' or a tab"),
    "io.extra_cells": ("ячеек в строке: {cells}, а столбцов в заголовке: {columns}; возможно, значение с разделителем не взято в кавычки",
                       "the row has {cells} cells but the header has {columns} columns: a value with the separator may be unquoted"),
    "io.role_conflict_mentor": ("роль «{value}» не подходит для файла наставников",
                                "role '{value}' does not fit a file of mentors"),
    "io.role_conflict_mentee": ("роль «{value}» не подходит для файла наставляемых",
                                "role '{value}' does not fit a file of mentees"),
    "io.duplicate_id": ("идентификатор «{value}» уже использован: {other}", "id '{value}' is already used at {other}"),
    "io.unknown_ref": ("указан идентификатор «{value}», которого нет ни в одном файле",
                       "id '{value}' is named but is not in any input file"),
    "io.ranking_not_mentor": ("в выборе указан «{value}», но это не наставник: выбор будет пропущен",
                              "'{value}' is ranked but is not a mentor: the choice is ignored"),
    "io.ranking_not_mentee": ("в выборе указан «{value}», но это не наставляемый: выбор будет пропущен",
                              "'{value}' is ranked but is not a mentee: the choice is ignored"),
    "io.consent_column_missing": ("нет столбца «{field_ru}»: ни у кого в файле это согласие не записано",
                                  "no '{field}' column: nobody in the file has this consent recorded"),
    "io.formula_no_value": ("в ячейке формула «={value}», но её значение не вычислено (файл записан программой): "
                            "откройте файл в Excel или LibreOffice и сохраните его",
                            "the cell holds the formula '={value}' without a computed value (the file was written "
                            "by a program): open the file in Excel or LibreOffice and save it"),
    "io.invalid_row": ("строка не прошла проверку: {error}", "the row failed validation: {error}"),
})

# How a column's value lands in the participant.
PLAIN, PSYCH, SENS, HARD_FLAG, GRADE, ROLE = range(6)
CACHE_LIMIT = 50_000  # memoised answers per column; a column of unique texts stays cheap


class Column(NamedTuple):
    """One column to read; a tuple because the row loop unpacks it for every cell."""

    index: int
    fn: Callable | None  # the coercer; None = the text as it is
    cache: dict | None  # memoised answers: raw cell -> (ok, value or Bad)
    copy: bool  # a memoised list is copied for each row
    kind: int
    field: str
    header: str


class Record:
    """Where a row came from, what it became (None when it has errors), and whether it is
    still valid after the checks across tables."""

    __slots__ = ("participant", "label", "row", "ok", "id", "role")

    def __init__(self, participant, label: str, row: int, ok: bool, pid, role):
        self.participant = participant
        self.label = label
        self.row = row
        self.ok = ok
        self.id = pid
        self.role = role


def _field_params(field: str) -> dict:
    return {"field": field, "field_ru": RU_HEADER.get(field, field)}


class Collector:
    """Reads tables one after another into records; `finish()` runs the checks across
    tables and returns the valid participants in input order."""

    def __init__(self, config: ProgramConfig, mapping: Mapping, report: ProblemReport):
        self.config = config
        self.mapping = mapping
        self.report = report
        self.records: list[Record] = []
        self.first_seen: dict[str, tuple[str, int, int]] = {}  # id -> (label, row, record index)
        self.refs: list[tuple[int, str, str, list[str]]] = []  # record index, field, header, ids
        self.columns: dict[str, dict[str, str]] = {}
        ref = config.reference_date()
        self.reference = ref
        self.adult_age = config.rules.adult_age
        self.single_form = config.form_ids[0] if len(config.forms) == 1 else None
        # Set when a file (or its id column) could not be read: its ids are unknown, so an id
        # named elsewhere and found nowhere is a consequence of that problem, not one more.
        self.ids_incomplete = False

    # --- one table --------------------------------------------------------------------

    def plan(self, table: Table) -> tuple[list[Column], dict[str, str]]:
        """Columns to read and the header of each present field; header problems reported."""
        matches = match_headers(table.headers, self.mapping)
        report_header_problems(table.label, table.header_row, matches, self.report)
        self.columns[table.label] = {m.header: (m.field if m.status == MAPPED else "") for m in matches
                                     if m.header}
        columns: list[Column] = []
        present: dict[str, str] = {}
        for m in matches:
            if m.status != MAPPED:
                continue
            fld = m.field
            present[fld] = m.header
            if fld.startswith("psych_"):
                kind = PSYCH
            elif fld in SENSITIVE:
                kind = SENS
            elif fld.startswith("want_") and fld.endswith("_hard"):
                kind = HARD_FLAG
            elif fld == "grade":
                kind = GRADE
            elif fld == "role":
                kind = ROLE
            else:
                kind = PLAIN
            coercion = make_coercer(fld, self.config, self.mapping.values)
            columns.append(Column(m.index, coercion.fn, {} if coercion.memo else None, coercion.copy, kind, fld,
                                  m.header))
        required = ["id"]
        if table.role is None:
            required.append("role")
        if self.single_form is None:
            required.append("forms")
        missing = [f for f in required if f not in present]
        if "id" in missing:
            self.ids_incomplete = True
        for fld in missing:
            aliases = self.mapping.written.get(fld) or FIELD_ALIASES[fld][:4]
            self.report.add("io.missing_column", file=table.label,
                            params={**_field_params(fld), "aliases": aliases})
        if missing and len(table.headers) == 1:
            self.report.add("io.one_column", file=table.label, row=table.header_row, column=table.headers[0])
        return columns, present

    def add_table(self, table: Table) -> None:
        columns, present = self.plan(table)
        add = self.report.add
        label = table.label
        width = len(table.headers)
        implied_role = table.role
        id_header = present.get("id")
        role_header = present.get("role")
        can_identify = id_header is not None and (implied_role is not None or role_header is not None)
        rules = self.config.rules
        for fld in CONSENTS:
            if getattr(rules, f"require_{fld}") and fld not in present:
                add("io.consent_column_missing", WARNING, file=label, params=_field_params(fld))
        reference, single_form = self.reference, self.single_form
        row_checks = prepare_checks(TableView(label, present, implied_role, self.config, reference))
        records, first_seen, refs = self.records, self.first_seen, self.refs
        formula_rows = self._report_uncached_formulas(table, columns)

        for rownum, cells in table.rows:
            n = len(cells)
            ok = not (formula_rows and rownum in formula_rows)
            if n > width and any(not _blank(c) for c in cells[width:]):
                last = max(i for i in range(n) if not _blank(cells[i])) + 1
                add("io.extra_cells", file=label, row=rownum, params={"cells": last, "columns": width})
                ok = False
            data: dict = {}
            failed: set | None = None  # fields whose cell was reported bad (no second "empty" problem)
            for idx, fn, cache, copy, kind, fld, header in columns:
                if idx >= n:
                    continue
                raw = cells[idx]
                if raw.__class__ is str:
                    if not raw:
                        continue
                    raw = raw.strip()
                    if not raw:
                        continue
                    if raw[0] == "'":
                        raw = unneutralise(raw)
                elif raw is None:
                    continue
                if fn is None:  # text as it is
                    value = raw if raw.__class__ is str else cell_text(raw)
                else:
                    if cache is not None:
                        hit = cache.get(raw)
                        if hit is None:
                            hit = _attempt(fn, raw)
                            if len(cache) < CACHE_LIMIT:
                                cache[raw] = hit
                    else:
                        hit = _attempt(fn, raw)
                    value = hit[1]
                    if not hit[0]:
                        add(value.code, file=label, row=rownum, column=header, value=cell_text(raw),
                            params=value.params)
                        ok = False
                        failed = failed or set()
                        failed.add(fld)
                        continue
                    if value is None:
                        continue
                    if copy:
                        value = list(value)
                if kind == PLAIN:
                    data[fld] = value
                elif kind == PSYCH:
                    data.setdefault("psych", {})[fld] = value
                elif kind == GRADE:
                    data["grade"] = value[0]
                    if value[1] and "grade_letter" not in data:
                        data["grade_letter"] = value[1]
                elif kind == SENS:
                    data.setdefault("sensitive", {})[fld] = value
                elif kind == HARD_FLAG:
                    data.setdefault("_hard", {})[fld[5:-5]] = value
                else:  # ROLE
                    if implied_role is not None and value not in (implied_role, "both"):
                        add(f"io.role_conflict_{implied_role}", file=label, row=rownum, column=header,
                            value=cell_text(raw))
                        ok = False
                    data["role"] = value

            # completing the row: what the file implies
            if "role" not in data and implied_role is not None:
                data["role"] = implied_role
            flags = data.pop("_hard", None)
            if flags:
                wishes = list(data.get("hard_wishes", ()))
                for wish in WISH_NAMES:
                    flag = flags.get(wish)
                    if flag and wish not in wishes:
                        wishes.append(wish)
                    elif flag is False and wish in wishes:
                        wishes.remove(wish)
                data["hard_wishes"] = wishes
            if single_form is not None and not data.get("forms"):
                data["forms"] = [single_form]

            # checks of the row as a whole (matcher/io/checks)
            row = Row(rownum, data, failed, ok, reference)
            for check in row_checks:
                for found in check(row):
                    add(found.code, found.severity, file=label, row=rownum, column=found.column, value=found.value,
                        params=found.params if found.params is not None else {})
                    if found.severity == ERROR:
                        row.ok = False
            ok, role = row.ok, row.role

            if not can_identify:
                ok = False
            index = len(records)
            pid = data.get("id")
            if pid:
                seen = first_seen.get(pid)
                if seen is None:
                    first_seen[pid] = (label, rownum, index)
                else:
                    add("io.duplicate_id", file=label, row=rownum, column=id_header, value=pid,
                        params={"other": f"{seen[0]}:{seen[1]}"})
                    ok = False
                    records[seen[2]].ok = False
            for fld in ("ranking", "avoid"):
                ids = data.get(fld)
                if ids:
                    refs.append((index, fld, present[fld], ids))
            participant = None
            if ok:
                data["source_file"] = label
                data["source_row"] = rownum
                try:
                    participant = Participant.model_validate(data)
                except ValidationError as exc:  # a coercer let through what the model refuses: say so
                    first = exc.errors()[0]
                    add("io.invalid_row", file=label, row=rownum,
                        params={"error": f"{'.'.join(map(str, first['loc']))}: {first['msg']}"})
                    ok = False
            records.append(Record(participant, label, rownum, ok, pid, role))

    def _report_uncached_formulas(self, table: Table, columns: list[Column]) -> set[int]:
        """A formula without a computed value reads as an empty cell: an error where the
        column means something (a name, an age would silently vanish) or in the header; a
        column skipped anyway is already reported as not recognised. Returns the rows hit."""
        mapped = {c.index for c in columns}
        rows: set[int] = set()
        for row, col, formula in table.uncached_formulas:
            header = table.headers[col] if col < len(table.headers) else ""
            where = header or column_letter(col)
            if col in mapped or row <= table.header_row:
                self.report.add("io.formula_no_value", file=table.label, row=row, column=where, value=formula)
                rows.add(row)
        return rows

    # --- across tables ------------------------------------------------------------------

    def finish(self) -> list[Participant]:
        add = self.report.add
        records, first_seen = self.records, self.first_seen
        for index, fld, header, ids in self.refs:
            rec = records[index]
            for other in ids:
                if other == rec.id:
                    continue
                seen = first_seen.get(other)
                if seen is None:
                    if not self.ids_incomplete:
                        add("io.unknown_ref", file=rec.label, row=rec.row, column=header, value=other)
                    rec.ok = False
                elif fld == "ranking":
                    other_role = records[seen[2]].role
                    if rec.role == "mentee" and other_role == "mentee":
                        add("io.ranking_not_mentor", WARNING, file=rec.label, row=rec.row, column=header, value=other)
                    elif rec.role == "mentor" and other_role == "mentor":
                        add("io.ranking_not_mentee", WARNING, file=rec.label, row=rec.row, column=header, value=other)
        return [rec.participant for rec in records if rec.ok]


def _attempt(fn, raw) -> tuple[bool, object]:
    try:
        return True, fn(raw)
    except Bad as bad:
        return False, bad


def _blank(v) -> bool:
    return v is None or (v.__class__ is str and not v.strip())
