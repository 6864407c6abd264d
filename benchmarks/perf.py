"""Performance targets, measured end to end through `matcher match` as a subprocess.

  school:   a ~300-participant school (200 mentees), all outputs      target < 2 s
  district: 5,000 mentees, 2,500 mentors, ~20 % of pairs feasible
            (~2.5M candidate pairs), proven optimal                     target < 15 s, < 3 GB
  groups:   the 1,000-mentee sample school with group minimums,
            proven optimal by CP-SAT                                    target < 60 s
  sample-2000, sample-5000: `matcher sample --mentees N --seed 7` (group minimums at
            district scale: 584k / 3.8M candidate pairs), proven optimal
                                                                        target < 8 s / < 30 s, < 2.5 GB
  sample-20000: the same with 20,000 mentees, `--time-limit 120`: an answer with its
            gap in time                                                 target < 150 s, < 8 GB

Wall time is the median of --repeat runs for runs under 30 s (one run otherwise); peak
RSS is that run's own. Status, proof and candidate-pair count come from result.json.
With --profile, one more run of each scenario under cProfile gives the breakdown by stage
(reading, roster, graph: rules and scores, solve, explanations, writing).

    python benchmarks/perf.py                   # all scenarios, README updated
    python benchmarks/perf.py --quick           # small sizes, README untouched
    python benchmarks/perf.py --only district --profile
"""
from __future__ import annotations

import argparse
import json
import pstats
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import DATA_DIR, OUT_DIR, fmt_mb, fmt_seconds, measure  # noqa: E402
from district import write_district  # noqa: E402

from matcher.sample import write_sample  # noqa: E402

PEERS = Path(__file__).resolve().parent / "peers"


@dataclass
class Scenario:
    name: str
    title: str
    target_s: float
    target_mb: float | None = None
    needs_cpsat: bool = False
    needs_optimal: bool = True  # False: an answer in time with its gap meets the target
    engine: str = "auto"
    time_limit: float = 60.0
    # inputs
    mentors: Path | None = None
    mentees: Path | None = None
    config: Path | None = None
    library_args: list[str] = field(default_factory=list)  # run_engine_library.py fallback
    participants: int = 0


@dataclass
class Measured:
    scenario: Scenario
    runs: list[_bench.Run]
    via: str  # "cli" | "library"
    result: dict  # status, engine, proof, candidate_pairs, gap
    stages: dict[str, float] = field(default_factory=dict)
    note: str = ""
    raw_flow: dict = field(default_factory=dict)  # benchmarks/raw_flow.py on the same inputs

    @property
    def run(self) -> _bench.Run:
        return _bench.median_run(self.runs)


def prepare(name: str, quick: bool) -> Scenario:
    if name == "school":
        n = 60 if quick else 200
        d = DATA_DIR / f"perf-school-{n}"
        _fresh(d)
        write_sample(d, n_mentees=n, seed=1)
        return Scenario("school", f"sample school, {n} mentees", 2.0, mentors=d / "mentors.csv",
                        mentees=d / "mentees.csv", library_args=["school", str(n), "1"])
    if name == "district":
        n, m = (500, 250) if quick else (5000, 2500)
        d = DATA_DIR / f"perf-district-{n}"
        _fresh(d)
        paths = write_district(d, n, m, 0.2, seed=1)
        return Scenario("district", f"district, {n} mentees, {m} mentors, ~20 % feasible", 15.0, 3 * 1024,
                        mentors=paths["mentors"], mentees=paths["mentees"], config=paths["config"],
                        library_args=["district", str(n), str(m), "0.2", "1"])
    if name in ("groups", "groups-cpsat"):
        n = 150 if quick else 1000
        d = DATA_DIR / f"perf-groups-{n}"
        if not d.exists():
            write_sample(d, n_mentees=n, seed=1)
        engine = "cpsat" if name == "groups-cpsat" else "auto"
        title = f"sample school with group minimums, {n} mentees" + (", `--engine cpsat`" if engine == "cpsat" else "")
        return Scenario(name, title, 60.0, needs_cpsat=True, engine=engine, time_limit=60.0,
                        mentors=d / "mentors.csv", mentees=d / "mentees.csv",
                        library_args=["school", str(n), "1"])
    if name.startswith("sample-"):
        full = int(name.split("-", 1)[1])
        n = min(full, 300) if quick else full
        d = DATA_DIR / f"perf-sample-{n}-seed7"
        if not d.exists():
            write_sample(d, n_mentees=n, seed=7)
        target_s, target_mb, optimal = {2000: (8.0, None, True), 5000: (30.0, 2.5 * 1024, True)}.get(
            full, (150.0, 8 * 1024, False))
        return Scenario(name, f"sample school, {n} mentees, seed 7 (group minimums)", target_s, target_mb,
                        needs_cpsat=optimal, needs_optimal=optimal, time_limit=120.0,
                        mentors=d / "mentors.csv", mentees=d / "mentees.csv", library_args=["school", str(n), "7"])
    raise ValueError(name)


