"""Branch and bound on group minimums without cold re-solves: every node's flow is its
parent's, re-routed by a few shortest paths.

The flow network (solve.flow) compressed to mentors plus the source S and the sink T, as in
solve.residual: a -> b moves one of a's mentees to b (cost w(old) - w(new)), a -> S drops a
mentee (cost w), S -> b pairs an unpaired mentee with b (cost -w), a -> T / T -> a give or
take one of a's places (cost 0), S <-> T the bypass. Costs are kept as a dense matrix
(mentors are few; mentees only enter through their mentor's row), with the cheapest mentee
behind each arc, and optimal potentials that make every reduced cost non-negative.

A node differs from its parent by one mentor: closed (its load re-routed to T, one
Dijkstra per mentee it had) or opened with a lower bound (group_min - load more units
pulled into it from T, one Dijkstra each). Successive shortest paths from an optimal flow
give the optimal flow of the changed network (the optimum is convex in one arc's flow), so
every node's value is its exact flow bound, as a cold solve would give, at a fraction of
the cost. The search is best-first: the first node popped whose flow breaks no group
minimum is optimal. Mentors in different connected parts of the candidate graph never
interact, so each part is searched on its own (nodes add up instead of multiplying).

Only group minimums branch here; programmes with mutual pairs, one pair in several forms
or a grade spread go to solve.branch.
"""
from __future__ import annotations

import heapq
import time

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from .branch import BranchResult

INF = np.int64(2) ** 62


class _Network:
    """Static data: the usable edges grouped by slot, weights, capacities."""

    def __init__(self, graph, value, slot, capacity, side, lock_edges):
        n_edges = graph.n_edges
        self.mentor_of = graph.mentor
        locked = np.zeros(n_edges, dtype=bool)
        if lock_edges:
            locked[np.asarray(lock_edges, dtype=np.int64)] = True
        self.locked = locked
        nm = len(capacity)
        self.nm, self.S, self.T, self.N = nm, nm, nm + 1, nm + 2
        self.locked_load = np.bincount(graph.mentor[locked], minlength=nm).astype(np.int64)
        locked_slots = np.unique(slot[locked]) if locked.any() else np.zeros(0, np.int64)
        net = (value > 0) & ~np.isin(slot, locked_slots)
        edges = np.flatnonzero(net)
        edges = edges[np.argsort(slot[edges], kind="stable")]
        slots, start = np.unique(slot[edges], return_index=True)
        self.edges = edges  # network edges, grouped by slot
        self.slot_id = np.repeat(np.arange(len(slots)), np.diff(np.r_[start, len(edges)]))  # per position
        self.ptr = np.r_[start, len(edges)].astype(np.int64)
        self.n_slots = len(slots)
        self.slot_of_edge = np.full(n_edges, -1, dtype=np.int64)
        self.slot_of_edge[edges] = self.slot_id
        self.w = value.astype(np.int64)
        self.cap = np.maximum(capacity.astype(np.int64) - self.locked_load, 0)
        self.group_min = side.group_min.astype(np.int64)

    def positions_of(self, slots: np.ndarray) -> np.ndarray:
        """Positions in self.edges of every edge of the given slots."""
        if not len(slots):
            return np.zeros(0, np.int64)
        lo, hi = self.ptr[slots], self.ptr[slots + 1]
        lens = hi - lo
        return np.repeat(lo - np.cumsum(np.r_[0, lens[:-1]]), lens) + np.arange(int(lens.sum()))


class _State:
    """One node's flow: the edge each slot uses (-1 unpaired), loads, bounds, potentials."""

    __slots__ = ("at", "load", "cap", "lower", "d", "M", "E")  # M, E: None while stored

    def copy(self) -> "_State":
        s = _State()
        s.at, s.load, s.cap, s.lower, s.d = self.at.copy(), self.load.copy(), self.cap.copy(), self.lower.copy(), \
            self.d.copy()
        s.M, s.E = self.M.copy(), self.E.copy()
        return s


