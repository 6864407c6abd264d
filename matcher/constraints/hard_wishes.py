"""Mirror wishes that a participant marked as hard must hold, in both directions.

Mirror questionnaires (004) ask each side about the partner they want: gender, age range,
interests, spheres (`want_offers`: what the mentor offers / what the mentee needs). A wish
is a soft score unless its owner marked it hard (`hard_wishes`); then the pair is blocked
when the partner does not fit it. An empty wish is no constraint; an unknown partner
attribute cannot satisfy a hard wish about it.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..arrays import WISH_BIT, everyone, pairs_where, popcount, popcount_and
from ..i18n import register
from .fix import Fix, update_people

CODE = "hard_wishes"
FORM_DEPENDENT = False
CHANGES = ("hard_wish",)

_MESSAGES = {
    CODE: ("не выполнено обязательное пожелание наставника или наставляемого",
           "a hard wish of the mentor or the mentee is not met"),
    "hard_wishes.mentee.gender.f": ("наставляемый {id} {id:gender:согласен|согласна} только на наставника женского пола, "
                                    "а наставник {partner_id} — мужского",
                                    "mentee {id} accepts only a female mentor, and {partner_id} is male"),
    "hard_wishes.mentee.gender.m": ("наставляемый {id} {id:gender:согласен|согласна} только на наставника мужского пола, "
                                    "а наставник {partner_id} — женского",
                                    "mentee {id} accepts only a male mentor, and {partner_id} is female"),
    "hard_wishes.mentee.gender_unknown": ("наставляемый {id} {id:gender:сделал|сделала} пол наставника обязательным "
                                          "условием; наставник {partner_id}: пол не указан",
                                          "mentee {id} made the mentor's gender a hard wish, and the gender "
                                          "of {partner_id} is unknown"),
    "hard_wishes.mentee.age": ("наставляемый {id} {id:gender:согласен|согласна} только на наставника в возрасте "
                               "{wanted} (в годах); наставник {partner_id}: возраст — {actual}",
                               "mentee {id} accepts only a mentor aged {wanted}, and {partner_id} is {actual}"),
    "hard_wishes.mentee.age_unknown": ("наставляемый {id} {id:gender:сделал|сделала} возраст наставника ({wanted}) "
                                       "обязательным условием; наставник {partner_id}: возраст не указан",
                                       "mentee {id} made the mentor's age ({wanted}) a hard wish, and the age "
                                       "of {partner_id} is unknown"),
    "hard_wishes.mentee.interests": ("наставляемый {id} хочет наставника с интересами: {wanted}; "
                                     "наставник {partner_id} не разделяет ни одного из них",
                                     "mentee {id} wants a mentor interested in: {wanted}; {partner_id} "
                                     "shares none of them"),
    "hard_wishes.mentee.offers": ("наставляемый {id} хочет наставника, который предлагает: {wanted}; "
                                  "наставник {partner_id} ничего из этого не предлагает",
                                  "mentee {id} wants a mentor who offers: {wanted}; {partner_id} offers "
                                  "none of it"),
    "hard_wishes.mentor.gender.f": ("наставник {id} {id:gender:готов|готова} работать только с наставляемыми женского "
                                    "пола, а наставляемый {partner_id} — мужского",
                                    "mentor {id} accepts only female mentees, and {partner_id} is male"),
    "hard_wishes.mentor.gender.m": ("наставник {id} {id:gender:готов|готова} работать только с наставляемыми мужского "
                                    "пола, а наставляемый {partner_id} — женского",
                                    "mentor {id} accepts only male mentees, and {partner_id} is female"),
    "hard_wishes.mentor.gender_unknown": ("наставник {id} {id:gender:сделал|сделала} пол наставляемого обязательным "
                                          "условием; наставляемый {partner_id}: пол не указан",
                                          "mentor {id} made the mentee's gender a hard wish, and the gender "
                                          "of {partner_id} is unknown"),
    "hard_wishes.mentor.age": ("наставник {id} {id:gender:готов|готова} работать только с наставляемыми в "
                               "возрасте {wanted} (в годах); наставляемый {partner_id}: возраст — {actual}",
                               "mentor {id} accepts only mentees aged {wanted}, and {partner_id} is {actual}"),
    "hard_wishes.mentor.age_unknown": ("наставник {id} {id:gender:сделал|сделала} возраст наставляемого ({wanted}) "
                                       "обязательным условием; наставляемый {partner_id}: возраст не указан",
                                       "mentor {id} made the mentee's age ({wanted}) a hard wish, and the age "
                                       "of {partner_id} is unknown"),
    "hard_wishes.mentor.interests": ("наставник {id} хочет наставляемого с интересами: {wanted}; "
                                     "наставляемый {partner_id} не разделяет ни одного из них",
                                     "mentor {id} wants a mentee interested in: {wanted}; {partner_id} "
                                     "shares none of them"),
    "hard_wishes.mentor.offers": ("наставник {id} {id:gender:готов|готова} работать только с запросами: {wanted}; "
                                  "наставляемый {partner_id}: таких запросов нет",
                                  "mentor {id} takes only requests for: {wanted}; {partner_id} has none "
                                  "of them"),
    "change.hard_wish": ("{who} соглашается считать пожелание «{wish}» необязательным",
                         "{who} agrees to make the wish '{wish}' optional"),
    "change.hard_wish.wish.gender": ("пол партнёра", "the partner's gender"),
    "change.hard_wish.wish.age": ("возраст партнёра", "the partner's age"),
    "change.hard_wish.wish.interests": ("интересы партнёра", "the partner's interests"),
    "change.hard_wish.wish.offers": ("чем помогает наставник", "what the mentor offers"),
}
register(_MESSAGES)

WISHES = ("gender", "age", "interests", "offers")
# The partner's self-description each wish is compared with; a mentor offers, a mentee needs.
_PARTNER_SET = {("mentee", "interests"): "interests", ("mentor", "interests"): "interests",
                ("mentee", "offers"): "offers", ("mentor", "offers"): "needs"}
_WISH_SET = {"interests": "want_interests", "offers": "want_offers"}
_VOCAB = {"interests": "interests", "offers": "spheres"}


def _active(side, wish: str, idx=slice(None)) -> np.ndarray:
    """Per person `idx` of `side`: the wish is marked hard and says something."""
    hard = (side.hard_wishes[idx] & np.uint8(WISH_BIT[wish])) != 0
    if wish == "gender":
        return hard & (side.want_gender[idx] != 0)
    if wish == "age":
        return hard & ~(np.isnan(side.want_age_min[idx]) & np.isnan(side.want_age_max[idx]))
    return hard & (popcount(side.sets[_WISH_SET[wish]][idx]) > 0)


def _holds(who: str, wish: str, wisher, partner, w: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Whether partner p fits wisher w's wish (assumed active), for aligned index arrays."""
    if wish == "gender":
        return partner.gender[p] == wisher.want_gender[w]  # unknown gender 0 never matches
    if wish == "age":
        age = partner.age[p]
        # A missing bound (nan) compares False, so it leaves that end open.
        return ~np.isnan(age) & ~(age < wisher.want_age_min[w]) & ~(age > wisher.want_age_max[w])
    wanted = wisher.sets[_WISH_SET[wish]][w]
    return popcount_and(wanted, partner.sets[_PARTNER_SET[who, wish]][p]) > 0


