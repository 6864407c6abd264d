"""Explanations: why each pair, why not the alternatives, why a mentee has no pair and what
single change would give them one. Everything is data (codes, numbers, ids) added to the
result document; `explain_text` and the report word it.

What is added (keys of the document):
- pair["explanation"]: score, mentor_rank / mentor_candidates (this mentor among the
  mentee's candidates, by score), mentee_rank / mentee_candidates, locked, alternatives —
  the best other mentors, each {mentor_id, form, score, status: taken | free_place |
  no_place | blocked, load, capacity, mentees (who holds the places), rules (blocked: code,
  form, details()), forcing: {checked, method: residual | resolve | group_min, feasible,
  objective_delta, levels {level: delta}, matched_delta, score_delta, moves [{mentee_id,
  from, to}], moves_total, within_groups, bound {level: delta}} or {checked: false,
  reason: deadline}}. The score's parts stay in pair["components"].
- unmatched["explanation"]: why (no_form | no_mentor_in_form | no_candidate |
  candidates_taken | candidates_tied (a checked candidate as good) | not_chosen (taken, in an answer
  without proof) | candidates_without_places |
  group_rules | category_not_in_form | category_unknown_not_in_form | group_min_unreachable |
  mutual) with why_params (those of the
  unmatched.* reason of the same name), blocked_by / blocked_only_by {rule: mentors} (only
  the rules that decide: a pair outside a form's categories counts for form_compat alone),
  near_misses [{mentor_id, score, code, form, details}], candidates (as alternatives),
  candidates_total, suggestions [{change: capacity | trained | consent | hard_wish |
  age_gap | group_min, mentor_id, params, verified: true, method: incremental_flow | resolve, effect:
  {mentor_id (the mentee's new mentor), objective_delta, levels, matched_delta,
  score_delta, moves, within_groups, bound}}], unchecked [changes the deadline left
  unchecked, reason: deadline].
- mentor["explanation"]: status (full | free_places | unused | no_capacity), load,
  capacity, free, group_min, candidates, mentees [{mentee_id, form, score, locked}],
  why_unused (no_candidates | group_min_unreachable | mutual | group_rules |
  candidates_paired_elsewhere, with proven: false in an answer without proof) and blocked_by
  for a mentor without mentees.
- doc["analysis"]: rules {code: {pairs_blocked, only_reason}}, pairs_total, components
  {name: {weight, total_contribution, mean_value}}, total_score, match_rate {overall,
  by_form, by_priority: {mentees, matched, rate}}.
- doc["candidates"]: {mentee_id: [{rank, mentor_id, mentor_name, form, score, status}]}.
- doc["explanations"]: format_version, top_k, forcing_method, baseline_proven_optimal,
  resolves, suggestions_checked, within_groups, changes_unchecked, alternatives_unchecked,
  not_computed_in_time {alternatives, changes} (also in doc["summary"]), notes.

How the answers are found:
- Forcing an alternative pair ("what would the total lose if mentee i took mentor k?") is a
  re-solve in principle. Where the model is a min-cost flow, the exact answer comes from
  the residual graph of the optimal flow instead (docs/performance.md): the cost of forcing one
  unit onto an arc is the cheapest cycle through that arc. The residual graph is
  compressed to mentor nodes plus source and sink (an arc a -> b says "one of a's mentees
  moves to b"), potentials from a vectorised Bellman-Ford make every reduced cost >= 0, and
  scipy's Dijkstra answers all queries: hub distances (through source or sink) in four
  runs, the rest from many sources per call with a distance limit taken from the hub bound.
  With group minimums (a group mentor takes nobody or at least its minimum) and no other
  rule a flow lacks, the optimum is a flow optimum of its own *cell*: every group mentor
  closed or opened as the optimum has it, where every flow is legal. Its residual graph
  (capacities and lower bounds of that cell) answers every forcing exactly *within the
  proposal's groups*; a pair no assignment of that cell holds (its mentor leads no group
  yet, or the mentee's leaving would leave a group short) is answered on the cell with
  that one decision changed (solve.cells, by successive shortest paths). The relaxation's
  residual graph bounds what any regrouping could add: an answer it does not match is
  marked `within_groups`, with the `bound` per level, when only the last objective level
  (the score) is open; when a higher level is, the pair is re-solved for real. An answer
  without proof that the solver made the flow optimum of its own cell (Solution.cell_optimal)
  is answered the same way, relative to itself. Other side
  rules (grade spread, mutual mentoring, a pair in two forms): the relaxation's residual
  graph where the forced relaxed optimum keeps every rule, real re-solves otherwise.
  Re-solves run by the run's deadline; what it cuts is marked "not computed in time".
- A suggested change for an unmatched mentee is always checked, never guessed. Changes that
  touch only that mentee's own pairs, and one more place for a mentor, are exact
  incremental re-solves of the flow (one cycle through the new arcs), or of the proposal's
  cell of groups with the relaxation's bound as above; a change is "verified" only when
  every optimal assignment of the changed programme pairs the mentee, so any re-run pairs
  them. Other changes (a mentor's training or consent, a relaxed age gap) are applied to a
  copy of the participants or configuration, rebuilt and re-solved, by the deadline; what
  it leaves unchecked is listed as such.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from itertools import chain

import numpy as np

from . import constraints, scoring
from .constraints import places
from .constraints.fix import SCOPES, Fix
from .arrays import build_roster, stable_order
from .graph import SCORE_SCALE, build_graph
from .solve import Lock, Solution, edges_of_locks, flow_with_locks, side_constraints, solve
from .solve.side import decided_cell
from .i18n import register
from .jsonutil import jsonable
from .solve.cells import PartCells, parts
from .solve.objective import slot_of_edges
from .solve.residual import FlowResidual
from .results import CandidateContext, gc_paused

register({
    "explain.note.within_groups": (
        "{count} {count:plural:ответ найден|ответа найдены|ответов найдено} при остальных группах как в "
        "предложении: перестройка групп могла бы немного прибавить к сумме оценок (у каждого сказано, не больше "
        "скольких).",
        "{count} {count:plural:answer was|answers were} found with the other groups as proposed: regrouping could "
        "add a little to the sum of scores (each says at most how much)."),
})

RULE_BIT = constraints.RULE_BIT
RULE_CODES = constraints.RULE_CODES
FORMAT_VERSION = 1
MOVES_KEPT = 10  # moves listed per effect (a displacement chain can be long); moves_total counts all
SMALL_EFFECTS = 256  # effects() of at most this many edges in all are summed in Python (_small_effects)


@dataclass
class Limits:
    """How much explanations list. Counts, not seconds: the document stays deterministic (the
    same input gives the same explanations) whenever the run's deadline leaves time for all of
    it; what the deadline cuts is marked "not computed in time" one by one, and counted."""

    top_k: int = 3  # alternatives per pair, candidates per mentee
    near_misses: int = 5  # mentors blocked by one rule, listed per unmatched mentee
    changes_checked: int = 4  # candidate single changes checked per unmatched mentee (more until one holds)
    suggestions: int = 3  # verified suggestions kept per unmatched mentee
    # Blocked pairs scored for "what would this mentor have scored" (near misses): at most this many.
    near_miss_pairs: int = 1_000_000
    # Regrouping is bounded cell by cell (one flow per group mentor, see _regroupings) while
    # group mentors × candidate pairs stays within this; past it, by the relaxation alone.
    regroup_pairs: int = 150_000
    # One re-solve (a question the residual graphs cannot answer) stops after this long.
    resolve_time_limit: float = 10.0


# ---------------------------------------------------------------------------------------------
# Changes a suggestion can make, applied to a copy of the input


def apply_change(participants: list, config, change: dict) -> tuple[list, object]:
    """The participants and configuration with one suggested change applied (copies; the
    inputs are left as they are). This is what a curator would do to act on a suggestion;
    the change's owner (a rule module, or constraints.places) knows how."""
    owner = constraints.fix_owner(change["change"])
    if owner is None:
        raise ValueError(f"unknown change {change['change']!r}")
    return owner.apply(list(participants), config, change)


def _patched_roster(roster, change: dict):
    """The roster as build_roster would give it after a change to one mentee's own data:
    only that person's entries differ (the change's owner patches it)."""
    return constraints.fix_owner(change["change"]).patch(roster, change)


def _row_edges(roster, i: int, forbids: np.ndarray) -> dict[str, np.ndarray]:
    """Candidate edges of one mentee, exactly as build_graph makes them (every rule per
    form, the first passing form per pair unless per-form, forbids, min_score), without
    building the whole graph."""
    return _rows_edges(roster, np.array([i]), forbids)[i]


def _rows_edges(roster, rows: np.ndarray, forbids: np.ndarray) -> dict[int, dict[str, np.ndarray]]:
    """_row_edges of several mentees at once (one pass of the rules and the scores)."""
    config = roster.config
    rows = np.asarray(rows, dtype=np.int64)
    mentees, mentors, forms = [], [], []
    for f, form in enumerate(roster.form_ids):
        bit = np.uint64(1) << np.uint64(f)
        tis = rows[(roster.mentees.forms[rows] & bit) != 0]
        tjs = np.flatnonzero(roster.mentors.forms & bit)
        if not len(tis) or not len(tjs):
            continue
        ti, tj = np.repeat(tis, len(tjs)), np.tile(tjs, len(tis))
        ok = constraints.reasons_mask(roster, ti, tj, form) == 0
        mentees.append(ti[ok])
        mentors.append(tj[ok])
        forms.append(np.full(int(ok.sum()), f, dtype=np.int16))
    mentee = np.concatenate(mentees) if mentees else np.zeros(0, np.int64)
    mentor = np.concatenate(mentors) if mentors else np.zeros(0, np.int64)
    form = np.concatenate(forms) if forms else np.zeros(0, np.int16)
    order = np.lexsort((form, mentor, mentee))
    mentee, mentor, form = mentee[order], mentor[order], form[order]
    if config.program.one_mentor_per != "form" and len(mentor):
        first = np.r_[True, (mentor[1:] != mentor[:-1]) | (mentee[1:] != mentee[:-1])]
        mentee, mentor, form = mentee[first], mentor[first], form[first]
    if len(forbids):
        nm = np.int64(roster.mentors.n)
        keep = ~np.isin(mentee * nm + mentor, forbids[:, 0] * nm + forbids[:, 1])
        mentee, mentor, form = mentee[keep], mentor[keep], form[keep]
    components = scoring.component_matrix(roster, mentee, mentor)
    score = scoring.total_score(components, config, roster)
    if config.program.min_score > 0:
        keep = score >= config.program.min_score - 1e-12
        mentee, mentor, form, score = mentee[keep], mentor[keep], form[keep], score[keep]
    score_int = np.rint(np.round(score * SCORE_SCALE, 6)).astype(np.int64)
    lo = np.searchsorted(mentee, rows)
    hi = np.searchsorted(mentee, rows, "right")
    return {int(i): {"mentor": mentor[a:b], "form": form[a:b], "score": score[a:b], "score_int": score_int[a:b]}
            for i, a, b in zip(rows.tolist(), lo.tolist(), hi.tolist())}


def _score_divisor(graph, objective) -> int:
    """The score resolution the solver's objective used (objective_for may coarsen it)."""
    return int(getattr(objective, "score_divisor", 1))


def _level_values(objective, priority: int, score_int: np.ndarray, divisor: int) -> np.ndarray:
    """[L, n] objective level values of new edges of one mentee."""
    out = np.zeros((len(objective.names), len(score_int)), dtype=np.int64)
    for k, name in enumerate(objective.names):
        if name == "matched":
            out[k] = 1
        elif name == "score":
            out[k] = score_int // divisor
        elif name.startswith("priority_"):
            out[k] = int(priority == int(name.split("_", 1)[1]))
    return out


# ---------------------------------------------------------------------------------------------
# The run: everything shared by the parts of the explanation