def _fresh(d: Path) -> None:
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)


def cli_cmd(sc: Scenario, out: Path, quiet: bool = True) -> list[str]:
    cmd = [*_bench.matcher_cli(), "match", "--mentors", str(sc.mentors), "--mentees", str(sc.mentees),
           "--out", str(out), "--engine", sc.engine, "--time-limit", str(sc.time_limit)]
    if sc.config:
        cmd += ["--config", str(sc.config)]
    return cmd + (["--quiet"] if quiet else [])


def library_cmd(sc: Scenario, out: Path) -> list[str]:
    return [sys.executable, str(PEERS / "run_engine_library.py"), *sc.library_args, str(out / "pairs.csv"),
            "--engine", sc.engine, "--time-limit", str(sc.time_limit)]


RAW_FLOW_MAX_PAIRS = 10_000_000  # past this the bare flow alone needs gigabytes: not run


def raw_flow(sc: Scenario, candidate_pairs: int | None, wall_limit: float) -> dict:
    """The raw OR-Tools min-cost flow over the same candidate pairs (benchmarks/raw_flow.py),
    its own subprocess: the yardstick of the end-to-end ratio."""
    if not sc.mentors or (candidate_pairs or 0) > RAW_FLOW_MAX_PAIRS:
        return {}
    cmd = [sys.executable, str(Path(__file__).resolve().parent / "raw_flow.py"), str(sc.mentors), str(sc.mentees)]
    if sc.config:
        cmd.append(str(sc.config))
    run = measure(cmd, timeout=wall_limit)
    if not run.ok:
        return {}
    return json.loads(run.stdout.strip().splitlines()[-1])


def run_scenario(sc: Scenario, repeat: int, wall_limit: float) -> Measured:
    out = OUT_DIR / f"perf-{sc.name}"
    _fresh(out)
    runs: list[_bench.Run] = []
    via, note = "cli", ""
    if _bench.cli_has("match"):
        # The first run prints its stages (progress lines); the rest are quiet.
        first = measure(cli_cmd(sc, out, quiet=False), timeout=wall_limit)
        stages = _bench.progress_stages(first.stderr)
        if first.ok:
            runs.append(first)
            result = _result_json(out / "result.json")
            while len(runs) < repeat and first.wall < 30:
                runs.append(measure(cli_cmd(sc, out), timeout=wall_limit))
            return Measured(sc, runs, via, result, stages, raw_flow=raw_flow(sc, result.get("candidate_pairs"),
                                                                             wall_limit))
        rejected = _bench.rejection(first)
        note = (f"`matcher match` rejected the generated input ({rejected}); measured through the library "
                f"(no file reading or writing)") if rejected else \
            f"`matcher match` failed: {first.last_error_line()[:200]}; measured through the library"
        if first.timed_out:
            return Measured(sc, [first], via, {}, stages, f"did not finish in {wall_limit:.0f} s")
    else:
        note = "`matcher match` not available yet; measured through the library (no file reading or writing)"
    via = "library"
    out.mkdir(parents=True, exist_ok=True)
    result = {}
    while True:
        run = measure(library_cmd(sc, out), timeout=wall_limit)
        runs.append(run)
        if not run.ok:
            note += f"; library run failed: {'timeout' if run.timed_out else run.last_error_line()[:200]}"
            break
        result = json.loads(run.stdout.strip().splitlines()[-1])
        if len(runs) >= repeat or run.wall >= 30:
            break
    return Measured(sc, runs, via, result, result.get("timings", {}), note)


