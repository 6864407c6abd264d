"""An independent checker of the hard rules, for tests.

A small, obvious re-implementation of every hard rule, read straight from Participant
fields and the configuration (docs/domain.md, "Rules that are hard constraints").
It never imports matcher.constraints, matcher.graph or matcher.solve: the solver's output
is judged by a second opinion, not by the code that produced it.

Semantics of unknown values, as the rule modules document them:
- consent: with rules.missing_consent_is_no an empty answer is "no", otherwise only an
  explicit "no" blocks; a guardian's consent is needed by anyone younger than
  rules.adult_age, and by a student whose age is unknown;
- age gap: "N years older" means the mentee was born on or after the mentor's N-th birthday
  (month-anniversary for a fractional N). An age in whole years stands for every birth date
  giving that age at the reference date: the pair passes only if the latest such date of the
  mentor and the earliest of the mentee pass. An unknown age cannot prove the gap (blocked);
- grade order: an unknown grade cannot prove the order (blocked);
- mentee variant: a form accepting variants (or with only max_mentee_experience set: young
  specialists) takes a mentee who states one of them; a young specialist is also one by
  category young_teacher or by experience within the maximum (unknown experience: not proven);
- experience: an unknown experience on either side does not fail "the mentor is more
  experienced";
- mentee bounds: whole years at the reference date and the grade within the form's bounds;
  an unknown age or grade never passes a bound;
- trained: unknown is not trained;
- hard wishes: a hard wish that says nothing is no constraint; an unknown partner
  attribute never satisfies one; an age wish with one bound leaves the other end open;
  a mentee's offers wish is compared with the mentor's offers, a mentor's with the
  mentee's needs.
Texts are compared after trimming and folding case (the tests' vocabularies are canonical).
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Callable, Iterable

from matcher.config import ProgramConfig
from matcher.models import Participant

Triple = tuple[str, str, str]  # (mentee_id, mentor_id, form)


def age_years(p: Participant, reference: dt.date) -> float | None:
    """Whole years at the reference date; a birth date wins over a stated age."""
    if p.birth_date is not None:
        b = p.birth_date
        years = reference.year - b.year
        if (reference.month, reference.day) < (b.month, b.day):
            years -= 1
        return float(years)
    return None if p.age is None else float(p.age)


@lru_cache(maxsize=None)
def _births_giving_age(whole_years: int, reference: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest and latest birth date that give `whole_years` at the reference date,
    found by trying every day of the three years around them."""
    day = dt.date(reference.year - whole_years - 2, 1, 1)
    fits = []
    while day.year <= reference.year - whole_years:
        b = day
        years = reference.year - b.year - (1 if (reference.month, reference.day) < (b.month, b.day) else 0)
        if years == whole_years:
            fits.append(day)
        day += dt.timedelta(days=1)
    return fits[0], fits[-1]


def birth_window(p: Participant, reference: dt.date) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest birth date the questionnaire allows; None when the age is unknown."""
    if p.birth_date is not None:
        return p.birth_date, p.birth_date
    if p.age is None:
        return None
    return _births_giving_age(math.floor(p.age), reference)


def at_least_older(mentor_birth: dt.date, mentee_birth: dt.date, years: float) -> bool:
    """Born on or after the mentor's N-th birthday (a day missing that month, 29.02, falls after its last day)."""
    months = round(years * 12)
    y, m = divmod(mentor_birth.year * 12 + mentor_birth.month - 1 + months, 12)
    return (y, m + 1, mentor_birth.day) <= (mentee_birth.year, mentee_birth.month, mentee_birth.day)


def age_gap_holds(mentee: Participant, mentor: Participant, years: float, reference: dt.date) -> bool:
    if years <= 0:
        return True
    mentor_window, mentee_window = birth_window(mentor, reference), birth_window(mentee, reference)
    if mentor_window is None or mentee_window is None:
        return False
    return at_least_older(mentor_window[1], mentee_window[0], years)


def mentee_variant_fits(mentee: Participant, rule) -> bool:
    accepted = list(rule.mentee_variants) or (["young_specialist"] if rule.max_mentee_experience is not None else [])
    if not accepted:
        return True
    if set(mentee.mentee_variants) & set(accepted):
        return True
    if "young_specialist" not in accepted:
        return False
    if mentee.category == "young_teacher":
        return True
    return (rule.max_mentee_experience is not None and mentee.experience_years is not None
            and mentee.experience_years <= rule.max_mentee_experience)


