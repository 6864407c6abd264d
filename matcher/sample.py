"""A realistic synthetic school: mirror questionnaires of mentors and mentees.

Russian names with gender agreement, all four forms of mentoring (docs/domain.md), mirror
wishes, psychological scales, rankings after speed meetings, a few conflicts, missing
consents and urgent mentees. Deterministic by seed; generated column-wise with numpy so
that 100k participants take seconds (the benchmarks use it).

Form shares of mentees: teacher_student 45 %, student_student 30 %, teacher_teacher 15 %,
adult_child 10 %. Each form gets mentors until their capacity is ~1.2x its mentees.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from pydantic import TypeAdapter

from .models import MENTEE_VARIANT_TITLES, Participant

_PARTICIPANTS = TypeAdapter(list[Participant])

REFERENCE_DATE = dt.date(2026, 9, 1)  # the default programme's reference date
FORM_SHARES = {"teacher_student": 0.45, "student_student": 0.30, "teacher_teacher": 0.15, "adult_child": 0.10}
# Mentors' total capacity per form relative to the form's mentees (before a few drop to 0).
CAPACITY_RATIO = 1.22
PSYCH_SCALES = ("psych_extraversion", "psych_leadership", "psych_anxiety")
MENTORS_SHEET, MENTEES_SHEET = "Наставники", "Наставляемые"

# --- vocabularies -----------------------------------------------------------------------

SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов "
    "Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв "
    "Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов "
    "Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов "
    "Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов "
    "Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев "
    "Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников "
    "Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин "
    "Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков "
    "Горбунов Анисимов Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов "
    "Прокофьев Харитонов Князев Цветков Левин Воронов Аксёнов Мальцев Логинов Горшков Савин Краснов "
    "Майоров Демидов Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов Жданов Щукин Калашников "
    "Хабибуллин Сафин Галиев Шарипов Гарипов Островский Вишневский Покровский Успенский "
    "Добровольский Ковальский Белецкий Толстой Лановой Ким Шевченко Бондаренко Ткаченко Черных Седых"
).split()


def feminine_surname(surname: str) -> str:
    """The feminine form of a Russian surname (Иванов -> Иванова, Островский -> Островская)."""
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname  # Ким, Шевченко, Черных: the same for both genders


# First names by generation: adults born 1966-2004, children born 2009-2018.
ADULT_NAMES_M = ("Александр Сергей Андрей Алексей Дмитрий Владимир Михаил Игорь Евгений Николай Олег "
                 "Юрий Виктор Павел Константин Роман Денис Максим Антон Илья Артём Иван Вадим").split()
ADULT_NAMES_F = ("Елена Ольга Наталья Татьяна Ирина Светлана Екатерина Анна Мария Юлия Марина Людмила "
                 "Галина Надежда Вера Оксана Анастасия Алёна Кристина Дарья Виктория Ксения Евгения").split()
CHILD_NAMES_M = ("Александр Михаил Максим Артём Лев Марк Иван Матвей Дмитрий Кирилл Даниил Тимофей Егор "
                 "Никита Роман Илья Фёдор Глеб Арсений Семён Владимир Андрей Ярослав").split()
CHILD_NAMES_F = ("Анна Мария София Алиса Виктория Анастасия Полина Варвара Елизавета Ева Дарья Александра "
                 "Вероника Ксения Арина Василиса Милана Екатерина Ульяна Таисия Валерия Злата").split()
# Father's name -> (patronymic of a son, of a daughter).
PATRONYMICS = (
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"), ("Алексеевич", "Алексеевна"), ("Иванович", "Ивановна"),
    ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"), ("Владимирович", "Владимировна"),
    ("Евгеньевич", "Евгеньевна"), ("Петрович", "Петровна"), ("Викторович", "Викторовна"),
    ("Юрьевич", "Юрьевна"), ("Олегович", "Олеговна"), ("Игоревич", "Игоревна"), ("Павлович", "Павловна"),
    ("Константинович", "Константиновна"), ("Романович", "Романовна"), ("Максимович", "Максимовна"),
    ("Артёмович", "Артёмовна"), ("Ильич", "Ильинична"), ("Никитич", "Никитична"), ("Денисович", "Денисовна"),
    ("Анатольевич", "Анатольевна"), ("Васильевич", "Васильевна"), ("Геннадьевич", "Геннадьевна"),
    ("Борисович", "Борисовна"), ("Валерьевич", "Валерьевна"),
)

# Interests with rough popularity weights (a few common ones make shared interests likely).
INTERESTS = {
    "чтение": 8, "музыка": 8, "спорт": 7, "футбол": 6, "рисование": 6, "программирование": 6,
    "шахматы": 5, "танцы": 5, "туризм": 5, "фотография": 5, "театр": 4, "кино": 4,
    "волонтёрство": 4, "робототехника": 4, "история": 4, "биология": 3, "иностранные языки": 4,
    "настольные игры": 3, "плавание": 3, "баскетбол": 3, "волейбол": 3, "пение": 3, "кулинария": 3,
    "рукоделие": 2, "экология": 2, "краеведение": 2, "астрономия": 2, "видеомонтаж": 3, "журналистика": 2,
    "дебаты": 2, "животные": 3, "киберспорт": 3, "лёгкая атлетика": 2, "моделирование": 2, "литература": 3,
}
# Teachers' subject combinations (what one teacher teaches), with weights.
TEACHER_SUBJECTS = (
    (("математика",), 10), (("математика", "информатика"), 3), (("русский язык", "литература"), 12),
    (("история", "обществознание"), 6), (("физика",), 3), (("физика", "математика"), 2),
    (("химия",), 2), (("химия", "биология"), 2), (("биология",), 3), (("география",), 3),
    (("английский язык",), 8), (("немецкий язык", "английский язык"), 1), (("информатика",), 3),
    (("физическая культура",), 5), (("музыка",), 2), (("изобразительное искусство",), 2),
    (("технология",), 2), (("начальные классы",), 10), (("ОБЗР",), 1),
)
STUDENT_SUBJECTS = {
    "математика": 8, "русский язык": 4, "литература": 4, "физика": 4, "химия": 3, "биология": 4,
    "история": 5, "обществознание": 3, "география": 3, "информатика": 6, "английский язык": 6,
    "физическая культура": 5, "изобразительное искусство": 2, "музыка": 2, "технология": 2,
}
# Spheres in a questionnaire's Russian wording; now and then another accepted spelling
# (models.SPHERE_ALIASES), as when forms from several years are merged.
SPHERE_RU = {
    "study": ("учёба", "успеваемость", "учеба"),
    "adaptation": ("адаптация", "адаптация в коллективе"),
    "career": ("профориентация", "выбор профессии"),
    "olympiad": ("подготовка к олимпиадам", "олимпиады"),
    "project": ("проектная деятельность", "проекты"),
    "sport": ("спорт",),
    "creativity": ("творчество",),
    "ict": ("цифровые навыки", "ИКТ"),
    "methodology": ("методическая помощь", "методика преподавания"),
    "discipline": ("работа с дисциплиной", "дисциплина"),
    "communication": ("общение", "коммуникация"),
    "leadership": ("лидерство",),
    "exams": ("подготовка к экзаменам", "ОГЭ", "ЕГЭ"),
    "burnout": ("профессиональное выгорание", "выгорание"),
}
# What mentors of a form offer / mentees of a form need, with weights.
OFFERS = {
    "teacher_teacher": {"methodology": 8, "discipline": 5, "adaptation": 5, "ict": 3, "exams": 3,
                        "communication": 2, "leadership": 1, "burnout": 1},
    "student_student": {"study": 8, "olympiad": 4, "project": 4, "sport": 3, "creativity": 3,
                        "adaptation": 4, "communication": 3, "leadership": 2, "ict": 2},
    "teacher_student": {"study": 9, "olympiad": 5, "project": 5, "career": 5, "exams": 4, "ict": 2,
                        "creativity": 2, "sport": 1, "communication": 1},
    "adult_child": {"communication": 6, "adaptation": 5, "study": 4, "sport": 4, "creativity": 4,
                    "career": 4, "ict": 1},
}
NEEDS = {
    "teacher_teacher": {"methodology": 8, "discipline": 6, "adaptation": 6, "ict": 3, "exams": 2,
                        "communication": 2, "burnout": 2},
    "student_student": {"study": 9, "adaptation": 4, "communication": 3, "olympiad": 2, "project": 3,
                        "sport": 2, "creativity": 2},
    "teacher_student": {"study": 10, "olympiad": 5, "project": 5, "career": 5, "exams": 3,
                        "communication": 1, "creativity": 1},
    "adult_child": {"communication": 6, "adaptation": 6, "study": 5, "sport": 3, "creativity": 3,
                    "career": 2},
}
DAYS = ("пн", "вт", "ср", "чт", "пт", "сб")
GRADE_LETTERS = {"А": 35, "Б": 35, "В": 20, "Г": 10}  # parallel classes: fewer «Г» than «А»
SENSITIVE_NOTES = (("register", "ВШУ"), ("register", "КДН"), ("family", "многодетная семья"),
                   ("family", "под опекой"), ("health", "ОВЗ"))

# Russian answer texts for canonical values (all in models' alias tables), so the sample
# reads like a school's own export and the reader has to translate it.
RU_VALUES = {
    "role": {"mentor": "наставник", "mentee": "наставляемый"},
    "category": {"teacher": "учитель", "young_teacher": "молодой специалист", "student": "обучающийся",
                 "parent": "родитель", "graduate": "выпускник", "employer": "представитель работодателя",
                 "university_student": "студент вуза"},
    "forms": {"teacher_teacher": "Учитель – учитель", "student_student": "Ученик – ученик",
              "teacher_student": "Учитель – ученик", "adult_child": "Взрослый – ребёнок"},
    "gender": {"f": "ж", "m": "м"},
    "want_gender": {"f": "ж", "m": "м"},
    "mentee_variants": {v: ru for v, (ru, _) in MENTEE_VARIANT_TITLES.items()},
}
ID_PREFIX = {"teacher": "T", "young_teacher": "T", "student": "S"}  # everyone else: "A" (adults)
ID_MIN_WIDTH = {"T": 3, "S": 4, "A": 3}


# --- vectorised drawing helpers ---------------------------------------------------------

def _weighted(options: dict | Sequence[tuple]) -> tuple[list, np.ndarray]:
    items = list(options.items()) if isinstance(options, dict) else list(options)
    values = [v for v, _ in items]
    weights = np.array([w for _, w in items], dtype=np.float64)
    return values, weights / weights.sum()


def _choice(rng: np.random.Generator, options, n: int) -> list:
    values, p = _weighted(options)
    idx = rng.choice(len(values), size=n, p=p)
    return [values[i] for i in idx.tolist()]


def _multi(rng: np.random.Generator, options, n: int, kmin: int, kmax: int) -> list[list]:
    """Weighted draws without replacement, between kmin and kmax distinct values per row
    (Gumbel top-k: one array operation for all rows)."""
    values, p = _weighted(options)
    kmax = min(kmax, len(values))
    if n == 0 or kmax == 0:
        return [[] for _ in range(n)]
    keys = -(np.log(p)[None, :] + rng.gumbel(size=(n, len(values))))
    if kmax < len(values):
        part = np.argpartition(keys, kmax - 1, axis=1)[:, :kmax]
        top = np.take_along_axis(part, np.argsort(np.take_along_axis(keys, part, axis=1), axis=1), axis=1)
    else:
        top = np.argsort(keys, axis=1)
    top = top.tolist()
    counts = rng.integers(kmin, kmax + 1, size=n).tolist()
    return [[values[j] for j in row[:k]] for row, k in zip(top, counts)]


_TRI = {1: True, 0: False, -1: None}


def _yes_no(rng: np.random.Generator, n: int, p_no: float, p_empty: float) -> list[bool | None]:
    u = rng.random(n)
    codes = np.where(u < p_no, 0, np.where(u < p_no + p_empty, -1, 1))
    return [_TRI[c] for c in codes.tolist()]


def _mask(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    return rng.random(n) < share


def _int_between(rng: np.random.Generator, lo, hi, n: int) -> np.ndarray:
    """Uniform integers in [lo, hi] (inclusive); lo and hi may be arrays."""
    lo = np.asarray(lo)
    hi = np.asarray(hi)
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def _names(rng: np.random.Generator, female: np.ndarray, child: bool) -> list[str]:
    n = len(female)
    first_m, first_f = (CHILD_NAMES_M, CHILD_NAMES_F) if child else (ADULT_NAMES_M, ADULT_NAMES_F)
    sur = rng.integers(0, len(SURNAMES), n).tolist()
    first = rng.integers(0, max(len(first_m), len(first_f)), n).tolist()
    patr = rng.integers(0, len(PATRONYMICS), n).tolist()
    out = []
    for f, s, i, p in zip(female.tolist(), sur, first, patr):
        if f:
            out.append(f"{_SURNAMES_F[s]} {first_f[i % len(first_f)]} {PATRONYMICS[p][1]}")
        else:
            out.append(f"{SURNAMES[s]} {first_m[i % len(first_m)]} {PATRONYMICS[p][0]}")
    return out


_SURNAMES_F = [feminine_surname(s) for s in SURNAMES]


def _years_before(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


def _age_or_birth_date(rng: np.random.Generator, ages: np.ndarray, ref: dt.date,
                       birth_share: float) -> tuple[list, list]:
    """Either the age or a birth date giving exactly that age at the reference date."""
    n = len(ages)
    ages = ages.astype(np.int64)
    has_birth = _mask(rng, n, birth_share)
    # Born in (ref - (a+1) years, ref - a years] means exactly a full years at ref.
    first = np.zeros(n, dtype="datetime64[D]")
    span = np.zeros(n, dtype=np.int64)
    for a in np.unique(ages).tolist():
        start, end = _years_before(ref, a + 1), _years_before(ref, a)
        sel = ages == a
        first[sel] = np.datetime64(start, "D")
        span[sel] = (end - start).days
    offset = 1 + np.floor(rng.random(n) * span).astype(np.int64)
    births = (first + offset.astype("timedelta64[D]")).tolist()
    age_col = [None if b else float(a) for a, b in zip(ages.tolist(), has_birth.tolist())]
    birth_col = [d if b else None for d, b in zip(births, has_birth.tolist())]
    return age_col, birth_col


def _spheres(rng: np.random.Generator, weights: dict, n: int, kmin: int, kmax: int) -> list[list[str]]:
    """Canonical spheres drawn by weight, written in a questionnaire's Russian wording."""
    drawn = _multi(rng, weights, n, kmin, kmax)
    flat = [s for row in drawn for s in row]
    main = rng.random(len(flat)) < 0.85
    alt = rng.integers(0, 3, len(flat)).tolist()
    words = [SPHERE_RU[s][0] if m else SPHERE_RU[s][a % len(SPHERE_RU[s])]
             for s, m, a in zip(flat, main.tolist(), alt)]
    out, k = [], 0
    for row in drawn:
        out.append(words[k:k + len(row)])
        k += len(row)
    return out


