"""The mentee's requests covered by what the mentor offers.

000 §7: the mentee base is a «карта запросов»; 004: pairs are formed on «запросы».
Score = share of the mentee's needs the mentor offers. A mentee who stated no needs
gets a neutral 0.5 with every mentor; a mentor who offers nothing covers nothing (0).
"""
from __future__ import annotations

import numpy as np

from ..i18n import register
from ..arrays import count_and
from ._util import count, decoder, localized, row_kinds

NAME = "needs"

register({
    "needs.covered": ("наставник закрывает все запросы: {covered_ru}",
                      "the mentor covers every need: {covered_en}"),
    "needs.partly": ("закрыты запросы: {covered_ru}; не закрыты: {uncovered_ru}",
                     "needs covered: {covered_en}; not covered: {uncovered_en}"),
    "needs.none": ("наставник не закрывает ни одного запроса: {uncovered_ru}",
                   "the mentor covers none of the needs: {uncovered_en}"),
    "needs.no_offers": ("наставник не указал, чем может помочь; запросы: {uncovered_ru}",
                        "the mentor stated no offers; needs: {uncovered_en}"),
    "needs.unknown": ("наставляемый не указал запросов", "the mentee stated no needs"),
})

NEUTRAL = 0.5


def applies(roster) -> bool:
    """Informative only if some mentee stated a need (otherwise every pair is neutral)."""
    return bool(roster.mentees.sets["needs"].any())


def kinds(roster):
    return row_kinds(roster.mentees.sets["needs"]), row_kinds(roster.mentors.sets["offers"])


def score(roster, mentee, mentor):
    needs = roster.mentees.sets["needs"]
    offers = roster.mentors.sets["offers"]
    n_needs = count(needs, mentee)
    covered = count_and(needs, mentee, offers, mentor)
    value = covered / np.maximum(n_needs, 1)
    return np.where(n_needs > 0, value, NEUTRAL).astype(np.float32)


def explain(roster, mentee, mentor):
    return explain_pairs(roster, [int(mentee)], [int(mentor)])[0]


def explain_pairs(roster, mentees, mentors) -> list[tuple[str, dict]]:
    """`explain` of many pairs at once, each person's sets decoded once."""
    vocab = roster.vocab["spheres"]
    need = decoder(roster.mentees.sets["needs"], vocab, mentees)
    offer = decoder(roster.mentors.sets["offers"], vocab, mentors)
    return [_explain(need(i)[0], offer(j)[1]) for i, j in zip(map(int, mentees), map(int, mentors))]


def _explain(needs: list[str], offers: set[str]) -> tuple[str, dict]:
    if not needs:
        return "needs.unknown", {}
    covered = [n for n in needs if n in offers]
    uncovered = [n for n in needs if n not in offers]
    params = {**localized("covered", covered, "sphere."), **localized("uncovered", uncovered, "sphere."),
              "count": len(covered), "of": len(needs)}
    if not offers:
        code = "needs.no_offers"
    elif not uncovered:
        code = "needs.covered"
    elif covered:
        code = "needs.partly"
    else:
        code = "needs.none"
    return code, params
