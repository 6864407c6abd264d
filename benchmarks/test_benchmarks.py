"""The benchmark harness, specified: measurement, the violation checker, the generators.

No wall time is asserted anywhere. Run: python -m pytest -q benchmarks/test_benchmarks.py
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import _bench  # noqa: E402
import compare_peers  # noqa: E402
from district import generate_district  # noqa: E402

from matcher.arrays import build_roster  # noqa: E402
from matcher.config import load_config  # noqa: E402
from matcher.graph import build_graph  # noqa: E402


# --- measuring a subprocess ----------------------------------------------------------

def test_peak_memory_is_the_childs_own():
    run = _bench.measure([sys.executable, "-c", "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])"])
    assert run.ok
    assert run.peak_rss_mb >= 300


def test_a_small_child_measures_small_after_the_driver_grew_large():
    """Linux carries an address space's peak RSS across exec: a child spawned straight from a
    500 MB driver measured 530 MB for /usr/bin/true. Its own figure is a few megabytes."""
    ballast = bytearray(500 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: resident
    run = _bench.measure(["/bin/true"])
    assert run.ok
    assert run.peak_rss_mb < 100
    small = _bench.measure([sys.executable, "-c", "pass"])
    assert small.ok and small.peak_rss_mb < 100
    del ballast


def test_a_failing_childs_exit_code_is_its_own():
    run = _bench.measure([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert run.returncode == 3
    missing = _bench.measure(["/nonexistent/command"])
    assert missing.returncode == 127


def test_a_run_over_its_time_limit_is_killed_and_marked():
    run = _bench.measure([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert run.timed_out
    assert run.wall < 25


def test_a_failing_run_keeps_its_exit_code_and_last_error_line():
    run = _bench.measure([sys.executable, "-c", "raise SystemExit('boom')"])
    assert run.returncode == 1
    assert run.last_error_line() == "boom"


def test_rejected_input_is_told_apart_from_a_crash():
    rejected = _bench.Run([], 0.1, 1.0, 1, stderr="f.csv:3:Пол: error: bad value\ninput rejected: 1 error(s)\n")
    crashed = _bench.Run([], 0.1, 1.0, 1, stderr="Traceback (most recent call last):\n  ...\nKeyError: 'x'\n")
    assert "bad value" in _bench.rejection(rejected)
    assert _bench.rejection(crashed) == ""


def test_progress_lines_become_stage_durations():
    stderr = "reading questionnaires... (0.0 s)\nsome warning\nmatching... (0.7 s)\nwriting results... (1.5 s)\n"
    stages = _bench.progress_stages(stderr)
    assert stages["reading questionnaires"] == pytest.approx(0.7)
    assert stages["matching"] == pytest.approx(0.8)
    assert stages["writing results"] is None


def test_readme_update_replaces_only_its_own_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- BEGIN a -->\nold a\n<!-- END a -->\nmiddle\n<!-- BEGIN b -->\nold b\n<!-- END b -->\n")
    _bench.update_readme("a", "new a", readme)
    text = readme.read_text()
    assert "new a" in text and "old a" not in text
    assert "old b" in text and "intro" in text and "middle" in text


# --- the checker ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def school():
    from matcher.sample import generate_school

    participants = generate_school(60, seed=3)
    roster = build_roster(participants, load_config())
    graph = build_graph(roster)
    inst = compare_peers.Instance(60, 3, Path("."), participants, roster, graph)
    inst.edge_of = {(int(i), int(j)): e for e, (i, j) in enumerate(zip(graph.mentee.tolist(), graph.mentor.tolist()))}
    return inst


def _ids(inst, mentee, mentor):
    return inst.roster.mentors.ids[mentor], inst.roster.mentees.ids[mentee]


def test_candidate_pairs_are_scored_as_the_graph_scores_them(school):
    g = school.graph
    edges = [0, g.n_edges // 2, g.n_edges - 1]
    pairs = [_ids(school, int(g.mentee[e]), int(g.mentor[e])) for e in edges]
    ev = compare_peers.evaluate(school, pairs)
    assert ev.blocked_pairs == 0
    assert ev.score == pytest.approx(float(g.score[edges].sum()), abs=1e-6)
    assert ev.valid_score == pytest.approx(ev.score)


def test_a_pair_the_rules_block_counts_as_a_violation_with_its_rule(school):
    g = school.graph
    i = 0
    j = int(np.flatnonzero(g.blocked_row(i)[0] != 0)[0])
    ev = compare_peers.evaluate(school, [_ids(school, i, j)])
    assert ev.blocked_pairs == 1
    assert set(ev.blocked_by) == set(g.reason_codes(g.reason_mask(i, j)))
    assert ev.valid_score == 0


def test_a_mentor_past_capacity_and_a_second_mentor_are_violations(school):
    r, g = school.roster, school.graph
    j = int(np.flatnonzero(r.mentors.capacity == 1)[0])
    mentees = [i for i in range(r.mentees.n)][:2]
    ev = compare_peers.evaluate(school, [_ids(school, mentees[0], j), _ids(school, mentees[1], j)])
    assert ev.over_capacity == 1
    i = int(g.mentee[0])
    ev = compare_peers.evaluate(school, [_ids(school, i, 0), _ids(school, i, 1)])
    assert ev.extra_mentors == 1
    assert ev.matched_mentees == 1


def test_unknown_ids_are_counted_not_scored(school):
    ev = compare_peers.evaluate(school, [("nobody", "no-one")])
    assert ev.unknown_ids == 1 and ev.score == 0


# --- the scipy recipe ----------------------------------------------------------------

def test_expanded_matrix_assignment_finds_the_brute_force_optimum(tmp_path):
    # 3 mentees, 2 mentors (capacities 2 and 1); mentee 2 fits only mentor 0.
    inst = {"mentors": [{"id": "A", "capacity": 2}, {"id": "B", "capacity": 1}],
            "mentees": [{"id": "x", "priority": 0}, {"id": "y", "priority": 0}, {"id": "z", "priority": 0}],
            "candidates": [[0, 0, 900], [0, 1, 800], [1, 0, 700], [1, 1, 100], [2, 0, 50]]}
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(inst))
    out = tmp_path / "pairs.csv"
    subprocess.run([sys.executable, str(BENCH / "peers" / "run_lsa.py"), str(path), str(out)], check=True)
    with open(out) as f:
        pairs = {(r["mentor_id"], r["mentee_id"]) for r in csv.DictReader(f)}
    # All three matched beats any two; among those, x-B + y-A + z-A = 800 + 700 + 50 is best.
    assert pairs == {("B", "x"), ("A", "y"), ("A", "z")}


# --- the district generator ----------------------------------------------------------

def test_district_density_comes_from_the_hard_wish_alone():
    people = generate_district(300, 150, density=0.2, seed=5)
    mentors = [p for p in people if p.role == "mentor"]
    mentees = [p for p in people if p.role == "mentee"]
    # Independent count: a pair fits when the mentor offers the sphere the mentee insists on.
    fits = sum(t.want_offers[0] in m.offers for t in mentees for m in mentors)
    graph = build_graph(build_roster(people, load_config()))
    assert graph.n_edges == fits
    assert 0.17 < fits / (len(mentors) * len(mentees)) < 0.23


def test_district_is_the_same_for_the_same_seed():
    a = generate_district(50, 25, seed=2)
    b = generate_district(50, 25, seed=2)
    assert [p.model_dump() for p in a] == [p.model_dump() for p in b]
