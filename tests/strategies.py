"""Hypothesis strategies: random mentoring programmes built from Participant models.

A programme is 1-4 forms of the default configuration (sometimes with their parameters
varied, sometimes a peer form without grade order), mentors and mentees whose categories
mostly fit the forms they listed, ages or birth dates (29 February too), grades, experience,
kinds of mentee, consents (some missing or refused), capacities 0..3, group minimums, avoid
lists, hard wishes, people with role "both", priorities 0..2 and ranking lists. Forms vary
their age gap, mentee bounds and kinds of mentee. Sizes stay small enough for brute force.
"""
from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field

from hypothesis import strategies as st

from matcher.config import ProgramConfig, load_config
from matcher.models import Participant

DEFAULT_FORMS = ["teacher_teacher", "student_student", "teacher_student", "adult_child"]
# A peer form (docs/domain.md, "Forms of mentoring": «равный – равному»): students of any grade, so two people on both
# sides can be candidates to mentor each other.
PEER_FORM = {"peer": {"title_ru": "Равный – равному", "title_en": "Peer to peer",
                      "mentor_categories": ["student"], "mentee_categories": ["student"]}}
SUBJECTS = ["math", "russian", "physics", "history"]
INTERESTS = ["chess", "music", "robotics", "football", "reading"]
SPHERES = ["study", "adaptation", "career", "olympiad", "project", "sport"]
WISHES = ["gender", "age", "interests", "offers"]
VARIANTS = ["young_specialist", "new_to_school", "burnout", "gifted", "underachieving"]
ADULT_CATEGORIES = ["teacher", "young_teacher", "parent", "graduate", "employer", "university_student"]


# MATCHER_HYPOTHESIS_SCALE=10 runs ten times the examples (a deeper search before a release).
EXAMPLES_SCALE = float(os.environ.get("MATCHER_HYPOTHESIS_SCALE", "1"))


def examples(n: int) -> int:
    """Hypothesis max_examples, scaled by MATCHER_HYPOTHESIS_SCALE."""
    return max(1, int(n * EXAMPLES_SCALE))


@dataclass
class Programme:
    participants: list[Participant]
    config: ProgramConfig
    overrides: dict = field(default_factory=dict)

    @property
    def mentors(self) -> list[Participant]:
        return [p for p in self.participants if p.is_mentor]

    @property
    def mentees(self) -> list[Participant]:
        return [p for p in self.participants if p.is_mentee]


def _maybe(draw, strategy, p_none: float = 0.15):
    return None if draw(st.floats(0, 1)) < p_none else draw(strategy)


@st.composite
def config_overrides(draw, *, vary_program: bool = True, vary_forms: bool = True, groups: bool = True) -> dict:
    """Overrides for `load_config`: programme mode, rule switches, form parameters."""
    over: dict = {"program": {}, "rules": {}, "forms": {}}
    if vary_program:
        over["program"]["one_mentor_per"] = draw(st.sampled_from(["mentee", "mentee", "form"]))
        over["program"]["objective"] = draw(st.sampled_from(["lexicographic", "lexicographic", "quality"]))
        over["program"]["min_score"] = draw(st.sampled_from([0.0, 0.0, 0.0, 0.2, 0.4]))
        if groups:
            spread = draw(st.sampled_from([None, None, 0, 1, 2]))
            if spread is not None:
                over["program"]["max_grade_spread"] = spread
    if vary_forms:
        if draw(st.booleans()):
            over["rules"]["missing_consent_is_no"] = draw(st.booleans())
            over["rules"]["require_guardian_consent"] = draw(st.booleans())
            over["rules"]["adult_age"] = draw(st.sampled_from([16, 18]))
            over["rules"]["require_data_consent"] = draw(st.booleans())
        forms = over["forms"]
        if draw(st.booleans()):
            forms["teacher_student"] = {"same_subject": draw(st.booleans())}
        if draw(st.booleans()):
            forms["student_student"] = {"min_grade_gap": draw(st.sampled_from([0, 1, 2]))}
        if draw(st.booleans()):
            forms["adult_child"] = {"min_age_gap": draw(st.sampled_from([5, 9, 12])),
                                    "require_trained": draw(st.booleans())}
            if draw(st.booleans()):
                forms["adult_child"].update(mentee_min_age=draw(st.sampled_from([8, 10])),
                                            mentee_max_age=draw(st.sampled_from([13, 17])))
        if draw(st.booleans()):
            forms["teacher_teacher"] = {"max_mentee_experience": draw(st.sampled_from([1, 3, 5])),
                                        "same_subject": draw(st.booleans())}
            if draw(st.booleans()):
                forms["teacher_teacher"]["mentee_variants"] = draw(st.sampled_from([[], ["burnout"]]))
        if draw(st.floats(0, 1)) < 0.2:
            forms.setdefault("student_student", {})["mentee_min_grade"] = draw(st.sampled_from([3, 6]))
        if draw(st.floats(0, 1)) < 0.2:
            forms.update(PEER_FORM)
    return {k: v for k, v in over.items() if v}


