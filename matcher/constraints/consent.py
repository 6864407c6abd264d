"""Consent of both sides, and of a legal guardian for minors.

«Наставничество осуществляется при обоюдном согласии» (001 §2.1.5, §2.2.5, §2.3.5);
a minor also needs a legal guardian's consent, and everyone signed consent to personal
data processing (001 §4.1, 002 §9). Parameters: [rules] in the configuration.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..arrays import CATEGORIES
from ..i18n import register
from .fix import Fix, update_people

CODE = "consent"
FORM_DEPENDENT = False
CHANGES = ("consent",)
KINDS = ("consent", "data_consent", "guardian_consent")

register({
    CODE: ("нет необходимого согласия (на участие, на обработку персональных данных "
           "или законного представителя)",
           "a required consent is missing (to take part, to personal data processing, "
           "or of a legal guardian)"),
    "consent.mentee.consent": ("наставляемый {id} {id:gender:не дал|не дала} согласия на участие в наставничестве",
                               "mentee {id} has not consented to take part in mentoring"),
    "consent.mentor.consent": ("наставник {id} {id:gender:не дал|не дала} согласия на участие в наставничестве",
                               "mentor {id} has not consented to take part in mentoring"),
    "consent.mentee.data_consent": ("наставляемый {id} {id:gender:не дал|не дала} согласия на обработку персональных данных",
                                    "mentee {id} has not consented to personal data processing"),
    "consent.mentor.data_consent": ("наставник {id} {id:gender:не дал|не дала} согласия на обработку персональных данных",
                                    "mentor {id} has not consented to personal data processing"),
    "consent.mentee.guardian_consent": ("наставляемый {id} {id:gender:несовершеннолетний|несовершеннолетняя}, а согласия "
                                        "{id:gender:его|её} "
                                        "законного представителя нет",
                                        "mentee {id} is a minor without a legal guardian's consent"),
    "consent.mentor.guardian_consent": ("наставник {id} {id:gender:несовершеннолетний|несовершеннолетняя}, а согласия "
                                        "{id:gender:его|её} "
                                        "законного представителя нет",
                                        "mentor {id} is a minor without a legal guardian's consent"),
    "change.consent": ("получить {items}", "obtain {items}"),
    # whose consents: «согласие на участие и согласие законного представителя этого наставляемого»;
    # a named person after a colon, in the nominative: «согласие на участие: наставник Петров Иван (R1)»
    "change.consent.item": ("{kinds} {who}", "{kinds} for {who}"),
    "change.consent.item.named": ("{kinds}: {who}", "{kinds} for {who}"),
    "change.consent.sep": (", ", ", "),
    "change.consent.items_sep": ("; ", ", "),
    "change.consent.and": (" и ", " and "),
    "change.consent.kind.consent": ("согласие на участие", "consent to take part"),
    "change.consent.kind.data_consent": ("согласие на обработку персональных данных", "consent to personal data processing"),
    "change.consent.kind.guardian_consent": ("согласие законного представителя", "a legal guardian's consent"),
})

_STUDENT = CATEGORIES.index("student")


def _missing(side, rules, idx) -> dict[str, np.ndarray]:
    """Per kind of consent: whether the people `idx` of `side` lack it (only kinds required);
    for one person (an int), one bool each."""
    def given(values):
        v = values[idx]
        if rules.missing_consent_is_no:
            return v == 1
        return v != 0

    out = {}
    if rules.require_consent:
        out["consent"] = ~given(side.consent)
    if rules.require_data_consent:
        out["data_consent"] = ~given(side.data_consent)
    if rules.require_guardian_consent:
        age = side.age[idx]
        # Unknown age: a school student is presumed a minor, an adult category is not.
        minor = (age < rules.adult_age) | (np.isnan(age) & (side.category[idx] == _STUDENT))
        out["guardian_consent"] = minor & ~given(side.guardian_consent)
    return out


def _side_ok(side, rules) -> np.ndarray:
    ok = np.ones(side.n, dtype=bool)
    for lacking in _missing(side, rules, slice(None)).values():
        ok &= ~lacking
    return ok


def check(roster, mentee, mentor, form):
    rules = roster.config.rules
    return _side_ok(roster.mentees, rules)[mentee] & _side_ok(roster.mentors, rules)[mentor]


def _person_missing(side, rules, who: str, k: int) -> list[tuple]:
    """The consents person k of `side` lacks, as (who, id, kind, answer); kept on the side per
    person (explanations ask for a mentor's once per blocked pair: hundreds of times)."""
    memo = side.__dict__.setdefault("_consent_missing", {})
    found = memo.get((id(rules), who))
    if found is None or found[0] is not rules:
        # Every person's lacking consents at once (_missing), read as Python values.
        lacking = _missing(side, rules, slice(None))
        columns = [(kind, lacking[kind].tolist(), (getattr(side, kind) == -1).tolist())
                   for kind in KINDS if kind in lacking]
        found = memo[(id(rules), who)] = (rules, columns, {})
    _, columns, people = found
    items = people.get(k)
    if items is None:
        items = people[k] = [(who, side.ids[k], kind, "unknown" if unknown[k] else "no")
                             for kind, lacks, unknown in columns if lacks[k]]
    return items


def details(roster, mentee, mentor, form):
    """The first missing consent as the message; `missing` lists every one, for suggestions."""
    rules = roster.config.rules
    missing = [{"who": who, "id": pid, "consent": kind, "answer": answer}
               for who, side, k in (("mentee", roster.mentees, mentee), ("mentor", roster.mentors, mentor))
               for who, pid, kind, answer in _person_missing(side, rules, who, int(k))]
    if not missing:
        return {}
    first = missing[0]
    return {"code": f"consent.{first['who']}.{first['consent']}", **first, "missing": missing}


def suggest(roster, mentee, mentor, form, details):
    """Every missing consent of the pair, obtained at once."""
    if not details.get("missing"):
        return []
    missing = [{"who": m["who"], "id": m["id"], "consent": m["consent"]} for m in details["missing"]]
    mentee_only = all(m["who"] == "mentee" for m in missing)
    change = {"change": "consent", "mentor_id": None if mentee_only else roster.mentors.ids[mentor],
              "params": {"missing": missing}}
    return [Fix(change, "mentee" if mentee_only else "person",
                parts=frozenset((m["who"], m["id"], m["consent"]) for m in missing))]


def apply(people, config, change):
    for item in change["params"]["missing"]:
        people = update_people(people, item["id"], item["who"] == "mentor", lambda p, c=item["consent"]: {c: True})
    return people, config


def patch(roster, change):
    """The roster as build_roster would give it once the mentee's consents are given."""
    side = roster.mentees
    updates = {}
    for item in change["params"]["missing"]:
        arr = updates.get(item["consent"], getattr(side, item["consent"]).copy())
        arr[side.index[item["id"]]] = 1
        updates[item["consent"]] = arr
    return dataclasses.replace(roster, mentees=dataclasses.replace(side, **updates))


def change_words(change, words, self_id=None):
    """Each consent to obtain, person by person: the consents, then whose."""
    kinds: dict[tuple, list[str]] = {}
    for m in change["params"].get("missing") or []:
        kind = f"change.consent.kind.{m.get('consent')}"
        kinds.setdefault((m.get("who"), m.get("id")), []).append(
            words.text(kind) if words.has(kind) else str(m.get("consent")))
    sep, last = words.text("change.consent.sep"), words.text("change.consent.and")
    items = [words.text("change.consent.item" if pid == self_id else "change.consent.item.named", {
        "kinds": sep.join(names[:-1]) + last + names[-1] if len(names) > 1 else names[0],
        "who": words.who(who, pid, self_id, of=True)}) for (who, pid), names in kinds.items()]
    return {"items": words.text("change.consent.items_sep").join(items)}
