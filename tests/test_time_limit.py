"""`--time-limit` is the budget of the whole run, and an unproven answer says how far it may be
from the optimum, level by level.

Behaviour, not wall-clock times: deadlines already past (or a clock that the test drives)
make each stage stop, and the tests assert what is then reported — status FEASIBLE, the
best legal assignment (judged by the independent checker), its per-level gaps, and
explanations marked "not computed in time".
"""
from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from checker import assignment_violations, brute_force_optimum, result_triples
from matcher.config import load_config
from matcher.explain import add_explanations
from matcher.explain_text import explain_text
from matcher.i18n import plural_category as plural
from matcher.pipeline import match
from matcher.results import gap_text, result_document, score_resolution_text
from matcher.solve import side_constraints
from matcher.solve.branch import branch_and_bound
from matcher.solve.cpsat import solve_cpsat
from matcher.solve.objective import Objective, build_objective, level_gaps, objective_for, slot_of_edges
from strategies import examples, group_programme, pair_scores, programmes


def _group_programme(n_mentees=180, n_mentors=60, seed=3):
    """Every mentor leads 0 or 3..5 mentees, grade spread at most 1: a model neither the flows'
    branch and bound nor CP-SAT closes in a moment."""
    return group_programme(n_mentees, n_mentors, seed, max_grade_spread=1)


# --- Per-level gaps: the derivation against brute force ---------------------------------------

def _objective(upper: list[int]) -> Objective:
    """An objective with these level maxima and the exact lexicographic weights of build_objective."""
    weights, acc = [], 0
    for u in reversed(upper):
        weights.append(acc + 1)
        acc += (acc + 1) * u
    weights = np.array(weights[::-1], dtype=np.int64)
    names = [f"l{k}" for k in range(len(upper))]
    return Objective(names, np.zeros((len(upper), 0), np.int64), weights, np.zeros(0, np.int64),
                     np.array(upper, dtype=np.int64))


@settings(max_examples=examples(300), deadline=None)
@given(st.data())
def test_level_gaps_are_the_exact_largest_gain_the_bound_and_caps_allow(data):
    """Brute force over every level vector y with y >=lex a (as good as the answer, as the
    optimum is), combined(y) <= bound and y <= caps: the largest y_k - a_k is the gap."""
    n = data.draw(st.integers(1, 4))
    upper = [data.draw(st.integers(0, 3)) for _ in range(n)]
    obj = _objective(upper)
    a = [data.draw(st.integers(0, u)) for u in upper]
    caps = [data.draw(st.integers(x, u)) for x, u in zip(a, upper)]
    w = [int(x) for x in obj.weights]
    f = lambda y: sum(wk * yk for wk, yk in zip(w, y))  # noqa: E731
    top = f(upper)
    bound = data.draw(st.integers(f(a), top + 3))
    names = obj.names
    use_caps = data.draw(st.booleans())
    gaps = level_gaps(obj, dict(zip(names, a)), bound, dict(zip(names, caps)) if use_caps else None)
    box = [range(c + 1) for c in (caps if use_caps else upper)]
    reachable = [y for y in itertools.product(*box) if f(a) <= f(y) <= bound]
    for k, name in enumerate(names):
        assert gaps[name] == max(y[k] - a[k] for y in reachable), (k, a, bound, caps)


def test_a_gain_on_a_higher_level_frees_the_levels_below():
    """One more mentee of the top class could pay for any number of pairs fewer or more: below
    the first level that can gain, only the level's own maximum limits its gap."""
    obj = _objective([10, 100, 1000])
    a = {"l0": 5, "l1": 50, "l2": 500}
    bound = int(obj.weights[0]) * 6  # one more on level 0, nothing on the rest
    gaps = level_gaps(obj, a, bound)
    assert gaps == {"l0": 1, "l1": 50, "l2": 500}
    assert level_gaps(obj, a, bound, {"l0": 6, "l1": 61, "l2": 900}) == {"l0": 1, "l1": 11, "l2": 400}
    # Levels above the first one the bound lets gain cannot gain.
    tight = int(obj.weights[0]) * 5 + int(obj.weights[1]) * 50 + 503
    assert level_gaps(obj, a, tight) == {"l0": 0, "l1": 0, "l2": 3}