def _config(over: dict) -> ProgramConfig:
    config = load_config(overrides=over)
    assert config is not None, over
    return config


def _allowed(config: ProgramConfig, form: str, side: str) -> list[str]:
    rule = config.forms[form]
    cats = rule.mentor_categories if side == "mentor" else rule.mentee_categories
    return list(cats) or ["student", *ADULT_CATEGORIES]


@st.composite
def _age_fields(draw, category: str | None, role: str, reference: dt.date) -> dict:
    if category == "student":  # student mentors are mostly older than student mentees
        years = draw(st.integers(12, 17) if role == "mentor" else st.integers(10, 16) if role == "both"
                     else st.integers(7, 14))
    else:
        years = draw(st.integers(19, 65))
    how = draw(st.sampled_from(["age", "age", "birth_date", "birth_date", "birthday_today", "none"]))
    if how == "age":
        return {"age": float(years)}
    if how == "birth_date":
        if draw(st.floats(0, 1)) < 0.1:  # 29 February, where "9 years later" needs care
            return {"birth_date": dt.date(reference.year - years - (reference.year - years) % 4, 2, 29)}
        return {"birth_date": dt.date(reference.year - years, draw(st.integers(1, 12)), draw(st.integers(1, 28)))}
    if how == "birthday_today":  # the birthday falls on the reference date: the new age counts
        return {"birth_date": dt.date(reference.year - years, reference.month, reference.day)}
    return {}