def mentee_within_bounds(mentee: Participant, rule, reference: dt.date) -> bool:
    age = age_years(mentee, reference)
    if rule.mentee_min_age is not None and (age is None or math.floor(age) < rule.mentee_min_age):
        return False
    if rule.mentee_max_age is not None and (age is None or math.floor(age) > rule.mentee_max_age):
        return False
    if rule.mentee_min_grade is not None and (mentee.grade is None or mentee.grade < rule.mentee_min_grade):
        return False
    if rule.mentee_max_grade is not None and (mentee.grade is None or mentee.grade > rule.mentee_max_grade):
        return False
    return True


def _words(values: Iterable[str]) -> set[str]:
    return {v.strip().casefold() for v in values if v.strip()}


def _consent_given(value: bool | None, config: ProgramConfig) -> bool:
    if value is None:
        return not config.rules.missing_consent_is_no
    return value


def _person_consents(p: Participant, config: ProgramConfig) -> bool:
    rules = config.rules
    if rules.require_consent and not _consent_given(p.consent, config):
        return False
    if rules.require_data_consent and not _consent_given(p.data_consent, config):
        return False
    if rules.require_guardian_consent:
        age = age_years(p, config.reference_date())
        minor = age < rules.adult_age if age is not None else p.category == "student"
        if minor and not _consent_given(p.guardian_consent, config):
            return False
    return True


def _hard_wish_holds(wisher: Participant, partner: Participant, wisher_is_mentee: bool,
                     config: ProgramConfig) -> bool:
    hard = set(wisher.hard_wishes)
    if "gender" in hard and wisher.want_gender is not None:
        if partner.gender != wisher.want_gender:
            return False
    if "age" in hard and (wisher.want_age_min is not None or wisher.want_age_max is not None):
        age = age_years(partner, config.reference_date())
        if age is None:
            return False
        if wisher.want_age_min is not None and age < wisher.want_age_min:
            return False
        if wisher.want_age_max is not None and age > wisher.want_age_max:
            return False
    if "interests" in hard and _words(wisher.want_interests):
        if not _words(wisher.want_interests) & _words(partner.interests):
            return False
    if "offers" in hard and _words(wisher.want_offers):
        partner_side = partner.offers if wisher_is_mentee else partner.needs
        if not _words(wisher.want_offers) & _words(partner_side):
            return False
    return True


def pair_violations(mentee: Participant, mentor: Participant, form: str, config: ProgramConfig) -> list[str]:
    """Every hard rule the pair (mentee, mentor) breaks in `form`; [] = allowed."""
    out = []
    rule = config.forms.get(form)
    ref = config.reference_date()
    if mentee.id == mentor.id:
        out.append("self_pair")
    if rule is None or form not in mentee.forms or form not in mentor.forms:
        out.append("form")
        return out
    if rule.mentor_categories and mentor.category not in rule.mentor_categories:
        out.append("form")
    if rule.mentee_categories and mentee.category not in rule.mentee_categories:
        out.append("form")
    if not (_person_consents(mentee, config) and _person_consents(mentor, config)):
        out.append("consent")
    if not age_gap_holds(mentee, mentor, rule.min_age_gap, ref):
        out.append("age_gap")
    if rule.min_grade_gap is not None:
        if mentor.grade is None or mentee.grade is None or mentor.grade < mentee.grade + rule.min_grade_gap:
            out.append("grade_order")
    if not mentee_variant_fits(mentee, rule):
        out.append("mentee_variant")
    if rule.max_mentee_experience is not None:
        if (mentor.experience_years is not None and mentee.experience_years is not None
                and mentor.experience_years <= mentee.experience_years):
            out.append("experience")
    if not mentee_within_bounds(mentee, rule, ref):
        out.append("mentee_bounds")
    if rule.same_subject and not _words(mentor.subjects) & _words(mentee.subjects):
        out.append("same_subject")
    if rule.require_trained and mentor.trained is not True:
        out.append("trained")
    if mentor.id in mentee.avoid or mentee.id in mentor.avoid:
        out.append("avoid")
    if not (_hard_wish_holds(mentee, mentor, True, config) and _hard_wish_holds(mentor, mentee, False, config)):
        out.append("hard_wishes")
    return out


def allowed_forms(mentee: Participant, mentor: Participant, config: ProgramConfig) -> list[str]:
    """Forms (in configuration order) in which the pair breaks no pair-level rule."""
    return [f for f in config.forms if not pair_violations(mentee, mentor, f, config)]


