"""Participant model and the vocabularies of the field contract (README, "Input format").

Participants are pydantic models at the edges (reading, result.json); the hot path
works on `matcher.arrays.Roster`, a numpy view indexed by participant number.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .text import norm

Role = Literal["mentor", "mentee", "both"]
Gender = Literal["f", "m"]

# Canonical value -> accepted spellings (compared after text.norm / norm_token).
CATEGORY_ALIASES: dict[str, list[str]] = {
    "teacher": ["teacher", "учитель", "педагог", "преподаватель", "опытный педагог", "опытный учитель",
                "классный руководитель", "психолог", "педагог-психолог", "социальный педагог"],
    "young_teacher": ["young_teacher", "young teacher", "молодой специалист", "молодой педагог",
                      "молодой учитель", "начинающий педагог", "начинающий учитель"],
    "student": ["student", "pupil", "ученик", "ученица", "учащийся", "учащаяся", "обучающийся",
                "обучающаяся", "школьник", "школьница"],
    "graduate": ["graduate", "alumnus", "выпускник", "выпускница"],
    "parent": ["parent", "родитель", "взрослый", "adult", "родитель (законный представитель)"],
    "employer": ["employer", "работодатель", "представитель работодателя", "представитель предприятия"],
    "university_student": ["university_student", "university student", "студент", "студентка",
                           "студент вуза", "студент колледжа"],
}

FORM_ALIASES: dict[str, list[str]] = {
    "teacher_teacher": ["teacher_teacher", "teacher-teacher", "учитель-учитель", "педагог-педагог"],
    "student_student": ["student_student", "student-student", "ученик-ученик", "обучающийся-обучающийся"],
    "teacher_student": ["teacher_student", "teacher-student", "учитель-ученик", "педагог-ученик",
                        "педагог-обучающийся", "учитель-обучающийся"],
    "adult_child": ["adult_child", "adult-child", "взрослый-ребенок", "мы вместе",
                    "взрослый-ребенок в трудной жизненной ситуации"],
    "university_student_student": ["university_student_student", "студент-ученик", "студент-обучающийся"],
    "employer_student": ["employer_student", "работодатель-ученик", "работодатель-обучающийся"],
}

# Who a mentee is within a form (002 §5 for teachers; 001 §2.2-2.3, 000 for students;
# 004 for adult-child). A questionnaire may state several; a form may accept only some
# (`mentee_variants` of the form in the configuration).
MENTEE_VARIANT_ALIASES: dict[str, list[str]] = {
    "young_specialist": ["young specialist", "молодой специалист", "молодой педагог", "молодой учитель",
                         "начинающий педагог", "начинающий учитель"],
    "new_to_school": ["new to the school", "new to school", "new teacher", "новый в школе",
                      "новый в коллективе", "новый педагог", "новый сотрудник", "новое место работы",
                      "адаптация на новом месте работы"],
    "burnout": ["burnout", "профессиональное выгорание", "выгорание", "эмоциональное выгорание",
                "хроническая усталость"],
    "underachieving": ["underachieving", "low achievement", "низкая успеваемость", "неуспевающий",
                       "неуспевающая", "неуспевающий ученик"],
    "passive": ["passive", "пассивный", "пассивная", "пассивный ученик", "низкая мотивация"],
    "gifted": ["gifted", "одаренный", "одаренная", "одаренный ученик", "высокомотивированный"],
    "adaptation": ["adaptation", "адаптация", "трудности адаптации", "адаптация в коллективе",
                   "адаптация к новым условиям обучения"],
    "special_needs": ["special needs", "ОВЗ", "ребенок с ОВЗ", "ребенок-инвалид",
                      "особые образовательные потребности"],
    "difficult_situation": ["difficult life situation", "трудная жизненная ситуация",
                            "в трудной жизненной ситуации", "ТЖС"],
}
# Names for messages, Russian and English (reasons list the variants a form accepts).
MENTEE_VARIANT_TITLES: dict[str, tuple[str, str]] = {
    "young_specialist": ("молодой специалист", "young specialist"),
    "new_to_school": ("новый в школе", "new to the school"),
    "burnout": ("профессиональное выгорание", "burnout"),
    "underachieving": ("низкая успеваемость", "low achievement"),
    "passive": ("пассивный ученик", "passive student"),
    "gifted": ("одарённый", "gifted"),
    "adaptation": ("адаптация", "adaptation"),
    "special_needs": ("ОВЗ", "special needs"),
    "difficult_situation": ("трудная жизненная ситуация", "difficult life situation"),
}

ROLE_ALIASES: dict[str, list[str]] = {
    "mentor": ["mentor", "наставник", "наставница"],
    "mentee": ["mentee", "наставляемый", "наставляемая", "подопечный", "подопечная"],
    "both": ["both", "наставник и наставляемый", "mentor and mentee"],
}

GENDER_ALIASES: dict[str, list[str]] = {
    "f": ["f", "female", "woman", "girl", "ж", "жен", "жен.", "женский", "женщина", "девочка", "девушка"],
    "m": ["m", "male", "man", "boy", "м", "муж", "муж.", "мужской", "мужчина", "мальчик", "юноша"],
}

YES = ["yes", "y", "true", "1", "да", "д", "+", "согласен", "согласна", "есть", "имеется", "пройдено",
       "пройдена", "x", "✓", "v"]
NO = ["no", "n", "false", "0", "нет", "н", "-", "не согласен", "не согласна", "не пройдено", "отсутствует"]
ANY = ["any", "не важно", "неважно", "без разницы", "любой", "любая", "любое", "все равно", "всё равно",
       "нет предпочтений", "no preference", "doesn't matter", "does not matter"]

# Spheres a mentor offers / a mentee needs (README, "Input format"); free values are accepted as-is.
SPHERE_ALIASES: dict[str, list[str]] = {
    "study": ["study", "учеба", "учёба", "успеваемость", "обучение", "академическая успеваемость"],
    "adaptation": ["adaptation", "адаптация", "адаптация в коллективе", "адаптация в школе"],
    "career": ["career", "профориентация", "карьера", "выбор профессии"],
    "olympiad": ["olympiad", "олимпиады", "олимпиада", "подготовка к олимпиадам"],
    "project": ["project", "projects", "проекты", "проектная деятельность", "проект"],
    "sport": ["sport", "спорт"],
    "creativity": ["creativity", "творчество"],
    "ict": ["ict", "икт", "цифровые навыки", "информационные технологии"],
    "methodology": ["methodology", "методика", "методическая помощь", "методика преподавания"],
    "discipline": ["discipline", "дисциплина", "работа с дисциплиной"],
    "communication": ["communication", "общение", "коммуникация"],
    "leadership": ["leadership", "лидерство"],
    "exams": ["exams", "экзамены", "подготовка к экзаменам", "огэ", "егэ"],
    "burnout": ["burnout", "профессиональное выгорание", "выгорание"],
}

WISH_NAMES = ("gender", "age", "interests", "offers")


def _index(aliases: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, spellings in aliases.items():
        for spelling in [canonical, *spellings]:
            out[norm(spelling)] = canonical
            out[norm(spelling).replace("_", " ")] = canonical
            out[norm(spelling).replace("_", "-")] = canonical
    return out


CATEGORY_INDEX = _index(CATEGORY_ALIASES)
FORM_INDEX = _index(FORM_ALIASES)
ROLE_INDEX = _index(ROLE_ALIASES)
MENTEE_VARIANT_INDEX = _index(MENTEE_VARIANT_ALIASES)
GENDER_INDEX = _index(GENDER_ALIASES)
SPHERE_INDEX = _index(SPHERE_ALIASES)
YES_SET = {norm(v) for v in YES}
NO_SET = {norm(v) for v in NO}
ANY_SET = {norm(v) for v in ANY}

SENSITIVE_FIELDS = ("health", "register", "family", "notes")


class Participant(BaseModel):
    """One questionnaire row in canonical form."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str = ""
    role: Role
    category: str | None = None
    forms: list[str] = Field(default_factory=list)
    age: float | None = None
    birth_date: dt.date | None = None
    gender: Gender | None = None
    grade: int | None = None
    grade_letter: str | None = None
    subjects: list[str] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    offers: list[str] = Field(default_factory=list)
    needs: list[str] = Field(default_factory=list)
    availability: list[str] = Field(default_factory=list)
    experience_years: float | None = None
    mentee_variants: list[str] = Field(default_factory=list)  # MENTEE_VARIANT_ALIASES keys
    capacity: int = 1
    group_min: int | None = None
    consent: bool | None = None
    data_consent: bool | None = None
    guardian_consent: bool | None = None
    trained: bool | None = None
    priority: int = 0
    psych: dict[str, float] = Field(default_factory=dict)
    want_gender: Gender | None = None
    want_age_min: float | None = None
    want_age_max: float | None = None
    want_interests: list[str] = Field(default_factory=list)
    want_offers: list[str] = Field(default_factory=list)
    hard_wishes: list[str] = Field(default_factory=list)
    ranking: list[str] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)
    program: str | None = None
    # Special categories (health, registers, family): kept out of reports unless asked.
    sensitive: dict[str, str] = Field(default_factory=dict)
    # Where the row came from, for messages: (file, row).
    source_file: str | None = None
    source_row: int | None = None

    def age_at(self, reference: dt.date) -> float | None:
        """Age in whole years at the program's reference date (birth date wins over age)."""
        if self.birth_date is not None:
            b = self.birth_date
            years = reference.year - b.year - ((reference.month, reference.day) < (b.month, b.day))
            return float(years)
        return self.age

    @property
    def is_mentor(self) -> bool:
        return self.role in ("mentor", "both")

    @property
    def is_mentee(self) -> bool:
        return self.role in ("mentee", "both")


@dataclass
class PairSpec:
    """A consilium decision given by ids: lock (must be paired) or forbid (never paired)."""

    mentor_id: str
    mentee_id: str
    action: str = "lock"  # lock | forbid
    form: str | None = None
    file: str | None = None
    row: int | None = None

    @property
    def source(self) -> str | None:
        return f"{self.file}:{self.row}" if self.file else None


@dataclass(frozen=True)
class Exclusion:
    """A pair kept out of a match for a reason outside this run (the programme's history: a
    pair a re-match dissolved, a pair the monitoring rated unacceptable). `reason` is the
    blocking reason's details: its message code and parameters, e.g.
    {"code": "history.ended", "year": "2025/2026"}. Ids absent from the questionnaires are
    skipped, not reported."""

    mentor_id: str
    mentee_id: str
    reason: dict
