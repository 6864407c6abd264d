"""Validation of whole rows and of the input as a whole: every problem is collected, with
file, row as a spreadsheet shows it, column as written and value; only valid rows come out."""
from __future__ import annotations

import datetime as dt

from matcher.config import load_config
from matcher.io import load

CONFIG = load_config()  # reference date 2026-09-01, adults from 18, four forms
NO_GUARDIAN_RULE = load_config(overrides={"rules": {"require_guardian_consent": False}})


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(ingest, severity=None):
    return [(p.code, p.file.rsplit("/", 1)[-1] if p.file else None, p.row, p.column, p.value)
            for p in ingest.report.sorted() if severity is None or p.severity == severity]


def errors(ingest):
    return problems(ingest, "error")


def codes(ingest, severity=None):
    return [c for c, *_ in problems(ingest, severity)]


def test_every_bad_cell_is_reported_not_only_the_first(tmp_path):
    mentees = write(tmp_path, "mentees.csv",
                    "id,forms,age,grade,gender,consent\n"
                    "E1,teacher_student,abc,12,x,может быть\n"
                    "E2,учитель-учиник,15,7Б,ж,да\n")
    ingest = load(mentees=mentees, config=NO_GUARDIAN_RULE)
    assert errors(ingest) == [
        ("io.not_a_number", "mentees.csv", 2, "age", "abc"),
        ("io.unknown_yes_no", "mentees.csv", 2, "consent", "может быть"),
        ("io.unknown_gender", "mentees.csv", 2, "gender", "x"),
        ("io.grade_out_of_range", "mentees.csv", 2, "grade", "12"),
        ("io.unknown_form_suggest", "mentees.csv", 3, "forms", "учитель-учиник"),
    ]
    assert ingest.participants == []


