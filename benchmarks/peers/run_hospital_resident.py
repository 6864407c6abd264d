"""The `matching` package's HospitalResident (stable matching, resident-optimal):
residents = mentees, hospitals = mentors with their capacities, both sides ranking their
feasible partners by score (ties by id).

    python run_hospital_resident.py INSTANCE.json PAIRS.csv [RECURSION_LIMIT]

Its constructor deep-copies the players, which recurses once per linked player: past
~1,000 players that exceeds Python's default recursion limit; a user's fix is to raise it.
"""
import csv
import json
import sys
from collections import defaultdict

from matching.games import HospitalResident


def main(instance_path: str, pairs_path: str) -> None:
    inst = json.load(open(instance_path, encoding="utf-8"))
    mentor_ids = [m["id"] for m in inst["mentors"]]
    mentee_ids = [t["id"] for t in inst["mentees"]]
    capacity = {m["id"]: m["capacity"] for m in inst["mentors"]}
    by_mentee, by_mentor = defaultdict(list), defaultdict(list)
    for i, j, s in inst["candidates"]:
        t, m = mentee_ids[i], mentor_ids[j]
        if capacity[m] <= 0:
            continue
        by_mentee[t].append((-s, m))
        by_mentor[m].append((-s, t))
    resident_prefs = {t: [m for _, m in sorted(v)] for t, v in by_mentee.items()}
    hospital_prefs = {m: [t for _, t in sorted(v)] for m, v in by_mentor.items()}
    capacities = {m: capacity[m] for m in hospital_prefs}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    matching = game.solve(optimal="resident")
    with open(pairs_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["mentor_id", "mentee_id"])
        for hospital, residents in matching.items():
            for r in residents:
                w.writerow([hospital.name, r.name])


if __name__ == "__main__":
    if len(sys.argv) > 3:
        sys.setrecursionlimit(int(sys.argv[3]))
    main(*sys.argv[1:3])
