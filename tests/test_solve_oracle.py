"""The solver reaches the true optimum: exhaustive search on small programmes, an
independent networkx min-cost-flow model on medium ones.

The optimum is computed in the test from the independent checker (which assignments are
legal) and the graph's per-pair scores (what a pair is worth), and compared as the
lexicographic tuple of docs/architecture.md, "The objective" — never through matcher/solve/objective.py.
"""
from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st

from checker import allowed_forms, assignment_violations, brute_force_optimum, lex_value, result_triples
from matcher.pipeline import PairSpec, match
from matcher.solve import EngineError
from strategies import Programme, examples, pair_scores, programmes

SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _engines(programme, **kwargs):
    """match() with every engine that can express the programme: flow only where legal."""
    out = {}
    for engine in ("auto", "cpsat", "flow"):
        try:
            out[engine] = match(programme.participants, programme.config, engine=engine, time_limit=20,
                                **kwargs)
        except EngineError:
            assert engine == "flow"
    out["cpsat_bare"] = match(programme.participants, programme.config, engine="cpsat", time_limit=20,
                              flow_presolve=False, **kwargs)
    return out


def _score_funcs(programme):
    score, score_int = pair_scores(programme)
    return (lambda t, m: score[t, m]), (lambda t, m: score_int[t, m])


@SETTINGS
@given(programmes(mentees=(1, 8), mentors=(1, 8)))
def test_every_engine_reaches_the_brute_force_optimum(programme):
    score, score_int = _score_funcs(programme)
    best, witness = brute_force_optimum(programme.participants, programme.config, score_int, score)
    assert best is not None  # without locks, matching nobody is always legal
    assert not assignment_violations(programme.participants, programme.config, witness, score=score)
    results = _engines(programme)
    event(f"optimal pairs: {len(witness) if len(witness) < 4 else '4+'}")
    target(float(len(witness)), label="pairs in the optimum")  # steer towards busy programmes
    event(f"auto proof: {results['auto'].solution.proof}")
    for engine, result in results.items():
        pairs = result_triples(result)
        assert result.solution.status == "OPTIMAL", engine
        assert not assignment_violations(programme.participants, programme.config, pairs, score=score), engine
        assert lex_value(programme.participants, programme.config, pairs, score_int) == best, engine


@SETTINGS
@given(programmes(mentees=(1, 8), mentors=(1, 8)), st.data())
def test_engines_reach_the_brute_force_optimum_under_random_locks(programme, data):
    score, score_int = _score_funcs(programme)
    candidates = sorted((t.id, m.id, f) for t in programme.mentees for m in programme.mentors
                        for f in allowed_forms(t, m, programme.config))
    per_form = programme.config.program.one_mentor_per == "form"
    lock_pool = candidates + [(t.id, m.id, None) for t in programme.mentees for m in programme.mentors]
    locks = data.draw(st.lists(st.sampled_from(lock_pool), max_size=3, unique=True)) if lock_pool else []
    # In per-form mode a lock names its form; in per-mentee mode only the pair.
    locks = list(dict.fromkeys((t, m, f if per_form else None) for t, m, f in locks if f is not None or not per_form))
    specs = [PairSpec(m, t, "lock", f, file="locks.csv", row=k + 2) for k, (t, m, f) in enumerate(locks)]
    best, _ = brute_force_optimum(programme.participants, programme.config, score_int, score, locks=locks)
    for engine, result in _engines(programme, pair_specs=specs).items():
        solution = result.solution
        if best is None:
            assert solution.status == "INFEASIBLE", engine
            named = {k for c in solution.conflict for k in ([c["lock"]] if "lock" in c else c["locks"])}
            assert named and named <= set(range(len(locks))), (engine, solution.conflict)
            # The named locks clash by themselves.
            alone, _ = brute_force_optimum(programme.participants, programme.config, score_int, score,
                                           locks=[locks[k] for k in sorted(named)])
            assert alone is None, (engine, solution.conflict)
        else:
            assert solution.status == "OPTIMAL", (engine, solution.conflict)
            pairs = result_triples(result)
            assert not assignment_violations(programme.participants, programme.config, pairs, locks=locks,
                                             score=score), engine
            assert lex_value(programme.participants, programme.config, pairs, score_int) == best, engine


