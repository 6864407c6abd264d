"""The candidate graph is built block by block (the mentees of a chunk who listed the same
forms × those forms' mentors): every rule and score component runs on a whole block at once,
some components through a table per kind of person, and each edge is scored into its place.
Whatever the blocking, tiling and tables, the edges and their scores are, bit for bit, what
the rules and components give pair by pair."""
from __future__ import annotations

import tracemalloc
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import constraints, graph as graph_module, scoring
from matcher.arrays import build_roster
from matcher.config import load_config
from matcher.graph import SCORE_SCALE, build_graph
from matcher.models import Participant
from strategies import examples, scored_programmes

SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))


def _one(i: int) -> np.ndarray:
    return np.array([i], dtype=np.int64)


def _reference_edges(roster, forbids: set) -> dict[str, list]:
    """The candidate edges pair by pair, in (mentee, mentor, form) order: a pair passes in a
    form both listed when no rule blocks it there; one edge per pair (its first such form)
    unless one mentor per form; its components and score from that pair alone."""
    config = roster.config
    per_form = config.program.one_mentor_per == "form"
    edges: dict[str, list] = {name: [] for name in ("mentee", "mentor", "form", "components", "score")}
    for i in range(roster.mentees.n):
        for j in range(roster.mentors.n):
            forms = [f for f, form in enumerate(roster.form_ids)
                     if int(roster.mentees.forms[i]) >> f & 1 and int(roster.mentors.forms[j]) >> f & 1
                     and int(constraints.reasons_mask(roster, _one(i), _one(j), form)[0]) == 0]
            if not forms or (i, j) in forbids:
                continue
            components = scoring.component_matrix(roster, _one(i), _one(j))
            score = float(scoring.total_score(components, config, roster)[0])
            if config.program.min_score > 0 and score < config.program.min_score - 1e-12:
                continue
            for f in forms if per_form else forms[:1]:
                edges["mentee"].append(i)
                edges["mentor"].append(j)
                edges["form"].append(f)
                edges["components"].append(components[0].tolist())
                edges["score"].append(score)
    return edges


@SETTINGS
@given(programme=scored_programmes(mentees=(1, 9), mentors=(1, 7)), data=st.data())
def test_edges_and_their_scores_are_what_the_rules_and_components_give_pair_by_pair(programme, data):
    roster = build_roster(programme.participants, programme.config)
    pairs = [(i, j) for i in range(roster.mentees.n) for j in range(roster.mentors.n)]
    forbids = data.draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))
    # Chunks of one mentee or all, tiles of a pair or many, blocks scored whole or pair by
    # pair, tables per kind of person or none.
    block = data.draw(st.sampled_from([1, 7, 40, graph_module.BLOCK_PAIRS]))
    tile = data.draw(st.sampled_from([1, 3, 16, graph_module.SCORE_TILE]))
    share = data.draw(st.sampled_from([1, 4, 10 ** 6]))
    table_max = data.draw(st.sampled_from([0, scoring.Scorer.TABLE_MAX]))
    with mock.patch.object(graph_module, "BLOCK_PAIRS", block), mock.patch.object(graph_module, "SCORE_TILE", tile), \
            mock.patch.object(graph_module, "BLOCK_SCORING_SHARE", share), \
            mock.patch.object(scoring.Scorer, "TABLE_MAX", table_max):
        graph = build_graph(roster, np.array(forbids, dtype=np.int64).reshape(-1, 2))
    expected = _reference_edges(roster, set(forbids))
    assert graph.mentee.tolist() == expected["mentee"]
    assert graph.mentor.tolist() == expected["mentor"]
    assert graph.form.tolist() == expected["form"]
    assert graph.components.tolist() == expected["components"]  # float32 values, exactly
    assert graph.score.tolist() == expected["score"]
    assert graph.score_int.tolist() == [int(np.rint(np.round(s * SCORE_SCALE, 6))) for s in expected["score"]]


def _sorted_subset(draw, n: int) -> np.ndarray:
    return np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True).map(sorted)),
                    dtype=np.int64)


