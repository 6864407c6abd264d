"""This engine against the tools a school would otherwise pick, on the same instances.

Each method runs as its own measured subprocess (wall time, peak RSS) and reads the
instance in its own input format:
  - engine:   `matcher match` on the sample school's CSV questionnaires (end to end:
              reading, rules, scoring, solving, writing pairs.csv/result.json/report);
  - scipy:    linear_sum_assignment on the expanded matrix (capacity copies of each mentor,
              forbidden pairs at a big cost, forbidden picks dropped), fed our candidate
              pairs and scores;
  - matching: HospitalResident (stable matching), preferences from our scores;
  - mentor-match (PyPI): its mentors.csv/mentees.csv, our rules and scores as its rules;
  - mentormatch (PyPI): its MS Forms-style workbook, its own hard-coded rules.
Every method's pairs are then checked against our hard rules and re-scored with our
scoring (0..1 per pair), so totals are comparable.

    python benchmarks/compare_peers.py            # 200 and 1000 mentees, README table
    python benchmarks/compare_peers.py --quick    # 60 mentees, nothing written to README

The PyPI peers pin old dependencies and two of them install the same top-level package
(`matching`), so each lives in its own virtual environment: see benchmarks/setup_peers.sh.
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import DATA_DIR, OUT_DIR, fmt_mb, fmt_seconds, measure  # noqa: E402

from matcher import scoring  # noqa: E402
from matcher.arrays import build_roster  # noqa: E402
from matcher.config import load_config  # noqa: E402
from matcher.constraints import RULE_BIT  # noqa: E402
from matcher.graph import build_graph  # noqa: E402
from matcher.sample import REFERENCE_DATE, generate_school, write_sample  # noqa: E402

PEERS = Path(__file__).resolve().parent / "peers"
DEFAULT_PYTHONS = {
    "matching": "/tmp/benchvenv/bin/python",
    "mentor-match": "/tmp/benchvenv-mentor-match/bin/python",
    "mentormatch": "/tmp/benchvenv-mentormatch/bin/python",
}


# --- the instance --------------------------------------------------------------------

@dataclass
class Instance:
    n_mentees: int
    seed: int
    dir: Path
    participants: list
    roster: object
    graph: object
    edge_of: dict = field(default_factory=dict)  # (mentee, mentor) -> edge number

    @property
    def label(self) -> str:
        r = self.roster
        return f"{r.mentees.n} mentees, {r.mentors.n} mentors ({r.mentees.n + r.mentors.n} participants)"


def prepare(n_mentees: int, seed: int) -> Instance:
    """Generate the school, write our CSV questionnaires and build our candidate graph."""
    d = DATA_DIR / f"peers-{n_mentees}-s{seed}"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    write_sample(d / "school", n_mentees=n_mentees, seed=seed, fmt="csv")
    participants = generate_school(n_mentees, seed)
    config = load_config()
    roster = build_roster(participants, config)
    graph = build_graph(roster)
    inst = Instance(n_mentees, seed, d, participants, roster, graph)
    inst.edge_of = {(int(i), int(j)): e for e, (i, j) in enumerate(zip(graph.mentee.tolist(), graph.mentor.tolist()))}
    write_instance_json(inst, d / "instance.json")
    return inst


def write_instance_json(inst: Instance, path: Path) -> None:
    """Candidate pairs and integer scores (0..1000) — what scipy and `matching` are fed."""
    r, g = inst.roster, inst.graph
    data = {
        "mentors": [{"id": i, "capacity": int(c)} for i, c in zip(r.mentors.ids, r.mentors.capacity.tolist())],
        "mentees": [{"id": i, "priority": int(p)} for i, p in zip(r.mentees.ids, r.mentees.priority.tolist())],
        "candidates": np.stack([g.mentee, g.mentor, g.score_int], axis=1).tolist(),
    }
    path.write_text(json.dumps(data), encoding="utf-8")


# --- peers' own input formats --------------------------------------------------------

def write_mentor_match_input(inst: Instance, d: Path) -> None:
    """mentor-match reads DIR/mentors.csv and DIR/mentees.csv with its fixed columns
    (first name, last name, email, role, organisation, grade, profession); people are told
    apart by email. Custom logic goes in as rules: rules.json carries their data."""
    d.mkdir(parents=True, exist_ok=True)
    cols = ["first name", "last name", "email", "role", "organisation", "grade", "profession"]
    for side, fname in ((inst.roster.mentors, "mentors.csv"), (inst.roster.mentees, "mentees.csv")):
        with open(d / fname, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for p in side.participants:
                last, first = (p.name.split() + ["", ""])[:2]
                grade = p.grade if p.grade is not None else int(p.experience_years or 0)
                w.writerow([first, last, p.id, p.category or "", "school", grade, p.category or ""])
    r, g = inst.roster, inst.graph
    rules = {
        "capacity": {i: int(c) for i, c in zip(r.mentors.ids, r.mentors.capacity.tolist())},
        "candidates": [[r.mentors.ids[j], r.mentees.ids[i], s]
                       for i, j, s in zip(g.mentee.tolist(), g.mentor.tolist(), g.score_int.tolist())],
    }
    (d / "rules.json").write_text(json.dumps(rules), encoding="utf-8")


# mentormatch's fixed vocabularies (its application_schema.toml).
MM_LOCATIONS = ["Fort Washington (Consumer Inc)", "Malvern (Janssen)", "Spring House (Janssen)",
                "West Chester (DePuy Synthes)", "Horsham (Janssen)"]
MM_SCHOOL = "Malvern (Janssen)"  # one school = one site
MM_YES, MM_MAYBE, MM_NO = "Definitely Yes", "Yes, but not my first choice", "No"
MM_CAPACITY = {1: "One mentee only, please!", 2: "I'm willing to take on two mentees.",
               3: "I can handle this! Give me three mentees."}
# Our spheres (offers / needs) -> its skills; our forms -> its functions.
MM_SKILL = {
    "study": "Time Management (Planning, Organizing & Prioritizing)", "adaptation": "Interpersonal Relationships",
    "career": "Role Transition", "olympiad": "Analytical Thinking", "project": "Project Management",
    "sport": "Work Life Balance/Integration", "creativity": "Design Thinking", "ict": "Changing Sectors",
    "methodology": "People Management", "discipline": "Challenging Manager or Team Members",
    "communication": "Communication Skills (Listening, Speaking or Writing)", "leadership": "Managing Up",
    "exams": "Graduate School", "burnout": "Flexibility and Adaptability",
}
MM_FUNCTION = {"teacher_teacher": "Training", "student_student": "Research & Testing",
               "teacher_student": "Professional Education", "adult_child": "Medical Affairs"}


def mm_level(p) -> int:
    """Position level (its 'mentor must be a level above' rule): school grades, then adults."""
    if p.category == "student":
        g = p.grade or 0
        return 1 if g <= 4 else 2 if g <= 6 else 3 if g <= 8 else 4
    if p.category in ("young_teacher", "graduate", "university_student"):
        return 5
    if p.category == "teacher" and (p.experience_years or 0) <= 3:
        return 5
    return 6 if p.category in ("parent", "employer") else 7


def write_mentormatch_input(inst: Instance, path: Path, preferred: str = "ranking") -> dict[int, str]:
    """mentormatch 1.1 reads one workbook: sheets mentor, mentee, favor; headers are its
    survey questions. `preferred`: "ranking" puts each mentee's speed-meeting ranking in its
    "wwids of preferred mentors"; "candidates" puts every mentor our rules allow, best
    score first (our feasibility handed over the only way its form can take it).
    Returns wwid -> our id."""
    from openpyxl import Workbook

    from matcher.models import SPHERE_INDEX
    from matcher.text import norm

    ids = sorted({p.id for p in inst.participants})
    wwid = {pid: k + 1 for k, pid in enumerate(ids)}
    ref = REFERENCE_DATE
    common = ["last_name", "first_name", "wwid", "nickname", "J&J Email Address", "job_title",
              "position_level", "years with jnj", "gender", "which is your home office",
              "What of the follow most closely matches you department/function?"]
    yn_cols = MM_LOCATIONS + ["female", "male"]

    def skills(values) -> str:
        out = []
        for v in values:
            s = MM_SKILL.get(SPHERE_INDEX.get(norm(v), norm(v)))
            if s and s not in out:
                out.append(s)
        return "; ".join(out)

    def yes_no(p) -> list[str]:
        row = [MM_YES if loc == MM_SCHOOL else MM_NO for loc in MM_LOCATIONS]
        if p.want_gender is None:
            row += [MM_YES, MM_YES]
        else:
            hard = "gender" in p.hard_wishes
            other = MM_NO if hard else MM_MAYBE
            row += [MM_YES if p.want_gender == "f" else other, MM_YES if p.want_gender == "m" else other]
        return row

    def base(p) -> list:
        last, first = (p.name.split() + ["", ""])[:2]
        gender = {"f": "female", "m": "male"}.get(p.gender, "")
        age = p.age_at(ref)
        return [last, first, wwid[p.id], "", f"{p.id}@school.example", p.category or "", mm_level(p),
                float(age) if age is not None else 0.0, gender, MM_SCHOOL,
                MM_FUNCTION.get(p.forms[0], "") if p.forms else ""]

    wb = Workbook()
    ws = wb.active
    ws.title = "mentor"
    ws.append(common + ["which of these skills do you have?", "How many mentees are you willing to mentor?"] + yn_cols)
    for p in inst.roster.mentors.participants:
        if p.capacity <= 0:
            continue  # on leave this year: a curator leaves them off the form
        ws.append(base(p) + [skills(p.offers), MM_CAPACITY[min(p.capacity, 3)]] + yes_no(p))
    ws = wb.create_sheet("mentee")
    ws.append(common + ["which of these mentor skills are important to you?",
                        "What functions do you prefer to be paired with?", "wwids of preferred mentors"] + yn_cols)
    g, mentor_ids = inst.graph, inst.roster.mentors.ids
    capacity = inst.roster.mentors.capacity
    for i, p in enumerate(inst.roster.mentees.participants):
        functions = "; ".join(MM_FUNCTION[f] for f in p.forms if f in MM_FUNCTION)
        if preferred == "candidates":
            e = g.edges_of_mentee(i)
            e = e[capacity[g.mentor[e]] > 0]
            e = e[np.lexsort((g.mentor[e], -g.score_int[e]))]
            preferred_ids = [mentor_ids[j] for j in g.mentor[e].tolist()]
        else:
            preferred_ids = p.ranking
        preferred_wwids = ", ".join(str(wwid[m]) for m in preferred_ids if m in wwid)
        ws.append(base(p) + [skills(p.needs), functions, preferred_wwids] + yes_no(p))
    ws = wb.create_sheet("favor")
    ws.append(["wwid", "favor"])
    for p in inst.roster.mentees.participants:
        if p.priority > 0:
            ws.append([wwid[p.id], int(p.priority)])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return {v: k for k, v in wwid.items()}


# --- reading each method's output ----------------------------------------------------

def read_pairs_csv(path: Path) -> list[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [(row["mentor_id"], row["mentee_id"]) for row in csv.DictReader(f)]


def read_mentor_match_output(out_dir: Path) -> list[tuple[str, str]]:
    """mentors-list.csv: one row per mentor, `match k email` columns for its mentees."""
    path = out_dir / "mentors-list.csv"
    pairs = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for key, value in row.items():
                if key.startswith("match ") and key.endswith(" email") and value:
                    pairs.append((row["email"], value))
    return pairs


def read_mentormatch_output(path: Path, id_of_wwid: dict[int, str]) -> list[tuple[str, str]]:
    """Its pairs table: mentor_str / mentee_str are 'Last, First WWID'."""
    pairs = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            m = int(row["mentor_str"].rsplit(" ", 1)[-1])
            t = int(row["mentee_str"].rsplit(" ", 1)[-1])
            pairs.append((id_of_wwid[m], id_of_wwid[t]))
    return pairs


# --- checking and re-scoring ---------------------------------------------------------

@dataclass
class Evaluation:
    pairs: int = 0
    matched_mentees: int = 0
    priority_matched: int = 0
    score: float = 0.0  # our score (0..1 per pair) summed over every pair returned
    valid_score: float = 0.0  # the same over pairs that break no hard rule
    blocked_pairs: int = 0  # pairs our rules block
    blocked_by: dict = field(default_factory=dict)  # rule code -> pairs
    over_capacity: int = 0  # pairs beyond mentors' capacity
    extra_mentors: int = 0  # second, third... mentor of one mentee
    under_group_min: int = 0  # mentors below their group minimum (0 < load < group_min)
    unknown_ids: int = 0

    @property
    def violations(self) -> int:
        return self.blocked_pairs + self.over_capacity + self.extra_mentors + self.under_group_min


def evaluate(inst: Instance, pairs: list[tuple[str, str]]) -> Evaluation:
    r, g = inst.roster, inst.graph
    ev = Evaluation(pairs=len(pairs))
    mentee_idx, mentor_idx = [], []
    for mentor_id, mentee_id in pairs:
        j, i = r.mentors.index.get(mentor_id), r.mentees.index.get(mentee_id)
        if i is None or j is None:
            ev.unknown_ids += 1
            continue
        mentee_idx.append(i)
        mentor_idx.append(j)
    mentee = np.array(mentee_idx, dtype=np.int64)
    mentor = np.array(mentor_idx, dtype=np.int64)
    if len(mentee) == 0:
        return ev
    score = scoring.total_score(scoring.component_matrix(r, mentee, mentor), r.config)
    ok = np.array([(i, j) in inst.edge_of for i, j in zip(mentee_idx, mentor_idx)], dtype=bool)
    ev.blocked_pairs = int((~ok).sum())
    for i, j in zip(mentee[~ok].tolist(), mentor[~ok].tolist()):
        mask = g.reason_mask(i, j)
        for code in g.reason_codes(mask) or ["?"]:
            ev.blocked_by[code] = ev.blocked_by.get(code, 0) + 1
    load = np.bincount(mentor, minlength=r.mentors.n)
    ev.over_capacity = int(np.maximum(load - r.mentors.capacity, 0).sum())
    gmin = r.mentors.group_min
    ev.under_group_min = int(((load > 0) & (gmin > 1) & (load < gmin)).sum())
    per_mentee = np.bincount(mentee, minlength=r.mentees.n)
    ev.extra_mentors = int(np.maximum(per_mentee - 1, 0).sum())
    ev.matched_mentees = int((per_mentee > 0).sum())
    ev.priority_matched = int(((per_mentee > 0) & (r.mentees.priority > 0)).sum())
    ev.score = float(score.sum())
    ev.valid_score = float(score[ok].sum())
    return ev


# --- the methods ---------------------------------------------------------------------

@dataclass
class Outcome:
    method: str
    run: _bench.Run | None = None
    evaluation: Evaluation | None = None
    note: str = ""
    failure: str = ""


def run_engine(inst: Instance, time_limit: float, solver_limit: float) -> Outcome:
    school = inst.dir / "school"
    out = inst.dir / "engine-out"
    if _bench.cli_has("match") and _cli_match_works(school):
        cmd = [*_bench.matcher_cli(), "match", "--mentors", str(school / "mentors.csv"),
               "--mentees", str(school / "mentees.csv"), "--out", str(out), "--time-limit", str(solver_limit),
               "--quiet"]
        run = measure(cmd, timeout=time_limit)
        oc = Outcome("this engine (`matcher match`, end to end)", run)
        if run.ok:
            oc.evaluation = evaluate(inst, read_pairs_csv(out / "pairs.csv"))
            oc.note = _engine_note(out / "result.json")
            return oc
        rejected = _bench.rejection(run)
        if not rejected:  # a crash, not rejected input: report it
            oc.failure = _failure(run, time_limit)
            return oc
    else:
        rejected = ""
    pairs = inst.dir / "engine-pairs.csv"
    cmd = [sys.executable, str(PEERS / "run_engine_library.py"), "school", str(inst.n_mentees), str(inst.seed),
           str(pairs), "--time-limit", str(solver_limit)]
    run = measure(cmd, timeout=time_limit)
    why = f"`matcher match` rejected the sample ({rejected})" if rejected else "CLI not available"
    oc = Outcome(f"this engine (library `matcher.match`, no file reading/writing; {why})", run)
    if run.ok:
        oc.evaluation = evaluate(inst, read_pairs_csv(pairs))
        info = json.loads(run.stdout.strip().splitlines()[-1])
        oc.note = f"{info['status']} ({info['engine']}, proof: {info['proof']})"
    else:
        oc.failure = _failure(run, time_limit)
    return oc


_CLI_OK: dict[str, bool] = {}


def _cli_match_works(school: Path) -> bool:
    """`matcher match` exists and reads questionnaires (a tiny probe run)."""
    key = "probe"
    if key not in _CLI_OK:
        probe = DATA_DIR / "cli-probe"
        if probe.exists():
            shutil.rmtree(probe)
        write_sample(probe / "school", n_mentees=10, seed=1)
        run = measure([*_bench.matcher_cli(), "match", "--mentors", str(probe / "school" / "mentors.csv"),
                       "--mentees", str(probe / "school" / "mentees.csv"), "--out", str(probe / "out"),
                       "--quiet"], timeout=120)
        _CLI_OK[key] = run.ok and (probe / "out" / "pairs.csv").exists()
    return _CLI_OK[key]


def _engine_note(result_json: Path) -> str:
    try:
        data = json.loads(result_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    sol = data.get("solver") or data.get("solution") or data
    status = sol.get("status", "?") if isinstance(sol, dict) else "?"
    engine = sol.get("engine", "") if isinstance(sol, dict) else ""
    gap = sol.get("gap") if isinstance(sol, dict) else None
    proof = sol.get("proof", "") if isinstance(sol, dict) else ""
    note = f"{status} ({engine}, proof: {proof})" if engine else str(status)
    if gap:
        note += f", gap {gap:.2%}"
    return note


def _failure(run: _bench.Run, time_limit: float) -> str:
    if run.timed_out:
        return f"did not finish in {time_limit:.0f} s"
    return run.last_error_line()[:160]


def run_python_peer(method: str, python: str | None, script: str, args: list[str], time_limit: float,
                    read) -> Outcome:
    oc = Outcome(method)
    if not python or not Path(python).exists():
        oc.failure = f"not installed ({python}); run benchmarks/setup_peers.sh"
        return oc
    run = measure([python, str(PEERS / script), *args], timeout=time_limit)
    oc.run = run
    if run.ok:
        try:
            oc.evaluation = read()
        except Exception as exc:  # the peer's output could not be read: report, don't crash
            oc.failure = f"output unreadable: {type(exc).__name__}: {exc}"[:160]
    else:
        oc.failure = _failure(run, time_limit)
    return oc


def run_all(inst: Instance, args) -> list[Outcome]:
    d = inst.dir
    outcomes = [run_engine(inst, args.time_limit, args.solver_time_limit)]
    print(f"  engine: {_summary(outcomes[-1])}", flush=True)

    outcomes.append(run_python_peer(
        "scipy `linear_sum_assignment` (expanded matrix)", sys.executable, "run_lsa.py",
        [str(d / "instance.json"), str(d / "lsa-pairs.csv")], args.time_limit,
        lambda: evaluate(inst, read_pairs_csv(d / "lsa-pairs.csv"))))
    print(f"  scipy: {_summary(outcomes[-1])}", flush=True)

    outcomes.append(run_python_peer(
        "`matching` HospitalResident (stable)", args.matching_python, "run_hospital_resident.py",
        [str(d / "instance.json"), str(d / "hr-pairs.csv")], args.time_limit,
        lambda: evaluate(inst, read_pairs_csv(d / "hr-pairs.csv"))))
    print(f"  HospitalResident: {_summary(outcomes[-1])}", flush=True)
    if "RecursionError" in outcomes[-1].failure:
        outcomes.append(run_python_peer(
            "`matching` HospitalResident, `sys.setrecursionlimit(100000)`", args.matching_python,
            "run_hospital_resident.py", [str(d / "instance.json"), str(d / "hr-pairs.csv"), "100000"],
            args.time_limit, lambda: evaluate(inst, read_pairs_csv(d / "hr-pairs.csv"))))
        print(f"  HospitalResident, recursion limit raised: {_summary(outcomes[-1])}", flush=True)

    mm_dir = d / "mentor-match"
    write_mentor_match_input(inst, mm_dir)
    outcomes.append(run_python_peer(
        "`mentor-match` (rounds of Munkres; our rules as its rules)", args.mentor_match_python,
        "run_mentor_match.py", [str(mm_dir), str(mm_dir / "output")], args.time_limit,
        lambda: evaluate(inst, read_mentor_match_output(mm_dir / "output"))))
    print(f"  mentor-match: {_summary(outcomes[-1])}", flush=True)

    xlsx = d / "mentormatch" / "applications.xlsx"
    id_of_wwid = write_mentormatch_input(inst, xlsx)
    outcomes.append(run_python_peer(
        "`mentormatch` (deferred acceptance; its own rules)", args.mentormatch_python, "run_mentormatch.py",
        [str(xlsx), str(d / "mentormatch" / "pairs.csv")], args.time_limit,
        lambda: evaluate(inst, read_mentormatch_output(d / "mentormatch" / "pairs.csv", id_of_wwid))))
    print(f"  mentormatch: {_summary(outcomes[-1])}", flush=True)

    xlsx = d / "mentormatch-candidates" / "applications.xlsx"
    id_of_wwid = write_mentormatch_input(inst, xlsx, preferred="candidates")
    outcomes.append(run_python_peer(
        "`mentormatch`, our candidates as each mentee's preferred mentors", args.mentormatch_python,
        "run_mentormatch.py", [str(xlsx), str(xlsx.parent / "pairs.csv")], args.time_limit,
        lambda: evaluate(inst, read_mentormatch_output(xlsx.parent / "pairs.csv", id_of_wwid))))
    print(f"  mentormatch (candidates preferred): {_summary(outcomes[-1])}", flush=True)
    return outcomes


def _summary(oc: Outcome) -> str:
    if oc.failure:
        return oc.failure
    ev = oc.evaluation
    return (f"{ev.matched_mentees} matched, score {ev.score:.1f}, {ev.violations} violations, "
            f"{fmt_seconds(oc.run.wall)}, {fmt_mb(oc.run.peak_rss_mb)}")


# --- report --------------------------------------------------------------------------

HEADERS = ["method", "matched mentees", "priority matched", "total score (ours)", "score of rule-abiding pairs",
           "hard-rule violations", "wall time", "peak RSS", "notes"]


def table_rows(inst: Instance, outcomes: list[Outcome]) -> list[list]:
    n_prio = int((inst.roster.mentees.priority > 0).sum())
    rows = []
    for oc in outcomes:
        if oc.evaluation is None:
            wall = fmt_seconds(oc.run.wall) if oc.run and not oc.run.timed_out else "-"
            rss = fmt_mb(oc.run.peak_rss_mb) if oc.run else "-"
            rows.append([oc.method, "-", "-", "-", "-", "-", wall, rss, oc.failure])
            continue
        ev = oc.evaluation
        parts = []
        if ev.blocked_pairs:
            by = ", ".join(f"{k} {v}" for k, v in sorted(ev.blocked_by.items(), key=lambda kv: -kv[1]))
            parts.append(f"{ev.blocked_pairs} blocked pairs ({by})")
        if ev.over_capacity:
            parts.append(f"{ev.over_capacity} over capacity")
        if ev.extra_mentors:
            parts.append(f"{ev.extra_mentors} second mentors")
        if ev.under_group_min:
            parts.append(f"{ev.under_group_min} groups below minimum")
        violations = f"{ev.violations}" + (f": {'; '.join(parts)}" if parts else "")
        rows.append([oc.method, ev.matched_mentees, f"{ev.priority_matched} / {n_prio}", f"{ev.score:.1f}",
                     f"{ev.valid_score:.1f}", violations, fmt_seconds(oc.run.wall), fmt_mb(oc.run.peak_rss_mb),
                     oc.note])
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="60 mentees, short limits, README untouched")
    ap.add_argument("--sizes", default="200,1000", help="mentee counts, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=600.0, help="wall-clock limit per method, seconds")
    ap.add_argument("--solver-time-limit", type=float, default=60.0, help="this engine's --time-limit")
    ap.add_argument("--matching-python", default=DEFAULT_PYTHONS["matching"])
    ap.add_argument("--mentor-match-python", default=DEFAULT_PYTHONS["mentor-match"])
    ap.add_argument("--mentormatch-python", default=DEFAULT_PYTHONS["mentormatch"])
    ap.add_argument("--no-readme", action="store_true", help="don't update benchmarks/README.md")
    args = ap.parse_args(argv)
    sizes = [60] if args.quick else [int(s) for s in args.sizes.split(",")]
    if args.quick:
        args.time_limit = min(args.time_limit, 120.0)
        args.solver_time_limit = min(args.solver_time_limit, 20.0)

    sections, raw = [], []
    for n in sizes:
        inst = prepare(n, args.seed)
        print(f"{inst.label}: {inst.graph.n_edges} candidate pairs", flush=True)
        outcomes = run_all(inst, args)
        raw.append({"n_mentees": n, "label": inst.label, "candidates": inst.graph.n_edges,
                    "outcomes": [{"method": o.method, "run": o.run, "evaluation": o.evaluation.__dict__
                                  if o.evaluation else None, "note": o.note, "failure": o.failure}
                                 for o in outcomes]})
        sections.append(f"**{inst.label}, seed {args.seed}; {inst.graph.n_edges:,} candidate pairs "
                        f"pass our hard rules.**\n\n" + _bench.markdown_table(HEADERS, table_rows(inst, outcomes)))
    _bench.save_json(OUT_DIR / ("compare_peers-quick.json" if args.quick else "compare_peers.json"), raw)

    versions = {
        "matching": _bench.dist_version_in(args.matching_python, "matching"),
        "mentor-match": _bench.dist_version_in(args.mentor_match_python, "mentor-match"),
        "mentormatch": _bench.dist_version_in(args.mentormatch_python, "mentormatch"),
    }
    body = "\n\n".join([f"Command: `{_bench.command_line()}` (time limit {args.time_limit:.0f} s per method; "
                        f"this engine's solver limit {args.solver_time_limit:.0f} s).",
                        _bench.machine_line(versions), *sections])
    print(body)
    if not args.quick and not args.no_readme:
        _bench.update_readme("compare_peers", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
