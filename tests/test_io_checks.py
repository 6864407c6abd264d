"""Row checks (matcher/io/checks): each check is one module with the codes it declares, a
registry lists them, and the collector runs the registry on every coerced row. One small
test per check: given this row, the check reports once, with a code it declares."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from matcher.config import load_config
from matcher.i18n import MESSAGES, register
from matcher.io import checks, load
from matcher.io.checks import (
    CHECKS,
    Found,
    Row,
    TableView,
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
from matcher.problems import ERROR, WARNING

CONFIG = load_config()  # reference date 2026-09-01, adults from 18, four forms
NO_GUARDIAN_RULE = load_config(overrides={"rules": {"require_guardian_consent": False}})


def table_of(headers: dict[str, str], file_role: str | None = None, config=CONFIG) -> TableView:
    return TableView("people.csv", headers, file_role, config, config.reference_date())


def run_check(module, data: dict, headers: dict[str, str] | None = None, *, file_role: str | None = None,
              failed=(), ok: bool = True, config=CONFIG) -> list[Found]:
    """The problems `module` finds in one row; headers default to the row's fields, as written."""
    check = module.prepare(table_of(headers if headers is not None else {f: f for f in data}, file_role, config))
    assert check is not None, f"{module.__name__} does not apply to this table"
    found = list(check(Row(2, dict(data), set(failed), ok, config.reference_date())))
    assert all(f.code in module.CODES for f in found), (found, module.CODES)
    return found


# --- the registry ------------------------------------------------------------------------------

def test_every_check_declares_its_codes_and_prepares_per_table():
    assert len({c.__name__ for c in CHECKS}) == len(CHECKS)
    for check in CHECKS:
        assert check.CODES and all(isinstance(c, str) for c in check.CODES), check.__name__
        assert callable(check.prepare), check.__name__
    codes = checks.check_codes()
    assert len(codes) == len(set(codes)), "a code belongs to one check"


def test_every_code_a_check_declares_has_a_russian_and_an_english_message():
    for code in checks.check_codes():
        assert code in MESSAGES, code
        ru, en = MESSAGES[code]
        assert ru.strip() and en.strip() and ru != en, code


def test_a_check_whose_column_is_absent_costs_nothing_per_row():
    table = table_of({"id": "id", "forms": "forms"})
    for module in (group_min, wished_age, birth_date, capacity, consents, guardian_consent):
        assert module.prepare(table) is None, module.__name__
    no_rule = table_of({"id": "id", "age": "age"}, config=NO_GUARDIAN_RULE)
    assert guardian_column.prepare(no_rule) is None


# --- one test per check ------------------------------------------------------------------------

def test_required_cells_report_an_empty_id_and_an_empty_role_at_their_columns():
    assert run_check(required, {"role": "mentee"}, {"id": "ID", "role": "Роль"}) == [
        Found("io.required_empty", ERROR, "ID")]
    assert run_check(required, {"id": "E1"}, {"id": "ID", "role": "Роль"}) == [
        Found("io.required_empty", ERROR, "Роль")]
    # an id cell already reported bad is not reported again as empty
    assert run_check(required, {"role": "mentee"}, {"id": "ID", "role": "Роль"}, failed={"id"}) == []


def test_required_role_is_not_asked_of_a_file_that_implies_it():
    assert required.prepare(table_of({"role": "Роль"}, file_role="mentor")) is None


def test_group_minimum_above_capacity_is_reported_once_but_capacity_zero_is_consistent():
    assert run_check(group_min, {"group_min": 3, "capacity": 2}) == [
        Found("io.group_min_over_capacity", ERROR, "group_min", "3", {"capacity": 2})]
    assert run_check(group_min, {"group_min": 3, "capacity": 0}) == []


def test_wished_age_from_above_to_is_a_warning():
    assert run_check(wished_age, {"want_age_min": 30.0, "want_age_max": 20.0}) == [
        Found("io.age_range_inverted", WARNING, "want_age_min", "30", {"max": 20.0})]