@SETTINGS
@given(programme=scored_programmes(mentees=(1, 9), mentors=(1, 7)), data=st.data())
def test_a_block_of_pairs_scores_and_checks_as_its_pairs_do_one_by_one(programme, data):
    roster = build_roster(programme.participants, programme.config)
    rows = _sorted_subset(data.draw, roster.mentees.n)
    cols = _sorted_subset(data.draw, roster.mentors.n)
    mentee, mentor = np.repeat(rows, len(cols)), np.tile(cols, len(rows))
    one_by_one = np.concatenate([scoring.component_matrix(roster, _one(i), _one(j)) for i, j in zip(mentee, mentor)])
    block = scoring.component_matrix(roster, rows[:, None], cols[None, :])
    assert block.shape == (len(rows), len(cols), len(scoring.COMPONENTS))
    assert block.reshape(-1, len(scoring.COMPONENTS)).tolist() == one_by_one.tolist()
    assert scoring.component_matrix(roster, mentee, mentor).tolist() == one_by_one.tolist()
    at = np.array(data.draw(st.lists(st.integers(0, len(mentee) - 1), unique=True).map(sorted)), dtype=np.int64)
    with mock.patch.object(scoring.Scorer, "TABLE_MAX", 1 << 30):
        tables = scoring.Scorer(roster, tabulate=True)
        total = np.empty(len(at))
        assert tables.matrix(rows[:, None], cols[None, :], at, total=total).tolist() == one_by_one[at].tolist()
    assert total.tolist() == scoring.total_score(one_by_one[at], roster.config, roster).tolist()
    for form in roster.form_ids:
        expected = [int(constraints.reasons_mask(roster, _one(i), _one(j), form)[0]) for i, j in zip(mentee, mentor)]
        assert constraints.reasons_mask(roster, rows[:, None], cols[None, :], form).ravel().tolist() == expected
        for rule in constraints.RULES:
            ok = rule.check(roster, rows[:, None], cols[None, :], form)
            listed = rule.check(roster, mentee, mentor, form)
            assert np.broadcast_to(ok, (len(rows), len(cols))).ravel().tolist() == listed.tolist(), rule.CODE


def test_building_the_graph_holds_its_edges_once():
    """Every pair a candidate: what building allocates at its peak is the graph's own edge
    arrays and a chunk's worth of work, not the edges twice (pieces joined at the end) nor
    the scores' temporaries over every edge at once."""
    def person(pid, role):
        return Participant(id=pid, name=pid, role=role, category="teacher" if role == "mentor" else "student",
                           forms=["teacher_student"], consent=True, data_consent=True, guardian_consent=True,
                           age=40 if role == "mentor" else 12, interests=["chess"], needs=["study"])

    people = [person(f"R{k}", "mentor") for k in range(300)] + [person(f"E{k}", "mentee") for k in range(2000)]
    roster = build_roster(people, load_config())
    with mock.patch.object(graph_module, "BLOCK_PAIRS", 30_000):
        tracemalloc.start()
        try:
            graph = build_graph(roster)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert graph.n_edges == roster.mentees.n * roster.mentors.n
    held = sum(getattr(graph, name).nbytes for name in ("mentee", "mentor", "form", "components", "score", "score_int"))
    assert peak < 1.25 * held


def test_per_form_edges_of_a_block_scored_tile_by_tile_are_the_pairs_scores():
    """One mentor per form, mentees who chose two forms: a pair's edges share its scores,
    scored once per pair in tiles of one row (a tile never reaches another row's pairs)."""
    forms = ["teacher_student", "adult_child"]

    def person(pid, role, category, interests):
        return Participant(id=pid, name=f"Person {pid}", role=role, category=category, forms=forms, consent=True,
                           data_consent=True, guardian_consent=True, trained=True,
                           age=12 if category == "student" else 40, interests=interests)

    people = [person(f"E{k}", "mentee", "student", [f"i{k}", f"i{k + 1}", "x"]) for k in range(4)]
    people += [person(f"R{k}", "mentor", "teacher", [f"i{k}", f"i{2 * k}"]) for k in range(3)]
    config = load_config(overrides={"program": {"one_mentor_per": "form"}})
    roster = build_roster(people, config)
    with mock.patch.object(graph_module, "SCORE_TILE", 1), mock.patch.object(graph_module, "BLOCK_SCORING_SHARE", 1):
        graph = build_graph(roster, np.zeros((0, 2), dtype=np.int64))
    expected = _reference_edges(roster, set())
    assert graph.mentee.tolist() == expected["mentee"] and len(set(graph.form.tolist())) == 2
    assert graph.components.tolist() == expected["components"]
    assert graph.score.tolist() == expected["score"]
