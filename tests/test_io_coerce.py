"""Cell values -> field values: every spelling a Russian school's form produces."""
from __future__ import annotations

import datetime as dt

import pytest

from matcher.config import load_config
from matcher.io.coerce import Bad, make_coercer

CONFIG = load_config()


def coerce(field, raw, config=CONFIG, values=None):
    return make_coercer(field, config, values)(raw)


def problem(field, raw, config=CONFIG):
    with pytest.raises(Bad) as info:
        coerce(field, raw, config)
    return info.value.code


@pytest.mark.parametrize("raw", ["да", "Да", "yes", "TRUE", "1", "+", "согласен", True, 1])
def test_yes_spellings(raw):
    assert coerce("consent", raw) is True


@pytest.mark.parametrize("raw", ["нет", "No", "false", "0", "-", "не согласна", False, 0])
def test_no_spellings(raw):
    assert coerce("data_consent", raw) is False


def test_unknown_yes_no_is_a_problem():
    assert problem("trained", "возможно") == "io.unknown_yes_no"


@pytest.mark.parametrize("raw, expected", [
    ("17.05.2012", dt.date(2012, 5, 17)), ("7.5.2012", dt.date(2012, 5, 7)), ("2012-05-17", dt.date(2012, 5, 17)),
    ("25.11.2012 14:03:11", dt.date(2012, 11, 25)), ("2012-05-17 00:00:00", dt.date(2012, 5, 17)),
    (dt.datetime(2012, 5, 17, 0, 0), dt.date(2012, 5, 17)), (dt.date(2012, 5, 17), dt.date(2012, 5, 17)),
])
def test_dates_in_russian_iso_google_forms_and_excel_forms(raw, expected):
    assert coerce("birth_date", raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2010", "2010/05/05", "вчера", "17.05.12", "01.01.1850", "12"])
def test_impossible_or_ambiguous_dates_are_problems(raw):
    assert problem("birth_date", raw) == "io.bad_date"


@pytest.mark.parametrize("raw, expected", [
    ("7Б", (7, "Б")), ("7 б", (7, "Б")), ("7-Б", (7, "Б")), ("7 – б", (7, "Б")), ("11а класс", (11, "А")),
    ("7", (7, None)), (7, (7, None)), (7.0, (7, None)), ("10 кл.", (10, None)),
])
def test_grades_with_and_without_a_letter(raw, expected):
    assert coerce("grade", raw) == expected


def test_grade_out_of_range_and_not_a_grade():
    assert problem("grade", "12") == "io.grade_out_of_range"
    assert problem("grade", "0А") == "io.grade_out_of_range"
    assert problem("grade", "седьмой") == "io.bad_grade"
    assert problem("grade", 7.5) == "io.bad_grade"


@pytest.mark.parametrize("raw, expected", [("ж", "f"), ("Женский", "f"), ("female", "f"), ("М", "m"),
                                           ("мужской", "m"), ("boy", "m")])
def test_gender_spellings(raw, expected):
    assert coerce("gender", raw) == expected


def test_any_or_no_means_no_wish_but_not_for_ones_own_gender():
    assert coerce("want_gender", "Не важно") is None
    assert coerce("want_gender", "нет") is None
    assert coerce("want_offers", "Нет") == []
    assert coerce("want_interests", "без разницы") == []
    assert coerce("want_age_min", "any") is None
    assert problem("gender", "не важно") == "io.unknown_gender"


@pytest.mark.parametrize("raw", ["Учитель – ученик", "учитель-ученик", "УЧИТЕЛЬ — УЧЕНИК", "teacher_student",
                                 "teacher-student", "Teacher – student", "педагог - обучающийся"])
def test_form_spellings_with_any_dash(raw):
    assert coerce("forms", raw) == ["teacher_student"]


def test_several_forms_in_one_cell_in_order_without_repeats():
    assert coerce("forms", "учитель-ученик, ученик – ученик; teacher_student") == ["teacher_student", "student_student"]


def test_a_form_of_the_config_is_valid_even_if_no_alias_knows_it():
    config = load_config(overrides={"forms": {"robotics_club": {"title_ru": "Кружок робототехники"}}})
    assert coerce("forms", "robotics_club", config) == ["robotics_club"]
    assert coerce("forms", "кружок робототехники", config) == ["robotics_club"]


def test_unknown_form_suggests_the_closest_known_spelling():
    with pytest.raises(Bad) as info:
        coerce("forms", "учитель-учиник")
    assert info.value.code == "io.unknown_form_suggest"
    assert info.value.params["suggestion"] == "Учитель – ученик"


def test_a_known_form_the_programme_does_not_run_is_a_problem():
    config = load_config(overrides={"forms": {}})
    only_two = config.model_copy(update={"forms": {k: v for k, v in config.forms.items()
                                                   if k in ("teacher_student", "student_student")}})
    assert problem("forms", "учитель-учитель", only_two) == "io.form_not_in_program"


@pytest.mark.parametrize("raw, expected", [("Учитель", "teacher"), ("молодой специалист", "young_teacher"),
                                           ("Ученица", "student"), ("university student", "university_student"),
                                           ("Студент вуза", "university_student"), ("Выпускник", "graduate")])
def test_category_spellings(raw, expected):
    assert coerce("category", raw) == expected


def test_unknown_category_suggests_the_closest():
    with pytest.raises(Bad) as info:
        coerce("category", "учитил")
    assert (info.value.code, info.value.params["suggestion"]) == ("io.unknown_category_suggest", "учитель")


@pytest.mark.parametrize("raw, expected", [("2,5", 2.5), ("2.5", 2.5), ("15 лет", 15.0), ("3 года", 3.0),
                                           ("1 000", 1000.0), (4, 4.0)])
def test_numbers_accept_decimal_comma_and_years(raw, expected):
    assert coerce("psych_x" if raw == "1 000" else "experience_years", raw) == expected


def test_whole_numbers_and_ranges():
    assert coerce("capacity", "2,0") == 2
    assert problem("capacity", "2,5") == "io.not_an_integer"
    assert problem("capacity", "-1") == "io.out_of_range"
    assert problem("capacity", "51") == "io.out_of_range"
    assert problem("priority", "-1") == "io.below_min"
    assert problem("group_min", "0") == "io.out_of_range"
    assert problem("age", "4") == "io.out_of_range"
    assert problem("age", "101") == "io.out_of_range"
    assert problem("experience_years", "61") == "io.out_of_range"
    assert problem("age", "пятнадцать") == "io.not_a_number"
    assert problem("psych_x", "nan") == "io.not_a_number"
    assert problem("capacity", True) == "io.not_a_number"


def test_multi_valued_cells_split_on_semicolons_commas_and_newlines():
    assert coerce("interests", "шахматы; музыка,футбол\nчтение; Шахматы") == ["шахматы", "музыка", "футбол", "чтение"]


def test_hard_wishes_in_russian_and_english():
    assert coerce("hard_wishes", "пол, возраст") == ["gender", "age"]
    assert coerce("hard_wishes", "interests; помощь") == ["interests", "offers"]
    assert coerce("hard_wishes", "нет") == []
    assert problem("hard_wishes", "рост") == "io.unknown_wish"


def test_ranking_keeps_order_of_ids():
    assert coerce("ranking", "M3; M1, M2") == ["M3", "M1", "M2"]


def test_value_table_of_a_mapping_translates_whole_cells_and_items():
    values = {"needs": {"все перечисленное": ("study", "career")}, "category": {"студент вуза": "university_student"}}
    assert coerce("needs", "Всё перечисленное", values=values) == ["study", "career"]
    assert coerce("category", "студент ВУЗа", values=values) == "university_student"


def test_role_spellings_and_unknown_role():
    assert coerce("role", "Наставник") == "mentor"
    assert coerce("role", "наставляемая") == "mentee"
    assert problem("role", "ученик") == "io.unknown_role"


@pytest.mark.parametrize("raw, expected", [
    ("Молодой специалист", ["young_specialist"]),
    ("новый в школе; профессиональное выгорание", ["new_to_school", "burnout"]),
    ("Одарённый, ОВЗ", ["gifted", "special_needs"]),
    ("низкая успеваемость", ["underachieving"]),
    ("new_to_school, burnout", ["new_to_school", "burnout"]),
    ("нет", []),
])
def test_mentee_variants_in_russian_and_english(raw, expected):
    assert coerce("mentee_variants", raw) == expected


def test_unknown_mentee_variant_suggests_the_closest():
    with pytest.raises(Bad) as info:
        coerce("mentee_variants", "выгорание профессиональное!")
    assert info.value.code in ("io.unknown_variant", "io.unknown_variant_suggest")
    assert problem("mentee_variants", "одареный") == "io.unknown_variant_suggest"