def _grades(rng: np.random.Generator, weights: dict[int, float], n: int) -> tuple[np.ndarray, list]:
    grade = np.array(_choice(rng, weights, n), dtype=np.int64)
    letter = _choice(rng, GRADE_LETTERS, n)
    no_letter = _mask(rng, n, 0.1).tolist()
    return grade, [None if nl else ltr for ltr, nl in zip(letter, no_letter)]


def _ages_from_grades(rng: np.random.Generator, grade: np.ndarray) -> np.ndarray:
    """Age on 1 September: grade + 6, a year older for some (late start, repeated year)."""
    older = _mask(rng, len(grade), 0.12) & (grade < 11)
    return grade + 6 + older


# --- groups: one form, one role ---------------------------------------------------------

@dataclass
class _Group:
    role: str
    form: str
    n: int
    cols: dict[str, list] = field(default_factory=dict)
    age: np.ndarray | None = None  # true ages, for wishes


def _capacities(rng: np.random.Generator, n_mentees: int, dist: dict, group_share: float = 0.0):
    """Mentors' capacities drawn until they cover CAPACITY_RATIO x the form's mentees."""
    target = int(np.ceil(n_mentees * CAPACITY_RATIO))
    if target == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    cap = np.array(_choice(rng, dist, target), dtype=np.int64)
    group_min = np.zeros(target, dtype=np.int64)
    if group_share:
        is_group = _mask(rng, target, group_share)
        cap = np.where(is_group, _int_between(rng, 4, 6, target), cap)
        group_min = np.where(is_group, _int_between(rng, 2, 3, target), 0)
    n = int(np.searchsorted(np.cumsum(cap), target)) + 1
    cap, group_min = cap[:n], group_min[:n]
    # A few mentors are on leave or overloaded this year (001 §2.1.4: workload decides).
    cap = np.where(_mask(rng, n, 0.02), 0, cap)
    return cap, group_min


