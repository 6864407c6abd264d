"""Branch and bound on group minimums without cold re-solves: every node's flow is its
parent's, re-routed by a few shortest paths.

The flow network (solve.flow) compressed to mentors plus the source S and the sink T, as in
solve.residual: a -> b moves one of a's mentees to b (cost w(old) - w(new)), a -> S drops a
mentee (cost w), S -> b pairs an unpaired mentee with b (cost -w), a -> T / T -> a give or
take one of a's places (cost 0), S <-> T the bypass. Costs are a dense matrix over one
connected part's mentors (mentees only enter through their mentor's row), with the cheapest
mentee behind each arc, and optimal potentials that make every reduced cost non-negative.

A node differs from its parent by one mentor: closed (its load re-routed to T, one shortest
path per mentee it had) or opened with a lower bound (group_min - load more units pulled
into it from T, one path each). Successive shortest paths from an optimal flow give the
optimal flow of the changed network (the optimum is convex in one arc's flow), so every
node's value is its exact flow bound, as a cold solve would give, at a fraction of the cost.

What makes a node cheap: the part's matrix is built once, for the root flow; a node keeps
only its flow (the edge each slot uses), loads, bounds and potentials, and the rows of the
mentors whose mentees differ from the root's are rebuilt when it is expanded. Dijkstra runs
over the matrix rows on demand and stops at its target (potentials of the nodes it did not
settle rise by the path's length: still feasible). The arcs to and from T follow from loads
and bounds, never stored.

Bounds: a node's flow value ignores the groups still short in it, and at full score
resolution every fix costs a little, so that alone leaves most of the tree open. FixCosts
prices, once per part at its root, what closing or opening each short group costs and what
pairs of them can save together (one shortest-path run from T and one from each short
group); a node's bound is the lesser of its flow value and the root value less the least
cost of fixing every root-short group its decisions leave free (sample school, 5,000
mentees: 1,122 nodes -> 33). Branching takes the short group whose two fixes cost the most
together at the root: its children's bounds fall furthest.

Search, per connected part of the candidate graph (mentors in different parts never
interact, so nodes add up instead of multiplying): first a dive (the better child at every
level) to a legal assignment, the incumbent; then best-first on the bound, ties broken
towards fewer short groups and deeper nodes; a node whose bound does not beat the incumbent
is dropped, and once no open node beats it the incumbent is optimal. Past the deadline the
incumbent is returned with the best open bound (LIMIT).

Only group minimums branch here; programmes with mutual pairs, one pair in several forms
or a grade spread go to solve.branch.
"""
from __future__ import annotations

import heapq
import time

import numpy as np

from .branch import BranchResult

INF = np.int64(2) ** 62
HALF = INF // 2
ROWS_AT_ONCE = 256  # matrix rows relaxed together while computing potentials (bounds the temporaries)
FIX_COSTS_SHARE = 0.25  # of the time to the deadline, for the root's fix costs (FixCosts)
KEEP_ROWS = 2000  # open nodes that keep their matrix rows (~ a few rows of 16 * mentors bytes each)


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
        self.nm = nm
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

    def parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Connected part of every mentor and of every slot (slots and mentors joined by edges)."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        n_s = self.n_slots
        adj = coo_matrix((np.ones(len(self.edges)), (self.slot_id, n_s + self.mentor_of[self.edges])),
                         shape=(n_s + self.nm, n_s + self.nm))
        _, label = connected_components(adj, directed=False)
        return label[n_s:], label[:n_s]


class _State:
    """One node's flow in a part: the position each slot uses (-1 unpaired), loads, bounds,
    potentials; `rows`: rebuilt matrix rows (mentor or S -> (costs, positions)), None while
    the node waits in the heap."""

    __slots__ = ("at", "load", "cap", "lower", "d", "rows", "value", "depth")

    def stored(self) -> "_State":
        out = _State()
        out.at, out.load, out.cap, out.lower, out.d = self.at, self.load, self.cap, self.lower, self.d
        out.value, out.depth, out.rows = self.value, self.depth, None
        return out

    def copy(self) -> "_State":
        out = self.stored()
        out.at, out.load, out.cap, out.lower, out.d = self.at.copy(), self.load.copy(), self.cap.copy(), \
            self.lower.copy(), self.d.copy()
        out.rows = dict(self.rows)
        return out


