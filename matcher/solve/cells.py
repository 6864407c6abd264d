"""Cells of group decisions, one connected part of the graph held densely.

A *cell* is the flow network with some group mentors closed (no mentee) and some opened (at
least their minimum). The explanations answer "what if this pair were chosen?" on the
residual graph of the optimum's own cell (every group decision as the optimum has it: every
flow there is legal). A pair that no assignment of that cell holds (its mentor leads no group
yet, or taking the mentee away leaves a group short) is asked again on the cell with that one
decision changed: the new mentor's group opened, the old mentor's group closed.

A changed cell's optimum comes from its parent's flow by successive shortest paths, one per
unit the mentor gains or gives up (its flow fixed at each step, so that each flow is optimal
for its bounds: the optimum is concave in one arc's flow), as solve.warm does for branch and
bound. The part is held as dense [slots, mentors] arrays and a [mentors + 2]^2 residual matrix
(mentors 0..n-1, the source S = n, the sink T = n + 1; costs as in solve.residual), which is
what makes one step cheap; parts past DENSE_LIMIT are not held (the caller re-solves).
"""
from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .flow import feasible_potentials

INF = np.int64(2) ** 62
DENSE_LIMIT = 8_000_000  # slots × mentors of one part held densely (int64: 64 MB an array)


