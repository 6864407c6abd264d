"""scipy linear_sum_assignment on the expanded matrix: one column per mentor slot
(capacity copies), forbidden pairs at a big cost, forbidden picks dropped afterwards.

    python run_lsa.py INSTANCE.json PAIRS.csv
"""
import csv
import json
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment


def main(instance_path: str, pairs_path: str) -> None:
    inst = json.load(open(instance_path, encoding="utf-8"))
    mentor_ids = [m["id"] for m in inst["mentors"]]
    mentee_ids = [t["id"] for t in inst["mentees"]]
    capacity = np.array([m["capacity"] for m in inst["mentors"]], dtype=np.int64)
    cand = np.array(inst["candidates"], dtype=np.int64).reshape(-1, 3)  # mentee, mentor, score
    n_t, n_m = len(mentee_ids), len(mentor_ids)
    score = np.full((n_t, n_m), np.nan)
    score[cand[:, 0], cand[:, 1]] = cand[:, 2]
    slot_mentor = np.repeat(np.arange(n_m), capacity)
    # Bigger than any total score: a feasible pick always beats a forbidden one.
    big = float(1000 * (n_t + 1))
    expanded = score[:, slot_mentor]
    cost = np.where(np.isnan(expanded), big, -expanded)
    rows, cols = linear_sum_assignment(cost)
    keep = ~np.isnan(expanded[rows, cols])
    with open(pairs_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["mentor_id", "mentee_id"])
        for i, s in zip(rows[keep].tolist(), cols[keep].tolist()):
            w.writerow([mentor_ids[slot_mentor[s]], mentee_ids[i]])


if __name__ == "__main__":
    main(*sys.argv[1:3])