def _teachers(rng, n, ref, *, age_lo, age_hi, exp_lo, exp_hi, female_share, birth_share=0.4):
    """Teachers: age, experience consistent with age (started at 22 or later), subjects."""
    age = _int_between(rng, age_lo, age_hi, n)
    exp_hi_arr = np.clip(np.minimum(exp_hi, age - 22), exp_lo, None)
    exp = _int_between(rng, exp_lo, exp_hi_arr, n)
    female = _mask(rng, n, female_share)
    ages, births = _age_or_birth_date(rng, age, ref, birth_share)
    subjects = [list(s) for s in _choice(rng, TEACHER_SUBJECTS, n)]
    return age, exp, female, {
        "name": _names(rng, female, child=False), "gender": ["f" if f else "m" for f in female.tolist()],
        "age": ages, "birth_date": births, "subjects": subjects,
        "experience_years": [float(e) for e in exp.tolist()],
    }


def _students(rng, n, ref, grade_weights, birth_share=0.6):
    grade, letters = _grades(rng, grade_weights, n)
    age = _ages_from_grades(rng, grade)
    female = _mask(rng, n, 0.5)
    ages, births = _age_or_birth_date(rng, age, ref, birth_share)
    return age, female, {
        "name": _names(rng, female, child=True), "gender": ["f" if f else "m" for f in female.tolist()],
        "age": ages, "birth_date": births, "grade": grade.tolist(), "grade_letter": letters,
        "subjects": _multi(rng, STUDENT_SUBJECTS, n, 1, 3), "category": ["student"] * n,
    }