def _result_json(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    from matcher.results import gap_text

    solver = doc.get("solver", {})
    gap = gap_text(solver, "en") if solver.get("status") == "FEASIBLE" else ""
    return {"status": solver.get("status"), "engine": solver.get("engine"), "proof": solver.get("proof"),
            "gap": gap, "candidate_pairs": doc.get("summary", {}).get("candidate_pairs"),
            "pairs": doc.get("summary", {}).get("pairs")}


# --- profile ----------------------------------------------------------------------------

# (label, module path suffix, function name): cumulative time of each, from one cProfile run.
PROFILE_POINTS = [
    ("python start-up, imports, click (outside the command)", None, None),
    ("read + validate questionnaires (`io.load`)", "matcher/io/__init__.py", "load"),
    ("roster (`build_roster`)", "matcher/arrays.py", "build_roster"),
    ("graph total (`build_graph`)", "matcher/graph.py", "build_graph"),
    ("  hard rules (`constraints.reasons_mask`)", "matcher/constraints/__init__.py", "reasons_mask"),
    ("  scores (`scoring.component_matrix`)", "matcher/scoring/__init__.py", "component_matrix"),
    ("solve total (`solve.solve`)", "matcher/solve/__init__.py", "solve"),
    ("  objective (`objective_for`)", "matcher/solve/objective.py", "objective_for"),
    ("  side constraints (`side_constraints`)", "matcher/solve/__init__.py", "side_constraints"),
    ("  min-cost flow (`solve_flow`)", "matcher/solve/flow.py", "solve_flow"),
    ("  CP-SAT (`solve_cpsat`)", "matcher/solve/cpsat.py", "solve_cpsat"),
    ("result document (`result_document`)", "matcher/results.py", "result_document"),
    ("  per-pair records (`pair_records`)", "matcher/results.py", "pair_records"),
    ("  unmatched records (`unmatched_records`)", "matcher/results.py", "unmatched_records"),
    ("explanations (`add_explanations`)", "matcher/explain.py", "add_explanations"),
    ("pairs.csv / unmatched.csv / result.json (`write_outputs`)", "matcher/results.py", "write_outputs"),
    ("report.html (`write_report`)", "matcher/report.py", "write_report"),
]


def profile_scenario(sc: Scenario, via: str) -> tuple[list[list], list[list], float]:
    """One run under cProfile: (stage rows, top functions, total seconds)."""
    out = OUT_DIR / f"perf-{sc.name}-profile"
    _fresh(out)
    prof = OUT_DIR / f"perf-{sc.name}.prof"
    if via == "cli":
        cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "matcher.cli", *cli_cmd(sc, out)[len(_bench.matcher_cli()):]]
    else:
        cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), *library_cmd(sc, out)[1:]]
    run = measure(cmd, timeout=1800)
    if not prof.exists():
        return [], [], run.wall
    stats = pstats.Stats(str(prof))
    total = stats.total_tt
    cum: dict[tuple[str, str], float] = {}
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        key = (filename.replace("\\", "/"), func)
        cum[key] = max(cum.get(key, 0.0), ct)

    def lookup(suffix, func):
        return max((v for (f, fn), v in cum.items() if f.endswith(suffix) and fn == func), default=None)

    main_t = lookup("matcher/cli.py", "match_cmd") or lookup("peers/run_engine_library.py", "main") or 0.0
    rows = []
    for label, suffix, func in PROFILE_POINTS:
        value = max(0.0, total - main_t) if suffix is None else lookup(suffix, func)
        if value is not None:
            rows.append([label, fmt_seconds(value), f"{100 * value / total:.0f} %"])
    # The package's own functions by cumulative time (robust to renames), then by own time.
    top = []
    ours = sorted(((v[3], v[2], k) for k, v in stats.stats.items()
                   if "/matcher/" in k[0].replace("\\", "/") and not k[0].endswith("cli.py")
                   and k[2] != "<module>"), reverse=True)[:15]
    for ct, tt, (filename, line, func) in ours:
        short = "matcher/" + filename.replace("\\", "/").split("/matcher/", 1)[-1]
        top.append([f"`{short}:{line}({func})`", fmt_seconds(ct), fmt_seconds(tt)])
    return rows, top, total


# --- report --------------------------------------------------------------------------

HEADERS = ["scenario", "participants", "candidate pairs", "status (proof)", "wall time", "peak RSS",
           "raw flow (ratio)", "target", "met?", "notes"]


def row_for(m: Measured) -> list:
    sc, run, res = m.scenario, m.run, m.result
    n_runs = len([r for r in m.runs if r.ok])
    wall = f"{fmt_seconds(run.wall)}" + (f" (median of {n_runs})" if n_runs > 1 else "")
    status = res.get("status") or ("timeout" if run.timed_out else "failed")
    proof = res.get("proof")
    status_txt = f"{status} ({res.get('engine')}{', ' + proof if proof else ''})" if res else status
    if isinstance(res.get("gap"), str) and res["gap"]:
        status_txt += f", gap: {res['gap']}"  # per objective level (results.gap_text)
    target = f"< {sc.target_s:.0f} s" + (f", < {sc.target_mb / 1024:g} GB" if sc.target_mb else "")
    if sc.needs_cpsat:
        target += ", proven optimal"
    met = run.ok and run.wall < sc.target_s and (sc.target_mb is None or run.peak_rss_mb < sc.target_mb) \
        and (status == "OPTIMAL" or (not sc.needs_optimal and status == "FEASIBLE"))
    note = m.note or ("through `matcher match`" if m.via == "cli" else "")
    cands = res.get("candidate_pairs")
    raw = m.raw_flow.get("seconds")
    ratio = f"{fmt_seconds(raw)} ({run.wall / raw:.1f}x)" if raw and run.ok else \
        ("not run (> 10M pairs)" if (cands or 0) > RAW_FLOW_MAX_PAIRS else "-")
    return [sc.title, f"{sc.participants:,}" if sc.participants else "-", f"{cands:,}" if cands else "-",
            status_txt, wall, fmt_mb(run.peak_rss_mb), ratio, target, "yes" if met else "**no**", note]


