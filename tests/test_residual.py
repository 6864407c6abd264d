"""The array helpers of the residual graph: a stable sort of bounded keys, and feasible
potentials (shortest distances from a virtual root) of a graph without a negative cycle,
against plain re-implementations."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.arrays import stable_order, stable_sort
from matcher.solve.flow import feasible_potentials
from strategies import examples

SETTINGS = settings(max_examples=examples(200), deadline=None)


@SETTINGS
@given(st.integers(1, 50).flatmap(lambda bound: st.tuples(
    st.just(bound), st.lists(st.integers(0, bound - 1), max_size=60))))
def test_stable_order_is_numpys_stable_argsort(case):
    bound, keys = case
    keys = np.array(keys, dtype=np.int64)
    order, ordered = stable_sort(keys, bound)
    assert stable_order(keys, bound).tolist() == order.tolist() == np.argsort(keys, kind="stable").tolist()
    assert ordered.tolist() == sorted(keys.tolist())


def test_stable_order_of_keys_too_large_to_pack_is_still_stable():
    keys = np.array([3, 1, 3, 0, 1], dtype=np.int64) << 58
    assert stable_order(keys, 1 << 61).tolist() == [3, 1, 4, 0, 2]


@st.composite
def graphs_without_negative_cycles(draw):
    """Arcs whose costs are p[b] - p[a] plus a slack >= 0 for some potential p: every cycle
    costs its slack, so none is negative."""
    n = draw(st.integers(1, 9))
    p = draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n))
    arcs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 20)), max_size=40))
    A = np.array([a for a, _, _ in arcs], dtype=np.int64)
    B = np.array([b for _, b, _ in arcs], dtype=np.int64)
    C = np.array([p[b] - p[a] + slack for a, b, slack in arcs], dtype=np.int64)
    return A, B, C, n


@SETTINGS
@given(graphs_without_negative_cycles())
def test_potentials_are_the_shortest_distances_from_a_root_joined_to_every_node(graph):
    A, B, C, n = graph
    expected = [0] * n  # Bellman-Ford, one arc at a time
    for _ in range(n):
        for a, b, c in zip(A.tolist(), B.tolist(), C.tolist()):
            expected[b] = min(expected[b], expected[a] + c)
    d = feasible_potentials(A, B, C, n)
    assert d.tolist() == expected
    assert all(c + d[a] - d[b] >= 0 for a, b, c in zip(A, B, C))
