"""Soft score components: hand-worked pairs, one behaviour each; properties on random rosters
against small per-pair re-implementations written here (never the components' own code)."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import scoring
from matcher.arrays import build_roster
from matcher.config import load_config
from matcher.i18n import MESSAGES, render
from matcher.models import Participant
from matcher.scoring import availability, interests, mirror, needs, psych, ranking

CONFIG = load_config()


def mentee(pid, **fields):
    return Participant(id=pid, role="mentee", **fields)


def mentor(pid, **fields):
    return Participant(id=pid, role="mentor", **fields)


def roster_of(*people, config=CONFIG):
    return build_roster(list(people), config)


def value(component, roster, mentee_id, mentor_id):
    i = np.array([roster.mentees.index[mentee_id]], dtype=np.int64)
    j = np.array([roster.mentors.index[mentor_id]], dtype=np.int64)
    out = component.score(roster, i, j)
    assert out.dtype == np.float32
    return float(out[0])


def reason(component, roster, mentee_id, mentor_id, lang="en"):
    code, params = component.explain(roster, roster.mentees.index[mentee_id], roster.mentors.index[mentor_id])
    return code, render(code, params, lang)


# ---------------------------------------------------------------- needs

def test_mentor_covering_every_need_scores_one():
    r = roster_of(mentee("t", needs=["study", "career"]), mentor("m", offers=["career", "study", "sport"]))
    assert value(needs, r, "t", "m") == 1.0


def test_needs_score_is_the_share_of_needs_covered():
    r = roster_of(mentee("t", needs=["study", "career", "sport"]), mentor("m", offers=["study", "career", "ict"]))
    assert value(needs, r, "t", "m") == pytest.approx(2 / 3)


def test_mentee_without_needs_is_neutral():
    r = roster_of(mentee("t"), mentor("m", offers=["study"]))
    assert value(needs, r, "t", "m") == 0.5


def test_mentor_without_offers_covers_nothing():
    r = roster_of(mentee("t", needs=["study"]), mentor("m"))
    assert value(needs, r, "t", "m") == 0.0


def test_russian_sphere_answers_match_english_ones():
    r = roster_of(mentee("t", needs=["Учёба", "профориентация"]), mentor("m", offers=["study", "career"]))
    assert value(needs, r, "t", "m") == 1.0


def test_needs_explanation_lists_covered_and_uncovered_needs_in_the_curators_language():
    r = roster_of(mentee("t", needs=["study", "career"]), mentor("m", offers=["study"]))
    code, ru = reason(needs, r, "t", "m", "ru")
    assert code == "needs.partly"
    assert "закрыты запросы: учёба" in ru and "не закрыты: профориентация" in ru
    assert "covered: study; not covered: career guidance" in reason(needs, r, "t", "m", "en")[1]


# ---------------------------------------------------------------- mirror

def test_unstated_wishes_do_not_penalise():
    r = roster_of(mentee("t", gender="f", age=12), mentor("m", gender="m", age=40))
    assert value(mirror, r, "t", "m") == 1.0
    assert reason(mirror, r, "t", "m")[0] == "mirror.none"


def test_gender_wish_holds_only_for_the_wished_gender():
    r = roster_of(mentee("t", want_gender="f"), mentor("f1", gender="f"), mentor("m1", gender="m"))
    assert value(mirror, r, "t", "f1") == 1.0
    assert value(mirror, r, "t", "m1") == 0.0


def test_age_wish_holds_inside_the_range_bounds_included():
    r = roster_of(mentee("t", want_age_min=25, want_age_max=35),
                  mentor("a", age=25), mentor("b", age=35), mentor("c", age=36), mentor("d", age=24))
    assert [value(mirror, r, "t", m) for m in "abcd"] == [1.0, 1.0, 0.0, 0.0]


def test_one_sided_age_bound_is_checked_alone():
    r = roster_of(mentee("t", want_age_min=30), mentor("old", age=60), mentor("young", age=22))
    assert value(mirror, r, "t", "old") == 1.0
    assert value(mirror, r, "t", "young") == 0.0


def test_wishes_are_checked_in_both_directions():
    # The mentee's gender wish holds; the mentor's age wish about the mentee fails.
    r = roster_of(mentee("t", age=15, want_gender="m"), mentor("m", gender="m", want_age_min=10, want_age_max=12))
    assert value(mirror, r, "t", "m") == 0.5


def test_unknown_partner_attribute_counts_half():
    r = roster_of(mentee("t", want_gender="f"), mentor("m"))
    assert value(mirror, r, "t", "m") == 0.5
    assert reason(mirror, r, "t", "m")[0] == "mirror.unknown"


def test_interest_wish_scores_the_share_of_wished_interests_the_partner_has():
    r = roster_of(mentee("t", want_interests=["шахматы", "музыка", "футбол", "кино"]),
                  mentor("m", interests=["шахматы", "кино", "театр"]))
    assert value(mirror, r, "t", "m") == pytest.approx(0.5)


def test_mentors_offer_wish_is_checked_against_the_mentees_needs():
    r = roster_of(mentee("t", needs=["olympiad"], offers=["sport"]), mentor("m", want_offers=["olympiad"]))
    assert value(mirror, r, "t", "m") == 1.0


def test_mentees_offer_wish_is_checked_against_the_mentors_offers():
    r = roster_of(mentee("t", want_offers=["olympiad", "project"]), mentor("m", offers=["project"], needs=["olympiad"]))
    assert value(mirror, r, "t", "m") == pytest.approx(0.5)


def test_mirror_explanation_says_which_wish_failed_and_whose():
    r = roster_of(mentee("t", age=15, want_gender="m"), mentor("m", gender="m", want_age_max=12))
    code, en = reason(mirror, r, "t", "m")
    assert code == "mirror.held+broken"
    assert en == "wishes met: the mentor's gender (mentee's wish); not met: the mentee's age (mentor's wish)"
    ru = reason(mirror, r, "t", "m", "ru")[1]
    assert ru == "выполнены пожелания: пол наставника (пожелание наставляемого); " \
                 "не выполнены: возраст наставляемого (пожелание наставника)"


# ---------------------------------------------------------------- psych

def test_similar_people_fit_better_than_different_ones():
    r = roster_of(mentee("t", psych={"calm": 8}), mentor("near", psych={"calm": 7}),
                  mentor("far", psych={"calm": 0}), mentor("edge", psych={"calm": 10}))
    assert value(psych, r, "t", "near") > value(psych, r, "t", "far")
    assert value(psych, r, "t", "far") == pytest.approx(0.2)


def test_complementary_scale_prefers_opposites():
    config = load_config(overrides={"psych": {"complementary": ["psych_leadership"]}})
    people = [mentee("passive", psych={"leadership": 1}), mentor("leader", psych={"leadership": 9}),
              mentor("alike", psych={"leadership": 1})]
    r = roster_of(*people, config=config)
    assert value(psych, r, "passive", "leader") == 1.0
    assert value(psych, r, "passive", "alike") == 0.0
    plain = roster_of(*people)
    assert value(psych, plain, "passive", "alike") == 1.0


def test_psych_is_the_mean_over_scales_both_have():
    r = roster_of(mentee("t", psych={"a": 0, "b": 10}), mentor("m", psych={"a": 0, "c": 3}),
                  mentor("x", psych={"a": 10, "b": 0, "c": 0}))
    assert value(psych, r, "t", "m") == 1.0  # only scale a in common, equal values


def test_no_common_scale_is_neutral():
    r = roster_of(mentee("t", psych={"a": 1}), mentor("m", psych={"b": 2}))
    assert value(psych, r, "t", "m") == 0.5
    assert reason(psych, r, "t", "m")[0] == "psych.unknown"


def test_psych_explanation_names_the_best_and_worst_fitting_scale():
    r = roster_of(mentee("t", psych={"psych_extraversion": 10, "psych_anxiety": 0}),
                  mentor("m", psych={"psych_extraversion": 9, "psych_anxiety": 10}),
                  mentor("z", psych={"psych_extraversion": 0, "psych_anxiety": 5}))
    code, en = reason(psych, r, "t", "m")
    assert code == "psych.fit"
    assert en == "best fit on the scale 'extraversion' (90%), worst on 'anxiety' (0%)"


# ---------------------------------------------------------------- ranking

def test_first_choice_scores_higher_than_third():
    r = roster_of(mentee("t", ranking=["a", "b", "c"]), mentor("a"), mentor("b"), mentor("c"))
    assert value(ranking, r, "t", "a") > value(ranking, r, "t", "b") > value(ranking, r, "t", "c") > 0


def test_first_choice_of_a_one_sided_ranking_scores_one():
    # Mentors ranked nobody anywhere: the component is the mentees' side alone.
    r = roster_of(mentee("t", ranking=["a", "b"]), mentor("a"), mentor("b"))
    assert value(ranking, r, "t", "a") == 1.0
    assert value(ranking, r, "t", "b") == 0.5


def test_partner_not_ranked_scores_zero():
    r = roster_of(mentee("t", ranking=["a"]), mentor("a"), mentor("b"))
    assert value(ranking, r, "t", "b") == 0.0


def test_mutual_first_choice_scores_one():
    r = roster_of(mentee("t", ranking=["a", "b"]), mentee("u", ranking=["b"]),
                  mentor("a", ranking=["t", "u"]), mentor("b", ranking=["u"]))
    assert value(ranking, r, "t", "a") == 1.0
    assert value(ranking, r, "t", "b") == pytest.approx(0.25)  # mentee's 2nd of 2, mentor did not rank t


def test_mentor_who_ranked_nobody_counts_as_not_choosing_the_mentee():
    # Judged per pair, the silent mentor's side would drop out and lift the pair to 1.0,
    # above a mentor who actually chose the mentee.
    r = roster_of(mentee("t", ranking=["silent", "picky"]), mentee("u"),
                  mentor("silent"), mentor("picky", ranking=["t", "u"]))
    assert value(ranking, r, "t", "silent") == 0.5
    assert value(ranking, r, "t", "picky") == 0.75


def test_ranked_id_outside_the_roster_keeps_its_place():
    r = roster_of(mentee("t", ranking=["left-the-program", "a"]), mentor("a"))
    assert value(ranking, r, "t", "a") == 0.5


def test_ranking_explanation_gives_both_places():
    r = roster_of(mentee("t", ranking=["a", "b"]), mentee("u"), mentor("a", ranking=["u", "t"]), mentor("b"))
    code, en = reason(ranking, r, "t", "a")
    assert code == "ranking.ranked.ranked"
    assert en == "the mentee put this mentor at place 1 of 2; the mentor put this mentee at place 2 of 2"
    assert reason(ranking, r, "t", "a", "ru")[1] == (
        "наставляемый поставил наставника на 1-е место из 2; наставник поставил наставляемого на 2-е место из 2")
    assert reason(ranking, r, "u", "b")[1] == "the mentee ranked nobody; the mentor ranked nobody"


# ---------------------------------------------------------------- availability

def test_common_slots_are_counted_against_the_smaller_timetable():
    r = roster_of(mentee("t", availability=["пн 15:00", "ср 15:00"]),
                  mentor("m", availability=["пн 15:00", "вт 16:00", "ср 15:00", "пт 14:00"]),
                  mentor("h", availability=["пн 15:00", "пт 14:00"]))
    assert value(availability, r, "t", "m") == 1.0
    assert value(availability, r, "t", "h") == 0.5
    assert reason(availability, r, "t", "m", "ru")[1] == "общее свободное время: пн 15:00, ср 15:00"


def test_no_common_slot_scores_zero():
    r = roster_of(mentee("t", availability=["пн"]), mentor("m", availability=["вт"]))
    assert value(availability, r, "t", "m") == 0.0


def test_missing_timetable_is_neutral():
    r = roster_of(mentee("t"), mentor("m", availability=["вт"]))
    assert value(availability, r, "t", "m") == 0.5


# ---------------------------------------------------------------- interests

def test_shared_interests_are_counted_against_the_smaller_set():
    r = roster_of(mentee("t", interests=["шахматы", "кино"]), mentor("m", interests=["кино", "шахматы", "театр"]),
                  mentor("n", interests=["кино", "театр"]))
    assert value(interests, r, "t", "m") == 1.0
    assert value(interests, r, "t", "n") == 0.5


def test_blank_interests_are_neutral_not_a_mismatch():
    r = roster_of(mentee("t"), mentee("u", interests=["кино"]), mentor("m", interests=["театр"]))
    assert value(interests, r, "t", "m") == 0.5
    assert value(interests, r, "u", "m") == 0.0


def test_shared_subjects_count_a_quarter():
    r = roster_of(mentee("t", interests=["кино"], subjects=["физика"]),
                  mentor("m", interests=["театр"], subjects=["физика"]))
    assert value(interests, r, "t", "m") == 0.25
    assert reason(interests, r, "t", "m")[1] == "no shared interests, shared subjects: физика"


# ---------------------------------------------------------------- registry

def test_component_without_data_is_left_out_of_the_total():
    # Nobody ranked, gave psych scales or timetables: only interests, needs, mirror count.
    r = roster_of(mentee("t", interests=["кино"], needs=["study"]), mentor("m", interests=["кино"], offers=["study"]))
    pair = (np.array([0]), np.array([0]))
    comps = scoring.component_matrix(r, *pair)
    assert scoring.total_score(comps, CONFIG, r)[0] == pytest.approx(1.0)
    assert scoring.total_score(comps, CONFIG)[0] < 1.0  # without the roster every weight counts


def test_total_score_is_the_weighted_mean_of_components():
    comps = np.array([[1, 0, 1, 0, 1, 0], [0.5] * 6], dtype=np.float32)
    w = CONFIG.weights
    expected = (w.interests + w.mirror + w.ranking) / sum(w.model_dump().values())
    assert scoring.total_score(comps, CONFIG) == pytest.approx([expected, 0.5])


def test_weight_zero_switches_a_component_off():
    config = load_config(overrides={"weights": {"needs": 0}})
    r = roster_of(mentee("t", needs=["study"]), mentor("m", offers=["study"]), config=config)
    comps = scoring.component_matrix(r, np.array([0]), np.array([0]))
    assert comps[0, scoring.COMPONENT_NAMES.index("needs")] == 0.0
    assert scoring.weights_vector(config, r)[scoring.COMPONENT_NAMES.index("needs")] == 0.0


# ---------------------------------------------------------------- properties on random rosters

SPHERES = ["study", "career", "sport", "ict"]
HOBBIES = ["шахматы", "кино", "футбол"]
SLOTS = ["пн", "вт", "ср"]
SCALES = ["a", "b", "c"]

subsets = lambda pool: st.lists(st.sampled_from(pool), unique=True, max_size=len(pool))  # noqa: E731
maybe = lambda s: st.none() | s  # noqa: E731


@st.composite
def people(draw):
    n_t = draw(st.integers(1, 5))
    n_m = draw(st.integers(1, 4))
    ids = [f"t{k}" for k in range(n_t)] + [f"m{k}" for k in range(n_m)]
    both = draw(st.booleans())
    out = []
    for k, pid in enumerate(ids):
        role = "mentee" if pid.startswith("t") else "mentor"
        if both and k == 0:
            role = "both"
        lo = draw(maybe(st.integers(6, 60)))
        out.append(Participant(
            id=pid, role=role,
            age=draw(maybe(st.integers(6, 70))),
            gender=draw(maybe(st.sampled_from(["f", "m"]))),
            interests=draw(subsets(HOBBIES)), subjects=draw(subsets(["физика", "химия"])),
            offers=draw(subsets(SPHERES)), needs=draw(subsets(SPHERES)),
            availability=draw(subsets(SLOTS)),
            psych={s: draw(st.floats(0, 10)) for s in draw(subsets(SCALES))},
            want_gender=draw(maybe(st.sampled_from(["f", "m"]))),
            want_age_min=lo,
            want_age_max=draw(maybe(st.integers(6, 70))),
            want_interests=draw(subsets(HOBBIES)), want_offers=draw(subsets(SPHERES)),
            ranking=draw(st.lists(st.sampled_from([*ids, "ghost"]), unique=True, max_size=4)),
        ))
    return out


def all_pairs(r):
    i, j = np.meshgrid(np.arange(r.mentees.n), np.arange(r.mentors.n), indexing="ij")
    return i.ravel().astype(np.int64), j.ravel().astype(np.int64)


def sides(participants):
    return ([p for p in participants if p.role in ("mentee", "both")],
            [p for p in participants if p.role in ("mentor", "both")])


def naive_mirror(t, m):
    values = []
    for me, other, partner_sets in ((t, m, {"interests": m.interests, "offers": m.offers}),
                                    (m, t, {"interests": t.interests, "offers": t.needs})):
        if me.want_gender is not None:
            values.append(0.5 if other.gender is None else float(me.want_gender == other.gender))
        if me.want_age_min is not None or me.want_age_max is not None:
            if other.age is None:
                values.append(0.5)
            else:
                ok = (me.want_age_min is None or other.age >= me.want_age_min) and \
                     (me.want_age_max is None or other.age <= me.want_age_max)
                values.append(float(ok))
        for wish in ("interests", "offers"):
            wanted = set(getattr(me, f"want_{wish}"))
            if wanted:
                has = set(partner_sets[wish])
                values.append(0.5 if not has else len(wanted & has) / len(wanted))
    return sum(values) / len(values) if values else 1.0


def naive_ranking(t, m, mentees, mentors):
    mentor_ids = {p.id for p in mentors}
    mentee_ids = {p.id for p in mentees}

    def side(ranker, partner, pool):
        places = [k + 1 for k, x in enumerate(ranker.ranking) if x in pool]
        if partner.id not in ranker.ranking:
            return 0.0
        place = ranker.ranking.index(partner.id) + 1
        return 1 - (place - 1) / max(places)

    values = []
    if any(x in mentor_ids for p in mentees for x in p.ranking):
        values.append(side(t, m, mentor_ids))
    if any(x in mentee_ids for p in mentors for x in p.ranking):
        values.append(side(m, t, mentee_ids))
    return sum(values) / len(values) if values else 0.0


def naive_needs(t, m):
    if not t.needs:
        return 0.5
    return len(set(t.needs) & set(m.offers)) / len(set(t.needs))


def naive_availability(t, m):
    a, b = set(t.availability), set(m.availability)
    if not a or not b:
        return 0.5
    return len(a & b) / min(len(a), len(b))


def naive_psych(t, m, participants, complementary):
    fits = []
    for s in sorted(set(t.psych) & set(m.psych)):
        values = [p.psych[s] for p in participants if s in p.psych]
        lo, hi = min(values), max(values)
        a, b = ((t.psych[s] - lo) / (hi - lo), (m.psych[s] - lo) / (hi - lo)) if hi > lo else (0.5, 0.5)
        fits.append(abs(a - b) if s in complementary else 1 - abs(a - b))
    return sum(fits) / len(fits) if fits else 0.5


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COMPLEMENTARY = load_config(overrides={"psych": {"complementary": ["b"]}})


@PROPS
@given(people(), st.booleans())
def test_every_component_is_finite_and_within_the_unit_interval(participants, complementary):
    r = build_roster(participants, COMPLEMENTARY if complementary else CONFIG)
    i, j = all_pairs(r)
    for comp in scoring.COMPONENTS:
        values = comp.score(r, i, j)
        assert values.dtype == np.float32 and values.shape == i.shape
        assert np.isfinite(values).all() and (values >= 0).all() and (values <= 1).all(), comp.NAME
    total = scoring.total_score(scoring.component_matrix(r, i, j), r.config, r)
    assert np.isfinite(total).all() and (total >= 0).all() and (total <= 1).all()


@PROPS
@given(people(), st.booleans())
def test_bulk_scores_equal_a_per_pair_reading_of_the_questionnaires(participants, complementary):
    config = COMPLEMENTARY if complementary else CONFIG
    r = build_roster(participants, config)
    mentees, mentors = sides(participants)
    assert r.mentees.ids == [p.id for p in mentees] and r.mentors.ids == [p.id for p in mentors]
    i, j = all_pairs(r)
    got = {c.NAME: c.score(r, i, j) for c in scoring.COMPONENTS}
    comp_scales = {"b"} if complementary else set()
    for e, (a, b) in enumerate(zip(i, j)):
        t, m = mentees[a], mentors[b]
        assert got["mirror"][e] == pytest.approx(naive_mirror(t, m), abs=1e-6)
        assert got["ranking"][e] == pytest.approx(naive_ranking(t, m, mentees, mentors), abs=1e-6)
        assert got["needs"][e] == pytest.approx(naive_needs(t, m), abs=1e-6)
        assert got["availability"][e] == pytest.approx(naive_availability(t, m), abs=1e-6)
        assert got["psych"][e] == pytest.approx(naive_psych(t, m, participants, comp_scales), abs=1e-5)


@PROPS
@given(people())
def test_explanations_render_in_russian_and_english_without_leftover_braces(participants):
    r = build_roster(participants, CONFIG)
    for a, b in zip(*all_pairs(r)):
        for comp in scoring.COMPONENTS:
            code, params = comp.explain(r, int(a), int(b))
            assert code in MESSAGES, code
            json.dumps(params)  # goes into result.json as is
            for lang in ("ru", "en"):
                text = render(code, params, lang)
                assert text and "{" not in text and "}" not in text, (code, lang, text)
                assert "\n" not in text


# ---------------------------------------------------------------- scale

def test_millions_of_pairs_are_scored_in_bulk(capsys):
    rng = np.random.default_rng(7)
    spheres = ["study", "career", "sport", "ict", "olympiad", "project", "exams", "creativity"]
    hobbies = [f"hobby{k}" for k in range(90)]
    slots = [f"slot{k}" for k in range(20)]

    def person(pid, role):
        pick = lambda pool, k: list(rng.choice(pool, size=rng.integers(0, k + 1), replace=False))  # noqa: E731
        return Participant(
            id=pid, role=role, age=float(rng.integers(7, 65)), gender=str(rng.choice(["f", "m"])),
            interests=pick(hobbies, 5), offers=pick(spheres, 3), needs=pick(spheres, 3),
            availability=pick(slots, 6), want_interests=pick(hobbies, 2), want_offers=pick(spheres, 1),
            want_gender=str(rng.choice(["f", "m"])) if rng.random() < 0.3 else None,
            want_age_min=float(rng.integers(7, 30)) if rng.random() < 0.3 else None,
            psych={s: float(rng.integers(0, 10)) for s in ["e", "n", "a", "c", "o"] if rng.random() < 0.8},
            ranking=[f"m{k}" for k in rng.choice(2500, 3, replace=False)] if role == "mentee" else
            [f"t{k}" for k in rng.choice(5000, 5, replace=False)],
        )

    people_ = [person(f"t{k}", "mentee") for k in range(5000)] + [person(f"m{k}", "mentor") for k in range(2500)]
    r = build_roster(people_, load_config(overrides={"psych": {"complementary": ["e"]}}))
    n = 2_500_000
    i = rng.integers(0, 5000, n).astype(np.int64)
    j = rng.integers(0, 2500, n).astype(np.int64)
    times = {}
    for comp in scoring.COMPONENTS:
        start = time.perf_counter()
        values = comp.score(r, i, j)
        times[comp.NAME] = time.perf_counter() - start
        assert values.shape == (n,) and np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1
    start = time.perf_counter()
    total = scoring.total_score(scoring.component_matrix(r, i, j), r.config, r)
    times["component_matrix+total"] = time.perf_counter() - start
    assert total.shape == (n,)
    with capsys.disabled():
        print("\n2.5M pairs, 5000x2500:", ", ".join(f"{k} {v:.2f}s" for k, v in times.items()))


# ---------------------------------------------------------------- many pairs at once

def test_bitset_rows_decoded_at_once_list_each_rows_members():
    from matcher.scoring._util import decoder, members

    rng = np.random.default_rng(0)
    table = rng.integers(0, 2 ** 63, size=(40, 3), dtype=np.int64).view(np.uint64)
    table[5] = 0
    vocab = [f"w{n}" for n in range(192)]
    rows = [3, 5, 5, 39, 0, 3]
    get = decoder(table, vocab, rows)
    for k in rows:
        words, word_set = get(k)
        assert words == members(table[k], vocab)
        assert word_set == set(words)


def test_explaining_many_pairs_at_once_says_what_explaining_each_alone_says():
    """explain_pairs (each person's sets decoded once, every pair's fits in one pass, the
    rankings read once) against explain of one pair at a time."""
    people = [mentee("t1", interests=["chess", "music"], subjects=["math"], needs=["study"], psych={"anxiety": 2, "empathy": 7},
                     availability=["mon_pm"], ranking=["a", "b"]),
              mentee("t2", interests=["art"], needs=["career", "study"], psych={"anxiety": 9}, ranking=["b"]),
              mentee("t3"),
              mentor("a", interests=["chess"], subjects=["math"], offers=["study"], psych={"anxiety": 4, "empathy": 7},
                     availability=["mon_pm", "tue_am"], ranking=["t2"]),
              mentor("b", interests=["music", "art"], offers=["career"], psych={"empathy": 1}),
              mentor("c")]
    r = roster_of(*people)
    pairs = [(i, j) for i in range(r.mentees.n) for j in range(r.mentors.n)] * 2
    mentees, mentors = [i for i, _ in pairs], [j for _, j in pairs]
    for comp in (interests, needs, availability, psych, ranking):
        assert comp.explain_pairs(r, mentees, mentors) == [comp.explain(r, i, j) for i, j in pairs], comp.NAME


def _json_ready(value) -> bool:
    if type(value) in (str, int, bool, type(None)):
        return True
    if type(value) is list:
        return all(_json_ready(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _json_ready(v) for k, v in value.items())
    return False


def test_every_components_explanation_parameters_are_json_values_as_they_are():
    """The result document takes the parameters as the components give them (no copy through
    jsonutil): Python strings, ints and lists of them, never numpy values or floats."""
    from matcher.graph import build_graph
    from matcher.sample import generate_school

    r = build_roster(generate_school(60, seed=2), CONFIG)
    g = build_graph(r, np.zeros((0, 2), dtype=np.int64))
    pairs = g.mentee.tolist(), g.mentor.tolist()
    for comp in scoring.COMPONENTS:
        for code, params in scoring.explain_pairs(comp, r, *pairs):
            assert type(code) is str and _json_ready(params), (comp.NAME, code, params)
