"""Build the roster and the candidate graph of a sample school; print their build times (wall
and CPU) and the size of the arrays the graph holds (peak memory: run under `/usr/bin/time -v`).

    /usr/bin/time -v python benchmarks/graph_build.py 20000 7
"""
from __future__ import annotations

import gc
import sys
import time

import numpy as np

from matcher.arrays import build_roster
from matcher.config import load_config
from matcher.graph import build_graph
from matcher.sample import generate_school


def main(argv: list[str]) -> int:
    n, seed = int(argv[0]), int(argv[1])
    people = generate_school(n, seed=seed)
    t, cpu = time.perf_counter(), time.process_time()
    roster = build_roster(people, load_config())
    roster_s, roster_cpu = time.perf_counter() - t, time.process_time() - cpu
    gc.collect()
    t, cpu = time.perf_counter(), time.process_time()
    graph = build_graph(roster)
    seconds, graph_cpu = time.perf_counter() - t, time.process_time() - cpu
    held = sum(v.nbytes for v in vars(graph).values() if isinstance(v, np.ndarray))
    print(f"mentees {roster.mentees.n}, mentors {roster.mentors.n}, candidate edges {graph.n_edges}, "
          f"roster {roster_s:.1f} s (CPU {roster_cpu:.1f} s), graph {seconds:.1f} s (CPU {graph_cpu:.1f} s), "
          f"arrays held {held / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