@st.composite
def person(draw, pid: str, role: str, config: ProgramConfig, forms: list[str], *,
           group_rate: float = 0.25) -> Participant:
    """One participant whose category mostly fits the forms it lists."""
    side = "mentee" if role == "mentee" else "mentor"
    listed = draw(st.lists(st.sampled_from(forms), min_size=1, max_size=3, unique=True))
    if role == "both":  # a student who mentors in a student form and may be mentored in any
        peer_forms = [f for f in forms if f in ("student_student", "peer")]
        listed = list(dict.fromkeys([draw(st.sampled_from(peer_forms)), *listed]))
    if role == "both":
        category = "student"
    elif draw(st.floats(0, 1)) < 0.9:  # a category the first listed form allows on this side
        category = draw(st.sampled_from(_allowed(config, listed[0], side)))
    else:
        category = draw(st.sampled_from([None, "parent", "student", "teacher"]))
    fields = draw(_age_fields(category, role, config.reference_date()))
    grade = None
    if category == "student":
        guess = fields.get("age") or (config.reference_date().year - fields["birth_date"].year
                                      if "birth_date" in fields else 12)
        grade = _maybe(draw, st.integers(max(1, int(guess) - 8), min(11, int(guess) - 5)), 0.1)
    experience = None
    if category == "teacher":
        most = 30 if role == "mentor" else 6
        experience = _maybe(draw, st.integers(0, most).map(float), 0.15)
    elif category == "young_teacher":
        experience = _maybe(draw, st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0]), 0.3)
    variants = []
    if side == "mentee" and draw(st.floats(0, 1)) < 0.3:  # the kind of mentee (002 §5, 001 §2.3)
        variants = draw(st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=2, unique=True))
    if category == "teacher" and side == "mentee" and draw(st.floats(0, 1)) < 0.2:
        experience = float(draw(st.integers(4, 20)))  # a seasoned teacher, new to the school or in burnout
    consent_value = st.sampled_from([True] * 18 + [False, None])
    wish_gender = _maybe(draw, st.sampled_from(["f", "m"]), 0.8)
    want_min = _maybe(draw, st.integers(6, 40).map(float), 0.85)
    want_max = _maybe(draw, st.integers(12, 70).map(float), 0.85)
    hard = draw(st.lists(st.sampled_from(WISHES), max_size=2, unique=True)) if draw(st.floats(0, 1)) < 0.2 else []
    capacity, group_min = 1, None
    if role != "mentee":
        capacity = draw(st.sampled_from([0, 1, 1, 2, 2, 3, 3]))
        if group_rate and draw(st.floats(0, 1)) < group_rate:
            group_min = draw(st.sampled_from([2, 2, 3]))
    return Participant(
        id=pid, name=f"Person {pid}", role=role, category=category, forms=listed, **fields,
        gender=_maybe(draw, st.sampled_from(["f", "m"]), 0.1), grade=grade, experience_years=experience,
        mentee_variants=variants,
        subjects=draw(st.lists(st.sampled_from(SUBJECTS), min_size=draw(st.sampled_from([0, 1, 1])), max_size=2,
                               unique=True)),
        interests=draw(st.lists(st.sampled_from(INTERESTS), max_size=3, unique=True)),
        offers=draw(st.lists(st.sampled_from(SPHERES), max_size=3, unique=True)) if role != "mentee" else [],
        needs=draw(st.lists(st.sampled_from(SPHERES), max_size=2, unique=True)) if role != "mentor" else [],
        capacity=capacity, group_min=group_min,
        consent=draw(consent_value), data_consent=draw(consent_value), guardian_consent=draw(consent_value),
        trained=draw(st.sampled_from([True, True, True, False, None])) if role != "mentee" else None,
        priority=draw(st.sampled_from([0, 0, 0, 1, 2])) if role != "mentor" else 0,
        want_gender=wish_gender, want_age_min=want_min,
        want_age_max=None if want_max is None or (want_min is not None and want_max < want_min) else want_max,
        want_interests=draw(st.lists(st.sampled_from(INTERESTS), max_size=2, unique=True)),
        want_offers=draw(st.lists(st.sampled_from(SPHERES), max_size=2, unique=True)),
        hard_wishes=hard,
    )