class WarmSearch:
    def __init__(self, net: _Network, chosen: np.ndarray):
        self.net = net
        st = _State()
        st.at = np.full(net.n_slots, -1, dtype=np.int64)
        ch = net.edges[chosen[net.edges]]
        st.at[net.slot_of_edge[ch]] = ch
        st.load = np.bincount(net.mentor_of[ch], minlength=net.nm).astype(np.int64)
        st.cap = net.cap.copy()
        st.lower = np.zeros(net.nm, dtype=np.int64)
        N = net.N
        st.M = np.full((N, N), INF, dtype=np.int64)
        st.E = np.full((N, N), -1, dtype=np.int64)
        self._rows(st, np.arange(net.nm))
        self._hub(st)
        st.d = self._potentials(st.M)
        self.root = st

    # -- the compressed residual graph ---------------------------------------------------

    def _rows(self, st: _State, mentors: np.ndarray) -> None:
        """Recompute the rows of the given mentors and of S (their arcs depend on who has whom)."""
        net, N = self.net, self.net.N
        mentors = np.asarray(mentors, dtype=np.int64)
        st.M[mentors, :] = INF
        st.E[mentors, :] = -1
        st.M[net.S, :net.nm] = INF
        st.E[net.S, :net.nm] = -1
        paired = st.at >= 0
        mine = np.zeros(net.nm, dtype=bool)
        mine[mentors] = True
        cur_mentor = np.where(paired, net.mentor_of[np.maximum(st.at, 0)], -1)
        slots = np.flatnonzero(~paired | mine[np.maximum(cur_mentor, 0)] & paired)
        pos = self.net.positions_of(slots)
        e = net.edges[pos]
        s = net.slot_id[pos]
        old = st.at[s]
        b = net.mentor_of[e]
        a = np.where(old >= 0, net.mentor_of[np.maximum(old, 0)], net.S)
        cost = np.where(old >= 0, net.w[np.maximum(old, 0)], 0) - net.w[e]
        keep = b != a
        keys = a[keep] * N + b[keep]
        cost, e = cost[keep], e[keep]
        # a -> S: drop one of a's mentees.
        held = st.at[slots][paired[slots]]
        keys = np.r_[keys, net.mentor_of[held] * N + net.S]
        cost = np.r_[cost, net.w[held]]
        e = np.r_[e, held]
        if len(keys):
            order = np.lexsort((e, cost, keys))
            k = keys[order]
            first = order[np.r_[True, k[1:] != k[:-1]]]
            st.M.flat[keys[first]] = cost[first]
            st.E.flat[keys[first]] = e[first]

    def _hub(self, st: _State) -> None:
        """Arcs to and from T and the bypass, from loads and bounds."""
        net = self.net
        S, T, nm = net.S, net.T, net.nm
        st.M[:nm, T] = np.where(st.load < st.cap, 0, INF)
        st.M[T, :nm] = np.where(st.load > st.lower, 0, INF)
        st.M[S, T] = 0
        st.M[T, S] = 0 if (st.at < 0).any() else INF

    @staticmethod
    def _potentials(M: np.ndarray) -> np.ndarray:
        """Bellman-Ford from a virtual root (zero arcs to all): feasible potentials."""
        n = len(M)
        d = np.zeros(n, dtype=np.int64)
        finite = M < INF
        Mf = np.where(finite, M, 0)
        for _ in range(n + 1):
            cand = np.where(finite, d[:, None] + Mf, INF).min(axis=0)
            new = np.minimum(d, cand)
            if np.array_equal(new, d):
                return d
            d = new
        raise ValueError("negative cycle: the flow is not optimal")  # pragma: no cover

    def _dijkstra(self, st: _State, src: int, dst: int) -> tuple[np.ndarray, np.ndarray]:
        """Reduced shortest distances from src (exact: integers well below 2**53 in float64)."""
        M, d = st.M, st.d
        rows, cols = np.nonzero(M < INF)  # row-major: already CSR order
        red = (M[rows, cols] + d[rows] - d[cols]).astype(np.float64)  # >= 0; zeros are arcs too
        G = csr_matrix((red, cols, np.searchsorted(rows, np.arange(len(M) + 1))), shape=M.shape)
        dist, pred = dijkstra(G, indices=src, return_predecessors=True)
        out = np.where(np.isfinite(dist), dist, float(INF)).astype(np.int64)
        out[~np.isfinite(dist)] = INF
        return out, pred.astype(np.int64)

    def _augment(self, st: _State, src: int, dst: int) -> bool:
        """Send one unit src -> dst along a shortest path; False if there is none."""
        net = self.net
        dist, pred = self._dijkstra(st, src, dst)
        D = dist[dst]
        if D >= INF:
            return False
        path = [dst]
        while path[-1] != src:
            path.append(int(pred[path[-1]]))
        path.reverse()
        changed = set()
        for u, v in zip(path[:-1], path[1:]):
            if u == net.T:
                if v < net.nm:
                    st.load[v] -= 1  # T -> a: a gives up a place
                    changed.add(v)
                continue
            if v == net.T:
                if u < net.nm:
                    st.load[u] += 1
                    changed.add(u)
                continue
            if u == net.S and v == net.T:
                continue
            e = int(st.E[u, v])
            s = int(net.slot_of_edge[e])
            if v == net.S:  # a -> S: slot s leaves its mentor
                st.at[s] = -1
                changed.add(u)
            else:  # u (mentor or S) -> v: slot s moves to v
                if u < net.nm:
                    changed.add(u)
                st.at[s] = e
                changed.add(v)
        st.d = st.d + np.minimum(dist, D)
        self._rows(st, np.fromiter(changed, dtype=np.int64))
        self._hub(st)
        self._check(st, np.r_[np.fromiter(changed, dtype=np.int64), net.S, net.T])
        return True

    def _check(self, st: _State, rows: np.ndarray) -> None:
        """Reduced costs of the rebuilt rows stay non-negative (else the potentials are
        rebuilt from scratch); the other arcs keep theirs by the shortest-path update."""
        M = st.M[rows]
        finite = M < INF
        red = np.where(finite, M + st.d[rows, None] - st.d[None, :], 0)
        if red.min() < 0:  # pragma: no cover - capped potentials are valid; a safety net
            st.d = self._potentials(st.M)

    # -- node operations ------------------------------------------------------------------

    def materialize(self, st: _State) -> _State:
        """A stored node (no matrices) with its residual graph: the root's, with the rows
        of the mentors whose mentees differ from the root's recomputed."""
        root = self.root
        out = _State()
        out.at, out.load, out.cap, out.lower, out.d = st.at, st.load, st.cap, st.lower, st.d
        out.M, out.E = root.M.copy(), root.E.copy()
        diff = np.flatnonzero(st.at != root.at)
        moved = np.r_[st.at[diff], root.at[diff]]
        moved = moved[moved >= 0]
        self._rows(out, np.unique(self.net.mentor_of[moved]))
        self._hub(out)
        return out

    @staticmethod
    def stored(st: _State) -> _State:
        out = _State()
        out.at, out.load, out.cap, out.lower, out.d = st.at, st.load, st.cap, st.lower, st.d
        out.M = out.E = None
        return out

    def close(self, st: _State, j: int) -> _State | None:
        """The flow optimum with mentor j closed, from its parent's (materialized) state."""
        net = self.net
        if net.locked_load[j] > 0:
            return None
        st = st.copy()
        st.cap[j] = 0
        self._hub(st)
        while st.load[j] > 0:
            # j holds a unit it may not keep: a path j -> T re-routes it (j -> T itself is gone;
            # j -> S -> T, dropping the mentee, always exists).
            if not self._augment(st, j, net.T):  # pragma: no cover
                return None
            st.load[j] -= 1
            self._hub(st)
        return st

    def open(self, st: _State, j: int) -> _State | None:
        """The flow optimum with mentor j taking at least its group minimum."""
        net = self.net
        need = max(0, int(net.group_min[j]) - int(net.locked_load[j]))
        if need > st.cap[j]:
            return None
        st = st.copy()
        st.lower[j] = need
        self._hub(st)
        while st.load[j] < need:
            # One more unit on j -> T: the cheapest cycle through that arc, a path T -> j.
            if not self._augment(st, net.T, j):
                return None
            st.load[j] += 1
            self._hub(st)
        return st

    def value(self, st: _State, slots: np.ndarray | None = None) -> int:
        at = st.at if slots is None else st.at[slots]
        return int(self.net.w[at[at >= 0]].sum())


