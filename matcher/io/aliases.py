"""Built-in header aliases of the canonical fields (the field contract: README, "Input format").

Headers match exactly after text.norm() (trim, casefold, unify dashes, ё -> е) — never
by substring: «Пол» and «Пол наставника» are different columns. A mapping file wins
over these: an alias applies only to a field the mapping leaves out.
"""
from __future__ import annotations

from ..text import norm

# canonical field -> header spellings (English canonical name is always accepted).
FIELD_ALIASES: dict[str, list[str]] = {
    "id": ["id", "ID", "Идентификатор", "Код участника", "participant id", "participant_id"],
    "name": ["name", "ФИО", "Фамилия Имя Отчество", "Фамилия, имя, отчество", "Имя", "full name"],
    "role": ["role", "Роль", "Роль в программе"],
    "category": ["category", "Категория", "Категория участника", "Статус"],
    "forms": ["forms", "form", "Форма", "Формы", "Форма наставничества", "Формы наставничества"],
    "age": ["age", "Возраст", "Возраст (лет)", "Полных лет"],
    "birth_date": ["birth_date", "birthdate", "date of birth", "Дата рождения"],
    "gender": ["gender", "sex", "Пол"],
    "grade": ["grade", "class", "Класс"],
    "subjects": ["subjects", "subject", "Предметы", "Предмет", "Преподаваемые предметы", "Любимые предметы"],
    "interests": ["interests", "Интересы", "Увлечения", "Интересы и увлечения"],
    "offers": ["offers", "Чем могу помочь", "Сферы помощи", "Предлагаю"],
    "needs": ["needs", "Запрос", "Запросы", "В чём нужна помощь", "В чем нужна помощь", "Потребности"],
    "availability": ["availability", "Свободное время", "Удобное время", "Доступность"],
    "experience_years": ["experience_years", "experience", "Стаж", "Педагогический стаж", "Стаж (лет)",
                         "Стаж работы"],
    "mentee_variants": ["mentee_variants", "mentee_variant", "mentee variants", "Категория наставляемого",
                        "Профиль наставляемого", "Тип наставляемого"],
    "capacity": ["capacity", "Сколько наставляемых готов взять", "Количество наставляемых",
                 "Максимум наставляемых", "Вместимость"],
    "group_min": ["group_min", "Минимальный размер группы", "Мин. размер группы"],
    "consent": ["consent", "Согласие на участие", "Согласие"],
    "data_consent": ["data_consent", "Согласие на обработку персональных данных", "Согласие на обработку ПД",
                     "Согласие на обработку данных"],
    "guardian_consent": ["guardian_consent", "Согласие законного представителя", "Согласие родителя",
                         "Согласие родителей (законных представителей)"],
    "trained": ["trained", "Прошёл подготовку", "Прошел подготовку", "Обучение наставников пройдено",
                "Подготовка пройдена"],
    "priority": ["priority", "Приоритет", "Срочность"],
    "want_gender": ["want_gender", "Пол партнёра", "Пол партнера", "Желаемый пол партнёра",
                    "Желаемый пол партнера", "Предпочитаемый пол наставника", "Предпочитаемый пол наставляемого"],
    "want_age_min": ["want_age_min", "Возраст партнёра от", "Возраст партнера от", "Желаемый возраст от"],
    "want_age_max": ["want_age_max", "Возраст партнёра до", "Возраст партнера до", "Желаемый возраст до"],
    "want_interests": ["want_interests", "Интересы партнёра", "Интересы партнера", "Желаемые интересы партнёра",
                       "Желаемые интересы партнера"],
    "want_offers": ["want_offers", "Чем должен помочь партнёр", "Чем должен помочь партнер",
                    "Желаемая помощь"],
    "hard_wishes": ["hard_wishes", "Обязательные пожелания", "Строгие пожелания"],
    "ranking": ["ranking", "Выбор после быстрых встреч", "Рейтинг", "Предпочтения после встреч"],
    "avoid": ["avoid", "Не объединять с", "Исключить", "Не в паре с"],
    "program": ["program", "programme", "Программа", "Школа"],
    # Special categories of personal data (004): read, kept out of reports unless asked.
    "health": ["health", "Здоровье", "ОВЗ", "Особенности здоровья"],
    "register": ["register", "Учёт", "Учет", "Состоит на учёте", "Состоит на учете"],
    "family": ["family", "Семья", "Семейное положение", "Социальный статус семьи"],
    "notes": ["notes", "Примечания", "Комментарий"],
}

# Per-wish hardness columns: want_gender_hard etc. (yes/no).
for _wish, _ru in (("gender", "пол"), ("age", "возраст"), ("interests", "интересы"), ("offers", "помощь")):
    FIELD_ALIASES[f"want_{_wish}_hard"] = [f"want_{_wish}_hard", f"Пожелание «{_ru}» обязательно",
                                           f"Обязательно ({_ru})"]

# Russian header used when writing files for Russian readers (sample data, templates).
RU_HEADER: dict[str, str] = {
    f: next(n for n in names if any("а" <= ch <= "я" for ch in n.lower())) for f, names in FIELD_ALIASES.items()
}

PSYCH_PREFIXES = ("psych_", "псих_", "психология: ", "тест: ")

HEADER_INDEX: dict[str, str] = {}
for _field, _names in FIELD_ALIASES.items():
    for _n in _names:
        HEADER_INDEX.setdefault(norm(_n), _field)