def test_only_valid_rows_come_out_in_input_order_mentors_first(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms,capacity\nM2,teacher_student,2\nM1,teacher_student,-3\n")
    mentees = write(tmp_path, "mentees.csv", "id,forms\nE9,teacher_student\nE1,teacher_student\n")
    ingest = load(mentees=mentees, mentors=mentors, config=NO_GUARDIAN_RULE)
    assert [(p.id, p.role, p.source_row) for p in ingest.participants] == [
        ("M2", "mentor", 2), ("E9", "mentee", 2), ("E1", "mentee", 3)]
    assert ingest.files == [str(mentors), str(mentees)]


def test_duplicate_id_across_files_names_both_places(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms\nX1,teacher_student\n")
    mentees = write(tmp_path, "mentees.csv", "id,forms\nE1,teacher_student\nX1,teacher_student\n")
    ingest = load(mentors=mentors, mentees=mentees, config=NO_GUARDIAN_RULE)
    dup, = [p for p in ingest.report.errors if p.code == "io.duplicate_id"]
    assert (dup.file, dup.row, dup.column, dup.value) == (str(mentees), 3, "id", "X1")
    assert f"{mentors}:2" in dup.message("en")
    assert [p.id for p in ingest.participants] == ["E1"]  # neither X1 is trusted


def test_ids_in_avoid_and_ranking_must_exist(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms,ranking\nM1,teacher_student,E1; E7\n")
    mentees = write(tmp_path, "mentees.csv", "id,forms,avoid,ranking\nE1,teacher_student,M9,M1\n")
    ingest = load(mentors=mentors, mentees=mentees, config=NO_GUARDIAN_RULE)
    assert errors(ingest) == [("io.unknown_ref", "mentees.csv", 2, "avoid", "M9"),
                              ("io.unknown_ref", "mentors.csv", 2, "ranking", "E7")]


def test_ranking_a_person_of_ones_own_side_is_a_warning(tmp_path):
    people = write(tmp_path, "people.csv", "id,role,forms,ranking\nE1,mentee,teacher_student,E2\n"
                                           "E2,mentee,teacher_student,\n")
    ingest = load(participants=people, config=NO_GUARDIAN_RULE)
    assert problems(ingest, "warning")[-1] == ("io.ranking_not_mentor", "people.csv", 2, "ranking", "E2")
    assert len(ingest.participants) == 2


def test_minor_without_guardian_consent_column_is_an_error_from_age_or_birth_date(tmp_path):
    mentees = write(tmp_path, "mentees.csv", "id,forms,age,birth_date\nE1,teacher_student,13,\n"
                                             "E2,teacher_student,,01.09.2009\nE3,teacher_student,,02.09.2008\n")
    ingest = load(mentees=mentees, config=CONFIG)
    # E2 turns 17 on the reference date; E3 turns 18 the day after it: both are minors
    assert [(p.row, p.column) for p in ingest.report.errors] == [(2, "age"), (3, "birth_date"), (4, "birth_date")]
    assert {p.code for p in ingest.report.errors} == {"io.minor_no_guardian_column"}


def test_adults_need_no_guardian_column_and_minors_with_one_only_warn_when_empty(tmp_path):
    adults = write(tmp_path, "mentors.csv", "id,forms,birth_date\nM1,teacher_student,01.09.2008\n")
    assert load(mentors=adults, config=CONFIG).report.errors == []
    minors = write(tmp_path, "mentees.csv", "id,forms,age,guardian_consent\nE1,teacher_student,12,\n"
                                            "E2,teacher_student,12,да\n")
    ingest = load(mentees=minors, config=CONFIG)
    assert ingest.report.errors == []
    assert ("io.guardian_consent_missing", "mentees.csv", 2, "guardian_consent", None) in problems(ingest, "warning")


def test_missing_consent_cells_warn_per_row_and_a_missing_consent_column_once(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms,consent\nM1,teacher_student,\nM2,teacher_student,да\n"
                                             "M3,teacher_student,\n")
    ingest = load(mentors=mentors, config=CONFIG)
    assert ingest.report.errors == []
    assert problems(ingest, "warning") == [
        ("io.consent_column_missing", "mentors.csv", None, None, None),
        ("io.consent_missing_no", "mentors.csv", 2, "consent", None),
        ("io.consent_missing_no", "mentors.csv", 4, "consent", None),
    ]
    assert len(ingest.participants) == 3


def test_capacity_zero_and_mentee_in_no_form_are_warnings(tmp_path):
    people = write(tmp_path, "people.csv", "id,role,forms,capacity\nM1,наставник,teacher_student,0\n"
                                           "E1,наставляемый,,\n")
    ingest = load(participants=people, config=NO_GUARDIAN_RULE)
    assert ingest.report.errors == []
    warned = {(c, r) for c, _, r, *_ in problems(ingest, "warning")}
    assert {("io.capacity_zero", 2), ("io.no_form", 3)} <= warned
    assert len(ingest.participants) == 2


def test_with_exactly_one_form_the_forms_column_may_be_left_out(tmp_path):
    config = NO_GUARDIAN_RULE.model_copy(update={"forms": {"adult_child": NO_GUARDIAN_RULE.forms["adult_child"]}})
    mentees = write(tmp_path, "mentees.csv", "id\nE1\n")
    ingest = load(mentees=mentees, config=config)
    assert ingest.report.errors == []
    assert ingest.participants[0].forms == ["adult_child"]
    assert "io.missing_column" in codes(load(mentees=mentees, config=NO_GUARDIAN_RULE))


def test_required_columns_depend_on_how_files_are_given(tmp_path):
    people = write(tmp_path, "people.csv", "ФИО,Форма\nИванов,учитель-ученик\n")
    ingest = load(participants=people, config=NO_GUARDIAN_RULE)
    missing = sorted(p.params["field"] for p in ingest.report.errors if p.code == "io.missing_column")
    assert missing == ["id", "role"]
    mentees = write(tmp_path, "mentees.csv", "id,Форма\nE1,учитель-ученик\n")
    assert load(mentees=mentees, config=NO_GUARDIAN_RULE).report.errors == []


def test_group_minimum_above_capacity_is_an_error_but_capacity_zero_is_consistent(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms,capacity,group_min\nM1,teacher_student,2,3\n"
                                             "M2,teacher_student,0,3\nM3,teacher_student,4,3\n")
    ingest = load(mentors=mentors, config=NO_GUARDIAN_RULE)
    assert errors(ingest) == [("io.group_min_over_capacity", "mentors.csv", 2, "group_min", "3")]
    assert [p.id for p in ingest.participants] == ["M2", "M3"]


def test_birth_date_gives_an_age_that_must_be_in_range(tmp_path):
    mentees = write(tmp_path, "mentees.csv", "id,forms,birth_date\nE1,teacher_student,01.01.2024\n"
                                             "E2,teacher_student,01.01.2030\n")
    ingest = load(mentees=mentees, config=NO_GUARDIAN_RULE)
    assert codes(ingest, "error") == ["io.birth_date_out_of_range"] * 2


def test_role_in_a_mentors_file_must_fit_it(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,role,forms\nM1,наставляемый,teacher_student\n"
                                             "M2,наставник и наставляемый,student_student\n")
    ingest = load(mentors=mentors, config=NO_GUARDIAN_RULE)
    assert errors(ingest) == [("io.role_conflict_mentor", "mentors.csv", 2, "role", "наставляемый")]
    assert [(p.id, p.role) for p in ingest.participants] == [("M2", "both")]


def test_unquoted_separator_in_a_value_shifts_cells_and_is_caught(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,name,forms\nM1,Петрова, Анна,teacher_student\n")
    ingest = load(mentors=mentors, config=NO_GUARDIAN_RULE)
    assert "io.extra_cells" in codes(ingest, "error")


def test_empty_id_is_an_error_but_empty_rows_are_not(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,name,forms\n,Петрова,teacher_student\n,,\n")
    ingest = load(mentors=mentors, config=NO_GUARDIAN_RULE)
    assert errors(ingest) == [("io.required_empty", "mentors.csv", 2, "id", None)]


def test_hard_wish_flags_per_column_add_to_the_list(tmp_path):
    mentees = write(tmp_path, "mentees.csv", "id,forms,hard_wishes,want_gender_hard,want_age_hard\n"
                                             "E1,teacher_student,интересы,да,нет\nE2,teacher_student,возраст,,нет\n")
    p1, p2 = load(mentees=mentees, config=NO_GUARDIAN_RULE).participants
    assert p1.hard_wishes == ["interests", "gender"]
    assert p2.hard_wishes == []


def test_psych_scales_and_full_record(tmp_path):
    mentees = write(tmp_path, "mentees.csv",
                    "ID;ФИО;Форма;Дата рождения;Пол;Класс;Интересы;Запрос;Приоритет;psych_extraversion;"
                    "Психология: тревожность;Согласие законного представителя\n"
                    "E1;Иванов Иван;учитель – ученик;17.05.2013;м;7Б;шахматы, музыка;учёба;2;3,5;7;да\n")
    p, = load(mentees=mentees, config=CONFIG).participants
    assert (p.id, p.name, p.role, p.forms, p.birth_date, p.gender, p.grade, p.grade_letter) == (
        "E1", "Иванов Иван", "mentee", ["teacher_student"], dt.date(2013, 5, 17), "m", 7, "Б")
    assert (p.interests, p.needs, p.priority, p.guardian_consent) == (["шахматы", "музыка"], ["учёба"], 2, True)
    assert p.psych == {"psych_extraversion": 3.5, "psych_тревожность": 7.0}


def test_library_problems_render_in_russian_and_english(tmp_path):
    mentees = write(tmp_path, "mentees.csv", "id,forms,grade\nE1,teacher_student,12\n")
    bad, = load(mentees=mentees, config=NO_GUARDIAN_RULE).report.errors
    assert bad.render("ru") == f"{mentees}:2:grade: ошибка: класс 12 вне диапазона 1–11 [значение: '12']"
    assert bad.render("en") == f"{mentees}:2:grade: error: grade 12 is outside the range 1–11 [value: '12']"


# --- ids: invisible characters ----------------------------------------------------------------

def test_an_id_of_only_invisible_characters_is_an_error_at_its_cell(tmp_path):
    mentees = write(tmp_path, "mentees.csv", "id,forms\n\u200b,teacher_student\n\u2060\ufeff\u00ad,teacher_student\n"
                                             "E1,teacher_student\n")
    ingest = load(mentees=mentees, config=NO_GUARDIAN_RULE)
    assert errors(ingest) == [("io.id_invisible", "mentees.csv", 2, "id", "\u200b"),
                              ("io.id_invisible", "mentees.csv", 3, "id", "\u2060\ufeff\u00ad")]
    assert [p.id for p in ingest.participants] == ["E1"]


def test_invisible_characters_and_nbsp_in_ids_are_dropped_wherever_ids_are_named(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms,ranking\nM\u200b1,teacher_student,E\u00a01\u200b\n"
                                             "\u00a0M2\u200d,teacher_student,\n")
    mentees = write(tmp_path, "mentees.csv", "id,forms,avoid,ranking\nE 1\u200b,teacher_student,\u2060M2,M1\u00a0\n")
    ingest = load(mentors=mentors, mentees=mentees, config=NO_GUARDIAN_RULE)
    assert ingest.report.errors == []
    m1, m2, e1 = ingest.participants
    assert (m1.id, m2.id, e1.id) == ("M1", "M2", "E 1")
    assert (m1.ranking, e1.avoid, e1.ranking) == (["E 1"], ["M2"], ["M1"])


def test_locks_file_ids_lose_invisible_characters_like_questionnaire_ids(tmp_path):
    from matcher.locks import load_pair_specs

    path = write(tmp_path, "locks.csv", "mentor_id,mentee_id,action\n\u200bM1\u00a0,E1\ufeff,lock\n")
    specs, report = load_pair_specs(path)
    assert report.errors == []
    assert [(s.mentor_id, s.mentee_id) for s in specs] == [("M1", "E1")]


# --- one unreadable file: its problem, not its consequences ---------------------------------

def test_an_unreadable_file_is_reported_without_a_cascade_of_unknown_ids_from_the_other(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms,ranking\nM1,teacher_student,E1; E2\n"
                                             "M2,teacher_student,E2\n")
    for name, content in (("absent.csv", None), ("binary.csv", bytes(range(256)) * 8),
                          ("no_id.csv", "name,forms\nИван,teacher_student\n")):
        if content is not None:
            (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
        ingest = load(mentors=mentors, mentees=tmp_path / name, config=NO_GUARDIAN_RULE)
        assert len(ingest.report.errors) == 1, (name, errors(ingest))
        assert "io.unknown_ref" not in codes(ingest), name


def test_with_every_file_read_an_unknown_id_is_still_an_error(tmp_path):
    mentors = write(tmp_path, "mentors.csv", "id,forms,ranking\nM1,teacher_student,E1; E2\n")
    mentees = write(tmp_path, "mentees.csv", "id,forms\nE1,teacher_student\n")
    ingest = load(mentors=mentors, mentees=mentees, config=NO_GUARDIAN_RULE)
    assert errors(ingest) == [("io.unknown_ref", "mentors.csv", 2, "ranking", "E2")]


# --- rows that can never be paired: warnings from the form rules -----------------------------

def test_a_category_no_form_of_the_row_allows_is_a_warning_for_its_role(tmp_path):
    # student_student takes students only on both sides; teacher_student takes student mentees
    mentors = write(tmp_path, "mentors.csv", "id,category,forms\nM1,young_teacher,student_student\n"
                                             "M2,young_teacher,student_student; teacher_student\n")
    mentees = write(tmp_path, "mentees.csv", "id,category,forms\nE1,young_teacher,student_student\n"
                                             "E2,student,student_student\n")
    ingest = load(mentors=mentors, mentees=mentees, config=NO_GUARDIAN_RULE)
    assert ingest.report.errors == []
    hits = [p for p in ingest.report.warnings if p.code.startswith("io.category_never_paired")]
    assert [(p.code, p.file.rsplit("/", 1)[-1], p.row, p.column) for p in hits] == [
        ("io.category_never_paired_mentor", "mentors.csv", 2, "category"),
        ("io.category_never_paired_mentee", "mentees.csv", 2, "category")]
    assert hits[1].message("en") == ("a mentee of category 'young teacher' is not allowed in any of the forms "
                                     "named ('Student – student') and will not be paired")
    assert hits[0].message("ru") == ("наставник категории «молодой специалист» не допускается ни в одной из "
                                     "указанных им форм («Ученик – ученик») и не получит наставляемых")
    assert len(ingest.participants) == 4  # a warning: the rows stay


def test_a_participant_in_both_roles_is_warned_only_when_neither_role_fits(tmp_path):
    people = write(tmp_path, "people.csv", "id,role,category,forms\nB1,both,student,student_student\n"
                                           "B2,both,parent,student_student\n")
    ingest = load(participants=people, config=NO_GUARDIAN_RULE)
    assert [(p.code, p.row) for p in ingest.report.warnings if p.code.startswith("io.category")] == [
        ("io.category_never_paired_both", 3)]


def test_an_explicit_no_from_the_guardian_of_a_minor_is_a_warning(tmp_path):
    mentees = write(tmp_path, "mentees.csv", "id,category,forms,age,guardian_consent\n"
                                             "E1,student,teacher_student,13,нет\n"
                                             "E2,student,teacher_student,,нет\n"
                                             "E3,student,teacher_student,13,да\n"
                                             "E4,parent,teacher_student,40,нет\n")
    ingest = load(mentees=mentees, config=CONFIG)
    assert ingest.report.errors == []
    assert [(p.code, p.row, p.column) for p in ingest.report.warnings if "guardian" in p.code] == [
        ("io.guardian_consent_no", 2, "guardian_consent"),
        ("io.guardian_consent_no_presumed", 3, "guardian_consent")]


def test_a_mentee_without_age_in_a_form_with_an_age_gap_is_a_warning(tmp_path):
    # adult_child has a minimum age gap of 9 years; teacher_student has none
    mentees = write(tmp_path, "mentees.csv", "id,category,forms,age,guardian_consent\n"
                                             "E1,student,adult_child,,да\n"
                                             "E2,student,teacher_student,,да\n"
                                             "E3,student,adult_child,12,да\n"
                                             "E4,student,adult_child; teacher_student,,да\n")
    ingest = load(mentees=mentees, config=CONFIG)
    hits = [p for p in ingest.report.warnings if p.code.startswith("io.age_unknown")]
    assert [(p.code, p.row, p.column) for p in hits] == [("io.age_unknown_for_form", 2, "age"),
                                                         ("io.age_unknown_for_form", 5, "age")]
    assert hits[0].message("en") == ("neither age nor birth date is given, and form 'Adult – child (“We are "
                                     "together”)' needs one (a minimum age gap with the mentor): the mentee "
                                     "will not be paired in it")
    two_forms = load_config(overrides={"forms": {"teacher_student": {"min_age_gap": 5}}})
    ingest = load(mentees=mentees, config=two_forms)
    assert [(p.code, p.row) for p in ingest.report.warnings if p.code.startswith("io.age_unknown")] == [
        ("io.age_unknown_for_form", 2), ("io.age_unknown_for_form", 3), ("io.age_unknown_for_forms", 5)]


def test_locks_workbook_with_numeric_ids_gives_the_ids_as_a_spreadsheet_shows_them(tmp_path):
    from matcher.io.writers import xlsx_bytes
    from matcher.locks import load_pair_specs

    path = tmp_path / "locks.xlsx"
    path.write_bytes(xlsx_bytes({"Лист1": (["mentor_id", "mentee_id", "action"], [[101, 202, "lock"]])}))
    specs, report = load_pair_specs(path)
    assert report.errors == []
    assert [(s.mentor_id, s.mentee_id) for s in specs] == [("101", "202")]
