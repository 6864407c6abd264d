"""Explanations against the solve, on the sample schools (issue 11: every question answered).

For each school: `matcher match` as a subprocess (the median wall time of --repeat runs), and
from its result.json what the explanations say: alternatives answered (exactly, or within the
proposal's groups with a bound on what regrouping adds), unmatched mentees with a verified
suggestion, what was not computed in time. Then the same run in this process, stage by stage
(median of --repeat): the solve (`match` timings: graph, solve) against the explanations (the
result document, then `add_explanations`), to the millisecond the progress lines do not show.

    python benchmarks/explanations.py                # the 200- and 1,000-mentee schools, README updated
    python benchmarks/explanations.py --quick        # 60 mentees, README untouched
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import DATA_DIR, OUT_DIR, fmt_seconds, measure  # noqa: E402

from matcher.config import load_config  # noqa: E402
from matcher.explain import add_explanations  # noqa: E402
from matcher.pipeline import match  # noqa: E402
from matcher.results import result_document  # noqa: E402
from matcher.sample import generate_school, write_sample  # noqa: E402

SCHOOLS = [(200, 1), (200, 7), (1000, 7)]


def answers(doc: dict) -> dict:
    """What the document says about every alternative and every unmatched mentee."""
    forcings = [a["forcing"] for p in doc["pairs"] for a in p.get("explanation", {}).get("alternatives", [])
                if "forcing" in a]
    unmatched = [u.get("explanation") or {} for u in doc["unmatched"]]
    late = doc.get("explanations", {}).get("not_computed_in_time", {})
    return {
        "alternatives": len(forcings),
        "answered": sum(bool(f.get("checked")) for f in forcings),
        "within_groups": sum(bool(f.get("within_groups")) for f in forcings),
        "resolves": doc.get("explanations", {}).get("resolves", 0),
        "unmatched": len(unmatched),
        "suggested": sum(bool(u.get("suggestions")) for u in unmatched),
        # Every change listed was checked and none holds: no single change pairs them.
        "no_change": sum(not u.get("suggestions") and not u.get("unchecked") for u in unmatched),
        "late": late,
    }


def run_school(n: int, seed: int, repeat: int) -> dict:
    d = DATA_DIR / f"explain-school-{n}-seed{seed}"
    if not d.exists():
        write_sample(d, n_mentees=n, seed=seed)
    out = OUT_DIR / f"explain-{n}-{seed}"
    cmd = [*_bench.matcher_cli(), "match", "--mentors", str(d / "mentors.csv"), "--mentees", str(d / "mentees.csv"),
           "--out", str(out), "--lang", "en"]
    runs, stages = [], []
    for _ in range(repeat):
        if out.exists():
            shutil.rmtree(out)
        run = measure(cmd, timeout=900)
        if not run.ok:
            raise SystemExit(f"matcher match failed: {run.last_error_line()}")
        runs.append(run)
        stages.append(_bench.progress_stages(run.stderr))
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    mid = sorted(range(len(runs)), key=lambda k: runs[k].wall)[len(runs) // 2]
    people, config = generate_school(n, seed=seed), load_config()
    timed = []
    for _ in range(repeat):
        result = match(people, config, explain=True)
        t = time.perf_counter()
        doc2 = result_document(result)
        t_doc = time.perf_counter() - t
        add_explanations(doc2, result, deadline=result.deadline)
        t_all = time.perf_counter() - t
        # The floor: the same document and explanations with no question answered (a deadline
        # already past marks every alternative and every change "not computed in time"), i.e.
        # what writing the entries costs before any residual graph, forcing or check.
        t = time.perf_counter()
        add_explanations(result_document(result), result, deadline=time.perf_counter())
        timed.append({"solve": result.timings["solve"], "graph": result.timings["graph"],
                      "document": t_doc, "explanations": t_all - t_doc, "floor": time.perf_counter() - t})
    inproc = {k: statistics.median(x[k] for x in timed) for k in timed[0]}
    return {"n": n, "seed": seed, "wall": runs[mid].wall, "stages": stages[mid], "inproc": inproc,
            "runs": len(runs), "pairs": doc["summary"]["candidate_pairs"], "proof": doc["solver"]["proof"],
            **answers(doc)}


HEADERS = ["school", "candidate pairs", "proof", "graph + solve", "explanations (document + add_explanations)",
           "explanations ÷ (graph + solve)", "floor: no question answered (÷ graph + solve)", "`matcher match` wall", "alternatives answered", "within groups",
           "unmatched with a verified suggestion", "not in time"]


def ms(s: float) -> str:
    """In-process stage times: tens of milliseconds at 200 mentees, where seconds to two places hide them."""
    return f"{1000 * s:,.0f} ms"


def row(r: dict) -> list:
    ip = r["inproc"]
    solve_s = ip["graph"] + ip["solve"]
    explain_s = ip["document"] + ip["explanations"]
    pct = f"{100 * r['answered'] / r['alternatives']:.0f} %" if r["alternatives"] else "-"
    feasible = r["unmatched"] - r["no_change"]
    sugg = f"{r['suggested']} of {feasible}" + (f" ({r['no_change']} with no single change)" if r["no_change"] else "")
    late = r["late"]
    return [f"{r['n']} mentees, seed {r['seed']}", f"{r['pairs']:,}", r["proof"],
            f"{ms(solve_s)} (solve {ms(ip['solve'])})",
            f"{ms(explain_s)} ({ms(ip['document'])} + {ms(ip['explanations'])})",
            f"{explain_s / solve_s:.1f}" if solve_s > 0 else "-",
            f"{ms(ip['floor'])} ({ip['floor'] / solve_s:.1f})" if solve_s > 0 else "-",
            fmt_seconds(r["wall"]) + (f" (median of {r['runs']})" if r["runs"] > 1 else ""),
            f"{r['answered']} of {r['alternatives']} ({pct})", r["within_groups"], sugg,
            f"{late.get('alternatives', 0)} alternatives, {late.get('changes', 0)} changes"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one 60-mentee school, README untouched")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    schools = [(60, 7)] if args.quick else SCHOOLS
    rows = []
    for n, seed in schools:
        r = run_school(n, seed, 1 if args.quick else args.repeat)
        rows.append(row(r))
        print(" | ".join(map(str, rows[-1])), flush=True)
    body = "\n\n".join([
        f"Command: `{_bench.command_line()}`", _bench.machine_line(), _bench.markdown_table(HEADERS, rows),
        "Stage times in the process (median of the runs): the candidate graph and the solve against the "
        "result document (per-pair records and score reasons) and the explanations. \"Floor\": the document and the "
        "explanations again with a deadline already past, so that no question is answered (every alternative and "
        "change marked \"not computed in time\"): what writing the entries costs before any residual graph, forcing "
        "or check. \"Within groups\": "
        "answered exactly for the proposal's groups, with a bound on what regrouping could add to the score "
        "(docs/performance.md, \"Explaining at scale\")."])
    print(body)
    if not args.quick:
        _bench.update_readme("explain", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