class PartSearch:
    """The warm search on one connected part, mentors numbered locally (S = n, T = n + 1)."""

    def __init__(self, net: _Network, slots: np.ndarray, mentors: np.ndarray, chosen: np.ndarray):
        self.mentors = mentors
        n = len(mentors)
        self.n, self.S, self.T, self.N = n, n, n + 1, n + 2
        local = np.full(net.nm, -1, dtype=np.int64)
        local[mentors] = np.arange(n)
        pos = net.positions_of(slots)
        self.edge = net.edges[pos]  # global edge number of each local position
        self.w = net.w[self.edge]
        self.mentor = local[net.mentor_of[self.edge]]
        lens = net.ptr[slots + 1] - net.ptr[slots]
        self.ptr = np.r_[0, np.cumsum(lens)].astype(np.int64)
        self.slot = np.repeat(np.arange(len(slots)), lens)
        self.n_slots = len(slots)
        self.cap0 = net.cap[mentors]
        self.group_min = net.group_min[mentors]
        self.locked_load = net.locked_load[mentors]
        st = _State()
        st.at = np.full(self.n_slots, -1, dtype=np.int64)
        used = np.flatnonzero(chosen[self.edge])
        st.at[self.slot[used]] = used
        st.load = np.bincount(self.mentor[used], minlength=n).astype(np.int64)
        st.cap = self.cap0.copy()
        st.lower = np.zeros(n, dtype=np.int64)
        st.depth = 0
        st.rows = {}
        self.M = np.full((self.N, self.N), INF, dtype=np.int64)
        self.E = np.full((self.N, self.N), -1, dtype=np.int64)
        # Rows 0..n-1 are the mentors', row n = S: built in place.
        self._build_rows(st.at, np.arange(n), True, out=(self.M[:n + 1], self.E[:n + 1]))
        self.root_at = st.at.copy()
        st.d = self._potentials(st)
        st.value = self.value(st)
        self.root = st
        self.augments = 0

    # -- the compressed residual graph ---------------------------------------------------

    def _positions(self, slots: np.ndarray) -> np.ndarray:
        lo, hi = self.ptr[slots], self.ptr[slots + 1]
        lens = hi - lo
        return np.repeat(lo - np.cumsum(np.r_[0, lens[:-1]]), lens) + np.arange(int(lens.sum()))

    def _build_rows(self, at: np.ndarray, mentors: np.ndarray, with_source: bool,
                    out: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
        """Matrix rows of the given mentors (their mentees' moves and drops) and, if asked, of
        S (unpaired mentees' pairings), for the flow `at`; written into `out` (costs and
        positions, one row each, INF / -1 filled) if given."""
        N = self.N
        mentors = np.asarray(mentors, dtype=np.int64)
        k = len(mentors)
        row_of = np.full(self.n + 1, -1, dtype=np.int64)
        row_of[mentors] = np.arange(k)
        paired = at >= 0
        holder = np.full(self.n_slots, self.n, dtype=np.int64)  # n: unpaired (row S)
        holder[paired] = self.mentor[at[paired]]
        if with_source:
            row_of[self.n] = k
        mine = row_of[holder] >= 0
        slots = np.flatnonzero(mine)
        pos = self._positions(slots)
        s = self.slot[pos]
        old = at[s]
        a = holder[s]
        b = self.mentor[pos]
        cost = np.where(old >= 0, self.w[np.maximum(old, 0)], 0) - self.w[pos]
        keep = b != a
        r = row_of[a[keep]]
        keys = r * N + b[keep]
        cost, e = cost[keep], pos[keep]
        # a -> S: drop one of a's mentees.
        held = slots[paired[slots]]
        keys = np.r_[keys, row_of[holder[held]] * N + self.S]
        cost = np.r_[cost, self.w[at[held]]]
        e = np.r_[e, at[held]]
        n_rows = k + int(with_source)
        if out is None:
            out = np.full((n_rows, N), INF, dtype=np.int64), np.full((n_rows, N), -1, dtype=np.int64)
        M, E = out
        if len(keys):
            # The cheapest arc per (row, column); ties to the first found (deterministic):
            # the least index among the arcs at the least cost, E serving as the scratch.
            flat_m, flat_e = M.reshape(-1), E.reshape(-1)
            np.minimum.at(flat_m, keys, cost)
            hit = np.flatnonzero(cost == flat_m[keys])
            flat_e[keys[hit]] = len(keys)
            np.minimum.at(flat_e, keys[hit], hit)
            first = hit[flat_e[keys[hit]] == hit]
            flat_e[keys[first]] = e[first]
        rows = {int(u): (M[i], E[i]) for i, u in enumerate(mentors)}
        if with_source:
            rows[self.S] = (M[k], E[k])
        return rows

    def _row(self, st: _State, u: int) -> tuple[np.ndarray, np.ndarray]:
        got = st.rows.get(u)
        return got if got is not None else (self.M[u], self.E[u])

    def _t_row(self, st: _State) -> np.ndarray:
        row = np.full(self.N, INF, dtype=np.int64)
        row[:self.n] = np.where(st.load > st.lower, 0, INF)
        if (st.at < 0).any():
            row[self.S] = 0
        return row

    def _potentials(self, st: _State) -> np.ndarray:
        """Feasible potentials over the matrix's finite arcs: shortest distances from a virtual
        root joined to every node by a zero arc (as solve.flow.feasible_potentials), by rounds
        that relax only the rows of nodes whose distance fell in the round before."""
        N = self.N
        d = np.zeros(N, dtype=np.int64)
        fell = np.arange(N)
        own = self._own(st)
        for _ in range(N + 1):
            best = np.full(N, INF, dtype=np.int64)
            for lo in range(0, len(fell), ROWS_AT_ONCE):
                batch = fell[lo:lo + ROWS_AT_ONCE]
                R = self._rows(st, batch, own)
                R += d[batch][:, None]  # absent arcs stay above HALF: d <= 0, |d| << 2**61
                np.minimum(best, R.min(axis=0), out=best)
            fell = np.flatnonzero(best < d)
            if not len(fell):
                return d
            d[fell] = best[fell]
        raise ValueError("negative cycle: the flow was not optimal")  # pragma: no cover

    def _own(self, st: _State) -> np.ndarray:
        """Which nodes have rows of the node's own (not the root's)."""
        own = np.zeros(self.N, dtype=bool)
        own[np.fromiter(st.rows, dtype=np.int64, count=len(st.rows))] = True
        return own

    def _rows(self, st: _State, batch: np.ndarray, own: np.ndarray) -> np.ndarray:
        """The node's matrix rows of `batch` (sorted), hub arcs included: a copy."""
        n, T, S = self.n, self.T, self.S
        R = self.M[batch]
        for i in np.flatnonzero(own[batch]).tolist():
            R[i] = st.rows[int(batch[i])][0]
        mentor = batch < n
        R[mentor, T] = np.where(st.load[batch[mentor]] < st.cap[batch[mentor]], 0, INF)
        R[batch == S, T] = 0
        if batch[-1] == T:
            R[-1] = self._t_row(st)
        return R

    def _dijkstra(self, st: _State, src: int, dst: int | None,
                  without_src_t: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
        """Reduced distances from src, settled in order until dst (exact: the reduced costs
        are non-negative). Every node at the current least distance is settled at once (an
        optimal flow's reduced costs are mostly zero: a handful of distinct distances per
        path). Nodes not settled keep a tentative distance >= dist[dst]. dst None: every
        node reachable is settled. without_src_t: the arc src -> T left out."""
        N, T, S, n, d = self.N, self.T, self.S, self.n, st.d
        dist = np.full(N, INF, dtype=np.int64)
        pred = np.full(N, -1, dtype=np.int64)
        open_ = np.full(N, INF, dtype=np.int64)
        done = np.zeros(N, dtype=bool)
        dist[src] = open_[src] = 0
        own = self._own(st)
        alive = np.arange(N)  # not settled yet: the only columns a batch can still improve
        while True:
            m = open_.min()
            if m >= INF:
                return dist, pred, INF
            if dst is not None and open_[dst] == m:
                return dist, pred, int(m)
            batch = np.flatnonzero(open_ == m)
            open_[batch] = INF
            done[batch] = True
            alive = alive[~done[alive]]
            if not len(alive):
                continue
            R = self._rows(st, batch, own)
            if without_src_t and batch[0] == src:
                R[0, T] = INF
            cols = alive if 4 * len(alive) < 3 * N else None  # narrower: gather the live columns
            if cols is not None:
                R = R[:, cols]
            # Absent arcs (INF) stay above HALF whatever the potentials (|d| << 2**61).
            R += (m + d[batch])[:, None]
            best = R.min(axis=0) if len(batch) > 1 else R[0].copy()
            best -= d if cols is None else d[cols]
            better = (best < HALF) & (best < (dist if cols is None else dist[cols]))
            if cols is None:
                better &= ~done
            if better.any():
                at = np.flatnonzero(better)
                node = at if cols is None else cols[at]
                dist[node] = best[at]
                open_[node] = best[at]
                # The first batch row reaching the least distance, as argmin gives it.
                pred[node] = batch[R[:, at].argmin(axis=0)] if len(batch) > 1 else batch[0]

    def _augment(self, st: _State, src: int, dst: int) -> bool:
        """Send one unit src -> dst along a shortest path; False if there is none."""
        S, T, n = self.S, self.T, self.n
        dist, pred, D = self._dijkstra(st, src, dst)
        if D >= INF:
            return False
        self.augments += 1
        path = [dst]
        while path[-1] != src:
            path.append(int(pred[path[-1]]))
        path.reverse()
        changed, source_changed = set(), False
        for u, v in zip(path[:-1], path[1:]):
            if u == T:
                if v < n:
                    st.load[v] -= 1  # T -> a: a gives up a place
                continue
            if v == T:
                if u < n:
                    st.load[u] += 1
                continue
            p = int(self._row(st, u)[1][v])
            s = int(self.slot[p])
            if v == S:  # u -> S: slot s leaves its mentor
                st.at[s] = -1
                changed.add(u)
                source_changed = True
            else:  # u (mentor or S) -> v: slot s moves to v
                if u == S:
                    source_changed = True
                else:
                    changed.add(u)
                st.at[s] = p
                changed.add(v)
        st.d = st.d + np.minimum(dist, D)
        rebuilt = self._build_rows(st.at, np.fromiter(changed, dtype=np.int64), source_changed)
        st.rows.update(rebuilt)
        self._check(st, list(rebuilt))
        return True

    def _check(self, st: _State, rows: list[int]) -> None:
        """Reduced costs of the rebuilt rows stay non-negative (else the potentials are
        rebuilt from scratch); the other arcs keep theirs by the shortest-path update."""
        for u in rows:
            m = st.rows[u][0]
            finite = m < INF
            if finite.any() and (m[finite] + st.d[u] - st.d[finite]).min() < 0:  # pragma: no cover
                st.d = self._potentials(st)  # a safety net: the update keeps them feasible
                return

    # -- node operations ------------------------------------------------------------------

    def materialize(self, st: _State) -> _State:
        """A stored node with the rows of the mentors whose mentees differ from the root's
        (kept from its making when the heap was small enough to hold them)."""
        if st.rows is not None:
            return st
        out = st.stored()
        diff = np.flatnonzero(st.at != self.root_at)
        moved = np.r_[st.at[diff], self.root_at[diff]]
        moved = moved[moved >= 0]
        mentors = np.unique(self.mentor[moved])
        unpaired_changed = bool(((st.at < 0) != (self.root_at < 0)).any())
        out.rows = self._build_rows(st.at, mentors, unpaired_changed) if len(mentors) or unpaired_changed else {}
        return out

    def close(self, st: _State, j: int) -> _State | None:
        """The flow optimum with mentor j closed, from its parent's (materialized) state."""
        if self.locked_load[j] > 0:
            return None
        st = st.copy()
        st.cap[j] = 0
        while st.load[j] > 0:
            # j holds a unit it may not keep: a path j -> T re-routes it (j -> T itself is gone;
            # j -> S -> T, dropping the mentee, always exists).
            if not self._augment(st, j, self.T):  # pragma: no cover
                return None
            st.load[j] -= 1
        st.value, st.depth = self.value(st), st.depth + 1
        return st

    def open(self, st: _State, j: int) -> _State | None:
        """The flow optimum with mentor j taking at least its group minimum."""
        need = max(0, int(self.group_min[j]) - int(self.locked_load[j]))
        if need > st.cap[j]:
            return None
        st = st.copy()
        st.lower[j] = need
        while st.load[j] < need:
            # One more unit on j -> T: the cheapest cycle through that arc, a path T -> j.
            if not self._augment(st, self.T, j):
                return None
            st.load[j] += 1
        st.value, st.depth = self.value(st), st.depth + 1
        return st

    def value(self, st: _State) -> int:
        return int(self.w[st.at[st.at >= 0]].sum())

    def short(self, st: _State) -> np.ndarray:
        ld = st.load + self.locked_load
        return np.flatnonzero((ld > 0) & (ld < self.group_min))

    def edges(self, st: _State) -> np.ndarray:
        return self.edge[st.at[st.at >= 0]]


class FixCosts:
    """Lower bounds, taken at a part's root, on what fixing its short groups costs together:
    a bound on every node below the root, tighter than a node's own flow value.

    A legal flow closes or opens every group short at the root. The best flow with the
    groups C closed and O opened differs from the root's (optimal) flow by a circulation in
    the root's residual graph: simple cycles, each of cost >= 0, of which at least load_x
    pass T -> x for each x in C and at least short_y = need_y - load_y pass y -> T for each
    y in O. A simple cycle passes T once: it serves at most one unit of a closed group and
    one unit of an opened group, at a cost of at least
      c[x, y]  the cheapest path x -> y                        (both),
      a[x]     the cheapest path x -> T without the arc x -> T (a unit of x alone),
      b[y]     the cheapest path T -> y without the arc T -> y (a unit of y alone).
    So fixing C and O costs at least the sum of load_x * a[x] and short_y * b[y] less what
    pairing units saves (a[x] + b[y] - c[x, y] a pair, at most), and the root value less
    the least such cost over the partitions (C, O) a node's decisions allow bounds the node.

    Pairs that save anything are rare (a closed group's mentees filling an opened group
    nearby), so the groups fall into small clusters of interacting ones, each minimised on
    its own over its partitions (the saving bounded by every unit's best partner)."""

    MAX_FREE = 10  # undecided groups of one cluster enumerated; past that, a weaker bound

    def __init__(self, search: "PartSearch", st: _State, groups: np.ndarray, deadline: float | None = None):
        n, T, d = search.n, search.T, st.d
        self.groups = groups
        k = len(groups)
        need = np.maximum(0, search.group_min[groups] - search.locked_load[groups])
        self.units_close = st.load[groups].astype(np.int64)
        self.units_open = np.maximum(0, need - st.load[groups])
        big = np.int64(HALF)
        # Path costs into each group y from every mentor or S (the arc T -> y left out),
        # given reduced distances `dist` from one source: min_u dist[u] + M[u, y] + d[u].
        into = search.M[:n + 1][:, groups]

        def reach(dist: np.ndarray) -> np.ndarray:
            h = np.where(dist[:n + 1] < HALF, dist[:n + 1] + d[:n + 1], big)
            got = (h[:, None] + into).min(axis=0)
            return np.where(got < HALF, got, INF)

        # A quarter of the time left at most, so that the dive still finds an incumbent in time;
        # what is not computed by then costs 0 and saves nothing (still a bound, only weaker).
        now = time.perf_counter()
        stop = None if deadline is None else now + FIX_COSTS_SHARE * max(0.0, deadline - now)

        def late() -> bool:
            return stop is not None and time.perf_counter() > stop

        self.b = np.zeros(k, dtype=np.int64)
        if not late():
            got = reach(search._dijkstra(st, T, None)[0])
            self.b = np.where(got < INF, got - d[T], INF)
        self.b[need > st.cap[groups]] = INF
        self.a = np.zeros(k, dtype=np.int64)
        self.c = np.full((k, k), INF, dtype=np.int64)
        for i, x in enumerate(groups.tolist()):
            if search.locked_load[x] > 0:
                self.a[i] = INF  # cannot close
                continue
            if late():
                continue
            dist = search._dijkstra(st, x, None, without_src_t=True)[0]
            self.a[i] = INF
            if dist[T] < HALF:
                self.a[i] = dist[T] - d[x] + d[T]
            got = reach(dist)
            self.c[i] = np.where(got < INF, got - d[x], INF)
        self.close_cost = [int(u) * int(a) if a < INF else None for u, a in zip(self.units_close, self.a)]
        self.open_cost = [int(u) * int(b) if b < INF else None for u, b in zip(self.units_open, self.b)]
        saving = np.zeros((k, k), dtype=np.int64)
        fin = (self.a[:, None] < INF) & (self.b[None, :] < INF) & (self.c < INF)
        saving[fin] = np.maximum(0, (self.a[:, None] + self.b[None, :] - self.c)[fin])
        np.fill_diagonal(saving, 0)
        self.saving = saving
        # Clusters: groups joined by a positive saving either way.
        label = list(range(k))

        def root_of(i: int) -> int:
            while label[i] != i:
                label[i] = label[label[i]]
                i = label[i]
            return i

        for x, y in zip(*np.nonzero(saving)):
            label[root_of(int(x))] = root_of(int(y))
        clusters: dict[int, list[int]] = {}
        for i in range(k):
            clusters.setdefault(root_of(i), []).append(i)
        self.clusters = list(clusters.values())
        self._memo: dict = {}

    def branching_group(self, short: np.ndarray) -> int:
        """The short group to branch on: one that can be fixed one way only (a single child),
        else the largest close + open cost at the root; groups short only below the root
        after those, the first of them."""
        best, best_key = int(short[0]), -1
        where = {int(x): i for i, x in enumerate(self.groups.tolist())}
        for j in short.tolist():
            i = where.get(j)
            if i is None:
                continue
            close, open_ = self.close_cost[i], self.open_cost[i]
            key = INF if close is None or open_ is None else close + open_
            if key > best_key:
                best, best_key = j, key
        return best

    def loss(self, closed: np.ndarray, opened: np.ndarray) -> int | None:
        """The least cost of fixing every group given which are closed / opened already
        (bool per group); None: no legal flow fixes them all."""
        total = 0
        for members in self.clusters:
            key = (members[0], tuple(int(closed[i]) - int(opened[i]) for i in members))
            got = self._memo.get(key)
            if got is None:
                got = self._memo[key] = self._cluster_loss(members, closed, opened)
            if got < 0:
                return None
            total += got
        return total

    def _cluster_loss(self, members: list[int], closed: np.ndarray, opened: np.ndarray) -> int:
        """One cluster's least cost (-1: none is legal)."""
        fixed_c = [i for i in members if closed[i]]
        fixed_o = [i for i in members if opened[i]]
        free = [i for i in members if not closed[i] and not opened[i]]
        if any(self.close_cost[i] is None for i in fixed_c) or any(self.open_cost[i] is None for i in fixed_o):
            return -1
        if len(members) == 1:  # the common case: no interaction
            i = members[0]
            options = [v for v, ok in ((self.close_cost[i], not opened[i]), (self.open_cost[i], not closed[i]))
                       if ok and v is not None]
            return min(options) if options else -1
        if len(free) > self.MAX_FREE:
            return self._loose_loss(members, fixed_c, fixed_o, free)
        best = -1
        for pick in range(1 << len(free)):
            C = fixed_c + [i for b, i in enumerate(free) if pick >> b & 1]
            O = fixed_o + [i for b, i in enumerate(free) if not pick >> b & 1]
            if any(self.close_cost[i] is None for i in C) or any(self.open_cost[i] is None for i in O):
                continue
            cost = sum(self.close_cost[i] for i in C) + sum(self.open_cost[i] for i in O) - self._saving(C, O)
            if best < 0 or cost < best:
                best = cost
        return best

    def _saving(self, C: list[int], O: list[int]) -> int:
        """An upper bound on what pairing C's units with O's saves: each unit at most its best
        partner's saving, counted on the side with the smaller total."""
        if not C or not O:
            return 0
        s = self.saving[np.ix_(C, O)]
        by_close = int((self.units_close[C] * s.max(axis=1)).sum())
        by_open = int((self.units_open[O] * s.max(axis=0)).sum())
        return min(by_close, by_open)

    def _loose_loss(self, members, fixed_c, fixed_o, free) -> int:
        """Too many undecided groups to enumerate: each at its cheaper fix, minus every saving
        any partition could make."""
        base = sum(self.close_cost[i] for i in fixed_c) + sum(self.open_cost[i] for i in fixed_o)
        for i in free:
            options = [v for v in (self.close_cost[i], self.open_cost[i]) if v is not None]
            if not options:
                return -1
            base += min(options)
        can_close = [i for i in members if i not in fixed_o]
        can_open = [i for i in members if i not in fixed_c]
        return max(0, base - self._saving(can_close, can_open))


class _PartRun:
    """The search state of one part: incumbent, open nodes."""

    def __init__(self, search: PartSearch, deadline: float | None = None):
        self.search = search
        self.best: _State | None = None
        self.heap: list = []
        self.counter = 0
        self.done = False
        self.fix = FixCosts(search, search.root, search.short(search.root), deadline)

    def node_bound(self, st: _State) -> int | None:
        """No legal flow below the node is worth more; None: none is legal."""
        fix = self.fix
        loss = fix.loss(st.cap[fix.groups] == 0, st.lower[fix.groups] > 0)
        return None if loss is None else min(st.value, self.search.root.value - loss)

    def push(self, st: _State) -> None:
        bound = self.node_bound(st)
        if bound is None or (self.best is not None and bound <= self.best.value):
            return
        self.counter += 1
        key = (-bound, len(self.search.short(st)), -st.depth, self.counter)
        # A node's own rows (shared with its parent's but for a few) are kept while the heap
        # is small; past that, memory wins and they are rebuilt when it is expanded.
        heapq.heappush(self.heap, (key, st if len(self.heap) < KEEP_ROWS else st.stored()))

    def bound(self) -> int:
        """No legal flow of this part is worth more."""
        top = -self.heap[0][0][0] if self.heap else None
        if self.best is None:
            return top if top is not None else -1
        return max(self.best.value, top) if top is not None else self.best.value

    def expand(self, st: _State) -> list[_State]:
        """Both children of a node with a short group: the one whose fixes cost the most
        together at the root (its children's bounds fall furthest), else the first."""
        search = self.search
        j = self.fix.branching_group(search.short(st))
        full = search.materialize(st)
        return [kid for kid in (search.close(full, j), search.open(full, j)) if kid is not None]


def part_searches(graph, value: np.ndarray, slot: np.ndarray, capacity: np.ndarray, side, lock_edges: list[int],
                  relaxed: np.ndarray) -> tuple[_Network, list[PartSearch], np.ndarray]:
    """The network, a search for every connected part with a group short in `relaxed`, and
    the edges of `relaxed` outside those parts and the locks (optimal as they are)."""
    net = _Network(graph, value, slot, capacity, side, lock_edges)
    chosen = relaxed & ~net.locked
    part_of_mentor, part_of_slot = net.parts()
    load = np.bincount(graph.mentor[relaxed], minlength=net.nm)
    short = np.flatnonzero((load > 0) & (load < net.group_min))
    final = chosen.copy()
    searches = []
    for part in np.unique(part_of_mentor[short]):
        search = PartSearch(net, np.flatnonzero(part_of_slot == part), np.flatnonzero(part_of_mentor == part), chosen)
        final[search.edge] = False
        searches.append(search)
    return net, searches, final


def warm_branch_and_bound(graph, value: np.ndarray, slot: np.ndarray, capacity: np.ndarray, side,
                          lock_edges: list[int], relaxed: np.ndarray, max_nodes: int = 1_000_000,
                          deadline: float | None = None) -> BranchResult:
    """Exact search over group minimums from the relaxed flow optimum `relaxed` (locks
    included). Same result contract as branch.branch_and_bound; on LIMIT, `chosen` is the
    best legal assignment found (None if a part has none yet) and `bound` holds over all."""
    net, searches, final = part_searches(graph, value, slot, capacity, side, lock_edges, relaxed)
    runs = [_PartRun(search, deadline) for search in searches]
    base_total = int(net.w[final].sum()) + int(net.w[net.locked].sum())
    nodes = len(runs)

    def late() -> bool:
        return deadline is not None and time.perf_counter() > deadline

    def past() -> bool:
        return nodes >= max_nodes or late()

    # Dives first, in every part, for incumbents: then time runs out on proofs, not answers.
    # A dive is a few nodes per short group; only the deadline stops it, not the node budget.
    for run in runs:
        st = run.search.root
        while True:
            if not len(run.search.short(st)):
                run.best = st
                break
            if late():
                run.push(st)  # the proof search (or the bound past the deadline) starts here
                break
            kids = run.expand(st)
            nodes += 2
            if not kids:
                break
            kids.sort(key=lambda k: (-k.value, len(run.search.short(k)), -k.depth))
            for kid in kids[1:]:
                run.push(kid)
            st = kids[0]
    # Best-first: the first node popped that beats no incumbent ends the part.
    for run in runs:
        while run.heap and not past():
            if run.best is not None and -run.heap[0][0][0] <= run.best.value:
                run.heap.clear()
                break
            _, st = heapq.heappop(run.heap)
            if not len(run.search.short(st)):
                run.best = st
                continue
            for kid in run.expand(st):
                nodes += 1
                run.push(kid)
            nodes += 1
        run.done = not run.heap or (run.best is not None and -run.heap[0][0][0] <= run.best.value)
    if any(run.best is None and run.done for run in runs):
        return BranchResult("INFEASIBLE", None, 0, 0, nodes)
    bound = base_total + sum(run.bound() for run in runs)
    if all(run.best is not None for run in runs):
        out = final.copy()
        out |= net.locked
        for run in runs:
            out[run.search.edges(run.best)] = True
        val = base_total + sum(run.best.value for run in runs)
        if all(run.done for run in runs):
            return BranchResult("OPTIMAL", out, val, val, nodes)
        return BranchResult("LIMIT", out, val, bound, nodes)
    return BranchResult("LIMIT", None, 0, bound, nodes)
