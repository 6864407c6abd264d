"""The effectiveness table of the mentoring programme (002 §6, «Показатели эффективности
реализации Программы наставничества»): nine indicators in three criteria, each scored
0 (not shown), 1 (partly shown) or 2 (fully shown); a total of 15–18 is the optimal level,
9–14 acceptable, 0–8 unacceptable.
"""
from __future__ import annotations

from ..i18n import register

SCORES = (0, 1, 2)  # «не проявляется», «частично проявляется», «проявляется в полной мере»
MAX_SCORE = 2
# Criterion -> its indicators, numbered 1..9 in the order of the table in 002 §6.
CRITERIA: dict[str, tuple[int, ...]] = {
    "programme": (1, 2, 3, 4, 5),
    "participants": (6, 7),
    "mentee": (8, 9),
}
INDICATORS: tuple[int, ...] = tuple(k for ks in CRITERIA.values() for k in ks)
MAX_TOTAL = MAX_SCORE * len(INDICATORS)  # 18
# Lowest total of each band, best band first (002 §6: 15–18, 9–14, 0–8).
BANDS: tuple[tuple[str, int], ...] = (("optimal", 15), ("acceptable", 9), ("unacceptable", 0))
BAND_NAMES: tuple[str, ...] = tuple(name for name, _ in BANDS)

register({
    "effectiveness.criterion.programme": ("Оценка программы наставничества в организации",
                                          "Assessment of the mentoring programme in the organisation"),
    "effectiveness.criterion.participants": ("Определение эффективности участников наставнической деятельности",
                                             "Effectiveness of the participants of the mentoring"),
    "effectiveness.criterion.mentee": ("Изменения в личности наставляемого", "Changes in the mentee"),
    "effectiveness.indicator.1": ("Соответствие наставнической деятельности цели и задачам, по которым она "
                                  "осуществляется",
                                  "The mentoring matches the aims and tasks it is carried out for"),
    "effectiveness.indicator.2": ("Соответствие организации наставнической деятельности принципам, заложенным "
                                  "в программе",
                                  "The organisation of the mentoring follows the principles of the programme"),
    "effectiveness.indicator.3": ("Соответствие наставнической деятельности современным подходам и технологиям",
                                  "The mentoring follows modern approaches and technologies"),
    "effectiveness.indicator.4": ("Наличие комфортного психологического климата в организации",
                                  "A comfortable psychological climate in the organisation"),
    "effectiveness.indicator.5": ("Логичность деятельности наставника, понимание им ситуации наставляемого и "
                                  "правильность выбора основного направления взаимодействия",
                                  "The mentor acts consistently, understands the mentee's situation and chose the "
                                  "right main direction of the work"),
    "effectiveness.indicator.6": ("Степень удовлетворённости всех участников наставнической деятельности",
                                  "Satisfaction of all participants of the mentoring"),
    "effectiveness.indicator.7": ("Уровень удовлетворённости партнёров от взаимодействия в наставнической "
                                  "деятельности",
                                  "The partners' satisfaction with their work together"),
    "effectiveness.indicator.8": ("Активность и заинтересованность в участии в мероприятиях, связанных с "
                                  "наставнической деятельностью",
                                  "Activity and interest in the events of the mentoring"),
    "effectiveness.indicator.9": ("Степень применения наставляемыми полученных от наставника знаний, умений и "
                                  "опыта в профессиональных (учебных, жизненных) ситуациях, активная гражданская "
                                  "позиция",
                                  "The mentee applies the mentor's knowledge, skills and experience in work (study, "
                                  "life) situations; an active civic position"),
    "effectiveness.band.optimal": ("оптимальный уровень", "optimal"),
    "effectiveness.band.acceptable": ("допустимый уровень", "acceptable"),
    "effectiveness.band.unacceptable": ("недопустимый уровень", "unacceptable"),
})


def band(total: float) -> str:
    """The level of a total (a pair's, or a mean over pairs): optimal, acceptable or
    unacceptable. A mean between two integers takes the band of the range it falls in, so
    a mean of 14.6 is acceptable, not optimal."""
    return next(name for name, low in BANDS if total >= low)


def criterion_of(indicator: int) -> str:
    return next(name for name, ks in CRITERIA.items() if indicator in ks)
