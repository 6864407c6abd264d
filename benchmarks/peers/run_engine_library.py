"""This engine through the library (`matcher.pipeline.match`), without reading or writing
files: the fallback while `matcher match` cannot run an instance (command missing, or the
generated questionnaires rejected). Prints a JSON summary on stdout.

    python run_engine_library.py school N_MENTEES SEED PAIRS.csv [--engine E] [--time-limit T]
    python run_engine_library.py district N_MENTEES N_MENTORS DENSITY SEED PAIRS.csv [...]
"""
import argparse
import csv
import json
import sys
import time
from pathlib import Path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["school", "district"])
    ap.add_argument("params", nargs="+")
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from matcher.config import load_config
    from matcher.pipeline import match

    if args.kind == "school":
        from matcher.sample import generate_school

        n, seed, pairs_path = args.params
        people = generate_school(int(n), int(seed))
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from district import generate_district

        n, m, density, seed, pairs_path = args.params
        people = generate_district(int(n), int(m), float(density), int(seed))
    t_gen = time.perf_counter()
    result = match(people, load_config(), engine=args.engine, time_limit=args.time_limit)
    roster, graph, sol = result.roster, result.graph, result.solution
    with open(pairs_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["mentor_id", "mentee_id"])
        for e in result.chosen.tolist():
            w.writerow([roster.mentors.ids[graph.mentor[e]], roster.mentees.ids[graph.mentee[e]]])
    print(json.dumps({
        "status": sol.status, "engine": sol.engine, "proof": sol.proof, "gap": sol.gap,
        "candidate_pairs": int(graph.n_edges), "pairs": int(len(result.chosen)),
        "timings": {"imports+generate": t_gen - t0, **result.timings},
    }))


if __name__ == "__main__":
    main()