class _Run:
    def __init__(self, result, limits: Limits, deadline: float | None = None):
        self.result, self.limits = result, limits
        self.graph = graph = result.graph
        self.roster = roster = result.roster
        self.config = result.config
        self.solution = sol = result.solution
        self.objective = sol.objective_def
        self.slot = slot_of_edges(graph)
        self.chosen = np.zeros(graph.n_edges, dtype=bool)
        self.chosen[sol.edges] = True
        self.lock_edges = [e for e in edges_of_locks(graph, result.locks)[0] if e >= 0]
        self.locked = np.zeros(graph.n_edges, dtype=bool)
        self.locked[self.lock_edges] = True
        self.capacity = roster.mentors.capacity.astype(np.int64)
        self.load = np.bincount(graph.mentor[sol.edges], minlength=roster.mentors.n)
        self.members: dict[int, list[int]] = {}
        for e in sol.edges.tolist():
            self.members.setdefault(int(graph.mentor[e]), []).append(e)
        self.mentor_of_slot = dict(zip(self.slot[sol.edges].tolist(), graph.mentor[sol.edges].tolist()))
        side = side_constraints(graph)
        self.side_active = bool(side.active(graph, self.capacity))
        self.both = set(roster.mentees.ids) & set(roster.mentors.ids)
        self.side = side
        self.context = CandidateContext(result, side)
        optimal = sol.status == "OPTIMAL" and self.objective is not None
        self.pure_flow = optimal and not self.side_active
        # Group minimums the only side rule (solve.warm's case): the optimum is a flow optimum
        # of its own cell of group decisions, every group mentor closed or opened as it has
        # them; every flow of that cell is legal, so its residual graph answers questions
        # exactly *within the proposal's groups*; the relaxation bounds what regrouping adds.
        # So is an answer without proof that the solver made optimal in its cell (solve's
        # unproven answers, when time allowed: sol.cell_optimal): its answers compare with the
        # answer as it is. Any other answer without proof has no residual graph (Bellman-Ford
        # would only find its negative cycles after a round per mentor).
        solved = self.objective is not None and (optimal or (sol.status == "FEASIBLE" and sol.cell_optimal))
        self.grouped = solved and self.side_active and bool(side.only_group_minimums(graph, self.capacity))
        # Other side rules: an answer that is the flow relaxation's optimum still has an exact
        # residual graph where a forced pair's relaxed optimum keeps every side rule.
        self.relaxation = optimal and self.side_active and not self.grouped and sol.proof == "flow_relaxation_feasible"
        self.forbids = _forbidden_pairs(result)
        self.exclusion_reasons = getattr(result, "exclusion_reasons", None) or {}
        self.per_form = self.config.program.one_mentor_per == "form"
        self.divisor = _score_divisor(graph, self.objective) if self.objective is not None else 1
        self.deadline = deadline
        self.residual = None
        self.cell_capacity, self.cell_lower = self.capacity, None
        if self.late():  # not even the residual graph in time: every answer is marked
            pass
        elif self.pure_flow or self.relaxation:
            self.residual = FlowResidual(graph, self.objective, self.slot, self.chosen, self.lock_edges)
        elif self.grouped:
            self.cell_capacity, self.cell_lower = decided_cell(graph, side, self.capacity, self.chosen)
            try:
                self.residual = FlowResidual(graph, self.objective, self.slot, self.chosen, self.lock_edges,
                                             self.cell_capacity, self.cell_lower)
            except ValueError:  # pragma: no cover - an optimum is optimal in its own cell
                self.grouped, self.cell_capacity, self.cell_lower = False, self.capacity, None
        # An optimum found by branch and bound or CP-SAT: the relaxation's residual graph bounds
        # every assignment holding a pair (and is one, when the forced relaxed optimum keeps
        # every side rule).
        self.relaxed, self._relaxed_residual = sol.relaxed, None
        self.relaxed_value = None  # the relaxed optimum's objective, with its residual graph
        # Incremental checks of suggestions: on the flow, or within the proposal's groups. A
        # suggestion is verified against the optimum of the changed programme: not from an
        # answer without proof.
        self.incremental = self.residual is not None and (self.pure_flow or self.grouped) and optimal
        self.resolve_time_limit = min(limits.resolve_time_limit, max(1.0, 2.0 * float(sol.seconds)))
        self.resolves = 0
        # Cells of changed group decisions (solve.cells), by part: (part, flips) -> Cell.
        self._parts, self._part_cells, self._cells = None, {}, {}
        self._regroup = False  # the regrouping cells, once built (_regroupings)
        self.rows: dict[tuple, dict] = {}  # (mentee, change) -> new candidate pairs (_prefetch_rows)
        self.reasons: dict[tuple, dict] = {}  # (mentee, mentor, rule) -> _rule_reason
        self.mentee_ids = roster.mentees.ids
        self.mentor_ids = roster.mentors.ids
        # Ties are broken by id, in every list: a mentee's and a mentor's position in id order.
        self.mentee_rank, self.mentor_rank = _id_order(self.mentee_ids), _id_order(self.mentor_ids)
        self.mentee_by_rank = sorted(self.mentee_ids)
        self._top_of_slots = self._top_of_mentees = self._pair_ranks = self._mentor_counts = None
        self._mentees_of: dict[int, list[str]] = {}
        self._level_terms = None
        self._ranks = None  # (mentee ranks, level weights) as Python ints, for _small_effects
        self.facts: dict[int, tuple] = {}  # edge -> (mentor, form id, score, score_int): edge_facts
        self.load_list, self.capacity_list = self.load.tolist(), self.capacity.tolist()
        # (mentee, mentor) -> the form a near miss's reason refers to, as _near_misses found it.
        self.near_form: dict[tuple[int, int], int] = {}

    def edge_facts(self, edges) -> None:
        """Keep in self.facts each edge's mentor, form id, score (rounded as the document
        shows it) and score_int, as Python values: entries read them edge by edge."""
        new = np.fromiter((e for e in edges if e not in self.facts), dtype=np.int64)
        g, form_ids = self.graph, self.roster.form_ids
        for e, k, f, score, score_int in zip(new.tolist(), g.mentor[new].tolist(), g.form[new].tolist(),
                                             g.score[new].tolist(), g.score_int[new].tolist()):
            self.facts[e] = (k, form_ids[f], round(score, 4), score_int)

    def reason_form(self, i: int, k: int) -> int:
        """graph.reason_form, without looking up again a near miss already listed."""
        f = self.near_form.get((i, k))
        return self.graph.reason_form(i, k) if f is None else f

    @property
    def level_terms(self) -> tuple[list[str], list[int], list[int], list[int]]:
        """The objective's level names, weights, largest totals and the proposal's totals,
        as Python ints (_bound_effect reads them once per answer)."""
        if self._level_terms is None:
            obj = self.objective
            self._level_terms = (list(obj.names), [int(w) for w in obj.weights], [int(u) for u in obj.upper],
                                 [int(self.solution.levels.get(n, 0)) for n in obj.names])
        return self._level_terms

    def mentees_of(self, k: int) -> list[str]:
        """The ids of mentor k's mentees, sorted (kept once found: a full mentor is listed
        as taken under many alternatives)."""
        if k not in self._mentees_of:
            self._mentees_of[k] = sorted(self.mentee_ids[int(self.graph.mentee[x])] for x in self.members.get(k, []))
        return self._mentees_of[k]

    def read_every_pair(self) -> None:
        """What reads every candidate pair (rankings, counts), done first: past the deadline
        only what each answer needs is left (a region has tens of millions of pairs)."""
        _ = self.top_of_slots, self.top_of_mentees, self.pair_ranks, self.mentor_counts

    @property
    def pair_ranks(self) -> tuple[np.ndarray, ...]:
        """Per chosen edge: how many of its mentee's and of its mentor's candidate pairs score
        higher; per mentee and per mentor: how many candidate pairs they have."""
        if self._pair_ranks is None:
            g, roster, chosen = self.graph, self.roster, self.solution.edges
            self._pair_ranks = (_scoring_higher(g.mentee, roster.mentees.n, g.score_int, chosen),
                                _scoring_higher(g.mentor, roster.mentors.n, g.score_int, chosen),
                                np.bincount(g.mentee, minlength=roster.mentees.n),
                                np.bincount(g.mentor, minlength=roster.mentors.n))
        return self._pair_ranks

    @property
    def mentor_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per mentor: candidate pairs, those whose mentee has no pair, and of those the ones
        whose mentee mentors this mentor in a chosen pair."""
        if self._mentor_counts is None:
            g, nm = self.graph, self.roster.mentors.n
            matched = np.zeros(self.roster.mentees.n, dtype=bool)
            matched[g.mentee[self.solution.edges]] = True
            free_edge = ~matched[g.mentee]  # candidate pairs whose mentee has no pair
            self._mentor_counts = (np.bincount(g.mentor, minlength=nm), np.bincount(g.mentor[free_edge], minlength=nm),
                                   np.bincount(g.mentor[free_edge & self.context.mutual_blocked], minlength=nm))
        return self._mentor_counts

    @property
    def top_of_slots(self) -> tuple[np.ndarray, np.ndarray]:
        """Each slot's best top_k + 1 edges (a pair's alternatives: the best but itself)."""
        if self._top_of_slots is None:
            n = int(self.slot.max()) + 1 if len(self.slot) else 0
            self._top_of_slots = _top_ranked(self, self.slot, max(n, self.roster.mentees.n), self.limits.top_k + 1)
        return self._top_of_slots

    @property
    def top_of_mentees(self) -> tuple[np.ndarray, np.ndarray]:
        """Each mentee's best edges, top_k at least (candidate lists)."""
        if np.array_equal(self.slot, self.graph.mentee):  # a mentee's slot is the mentee unless pairs count per form
            return self.top_of_slots
        if self._top_of_mentees is None:
            self._top_of_mentees = _top_ranked(self, self.graph.mentee, self.roster.mentees.n, self.limits.top_k)
        return self._top_of_mentees

    # -- time -----------------------------------------------------------------------------

    def late(self, ahead: float = 0.0) -> bool:
        """Past the run's deadline (--time-limit), or past it `ahead` seconds from now: what is
        left is marked not computed in time."""
        return self.deadline is not None and time.perf_counter() + ahead >= self.deadline

    @property
    def relaxed_residual(self):
        """The residual graph of the flow relaxation's optimum (locks kept), built when first
        asked for (None when the answer has no relaxation, or past the deadline)."""
        # An answer without proof has one only when it is explained within its groups (cell_optimal).
        if self._relaxed_residual is None and self.side_active and (self.solution.status == "OPTIMAL" or self.grouped) \
                and self.objective is not None and not self.late():
            if self.relaxed is None:
                if self.late(self.result.timings.get("flow", 0.0)):  # a flow that would end past the deadline
                    return None
                self.relaxed = flow_with_locks(self.graph, self.objective, self.slot, self.capacity, self.lock_edges)
            if self.relaxation and self.residual is not None and np.array_equal(self.relaxed, self.chosen):
                self._relaxed_residual = self.residual  # the answer is the relaxation's optimum: one graph
            else:
                self._relaxed_residual = FlowResidual(self.graph, self.objective, self.slot, self.relaxed,
                                                      self.lock_edges)
            self.relaxed_value = self.objective.total(np.flatnonzero(self.relaxed))
        return self._relaxed_residual

    def solve(self, graph, locks):
        # The flow engine refuses side constraints a change may switch on; auto runs the flow first.
        engine = "cpsat" if self.result.engine == "cpsat" else "auto"
        if self.late(self.result.timings.get("flow", 0.0)):
            # A re-solve's first flow always runs to the end: one that cannot end by the
            # deadline (a region's flow takes tens of seconds) is not started.
            return Solution("UNKNOWN", "flow", np.zeros(0, np.int64), 0, 0, {}, 0.0, None,
                            stopped_by_time_limit=True)
        self.resolves += 1
        return solve(graph, locks, engine=engine, time_limit=self.resolve_time_limit, seed=self.result.seed,
                     deadline=self.deadline)

    # -- words of the document ------------------------------------------------------------

    def effect(self, added: list[int], removed: list[int], *, new_edge: dict | None = None,
               skip_mentee: int | None = None) -> dict:
        return self.effects([(added, removed, new_edge, skip_mentee)])[0]

    def effects(self, items: list[tuple]) -> list[dict]:
        """What changes of the assignment do, from the edges each adds and removes: items
        are (added, removed, new_edge, skip_mentee); a `new_edge` is a pair not in the graph
        yet (mentee, mentor, form, values, score); skip_mentee's own move is left out."""
        obj, graph = self.objective, self.graph
        n, n_levels = len(items), len(obj.names)
        n_add = [len(it[0]) for it in items]
        n_rem = [len(it[1]) for it in items]
        if sum(n_add) + sum(n_rem) <= SMALL_EFFECTS:
            return self._small_effects(items)
        add_owner = np.repeat(np.arange(n, dtype=np.int64), n_add)
        add_edges = np.fromiter(chain.from_iterable(it[0] for it in items), dtype=np.int64, count=sum(n_add))
        rem_owner = np.repeat(np.arange(n, dtype=np.int64), n_rem)
        rem_edges = np.fromiter(chain.from_iterable(it[1] for it in items), dtype=np.int64, count=sum(n_rem))
        levels = np.zeros((n_levels, n), dtype=np.int64)
        for k in range(n_levels):
            np.add.at(levels[k], add_owner, obj.values[k, add_edges])
            np.subtract.at(levels[k], rem_owner, obj.values[k, rem_edges])
        # As floats even when no edge moves (bincount of nothing counts in ints): a new pair's score adds to it.
        score = (np.bincount(add_owner, weights=graph.score[add_edges], minlength=n)
                 - np.bincount(rem_owner, weights=graph.score[rem_edges], minlength=n)).astype(np.float64)
        for q, it in enumerate(items):
            if it[2] is not None:
                levels[:, q] += it[2]["values"]
                score[q] += it[2]["score"]
        objective = (obj.weights[:, None] * levels).sum(axis=0).tolist()
        matched = obj.names.index("matched") if "matched" in obj.names else None
        level_rows = levels.T.tolist()
        scores = score.tolist()
        # The slots each item empties and fills, with their mentors; a new pair fills one last.
        fresh = [(q, it[2]) for q, it in enumerate(items) if it[2] is not None]
        filled = tuple(np.concatenate([np.asarray(part, dtype=np.int64), np.array(extra, dtype=np.int64)])
                       for part, extra in [(add_owner, [q for q, _ in fresh]),
                                           (graph.mentee[add_edges], [e["mentee"] for _, e in fresh]),
                                           (graph.form[add_edges], [e["form"] for _, e in fresh]),
                                           (graph.mentor[add_edges], [e["mentor"] for _, e in fresh])])
        emptied = (rem_owner, graph.mentee[rem_edges], graph.form[rem_edges], graph.mentor[rem_edges])
        moves = self._moves(emptied, filled, [it[3] for it in items])
        out = []
        for q, row in enumerate(level_rows):
            out.append({"objective_delta": objective[q],
                        "levels": dict(zip(obj.names, row)),
                        "matched_delta": row[matched] if matched is not None else 0,
                        "score_delta": round(scores[q], 4),
                        **moves[q]})
        return out

    def _small_effects(self, items: list[tuple]) -> list[dict]:
        """effects() of a few edges, in Python values: the same numbers (sums in the same
        order), without the fixed cost of a dozen array operations per call."""
        obj, graph = self.objective, self.graph
        edges = np.fromiter(chain.from_iterable(chain(it[0], it[1]) for it in items), dtype=np.int64)
        values = dict(zip(edges.tolist(), zip(*obj.values[:, edges].tolist()))) if len(edges) else {}
        score = dict(zip(edges.tolist(), graph.score[edges].tolist()))
        where = dict(zip(edges.tolist(), zip(graph.mentee[edges].tolist(), graph.form[edges].tolist(),
                                             graph.mentor[edges].tolist())))
        if self._ranks is None:
            self._ranks = (self.mentee_rank.tolist(), [int(w) for w in obj.weights])
        rank, weights = self._ranks
        names = obj.names
        matched = names.index("matched") if "matched" in names else None
        out = []
        for added, removed, new_edge, skip in items:
            levels = [0] * len(names)
            for e in added:
                for k, v in enumerate(values[e]):
                    levels[k] += v
            for e in removed:
                for k, v in enumerate(values[e]):
                    levels[k] -= v
            gain = 0.0
            for e in added:
                gain += score[e]
            loss = 0.0
            for e in removed:
                loss += score[e]
            total = gain - loss
            filled = [where[e] for e in added]
            if new_edge is not None:
                for k, v in enumerate(new_edge["values"].tolist()):
                    levels[k] += v
                total += new_edge["score"]
                filled.append((new_edge["mentee"], new_edge["form"], new_edge["mentor"]))
            out.append({"objective_delta": sum(w * v for w, v in zip(weights, levels)),
                        "levels": dict(zip(names, levels)),
                        "matched_delta": levels[matched] if matched is not None else 0,
                        "score_delta": round(total, 4),
                        **self._small_moves([where[e] for e in removed], filled, skip, rank)})
        return out

    def _small_moves(self, emptied: list[tuple], filled: list[tuple], skip: int | None, rank: list[int]) -> dict:
        """_moves of one item, from its slots' (mentee, form, mentor): the same list."""
        per_form = self.per_form
        before: dict[tuple, int] = {}
        after: dict[tuple, int] = {}
        for slots, mentors in ((emptied, before), (filled, after)):
            for i, f, j in slots:  # a slot given twice: its last mentor counts
                mentors[(rank[int(i)], int(f) + 1 if per_form else 0)] = int(j)
        skip_rank = -1 if skip is None else rank[skip]
        ids, mentor_ids = self.mentee_by_rank, self.mentor_ids
        moved = []
        for key in sorted(before.keys() | after.keys()):
            a, b = before.get(key, -1), after.get(key, -1)
            if a != b and key[0] != skip_rank:
                moved.append((key[0], a, b))
        entry = {"moves": [{"mentee_id": ids[r], "from": None if a < 0 else mentor_ids[a],
                            "to": None if b < 0 else mentor_ids[b]} for r, a, b in moved[:MOVES_KEPT]]}
        if len(moved) > MOVES_KEPT:
            entry["moves_total"] = len(moved)
        return entry

    def _moves(self, old: tuple, new: tuple, skip: list[int | None]) -> list[dict]:
        """Per item, who moves: {"moves": [{mentee_id, from, to}], "moves_total" past
        MOVES_KEPT}, in mentee id order (then form). `old` and `new`: arrays (item, mentee,
        form, mentor) of the slots an item empties and fills (a slot given twice: its last
        mentor counts); skip[q]: a mentee whose own move item q leaves out."""
        n = len(skip)
        n_ranks, n_forms = len(self.mentee_ids), len(self.roster.form_ids) + 1

        def last(owner, mentee, form, mentor):
            rank = self.mentee_rank[np.asarray(mentee, dtype=np.int64)]
            form = np.asarray(form, dtype=np.int64) + 1 if self.per_form else np.zeros(len(owner), dtype=np.int64)
            key = (np.asarray(owner, dtype=np.int64) * n_ranks + rank) * n_forms + form
            order = np.argsort(key, kind="stable")
            key, mentor = key[order], np.asarray(mentor, dtype=np.int64)[order]
            at = np.ones(len(key), dtype=bool)  # the last of each key
            at[:-1] = key[1:] != key[:-1]
            return key[at], mentor[at]

        (key_old, was), (key_new, now) = last(*old), last(*new)
        keys = np.sort(np.concatenate([key_old, key_new]))
        distinct = np.ones(len(keys), dtype=bool)
        distinct[1:] = keys[1:] != keys[:-1]
        keys = keys[distinct]
        before, after = np.full(len(keys), -1, dtype=np.int64), np.full(len(keys), -1, dtype=np.int64)
        before[np.searchsorted(keys, key_old)] = was
        after[np.searchsorted(keys, key_new)] = now
        owner, rank = keys // (n_ranks * n_forms), keys // n_forms % n_ranks
        skip_rank = np.array([-1 if x is None else self.mentee_rank[x] for x in skip], dtype=np.int64)
        moved = np.flatnonzero((before != after) & (rank != skip_rank[owner]))
        total = np.bincount(owner[moved], minlength=n).tolist()
        first = np.cumsum(total) - total
        shown = moved[np.arange(len(moved)) - first[owner[moved]] < MOVES_KEPT]
        ids, mentor_ids = self.mentee_by_rank, self.mentor_ids
        listed = [{"mentee_id": ids[r], "from": None if a < 0 else mentor_ids[a],
                   "to": None if b < 0 else mentor_ids[b]}
                  for r, a, b in zip(rank[shown].tolist(), before[shown].tolist(), after[shown].tolist())]
        out, at = [], 0
        for count in total:
            kept = min(count, MOVES_KEPT)
            entry = {"moves": listed[at:at + kept]}
            if count > MOVES_KEPT:
                entry["moves_total"] = count
            out.append(entry)
            at += kept
        return out

    def effect_between(self, graph2, sol2, *, skip_mentee: int | None = None) -> dict:
        """What a re-solved assignment changes against the current one."""
        sol, graph = self.solution, self.graph
        names = sol2.objective_def.names if sol2.objective_def else []
        levels = {n: int(sol2.levels.get(n, 0)) - int(sol.levels.get(n, 0)) for n in names}
        score = float(graph2.score[sol2.edges].sum() - graph.score[sol.edges].sum())

        def slots(g, edges):
            return np.zeros(len(edges), dtype=np.int64), g.mentee[edges], g.form[edges], g.mentor[edges]

        (moves,) = self._moves(slots(graph, sol.edges), slots(graph2, sol2.edges), [skip_mentee])
        same_objective = (sol2.objective_def is not None and sol.objective_def is not None
                          and list(sol2.objective_def.weights) == list(sol.objective_def.weights))
        return {"objective_delta": int(sol2.objective - sol.objective) if same_objective else None,
                "levels": levels, "matched_delta": levels.get("matched", 0), "score_delta": round(score, 4),
                **moves}


