"""This engine through the library (`matcher.pipeline.match`) — used only while the
`matcher match` command is unavailable. Regenerates the school from (n, seed).

    python run_engine_library.py N_MENTEES SEED PAIRS.csv [TIME_LIMIT]
"""
import csv
import sys

from matcher.config import load_config
from matcher.pipeline import match
from matcher.sample import generate_school


def main(n: str, seed: str, pairs_path: str, time_limit: str = "60") -> None:
    result = match(generate_school(int(n), int(seed)), load_config(), time_limit=float(time_limit))
    roster, graph = result.roster, result.graph
    with open(pairs_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["mentor_id", "mentee_id"])
        for e in result.chosen.tolist():
            w.writerow([roster.mentors.ids[graph.mentor[e]], roster.mentees.ids[graph.mentee[e]]])
    print(result.solution.status, result.solution.engine)


if __name__ == "__main__":
    main(*sys.argv[1:])