def _directions(roster, mentee, mentor):
    yield "mentee", roster.mentees, roster.mentors, mentee, mentor
    yield "mentor", roster.mentors, roster.mentees, mentor, mentee


def check(roster, mentee, mentor, form):
    ok = everyone(mentee, mentor)
    for who, wisher, partner, w_all, p_all in _directions(roster, np.asarray(mentee), np.asarray(mentor)):
        for wish in WISHES:
            active = _active(wisher, wish)[w_all]
            if active.any():
                # Hard wishes are rare: evaluate only the pairs whose wisher holds one.
                ok = ok if ok.flags.writeable else np.ones(ok.shape, dtype=bool)
                at, w, p = pairs_where(w_all, p_all, active)
                ok[at] &= _holds(who, wish, wisher, partner, w, p)
    return ok


def _names(roster, kind: str, bits: np.ndarray) -> list[str]:
    vocab = roster.vocab[kind]
    return [v for k, v in enumerate(vocab) if int(bits[k >> 6]) >> (k & 63) & 1]


def _age_range(lo: float, hi: float) -> str:
    if np.isnan(lo):
        return f"≤{hi:g}"
    if np.isnan(hi):
        return f"≥{lo:g}"
    return f"{lo:g}–{hi:g}"


def details(roster, mentee, mentor, form):
    """The first unmet hard wish: who holds it, which wish, wanted vs actual."""
    for who, wisher, partner, w, p in _directions(roster, mentee, mentor):
        for wish in WISHES:
            if not _active(wisher, wish, np.array([w]))[0]:
                continue
            if _holds(who, wish, wisher, partner, np.array([w]), np.array([p]))[0]:
                continue
            params = {"who": who, "id": wisher.ids[w], "partner_id": partner.ids[p], "wish": wish}
            if wish == "gender":
                wanted = "f" if wisher.want_gender[w] == 1 else "m"
                actual = {1: "f", 2: "m"}.get(int(partner.gender[p]))
                code = f"hard_wishes.{who}.gender.{wanted}" if actual else f"hard_wishes.{who}.gender_unknown"
                return {"code": code, "wanted": wanted, "actual": actual, **params}
            if wish == "age":
                lo, hi = float(wisher.want_age_min[w]), float(wisher.want_age_max[w])
                age = float(partner.age[p])
                unknown = np.isnan(age)
                return {"code": f"hard_wishes.{who}.age" + ("_unknown" if unknown else ""),
                        "wanted": _age_range(lo, hi), "want_age_min": None if np.isnan(lo) else lo,
                        "want_age_max": None if np.isnan(hi) else hi,
                        "actual": None if unknown else age, **params}
            kind = _VOCAB[wish]
            return {"code": f"hard_wishes.{who}.{wish}",
                    "wanted": _names(roster, kind, wisher.sets[_WISH_SET[wish]][w]),
                    "actual": _names(roster, kind, partner.sets[_PARTNER_SET[who, wish]][p]), **params}
    return {}