def _mentor_group(rng, form: str, n_mentees: int, ref: dt.date) -> _Group:
    if form == "teacher_teacher":
        cap, gmin = _capacities(rng, n_mentees, {1: 25, 2: 45, 3: 30})
        n = len(cap)
        age, _, _, cols = _teachers(rng, n, ref, age_lo=30, age_hi=60, exp_lo=8, exp_hi=35, female_share=0.82)
        cols["category"] = ["teacher"] * n
        trained = _yes_no(rng, n, 0.1, 0.3)
    elif form == "student_student":
        cap, gmin = _capacities(rng, n_mentees, {1: 30, 2: 40, 3: 30})
        n = len(cap)
        age, _, cols = _students(rng, n, ref, {8: 20, 9: 25, 10: 30, 11: 25})
        trained = _yes_no(rng, n, 0.05, 0.55)
    elif form == "teacher_student":
        cap, gmin = _capacities(rng, n_mentees, {1: 30, 2: 40, 3: 30}, group_share=0.1)
        n = len(cap)
        young = _mask(rng, n, 0.15)
        age, exp, _, cols = _teachers(rng, n, ref, age_lo=25, age_hi=60, exp_lo=4, exp_hi=35,
                                      female_share=0.8)
        y_age = _int_between(rng, 23, 29, n)
        y_exp = _int_between(rng, 1, np.minimum(3, y_age - 22), n)
        y_ages, y_births = _age_or_birth_date(rng, y_age, ref, 0.4)
        yl = young.tolist()
        age = np.where(young, y_age, age)
        cols["age"] = [ya if y else a for a, ya, y in zip(cols["age"], y_ages, yl)]
        cols["birth_date"] = [yb if y else b for b, yb, y in zip(cols["birth_date"], y_births, yl)]
        cols["experience_years"] = [float(ye) if y else e
                                    for e, ye, y in zip(cols["experience_years"], y_exp.tolist(), yl)]
        cols["category"] = ["young_teacher" if y else "teacher" for y in yl]
        trained = _yes_no(rng, n, 0.1, 0.3)
    else:  # adult_child: trained adults at least 9 years older (004)
        cap, gmin = _capacities(rng, n_mentees, {1: 50, 2: 35, 3: 15})
        n = len(cap)
        category = np.array(_choice(rng, {"parent": 35, "teacher": 25, "graduate": 15, "employer": 15,
                                          "university_student": 10}, n), dtype=object)
        lo = np.select([category == "parent", category == "teacher", category == "graduate",
                        category == "employer"], [30, 25, 22, 28], 22)
        hi = np.select([category == "parent", category == "teacher", category == "graduate",
                        category == "employer"], [55, 55, 30, 55], 25)
        age = _int_between(rng, lo, hi, n)
        female_share = np.select([category == "parent", category == "teacher", category == "employer"],
                                 [0.7, 0.8, 0.4], 0.55)
        female = rng.random(n) < female_share
        ages, births = _age_or_birth_date(rng, age, ref, 0.3)
        is_teacher = (category == "teacher").tolist()
        exp = _int_between(rng, 1, np.maximum(1, np.minimum(30, age - 22)), n).tolist()
        subjects = _choice(rng, TEACHER_SUBJECTS, n)
        cols = {
            "name": _names(rng, female, child=False), "gender": ["f" if f else "m" for f in female.tolist()],
            "age": ages, "birth_date": births, "category": category.tolist(),
            "subjects": [list(s) if t else [] for s, t in zip(subjects, is_teacher)],
            "experience_years": [float(e) if t else None for e, t in zip(exp, is_teacher)],
        }
        # Preparation is required here (004); most have passed it, some not yet.
        trained = _yes_no(rng, n, 0.08, 0.04)
    g = _Group("mentor", form, n, age=age)
    cols["forms"] = [[form] for _ in range(n)]
    cols["capacity"] = cap.tolist()
    cols["group_min"] = [m or None for m in gmin.tolist()]
    cols["trained"] = trained
    cols["offers"] = _spheres(rng, OFFERS[form], n, 2, 4)
    g.cols = cols
    return g