def _id_order(ids: list[str]) -> np.ndarray:
    """Each person's position in id order."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    return rank


class _SideCheck:
    """Whether a small change of one edge set breaks a side constraint, in the time of the
    change: side.violations of the whole set, called once per forcing on millions of edges,
    was most of the explanations' time. `breaks(added, removed)` is exactly
    bool(side.violations(graph, forced, capacity)) for forced = base | added, minus removed."""

    def __init__(self, side, graph, base: np.ndarray, capacity: np.ndarray):
        self.side, self.graph, self.base = side, graph, base
        nm = graph.roster.mentors.n
        edges = np.flatnonzero(base)
        self.base_edges = set(edges.tolist())
        self.load = np.bincount(graph.mentor[edges], minlength=nm)
        self.members: dict[int, set[int]] = {}
        for e, j in zip(edges.tolist(), graph.mentor[edges].tolist()):
            self.members.setdefault(j, set()).add(e)
        group_min = side.group_min
        self.bad_group = set(np.flatnonzero((self.load > 0) & (self.load < group_min)).tolist())
        self.bad_spread: set[int] = set()
        if side.max_grade_spread is not None:
            self.bad_spread = {j for j in self.members if self._spread_broken(self.members[j])}
        self.pairs_of: dict[int, list[int]] = {}  # edge -> mutual pairs and same-pair groups holding it
        self.bad_pairs: set[int] = set()
        for q, (a, b) in enumerate(side.mutual_pairs.tolist()):
            self.pairs_of.setdefault(a, []).append(q)
            self.pairs_of.setdefault(b, []).append(q)
            if base[a] and base[b]:
                self.bad_pairs.add(q)
        self.groups_of: dict[int, list[int]] = {}
        self.bad_groups: set[int] = set()
        for q, group in enumerate(side.same_pair_groups):
            for e in group.tolist():
                self.groups_of.setdefault(e, []).append(q)
            if base[group].sum() > 1:
                self.bad_groups.add(q)

    def _spread_broken(self, edges) -> bool:
        edges = np.fromiter(edges, dtype=np.int64, count=len(edges))
        g = self.side.mentee_grade[self.graph.mentee[edges]].astype(np.int64)
        g = g[g >= 0]
        return bool(len(g)) and int(g.max()) - int(g.min()) > self.side.max_grade_spread

    def breaks(self, added, removed) -> bool:
        base, mentor, side = self.base, self.graph.mentor, self.side
        removed = set(removed)
        now = {e: e not in removed for e in added}
        now.update((e, False) for e in removed)
        changed = {e: v for e, v in now.items() if v != bool(base[e])}
        touched: dict[int, int] = {}
        for e, v in changed.items():
            j = int(mentor[e])
            touched[j] = touched.get(j, 0) + (1 if v else -1)
        if not self.bad_group <= touched.keys():
            return True
        for j, delta in touched.items():
            load = int(self.load[j]) + delta
            if 0 < load < int(side.group_min[j]):
                return True
        if side.max_grade_spread is not None:
            if not self.bad_spread <= touched.keys():
                return True
            for j in touched:
                members = {e for e in self.members.get(j, ()) if changed.get(e, True)}
                members.update(e for e, v in changed.items() if v and int(mentor[e]) == j)
                if self._spread_broken(members):
                    return True

        def chosen(e: int) -> bool:
            return changed.get(e, bool(base[e]))

        pairs = {q for e in changed for q in self.pairs_of.get(e, ())}
        if not self.bad_pairs <= pairs:
            return True
        mutual = side.mutual_pairs
        if any(chosen(int(mutual[q, 0])) and chosen(int(mutual[q, 1])) for q in pairs):
            return True
        groups = {q for e in changed for q in self.groups_of.get(e, ())}
        if not self.bad_groups <= groups:
            return True
        return any(sum(chosen(e) for e in side.same_pair_groups[q].tolist()) > 1 for q in groups)

    def diff(self, chosen_edges: set, extra: set, missing: set, added, removed) -> tuple[list[int], list[int]]:
        """Edges of forced (base | added, minus removed) not in `chosen_edges`, and edges of
        chosen_edges not in forced; `extra` / `missing`: base minus chosen and chosen minus base."""
        removed = set(removed)
        changed = {e: e not in removed for e in added}
        changed.update((e, False) for e in removed)
        new = {e for e in extra if changed.get(e, True)}
        new.update(e for e, v in changed.items() if v and e not in chosen_edges)
        gone = {e for e in missing if not changed.get(e, False)}
        gone.update(e for e, v in changed.items() if not v and e in chosen_edges)
        return sorted(new), sorted(gone)


def _forbidden_pairs(result) -> np.ndarray:
    """The pairs kept out of the graph after the rules, the consilium's forbids and the
    history's exclusions: from the result when it keeps them, else from the graph."""
    forbids = getattr(result, "forbids", None)
    if forbids is None:
        return np.concatenate([result.graph.pairs_blocked_only_by(code) for code in ("forbidden", "history")])
    excluded = getattr(result, "excluded", None)
    parts = [forbids] + ([excluded] if excluded is not None and len(excluded) else [])
    return np.concatenate([np.asarray(p, dtype=np.int64).reshape(-1, 2) for p in parts])