def assignment_violations(participants: list[Participant], config: ProgramConfig, pairs: Iterable[Triple], *,
                          locks: Iterable[tuple[str, str, str | None]] = (),
                          forbids: Iterable[tuple[str, str]] = (),
                          score: Callable[[str, str], float] | None = None) -> list[str]:
    """Every hard rule a whole assignment breaks, as readable strings; [] = legal.

    `pairs`: (mentee_id, mentor_id, form); `locks`: (mentee_id, mentor_id, form or None)
    that must be present; `forbids`: (mentee_id, mentor_id) never present; `score`: the
    pair's total score 0..1, checked against program.min_score."""
    pairs = list(pairs)
    by_id = {p.id: p for p in participants}
    prog = config.program
    out = []
    for t, m, f in pairs:
        mentee, mentor = by_id.get(t), by_id.get(m)
        if mentee is None or not mentee.is_mentee or mentor is None or not mentor.is_mentor:
            out.append(f"{m}->{t}: not a mentor and a mentee")
            continue
        for code in pair_violations(mentee, mentor, f, config):
            out.append(f"{m}->{t} [{f}]: {code}")
        if score is not None and prog.min_score > 0 and score(t, m) < prog.min_score - 1e-9:
            out.append(f"{m}->{t}: score {score(t, m):.4f} below min_score {prog.min_score}")
    forbidden = set(forbids)
    for t, m, f in pairs:
        if (t, m) in forbidden:
            out.append(f"{m}->{t}: forbidden by the consilium")
    # One mentor per mentee, or per mentee and form (then never the same pair twice).
    if prog.one_mentor_per == "mentee":
        for t, k in Counter(t for t, _, _ in pairs).items():
            if k > 1:
                out.append(f"{t}: {k} mentors")
    else:
        for (t, f), k in Counter((t, f) for t, _, f in pairs).items():
            if k > 1:
                out.append(f"{t}: {k} mentors in form {f}")
        for (t, m), k in Counter((t, m) for t, m, _ in pairs).items():
            if k > 1:
                out.append(f"{m}->{t}: the same pair {k} times")
    # No two people mentoring each other.
    directed = {(m, t) for t, m, _ in pairs}
    for m, t in sorted(directed):
        if (t, m) in directed and m < t:
            out.append(f"{m}<->{t}: mentor each other")
    # Capacity, group minimum, grade spread inside a group.
    group: dict[str, list[str]] = defaultdict(list)
    for t, m, _ in pairs:
        group[m].append(t)
    for m, mentees in group.items():
        mentor = by_id.get(m)
        if mentor is None:
            continue
        if len(mentees) > mentor.capacity:
            out.append(f"{m}: {len(mentees)} mentees over capacity {mentor.capacity}")
        if mentor.group_min and len(mentees) < mentor.group_min:
            out.append(f"{m}: group of {len(mentees)} below group_min {mentor.group_min}")
        if prog.max_grade_spread is not None:
            grades = [by_id[t].grade for t in mentees if t in by_id and by_id[t].grade is not None]
            if grades and max(grades) - min(grades) > prog.max_grade_spread:
                out.append(f"{m}: grades {sorted(grades)} spread over {prog.max_grade_spread}")
    chosen = set(pairs)
    chosen_pairs = {(t, m) for t, m, _ in pairs}
    for t, m, f in locks:
        present = (t, m, f) in chosen if f is not None else (t, m) in chosen_pairs
        if not present:
            out.append(f"lock {m}->{t} [{f}] missing")
    return out


def result_triples(result) -> list[Triple]:
    """The chosen pairs of a `matcher.match` result as (mentee_id, mentor_id, form) ids."""
    g = result.graph
    roster = result.roster
    return [(roster.mentees.ids[int(g.mentee[e])], roster.mentors.ids[int(g.mentor[e])],
             roster.form_ids[int(g.form[e])]) for e in result.solution.edges]


# --- The oracle: lexicographic value and exhaustive search, for small programmes -------------

def lex_value(participants: list[Participant], config: ProgramConfig, pairs: Iterable[Triple],
              score_int: Callable[[str, str], int]) -> tuple[int, ...]:
    """The objective as a tuple compared lexicographically (docs/architecture.md, "The objective"):
    "lexicographic": pairs per priority class from the highest down, pairs, total score;
    "quality": total score first, then the same counts."""
    by_id = {p.id: p for p in participants}
    classes = sorted({p.priority for p in participants if p.is_mentee}, reverse=True)
    pairs = list(pairs)
    per_class = tuple(sum(1 for t, _, _ in pairs if by_id[t].priority == c) for c in classes)
    total = sum(score_int(t, m) for t, m, _ in pairs)
    if config.program.objective == "quality":
        return (total, *per_class, len(pairs))
    return (*per_class, len(pairs), total)