SMALL = settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SMALL
@given(programmes(mentees=(2, 8), mentors=(1, 6), group_rate=0.6))
def test_an_answer_stopped_at_once_is_legal_and_its_gaps_hold_for_the_true_optimum(programme):
    """With the deadline already past, the answer is the repaired flow solution (or a proven
    one); the brute-force optimum never beats it on a level by more than the reported gap."""
    result = match(programme.participants, programme.config, deadline=time.perf_counter() - 1.0)
    s = result.solution
    event(f"status: {s.status} ({s.proof})")
    score, score_int = pair_scores(programme)
    pairs = result_triples(result)
    assert s.status in ("OPTIMAL", "FEASIBLE")
    assert not assignment_violations(programme.participants, programme.config, pairs,
                                     score=lambda t, m: score[t, m])
    if s.status != "FEASIBLE":
        return
    assert s.stopped_by_time_limit and s.bound >= s.objective
    _, witness = brute_force_optimum(programme.participants, programme.config, lambda t, m: score_int[t, m],
                                     lambda t, m: score[t, m])
    priority = {p.id: p.priority for p in programme.participants if p.is_mentee}

    def levels(triples):
        out = {"matched": len(triples), "score": sum(score_int[t, m] for t, m, _ in triples)}
        for name in s.objective_def.names:
            if name.startswith("priority_"):
                out[name] = sum(priority[t] == int(name.split("_")[1]) for t, _, _ in triples)
        return out

    mine, best = levels(pairs), levels(witness)
    assert {n: s.levels[n] for n in s.objective_def.names} == {n: mine[n] for n in s.objective_def.names}
    for name in s.objective_def.names:
        assert best[name] - mine[name] <= s.level_gaps[name], name


# --- Each stage stops at the deadline ----------------------------------------------------------

@pytest.fixture(scope="module")
def groups():
    people, config = _group_programme()
    result = match(people, config, deadline=time.perf_counter() - 1.0)
    return people, config, result


def test_branch_and_bound_past_its_deadline_stops_with_its_incumbent_and_bound(groups):
    _, _, result = groups
    graph = result.graph
    objective = objective_for(graph)
    slot, capacity = slot_of_edges(graph), graph.roster.mentors.capacity.astype(np.int64)
    side = side_constraints(graph)
    late = branch_and_bound(graph, objective.combined, slot, capacity, side, [], max_nodes=64,
                            deadline=time.perf_counter() - 1.0)
    assert late.status == "LIMIT"
    assert late.nodes == 1  # the root relaxation only
    free = branch_and_bound(graph, objective.combined, slot, capacity, side, [], max_nodes=64)
    assert free.nodes > 1
    assert late.bound >= free.value


def test_cpsat_past_its_deadline_builds_nothing_and_gets_only_the_time_left(groups, monkeypatch):
    from ortools.sat.python import cp_model

    _, _, result = groups
    graph = result.graph
    objective = objective_for(graph)
    slot, capacity = slot_of_edges(graph), graph.roster.mentors.capacity.astype(np.int64)
    side = side_constraints(graph)
    late = solve_cpsat(graph, objective.combined, slot, capacity, side, [], time_limit=60,
                       deadline=time.perf_counter() - 1.0)
    assert late.status == "UNKNOWN" and not late.chosen.any()

    given = []

    def fake_solve(self, model, *args, **kwargs):
        given.append(self.parameters.max_time_in_seconds)
        return cp_model.UNKNOWN

    monkeypatch.setattr(cp_model.CpSolver, "solve", fake_solve)
    solve_cpsat(graph, objective.combined, slot, capacity, side, [], time_limit=60,
                deadline=time.perf_counter() + 30.0)
    assert len(given) == 1 and 0 < given[0] <= 30.0


def test_a_run_out_of_time_answers_feasible_with_the_best_legal_assignment_and_its_gaps(groups):
    people, config, result = groups
    s = result.solution
    assert s.status == "FEASIBLE" and s.stopped_by_time_limit
    assert len(s.edges) > 0
    assert not assignment_violations(people, config, result_triples(result))
    assert s.objective == s.objective_def.total(s.edges) and s.bound > s.objective
    assert set(s.level_gaps) == set(s.objective_def.names) and any(s.level_gaps.values())
    doc = result_document(result)
    solver = doc["solver"]
    assert solver["status"] == "FEASIBLE" and solver["stopped_by_time_limit"] is True
    assert solver["level_gaps"].keys() == set(s.objective_def.names)
    assert solver["score_resolution"] == {"step": 0.001, "finest_step": 0.001, "coarsened": False,
                                          "max_loss_per_pair": 0.0}