def warm_branch_and_bound(graph, value: np.ndarray, slot: np.ndarray, capacity: np.ndarray, side,
                          lock_edges: list[int], relaxed: np.ndarray, max_nodes: int = 100_000,
                          deadline: float | None = None) -> BranchResult:
    """Exact best-first search over group minimums from the relaxed flow optimum `relaxed`
    (locks included). Same result contract as branch.branch_and_bound."""
    net = _Network(graph, value, slot, capacity, side, lock_edges)
    search = WarmSearch(net, relaxed & ~net.locked)
    root = search.root
    # Connected parts: slots and mentors joined by network edges. A part's search moves only
    # its own slots' value (the rest of the flow is optimal and stays so, or moves at no cost).
    n_s = net.n_slots
    adj = coo_matrix((np.ones(len(net.edges)), (net.slot_id, n_s + net.mentor_of[net.edges])),
                     shape=(n_s + net.nm, n_s + net.nm))
    _, label = connected_components(adj, directed=False)
    part_of_mentor, part_of_slot = label[n_s:], label[:n_s]
    load = root.load + net.locked_load
    short = np.flatnonzero((load > 0) & (load < net.group_min))
    final = root.at.copy()
    locked_value = int(net.w[net.locked].sum())
    value_total = search.value(root) + locked_value
    bound_total = value_total
    nodes, status = 1, "OPTIMAL"
    for part in np.unique(part_of_mentor[short]):
        in_part = part_of_mentor == part
        mine = np.flatnonzero(part_of_slot == part)
        base = search.value(root, mine)
        counter = 0
        heap = [(-base, counter, search.stored(root))]
        found = None
        while heap:
            if nodes >= max_nodes or (deadline is not None and time.perf_counter() > deadline):
                break
            _, _, st = heapq.heappop(heap)
            ld = st.load + net.locked_load
            bad = np.flatnonzero(in_part & (ld > 0) & (ld < net.group_min))
            if not len(bad):
                found = st
                break
            j = int(bad[0])
            full = search.materialize(st)
            for kid in (search.close(full, j), search.open(full, j)):
                nodes += 1
                if kid is None:
                    continue
                counter += 1
                heapq.heappush(heap, (-search.value(kid, mine), counter, search.stored(kid)))
        if found is None:
            if not heap:
                return BranchResult("INFEASIBLE", None, 0, 0, nodes)
            status = "LIMIT"
            bound_total += max(-h[0] for h in heap) - base
            continue
        final[mine] = found.at[mine]
        delta = search.value(found, mine) - base
        value_total += delta
        bound_total += delta
    if status == "LIMIT":
        return BranchResult("LIMIT", None, 0, bound_total, nodes)
    chosen = net.locked.copy()
    chosen[final[final >= 0]] = True
    return BranchResult("OPTIMAL", chosen, value_total, value_total, nodes)