def count_rows(path: Path | None) -> int:
    if path is None or not path.exists():
        return 0
    with open(path, encoding="utf-8-sig") as f:
        return max(0, sum(1 for _ in f) - 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, one run each, README untouched")
    ap.add_argument("--only", default="school,district,groups,groups-cpsat,sample-2000,sample-5000,sample-20000",
                    help="comma-separated: school, district, groups, groups-cpsat, sample-2000, sample-5000, "
                         "sample-20000")
    ap.add_argument("--repeat", type=int, default=3, help="runs per scenario for the median (quick ones)")
    ap.add_argument("--wall-limit", type=float, default=900.0, help="kill a run after this many seconds")
    ap.add_argument("--profile", action="store_true", help="add a cProfile breakdown of each scenario")
    ap.add_argument("--no-readme", action="store_true")
    args = ap.parse_args(argv)
    repeat = 1 if args.quick else args.repeat

    measured, profiles = [], []
    for name in args.only.split(","):
        sc = prepare(name.strip(), args.quick)
        sc.participants = count_rows(sc.mentors) + count_rows(sc.mentees)
        print(f"{sc.title}: running...", flush=True)
        m = run_scenario(sc, repeat, args.wall_limit)
        measured.append(m)
        print("  " + " | ".join(map(str, row_for(m))), flush=True)
        if m.stages:
            print("  stages: " + ", ".join(f"{k} {fmt_seconds(v) if v is not None else '?'}"
                                           for k, v in m.stages.items()), flush=True)
        if args.profile:
            rows, top, total = profile_scenario(sc, m.via)
            profiles.append((sc, rows, top, total))
            for r in rows:
                print("    " + " | ".join(r), flush=True)

    store = OUT_DIR / ("perf-results-quick" if args.quick else "perf-results")
    for m in measured:
        prof = next((p for p in profiles if p[0] is m.scenario), None)
        _bench.save_json(store / f"{m.scenario.name}.json", {
            "scenario": m.scenario.name, "command": _bench.command_line(), "machine": _bench.machine_line(),
            "row": row_for(m), "via": m.via, "runs": m.runs, "result": m.result, "stages": m.stages,
            "note": m.note, "raw_flow": m.raw_flow, "profile": {"rows": prof[1], "top": prof[2], "total": prof[3]} if prof else None})
    body = readme_body(store)
    print(body)
    if not args.quick and not args.no_readme:
        _bench.update_readme("perf", body)
    return 0


ORDER = ["school", "district", "groups", "groups-cpsat", "sample-2000", "sample-5000", "sample-20000"]


def readme_body(store: Path) -> str:
    """The README section from the latest stored result of every scenario."""
    saved = [json.loads((store / f"{n}.json").read_text(encoding="utf-8"))
             for n in ORDER if (store / f"{n}.json").exists()]
    commands = sorted({s["command"] for s in saved})
    parts = ["Commands: " + "; ".join(f"`{c}`" for c in commands), saved[-1]["machine"] if saved else "",
             _bench.markdown_table(HEADERS, [s["row"] for s in saved])]
    stage_rows = [[s["row"][0], "; ".join(f"{k} {fmt_seconds(v) if v is not None else '(rest)'}"
                                          for k, v in s["stages"].items())] for s in saved if s["stages"]]
    if stage_rows:
        parts.append("Stages as the run reports them (`matcher match` progress lines: seconds from one stage's "
                     "start to the next; library runs: `MatchResult.timings`):\n\n"
                     + _bench.markdown_table(["scenario", "stages"], stage_rows))
    for s in saved:
        prof = s.get("profile")
        if not prof or not prof["rows"]:
            continue
        parts.append(f"Profile of one run, {s['row'][0]} (cProfile, {fmt_seconds(prof['total'])} under the "
                     f"profiler; cumulative time per stage):\n\n"
                     + _bench.markdown_table(["stage", "time", "share"], prof["rows"])
                     + "\n\nThe package's functions with the most cumulative time:\n\n"
                     + _bench.markdown_table(["function", "cumulative", "own"], prof["top"]))
    return "\n\n".join(p for p in parts if p)


if __name__ == "__main__":
    sys.exit(main())