def _mentee_group(rng, form: str, n: int, ref: dt.date) -> _Group:
    cols: dict[str, list]
    priority = np.where(_mask(rng, n, 0.03), 1, 0)
    if form == "teacher_teacher":
        # Young specialists (0-3 years) and teachers new to this school (002).
        new_here = _mask(rng, n, 0.2)
        age, _, female, cols = _teachers(rng, n, ref, age_lo=22, age_hi=30, exp_lo=0, exp_hi=3,
                                         female_share=0.75)
        n_age, n_exp, _, n_cols = _teachers(rng, n, ref, age_lo=26, age_hi=50, exp_lo=1, exp_hi=3,
                                            female_share=0.8)
        # Some newcomers are experienced elsewhere: a realistic conflict with the 0-3 years rule.
        seasoned = _mask(rng, n, 0.25)
        n_exp = np.where(seasoned, _int_between(rng, 4, np.maximum(4, np.minimum(12, n_age - 22)), n), n_exp)
        n_cols["experience_years"] = [float(e) for e in n_exp.tolist()]
        nl = new_here.tolist()
        cols = {k: [b if x else a for a, b, x in zip(cols[k], n_cols[k], nl)] for k in cols}
        age = np.where(new_here, n_age, age)
        cols["category"] = ["teacher" if x else "young_teacher" for x in nl]
        # The kind of mentee (002 §5), from a child stream so the rest of the school stays the
        # same: most newcomers say they are new to the school (some leave it empty and meet the
        # 0-3 years rule), half the young specialists say so, a few are in burnout.
        vr = rng.spawn(1)[0]
        says = (vr.random(n) < 0.8).tolist()
        young_says = (vr.random(n) < 0.5).tolist()
        tired = (vr.random(n) < 0.1).tolist()
        cols["mentee_variants"] = [
            (["new_to_school"] if x and s else [] if x else ["young_specialist"] if y else []) + (["burnout"] if b else [])
            for x, s, y, b in zip(nl, says, young_says, tired)]
    elif form == "student_student":
        age, _, cols = _students(rng, n, ref, {5: 25, 6: 25, 7: 20, 8: 15, 9: 15})
    elif form == "teacher_student":
        age, _, cols = _students(rng, n, ref, {4: 5, 5: 15, 6: 15, 7: 15, 8: 15, 9: 15, 10: 10, 11: 10})
        # Teacher – underachieving / passive / gifted student (001 §2.3); most leave it empty.
        vr = rng.spawn(1)[0]
        kind = vr.choice(["", "", "", "underachieving", "passive", "gifted"], n).tolist()
        cols["mentee_variants"] = [[k] if k else [] for k in kind]
    else:  # adult_child: children 8-15 in difficult life situations, urgent (priority 1-2)
        age, _, cols = _students(rng, n, ref, {2: 8, 3: 10, 4: 12, 5: 14, 6: 14, 7: 14, 8: 14, 9: 14})
        priority = np.where(_mask(rng, n, 0.4), 2, 1)
        note = rng.integers(0, len(SENSITIVE_NOTES), n).tolist()
        has_note = _mask(rng, n, 0.15).tolist()
        cols["sensitive"] = [dict([SENSITIVE_NOTES[k]]) if h else {} for k, h in zip(note, has_note)]
    g = _Group("mentee", form, n, age=age)
    cols["forms"] = [[form] for _ in range(n)]
    cols["priority"] = priority.tolist()
    cols["needs"] = _spheres(rng, NEEDS[form], n, 1, 3)
    g.cols = cols
    return g


