"""The residual graph of an optimal min-cost flow: exact costs of forcing a pair.

From an optimal flow, the cost of forcing one more unit on an arc is the cheapest cycle
through that arc in the residual graph (docs/performance.md, "Explaining at scale"); reduced costs from optimal
potentials are non-negative, so Dijkstra serves, from many sources in one call. Used by the
explanations (what forcing an alternative costs) and by the solver (pairs that cannot be in
any better solution are left out of CP-SAT's model).
"""
from __future__ import annotations

from itertools import chain

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from ..arrays import stable_order, stable_sort
from .flow import feasible_potentials


class FlowResidual:
    """The residual graph of the optimal min-cost flow (solve.flow), compressed to mentors.

    Nodes: mentors 0..m-1, the source S = m, the sink T = m+1. Arcs, each with the edges it
    adds to and removes from the assignment:
      a -> b  a mentee of a moves to b             cost w(old) - w(new)
      S -> b  an unpaired mentee is paired with b  cost -w
      a -> S  a mentee of a loses their mentor     cost w
      a -> T  a has a free place; T -> a: a has a mentee; S <-> T the bypass (cost 0).
    Costs are the solver's combined lexicographic objective, negated (min-cost form). A
    shortest path in this graph is a chain of moves; forcing an edge (i, k) costs
    -w(i,k) + w(i,j) + dist(k -> j) when i is with j, or -w(i,k) + dist(k -> S) when i is
    unpaired.
    """

    def __init__(self, graph, objective, slot: np.ndarray, chosen: np.ndarray, lock_edges: list[int],
                 capacity: np.ndarray | None = None, lower: np.ndarray | None = None):
        """`capacity` and `lower` (per mentor, locked mentees included; default: the roster's
        capacities, no lower bounds): the network of a cell of group decisions, e.g. a group
        mentor closed (capacity 0) or opened (lower = its minimum), as solve.flow's `lower`."""
        roster = graph.roster
        nm = roster.mentors.n
        self.graph, self.objective, self.slot = graph, objective, slot
        self.nm, self.S, self.T, self.N = nm, nm, nm + 1, nm + 2
        S, T, N = self.S, self.T, self.N
        w = objective.combined.astype(np.int64)
        self.w = w
        mentor = graph.mentor
        lock_edges = np.asarray(lock_edges, dtype=np.int64)
        cap = (roster.mentors.capacity if capacity is None else capacity).astype(np.int64).copy()
        locked_load = np.bincount(mentor[lock_edges], minlength=nm)
        cap -= locked_load
        low = np.zeros(nm, dtype=np.int64) if lower is None else np.maximum(lower - locked_load, 0)
        self.cap = cap
        n_slots = int(slot.max()) + 1 if len(slot) else 0
        locked_slot = np.zeros(n_slots, dtype=bool)
        locked_slot[slot[lock_edges]] = True
        # Network edges: as solve.locks.flow_with_locks builds them; edges of mentors without a
        # free place stay in as dead ends (they carry no flow and change no distance).
        net = (w > 0) & ~locked_slot[slot] if len(slot) else np.zeros(0, dtype=bool)
        chosen_net = chosen & net
        self.net = net
        slot_edge = np.full(n_slots, -1, dtype=np.int64)
        slot_edge[slot[chosen_net]] = np.flatnonzero(chosen_net)
        self.slot_edge = slot_edge
        load = np.bincount(mentor[chosen_net], minlength=nm).astype(np.int64)
        self.load = load
        me = slot_edge[slot] if len(slot) else np.zeros(0, np.int64)

        parts = []  # (A, B, C): moves (e1), pairings of unpaired slots (e2), unpairings (ch), then the rest
        e1 = np.flatnonzero(net & ~chosen & (me >= 0))
        held = me[e1]
        parts.append((mentor[held], mentor[e1], w[held] - w[e1]))
        e2 = np.flatnonzero(net & (me < 0))
        self.unmatched_edges = e2
        parts.append((np.full(len(e2), S), mentor[e2], -w[e2]))
        ch = np.flatnonzero(chosen_net)
        parts.append((mentor[ch], np.full(len(ch), S), w[ch]))
        free = np.flatnonzero(load < cap)
        parts.append((free, np.full(len(free), T), np.zeros(len(free), np.int64)))
        busy = np.flatnonzero(load > low)  # T -> a: a may give up a place
        parts.append((np.full(len(busy), T), busy, np.zeros(len(busy), np.int64)))
        self.has_bypass_fwd = len(ch) > 0  # some slot is paired: S -> T has room
        # T -> S: the bypass carries flow. Counting every mentee's slot in the network (one
        # without edges changes nothing), it does whenever the questions asked here are
        # about an unpaired mentee; elsewhere the arc is only usable followed by S -> an
        # unpaired slot, which exists only when the bypass carries flow anyway.
        hub = [(T, S)]
        if self.has_bypass_fwd:
            hub.append((S, T))
        h = np.array(hub, dtype=np.int64)
        parts.append((h[:, 0], h[:, 1], np.zeros(len(h), np.int64)))
        # Parallel arcs: keep the cheapest (the first such, for determinism). No two parts share
        # a (tail, head), so each is reduced on its own, then all are put in key order.
        kept, at = [], 0
        for tails, heads, costs in parts:
            key = np.asarray(tails, dtype=np.int64) * N + np.asarray(heads, dtype=np.int64)
            ks, cs, first = _cheapest(key, np.asarray(costs, dtype=np.int64), N * N)
            kept.append((ks, cs, first + at))
            at += len(key)
        ks, cs, first = (np.concatenate([k[c] for k in kept]) for c in range(3))
        order = stable_order(ks, N * N)
        self.key, self.C = ks[order], cs[order]  # key = A * N + B: sorted
        # Where each kept arc came from (its place in e1, e2, ch, ... one after the other): the
        # edges it adds and removes are looked up from there.
        self._from_arc = first[order]
        self.A = self.key // N
        self.B = self.key - self.A * N
        self._parts = (e1, held, e2, ch)
        self.d = self._potentials()
        red = self.C + self.d[self.A] - self.d[self.B]
        if len(red) and red.min() < 0:  # pragma: no cover - the flow was not optimal
            raise ValueError("the assignment is not an optimal flow")
        self.red = red
        indptr = np.searchsorted(self.A, np.arange(N + 1))
        self.G = csr_matrix((red.astype(np.float64), self.B, indptr), shape=(N, N))
        self.GT = self.G.T.tocsr()
        mm = np.flatnonzero((self.A < nm) & (self.B < nm))
        self.Gm = csr_matrix((red[mm].astype(np.float64), self.B[mm], np.searchsorted(self.A[mm], np.arange(nm + 1))),
                             shape=(nm, nm))
        dist_from, pred_from = dijkstra(self.G, indices=[S, T], return_predecessors=True)
        dist_to, pred_to = dijkstra(self.GT, indices=[S, T], return_predecessors=True)
        self.from_S, self.from_T = dist_from
        self.pred_from_S, self.pred_from_T = pred_from
        self.to_S, self.to_T = dist_to
        self.pred_to_S, self.pred_to_T = pred_to
        self._H = None
        self._from_slots = None
        self._within: dict[float, csr_matrix] = {}  # _mentor_arcs_within, by limit
        # Paths to and from the hubs, kept by (node, hub) and (hub, node): many queries share an end.
        self._paths_to: dict[tuple[int, int], list[int]] = {}
        self._paths_from: dict[tuple[int, int], list[int]] = {}
        self._arcs_to: dict[tuple[int, int], tuple] = {}  # (u, hub) -> (node -> place on the path, adds, removes)
        self._arcs_from: dict[tuple[int, int], tuple] = {}  # (hub, v) -> (path, adds, removes)

    def _potentials(self) -> np.ndarray:
        """Feasible potentials: every reduced cost non-negative (solve.flow.feasible_potentials)."""
        return feasible_potentials(self.A, self.B, self.C, self.N)

    # -- distances ------------------------------------------------------------------------

    def real(self, red: np.ndarray, u, v) -> np.ndarray:
        """Reduced distance u -> v back to the objective's units."""
        return red - self.d[u] + self.d[v]

    def distances(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Reduced shortest distances src[q] -> dst[q] (dst may be S)."""
        return self._distances(src, dst, False)[0]

    def _distances(self, src: np.ndarray, dst: np.ndarray, paths: bool
                   ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray]:
        """distances, and if asked the node paths that avoid both hubs (None: through a hub, or
        none; _path_edges joins those), and whether the hub is S (else T)."""
        nm = self.nm
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        via_T = self.to_T[src] + self.from_T[dst]
        via_S = self.to_S[src] + self.from_S[dst]
        hub_is_S = via_S <= via_T
        best = np.where(hub_is_S, via_S, via_T)
        out: list[list[int] | None] = [None] * len(src)
        # Paths through neither hub: Dijkstra on mentor arcs only, limited by the hub bound
        # (bucketed by powers of two, so that a few calls serve many sources each).
        need = np.flatnonzero((dst < nm) & (best > 0))
        if len(need):
            limit = np.zeros(nm)
            np.maximum.at(limit, src[need], best[need])
            sources = np.unique(src[need])
            lim = limit[sources]
            bucket = np.where(np.isinf(lim), np.inf, 2.0 ** np.ceil(np.log2(lim + 1)))
            for b in np.unique(bucket)[::-1]:  # largest limit first (_mentor_arcs_within)
                group = sources[bucket == b]
                limit_b = (b - 0.5) if np.isfinite(b) else np.inf
                found = dijkstra(self._mentor_arcs_within(limit_b), indices=group, limit=limit_b,
                                 return_predecessors=paths)
                dist, pred = found if paths else (found, None)
                mine = need[np.isin(src[need], group)]
                row = np.searchsorted(group, src[mine])
                dn = dist[row, dst[mine]]
                better = dn < best[mine]
                best[mine[better]] = dn[better]
                if not paths:
                    continue
                for q, r in zip(mine[better].tolist(), row[better].tolist()):
                    s_, v = int(src[q]), int(dst[q])
                    path = [v]
                    while v != s_:
                        v = int(pred[r, v])
                        path.append(v)
                    out[q] = path[::-1]
        return best, out, hub_is_S

    def _path_edges(self, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, list[tuple | None]]:
        """distances(src, dst) with each path's edges (added, removed) instead of its nodes. A
        path through a hub joins the hub's tree paths P (to it) and Q (from it), whose arcs are
        kept per end; the loop erased where Q meets P again leaves P up to the last such node
        and Q from there (_loop_erased of P + Q, without walking it)."""
        best, paths, hub_is_S = self._distances(src, dst, True)
        hubs = np.where(hub_is_S, self.S, self.T)
        tree = np.flatnonzero(np.isfinite(best) & np.array([p is None for p in paths], dtype=bool)).tolist()
        ends = list(zip(tree, src[tree].tolist(), hubs[tree].tolist(), dst[tree].tolist()))
        self._keep_tree_arcs({(s_, h) for _, s_, h, _ in ends}, {(h, d_) for _, _, h, d_ in ends})
        out: list[tuple | None] = [None] * len(paths)
        for q, s_, h, d_ in ends:
            at, p_add, p_rem = self._arcs_to[(s_, h)]
            q_nodes, q_add, q_rem = self._arcs_from[(h, d_)]
            cut, b = len(p_add), 0  # P's nodes kept: up to index cut; Q's arcs kept: from b
            for n, v in enumerate(q_nodes[1:], 1):
                x = at.get(v)
                if x is not None and x <= cut:
                    cut, b = x, n
            added = [e for e in p_add[:cut] + q_add[b:] if e >= 0]
            removed = [e for e in p_rem[:cut] + q_rem[b:] if e >= 0]
            out[q] = (added, removed)
        rest = [q for q, p in enumerate(paths) if p is not None]
        for q, found in zip(rest, self.arc_edges([paths[q] for q in rest])):
            out[q] = found
        return best, out

    def _keep_tree_arcs(self, to_hub: set, from_hub: set) -> None:
        """Per tree path u -> hub and hub -> v not kept yet: the edge each arc adds and removes
        (-1: none); for u -> hub also each node's place on it."""
        to_hub = sorted(key for key in to_hub if key not in self._arcs_to)
        from_hub = sorted(key for key in from_hub if key not in self._arcs_from)
        paths = [self._path_to(u, h) for u, h in to_hub] + [self._path_from(h, v) for h, v in from_hub]
        arcs = [len(path) - 1 for path in paths]
        if sum(arcs):
            tails = np.fromiter(chain.from_iterable(path[:-1] for path in paths), dtype=np.int64, count=sum(arcs))
            heads = np.fromiter(chain.from_iterable(path[1:] for path in paths), dtype=np.int64, count=sum(arcs))
            pos = np.searchsorted(self.key, tails * self.N + heads)
            adds, rems = self._arc_changes(pos)
        else:
            adds = rems = []
        ends = np.cumsum(arcs).tolist()
        for n, (key, path) in enumerate(zip(to_hub + from_hub, paths)):
            a, b = ends[n] - arcs[n], ends[n]
            if n < len(to_hub):
                self._arcs_to[key] = ({v: x for x, v in enumerate(path)}, adds[a:b], rems[a:b])
            else:
                self._arcs_from[key] = (path, adds[a:b], rems[a:b])

    def _mentor_arcs_within(self, limit: float):
        """The mentor arcs (Gm) whose reduced cost is at most `limit`. Dijkstra limited to
        `limit` never relaxes a longer arc into its heap (reduced costs are >= 0), so on this
        graph it scans the same nodes in the same order and returns the same distances and
        predecessors, without scanning arcs that cannot be on a path within the limit."""
        if not np.isfinite(limit):
            return self.Gm
        if limit not in self._within:  # the same few limits (powers of two) serve every call
            # Pruned from the smallest graph kept for a larger limit: asked largest first, each
            # pruning reads the last one's arcs only.
            larger = [x for x in self._within if x > limit]
            base = self._within[min(larger)] if larger else self.Gm
            keep = base.data <= limit
            kept = np.r_[0, np.cumsum(keep)]
            self._within[limit] = base if kept[-1] == len(keep) else \
                csr_matrix((base.data[keep], base.indices[keep], kept[base.indptr]), shape=base.shape)
        return self._within[limit]

    def _path_to(self, u: int, hub: int) -> list[int]:
        """The shortest path u -> hub (S or T), as nodes (kept: not to be changed)."""
        key = (u, hub)
        if key not in self._paths_to:
            self._paths_to[key] = _walk(self.pred_to_S if hub == self.S else self.pred_to_T, u, hub)
        return self._paths_to[key]

    def _path_from(self, hub: int, v: int) -> list[int]:
        """The shortest path hub -> v, as nodes (kept: not to be changed)."""
        key = (hub, v)
        if key not in self._paths_from:
            self._paths_from[key] = _walk(self.pred_from_S if hub == self.S else self.pred_from_T, v, hub)[::-1]
        return self._paths_from[key]

    def arc_edges(self, paths: list[list[int] | None]) -> list[tuple[list[int], list[int]]]:
        """Edges added and removed along each node path."""
        arcs = [len(path) - 1 if path else 0 for path in paths]
        if not sum(arcs):
            return [([], []) for _ in paths]
        tails = np.fromiter(chain.from_iterable(path[:-1] for path in paths if path), dtype=np.int64, count=sum(arcs))
        heads = np.fromiter(chain.from_iterable(path[1:] for path in paths if path), dtype=np.int64, count=sum(arcs))
        keys = tails * self.N + heads
        pos = np.searchsorted(self.key, keys)
        if not np.array_equal(self.key[np.minimum(pos, len(self.key) - 1)], keys):  # pragma: no cover
            raise ValueError("path uses an arc the residual graph does not have")
        adds, rems = self._arc_changes(pos)
        out = []
        at = 0
        for n in arcs:
            out.append(([a for a in adds[at:at + n] if a >= 0], [r for r in rems[at:at + n] if r >= 0]))
            at += n
        return out

    def _arc_changes(self, arcs: np.ndarray) -> tuple[list[int], list[int]]:
        """The edge each arc (by position) adds to the assignment and the one it removes (-1:
        none): a move adds the new edge and removes the held one, a pairing adds, an unpairing
        removes, the other arcs change no edge."""
        at = self._from_arc[arcs]
        e1, held, e2, ch = self._parts
        n1, n2, n3 = len(e1), len(e2), len(ch)
        adds, rems = np.full(len(at), -1, dtype=np.int64), np.full(len(at), -1, dtype=np.int64)
        move, pair, unpair = at < n1, (at >= n1) & (at < n1 + n2), (at >= n1 + n2) & (at < n1 + n2 + n3)
        adds[move], rems[move] = e1[at[move]], held[at[move]]
        adds[pair] = e2[at[pair] - n1]
        rems[unpair] = ch[at[unpair] - n1 - n2]
        return adds.tolist(), rems.tolist()

    # -- queries --------------------------------------------------------------------------

    def _forced_ends(self, edges: np.ndarray):
        """For each edge: its mentor k, the edge its slot uses now (-1: none) and the node a
        forcing cycle must reach from k (that edge's mentor, or S)."""
        k = self.graph.mentor[edges]
        me = self.slot_edge[self.slot[edges]]
        paired = me >= 0
        dst = np.where(paired, self.graph.mentor[np.maximum(me, 0)], self.S)
        return k, me, paired, dst

    def forcing(self, edges: np.ndarray) -> list[dict | None]:
        """For unchosen network edges: the best assignment that contains the edge, as edges
        added and removed and the change of the objective (None: impossible)."""
        edges = np.asarray(edges, dtype=np.int64)
        if not len(edges):
            return []
        k, me, paired, dst = self._forced_ends(edges)
        red, arcs = self._path_edges(k, dst)
        real = self.real(red, k, dst).tolist()
        out: list[dict | None] = []
        for e, held, w_e, w_held, r, found in zip(edges.tolist(), np.where(paired, me, -1).tolist(),
                                                    self.w[edges].tolist(), self.w[np.maximum(me, 0)].tolist(),
                                                    real, arcs):
            if found is None:
                out.append(None)
                continue
            added = [e] + found[0]
            removed = ([held] if held >= 0 else []) + found[1]
            cost = -w_e + (w_held if held >= 0 else 0) + int(round(r))
            out.append({"added": added, "removed": removed, "objective_delta": -cost})
        return out

    def forcing_deltas(self, edges: np.ndarray) -> np.ndarray:
        """forcing's objective_delta alone (-inf: impossible), without the paths."""
        edges = np.asarray(edges, dtype=np.int64)
        if not len(edges):
            return np.zeros(0)
        k, me, paired, dst = self._forced_ends(edges)
        red = self.distances(k, dst)
        held = np.where(paired, self.w[np.maximum(me, 0)], 0).astype(np.float64)
        with np.errstate(invalid="ignore"):
            cost = -self.w[edges].astype(np.float64) + held + np.rint(self.real(red, k, dst))
        return np.where(np.isfinite(red), -cost, -np.inf)

    def dist_to_source(self, mentors: np.ndarray) -> np.ndarray:
        """Objective-unit cost of the cheapest way to free one place of each mentor
        (dist mentor -> S), inf where none."""
        mentors = np.asarray(mentors, dtype=np.int64)
        return self.real(self.to_S[mentors], mentors, self.S)

    def cycle_via_new_unit(self, k: int) -> tuple[float, list[int]]:
        """Best cycle through one more place at mentor k: (cost, node path T -> k)."""
        red = self.from_T[k]
        if not np.isfinite(red):
            return np.inf, []
        return float(self.real(red, self.T, k)), list(_loop_erased(self._path_from(self.T, k)))

    def path_to_source(self, k: int) -> list[int]:
        return list(self._path_to(k, self.S))

    def _h_graph(self):
        """The residual graph without the source, every unpaired slot its own node: paths
        from S that avoid chosen slots are multi-source runs from the other slots' nodes."""
        if self._H is not None:
            return self._H
        nm, S, T = self.nm, self.S, self.T
        keep = (self.A != S) & (self.B != S)
        A, B, red = self.A[keep], self.B[keep], self.red[keep]
        A = np.where(A == T, nm, A)
        B = np.where(B == T, nm, B)
        e2 = self.unmatched_edges
        slots, node = np.unique(self.slot[e2], return_inverse=True)
        b2 = self.graph.mentor[e2]
        # Slot nodes carry the source's potential: S -> slot is then a zero reduced arc.
        red2 = -self.w[e2] + self.d[S] - self.d[b2]
        A = np.concatenate([A, nm + 1 + node])
        B = np.concatenate([B, b2])
        red = np.concatenate([red, red2])
        n = nm + 1 + len(slots)
        key = A * n + B
        order = stable_order(key, n * n)
        key, A, B, red = key[order], A[order], B[order], red[order]
        if len(key):  # parallel arcs (T was S's twin): keep the cheapest
            starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            A, B, red = A[starts], B[starts], np.minimum.reduceat(red, starts)
        H = csr_matrix((red.astype(np.float64), B, np.searchsorted(A, np.arange(n + 1))), shape=(n, n))
        self._H = (H, slots)
        return self._H

    def gain_without(self, excluded_slots: np.ndarray, mentors: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
        """Whether dist_{G - excluded slots}(S -> mentors[q]) > thresholds[q] (objective
        units): no path from the source that avoids those slots is that cheap."""
        nm, S = self.nm, self.S
        mentors = np.asarray(mentors, dtype=np.int64)
        limits = np.asarray(thresholds, dtype=np.float64) + self.d[S] - self.d[mentors]
        ok = limits < 0  # reduced distances are never negative
        if ok.all():
            return ok
        H, slots = self._h_graph()
        all_sources = np.r_[nm + 1 + np.arange(len(slots)), nm]
        if not self.has_bypass_fwd:
            all_sources = all_sources[:-1]  # T is no source when nothing is paired
        if not len(all_sources):
            return np.ones(len(mentors), dtype=bool)
        if self._from_slots is None:
            dist, _, origin = dijkstra(H, indices=all_sources, min_only=True, return_predecessors=True)
            self._from_slots = (dist, origin)
        dist, origin = self._from_slots
        excluded = nm + 1 + np.searchsorted(slots, excluded_slots)[np.isin(excluded_slots, slots)]
        # With every source the path already costs more: so it does without some of them.
        # Otherwise, if the best path starts elsewhere, it survives the exclusion.
        ok = ok | (dist[mentors] > limits)
        bad = ~ok & ~np.isin(origin[mentors], excluded)
        rest = ~ok & ~bad
        if rest.any():
            sources = all_sources[~np.isin(all_sources, excluded)]
            if not len(sources):
                return ok | rest
            dist_i = dijkstra(H, indices=sources, min_only=True, limit=float(limits[rest].max()))
            ok = ok | (rest & (dist_i[mentors] > limits))
        return ok


def _cheapest(key: np.ndarray, cost: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct key (keys in 0..bound-1), in key order: the key, its least cost and the
    position of the first arc at that cost. Costs of a narrow range go with the key and the
    position into one sorted value (a move changes one mentee's pair: its costs are score
    differences); else a stable sort by key and a minimum per key."""
    n = len(key)
    if not n:
        return key, cost, np.zeros(0, dtype=np.int64)
    low = int(cost.min())
    pos_bits = max(1, (n - 1).bit_length())
    cost_bits = max(1, (int(cost.max()) - low).bit_length())
    if int(bound) << (cost_bits + pos_bits) < 1 << 63:
        packed = np.sort((key << (cost_bits + pos_bits)) | ((cost - low) << pos_bits) | np.arange(n, dtype=np.int64))
        ks = packed >> (cost_bits + pos_bits)
        new = np.ones(n, dtype=bool)
        new[1:] = ks[1:] != ks[:-1]
        packed = packed[new]
        return ks[new], ((packed >> pos_bits) & ((1 << cost_bits) - 1)) + low, packed & ((1 << pos_bits) - 1)
    order, ks = stable_sort(key, bound)
    cs = cost[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    cmin = np.minimum.reduceat(cs, starts)
    at_min = cs == np.repeat(cmin, np.diff(np.r_[starts, n]))
    first = np.minimum.reduceat(np.where(at_min, np.arange(n), n), starts)
    return ks[first], cs[first], order[first]


def _walk(pred: np.ndarray, v: int, root: int) -> list[int]:
    """The nodes from v up a shortest-path tree (predecessors `pred`) to its root."""
    path = [v]
    while path[-1] != root:
        path.append(int(pred[path[-1]]))
    return path


def _loop_erased(path: list[int]) -> list[int]:
    """A walk made simple: a node met again cuts the loop since its first visit (the loop
    costs >= 0 in an optimal residual graph, so the path is no worse)."""
    if len(set(path)) == len(path):
        return path
    out: list[int] = []
    at: dict[int, int] = {}
    for v in path:
        if v in at:
            for u in out[at[v] + 1:]:
                del at[u]
            del out[at[v] + 1:]
        else:
            at[v] = len(out)
            out.append(v)
    return out


def prune_edges(graph, objective, slot: np.ndarray, relaxed: np.ndarray, lock_edges: list[int],
                incumbent_value: int) -> np.ndarray:
    """Edges that can be in an assignment worth at least `incumbent_value` (reduced-cost
    fixing, exact): forcing an edge into the relaxed flow optimum gives the best value of any
    assignment that holds it, side constraints or not; an edge whose forced value falls below
    a known legal assignment's value is in no better one, and CP-SAT never needs to see it."""
    res = FlowResidual(graph, objective, slot, relaxed, lock_edges)
    keep = relaxed.copy()
    if lock_edges:
        keep[np.asarray(lock_edges, dtype=np.int64)] = True
    edges = np.flatnonzero(res.net & ~relaxed)
    if not len(edges):
        return keep
    dist = dijkstra(res.G, indices=np.arange(res.N))  # reduced costs >= 0: Dijkstra from every node
    k = graph.mentor[edges]
    me = res.slot_edge[slot[edges]]
    paired = me >= 0
    dst = np.where(paired, graph.mentor[np.maximum(me, 0)], res.S)
    red = dist[k, dst]
    real = red - res.d[k] + res.d[dst]
    w = objective.combined
    cost = -w[edges].astype(np.float64) + np.where(paired, w[np.maximum(me, 0)], 0).astype(np.float64) + real
    relaxed_value = float(w[relaxed].sum())
    forced_value = relaxed_value - cost
    keep[edges] = np.isfinite(forced_value) & (forced_value >= incumbent_value - 0.5)
    return keep