def suggest(roster, mentee, mentor, form, details):
    """The holder of the unmet wish makes it optional (a soft wish, still scored)."""
    if not details.get("wish"):
        return []
    who = details["who"]
    change = {"change": "hard_wish", "mentor_id": None if who == "mentee" else roster.mentors.ids[mentor],
              "params": {"who": who, "id": details["id"], "wish": details["wish"]}}
    return [Fix(change, "mentee" if who == "mentee" else "person")]


def apply(people, config, change):
    params = change["params"]
    return update_people(people, params["id"], params["who"] == "mentor",
                         lambda p: {"hard_wishes": [w for w in p.hard_wishes if w != params["wish"]]}), config


def patch(roster, change):
    """The roster as build_roster would give it once the mentee's wish is optional."""
    params = change["params"]
    side = roster.mentees
    arr = side.hard_wishes.copy()
    arr[side.index[params["id"]]] &= np.uint8(~WISH_BIT[params["wish"]] & 0xFF)
    return dataclasses.replace(roster, mentees=dataclasses.replace(side, hard_wishes=arr))


def change_words(change, words, self_id=None):
    """Whose wish becomes optional, and which."""
    params = change["params"]
    wish = f"change.hard_wish.wish.{params.get('wish')}"
    return {"who": words.who(params.get("who"), params.get("id"), self_id),
            "wish": words.text(wish) if words.has(wish) else str(params.get("wish"))}