def _wish_ages(rng, g: _Group) -> tuple[np.ndarray, np.ndarray]:
    """The partner's age range someone asks for, sensible for their form and role."""
    n, age = g.n, g.age.astype(np.float64)
    key = (g.role, g.form)
    if key == ("mentee", "teacher_teacher"):
        lo, hi = _int_between(rng, 25, 35, n), _int_between(rng, 45, 60, n)
    elif key == ("mentee", "student_student"):  # an older student
        lo = age + _int_between(rng, 1, 2, n)
        hi = np.maximum(lo, 17)
    elif key == ("mentee", "teacher_student"):
        lo, hi = _int_between(rng, 23, 30, n), _int_between(rng, 40, 55, n)
    elif key == ("mentee", "adult_child"):
        lo, hi = _int_between(rng, 20, 25, n), _int_between(rng, 35, 50, n)
    elif key == ("mentor", "teacher_teacher"):
        lo, hi = np.full(n, 22), _int_between(rng, 30, 40, n)
    elif key == ("mentor", "student_student"):  # a younger student
        lo, hi = age - _int_between(rng, 3, 5, n), age - 1
    else:  # teachers and adults taking children: an age band
        lo = (10 if g.form == "teacher_student" else 8) + 2 * rng.integers(0, 3, n)
        hi = lo + 3
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def _common(rng, g: _Group) -> None:
    """Fields every questionnaire has: interests, time, consents, psych scales, mirror wishes."""
    n, cols = g.n, g.cols
    cols["interests"] = _multi(rng, INTERESTS, n, 1, 4)
    cols["interests"] = [x if keep else [] for x, keep in zip(cols["interests"], _mask(rng, n, 0.95).tolist())]
    # Students are free after lessons in the afternoon; working adults mostly in the evening.
    student = g.cols["category"][0] == "student" if g.n else False
    parts = {"день": 4, "вечер": 4, "утро": 1} if student else {"день": 3, "вечер": 5, "утро": 1}
    day = _multi(rng, {d: 1 for d in DAYS}, n, 1, 3)
    part = _choice(rng, parts, n)
    has_slots = _mask(rng, n, 0.85).tolist()
    cols["availability"] = [[f"{d} {p}" for d in ds] if h else [] for ds, p, h in zip(day, part, has_slots)]
    cols["consent"] = _yes_no(rng, n, 0.01, 0.01)
    cols["data_consent"] = _yes_no(rng, n, 0.01, 0.01)
    minor = (g.age < 18).tolist()
    guardian = _yes_no(rng, n, 0.03, 0.02)
    cols["guardian_consent"] = [c if m else None for c, m in zip(guardian, minor)]
    # Psychologist's test (002): three 0-10 scales for ~70 %.
    tested = _mask(rng, n, 0.7).tolist()
    lead_p = 0.6 if g.role == "mentor" else 0.45
    anx_p = 0.55 if g.form == "adult_child" and g.role == "mentee" else 0.4
    ext = rng.binomial(10, 0.5, n).tolist()
    lead = rng.binomial(10, lead_p, n).tolist()
    anx = rng.binomial(10, anx_p, n).tolist()
    cols["psych"] = [dict(zip(PSYCH_SCALES, (float(e), float(ld), float(x)))) if t else {}
                     for e, ld, x, t in zip(ext, lead, anx, tested)]
    # Mirror wishes: most have none; some about gender, age, interests, help wanted.
    gender = cols["gender"]
    wants_gender = _mask(rng, n, 0.12 if g.role == "mentee" else 0.08).tolist()
    same = _mask(rng, n, 0.75).tolist()
    cols["want_gender"] = [None if not w else (s if same_ else ("m" if s == "f" else "f"))
                           for s, w, same_ in zip(gender, wants_gender, same)]
    lo, hi = _wish_ages(rng, g)
    wants_age = _mask(rng, n, 0.15)
    only_lo, only_hi = (u := rng.random(n)) < 0.1, u > 0.9
    cols["want_age_min"] = [float(v) if w and not o else None
                            for v, w, o in zip(lo.tolist(), wants_age.tolist(), only_hi.tolist())]
    cols["want_age_max"] = [float(v) if w and not o else None
                            for v, w, o in zip(hi.tolist(), wants_age.tolist(), only_lo.tolist())]
    want_i = _multi(rng, INTERESTS, n, 1, 2)
    cols["want_interests"] = [w if m else [] for w, m in zip(want_i, _mask(rng, n, 0.35).tolist())]
    if g.role == "mentee":
        k = rng.integers(1, 3, n).tolist()
        asks = _mask(rng, n, 0.3).tolist()
        cols["want_offers"] = [needs[:kk] if a else [] for needs, kk, a in zip(cols["needs"], k, asks)]
    # ~5 % make a wish binding; only a wish they actually gave (gender first, then age).
    hard = _mask(rng, n, 0.2).tolist()
    cols["hard_wishes"] = [
        ["gender"] if h and wg else (["age"] if h and (amin is not None or amax is not None) else [])
        for h, wg, amin, amax in zip(hard, cols["want_gender"], cols["want_age_min"], cols["want_age_max"])
    ]


