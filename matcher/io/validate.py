"""Rows -> participants, collecting every problem (frictionless-style: nothing stops at
the first bad cell). Per table: required columns, cell values, per-row rules. Across
tables: duplicate ids, ids named in avoid / ranking that nobody has.

Every problem carries the file, the row as a spreadsheet shows it (header = row 1), the
column header as written and the value.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from pydantic import ValidationError

from ..config import ProgramConfig
from ..i18n import register, render
from ..models import WISH_NAMES, Participant
from ..problems import WARNING, ProblemReport
from .aliases import FIELD_ALIASES, RU_HEADER
from .coerce import AGE_LIMITS, Bad, cell_text, make_coercer, unneutralise
from .mapping import MAPPED, Mapping, SENSITIVE, match_headers, report_header_problems
from .readers import Table, column_letter

register({
    "io.missing_column": ("нет обязательного столбца «{field_ru}» (подходящие заголовки: {aliases})",
                          "required column '{field}' is missing (accepted headers: {aliases})"),
    "io.one_column": ("в файле найден только один столбец: разделителем должны быть «,», «;» или табуляция",
                      "the file has only one column: the separator must be ',', ';' or a tab"),
    "io.extra_cells": ("ячеек в строке: {cells}, а столбцов в заголовке: {columns}; возможно, значение с разделителем не взято в кавычки",
                       "the row has {cells} cells but the header has {columns} columns: a value with the separator may be unquoted"),
    "io.required_empty": ("пустая ячейка в обязательном столбце", "empty cell in a required column"),
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
    "io.group_min_over_capacity": ("минимальный размер группы ({value}) больше числа мест у наставника ({capacity})",
                                   "the group minimum ({value}) is larger than the mentor's capacity ({capacity})"),
    "io.age_range_inverted": ("желаемый возраст «от» ({value}) больше, чем «до» ({max}): такое пожелание невыполнимо",
                              "the wished age 'from' ({value}) is larger than 'to' ({max}): the wish cannot be met"),
    "io.birth_date_out_of_range": ("по дате рождения {value} возраст на {date_ru} — {age}, а допустимо {min}–{max}",
                                   "birth date {value} gives age {age} at {date}, outside {min}–{max}"),
    "io.minor_no_guardian_column": ("участник несовершеннолетний ({age} лет на {date_ru}), а в файле нет столбца согласия законного представителя",
                                    "the participant is a minor (aged {age} at {date}) and the file has no guardian-consent column"),
    "io.guardian_consent_missing": ("участник несовершеннолетний: согласие законного представителя не указано",
                                    "the participant is a minor: the guardian's consent is not given"),
    "io.consent_missing": ("согласие не указано (пустая ячейка)", "consent is not given (empty cell)"),
    "io.consent_missing_no": ("согласие не указано (пустая ячейка) и будет считаться отказом",
                              "consent is not given (empty cell) and counts as no"),
    "io.consent_column_missing": ("нет столбца «{field_ru}»: ни у кого в файле это согласие не записано",
                                  "no '{field}' column: nobody in the file has this consent recorded"),
    "io.capacity_zero": ("у наставника 0 мест: ему не будет назначен ни один наставляемый",
                         "the mentor's capacity is 0: no mentee will be assigned"),
    "io.no_form": ("наставляемый не указал ни одной формы наставничества и не попадёт в пару",
                   "the mentee named no form of mentoring and will not be paired"),
    "io.formula_no_value": ("в ячейке формула «={value}», но её значение не вычислено (файл записан программой): "
                            "откройте файл в Excel или LibreOffice и сохраните его",
                            "the cell holds the formula '={value}' without a computed value (the file was written "
                            "by a program): open the file in Excel or LibreOffice and save it"),
    "io.category_never_paired_mentee": ("наставляемый категории «{category_ru}» не допускается ни в одной из "
                                        "указанных им форм ({forms_ru}) и не попадёт в пару",
                                        "a mentee of category '{category}' is not allowed in any of the forms "
                                        "named ({forms}) and will not be paired"),
    "io.category_never_paired_mentor": ("наставник категории «{category_ru}» не допускается ни в одной из "
                                        "указанных им форм ({forms_ru}) и не получит наставляемых",
                                        "a mentor of category '{category}' is not allowed in any of the forms "
                                        "named ({forms}) and will get no mentees"),
    "io.category_never_paired_both": ("участник категории «{category_ru}» не допускается ни в одной из указанных "
                                      "им форм ({forms_ru}) ни как наставник, ни как наставляемый",
                                      "a participant of category '{category}' is not allowed in any of the forms "
                                      "named ({forms}), as mentor or as mentee"),
    "io.age_unknown_for_form": ("не указаны ни возраст, ни дата рождения, а в форме {forms_ru} возраст нужен "
                                "(минимальная разница в возрасте с наставником): в ней наставляемый не попадёт в пару",
                                "neither age nor birth date is given, and form {forms} needs one (a minimum age "
                                "gap with the mentor): the mentee will not be paired in it"),
    "io.age_unknown_for_forms": ("не указаны ни возраст, ни дата рождения, а в формах {forms_ru} возраст нужен "
                                 "(минимальная разница в возрасте с наставником): в них наставляемый не попадёт в пару",
                                 "neither age nor birth date is given, and forms {forms} need one (a minimum age "
                                 "gap with the mentor): the mentee will not be paired in them"),
    "io.guardian_consent_no": ("законный представитель ответил «нет», а участник несовершеннолетний: "
                               "он не попадёт в пару",
                               "the legal guardian answered 'no' and the participant is a minor: "
                               "they will not be paired"),
    "io.guardian_consent_no_presumed": ("законный представитель ответил «нет»; возраст не указан, а ученик "
                                        "считается несовершеннолетним: участник не попадёт в пару",
                                        "the legal guardian answered 'no'; the age is not given and a student "
                                        "counts as a minor: the participant will not be paired"),
    "io.invalid_row": ("строка не прошла проверку: {error}", "the row failed validation: {error}"),
})

# How a column's value lands in the participant.
PLAIN, PSYCH, SENS, HARD_FLAG, GRADE, ROLE = range(6)
CONSENTS = ("consent", "data_consent")
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


class FormRules:
    """What each form of the configuration asks of a row, precomputed once: the categories
    allowed per role (None = any) and why the form needs a mentee's age (None = it does not)."""

    def __init__(self, config: ProgramConfig):
        self.config = config
        self.categories = {fid: {"mentor": frozenset(r.mentor_categories) or None,
                                 "mentee": frozenset(r.mentee_categories) or None}
                           for fid, r in config.forms.items()}
        self.needs_age = {fid: "min_age_gap" for fid, r in config.forms.items() if r.min_age_gap > 0}
        self._memo: dict = {}

    def _titles(self, forms) -> dict:
        return {"forms_ru": ", ".join(f"«{self.config.form_title(f, 'ru')}»" for f in forms),
                "forms": ", ".join(f"'{self.config.form_title(f, 'en')}'" for f in forms)}

    def never_paired(self, role: str, category: str | None, forms: tuple, age_known: bool) -> list:
        """Warnings (code, field of the column to point at, params) for a row that can never
        be paired in its own forms, from the form rules alone. Memoised: rows repeat."""
        key = (role, category, forms, age_known)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        out = []
        forms = tuple(f for f in forms if f in self.categories)
        sides = ("mentor", "mentee") if role == "both" else (role,)
        if category is not None and forms and not any(
                self.categories[f][side] is None or category in self.categories[f][side]
                for f in forms for side in sides):
            out.append((f"io.category_never_paired_{role}", "category",
                        {"category": render(f"io.category.{category}", None, "en"),
                         "category_ru": render(f"io.category.{category}", None, "ru"), **self._titles(forms)}))
        if not age_known and role in ("mentee", "both"):
            need = [f for f in forms if f in self.needs_age
                    and (self.categories[f]["mentee"] is None or category in self.categories[f]["mentee"])]
            if need:
                code = "io.age_unknown_for_form" if len(need) == 1 else "io.age_unknown_for_forms"
                out.append((code, "age", self._titles(need)))
        self._memo[key] = out
        return out


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
        self.form_rules = FormRules(config)

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
        guardian_header = present.get("guardian_consent")
        check_minors = rules.require_guardian_consent
        consent_headers = [(f, present.get(f)) for f in CONSENTS if getattr(rules, f"require_{f}")]
        consent_code = "io.consent_missing_no" if rules.missing_consent_is_no else "io.consent_missing"
        for fld, header in consent_headers:
            if header is None:
                add("io.consent_column_missing", WARNING, file=label, params=_field_params(fld))
        consent_headers = [(f, h) for f, h in consent_headers if h is not None]
        reference, adult_age, single_form = self.reference, self.adult_age, self.single_form
        never_paired = self.form_rules.never_paired
        ref_dates = {"date": reference.isoformat(), "date_ru": reference.strftime("%d.%m.%Y")}
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

            # required cells
            if id_header is not None and not data.get("id") and not (failed and "id" in failed):
                add("io.required_empty", file=label, row=rownum, column=id_header)
                ok = False
            if "role" not in data:
                if implied_role is not None:
                    data["role"] = implied_role
                elif role_header is not None and not (failed and "role" in failed):
                    add("io.required_empty", file=label, row=rownum, column=role_header)
                    ok = False
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

            # rules within the row
            role = data.get("role")
            group_min = data.get("group_min")
            # capacity 0 with a group minimum is consistent: the mentor takes 0 (a group of none)
            if group_min is not None and 0 < data.get("capacity", 1) < group_min:
                add("io.group_min_over_capacity", file=label, row=rownum, column=present["group_min"],
                    value=str(group_min), params={"capacity": data.get("capacity", 1)})
                ok = False
            lo, hi = data.get("want_age_min"), data.get("want_age_max")
            if lo is not None and hi is not None and lo > hi:
                add("io.age_range_inverted", WARNING, file=label, row=rownum, column=present["want_age_min"],
                    value=f"{lo:g}", params={"max": hi})
            age = data.get("age")
            birth = data.get("birth_date")
            if birth is not None:
                age = reference.year - birth.year - ((reference.month, reference.day) < (birth.month, birth.day))
                if not AGE_LIMITS[0] <= age <= AGE_LIMITS[1]:
                    add("io.birth_date_out_of_range", file=label, row=rownum, column=present["birth_date"],
                        value=birth.strftime("%d.%m.%Y"),
                        params={"age": age, **ref_dates, "min": AGE_LIMITS[0], "max": AGE_LIMITS[1]})
                    ok = False
                    age = None
            if age is not None and check_minors and age < adult_age:
                if guardian_header is None:
                    add("io.minor_no_guardian_column", file=label, row=rownum,
                        column=present["birth_date"] if birth is not None else present["age"],
                        value=birth.strftime("%d.%m.%Y") if birth is not None else f"{age:g}",
                        params={"age": int(age), **ref_dates})
                    ok = False
                elif data.get("guardian_consent") is None:
                    add("io.guardian_consent_missing", WARNING, file=label, row=rownum, column=guardian_header)
                elif data["guardian_consent"] is False:
                    add("io.guardian_consent_no", WARNING, file=label, row=rownum, column=guardian_header)
            elif (age is None and check_minors and data.get("guardian_consent") is False
                  and data.get("category") == "student" and not (failed and failed & {"age", "birth_date"})):
                # the consent rule presumes a student of unknown age a minor
                add("io.guardian_consent_no_presumed", WARNING, file=label, row=rownum, column=guardian_header)
            for fld, header in consent_headers:
                if data.get(fld) is None:
                    add(consent_code, WARNING, file=label, row=rownum, column=header)
            if role in ("mentor", "both") and data.get("capacity") == 0:
                add("io.capacity_zero", WARNING, file=label, row=rownum, column=present["capacity"])
            if role == "mentee" and not data.get("forms") and not (failed and "forms" in failed):
                add("io.no_form", WARNING, file=label, row=rownum, column=present.get("forms"))
            forms = data.get("forms")
            if ok and role is not None and forms:
                age_known = data.get("age") is not None or birth is not None
                for code, fld, params in never_paired(role, data.get("category"), tuple(forms), age_known):
                    column = present.get(fld) or (present.get("birth_date") if fld == "age" else None)
                    add(code, WARNING, file=label, row=rownum, column=column, params=params)

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