def test_birth_date_giving_an_age_out_of_range_is_an_error():
    [found] = run_check(birth_date, {"birth_date": dt.date(2030, 1, 1)}, {"birth_date": "Дата рождения"})
    assert found == Found("io.birth_date_out_of_range", ERROR, "Дата рождения", "01.01.2030",
                          {"age": -4, "date": "2026-09-01", "date_ru": "01.09.2026", "min": 5, "max": 100})


def test_a_minor_in_a_file_without_a_guardian_column_is_an_error_at_the_age_cell():
    assert run_check(guardian_column, {"age": 13}, {"age": "Возраст"}) == [
        Found("io.minor_no_guardian_column", ERROR, "Возраст", "13",
              {"age": 13, "date": "2026-09-01", "date_ru": "01.09.2026"})]
    assert run_check(guardian_column, {"age": 18}, {"age": "Возраст"}) == []


def test_a_guardian_saying_no_for_a_minor_is_a_warning():
    headers = {"age": "age", "guardian_consent": "Согласие родителя"}
    assert run_check(guardian_consent, {"age": 13, "guardian_consent": False}, headers) == [
        Found("io.guardian_consent_no", WARNING, "Согласие родителя")]


def test_a_student_of_unknown_age_counts_as_a_minor_for_the_guardian_warning():
    headers = {"category": "category", "guardian_consent": "guardian_consent"}
    assert run_check(guardian_consent, {"category": "student", "guardian_consent": False}, headers) == [
        Found("io.guardian_consent_no_presumed", WARNING, "guardian_consent")]


def test_an_empty_required_consent_cell_is_a_warning_per_consent():
    found = run_check(consents, {"consent": True}, {"consent": "consent", "data_consent": "ПДн"})
    assert found == [Found("io.consent_missing_no", WARNING, "ПДн")]


def test_a_mentor_with_no_places_is_a_warning():
    assert run_check(capacity, {"role": "mentor", "capacity": 0}) == [Found("io.capacity_zero", WARNING, "capacity")]
    assert run_check(capacity, {"role": "mentee", "capacity": 0}) == []


def test_a_mentee_naming_no_form_is_a_warning():
    assert run_check(no_form, {"role": "mentee"}, {"forms": "Форма"}) == [Found("io.no_form", WARNING, "Форма")]


def test_a_category_none_of_its_forms_allows_is_a_warning():
    [found] = run_check(never_paired, {"role": "mentee", "category": "teacher", "forms": ["teacher_student"]})
    assert (found.code, found.severity, found.column) == ("io.category_never_paired_mentee", WARNING, "category")
    assert found.params["forms"] == "'Teacher – student'"


def test_a_mentee_every_named_form_closes_by_its_own_rules_is_a_warning_naming_form_and_rule():
    teacher = {"role": "mentee", "category": "teacher", "forms": ["teacher_teacher"], "age": 45,
               "experience_years": 12}
    [found] = run_check(never_paired, teacher)
    assert (found.code, found.severity, found.column) == ("io.mentee_never_paired", WARNING, "forms")
    assert found.params["reasons"] == "'Teacher – teacher': kind of mentee"
    # the same teacher new to the school is what teacher-teacher is for (002 §5): no warning
    assert run_check(never_paired, {**teacher, "mentee_variants": ("new_to_school",)}) == []


def test_a_mentee_outside_a_forms_age_bounds_is_warned_only_when_no_other_form_takes_them():
    bounded = load_config(overrides={"forms": {"adult_child": {"mentee_min_age": 10, "mentee_max_age": 17}}})
    child = {"role": "mentee", "category": "student", "forms": ["adult_child"], "age": 8, "grade": 2}
    [found] = run_check(never_paired, child, config=bounded)
    assert found.params["reasons_ru"] == "«Взрослый – ребёнок («Мы вместе»)»: возраст или класс наставляемого"
    assert run_check(never_paired, {**child, "age": 12}, config=bounded) == []
    assert run_check(never_paired, {**child, "forms": ["adult_child", "teacher_student"]}, config=bounded) == []