# --- the school -------------------------------------------------------------------------

def _form_counts(n_mentees: int) -> dict[str, int]:
    """Mentees per form by the shares, largest remainder (sums to n_mentees)."""
    raw = {f: n_mentees * s for f, s in FORM_SHARES.items()}
    counts = {f: int(np.floor(v)) for f, v in raw.items()}
    rest = n_mentees - sum(counts.values())
    for f in sorted(raw, key=lambda f: (counts[f] - raw[f], list(FORM_SHARES).index(f)))[:rest]:
        counts[f] += 1
    return counts


def _assign_ids(rng, categories: list[str]) -> list[str]:
    """T001 teachers, S0001 students, A001 other adults; numbers shuffled by seed."""
    prefixes = np.array([ID_PREFIX.get(c, "A") for c in categories], dtype=object)
    ids = np.empty(len(categories), dtype=object)
    for prefix in ("T", "S", "A"):
        where = np.flatnonzero(prefixes == prefix)
        width = max(ID_MIN_WIDTH[prefix], len(str(len(where))))
        numbers = rng.permutation(len(where)) + 1
        ids[where] = [f"{prefix}{k:0{width}d}" for k in numbers.tolist()]
    return ids.tolist()


def _speed_meetings(rng, chooser_idx: np.ndarray, pool: np.ndarray, share: float, kmin: int, kmax: int,
                    ids: list[str], rankings: list[list[str]], avoids: list[list[str]], avoid_share: float):
    """People meet a table of consecutive pool members (pool shuffled) and rank some of them;
    a few ask never to be paired with one more person from the pool."""
    n, p = len(chooser_idx), len(pool)
    if n == 0 or p == 0:
        return
    pool = rng.permutation(pool)
    start = rng.integers(0, p, n)
    table = min(kmax + 1, p)
    met = pool[(start[:, None] + np.arange(table)[None, :]) % p]
    order = np.argsort(rng.random((n, min(kmax, p))), axis=1)
    ranked = np.take_along_axis(met[:, :min(kmax, p)], order, axis=1).tolist()
    k = np.minimum(rng.integers(kmin, kmax + 1, n), p).tolist()
    ranks = _mask(rng, n, share).tolist()
    avoid = (_mask(rng, n, avoid_share) & (p > kmax)).tolist()
    last = met[:, -1].tolist()
    for i, who in enumerate(chooser_idx.tolist()):
        if ranks[i]:
            rankings[who] = [ids[j] for j in ranked[i][:k[i]]]
        if avoid[i]:
            avoids[who] = [ids[last[i]]]


# Value of a field a group leaves out (mentors have no needs, mentees no capacity, ...).
_MISSING = {"capacity": 1, "priority": 0, "sensitive": {}, "offers": [], "needs": [], "want_offers": [],
            "mentee_variants": []}


