"""Header mapping: built-in Russian/English aliases, exact matching, and mapping files that
win over the aliases, with list alternatives and answer translation tables."""
from __future__ import annotations

from matcher.config import load_config
from matcher.io import load
from matcher.io.mapping import Mapping, load_mapping, match_headers
from matcher.problems import ProblemReport

CONFIG = load_config(overrides={"rules": {"require_guardian_consent": False}})


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fields(headers, mapping=None):
    return [(m.field, m.status) for m in match_headers(headers, mapping or Mapping())]


def test_russian_and_english_headers_map_to_the_same_fields():
    assert fields(["Идентификатор", "ФИО", "Пол", "Класс", "Согласие на участие"]) == \
        fields(["id", "name", "gender", "grade", "consent"])


def test_headers_match_after_case_dash_yo_and_space_folding():
    assert fields(["  прошёл   ПОДГОТОВКУ ", "Пол партнера"]) == [("trained", "mapped"), ("want_gender", "mapped")]


def test_a_longer_header_containing_an_alias_is_not_that_alias():
    # «Пол» and «Пол наставника» are different columns: never a substring match
    assert fields(["Пол", "Пол наставника"]) == [("gender", "mapped"), ("", "unmapped")]


def test_two_columns_meaning_one_field_are_a_duplicate():
    out = match_headers(["Пол", "gender"], Mapping())
    assert [(m.field, m.status, m.other) for m in out] == [("gender", "mapped", ""), ("gender", "duplicate", "Пол")]


def test_psych_prefixes_become_named_scales():
    assert fields(["psych_Extraversion", "псих_тревожность", "Психология: лидерство", "Тест: самооценка"]) == [
        ("psych_extraversion", "mapped"), ("psych_тревожность", "mapped"), ("psych_лидерство", "mapped"),
        ("psych_самооценка", "mapped")]


def test_mapping_file_maps_long_questions_including_alternatives_and_translates_values(tmp_path):
    mapping = write(tmp_path, "map.toml", """
[columns]
id = ["Код наставника", "Код ученика"]
gender = "Укажите, пожалуйста, ваш пол"
forms = ["В какой форме наставничества вы хотите участвовать?", "Форма"]
category = "Кто вы?"

[values.category]
"Студент вуза" = "university_student"
"Школьник/школьница" = "student"

[values.forms]
"Хочу помогать ученикам" = "teacher_student"
""")
    mentors = write(tmp_path, "mentors.csv",
                    "Код наставника;Укажите, пожалуйста, ваш пол;В какой форме наставничества вы хотите участвовать?;Кто вы?\n"
                    "M1;Женский;Хочу помогать ученикам;Студент вуза\n")
    mentees = write(tmp_path, "mentees.csv",
                    "Код ученика;Укажите, пожалуйста, ваш пол;Форма;Кто вы?\n"
                    "E1;м;учитель – ученик;школьник/школьница\n")
    ingest = load(mentors=mentors, mentees=mentees, mapping=mapping, config=CONFIG)
    assert ingest.report.errors == []
    m1, e1 = ingest.participants
    assert (m1.id, m1.gender, m1.forms, m1.category) == ("M1", "f", ["teacher_student"], "university_student")
    assert (e1.id, e1.gender, e1.forms, e1.category) == ("E1", "m", ["teacher_student"], "student")
    assert ingest.columns[str(mentors)]["Укажите, пожалуйста, ваш пол"] == "gender"


def test_mapping_wins_over_aliases_and_the_forms_own_id_column_is_ignored(tmp_path):
    mapping = write(tmp_path, "map.toml", '[columns]\nid = "Код участника программы"\n')
    mentors = write(tmp_path, "mentors.csv",
                    "ID,Код участника программы,forms\n1,M-7,teacher_student\n2,M-8,teacher_student\n")
    ingest = load(mentors=mentors, mapping=mapping, config=CONFIG)
    assert ingest.report.errors == []
    assert [p.id for p in ingest.participants] == ["M-7", "M-8"]
    assert ingest.columns[str(mentors)]["ID"] == ""
    shadowed = [p for p in ingest.report.warnings if p.column == "ID"]
    assert [p.code for p in shadowed] == ["io.shadowed_column"]


def test_unmapped_columns_warn_once_per_column_not_per_row(tmp_path):
    mentors = write(tmp_path, "mentors.csv",
                    "id,forms,Любимый цвет\n" + "".join(f"M{i},teacher_student,синий\n" for i in range(5)))
    ingest = load(mentors=mentors, config=CONFIG)
    unmapped = [(p.row, p.column) for p in ingest.report.warnings if p.code == "io.unmapped_column"]
    assert unmapped == [(1, "Любимый цвет")]


def test_sensitive_columns_go_to_sensitive_not_to_fields(tmp_path):
    mentees = write(tmp_path, "mentees.csv", "id,forms,ОВЗ,Состоит на учёте,Семья\nE1,teacher_student,да,КДН,многодетная\n")
    p, = load(mentees=mentees, config=CONFIG).participants
    assert p.sensitive == {"health": "да", "register": "КДН", "family": "многодетная"}


def test_bad_toml_is_a_problem_named_after_the_mapping_file(tmp_path):
    mapping = write(tmp_path, "map.toml", "[columns\nid = 'x'\n")
    report = ProblemReport()
    load_mapping(mapping, report)
    assert [(p.code, p.file) for p in report.problems] == [("io.mapping_bad_toml", str(mapping))]


def test_unknown_canonical_field_suggests_the_closest_one(tmp_path):
    mapping = write(tmp_path, "map.toml", '[columns]\ngendr = "Пол ребёнка"\nid = "Код"\n[values.categori]\n"a" = "b"\n')
    report = ProblemReport()
    result = load_mapping(mapping, report)
    assert [(p.code, p.column, p.params.get("suggestion")) for p in report.problems] == [
        ("io.mapping_unknown_field_suggest", "columns.gendr", "gender"),
        ("io.mapping_unknown_field_suggest", "values.categori", "category")]
    assert result.columns == {"код": "id"}  # the valid part is still used


def test_mapping_problems_of_shape_are_reported(tmp_path):
    mapping = write(tmp_path, "map.toml", '[columns]\nid = 5\nname = ["ФИО", "ФИО"]\ngender = "ФИО"\n'
                                          '[values.gender]\n"Ж" = {x = 1}\n[extra]\na = 1\n')
    report = ProblemReport()
    load_mapping(mapping, report)
    assert sorted(p.code for p in report.problems) == sorted([
        "io.mapping_bad_header", "io.mapping_header_twice", "io.mapping_bad_value", "io.mapping_unknown_section"])
