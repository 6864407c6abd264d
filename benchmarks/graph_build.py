"""Build the candidate graph of a sample school; print its build time and the size of the
arrays it holds (peak memory: run under `/usr/bin/time -v`).

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
    roster = build_roster(generate_school(n, seed=seed), load_config())
    gc.collect()
    t = time.perf_counter()
    graph = build_graph(roster)
    seconds = time.perf_counter() - t
    held = sum(v.nbytes for v in vars(graph).values() if isinstance(v, np.ndarray))
    print(f"mentees {roster.mentees.n}, mentors {roster.mentors.n}, candidate edges {graph.n_edges}, "
          f"graph {seconds:.1f} s, arrays held {held / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
