"""The synthetic school: deterministic, valid, and realistic enough to match on.

Checks here are written from docs/domain.md and the field contract (README, "Input format"),
not from the generator's own tables (names, ranges and shares are re-stated by hand).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner

from matcher.models import (CATEGORY_INDEX, FORM_INDEX, GENDER_INDEX, MENTEE_VARIANT_INDEX, ROLE_INDEX,
                            SPHERE_ALIASES, SPHERE_INDEX, Participant)
from matcher.sample import MENTEES_SHEET, MENTORS_SHEET, feminine_surname, generate_school, write_sample
from matcher.text import norm

REF = dt.date(2026, 9, 1)
FORMS = ("teacher_teacher", "student_student", "teacher_student", "adult_child")


@pytest.fixture(scope="module")
def school() -> list[Participant]:
    return generate_school(2000, seed=7)


def mentors_of(people, form):
    return [p for p in people if p.role == "mentor" and form in p.forms]


def mentees_of(people, form):
    return [p for p in people if p.role == "mentee" and form in p.forms]


def read_csv(path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, as Russian Excel expects"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


# --- determinism and files --------------------------------------------------------------

def test_same_seed_writes_byte_identical_csv_files(tmp_path):
    a = write_sample(tmp_path / "a", n_mentees=150, seed=3)
    b = write_sample(tmp_path / "b", n_mentees=150, seed=3)
    assert [p.name for p in a] == ["mentees.csv", "mentors.csv"]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_different_seeds_give_different_schools(tmp_path):
    a = write_sample(tmp_path / "a", n_mentees=150, seed=3)
    b = write_sample(tmp_path / "b", n_mentees=150, seed=4)
    assert a[0].read_bytes() != b[0].read_bytes()
    assert a[1].read_bytes() != b[1].read_bytes()


def test_generate_school_is_deterministic_by_seed():
    assert generate_school(120, seed=11) == generate_school(120, seed=11)
    assert generate_school(120, seed=11) != generate_school(120, seed=12)


def test_csv_files_are_russian_excel_style(tmp_path):
    mentees_csv, mentors_csv = write_sample(tmp_path, n_mentees=100, seed=1)
    mentors, mentees = read_csv(mentors_csv), read_csv(mentees_csv)
    assert "Идентификатор" in mentors[0] and "ФИО" in mentors[0] and "Форма" in mentors[0]
    assert "Запрос" in mentees[0] and "Чем могу помочь" in mentors[0]
    assert {r["Роль"] for r in mentors} == {"наставник"}
    assert {r["Роль"] for r in mentees} == {"наставляемый"}
    # Questions only the other side answers are not columns of this file.
    assert "Сколько наставляемых готов взять" not in mentees[0]
    assert "Приоритет" not in mentors[0]
    assert len(mentees) == 100


def test_written_answers_are_russian_spellings_the_alias_tables_know(tmp_path):
    mentees_csv, mentors_csv = write_sample(tmp_path, n_mentees=300, seed=2)
    mentee_rows = read_csv(mentees_csv)
    rows = read_csv(mentors_csv) + mentee_rows
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    for column, index in (("Роль", ROLE_INDEX), ("Категория", CATEGORY_INDEX), ("Пол", GENDER_INDEX)):
        values = {r[column] for r in rows}
        assert all(cyrillic.search(v) and norm(v) in index for v in values), (column, values)
    forms = {f.strip() for r in rows for f in r["Форма"].split(";")}
    assert {FORM_INDEX[norm(f)] for f in forms} == set(FORMS)
    assert all(cyrillic.search(f) for f in forms)
    grades = {r["Класс"] for r in rows if r["Класс"]}
    assert all(re.fullmatch(r"(1[01]|[1-9])[АБВГ]?", g) for g in grades)
    assert any(g[-1] in "АБВГ" for g in grades)
    kinds = {k.strip() for r in mentee_rows for k in r["Категория наставляемого"].split(";") if k.strip()}
    assert kinds and all(cyrillic.search(k) and norm(k) in MENTEE_VARIANT_INDEX for k in kinds), kinds
    births = {r["Дата рождения"] for r in rows if r["Дата рождения"]}
    assert births and all(re.fullmatch(r"\d\d\.\d\d\.\d{4}", b) for b in births)


def test_xlsx_has_a_mentors_and_a_mentees_sheet_and_is_reproducible(tmp_path):
    from openpyxl import load_workbook

    (a,) = write_sample(tmp_path / "a", n_mentees=80, seed=5, fmt="xlsx")
    (b,) = write_sample(tmp_path / "b", n_mentees=80, seed=5, fmt="xlsx")
    assert a.name == "school.xlsx"
    assert a.read_bytes() == b.read_bytes()
    wb = load_workbook(a, read_only=True)
    assert wb.sheetnames == [MENTORS_SHEET, MENTEES_SHEET] == ["Наставники", "Наставляемые"]
    mentee_rows = list(wb[MENTEES_SHEET].iter_rows(values_only=True))
    assert mentee_rows[0][0] == "Идентификатор"
    assert len(mentee_rows) == 1 + 80


def test_cli_sample_writes_the_files(tmp_path):
    from matcher.cli import main

    result = CliRunner().invoke(main, ["sample", "--mentees", "60", "--seed", "2", "--out", str(tmp_path),
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentees.csv", "mentors.csv"]
    assert "mentors.csv" in result.output


def test_written_files_read_back_without_errors(tmp_path):
    from matcher.io import load

    mentees_csv, mentors_csv = write_sample(tmp_path / "csv", n_mentees=400, seed=9)
    ingest = load(mentors=mentors_csv, mentees=mentees_csv)
    assert ingest.report.errors == []
    people = generate_school(400, seed=9)
    assert sorted(p.id for p in ingest.participants) == sorted(p.id for p in people)
    by_id = {p.id: p for p in ingest.participants}
    for p in people:
        q = by_id[p.id]
        assert (q.role, q.category, q.forms, q.gender, q.grade, q.grade_letter) == \
               (p.role, p.category, p.forms, p.gender, p.grade, p.grade_letter)
        assert q.age_at(REF) == p.age_at(REF)
        assert (q.capacity, q.priority, q.ranking, q.avoid) == (p.capacity, p.priority, p.ranking, p.avoid)
        assert (q.consent, q.guardian_consent) == (p.consent, p.guardian_consent)
    (xlsx,) = write_sample(tmp_path / "xlsx", n_mentees=100, seed=9, fmt="xlsx")
    ingest = load(participants=xlsx)
    assert ingest.report.errors == []
    assert len(ingest.participants) == len(generate_school(100, seed=9))


# --- validity ---------------------------------------------------------------------------

def test_every_participant_is_a_valid_model(school):
    for p in school:
        assert Participant.model_validate(p.model_dump()) == p
        assert Participant.model_validate_json(p.model_dump_json()) == p


def test_ids_are_unique_and_say_teacher_student_or_adult(school):
    ids = [p.id for p in school]
    assert len(set(ids)) == len(ids)
    for p in school:
        pattern = {"teacher": r"T\d{3,}", "young_teacher": r"T\d{3,}", "student": r"S\d{4,}"}.get(
            p.category, r"A\d{3,}")
        assert re.fullmatch(pattern, p.id), (p.id, p.category)
    assert all(p.program is None for p in school)


def test_mentors_come_first_then_mentees():
    people = generate_school(100, seed=1)
    roles = [p.role for p in people]
    k = roles.count("mentor")
    assert roles == ["mentor"] * k + ["mentee"] * (len(roles) - k)


def test_every_form_has_mentors_and_mentees():
    people = generate_school(40, seed=1)
    for form in FORMS:
        assert mentors_of(people, form) and mentees_of(people, form), form


def test_mentees_split_by_form_shares():
    people = generate_school(200, seed=1)
    counts = Counter(p.forms[0] for p in people if p.role == "mentee")
    assert counts == {"teacher_student": 90, "student_student": 60, "teacher_teacher": 30, "adult_child": 20}
    assert all(len(p.forms) == 1 for p in people if p.role == "mentee")


def test_about_half_as_many_mentors_as_mentees(school):
    n_mentors = sum(p.role == "mentor" for p in school)
    assert 0.4 * 2000 <= n_mentors <= 0.7 * 2000


def test_mentor_capacity_covers_each_form_with_some_slack(school):
    for form in FORMS:
        own = [p for p in school if p.role == "mentor" and p.forms[0] == form]
        ratio = sum(p.capacity for p in own) / len(mentees_of(school, form))
        assert 1.1 <= ratio <= 1.3, (form, ratio)


# --- forms of mentoring -----------------------------------------------------------------

def test_student_mentors_are_mostly_in_higher_grades_than_their_mentees(school):
    mentors = np.array([p.grade for p in mentors_of(school, "student_student")])
    mentees = np.array([p.grade for p in mentees_of(school, "student_student")])
    assert mentors.min() >= 8 and mentees.max() <= 9
    higher = mentors[:, None] > mentees[None, :]
    assert higher.mean() > 0.85


def test_young_teachers_have_at_most_three_years_of_experience(school):
    young = [p for p in school if p.category == "young_teacher"]
    assert young
    assert all(0 <= p.experience_years <= 3 for p in young)
    assert all(22 <= p.age_at(REF) <= 30 for p in young)


def test_teacher_teacher_mentors_are_experienced_teachers(school):
    for p in (p for p in school if p.role == "mentor" and p.forms[0] == "teacher_teacher"):
        assert p.category == "teacher" and p.subjects
        assert 30 <= p.age_at(REF) <= 60 and 8 <= p.experience_years <= 35
        assert p.experience_years <= p.age_at(REF) - 22


def test_teacher_teacher_mentees_are_young_specialists_or_new_teachers(school):
    mentees = mentees_of(school, "teacher_teacher")
    cats = Counter(p.category for p in mentees)
    assert set(cats) == {"young_teacher", "teacher"} and cats["young_teacher"] > cats["teacher"]
    assert all(p.subjects for p in mentees)


def test_teacher_teacher_mentees_state_their_kind_and_some_newcomers_leave_it_empty(school):
    """002 §5: young specialists, teachers new to the school, teachers in burnout; some seasoned
    newcomers say nothing and so stay outside the 0-3 years rule (a realistic conflict)."""
    mentees = mentees_of(school, "teacher_teacher")
    said = Counter(v for p in mentees for v in p.mentee_variants)
    assert said["new_to_school"] and said["young_specialist"] and said["burnout"]
    assert all("new_to_school" not in p.mentee_variants for p in mentees if p.category == "young_teacher")
    assert any(p.experience_years > 3 and not p.mentee_variants for p in mentees)
    students = mentees_of(school, "teacher_student")
    assert {v for p in students for v in p.mentee_variants} == {"underachieving", "passive", "gifted"}
    assert all(not p.mentee_variants for p in school if p.role == "mentor")


def test_ages_fit_each_form_and_role(school):
    expected = {  # (role, form of the row) -> age range at the reference date
        ("mentor", "student_student"): (14, 17), ("mentee", "student_student"): (11, 16),
        ("mentee", "teacher_student"): (10, 17), ("mentor", "teacher_student"): (23, 60),
        ("mentee", "adult_child"): (8, 16), ("mentor", "adult_child"): (22, 55),
    }
    for p in school:
        lo, hi = expected.get((p.role, p.forms[0]), (0, 200))
        assert lo <= p.age_at(REF) <= hi, (p.id, p.role, p.forms, p.age_at(REF))


def test_each_row_gives_either_an_age_or_a_birth_date(school):
    assert all((p.age is None) != (p.birth_date is None) for p in school)
    with_birth = sum(p.birth_date is not None for p in school)
    assert 0.2 * len(school) < with_birth < 0.8 * len(school)


def test_reference_date_moves_birth_dates_not_ages():
    later = dt.date(2027, 9, 1)
    a = generate_school(60, seed=4)
    b = generate_school(60, seed=4, reference_date=later)
    assert [p.age_at(REF) for p in a] == [p.age_at(later) for p in b]


def test_students_have_grades_with_letters(school):
    students = [p for p in school if p.category == "student"]
    assert all(p.grade is not None and 2 <= p.grade <= 11 for p in students)
    assert Counter(p.grade_letter for p in students).keys() >= {"А", "Б", "В"}
    assert all(p.grade is None for p in school if p.category != "student")


def test_teacher_student_has_some_group_mentors(school):
    groups = [p for p in mentors_of(school, "teacher_student") if p.group_min]
    assert groups
    assert all(p.group_min in (2, 3) and 4 <= p.capacity <= 6 for p in groups if p.capacity)
    assert not [p for p in school if p.group_min and p.forms[0] != "teacher_student"]


def test_adult_child_mentees_are_urgent_and_mentors_mostly_trained(school):
    assert {p.priority for p in mentees_of(school, "adult_child")} == {1, 2}
    assert Counter(p.priority for p in school if p.role == "mentee")[0] > 0.8 * 1800
    mentors = [p for p in school if p.role == "mentor" and p.forms[0] == "adult_child"]
    trained = Counter(p.trained for p in mentors)
    assert trained[True] > 0.8 * len(mentors) and trained[False] > 0
    assert {p.category for p in mentors} == {"parent", "teacher", "graduate", "employer", "university_student"}


# --- people -----------------------------------------------------------------------------

def test_names_agree_in_gender(school):
    for p in school:
        surname, first, patronymic = p.name.split(" ")
        if p.gender == "f":
            assert patronymic.endswith("на"), p.name
            assert not surname.endswith(("ов", "ев", "ёв", "ин", "ский", "цкий", "ой")), p.name
        else:
            assert patronymic.endswith("ич"), p.name
            assert not surname.endswith(("ова", "ева", "ёва", "ина", "ая")), p.name
    assert {p.gender for p in school} == {"f", "m"}


@pytest.mark.parametrize("male, female", [("Иванов", "Иванова"), ("Соловьёв", "Соловьёва"), ("Ильин", "Ильина"),
                                          ("Островский", "Островская"), ("Белецкий", "Белецкая"),
                                          ("Толстой", "Толстая"), ("Ким", "Ким"), ("Шевченко", "Шевченко"),
                                          ("Черных", "Черных")])
def test_feminine_surname(male, female):
    assert feminine_surname(male) == female


def test_minors_mostly_have_guardian_consent_and_adults_none(school):
    minors = [p for p in school if p.age_at(REF) < 18]
    consent = Counter(p.guardian_consent for p in minors)
    assert consent[True] >= 0.9 * len(minors)
    assert consent[False] > 0 and consent[None] > 0  # some missing: the matcher must notice
    assert all(p.guardian_consent is None for p in school if p.age_at(REF) >= 18)


def test_consents_mostly_given(school):
    for field in ("consent", "data_consent"):
        given = Counter(getattr(p, field) for p in school)
        assert given[True] >= 0.95 * len(school) and given[True] < len(school), field


def test_psych_scales_are_whole_numbers_0_to_10_for_most(school):
    tested = [p for p in school if p.psych]
    assert 0.6 * len(school) < len(tested) < 0.8 * len(school)
    for p in tested:
        assert set(p.psych) == {"psych_extraversion", "psych_leadership", "psych_anxiety"}
        assert all(v == int(v) and 0 <= v <= 10 for v in p.psych.values())


def test_offers_and_needs_are_known_spheres_in_russian(school):
    russian = {norm(s) for spellings in SPHERE_ALIASES.values() for s in spellings if re.search("[а-я]", s)}
    for p in school:
        for value in p.offers + p.needs + p.want_offers:
            assert norm(value) in russian and norm(value) in SPHERE_INDEX, value
        assert set(p.want_offers) <= set(p.needs)
    assert all(p.offers for p in school if p.role == "mentor")
    assert all(p.needs for p in school if p.role == "mentee")


def test_mentee_needs_are_covered_by_some_mentor_of_the_form(school):
    for form in FORMS:
        offered = {SPHERE_INDEX[norm(v)] for p in mentors_of(school, form) for v in p.offers}
        needed = {SPHERE_INDEX[norm(v)] for p in mentees_of(school, form) for v in p.needs}
        assert needed <= offered, form


def test_availability_slots_are_day_and_part(school):
    slots = {s for p in school for s in p.availability}
    assert slots and all(re.fullmatch(r"(пн|вт|ср|чт|пт|сб) (утро|день|вечер)", s) for s in slots)


# --- wishes, rankings, conflicts ----------------------------------------------------------

def test_mirror_wishes_are_given_by_a_minority(school):
    n = len(school)
    assert 0.05 * n < sum(p.want_gender is not None for p in school) < 0.2 * n
    assert 0.05 * n < sum(p.want_age_min is not None or p.want_age_max is not None for p in school) < 0.25 * n
    assert sum(bool(p.want_interests) for p in school) > 0.2 * n
    assert all(p.want_age_min <= p.want_age_max for p in school
               if p.want_age_min is not None and p.want_age_max is not None)


def test_hard_wishes_are_rare_and_name_a_wish_that_was_given(school):
    hard = [p for p in school if p.hard_wishes]
    assert 0.02 * len(school) < len(hard) < 0.08 * len(school)
    for p in hard:
        for wish in p.hard_wishes:
            assert wish in ("gender", "age")
            given = p.want_gender is not None if wish == "gender" else \
                p.want_age_min is not None or p.want_age_max is not None
            assert given, p.id


def test_speed_meeting_rankings_name_distinct_people_of_the_same_form(school):
    by_id = {p.id: p for p in school}
    mentees = [p for p in school if p.role == "mentee"]
    ranking = [p for p in mentees if p.ranking]
    assert 0.2 * len(mentees) < len(ranking) < 0.4 * len(mentees)
    for p in school:
        if not p.ranking:
            continue
        assert len(set(p.ranking)) == len(p.ranking)
        assert 2 <= len(p.ranking) <= (4 if p.role == "mentee" else 3)
        for other in map(by_id.__getitem__, p.ranking):
            assert other.role != p.role and set(other.forms) & set(p.forms)
    assert any(p.ranking for p in school if p.role == "mentor")


def test_a_few_conflicts_avoid_people_of_the_other_side(school):
    by_id = {p.id: p for p in school}
    avoiding = [p for p in school if p.avoid]
    assert 0 < len(avoiding) < 0.03 * len(school)
    assert {p.role for p in avoiding} == {"mentor", "mentee"}
    for p in avoiding:
        assert not set(p.avoid) & set(p.ranking)
        assert all(by_id[o].role != p.role for o in p.avoid)


def test_a_few_mentors_have_no_capacity_this_year(school):
    mentors = [p for p in school if p.role == "mentor"]
    zero = sum(p.capacity == 0 for p in mentors)
    assert 0 < zero < 0.05 * len(mentors)
    assert all(1 <= p.capacity <= 6 for p in mentors if p.capacity)
    assert all(p.capacity == 1 for p in school if p.role == "mentee")