def test_the_never_paired_warning_agrees_with_the_matcher(tmp_path):
    """The warning runs the matcher's own mentee-only rules: a warned mentee stays unpaired
    beside a mentor who fits in every other way, an unwarned one is paired."""
    from matcher.models import Participant
    from matcher.pipeline import match

    people = [Participant(id="T1", role="mentor", category="teacher", forms=["teacher_teacher"], age=55,
                          experience_years=30, consent=True, data_consent=True, capacity=2)]
    rows = {"N1": (), "N2": ("burnout",)}
    warned = set()
    for pid, variants in rows.items():
        data = {"role": "mentee", "category": "teacher", "forms": ["teacher_teacher"], "age": 45,
                "experience_years": 12, "mentee_variants": variants}
        if run_check(never_paired, data):
            warned.add(pid)
        people.append(Participant(id=pid, role="mentee", category="teacher", forms=["teacher_teacher"], age=45,
                                  experience_years=12, mentee_variants=list(variants), consent=True,
                                  data_consent=True))
    result = match(people, CONFIG)
    unpaired = {result.roster.mentees.ids[i] for i in result.unmatched_mentees()}
    assert warned == unpaired == {"N1"}


def test_a_row_already_in_error_gets_no_never_paired_warning():
    row = {"role": "mentee", "category": "teacher", "forms": ["teacher_student"]}
    assert run_check(never_paired, row, ok=False) == []


# --- the collector runs the registry -----------------------------------------------------------

def test_an_error_from_one_check_is_seen_by_the_checks_after_it(tmp_path):
    # the birth date is out of range (an error): the row is out, so no never-paired warning for it
    path = tmp_path / "mentees.csv"
    path.write_text("id,category,forms,birth_date\nE1,teacher,teacher_student,01.01.2030\n"
                    "E2,teacher,teacher_student,01.01.1990\n", encoding="utf-8")
    ingest = load(mentees=path, config=NO_GUARDIAN_RULE)
    assert [(p.code, p.row) for p in ingest.report.problems if p.row] == [
        ("io.birth_date_out_of_range", 2), ("io.category_never_paired_mentee", 3)]


register({"test.nickname_too_long": ("имя длиннее {max} символов", "the name is longer than {max} characters")})


def _name_length_check():
    """A check as a new module would write it: its codes and its prepare, nothing else."""

    def prepare(table):
        header = table.present.get("name")
        if header is None:
            return None

        def name_fits(row):
            name = row.data.get("name", "")
            if len(name) > 5:
                yield Found("test.nickname_too_long", ERROR, header, name, {"max": 5})

        return name_fits

    return SimpleNamespace(__name__="name_length", CODES=("test.nickname_too_long",), prepare=prepare)


def test_a_new_check_needs_only_its_module_and_a_registry_line(tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS, _name_length_check()])
    path = tmp_path / "mentees.csv"
    path.write_text("id,Имя,forms\nE1,Ан,teacher_student\nE2,Александра,teacher_student\n", encoding="utf-8")
    ingest = load(mentees=path, config=NO_GUARDIAN_RULE)
    [problem] = ingest.report.errors
    assert (problem.code, problem.row, problem.column, problem.value) == ("test.nickname_too_long", 3, "Имя",
                                                                          "Александра")
    assert problem.message("en") == "the name is longer than 5 characters"
    assert problem.message("ru") == "имя длиннее 5 символов"
    assert [p.id for p in ingest.participants] == ["E1"]  # an error keeps the row out


@pytest.mark.parametrize("module", CHECKS, ids=[c.__name__.rsplit(".", 1)[-1] for c in CHECKS])
def test_every_registered_check_runs_on_a_plain_row_without_reporting(module):
    headers = {f: f for f in ("id", "role", "forms", "category", "age", "guardian_consent", "consent",
                              "data_consent", "capacity", "group_min", "want_age_min", "want_age_max", "birth_date")}
    # with the guardian column, the check for files without one has nothing to do
    without_guardian = {f: h for f, h in headers.items() if f != "guardian_consent"}
    check = module.prepare(table_of(headers)) or module.prepare(table_of(without_guardian))
    row = {"id": "M1", "role": "mentor", "forms": ["teacher_student"], "category": "teacher", "age": 40,
           "consent": True, "data_consent": True, "capacity": 2, "birth_date": dt.date(1986, 5, 1)}
    assert list(check(Row(2, row, None, True, CONFIG.reference_date()))) == []