def brute_force_optimum(participants: list[Participant], config: ProgramConfig,
                        score_int: Callable[[str, str], int], score: Callable[[str, str], float], *,
                        locks: Iterable[tuple[str, str, str | None]] = (),
                        forbids: Iterable[tuple[str, str]] = (),
                        value: Callable[[list[Triple]], tuple[int, ...]] | None = None
                        ) -> tuple[tuple[int, ...] | None, list[Triple]]:
    """The best lexicographic value over every legal assignment, and one assignment reaching it
    ((None, []) when no assignment is legal, e.g. under contradictory locks). `value`: another
    objective to maximise (lex_value by default); a sum over the pairs, level by level.

    Each mentee slot (a mentee, or a mentee and a form when one_mentor_per = "form") takes one
    of the pairs `pair_violations` allows, or none; capacities prune the search; every
    complete assignment that could beat the best is judged by `assignment_violations`.
    Branch and bound: a branch is dropped when even the best option of every remaining slot
    cannot beat the best legal value found (each level's sum of per-slot maxima bounds it)."""
    prog = config.program
    locks, forbids = list(locks), set(forbids)
    mentees = [p for p in participants if p.is_mentee]
    mentors = [p for p in participants if p.is_mentor]
    capacity = {m.id: m.capacity for m in mentors}

    def value_of(triples):
        return value(triples) if value is not None else lex_value(participants, config, triples, score_int)

    slots: list[list[Triple]] = []
    for t in mentees:
        forms_of = {}
        for m in mentors:
            forms = allowed_forms(t, m, config)
            if not forms or (t.id, m.id) in forbids:
                continue
            if prog.min_score > 0 and score(t.id, m.id) < prog.min_score - 1e-9:
                continue
            forms_of[m.id] = forms
        if prog.one_mentor_per == "form":
            for f in config.forms:
                options = [(t.id, m, f) for m, fs in forms_of.items() if f in fs]
                if options:
                    slots.append(options)
        else:
            options = [(t.id, m, fs[0]) for m, fs in forms_of.items() if fs]
            locked = [(m, f) for (lt, m, f) in locks if lt == t.id]
            if locked:  # a locked mentee takes the locked mentor (form: the lock's or any allowed)
                m, f = locked[0]
                fs = forms_of.get(m, [])
                options = [(t.id, m, f if f is not None else fs[0])] if (f in fs if f else fs) else []
                if not options:
                    return None, []
                slots.append(options)
                continue
            if options:
                slots.append(options)

    gain_of: dict[Triple, tuple[int, ...]] = {}

    def gains(triple):
        if triple not in gain_of:
            gain_of[triple] = value_of([triple])
        return gain_of[triple]

    width = len(value_of([]))
    zero = (0,) * width
    slot_opts = [sorted(opts, key=gains, reverse=True) for opts in slots]
    slot_best = [tuple(max(gains(o)[k] for o in opts) for k in range(width)) for opts in slot_opts]
    # rest[i]: componentwise sum of the best gains of slots i.. (an upper bound per level)
    rest = [zero] * (len(slots) + 1)
    for i in range(len(slots) - 1, -1, -1):
        rest[i] = tuple(a + b for a, b in zip(rest[i + 1], slot_best[i]))
    best: list = [None, []]
    chosen: list[Triple] = []
    load = dict.fromkeys(capacity, 0)

    def search(i: int, current: tuple[int, ...]):
        if best[0] is not None and tuple(a + b for a, b in zip(current, rest[i])) <= best[0]:
            return
        if i == len(slot_opts):
            if not assignment_violations(participants, config, chosen, locks=locks, forbids=forbids,
                                         score=score):
                best[0], best[1] = current, list(chosen)
            return
        for triple in slot_opts[i]:
            m = triple[1]
            if load[m] >= capacity[m]:
                continue
            load[m] += 1
            chosen.append(triple)
            search(i + 1, tuple(a + b for a, b in zip(current, gains(triple))))
            chosen.pop()
            load[m] -= 1
        search(i + 1, current)

    search(0, zero)
    return best[0], best[1]
