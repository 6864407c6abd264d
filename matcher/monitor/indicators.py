"""The effectiveness table of the programme's monitoring (002 §6, «Показатели эффективности
реализации Программы наставничества»): nine indicators under three criteria, each scored
2 (shown in full), 1 (partly shown) or 0 (not shown); the sum of a pair's nine scores falls in
a band: 15–18 optimal, 9–14 acceptable, 0–8 unacceptable.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text import norm


@dataclass(frozen=True)
class Criterion:
    code: str
    title_ru: str
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_ru if lang == "ru" else self.title_en


@dataclass(frozen=True)
class Indicator:
    number: int  # 1..9, the row of the table in 002 §6 (and monitoring_score.indicator)
    code: str  # the English short name: the column's canonical field
    criterion: str
    title_ru: str  # the wording of 002 §6
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_ru if lang == "ru" else self.title_en


CRITERIA: tuple[Criterion, ...] = (
    Criterion("programme", "Оценка программы наставничества в организации",
              "Assessment of the mentoring programme in the organisation"),
    Criterion("participants", "Определение эффективности участников наставнической деятельности в организации",
              "Effectiveness of the participants of mentoring in the organisation"),
    Criterion("mentee_growth", "Изменения в личности наставляемого", "Changes in the mentee's personality"),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(1, "goals", "programme",
              "Соответствие наставнической деятельности цели и задачам, по которым она осуществляется",
              "Mentoring serves the goals and tasks it is carried out for"),
    Indicator(2, "principles", "programme",
              "Оценка соответствия организации наставнической деятельности принципам, заложенным в программе",
              "Mentoring is organised on the principles the programme sets"),
    Indicator(3, "approaches", "programme",
              "Соответствие наставнической деятельности современным подходам и технологиям",
              "Mentoring follows current approaches and technologies"),
    Indicator(4, "climate", "programme",
              "Наличие комфортного психологического климата в организации",
              "A comfortable psychological climate in the organisation"),
    Indicator(5, "mentor_approach", "programme",
              "Логичность деятельности наставника, понимание им ситуации наставляемого и правильность выбора "
              "основного направления взаимодействия",
              "The mentor's work is consistent, understands the mentee's situation and chose the right main "
              "direction of their work together"),
    Indicator(6, "participants_satisfaction", "participants",
              "Степень удовлетворенности всех участников наставнической деятельности",
              "Satisfaction of all participants of mentoring"),
    Indicator(7, "partners_satisfaction", "participants",
              "Уровень удовлетворенности партнеров от взаимодействия в наставнической деятельности",
              "The partners' satisfaction with their work together"),
    Indicator(8, "engagement", "mentee_growth",
              "Активность и заинтересованность в участии в мероприятиях, связанных с наставнической деятельностью",
              "Activity and interest in taking part in mentoring events"),
    Indicator(9, "application", "mentee_growth",
              "Степень применения наставляемыми полученных от наставника знаний, умений и опыта в профессиональных "
              "(учебных, жизненных) ситуациях, активная гражданская позиция",
              "The mentee applies the mentor's knowledge, skills and experience in work (study, life) "
              "situations; an active civic stance"),
)
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}
INDICATOR_BY_NUMBER = {i.number: i for i in INDICATORS}
NUMBERS = tuple(INDICATOR_BY_NUMBER)  # 1..9
CRITERION_BY_CODE = {c.code: c for c in CRITERIA}
MAX_SCORE = 2
MAX_TOTAL = MAX_SCORE * len(INDICATORS)

# A pair's total: (lowest total of the band, band code, Russian, English), highest band first.
BANDS: tuple[tuple[int, str, str, str], ...] = (
    (15, "optimal", "оптимальный уровень", "optimal"),
    (9, "acceptable", "допустимый уровень", "acceptable"),
    (0, "unacceptable", "недопустимый уровень", "unacceptable"),
)


def band(total: int) -> str:
    """The band code of a pair's total of nine scores (0..18)."""
    return next(code for low, code, _ru, _en in BANDS if total >= low)


BAND_CODES: tuple[str, ...] = tuple(code for _low, code, _ru, _en in BANDS)


def band_title(code: str, lang: str) -> str:
    ru, en = next((ru, en) for _low, c, ru, en in BANDS if c == code)
    return ru if lang == "ru" else en


def indicator_headers(indicator: Indicator) -> list[str]:
    """Headers a column of this indicator may have (compared after text.norm): the short name,
    «Показатель N» and its variants, the wording of 002 §6 and its English title."""
    n = indicator.number
    return [indicator.code, f"Показатель {n}", indicator.title_ru, f"indicator_{n}", f"indicator {n}",
            f"Показатель №{n}", f"Показатель № {n}", f"П{n}", f"I{n}", f"{n}. {indicator.title_ru}",
            indicator.title_en, f"{n}. {indicator.title_en}"]


# Answers of the table's three columns (002 §6) and the numbers themselves.
SCORE_WORDS: dict[int, list[str]] = {
    2: ["2", "проявляется в полной мере", "в полной мере", "полностью", "2 балла", "fully", "fully shown", "full"],
    1: ["1", "частично", "частично проявляется", "проявляется частично", "1 балл", "partly", "partially",
        "partly shown"],
    0: ["0", "не проявляется", "0 баллов", "not shown", "not at all"],
}
SCORE_INDEX = {norm(word): score for score, words in SCORE_WORDS.items() for word in words}