def test_the_time_limit_holds_on_a_programme_that_cannot_be_proven(monkeypatch):
    """A clock the test drives: every reading advances it by 0.5 s. Whatever the stages do,
    they stop once 5 s (ten readings) have passed, and the answer is legal and unproven."""
    people, config = _group_programme(n_mentees=120, n_mentors=40, seed=4)
    clock = itertools.count()
    monkeypatch.setattr(time, "perf_counter", lambda: 0.5 * next(clock))
    result = match(people, config, time_limit=5.0, explain=True)
    readings = next(clock)
    monkeypatch.undo()
    s = result.solution
    assert s.status == "FEASIBLE" and s.stopped_by_time_limit
    assert not assignment_violations(people, config, result_triples(result))
    assert readings < 60  # no stage kept going (polling the clock) once the deadline had passed


def _forcings(node):
    """Every forcing entry anywhere in a document (pairs' alternatives, unmatched candidates)."""
    if isinstance(node, dict):
        if isinstance(node.get("forcing"), dict):
            yield node["forcing"]
        for value in node.values():
            yield from _forcings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _forcings(value)


def test_explanations_past_the_deadline_are_marked_not_computed_in_time():
    people, config = _group_programme(n_mentees=40, n_mentors=14, seed=5)
    result = match(people, config, engine="cpsat", seed=11, time_limit=30)
    assert result.solution.status == "OPTIMAL" and result.solution.proof == "cpsat"
    doc = result_document(result)
    add_explanations(doc, result, deadline=time.perf_counter() - 1.0)
    meta = doc["explanations"]
    late = meta["not_computed_in_time"]
    assert late["alternatives"] > 0
    assert any(n["code"] == "explain.note.not_computed_in_time" for n in meta["notes"])
    forcings = list(_forcings(doc))
    # Nothing is silently missing: each forcing is answered or marked.
    assert all(f["checked"] or f["reason"] in ("deadline", "budget") for f in forcings)
    # The count covers every forcing asked for, shown or not (near misses can take the places).
    assert 0 < sum(not f["checked"] and f["reason"] == "deadline" for f in forcings) <= late["alternatives"]
    pair = next(p for p in doc["pairs"] if any(not (a.get("forcing") or {"checked": True})["checked"]
                                               for a in p["explanation"]["alternatives"]))
    text = explain_text(doc, pair=(pair["mentor_id"], pair["mentee_id"]), lang="en")
    assert "not computed in time" in text


# --- Words: the CLI, result.json and the report ------------------------------------------------

def test_russian_plural_categories_agree_with_numerals():
    assert [plural(n, "ru") for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 0)] == \
        ["one", "few", "few", "many", "many", "many", "many", "one", "few", "many", "one", "many", "many"]
    assert [plural(n, "en") for n in (0, 1, 2, 21)] == ["many", "one", "many", "many"]


def test_the_gap_is_said_per_level_in_both_languages():
    solver = {"status": "FEASIBLE", "gap": 0.0, "score_gap_relative": 0.003,
              "level_gaps": {"priority_2": 0, "priority_1": 1, "matched": 11, "score": 3.5}}
    assert gap_text(solver, "en") == ("up to 1 more priority-1 mentee, up to 11 more pairs, "
                                      "sum of scores up to 3.5 more (0.3 %)")
    assert gap_text(solver, "ru") == ("ещё до 1 наставляемого с приоритетом 1, ещё до 11 пар, "
                                      "сумма оценок — ещё до 3,5 (0,3 %)")
    solver["level_gaps"] = {"priority_1": 2, "matched": 21, "score": 0}
    assert gap_text(solver, "en") == "up to 2 more priority-1 mentees, up to 21 more pairs"
    assert gap_text(solver, "ru") == "ещё до 2 наставляемых с приоритетом 1, ещё до 21 пары"