@st.composite
def programmes(draw, *, mentees: tuple[int, int] = (1, 8), mentors: tuple[int, int] = (1, 6),
               groups: bool = True, group_rate: float = 0.25, both: bool = True, vary_program: bool = True,
               vary_forms: bool = True, overrides: dict | None = None, hard_wishes: bool = True,
               avoid: bool = True) -> Programme:
    """A random programme; `groups=False` leaves out group minimums and the grade spread,
    `both=False` people on both sides (then the model is a plain flow in mentee mode);
    `group_rate`: the share of mentors with a group minimum."""
    over = draw(config_overrides(vary_program=vary_program, vary_forms=vary_forms, groups=groups))
    for key, value in (overrides or {}).items():
        over[key] = {**over.get(key, {}), **value}
    config = _config(over)
    pool = [f for f in config.form_ids if f in DEFAULT_FORMS or f == "peer"]
    forms = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=draw(st.sampled_from([1, 1, 2, 2, 3, 4])),
                          unique=True))
    n_mentees = draw(st.integers(*mentees))
    n_mentors = draw(st.integers(*mentors))
    can_both = both and any(f in ("student_student", "peer") for f in forms)
    n_both = draw(st.integers(0, min(2, n_mentees, max(1, n_mentors - 1)))) if can_both else 0
    rate = group_rate if groups else 0.0
    people = []
    for k in range(n_both):
        people.append(draw(person(f"B{k + 1}", "both", config, forms, group_rate=rate)))
    for k in range(n_mentors - n_both):
        people.append(draw(person(f"R{k + 1}", "mentor", config, forms, group_rate=rate)))
    for k in range(n_mentees - n_both):
        people.append(draw(person(f"E{k + 1}", "mentee", config, forms, group_rate=rate)))
    if not hard_wishes:
        people = [p.model_copy(update={"hard_wishes": []}) for p in people]
    # Avoid lists and ranking lists name people on the other side.
    mentor_ids = [p.id for p in people if p.is_mentor]
    mentee_ids = [p.id for p in people if p.is_mentee]
    final = []
    for p in people:
        others = mentee_ids if p.role == "mentor" else mentor_ids
        others = [o for o in others if o != p.id]
        update = {}
        if others and avoid and draw(st.floats(0, 1)) < 0.1:
            update["avoid"] = [draw(st.sampled_from(others))]
        if others and draw(st.floats(0, 1)) < 0.4:
            update["ranking"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
        final.append(p.model_copy(update=update) if update else p)
    return Programme(final, config, over)


PSYCH_SCALES = ["psych_extraversion", "psych_anxiety", "psych_leadership"]
SLOTS = ["mon", "tue", "wed", "thu"]


@st.composite
def scored_programmes(draw, **kwargs) -> Programme:
    """programmes(**kwargs) whose people also answered psychological scales (values 1..10,
    some scales complementary) and gave free time slots: every score component has data."""
    complementary = draw(st.lists(st.sampled_from(PSYCH_SCALES), max_size=2, unique=True))
    overrides = {**kwargs.pop("overrides", {}), "psych": {"complementary": complementary}}
    programme = draw(programmes(overrides=overrides, **kwargs))
    people = [p.model_copy(update={
        "psych": {s: float(draw(st.integers(1, 10))) for s in draw(st.lists(st.sampled_from(PSYCH_SCALES),
                                                                             max_size=3, unique=True))},
        "availability": draw(st.lists(st.sampled_from(SLOTS), max_size=3, unique=True))})
        for p in programme.participants]
    return Programme(people, programme.config, programme.overrides)


def pair_scores(programme: Programme) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], int]]:
    """The graph's total score (0..1) and integer score of every pair that shares a form,
    whatever the hard rules say: the candidate graph built with every rule switched off
    (scores are soft and form-independent; only which pairs are candidates changes).
    Keys: (mentee_id, mentor_id)."""
    from unittest import mock

    from matcher import constraints
    from matcher.arrays import build_roster
    from matcher.graph import build_graph

    config = programme.config.model_copy(deep=True)
    config.program.min_score = 0.0
    roster = build_roster(programme.participants, config)

    with mock.patch.object(constraints, "RULES", []):  # reasons_mask then blocks nothing
        graph = build_graph(roster)
    score, score_int = {}, {}
    for e in range(graph.n_edges):
        key = (roster.mentees.ids[int(graph.mentee[e])], roster.mentors.ids[int(graph.mentor[e])])
        score[key] = float(graph.score[e])
        score_int[key] = int(graph.score_int[e])
    return score, score_int


def group_programme(n_mentees: int, n_mentors: int, seed: int, *, capacity=(3, 5), group_mins=(3,),
                    max_grade_spread: int | None = None):
    """Teacher–student group leaders (each takes none or at least its group minimum), half of
    the mentors on every mentee's avoid list: which groups to fill is a real choice.
    Returns (people, config)."""
    rng = random.Random(seed)
    config = load_config(overrides={"program": {"max_grade_spread": max_grade_spread}}) \
        if max_grade_spread is not None else load_config()
    interests = ["chess", "music", "robotics", "football", "reading", "art", "dance", "coding"]
    people = [Participant(id=f"R{j}", role="mentor", category="teacher", forms=["teacher_student"], age=40,
                          capacity=rng.randint(*capacity),
                          group_min=rng.choice(group_mins) if len(group_mins) > 1 else group_mins[0],
                          consent=True, data_consent=True, interests=rng.sample(interests, 3))
              for j in range(n_mentors)]
    people += [Participant(id=f"E{i}", role="mentee", category="student", forms=["teacher_student"], age=12,
                           grade=rng.randint(1, 11), consent=True, data_consent=True, guardian_consent=True,
                           priority=rng.choice([0, 0, 1]), interests=rng.sample(interests, 2),
                           avoid=rng.sample([f"R{j}" for j in range(n_mentors)], n_mentors // 2))
               for i in range(n_mentees)]
    return people, config


def scarce_groups(n_mentees: int, n_mentors: int, seed: int):
    """Group leaders with more places than mentees: the flow relaxation leaves many groups short."""
    return group_programme(n_mentees, n_mentors, seed, capacity=(3, 4), group_mins=(2, 3))