def _lexi(levels: dict, names: list[str]) -> tuple:
    return tuple(int(levels.get(n, 0)) for n in names)



# ---------------------------------------------------------------------------------------------
# Blocked pairs and near misses


def _rule_reason(run, i: int, k: int, code: str) -> dict:
    """One rule that blocks the pair (i, k): its code, form and details() parameters (asked
    for again when a near miss both suggests a change and is listed: kept)."""
    key = (i, k, code)
    if key not in run.reasons:
        run.reasons[key] = _find_rule_reason(run, i, k, code)
    return dict(run.reasons[key])


def _find_rule_reason(run, i: int, k: int, code: str) -> dict:
    f = run.reason_form(i, k)
    form = run.roster.form_ids[f] if f >= 0 else None
    rule = constraints.rule_by_code(code)
    if rule is not None and form is not None:
        details = rule.details(run.roster, i, k, form)
    elif code == "min_score":
        details = {"min": run.config.program.min_score}
    elif code == "history":  # why the history keeps the pair out: its own message and parameters
        details = dict(run.exclusion_reasons.get((i, k), {}))
    else:
        details = {}
    return {"code": code, "form": form, "details": jsonable(details)}


def _near_misses(run, rows: np.ndarray, per_row: int, cap: int) -> tuple[list[list[tuple]], bool]:
    """For each mentee of `rows`, its best `per_row` mentors blocked by one rule only, as
    (would-be score, mentor, reason bit), best first. Scoring blocked pairs costs what
    scoring candidates does: past `cap` such pairs none are scored (returns False)."""
    graph = run.graph
    out: list[list[tuple]] = [[] for _ in rows]
    if not len(rows):
        return out, True
    if graph.near_count(rows) > cap:
        return out, False
    r, k, bits, forms = graph.near_misses(rows)
    if not len(r):
        return out, True
    comps = scoring.component_matrix(run.roster, rows[r].astype(np.int64), k.astype(np.int64))
    score = scoring.total_score(comps, run.config, run.roster)
    nm = run.roster.mentors.n
    key = (r.astype(np.int64) * (SCORE_SCALE + 1)
           + (SCORE_SCALE - np.rint(score * SCORE_SCALE).astype(np.int64))) * nm + run.mentor_rank[k]
    order = np.argsort(key, kind="stable")
    rows_list = rows.tolist()
    r_sorted = r[order]
    first = np.searchsorted(r_sorted, np.arange(len(rows)))
    pos = np.arange(len(order)) - first[r_sorted]
    kept = order[pos < per_row]
    for q, s_, kk, b, f in zip(r[kept].tolist(), score[kept].tolist(), k[kept].tolist(), bits[kept].tolist(),
                               forms[kept].tolist()):
        out[q].append((s_, kk, b))
        run.near_form[(rows_list[q], kk)] = f
    return out, True


def _code_of_bit(bit: int) -> str:
    return RULE_CODES[int(bit).bit_length() - 1]


# ---------------------------------------------------------------------------------------------
# Forcing alternatives


def _forcing(run, edges: list[int]) -> list[dict]:
    """For each candidate edge: what the total would lose if that pair were forced in."""
    out: list[dict | None] = [None] * len(edges)
    unreachable = run.context.unreachable
    for q, e in enumerate(edges):
        k = int(run.graph.mentor[e])
        if k in unreachable:  # fewer mentees could ever join than the group's minimum
            out[q] = {"checked": True, "method": "group_min", "feasible": False, "rule": "group_min",
                      "mentor_id": run.mentor_ids[k], "min": int(run.roster.mentors.group_min[k]),
                      "suitable": unreachable[k]}
    todo = [q for q in range(len(edges)) if out[q] is None]
    if run.late():
        return _late(run, out, todo)
    if run.residual is not None:
        net = [q for q in todo if run.residual.net[edges[q]]]
        results = run.residual.forcing(np.array([edges[q] for q in net], dtype=np.int64))
        todo, done, check = [], [], None
        for q, res in zip(net, results):
            if res is None:
                if run.grouped:
                    todo.append(q)  # impossible within the proposal's groups: a group decision changes
                continue
            if run.relaxation:
                if check is None:
                    check = _SideCheck(run.side, run.graph, run.chosen, run.capacity)
                if check.breaks(res["added"], res["removed"]):
                    todo.append(q)  # the relaxed answer breaks a side constraint: re-solve
                    continue
            done.append((q, res))
        effects = run.effects([(res["added"], res["removed"], None, int(run.graph.mentee[edges[q]]))
                               for q, res in done])
        for (q, res), eff in zip(done, effects):
            if eff["objective_delta"] != res["objective_delta"]:  # pragma: no cover - internal check
                raise AssertionError("residual cycle and its edges disagree")
            out[q] = {"checked": True, "method": "residual", "feasible": True, **eff}
        for q in range(len(edges)):
            if out[q] is None and q not in todo:
                out[q] = {"checked": True, "method": "residual", "feasible": False}
        if run.grouped:
            open_levels = [done[n][0] for n in _bounded(run, [edges[q] for q, _ in done], [out[q] for q, _ in done])]
            todo = sorted(_forcing_across_groups(run, edges, todo, out) + open_levels)
    elif run.relaxed_residual is not None and todo:
        todo = _forcing_by_relaxation(run, edges, todo, out)
    roster = run.roster
    for n, q in enumerate(todo):
        e = edges[q]
        if run.late():  # answers within the groups stand; the rest is marked
            return _late(run, out, [x for x in todo[n:] if out[x] is None])
        i, k = int(run.graph.mentee[e]), int(run.graph.mentor[e])
        lock = Lock(i, k, roster.form_ids[int(run.graph.form[e])], None)
        sol2 = run.solve(run.graph, list(run.result.locks) + [lock])
        if sol2.status == "INFEASIBLE":
            out[q] = {"checked": True, "method": "resolve", "feasible": False}
        elif sol2.status in ("OPTIMAL", "FEASIBLE"):
            out[q] = {"checked": True, "method": "resolve", "feasible": True,
                      "proven": sol2.status == "OPTIMAL", **run.effect_between(run.graph, sol2, skip_mentee=i)}
        elif out[q] is None:  # the re-solve found nothing before the deadline
            _late(run, out, [q])
    return out


def _late(run, out: list, todo: list[int]) -> list:
    """Mark forcings not computed before the deadline (add_explanations counts the marks)."""
    for q in todo:
        out[q] = {"checked": False, "reason": "deadline"}
    return out


def _bounded(run, edges: list[int], forcings: list[dict]) -> list[int]:
    """Check answers found within the proposal's groups against regrouping (_upper bounds
    every assignment holding the pair). Where the best bounding cell's own forced flow is
    legal, it is the answer (it attains the bound). Else, where the bound agrees on every
    objective level but the last (the score, by default), the answer stands, marked
    `within_groups` with the `bound` per level; the positions where it leaves a higher level
    open are returned (to re-solve)."""
    if not edges:
        return []
    edges_a = np.asarray(edges, dtype=np.int64)
    upper, cells, best = _upper(run, lambda res: res.forcing_deltas(edges_a), len(edges),
                                [f["objective_delta"] for f in forcings])
    for c, (_, res, flow) in enumerate(cells):
        qs = [q for q, f in enumerate(forcings)
              if best[q] == c and upper[q] is not None and upper[q] > f["objective_delta"]]
        load = np.bincount(run.graph.mentor[flow], minlength=len(run.capacity))
        short = set(np.flatnonzero((load > 0) & (load < run.side.group_min)).tolist())
        if not qs or len(short) > 2:  # one cycle mends at most two groups: no forced flow is legal
            continue
        for q, found in zip(qs, res.forcing(edges_a[qs])):
            if flow[edges[q]]:
                found = {"added": [], "removed": []}
            if found is None or not _mends(run, load, short, found["added"], found["removed"]):
                continue
            forced = flow.copy()
            forced[found["added"]] = True
            forced[found["removed"]] = False
            (eff,) = run.effects([(np.flatnonzero(forced & ~run.chosen).tolist(),
                                   np.flatnonzero(run.chosen & ~forced).tolist(), None, int(run.graph.mentee[edges[q]]))])
            forcings[q].clear()
            forcings[q].update({"checked": True, "method": "residual", "feasible": True, **eff})
    return [q for q, f in enumerate(forcings) if not _bound_effect(run, f, upper[q])]


