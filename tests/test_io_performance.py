"""Ingest scales linearly: a large school reads and validates in seconds (the benchmark
measures 100k participants; here a smaller school guards against quadratic work)."""
from __future__ import annotations

import time

from matcher.config import load_config
from matcher.io import load

N_MENTORS, N_MENTEES = 4_000, 16_000


def school(tmp_path):
    mentors = ["ID;ФИО;Категория;Форма;Возраст;Пол;Сколько наставляемых готов взять;Согласие на участие;"
               "Согласие на обработку персональных данных;Интересы;Чем могу помочь;psych_extraversion"]
    for i in range(N_MENTORS):
        mentors.append(f"M{i};Петрова Анна {i};учитель;Учитель – ученик;{30 + i % 30};ж;{1 + i % 4};да;да;"
                       f"шахматы, музыка {i % 50};учёба, проекты;{i % 10},5")
    mentees = ["ID;ФИО;Категория;Форма;Дата рождения;Пол;Класс;Согласие на участие;"
               "Согласие на обработку персональных данных;Согласие законного представителя;Интересы;Запрос;"
               "Не объединять с;Выбор после быстрых встреч"]
    for i in range(N_MENTEES):
        mentees.append(f"E{i};Иванов Иван {i};ученик;учитель-ученик;{1 + i % 28:02d}.0{1 + i % 9}.2013;м;"
                       f"{5 + i % 6}Б;да;да;да;музыка {i % 50};учёба;M{i % N_MENTORS};"
                       f"M{(i + 1) % N_MENTORS}, M{(i + 2) % N_MENTORS}")
    (tmp_path / "mentors.csv").write_text("\n".join(mentors) + "\n", encoding="utf-8-sig")
    (tmp_path / "mentees.csv").write_text("\n".join(mentees) + "\n", encoding="cp1251")
    return tmp_path / "mentors.csv", tmp_path / "mentees.csv"


def test_twenty_thousand_participants_load_in_a_few_seconds(tmp_path):
    mentors, mentees = school(tmp_path)
    config = load_config()
    start = time.process_time()
    ingest = load(mentors=mentors, mentees=mentees, config=config)
    spent = time.process_time() - start
    assert ingest.report.errors == []
    assert len(ingest.participants) == N_MENTORS + N_MENTEES
    assert ingest.participants[-1].ranking == ["M0", "M1"]
    assert spent < 8.0, f"{spent:.1f} s of CPU for {N_MENTORS + N_MENTEES} participants"