def test_a_coarsened_score_is_recorded_and_said_with_its_cost(monkeypatch):
    import matcher.solve.engine as solve_module

    people, config = _group_programme(n_mentees=30, n_mentors=10, seed=6)
    people = [p.model_copy(update={"group_min": None}) for p in people]
    config = load_config()
    probe = match(people, config)
    graph = probe.graph
    largest = [int(o.combined.max()) for o in (build_objective(graph, 1), build_objective(graph, 10))]
    limit = (largest[0] + largest[1]) // 2  # room for a tenfold coarser score only
    roster = graph.roster
    monkeypatch.setattr(solve_module, "FLOW_COST_LIMIT", limit * (roster.mentees.n + roster.mentors.n + 3))
    result = match(people, config)
    assert result.solution.objective_def.score_divisor == 10
    solver = result_document(result)["solver"]
    assert solver["score_resolution"] == {"step": 0.01, "finest_step": 0.001, "coarsened": True,
                                          "max_loss_per_pair": 0.009}
    assert score_resolution_text(solver, "en") == (
        "pair scores were compared in steps of 0.01 instead of 0.001: the total score may fall short of the "
        "best by less than 0.01 per pair")
    assert "шагом 0.01 вместо 0.001" in score_resolution_text(solver, "ru")


def test_the_report_and_the_cli_summary_say_the_gap_per_level(groups, tmp_path, capsys):
    from matcher.cli import print_summary
    from matcher.report import build_view

    _, _, result = groups
    doc = result_document(result)
    add_explanations(doc, result, deadline=result.deadline)
    expected = gap_text(doc["solver"], "en")
    assert expected.startswith("up to ")
    view = build_view(doc, "en")
    assert view["cards"]["status"] == "Optimality not proven: the time limit was reached"
    assert view["cards"]["gap"] == f"gap to the optimum's bound: {expected}"
    print_summary(doc, "ru", 1.0, tmp_path)
    out = capsys.readouterr().out
    assert "FEASIBLE — оптимальность не доказана (истёк --time-limit); разрыв: " + gap_text(doc["solver"], "ru") in out
    print_summary(doc, "en", 1.0, tmp_path)
    assert f"optimality not proven (--time-limit reached); gap: {expected}" in capsys.readouterr().out


def test_a_run_past_its_limit_says_so_and_names_what_always_runs(tmp_path, monkeypatch):
    """The candidate graph and the first flow always run to the end: when they alone outlast
    --time-limit, the summary says by how much instead of hiding it (ru and en)."""
    from click.testing import CliRunner

    import matcher.graph as graph_module
    import matcher.pipeline as pipeline
    from matcher.cli import main
    from matcher.sample import write_sample

    write_sample(tmp_path / "in", n_mentees=30, seed=2)
    build = graph_module.build_graph

    def slow_graph(*args, **kwargs):  # a graph that takes longer than the whole budget
        time.sleep(0.6)
        return build(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_graph", slow_graph)
    args = ["match", "--mentors", str(tmp_path / "in" / "mentors.csv"), "--mentees", str(tmp_path / "in" / "mentees.csv"),
            "--time-limit", "0.2", "-q"]
    ru = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "ru"), "--lang", "ru"])
    assert ru.exit_code == 0, ru.output
    assert "больше, чем --time-limit 0.2 с: построение графа возможных пар" in ru.output
    en = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "en"), "--lang", "en"])
    assert "longer than --time-limit 0.2 s: building the graph of possible pairs" in en.output
    fast = CliRunner().invoke(main, [*args[:-3], "--time-limit", "60", "-q", "--out", str(tmp_path / "ok")])
    assert fast.exit_code == 0 and "longer than --time-limit" not in fast.output


def test_explanations_start_no_re_solve_whose_first_flow_cannot_end_in_time(monkeypatch):
    """A re-solve's flow relaxation always runs to the end: at region scale it takes tens of
    seconds, so with less time than that left none is started, and what it would have
    answered is marked not computed in time and counted (never silently missing)."""
    import matcher.explain as explain_module

    people, config = _group_programme(n_mentees=60, n_mentors=20, seed=4)
    result = match(people, config, time_limit=30)
    full = result_document(result)
    add_explanations(full, result, deadline=time.perf_counter() + 60)
    assert full["explanations"]["resolves"] > 0  # this programme's explanations need re-solves

    result.timings["flow"] = 1e6  # as if one flow took longer than any time that is left

    def never(*args, **kwargs):
        raise AssertionError("a re-solve that cannot end by the deadline was started")

    monkeypatch.setattr(explain_module, "solve", never)
    doc = result_document(result)
    add_explanations(doc, result, deadline=time.perf_counter() + 60)
    late = doc["explanations"]["not_computed_in_time"]
    assert late["alternatives"] + late["changes"] > 0