def _mends(run, load: np.ndarray, short: set, added: list[int], removed: list[int]) -> bool:
    """Whether a flow with these loads and short groups, changed by the edges added and
    removed, leaves every group at 0 or at least its minimum."""
    change: dict[int, int] = {}
    for e, sign in [(e, 1) for e in added] + [(e, -1) for e in removed]:
        j = int(run.graph.mentor[e])
        change[j] = change.get(j, 0) + sign
    if not short <= change.keys():
        return False
    gm = run.side.group_min
    return all(not 0 < int(load[j]) + d < int(gm[j]) for j, d in change.items())


def _upper(run, deltas, n: int, reached: list | None = None) -> tuple[list, list, list]:
    """The most any legal assignment can change the objective by, per question, given
    deltas(residual) -> each question's best change on that residual graph's flow: over the
    regrouping cells when there are few (their optima bound every other grouping), else over
    the relaxation. Returns the bounds (None past the deadline), the cells (gap, residual,
    flow) and which one gives each bound.

    `reached` (per question, the change an answer already makes): callers only ask whether
    the bound exceeds it. Every cell lies within the relaxation, so where the relaxation's
    bound reaches no further for every question, it answers them all: no cell is built or
    asked (each is a flow solved anew)."""
    if reached is not None and _regroup_fits(run) and run.relaxed_residual is not None:
        relaxed = run.relaxed_value - run.solution.objective + np.asarray(deltas(run.relaxed_residual)).reshape(n)
        if (relaxed <= np.asarray(reached, dtype=np.float64)).all():
            return relaxed.tolist(), [], [None] * n
    cells = _regroupings(run)
    if cells is None:
        relaxed = run.relaxed_residual
        if relaxed is None:
            return [None] * n, [], [None] * n
        cells = [(run.relaxed_value - run.solution.objective, relaxed, run.relaxed)]
    if not cells:
        return [-np.inf] * n, [], [None] * n
    values = np.array([gap + deltas(res) for gap, res, _ in cells]).reshape(len(cells), n)
    return values.max(axis=0).tolist(), cells, values.argmax(axis=0).tolist()


def _regroupings(run):
    """Every legal assignment lies in the proposal's cell of group decisions or in one of
    these: for each group mentor j in turn, j's decision changed, those before j as in the
    proposal, those after j free. Each cell's (optimum - proposal, residual graph, flow); None
    when there are more than limits.regroup_pairs allows, or past the deadline."""
    if run._regroup is False:
        g, side = run.graph, run.side
        groups, fits = _group_mentors(run), _regroup_fits(run)
        run._regroup = None
        if fits and not run.late():
            opened = run.cell_lower > 0
            cells = []
            for n, j in enumerate(groups.tolist()):
                cap, lower = run.capacity.copy(), np.zeros_like(run.capacity)
                before = groups[:n]
                cap[before] = run.cell_capacity[before]
                lower[before] = run.cell_lower[before]
                if opened[j]:
                    if run.locked[g.mentor == j].any():
                        continue  # a locked mentee keeps j's group open
                    cap[j] = 0
                else:
                    lower[j] = side.group_min[j]
                flow = flow_with_locks(g, run.objective, run.slot, cap, run.lock_edges, lower=lower)
                if flow is not None:
                    cells.append((run.objective.total(np.flatnonzero(flow)) - run.solution.objective,
                                  FlowResidual(g, run.objective, run.slot, flow, run.lock_edges, cap, lower), flow))
            run._regroup = cells
    return run._regroup


def _group_mentors(run) -> np.ndarray:
    """The group mentors whose decision a regrouping cell changes (with candidate pairs)."""
    has_edges = np.bincount(run.graph.mentor[run.residual.net], minlength=len(run.capacity)) > 0
    return np.flatnonzero((run.side.group_min > 1) & (run.capacity > 0) & has_edges)


def _regroup_fits(run) -> bool:
    """Whether regrouping is bounded cell by cell (_regroupings), not by the relaxation alone."""
    if run._regroup is not False:
        return run._regroup is not None
    return len(_group_mentors(run)) * run.graph.n_edges <= run.limits.regroup_pairs


def _bound_effect(run, effect: dict, upper: float | None, more: np.ndarray | None = None) -> bool:
    """Mark an effect found within the proposal's groups that regrouping might improve (upper:
    the most any assignment can change the objective by, None if not known in time): it gets
    `within_groups`, and `bound` per level. False when a level above the last may be open:
    an assignment better there by one unit gains at least that level's weight less all the
    lower levels can lose, which the bound must leave room for. `more` (per level): what a
    changed programme's new pairs add to each level's largest total."""
    if upper is not None and upper <= effect["objective_delta"]:
        return True
    effect["within_groups"] = True
    if upper is None:
        return False
    room = int(upper) - effect["objective_delta"]
    names, weights, uppers, base = run.level_terms
    levels = [int(effect["levels"].get(n, 0)) for n in names]
    if more is not None:
        uppers = [u + int(m) for u, m in zip(uppers, more.tolist())]
    cheapest = 1  # of a gain of one unit on level p: 1 + sum over q > p of w_q (upper_q - total_q)
    for p in range(len(names) - 1, 0, -1):
        cheapest += weights[p] * (uppers[p] - base[p] - levels[p])
        if room >= cheapest:
            return False
    bound = dict(zip(names, levels))
    bound[names[-1]] += room
    effect["bound"] = bound
    if names[-1] == "score":  # the most regrouping could add to the sum of scores
        effect["bound_score_gain"] = round(room * run.divisor / SCORE_SCALE, 4)
    return True


def _cell(run, k: int, flips: tuple):
    """The part of mentor k, in the cell of the proposal's group decisions with `flips`
    ((mentor, opened) pairs) changed: (PartCells, Cell), None when the cell holds no
    assignment or the part is too large to hold (solve.cells)."""
    if run._parts is None:
        run._parts = parts(run.graph, run.slot, run.residual.net)
    part_slot, part_mentor = run._parts
    p = int(part_mentor[k])
    if p not in run._part_cells:
        slots, mentors = np.flatnonzero(part_slot == p), np.flatnonzero(part_mentor == p)
        w = run.objective.combined[run.residual.net & (part_slot[run.slot] == p)]
        pc = None
        if PartCells.fits(len(slots), len(mentors), int(w.max()) if len(w) else 0):
            pc = PartCells(run.graph, run.objective.combined, run.slot, run.capacity, run.lock_edges,
                           run.residual.net, slots, mentors)
            run._cells[(p, ())] = pc.cell(run.chosen, run.cell_capacity, run.cell_lower, run.residual.d)
        run._part_cells[p] = pc
    pc = run._part_cells[p]
    if pc is None:
        return None
    for n in range(1, len(flips) + 1):
        key = (p, flips[:n])
        if key not in run._cells:
            parent = run._cells[(p, flips[:n - 1])]
            j, opened = flips[n - 1]
            need = max(0, int(run.side.group_min[j]) - int(pc.locked_load[pc.local(j)])) if opened else 0
            run._cells[key] = None if parent is None else pc.changed(parent, int(pc.local(j)), opened, need)
    cell = run._cells[(p, flips)]
    return None if cell is None else (pc, cell)


def _forcing_across_groups(run, edges: list[int], todo: list[int], out: list) -> list[int]:
    """Pairs no assignment within the proposal's groups holds: the group decisions the pair
    itself touches change (the new mentor's group opened, the old mentor's group closed),
    each way tried on its own cell; returns the positions still needing a re-solve."""
    g, side = run.graph, run.side
    group = (side.group_min > 1) & (run.capacity > 0)
    rest, found = [], []
    relaxed = run.relaxed_residual
    upper = relaxed.forcing_deltas(np.array([edges[q] for q in todo], dtype=np.int64)) if relaxed is not None \
        else np.full(len(todo), np.inf)
    for q, u in zip(todo, upper.tolist()):
        if u == -np.inf:  # not even the relaxation holds the pair
            out[q] = {"checked": True, "method": "residual", "feasible": False}
            continue
        e = edges[q]
        k = int(g.mentor[e])
        holder = run.mentor_of_slot.get(int(run.slot[e]))
        options = []
        if group[k] and run.load[k] == 0:
            options.append(((k, True),))
        if holder is not None and group[holder] and run.load[holder] <= side.group_min[holder]:
            options += [((holder, False),)] + [o + ((holder, False),) for o in options]
        best = None
        for flips in options:
            if run.late():
                break
            cell = _cell(run, k, flips)
            if cell is None:
                continue
            pc, c = cell
            answer = pc.forced(c, int(run.slot[e]), int(pc.local(k)), int(run.objective.combined[e]))
            if answer is not None and (best is None or answer[0] - c.value > best[0]):
                base = run._cells[(int(run._parts[1][k]), ())]
                best = (answer[0] - base.value, pc.edges(base.at), answer[1])
        if best is None:
            rest.append(q)
            continue
        _, before, after = best
        before, after = set(before.tolist()), set(after.tolist())
        found.append((q, sorted(after - before), sorted(before - after)))
    effects = run.effects([(a, r, None, int(g.mentee[edges[q]])) for q, a, r in found])
    for (q, _, _), eff in zip(found, effects):
        out[q] = {"checked": True, "method": "residual", "feasible": True, **eff}
    return rest + [found[n][0] for n in _bounded(run, [edges[q] for q, _, _ in found], [out[q] for q, _, _ in found])]


def _forcing_by_relaxation(run, edges: list[int], todo: list[int], out: list) -> list[int]:
    """Forcings answered exactly from the relaxation's residual graph (see _Run); returns the
    positions still needing a real re-solve."""
    res_graph = run.relaxed_residual
    net = [q for q in todo if res_graph.net[edges[q]]]
    rest = [q for q in todo if not res_graph.net[edges[q]]]
    results = res_graph.forcing(np.array([edges[q] for q in net], dtype=np.int64))
    done = []
    check = _SideCheck(run.side, run.graph, run.relaxed, run.capacity)
    chosen_edges = set(run.solution.edges.tolist())
    extra = check.base_edges - chosen_edges
    missing = chosen_edges - check.base_edges
    for q, res in zip(net, results):
        if run.relaxed[edges[q]]:  # already in the relaxed optimum: that optimum is the forced one
            change = ([], [])
        elif res is None:  # not even the relaxation can hold this pair: no assignment can
            out[q] = {"checked": True, "method": "residual", "feasible": False}
            continue
        else:
            change = (res["added"], res["removed"])
        if check.breaks(*change):
            rest.append(q)
            continue
        added, removed = check.diff(chosen_edges, extra, missing, *change)
        done.append((q, added, removed))
    effects = run.effects([(a, r, None, int(run.graph.mentee[edges[q]])) for q, a, r in done])
    for (q, _, _), eff in zip(done, effects):
        out[q] = {"checked": True, "method": "residual", "feasible": True, **eff}
    return sorted(rest)


def _mentor_status(run, k: int) -> str:
    cap, load = int(run.capacity[k]), int(run.load[k])
    if cap <= 0:
        return "no_place"
    if k in run.context.unreachable:
        return "group_min_unreachable"
    return "taken" if load >= cap else "free_place"


def _states(run, edges) -> dict[int, str]:
    """CandidateContext.state of many candidate edges, in one pass."""
    edges = np.fromiter(edges, dtype=np.int64)
    names = run.context.STATES
    return dict(zip(edges.tolist(), (names[s] for s in run.context.states(edges).tolist())))


def _candidate_entry(run, e: int, forcing: dict | None, status: str) -> dict:
    """An alternative mentor or candidate as the document lists it; `status`: the edge's
    CandidateContext.state (_states). The edge's facts come from run.edge_facts."""
    k, form, score, _ = run.facts[e]
    entry = {"mentor_id": run.mentor_ids[k], "form": form, "score": score,
             "status": status, "load": run.load_list[k], "capacity": run.capacity_list[k]}
    if status == "group_min_unreachable":
        entry["group_min"] = int(run.roster.mentors.group_min[k])
        entry["suitable"] = run.context.unreachable[k]
    elif status == "mutual":  # the reverse pair is chosen: the two cannot mentor each other
        x = run.context.mutual_partner(e)
        entry["mutual"] = {"mentor_id": run.mentor_ids[int(run.graph.mentor[x])],
                           "mentee_id": run.mentee_ids[int(run.graph.mentee[x])]}
    if status == "taken":
        entry["mentees"] = list(run.mentees_of(k))
    if forcing is not None:
        entry["forcing"] = forcing
    return entry