def parts(graph, slot: np.ndarray, net: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected part of every slot and every mentor, joined by the network edges `net`."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_slots = int(slot.max()) + 1 if len(slot) else 0
    nm = graph.roster.mentors.n
    edges = np.flatnonzero(net)
    adj = coo_matrix((np.ones(len(edges)), (slot[edges], n_slots + graph.mentor[edges])),
                     shape=(n_slots + nm, n_slots + nm))
    _, label = connected_components(adj, directed=False)
    return label[:n_slots], label[n_slots:]


class Cell:
    """A cell's flow optimum: the local mentor of each slot (-1 unpaired), bounds, potentials,
    value (of this part) and residual matrix (M: costs, arg: the slot behind each arc)."""

    __slots__ = ("at", "load", "cap", "lower", "d", "value", "M", "arg", "G")


class PartCells:
    """The slots and mentors of one part (global numbers, sorted), with `w` the solver's
    combined objective per edge and `net` the network edges (solve.residual's)."""

    def __init__(self, graph, w: np.ndarray, slot: np.ndarray, capacity: np.ndarray, lock_edges: list[int],
                 net: np.ndarray, slots: np.ndarray, mentors: np.ndarray):
        n, ns = len(mentors), len(slots)
        self.mentors, self.slots = mentors, slots
        self.n, self.ns, self.S, self.T, self.N = n, ns, n, n + 1, n + 2
        local_m = np.full(graph.roster.mentors.n, -1, dtype=np.int64)
        local_m[mentors] = np.arange(n)
        local_s = np.full(int(slot.max()) + 1, -1, dtype=np.int64)
        local_s[slots] = np.arange(ns)
        edges = np.flatnonzero(net & (local_s[slot] >= 0))
        self.edge = np.full((ns, n), -1, dtype=np.int64)
        self.w = np.zeros((ns, n), dtype=np.int64)
        ls, lm = local_s[slot[edges]], local_m[graph.mentor[edges]]
        self.edge[ls, lm] = edges
        self.w[ls, lm] = w[edges]
        self.has = self.edge >= 0
        lock_edges = np.asarray(lock_edges, dtype=np.int64)
        self.locked_load = np.bincount(graph.mentor[lock_edges], minlength=len(capacity))[mentors].astype(np.int64)
        self.capacity = np.maximum(capacity[mentors].astype(np.int64) - self.locked_load, 0)

    @staticmethod
    def fits(n_slots: int, n_mentors: int, w_max: int) -> bool:
        """Whether a part is held densely, its distances exact in scipy's float64 sums."""
        return n_slots * n_mentors <= DENSE_LIMIT and float(w_max) * (n_slots + n_mentors + 2) < 2.0 ** 52

    def local(self, mentors) -> np.ndarray:
        return np.searchsorted(self.mentors, mentors)

    def cell(self, chosen: np.ndarray, cap: np.ndarray, lower: np.ndarray, d: np.ndarray) -> Cell:
        """The cell of an optimal flow `chosen` (bool per edge) for bounds cap, lower (per mentor,
        global, locks included), with feasible potentials `d` (mentors, then S and T)."""
        c = Cell()
        c.at = np.full(self.ns, -1, dtype=np.int64)
        s, m = np.nonzero(self.has & chosen[np.maximum(self.edge, 0)])
        c.at[s] = m
        c.cap = np.maximum(cap[self.mentors] - self.locked_load, 0)
        c.lower = np.maximum(lower[self.mentors] - self.locked_load, 0)
        self._refresh(c)
        c.d = self._feasible(c, np.r_[d[self.mentors], d[-2:]].astype(np.int64))
        return c

    # -- the residual matrix -------------------------------------------------------------

    def _refresh(self, c: Cell, touched: set | None = None) -> None:
        """Loads, value and the residual matrix of the cell's flow; with `touched` (nodes whose
        mentees changed, S for the unpaired ones), only their rows are rebuilt."""
        n, ns, S, T = self.n, self.ns, self.S, self.T
        at = c.at
        paired = at >= 0
        ps = np.flatnonzero(paired)
        c.load = np.bincount(at[ps], minlength=n).astype(np.int64)
        held = np.zeros(ns, dtype=np.int64)
        held[ps] = self.w[ps, at[ps]]
        c.value = int(held.sum())
        if touched is None:
            M = c.M = np.full((self.N, self.N), INF, dtype=np.int64)
            arg = c.arg = np.full((self.N, self.N), -1, dtype=np.int64)
            mentors = np.arange(n)
        else:
            M, arg = c.M, c.arg
            mentors = np.array(sorted(u for u in touched if u < n), dtype=np.int64)
            M[mentors, :T], arg[mentors, :T] = INF, -1
        # Row u: moving one of u's mentees to each mentor (u = S: pairing an unpaired one), at
        # the cheapest such mentee; arg: its slot. A mentor holds a few slots: merged rank by rank.
        mine = ps[np.isin(at[ps], mentors)] if touched is not None else ps
        if len(mine):
            order = mine[np.argsort(at[mine], kind="stable")]
            holder = at[order]
            starts = np.flatnonzero(np.r_[True, holder[1:] != holder[:-1]])
            sizes = np.diff(np.r_[starts, len(order)])
            rank = np.arange(len(order)) - np.repeat(starts, sizes)
            group = np.repeat(np.arange(len(starts)), sizes)
            mins = np.full((len(starts), n), INF, dtype=np.int64)
            best = np.full((len(starts), n), -1, dtype=np.int64)
            drop = np.full(len(starts), INF, dtype=np.int64)
            drop_slot = np.full(len(starts), -1, dtype=np.int64)
            for r in range(int(sizes.max())):
                sl, g = order[rank == r], group[rank == r]
                x = np.where(self.has[sl], held[sl, None] - self.w[sl], INF)
                x[np.arange(len(sl)), at[sl]] = INF
                better = x < mins[g]
                mins[g] = np.where(better, x, mins[g])
                best[g] = np.where(better, sl[:, None], best[g])
                cheaper = held[sl] < drop[g]  # u -> S: the cheapest mentee to lose
                drop[g] = np.where(cheaper, held[sl], drop[g])
                drop_slot[g] = np.where(cheaper, sl, drop_slot[g])
            rows = holder[starts]
            M[rows, :n], arg[rows, :n] = mins, best
            M[rows, S], arg[rows, S] = drop, drop_slot
        free = np.flatnonzero(~paired)
        if touched is None or S in touched:
            M[S, :n], arg[S, :n] = INF, -1
            if len(free):
                x = np.where(self.has[free], -self.w[free], INF)
                pick = x.argmin(axis=0)
                M[S, :n] = x[pick, np.arange(n)]
                arg[S, :n] = np.where(M[S, :n] < INF, free[pick], -1)
        M[T, S] = 0 if len(free) else INF  # the bypass can give one unpaired slot back
        M[S, T] = 0 if len(ps) else INF  # ... or take one more
        M[:n, T] = np.where(c.load < c.cap, 0, INF)
        M[T, :n] = np.where(c.load > c.lower, 0, INF)
        c.G = None

    def _feasible(self, c: Cell, d: np.ndarray) -> np.ndarray:
        """Potentials making every reduced cost >= 0: `d` if it does (a parent's, after a
        shortest-path update), else new ones (solve.flow.feasible_potentials)."""
        A, B, C = self._arcs(c)
        if not len(A) or (C + d[A] - d[B]).min() >= 0:
            return d
        return feasible_potentials(A, B, C, self.N)  # pragma: no cover - the update keeps them feasible

    def _graph(self, c: Cell):
        """The reduced residual graph (every cost >= 0) as a sparse matrix for scipy."""
        if c.G is None:
            rows, cols, cost = self._arcs(c)
            red = (cost + c.d[rows] - c.d[cols]).astype(np.float64)
            indptr = np.searchsorted(rows, np.arange(self.N + 1)).astype(np.int32)
            c.G = csr_matrix((red, cols.astype(np.int32), indptr), shape=(self.N, self.N))
        return c.G

    def _arcs(self, c: Cell) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The residual matrix's arcs in row-major order: tails, heads, costs (np.nonzero of a
        2-D mask, at a fifth of its time)."""
        flat = np.flatnonzero(c.M < INF)
        rows = flat // self.N
        return rows, flat - rows * self.N, c.M.ravel()[flat]

    def _shortest(self, c: Cell, src: int, dst: int) -> tuple[np.ndarray, list[int] | None]:
        """Reduced distances from src, and a shortest node path to dst (None: unreachable)."""
        dist, pred = dijkstra(self._graph(c), indices=src, return_predecessors=True)
        if not np.isfinite(dist[dst]):
            return dist, None
        path = [dst]
        while path[-1] != src:
            path.append(int(pred[path[-1]]))
        return dist, path[::-1]

    def _raw(self, c: Cell, red: float, u: int, v: int) -> int:
        return int(round(red)) - int(c.d[u]) + int(c.d[v])

    def _apply(self, c: Cell, at: np.ndarray, path: list[int]) -> None:
        """Move the slots along a node path (arcs read from c's matrix, before the move)."""
        S, T = self.S, self.T
        for u, v in zip(path[:-1], path[1:]):
            if u != T and v != T:
                at[int(c.arg[u, v])] = -1 if v == S else v

    def _push(self, c: Cell, src: int, dst: int, dist: np.ndarray, path: list[int]) -> None:
        """Send one unit along a shortest path src -> dst; the potentials follow (d + dist,
        capped at the path's length, keeps every reduced cost >= 0)."""
        self._apply(c, c.at, path)
        c.d = c.d + np.rint(np.minimum(dist, dist[dst])).astype(np.int64)
        self._refresh(c, set(path) - {self.T})

    # -- cells ----------------------------------------------------------------------------

    def changed(self, parent: Cell, j: int, opened: bool, need: int) -> Cell | None:
        """The cell below `parent` with local mentor j opened (at least `need`, at most its
        capacity) or closed; None if no flow meets the bounds."""
        c = Cell()
        c.at, c.cap, c.lower, c.d = parent.at.copy(), parent.cap.copy(), parent.lower.copy(), parent.d.copy()
        # Fix j's flow at its load: each step moves it by one along the cheapest path.
        c.M, c.arg, c.load, c.value = parent.M.copy(), parent.arg.copy(), parent.load, parent.value
        self._bounds(c, j, parent.load[j], parent.load[j])
        T = self.T
        while True:
            load = int(c.load[j])
            if opened:
                if load >= self.capacity[j]:
                    break
                dist, path = self._shortest(c, T, j)  # one more mentee for j: the cheapest way
                if path is None or (load >= need and self._raw(c, dist[j], T, j) >= 0):
                    break
            else:
                if load == 0:
                    break
                dist, path = self._shortest(c, j, T)  # one of j's mentees re-routed, or dropped
                if path is None:  # pragma: no cover - j -> S -> T always exists
                    return None
            self._push(c, *((T, j) if opened else (j, T)), dist, path)
            self._bounds(c, j, c.load[j], c.load[j])
        if opened and c.load[j] < need:
            return None
        self._bounds(c, j, *((self.capacity[j], need) if opened else (0, 0)))
        c.d = self._feasible(c, c.d)
        return c

    def _bounds(self, c: Cell, j: int, cap: int, lower: int) -> None:
        """New bounds for mentor j: only its arcs to and from T change."""
        c.cap[j], c.lower[j] = cap, lower
        c.M[j, self.T] = 0 if c.load[j] < cap else INF
        c.M[self.T, j] = 0 if c.load[j] > lower else INF
        c.G = None

    def forced(self, c: Cell, slot: int, k: int, w: int) -> tuple[int, np.ndarray] | None:
        """The best flow of cell c holding the pair (global slot, local mentor k, value w):
        its value (of this part) and global edges; None if the cell holds no such flow."""
        s = int(np.searchsorted(self.slots, slot))
        h = int(c.at[s])
        if h == k:
            return c.value, self.edges(c.at)
        if c.cap[k] <= 0:
            return None
        dst = h if h >= 0 else self.S
        dist, path = self._shortest(c, k, dst)
        if path is None:
            return None
        held = int(self.w[s, h]) if h >= 0 else 0
        at = c.at.copy()
        self._apply(c, at, path)
        at[s] = k
        return c.value + w - held - self._raw(c, dist[dst], k, dst), self.edges(at)

    def edges(self, at: np.ndarray) -> np.ndarray:
        """Global edges of a local flow."""
        ps = np.flatnonzero(at >= 0)
        return self.edge[ps, at[ps]]