@contextlib.contextmanager
def _no_gc():
    """Cyclic GC passes over millions of fresh, acyclic objects triple the run time; pause it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def generate_school(n_mentees: int, seed: int = 1, *, reference_date: dt.date | str | None = None
                    ) -> list[Participant]:
    """A synthetic school: mentors first, then mentees (each sorted by id); about
    n_mentees/2 mentors. The same arguments always give the same school."""
    with _no_gc():
        return _generate_school(n_mentees, seed, reference_date)


def _generate_school(n_mentees: int, seed: int, reference_date: dt.date | str | None) -> list[Participant]:
    if n_mentees < 0:
        raise ValueError("n_mentees must be >= 0")
    ref = dt.date.fromisoformat(reference_date) if isinstance(reference_date, str) else \
        (reference_date or REFERENCE_DATE)
    rng = np.random.default_rng(seed)
    counts = _form_counts(n_mentees)
    forms = list(FORM_SHARES)
    groups = [_mentor_group(rng, f, counts[f], ref) for f in forms]
    groups += [_mentee_group(rng, f, counts[f], ref) for f in forms]
    for g in groups:
        _common(rng, g)

    fields = sorted({k for g in groups for k in g.cols})
    rows: dict[str, list] = {k: [] for k in fields}
    role, form = [], []
    for g in groups:
        for k in fields:
            rows[k].extend(g.cols.get(k) or [_MISSING.get(k)] * g.n)
        role.extend([g.role] * g.n)
        form.extend([g.form] * g.n)
    total = len(role)
    role_arr, form_arr = np.array(role, dtype=object), np.array(form, dtype=object)
    ids = _assign_ids(rng, rows["category"])

    # Some teachers mentor in a second form: teacher-teacher mentors also take students;
    # trained teacher-student mentors also join «Мы вместе».
    mentor_tt = np.flatnonzero((role_arr == "mentor") & (form_arr == "teacher_teacher"))
    for i in mentor_tt[_mask(rng, len(mentor_tt), 0.15)].tolist():
        rows["forms"][i] = ["teacher_teacher", "teacher_student"]
    mentor_ts = np.flatnonzero((role_arr == "mentor") & (form_arr == "teacher_student"))
    for i in mentor_ts[_mask(rng, len(mentor_ts), 0.08)].tolist():
        if rows["category"][i] == "teacher" and rows["trained"][i] and rows["capacity"][i] > 0 \
                and not rows["group_min"][i]:
            rows["forms"][i] = ["teacher_student", "adult_child"]

    rankings: list[list[str]] = [[] for _ in range(total)]
    avoids: list[list[str]] = [[] for _ in range(total)]
    in_form = {f: np.array([f in fs for fs in rows["forms"]], dtype=bool) for f in forms}
    for f in forms:
        mentors = np.flatnonzero((role_arr == "mentor") & in_form[f])
        mentees = np.flatnonzero((role_arr == "mentee") & (form_arr == f))
        # Speed meetings (000, 001): ~30 % of mentees rank 2-4 mentors, ~20 % of mentors rank mentees.
        _speed_meetings(rng, mentees, mentors, 0.3, 2, 4, ids, rankings, avoids, 0.01)
        own = np.flatnonzero((role_arr == "mentor") & (form_arr == f))
        _speed_meetings(rng, own, mentees, 0.2, 2, 3, ids, rankings, avoids, 0.01)
    rows["ranking"], rows["avoid"] = rankings, avoids
    rows["id"], rows["role"] = ids, role

    names = list(rows)
    # One validation call for all rows: every generated participant is a valid model.
    people = _PARTICIPANTS.validate_python([dict(zip(names, values)) for values in zip(*rows.values())])
    mentors = sorted((p for p in people if p.role == "mentor"), key=lambda p: p.id)
    mentees = sorted((p for p in people if p.role == "mentee"), key=lambda p: p.id)
    return mentors + mentees


# --- writing ----------------------------------------------------------------------------

def _russian_values(headers: list[str], rows: list[list]) -> None:
    """Canonical role/category/form/gender values -> the Russian answers a school's form has."""
    from .io.aliases import RU_HEADER

    for field_name, table in RU_VALUES.items():
        header = RU_HEADER.get(field_name, field_name)
        if header not in headers:
            continue
        col = headers.index(header)
        seen: dict[str, str] = {}  # few distinct cells, many rows
        for row in rows:
            value = row[col]
            if value:
                ru = seen.get(value)
                if ru is None:
                    ru = seen[value] = "; ".join(table.get(v, v) for v in str(value).split("; "))
                row[col] = ru


# Questions only one side's questionnaire asks.
_NOT_ASKED = {"mentor": {"priority", "needs", "want_offers"},
              "mentee": {"capacity", "group_min", "trained", "offers"}}


def sample_tables(participants: Sequence[Participant]) -> dict[str, tuple[list[str], list[list]]]:
    """Sheet name -> (Russian headers, rows) for mentors and mentees."""
    from .io.writers import LIST_FIELDS, SCALAR_FIELDS, participant_table

    out = {}
    for sheet, role in ((MENTORS_SHEET, "mentor"), (MENTEES_SHEET, "mentee")):
        people = [p for p in participants if p.role == role]
        fields = [f for f in SCALAR_FIELDS + LIST_FIELDS if f in ("id", "role") or (
            f not in _NOT_ASKED[role] and any(getattr(p, f) not in (None, [], "") for p in people))]
        headers, rows = participant_table(people, lang="ru", fields=fields)
        _russian_values(headers, rows)
        out[sheet] = (headers, rows)
    return out


def write_sample(out_dir: Path, n_mentees: int = 200, seed: int = 1, fmt: str = "csv") -> list[Path]:
    """Write the synthetic school: mentors.csv + mentees.csv (UTF-8 with BOM, ';', as Russian
    Excel saves them) or one school.xlsx with sheets «Наставники» and «Наставляемые».
    Returns the written paths, sorted."""
    from .io.writers import atomic_write_bytes, write_csv, xlsx_bytes

    out_dir = Path(out_dir)
    with _no_gc():
        tables = sample_tables(generate_school(n_mentees, seed))
    if fmt == "xlsx":
        path = out_dir / "school.xlsx"
        atomic_write_bytes(path, xlsx_bytes(tables, safe=True))
        return [path]
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}: csv or xlsx")
    paths = []
    for sheet, name in ((MENTORS_SHEET, "mentors.csv"), (MENTEES_SHEET, "mentees.csv")):
        headers, rows = tables[sheet]
        write_csv(out_dir / name, headers, rows, encoding="utf-8-sig", delimiter=";", safe=True)
        paths.append(out_dir / name)
    return sorted(paths)