def _blocked_entry(run, i: int, k: int, bits: int, score: float) -> dict:
    f = run.reason_form(i, k)
    return {"mentor_id": run.mentor_ids[k],
            "form": run.roster.form_ids[f] if f >= 0 else None, "score": round(float(score), 4),
            "status": "blocked",
            "rules": [_rule_reason(run, i, k, code) for code, bit in RULE_BIT.items() if bits & bit]}


def _rank_keys(run, edges: np.ndarray | None = None) -> np.ndarray:
    """Where each edge (default: every edge) stands in its mentee's (or slot's) ranking:
    best score first, then mentor id (ties between two forms of one pair: edge order)."""
    g = run.graph
    score, mentor = (g.score_int, g.mentor) if edges is None else (g.score_int[edges], g.mentor[edges])
    key = (SCORE_SCALE - score).astype(np.int64)
    key *= run.roster.mentors.n
    key += run.mentor_rank[mentor]
    return key


def _top_ranked(run, group: np.ndarray, n_groups: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Each group's (slot's or mentee's) best m edges in ranking order, and where each group
    starts: group v's are top[first[v]:first[v + 1]]. m rounds of a minimum per group, not a
    sort of every edge (tens of millions in a region)."""
    n_edges = len(group)
    at = None if (group[1:] >= group[:-1]).all() else stable_order(group, n_groups)  # None: in order already
    grp = group if at is None else group[at]
    start = np.searchsorted(grp, np.arange(n_groups + 1))
    size = np.diff(start)
    first = np.r_[0, np.cumsum(np.minimum(size, m))]
    top = np.empty(int(first[-1]), dtype=np.int64)
    live = np.flatnonzero(size)
    if not len(live):
        return top, first
    rank_keys = _rank_keys(run, at)
    if (SCORE_SCALE + 1) * run.roster.mentors.n * n_edges >= 1 << 62:  # pragma: no cover - keys would overflow
        order = np.lexsort((rank_keys, grp))
        rank = np.arange(n_edges) - start[grp[order]]
        kept = order[rank < m]
        top[first[grp[kept]] + rank[rank < m]] = kept if at is None else at[kept]
        return top, first
    # A key per position (its edge's rank, then the position: edge order within a group).
    key = rank_keys
    key *= n_edges
    key += np.arange(n_edges)
    taken = np.iinfo(np.int64).max
    for r in range(m):
        best = np.minimum.reduceat(key, start[live])
        found = best < taken
        pos = best[found] % n_edges
        top[first[live[found]] + r] = pos if at is None else at[pos]
        key[pos] = taken
    return top, first


def _ranked_rows(run, rows: np.ndarray) -> dict[int, list[int]]:
    """Every candidate edge of each mentee of `rows`, in ranking order."""
    g = run.graph
    lo = np.searchsorted(g.mentee, rows)
    size = np.searchsorted(g.mentee, rows, "right") - lo
    edges = np.repeat(lo - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))
    owner = np.repeat(np.arange(len(rows)), size)
    ranked = edges[np.lexsort((_rank_keys(run, edges), owner))].tolist()
    ends = np.cumsum(size).tolist()
    return {i: ranked[b - n:b] for i, n, b in zip(rows.tolist(), size.tolist(), ends)}


def _scoring_higher(group: np.ndarray, n_groups: int, score_int: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """For each chosen edge, how many candidate pairs of its group (its mentee's, or its
    mentor's) score higher: from a histogram of scores per group, not a sort of every pair."""
    width = SCORE_SCALE + 2  # scores 0..SCORE_SCALE, and an empty bin above them
    counts = np.bincount(group.astype(np.int64) * width + score_int, minlength=n_groups * width)
    at_least = np.cumsum(counts.reshape(n_groups, width)[:, ::-1], axis=1, dtype=np.int64)[:, ::-1]
    return at_least[group[chosen], score_int[chosen] + 1]


def _pair_explanations(run) -> tuple[dict[int, dict], dict]:
    g, roster, top_k = run.graph, run.roster, run.limits.top_k
    chosen = run.solution.edges
    better_mentors, better_mentees, n_mentors_of, n_mentees_of = run.pair_ranks

    # Candidate alternatives: the best other edges of the chosen edge's slot.
    top, first = run.top_of_slots
    alts: dict[int, list[int]] = {}
    for e, s_ in zip(chosen.tolist(), run.slot[chosen].tolist()):
        alts[e] = [x for x in top[first[s_]:first[s_ + 1]].tolist() if x != e][:top_k]
    # Blocked alternatives: mentors one rule away, with the score they would have had.
    rows = np.unique(g.mentee[chosen])
    near_rows, complete = _near_misses(run, rows, top_k, run.limits.near_miss_pairs)
    near = dict(zip(rows.tolist(), near_rows))

    forced_edges = sorted({x for e, xs in alts.items() if not run.locked[e] for x in xs})
    forcing = dict(zip(forced_edges, _forcing(run, forced_edges)))
    status = _states(run, {x for xs in alts.values() for x in xs})

    run.edge_facts(chain(chosen.tolist(), status))
    facts, mentor_ids = run.facts, run.mentor_ids
    n_mentors_of, n_mentees_of = n_mentors_of.tolist(), n_mentees_of.tolist()
    out = {}
    for e, i, j, f, locked, better_mentor, better_mentee in zip(
            chosen.tolist(), g.mentee[chosen].tolist(), g.mentor[chosen].tolist(), g.form[chosen].tolist(),
            run.locked[chosen].tolist(), better_mentors.tolist(), better_mentees.tolist()):
        entries = [(facts[x][3], mentor_ids[facts[x][0]], 0, x) for x in alts[e]]
        for s_, kk, b in near.get(i, []):
            if run.per_form and run.reason_form(i, kk) != f:
                continue
            entries.append((int(round(s_ * SCORE_SCALE)), mentor_ids[kk], 1, (kk, b, s_)))
        entries.sort(key=lambda t: (-t[0], t[1], t[2]))
        shown = []
        for _, _, blocked, x in entries[:top_k]:
            if blocked:
                shown.append(_blocked_entry(run, i, *x))
            else:
                shown.append(_candidate_entry(run, x, None if locked else forcing.get(x), status[x]))
        out[e] = {
            "score": facts[e][2],
            "mentor_rank": better_mentor + 1, "mentor_candidates": n_mentors_of[i],
            "mentee_rank": better_mentee + 1, "mentee_candidates": n_mentees_of[j],
            "locked": locked,
            "alternatives": shown,
        }
    return out, {"blocked_alternatives": "complete" if complete else "none"}


# ---------------------------------------------------------------------------------------------
# Unmatched mentees and what would pair them


def _change_key(change: dict) -> tuple:
    return (change["change"], change.get("mentor_id"), repr(sorted((change.get("params") or {}).items())))


@dataclass
class _Candidate:
    """A change worth checking for one mentee: the change as result.json keeps it, how it
    is checked (flow_capacity | flow_mentee | resolve), and its Fix's `parts`."""

    change: dict
    mode: str
    parts: frozenset | None = None


def _candidate_changes(run, i: int, cand_edges: list[int], near: list[tuple[float, int, int]]) -> list[_Candidate]:
    """Single changes that could pair mentee i, most promising first: a place for a mentor
    whose places are taken, then changes to the mentee's own data, then one mentor's data,
    then the programme's rules. The rule that blocks a near miss suggests its own fix."""
    me_id = run.mentee_ids[i]
    on_both = me_id in run.both
    out: dict[tuple, tuple] = {}

    def add(rank: tuple, fix: Fix, mode: str) -> None:
        key = _change_key(fix.change)
        if key not in out or rank < out[key][0]:
            out[key] = (rank, fix, mode)

    shown = 0
    for e in cand_edges:  # best score first; only as many as could be checked
        k = int(run.graph.mentor[e])
        if shown >= run.limits.changes_checked:
            break
        if int(run.load[k]) >= int(run.capacity[k]):
            shown += 1
            cap = int(run.capacity[k])
            # A second place turns on the grade spread of groups, if the programme limits it;
            # a place for a group mentor without a group yet needs the group (a re-solve).
            gm = int(run.roster.mentors.group_min[k])
            flow = run.incremental and run.mentor_ids[k] not in run.both and \
                (run.config.program.max_grade_spread is None or cap + 1 <= 1) and (gm <= 1 or run.load[k] >= gm)
            add((0, -float(run.graph.score[e])), places.capacity_fix(run.mentor_ids[k], cap),
                "flow_capacity" if flow else "resolve")
    unreachable = [e for e in cand_edges if run.context.in_unreachable[run.graph.mentor[e]]] \
        if run.context.unreachable else []
    for e in unreachable:
        k = int(run.graph.mentor[e])
        if run.context.unreachable[k] >= 1:
            fix = places.group_min_fix(run.mentor_ids[k], int(run.roster.mentors.group_min[k]),
                                       run.context.unreachable[k])
            add((0, -float(run.graph.score[e])), fix, "resolve")
    for score, k, bit in near:
        code = _code_of_bit(bit)
        rule = constraints.rule_by_code(code)
        if rule is None or not hasattr(rule, "suggest"):
            continue
        reason = _rule_reason(run, i, k, code)
        for fix in rule.suggest(run.roster, i, k, reason["form"], reason["details"]):
            mode = "resolve"
            # A change to the mentee's own data changes only their pairs: checked on the flow.
            if fix.scope == "mentee" and run.incremental and not on_both and hasattr(rule, "patch"):
                mode = "flow_mentee"
            add((1 + SCOPES.index(fix.scope), *fix.order, -score), fix, mode)
    # Alternatives of one another (e.g. relaxations of one form's age gap): only the best is checked.
    best: dict[tuple, tuple] = {}
    for key, (rank, fix, mode) in list(out.items()):
        if fix.one_of is None:
            continue
        if fix.one_of in best and best[fix.one_of][0] <= rank:
            del out[key]
            continue
        if fix.one_of in best:
            del out[best[fix.one_of][1]]
        best[fix.one_of] = (rank, key)
    ranked = sorted(out.values(), key=lambda t: (t[0], _change_key(t[1].change)))
    return [_Candidate(dict(fix.change), mode, fix.parts) for _, fix, mode in ranked]


def _check_capacity(run, i: int, changes: list[dict]) -> list:
    """Exact incremental check of "one more place for mentor k" in the flow: verified when
    every path from the source to k that avoids mentee i costs more than pairing i with k,
    so that every optimum of the changed programme pairs i. Within the proposal's groups
    (run.grouped) the same check holds for assignments that keep them; regrouping cannot
    beat it when not even the relaxation, without mentee i, gains as much from the place
    ("resolve" when it might)."""
    res = run.residual
    g = run.graph
    edges = g.edges_of_mentee(i)
    slots = np.unique(run.slot[edges])
    ks, thresholds = [], []
    for c in changes:
        k = run.roster.mentors.index[c["mentor_id"]]
        e = edges[g.mentor[edges] == k]
        ks.append(k)
        thresholds.append(-float(res.w[e].max()))
    ok = res.gain_without(slots, np.array(ks), np.array(thresholds))
    out = []
    for c, k, good in zip(changes, ks, ok.tolist()):
        if not good:
            out.append(None)
            continue
        cost, path = res.cycle_via_new_unit(k)
        added, removed = res.arc_edges([path])[0]
        eff = run.effect(added, removed)
        if eff["objective_delta"] != -int(round(cost)):  # pragma: no cover - internal check
            raise AssertionError("capacity cycle and its edges disagree")
        if run.grouped and not _regrouping_cannot_beat(run, slots, k, eff["objective_delta"]):
            out.append("resolve")  # regrouping might pair someone else in that place
            continue
        out.append(_with_mentor(eff, run.mentee_ids[i]))
    return out


def _regrouping_cannot_beat(run, slots: np.ndarray, k: int, gain: int) -> bool:
    """Whether no assignment leaving the slots unpaired gains `gain` or more from one more
    place for mentor k: the relaxation's optimum (those slots unpaired in it) with that place
    gains less."""
    relaxed = run.relaxed_residual
    if relaxed is None or (relaxed.slot_edge[slots] >= 0).any():
        return False
    room = run.solution.objective + gain - run.relaxed_value  # what the relaxation may gain and still fall short
    return room > 0 and bool(relaxed.gain_without(slots, np.array([k]), np.array([-float(room)]))[0])


def _prefetch_rows(run, changes: dict[int, list]) -> None:
    """The new candidate pairs of each mentee's first change to their own data, in one pass
    (each such change touches only that mentee's entries of the roster, so they apply
    together): _check_mentee_change finds them in run.rows."""
    firsts = [(i, next(c.change for c in cs if c.mode == "flow_mentee")) for i, cs in changes.items()
              if any(c.mode == "flow_mentee" for c in cs)]
    if not firsts or run.late():
        return
    roster = run.roster
    for _, change in firsts:
        roster = _patched_roster(roster, change)
    rows = _rows_edges(roster, np.array([i for i, _ in firsts]), run.forbids)
    run.rows = {(i, _change_key(c)): rows[i] for i, c in firsts}


def _check_mentee_change(run, i: int, change: dict) -> dict | None | str:
    """Exact incremental check of a change to mentee i's own data in the flow: only i's
    pairs change, so the new optimum is the old one plus the best cycle through i. Within the
    proposal's groups the same (i is unpaired, so every assignment leaving i unpaired is
    worth no more than before: a gain is a proof); "resolve" when only regrouping might pair i."""
    res = run.residual
    row = run.rows.pop((i, _change_key(change)), None)
    if row is None:
        row = _row_edges(_patched_roster(run.roster, change), i, run.forbids)
    if not len(row["mentor"]):
        return None
    if not _stays_flow(run, row):
        return "resolve"
    values = _level_values(run.objective, int(run.roster.mentees.priority[i]), row["score_int"], run.divisor)
    w_new = (run.objective.weights[:, None] * values).sum(axis=0)
    free_cost = res.dist_to_source(row["mentor"])
    cost = np.where(w_new > 0, -w_new + free_cost, np.inf)
    best = int(np.argmin(cost))
    if run.grouped and not cost[best] < 0:
        upper = _gain_of_new_pairs(run, i, row["mentor"], w_new, 0)
        return "resolve" if upper is None or upper > 0 else None
    if not cost[best] < 0:
        return None
    b = int(row["mentor"][best])
    added, removed = res.arc_edges([res.path_to_source(b)])[0]
    new_edge = {"mentee": i, "mentor": b, "form": int(row["form"][best]), "values": values[:, best],
                "score": float(row["score"][best])}
    eff = run.effect(added, removed, new_edge=new_edge)
    if eff["objective_delta"] != -int(round(cost[best])):  # pragma: no cover - internal check
        raise AssertionError("mentee change cycle and its edges disagree")
    if run.grouped and not _bound_effect(run, eff, _gain_of_new_pairs(run, i, row["mentor"], w_new,
                                                                      eff["objective_delta"]), values.max(axis=1)):
        return "resolve"
    return _with_mentor(eff, run.mentee_ids[i])


def _gain_of_new_pairs(run, i: int, mentors: np.ndarray, w_new: np.ndarray, reached: int) -> float | None:
    """The most any legal assignment pairing mentee i by one of these new pairs can gain
    over the proposal (None: not known, e.g. past the deadline), or a bound of it that does
    not exceed `reached` when it does not (_upper)."""
    if len(run.graph.edges_of_mentee(i)):
        return None  # i's own pairs may hold i elsewhere in another grouping: no simple bound

    def deltas(res):
        best = np.where(w_new > 0, w_new - res.dist_to_source(mentors), -np.inf)
        return np.array([best.max() if len(best) else -np.inf])

    return _upper(run, deltas, 1, [reached])[0][0]


def _stays_flow(run, row: dict) -> bool:
    """Whether the programme with these pairs of one mentee is still a plain flow (or, for an
    answer within groups, still one with group minimums only): no pair with a group mentor
    (unless groups are answered by their cells), none that opens a group under a grade-spread
    limit, no pair twice."""
    mentors = row["mentor"]
    roster = run.roster
    if not run.grouped and (roster.mentors.group_min[mentors] > 1).any():
        return False
    if run.config.program.max_grade_spread is not None and (run.capacity[mentors] > 1).any():
        return False
    ordered = np.sort(mentors)
    return not (ordered[1:] == ordered[:-1]).any()


def _check_by_resolve(run, i: int, change: dict) -> dict | None | str:
    """Apply the change to a copy of the input, rebuild and re-solve; verified when the
    mentee is paired and every optimum pairs them (a second solve without the mentee's
    pairs is strictly worse). Returns the effect, None (not verified) or 'deadline'."""
    if run.late(run.result.timings.get("flow", 0.0)):
        return "deadline"
    result = run.result
    people, config = apply_change(result.participants, result.config, change)
    roster2 = build_roster(people, config)
    graph2 = build_graph(roster2, run.forbids)
    sol2 = run.solve(graph2, list(result.locks))
    if sol2.status == "UNKNOWN" and run.late(run.result.timings.get("flow", 0.0)):
        return "deadline"
    if sol2.status != "OPTIMAL" or i not in set(graph2.mentee[sol2.edges].tolist()):
        return None
    keep = graph2.mentee != i
    graph3 = dataclasses.replace(graph2, mentee=graph2.mentee[keep], mentor=graph2.mentor[keep],
                                 form=graph2.form[keep], components=graph2.components[keep],
                                 score=graph2.score[keep], score_int=graph2.score_int[keep])
    if run.late():
        return "deadline"
    sol3 = run.solve(graph3, list(result.locks))
    names = sol2.objective_def.names
    if sol3.status == "OPTIMAL" and not _lexi(sol2.levels, names) > _lexi(sol3.levels, names):
        return None
    if sol3.status not in ("OPTIMAL", "INFEASIBLE"):
        return "deadline" if run.late() else None
    return _with_mentor(run.effect_between(graph2, sol2), run.mentee_ids[i])


def _with_mentor(effect: dict, mentee_id: str) -> dict:
    """Move the mentee's own new pair out of the list of moves into `mentor_id`."""
    mine = [m for m in effect["moves"] if m["mentee_id"] == mentee_id]
    effect = dict(effect, moves=[m for m in effect["moves"] if m["mentee_id"] != mentee_id])
    return {"mentor_id": mine[0]["to"] if mine else None, **effect}


def _suggestions(run, i: int, changes: list) -> tuple[list[dict], list[dict], int]:
    """Verified single changes that pair mentee i (best first, of _candidate_changes), the
    changes the deadline left unchecked, and how many were checked. At least changes_checked
    are checked, and more while none holds."""
    limits = run.limits
    verified, unchecked, checked = [], [], 0
    capacity = [c.change for c in changes if c.mode == "flow_capacity"]
    capacity_effect = {}
    if capacity and not run.late():
        for c, eff in zip(capacity, _check_capacity(run, i, capacity)):
            capacity_effect[_change_key(c)] = eff
    done_parts: list[tuple] = []  # (kind, parts) of verified changes: asking for more is no smaller change
    for cand in changes:
        if len(verified) >= limits.suggestions or (checked >= limits.changes_checked and verified):
            break
        c, mode = cand.change, cand.mode
        if cand.parts is not None and any(kind == c["change"] and done <= cand.parts for kind, done in done_parts):
            continue
        effect = "deadline" if run.late() else None
        if effect is None and mode == "flow_capacity":
            effect, method = capacity_effect[_change_key(c)], "incremental_flow"
        elif effect is None and mode == "flow_mentee":
            effect, method = _check_mentee_change(run, i, c), "incremental_flow"
        if effect == "resolve" or (effect is None and mode == "resolve"):
            effect, method = _check_by_resolve(run, i, c), "resolve"
        if effect == "deadline":  # every change cut is listed (and counted from the list)
            unchecked.append({**c, "verified": False, "reason": "deadline"})
            continue
        checked += 1
        if effect is not None:
            verified.append({**c, "verified": True, "method": method, "effect": effect})
            if cand.parts is not None:
                done_parts.append((c["change"], cand.parts))
    return verified, unchecked, checked


def _ties(forcing: dict | None) -> bool:
    """Whether a forcing answer is a tie: a legal assignment holding the pair (every feasible
    answer is one: a flow of a legal cell, a checked relaxation, a re-solve) worth as much as
    the proposal."""
    return bool(forcing) and bool(forcing.get("checked")) and bool(forcing.get("feasible")) \
        and forcing.get("objective_delta") == 0


# unmatched.csv's reason code -> the explanation's `why`
WHY_OF_REASON = {"unmatched.no_places": "candidates_without_places", "unmatched.no_candidate_in_form": "no_candidate"}


def _unmatched_explanations(run) -> tuple[dict[int, dict], dict]:
    g, roster, limits = run.graph, run.roster, run.limits
    rows = run.result.unmatched_mentees().astype(np.int64)
    out: dict[int, dict] = {}
    meta = {"suggestions_checked": 0, "near_misses": "complete"}
    if not len(rows):
        return out, meta
    by_rule, only_rule = g.blocked_counts[rows], g.blocked_only_counts[rows]
    # Near misses feed the suggestions too: score a few more than are listed. Rows go in
    # chunks (memory: a chunk's rows by every mentor at most near_miss_pairs); past twice the
    # cap of near-miss pairs scored, the rest get none.
    per_row = max(limits.near_misses, 4 * limits.changes_checked)
    near: list[list[tuple]] = []
    chunk = max(1, limits.near_miss_pairs // max(1, roster.mentors.n))
    budget = 2 * limits.near_miss_pairs
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        found, complete = _near_misses(run, part, per_row, budget)
        if complete:
            budget -= g.near_count(part)
        else:
            meta["near_misses"] = "partial"
        near.extend(found)
    cand = _ranked_rows(run, rows)
    shown = sorted({x for i in cand for x in cand[i][:limits.top_k]})
    forcing = dict(zip(shown, _forcing(run, shown)))
    status = _states(run, shown)
    run.edge_facts(shown)
    changes = {i: _candidate_changes(run, i, cand[i], near[ri]) for ri, i in enumerate(rows.tolist())}
    _prefetch_rows(run, changes)
    for ri, i in enumerate(rows.tolist()):
        code, why_params = run.context.reason(i)
        candidates = [_candidate_entry(run, x, forcing.get(x), status[x]) for x in cand[i][:limits.top_k]]
        tied = next((c for c in candidates if _ties(c.get("forcing"))), None) \
            if code == "unmatched.candidates_taken" else None
        if tied is not None:  # a legal assignment pairing them is as good: "no better" is a tie
            code, why_params = "unmatched.candidates_tied", {**why_params, "mentor": tied["mentor_id"]}
        why = WHY_OF_REASON.get(code, code.split(".", 1)[-1])
        suggestions, unchecked, checked = _suggestions(run, i, changes[i])
        meta["suggestions_checked"] += checked
        out[i] = {
            "why": why,
            "why_params": jsonable(why_params),
            "blocked_by": {code: int(n) for code, n in zip(RULE_CODES, by_rule[ri]) if n},
            "blocked_only_by": {code: int(n) for code, n in zip(RULE_CODES, only_rule[ri]) if n},
            "near_misses": [{"mentor_id": run.mentor_ids[kk], "score": round(float(s_), 4),
                             **_rule_reason(run, i, kk, _code_of_bit(b))}
                            for s_, kk, b in near[ri][:limits.near_misses]],
            "candidates": candidates,
            "candidates_total": len(cand[i]),
            "suggestions": suggestions,
            "unchecked": unchecked,
        }
    return out, meta


# ---------------------------------------------------------------------------------------------
# Mentors, the programme, candidate lists


def _mentor_explanations(run) -> dict[int, dict]:
    g, roster = run.graph, run.roster
    n_cand, n_free, mutual_free = run.mentor_counts
    unused = np.flatnonzero((run.load == 0) & (run.capacity > 0))
    by_rule = {}
    if len(unused):
        by_rule = {int(j): g.mentor_blocked_counts[j] for j in unused.tolist()}
    others = _others_paired(run, np.flatnonzero((run.load > 0) & (run.load < run.capacity)))
    out = {}
    for j in range(roster.mentors.n):
        cap, load = int(run.capacity[j]), int(run.load[j])
        status = "no_capacity" if cap <= 0 else "full" if load >= cap else "free_places" if load else "unused"
        mentees = []
        for e in sorted(run.members.get(j, []), key=lambda e: run.mentee_ids[int(g.mentee[e])]):
            mentees.append({"mentee_id": run.mentee_ids[int(g.mentee[e])], "form": roster.form_ids[int(g.form[e])],
                            "score": round(float(g.score[e]), 4), "locked": bool(run.locked[e])})
        entry = {"status": status, "load": load, "capacity": cap, "free": max(0, cap - load),
                 "group_min": int(roster.mentors.group_min[j]) or None, "candidates": int(n_cand[j]),
                 "mentees": mentees}
        if j in by_rule:
            entry.update(_why_unused(run, j, int(n_cand[j]), int(n_free[j]), int(mutual_free[j])))
            entry["blocked_by"] = {code: int(n) for code, n in zip(RULE_CODES, by_rule[j]) if n}
        elif status == "free_places":
            entry.update(_why_places_left(run, j, int(others[j]), int(n_free[j]), int(mutual_free[j])))
        out[j] = entry
    return out


def _others_paired(run, mentors: np.ndarray) -> np.ndarray:
    """Per mentor (of `mentors`; 0 for the rest): the suitable mentees paired with someone
    else — distinct mentees with a candidate pair with the mentor, a pair, and not this mentor."""
    g, nm = run.graph, run.roster.mentors.n
    if not len(mentors):
        return np.zeros(nm, dtype=np.int64)
    pick = np.zeros(nm, dtype=bool)
    pick[mentors] = True
    edges = np.flatnonzero(pick[g.mentor])
    keys = np.unique(g.mentee[edges] * nm + g.mentor[edges])
    chosen = run.solution.edges
    matched = np.zeros(run.roster.mentees.n, dtype=bool)
    matched[g.mentee[chosen]] = True
    keep = matched[keys // nm] & ~np.isin(keys, g.mentee[chosen] * nm + g.mentor[chosen])
    return np.bincount(keys[keep] % nm, minlength=nm)


def _why_places_left(run, j: int, others: int, n_free: int, n_mutual: int) -> dict:
    """Why mentor j, with mentees, has places left: every other suitable mentee has a pair
    (with another mentor), or the only unpaired suitable mentees mentor this mentor, or the
    rules of groups keep them from this group."""
    if not n_free:
        return {"why_unused": "others_paired_elsewhere", "others": others}
    return _why_unused(run, j, 1, n_free, n_mutual)


def _why_unused(run, j: int, n_cand: int, n_free: int, n_mutual: int) -> dict:
    """Why mentor j (with places) has no mentee: no suitable one, a group minimum no
    assignment reaches, the only unpaired suitable mentees already mentor this mentor, the
    rules of groups, or every suitable mentee has another mentor. n_free: suitable mentees
    without a pair; n_mutual: of them, those who mentor j."""
    if not n_cand:
        return {"why_unused": "no_candidates"}
    if j in run.context.unreachable:
        return {"why_unused": "group_min_unreachable", "group_min": int(run.roster.mentors.group_min[j]),
                "suitable": run.context.unreachable[j]}
    if not n_free:
        if run.solution.status != "OPTIMAL":  # "not better with this mentor" is what the optimum proves
            return {"why_unused": "candidates_paired_elsewhere", "proven": False}
        return {"why_unused": "candidates_paired_elsewhere"}
    if n_mutual == n_free:
        g = run.graph
        e = next(e for e in run.context.partners if int(g.mentor[e]) == j and run.context.mutual_blocked[e])
        x = run.context.mutual_partner(e)
        return {"why_unused": "mutual", "mutual": {"mentor_id": run.mentor_ids[int(g.mentor[x])],
                                                   "mentee_id": run.mentee_ids[int(g.mentee[x])]}}
    return {"why_unused": "group_rules", "unpaired_candidates": n_free}


def _analysis(run, doc: dict) -> dict:
    g, roster, config = run.graph, run.roster, run.config
    by_rule = g.blocked_counts.sum(axis=0, dtype=np.int64)
    only_rule = g.blocked_only_counts.sum(axis=0, dtype=np.int64)
    weights = scoring.weights_vector(config, roster)
    wsum = weights.sum() or 1.0
    chosen = run.solution.edges
    components = {}
    for k, name in enumerate(scoring.COMPONENT_NAMES):
        if weights[k] <= 0:
            continue
        values = g.components[chosen, k].astype(np.float64)
        components[name] = {"weight": round(float(weights[k] / wsum), 4),
                            "total_contribution": round(float(values.sum() * weights[k] / wsum), 4),
                            "mean_value": round(float(values.mean()), 4) if len(values) else None}
    summary = doc.get("summary") or {}

    def rate(row):
        return {**row, "rate": round(row["matched"] / row["mentees"], 4) if row.get("mentees") else None}

    return {
        "rules": {code: {"pairs_blocked": int(by_rule[n]), "only_reason": int(only_rule[n])}
                  for n, code in enumerate(RULE_CODES) if by_rule[n]},
        "pairs_total": int(g.pairs_total),
        "components": components,
        "total_score": round(float(g.score[chosen].sum()), 4),
        "match_rate": {
            "overall": rate({"mentees": roster.mentees.n, "matched": int(len(run.result.matched_mentees()))}),
            "by_form": {f: rate(dict(row)) for f, row in (summary.get("by_form") or {}).items()},
            "by_priority": {p: rate(dict(row)) for p, row in (summary.get("by_priority") or {}).items()},
        },
    }


def _candidate_lists(run) -> dict[str, list[dict]]:
    """Each mentee's best candidate mentors (for the mentee's choice and speed meetings)."""
    g, roster, top_k = run.graph, run.roster, run.limits.top_k
    order, first = run.top_of_mentees
    # Each mentee's first top_k edges in ranking order, gathered at once (not the whole graph as lists).
    count = np.minimum(np.diff(first), top_k)
    owner = np.repeat(np.arange(roster.mentees.n), count)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    top = order[np.repeat(first[:-1], count) + rank]
    names = roster.mentors.names
    out = {run.mentee_ids[i]: [] for i in range(roster.mentees.n)}
    for i, r, e, k, f, score, chosen in zip(owner.tolist(), rank.tolist(), top.tolist(), g.mentor[top].tolist(),
                                            g.form[top].tolist(), g.score[top].tolist(), run.chosen[top].tolist()):
        out[run.mentee_ids[i]].append({"rank": r + 1, "mentor_id": run.mentor_ids[k], "mentor_name": names[k],
                                       "form": roster.form_ids[f], "score": round(float(score), 4),
                                       "status": "chosen" if chosen else _mentor_status(run, k)})
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------------------------
# Entry point


def _counts(pairs, unmatched) -> tuple[int, int, int]:
    """What the document says, counted: answers found within the proposal's groups that
    regrouping might improve on, alternatives and changes not computed in time."""
    forcings = [a.get("forcing") or {} for p in pairs for a in p["alternatives"]]
    forcings += [c.get("forcing") or {} for u in unmatched for c in u["candidates"]]
    effects = [s["effect"] for u in unmatched for s in u["suggestions"]]
    within = sum(bool(f.get("within_groups")) for f in forcings + effects)
    late = sum(f.get("reason") == "deadline" for f in forcings)
    return within, late, sum(len(u["unchecked"]) for u in unmatched)


@gc_paused
def add_explanations(doc: dict, result, top_k: int | None = None, *, limits: Limits | None = None,
                     deadline: float | None = None) -> None:
    """Add structured explanations to a document from results.result_document (in place):
    pair["explanation"], unmatched["explanation"], mentor["explanation"], doc["analysis"],
    doc["candidates"] and doc["explanations"] (how they were found, what was left out).

    `deadline` (a time.perf_counter() value, e.g. result.deadline): re-solves stop when it
    passes; what they would have checked is marked reason "deadline" (not computed in time)
    and counted in doc["explanations"]["not_computed_in_time"] {alternatives, changes}."""
    if result.solution.status not in ("OPTIMAL", "FEASIBLE"):
        return
    limits = dataclasses.replace(limits or Limits())
    limits.top_k = int(top_k if top_k is not None else result.config.program.candidates_per_mentee)
    run = _Run(result, limits, deadline)
    run.read_every_pair()
    # Unpaired mentees first: their suggestions come before the alternatives of pairs in the
    # time of re-solves.
    unmatched, un_meta = _unmatched_explanations(run)
    pairs, pair_meta = _pair_explanations(run)
    mentors = _mentor_explanations(run)

    g, roster = run.graph, run.roster
    edge_of = {(run.mentor_ids[int(g.mentor[e])], run.mentee_ids[int(g.mentee[e])],
                roster.form_ids[int(g.form[e])]): e for e in run.solution.edges.tolist()}
    for p in doc.get("pairs", []):
        e = edge_of.get((p["mentor_id"], p["mentee_id"], p["form"]))
        if e is not None:
            p["explanation"] = pairs[e]
    for u in doc.get("unmatched", []):
        i = roster.mentees.index.get(u["mentee_id"])
        if i in unmatched:
            u["explanation"] = unmatched[i]
            if unmatched[i]["why"] == "candidates_tied":  # what the answers found replaces "no better"
                u["reason_code"], u["reason_params"] = "unmatched.candidates_tied", unmatched[i]["why_params"]
    for m in doc.get("mentors", []):
        j = roster.mentors.index.get(m["mentor_id"])
        if j is not None:
            m["explanation"] = mentors[j]
    doc["analysis"] = _analysis(run, doc)
    doc["candidates"] = _candidate_lists(run)
    notes = []
    if pair_meta.get("blocked_alternatives") == "none":
        notes.append({"code": "explain.note.blocked_alternatives_skipped", "params": {"cap": limits.near_miss_pairs}})
    if un_meta.get("near_misses") == "partial":
        notes.append({"code": "explain.note.near_misses_partial", "params": {"cap": limits.near_miss_pairs}})
    within, late_alternatives, late_changes = _counts(pairs.values(), unmatched.values())
    if within:
        notes.append({"code": "explain.note.within_groups", "params": {"count": within}})
    late = {"alternatives": late_alternatives, "changes": late_changes}
    if late_alternatives or late_changes:
        notes.append({"code": "explain.note.not_computed_in_time", "params": late})
    doc["explanations"] = {
        "format_version": FORMAT_VERSION,
        "top_k": limits.top_k,
        "forcing_method": ("residual" if run.pure_flow else "residual_within_groups" if run.grouped
                           else "residual_with_resolve" if run.residual is not None else "resolve"),
        "baseline_proven_optimal": result.solution.status == "OPTIMAL",
        "resolves": run.resolves,
        "suggestions_checked": un_meta["suggestions_checked"],
        "within_groups": within,
        "changes_unchecked": late_changes,
        "alternatives_unchecked": late_alternatives,
        "not_computed_in_time": late,
        "notes": notes,
    }
    if isinstance(doc.get("summary"), dict):
        doc["summary"]["not_computed_in_time"] = dict(late)