def _networkx_optimum(programme, score_int, score):
    """Max-weight assignment as a min-cost flow, built here from the checker's legal pairs:
    source -> mentee (cap 1) -> mentor (cap 1, cost -weight) -> sink (cap capacity), plus a
    free source -> sink bypass so that nobody has to be matched."""
    config = programme.config
    mentees, mentors = programme.mentees, programme.mentors
    classes = sorted({t.priority for t in mentees}, reverse=True)
    edges = []
    for t in mentees:
        for m in mentors:
            forms = allowed_forms(t, m, config)
            if forms and not (config.program.min_score > 0 and score(t.id, m.id) < config.program.min_score - 1e-9):
                edges.append((t.id, m.id, forms[0]))
    # Level values of one pair, most important first; weights make the order strict.
    by_id = {p.id: p for p in programme.participants}

    def levels(t, m):
        prio = [int(by_id[t].priority == c) for c in classes]
        if config.program.objective == "quality":
            return [score_int(t, m), *prio, 1]
        return [*prio, 1, score_int(t, m)]

    n_levels = len(levels(*edges[0][:2])) if edges else 0
    cap_level = [len(mentees) * max((levels(t, m)[k] for t, m, _ in edges), default=0) for k in range(n_levels)]
    weights, acc = [0] * n_levels, 0
    for k in range(n_levels - 1, -1, -1):
        weights[k] = acc + 1
        acc += weights[k] * cap_level[k]
    g = nx.DiGraph()
    g.add_edge("source", "sink", capacity=len(mentees), weight=0)
    for t in mentees:
        g.add_edge("source", ("t", t.id), capacity=1, weight=0)
    for m in mentors:
        g.add_edge(("m", m.id), "sink", capacity=m.capacity, weight=0)
    for t, m, _ in edges:
        g.add_edge(("t", t), ("m", m), capacity=1, weight=-sum(w * v for w, v in zip(weights, levels(t, m))))
    # Exactly len(mentees) units leave the source; the bypass carries those nobody takes (a
    # maximum flow would force the most pairs, which the quality objective may not want).
    g.nodes["source"]["demand"] = -len(mentees)
    g.nodes["sink"]["demand"] = len(mentees)
    flow = nx.min_cost_flow(g)
    return [(t, m, f) for t, m, f in edges if flow[("t", t)].get(("m", m), 0) > 0]


@settings(max_examples=examples(8), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(programmes(mentees=(40, 40), mentors=(20, 20), groups=False, both=False,
                  overrides={"program": {"one_mentor_per": "mentee"}}))
def test_flow_engine_matches_a_networkx_min_cost_flow_at_medium_size(programme):
    score, score_int = _score_funcs(programme)
    oracle = _networkx_optimum(programme, score_int, score)
    assert not assignment_violations(programme.participants, programme.config, oracle, score=score)
    expected = lex_value(programme.participants, programme.config, oracle, score_int)
    for engine in ("flow", "auto"):
        result = match(programme.participants, programme.config, engine=engine)
        pairs = result_triples(result)
        assert result.solution.status == "OPTIMAL"
        assert not assignment_violations(programme.participants, programme.config, pairs, score=score)
        assert lex_value(programme.participants, programme.config, pairs, score_int) == expected, engine


@pytest.mark.parametrize("objective", ["lexicographic", "quality"])
def test_networkx_oracle_agrees_on_a_fixed_medium_programme(objective):
    """A deterministic 40 x 20 instance (capacities 1..3), so a regression shows without hypothesis."""
    import random

    from matcher.config import load_config
    from matcher.models import Participant

    rng = random.Random(7)
    config = load_config(overrides={"program": {"objective": objective}})
    interests = ["chess", "music", "robotics", "football", "reading", "art"]
    people = [Participant(id=f"R{j}", role="mentor", category="teacher", forms=["teacher_student"],
                          age=40, capacity=rng.randint(1, 3), consent=True, data_consent=True,
                          interests=rng.sample(interests, 2)) for j in range(20)]
    for i in range(40):
        avoid = rng.sample([f"R{j}" for j in range(20)], 12)
        people.append(Participant(id=f"E{i}", role="mentee", category="student", forms=["teacher_student"],
                                  age=12, consent=True, data_consent=True, guardian_consent=True,
                                  priority=rng.choice([0, 0, 1, 2]), interests=rng.sample(interests, 2),
                                  avoid=avoid))
    programme = Programme(people, config)
    score, score_int = _score_funcs(programme)
    oracle = _networkx_optimum(programme, score_int, score)
    result = match(people, config, engine="flow")
    pairs = result_triples(result)
    assert len(oracle) > 20
    assert not assignment_violations(people, config, pairs, score=score)
    assert lex_value(people, config, pairs, score_int) == lex_value(people, config, oracle, score_int)
