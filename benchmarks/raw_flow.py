"""The raw OR-Tools min-cost flow on a programme's candidate pairs: the yardstick of the
end-to-end ratio in perf.py ("ratio to the raw flow on the same arcs").

    python benchmarks/raw_flow.py MENTORS MENTEES [CONFIG]

Reads the questionnaires and builds the candidate graph and the objective as `matcher
match` does (not timed), then times only what a bare solver call costs: one
SimpleMinCostFlow over every candidate pair (source -> mentee -> mentor -> sink and the
bypass, the engine's network), built and solved. Prints one JSON line: seconds, arcs,
status.
"""
from __future__ import annotations

import json
import sys
import time

import numpy as np


def main(argv: list[str]) -> int:
    import matcher
    from matcher.arrays import build_roster
    from matcher.graph import build_graph
    from matcher.solve.engine import FLOW_COST_LIMIT
    from matcher.solve.objective import objective_for, slot_of_edges
    from ortools.graph.python import min_cost_flow

    mentors, mentees = argv[:2]
    config = matcher.load_config(argv[2] if len(argv) > 2 else None)
    ingest = matcher.load(mentors=mentors, mentees=mentees, config=config)
    graph = build_graph(build_roster(ingest.participants, config))
    roster = graph.roster
    objective = objective_for(graph, FLOW_COST_LIMIT // (roster.mentees.n + roster.mentors.n + 3))
    slot = slot_of_edges(graph)
    value = objective.combined
    idx = np.flatnonzero(value > 0)
    slots, slot_node = np.unique(slot[idx], return_inverse=True)
    ments, mentor_node = np.unique(graph.mentor[idx], return_inverse=True)
    n_s, n_m = len(slots), len(ments)
    t0 = time.perf_counter()
    tails = np.concatenate([np.zeros(n_s), 2 + slot_node, 2 + n_s + np.arange(n_m), [0]]).astype(np.int32)
    heads = np.concatenate([2 + np.arange(n_s), 2 + n_s + mentor_node, np.ones(n_m), [1]]).astype(np.int32)
    caps = np.concatenate([np.ones(n_s + len(idx), np.int64), roster.mentors.capacity[ments].astype(np.int64),
                           [n_s]])
    costs = np.concatenate([np.zeros(n_s, np.int64), -value[idx], np.zeros(n_m + 1, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(2 + n_s + n_m, dtype=np.int64)
    supplies[0], supplies[1] = n_s, -n_s
    smcf.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = smcf.solve()
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "arcs": int(len(tails)), "status": int(status),
                      "optimal": status == smcf.OPTIMAL}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
