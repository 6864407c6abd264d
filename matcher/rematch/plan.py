"""A re-matching round: the previous pairs checked against today's questionnaires, solved so
that working pairs stay, and every difference from the previous round with its reason.

The steps (`prepare_round`, then `solve_round` as pipeline.run's solve step):
1. Changes: people who left go; a mentor who withdrew mentors no more (a person in both roles
   stays a mentee); a mentee's request for another mentor excludes that mentor for them
   (001 §2.2.4). Each previous pair they end is dissolved with that reason.
2. The previous pairs as given: a hand-edited pairs table must name current people (or people
   the changes say left), known forms, each mentee once, no mentor over their capacity —
   every problem at file:row:column, nothing solved. A result folder's people who are gone
   from the questionnaires simply left.
3. Fairness: mentees who waited without a pair in earlier rounds gain `rematch.waiting_priority`
   priority classes; pairs dissolved or rejected in earlier rounds (and the consilium's
   forbids) are never proposed again.
4. The candidate graph; each remaining previous pair is checked against it as a lock would be
   (solve.edges_of_locks: the rules of its form, the consilium's forbids, min_score): a pair
   that breaks a rule now is dissolved with the rules it breaks, never kept silently.
5. keep: every pair still valid is locked (a mentor whose capacity fell keeps the best-scored
   ones); only free mentees are matched into the places left. repair: the objective gains the
   levels `still_paired` (above the priorities: nobody of a valid pair loses their mentor) and
   `kept` (above the score: among the assignments pairing the most people, the fewest changes);
   the answer's previous mentees are then locked where it put them.
6. The final solve with those locks: an ordinary match result (explanations, report), whose
   optimum is the one of step 5 (locking an optimum's own choices keeps it optimal).
7. The changes: each previous pair kept, moved or dissolved, each new pair new, with the cause.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..i18n import register
from ..models import PairSpec, Participant
from ..problems import InputRejected, ProblemReport
from .inputs import ChangeRequest, Previous, form_id, form_lookup

MODES = ("keep", "repair")
# Causes a previous pair can end with. A pair ended for a reason of its own (a request, a rule,
# a person leaving, a capacity cut, the consilium) is never proposed again; one the solver moved
# to pair someone else (made_room) may be.
MOVED_BY_SOLVER = ("made_room", "could_not_stay")

register({
    "rematch.unknown_mentor": ("наставника с кодом «{value}» нет в текущих анкетах (и он не указан как выбывший)",
                               "no mentor with id '{value}' in the current questionnaires (nor listed as left)"),
    "rematch.unknown_mentee": ("наставляемого с кодом «{value}» нет в текущих анкетах (и он не указан как "
                               "выбывший)",
                               "no mentee with id '{value}' in the current questionnaires (nor listed as left)"),
    "rematch.unknown_form": ("неизвестная форма наставничества «{value}»", "unknown form of mentoring '{value}'"),
    "rematch.mentee_twice": ("у наставляемого «{value}» уже есть наставник в строке {first_row}",
                             "mentee '{value}' already has a mentor at row {first_row}"),
    "rematch.pair_twice": ("пара с наставляемым «{value}» уже указана в строке {first_row}",
                           "the pair with mentee '{value}' is already listed at row {first_row}"),
    "rematch.over_capacity": ("наставник «{value}» берёт не больше {capacity} (по анкете), а в файле у этого "
                              "наставника {count} {count:plural:пара|пары|пар} (строки {rows})",
                              "mentor '{value}' takes at most {capacity} (questionnaire), but the file gives them "
                              "{count} {count:plural:mentee|mentees} (rows {rows})"),
    "rematch.not_gone": ("участник «{value}» не выбывал из программы в прошлых турах: возвращаться неоткуда",
                         "'{value}' did not leave in an earlier round: there is nothing to return from"),
    "rematch.unknown_id": ("участника с кодом «{value}» нет ни в текущих анкетах, ни в прежних парах",
                           "no participant with id '{value}' in the current questionnaires or the previous pairs"),
    "rematch.not_a_mentor": ("«{value}» не наставник ни сейчас, ни в прежних парах",
                             "'{value}' is not a mentor now nor in the previous pairs"),
    "rematch.no_previous_mentor": ("у наставляемого «{value}» не было наставника: укажите, кого заменить "
                                   "(mentor_id)",
                                   "mentee '{value}' had no mentor: say which one to replace (mentor_id)"),
})


@dataclass
class OldPair:
    """A previous pair and what became of it before the final solve."""

    mentee_id: str
    mentor_id: str
    form: str | None
    source: str
    ended: str | None = None  # the cause it cannot stay with, when known before the final solve
    params: dict = field(default_factory=dict)
    edge: int = -1  # its edge in the candidate graph while it may stay

    def end(self, cause: str, **params) -> None:
        if self.ended is None:
            self.ended, self.params, self.edge = cause, params, -1


@dataclass
class Round:
    """One re-matching round: its inputs as prepared, and after the solve what it decided."""

    previous: Previous
    mode: str
    participants: list[Participant]
    old: list[OldPair]
    forbids: list[PairSpec]  # never again, and the mentors a replacement excludes
    requests: list[ChangeRequest]
    waiting_priority: int
    raised: dict[str, int] = field(default_factory=dict)  # mentee id -> rounds waited (priority raised)
    gone: dict[str, str] = field(default_factory=dict)  # id -> left | withdrew (as a mentor), earlier rounds too
    gone_names: dict[str, str] = field(default_factory=dict)  # their names, from the questionnaires
    over_capacity: dict[str, int] = field(default_factory=dict)  # repair: mentor id -> capacity its pairs exceed
    user_locks: int = 0  # how many of the result's locks are the consilium's (the rest hold previous pairs)
    stage: dict = field(default_factory=dict)  # repair mode: the first solve's status, proof, levels, gaps

    @property
    def round(self) -> int:
        return self.previous.round + 1


# ---------------------------------------------------------------------------------------------
# Steps 1-3: the round's inputs


def prepare_round(participants: list[Participant], config, previous: Previous, requests: list[ChangeRequest],
                  mode: str = "keep", report: ProblemReport | None = None) -> Round:
    """This round's participants, previous pairs and forbids; InputRejected (every problem at
    file:row:column) when a request or a hand-edited pairs table does not fit the questionnaires."""
    if mode not in MODES:
        raise ValueError(mode)
    report = report if report is not None else ProblemReport()
    by_id = {p.id: p for p in participants}
    old_mentors = {p.mentor_id for p in previous.pairs}
    previous_mentor = {}
    for p in previous.pairs:
        previous_mentor.setdefault(p.mentee_id, p.mentor_id)

    # 1. Changes; departures of earlier rounds hold until the person returns.
    gone: dict[str, str] = dict(previous.gone)
    excluded: list[tuple[str, str, ChangeRequest]] = []  # (mentee, mentor, request)
    for req in requests:
        where = {"file": req.file or req.source, "row": req.row, "column": req.column, "value": req.id}
        if req.kind == "returned":
            if gone.pop(req.id, None) is None:
                report.add("rematch.not_gone", **where)
        elif req.kind == "left":
            if req.id not in by_id and req.id not in previous.names and not _in_pairs(previous, req.id):
                report.add("rematch.unknown_id", **where)
                continue
            gone[req.id] = "left"
        elif req.kind == "withdrew":
            if not ((req.id in by_id and by_id[req.id].is_mentor) or req.id in old_mentors):
                report.add("rematch.not_a_mentor", **where)
                continue
            gone.setdefault(req.id, "withdrew")
        else:
            mentor = req.mentor_id or previous_mentor.get(req.id)
            if req.id not in by_id and not _in_pairs(previous, req.id):
                report.add("rematch.unknown_mentee", **where)
            elif mentor is None:
                report.add("rematch.no_previous_mentor", **where)
            else:
                excluded.append((req.id, mentor, req))
    people = []
    for p in participants:
        why = gone.get(p.id)
        if why is None:
            people.append(p)
        elif why == "withdrew" and p.role == "both":
            people.append(p.model_copy(update={"role": "mentee"}))  # still mentored, mentors no more
    mentors = {p.id: p for p in people if p.is_mentor}
    mentees = {p.id for p in people if p.is_mentee}

    # 2. The previous pairs as given.
    forms = form_lookup(config, previous)
    old = [OldPair(p.mentee_id, p.mentor_id, form_id(p.form, forms), p.source) for p in previous.pairs]
    if previous.kind == "pairs":
        _check_table(previous, old, config, mentors, mentees, gone, report)
    if report.errors:
        raise InputRejected(report)
    for pair, given in zip(old, previous.pairs):
        if gone.get(pair.mentee_id) == "left":
            pair.end("mentee_left")
        elif pair.mentor_id in gone:
            pair.end("mentor_left" if gone[pair.mentor_id] == "left" else "mentor_withdrew")
        for pid, role in ((pair.mentee_id, "mentee"), (pair.mentor_id, "mentor")):
            if pid not in (mentees if role == "mentee" else mentors):
                pair.end("not_in_questionnaires", id=pid, role=role)
        if given.form and pair.form is None:  # a result of another configuration: the form is gone
            pair.end("rule_broken", rules=[{"code": "form_compat", "form": None, "details": {}}])
        for mentee, mentor, req in excluded:
            if (pair.mentee_id, pair.mentor_id) == (mentee, mentor):
                pair.end("replacement_requested", source=req.source)

    # 3. Fairness.
    listed = {(p.mentee_id, p.mentor_id) for p in old}  # a pair the consilium listed again is approved again
    never = [(t, m) for t, m in previous.never_again if (t, m) not in listed]
    never += [(t, m) for t, m, _ in excluded]
    forbids = [PairSpec(m, t, "forbid", None, previous.label, None) for t, m in sorted(set(never))
               if t in mentees and m in mentors]
    open_mentees = {p.mentee_id for p in old if p.ended is None}
    bonus = int(config.rematch.waiting_priority)
    raised = {}
    if bonus:
        for k, p in enumerate(people):
            rounds = previous.waiting.get(p.id, 0)
            if rounds and p.is_mentee and p.id not in open_mentees:
                people[k] = p.model_copy(update={"priority": p.priority + bonus})
                raised[p.id] = rounds
    names = {p.id: p.name for p in participants if p.id in gone}
    return Round(previous, mode, people, old, forbids, list(requests), bonus, raised, gone, names)


def _in_pairs(previous: Previous, pid: str) -> bool:
    return any(pid in (p.mentee_id, p.mentor_id) for p in previous.pairs)


def _check_table(previous: Previous, old: list[OldPair], config, mentors: dict, mentees: set, gone: dict,
                 report: ProblemReport) -> None:
    """Step 2 for a hand-edited pairs table: each problem at its file:row:column."""
    headers = previous.headers
    per_form = config.program.one_mentor_per == "form"
    first_row: dict[tuple, int] = {}
    rows_of: dict[str, list[int]] = {}
    for pair, given in zip(old, previous.pairs):
        where = {"file": given.file, "row": given.row}
        ok = True
        if pair.mentor_id not in mentors and pair.mentor_id not in gone:
            report.add("rematch.unknown_mentor", column=headers.get("mentor_id"), value=pair.mentor_id, **where)
            ok = False
        if pair.mentee_id not in mentees and pair.mentee_id not in gone:
            report.add("rematch.unknown_mentee", column=headers.get("mentee_id"), value=pair.mentee_id, **where)
            ok = False
        if given.form and pair.form is None:
            report.add("rematch.unknown_form", column=headers.get("form"), value=given.form, **where)
            ok = False
        if not ok:
            continue
        for key, code, column in (((pair.mentee_id, pair.mentor_id), "rematch.pair_twice", "mentor_id"),
                                  ((pair.mentee_id, pair.form if per_form else None), "rematch.mentee_twice",
                                   "mentee_id")):
            if key in first_row:
                report.add(code, column=headers.get(column), value=pair.mentee_id,
                           params={"first_row": first_row[key]}, **where)
                ok = False
                break  # the same pair twice: not also "the mentee twice"
            first_row[key] = given.row
        if ok and pair.mentor_id not in gone and pair.mentee_id not in gone:
            rows_of.setdefault(pair.mentor_id, []).append(given.row)
    for mentor_id, rows in rows_of.items():
        capacity = mentors[mentor_id].capacity
        if len(rows) > capacity:
            for row in rows[capacity:]:
                report.add("rematch.over_capacity", file=previous.label, row=row, column=headers.get("mentor_id"),
                           value=mentor_id, params={"capacity": capacity, "count": len(rows),
                                                    "rows": ", ".join(str(r) for r in rows)})


# ---------------------------------------------------------------------------------------------
# Steps 4-6: the solve


def solve_round(rnd: Round, participants, config, *, pair_specs=None, engine: str = "auto",
                time_limit: float = 60.0, seed: int = 0, deadline: float | None = None, explain: bool = False,
                workers: int = 2):
    """pipeline.match for a re-matching round (pipeline.run's `solve_step`): the previous pairs
    checked, kept (keep) or changed as little as the optimum allows (repair), then the final
    solve with them locked. Its locks: the consilium's first (rnd.user_locks of them)."""
    from ..arrays import build_roster
    from ..graph import build_graph
    from ..pipeline import SOLVE_SHARE, MatchResult, resolve_pair_specs, solve_explained

    timings: dict[str, float] = {}
    t = time.perf_counter()
    deadline = t + time_limit if deadline is None else deadline
    roster = build_roster(participants, config)
    timings["roster"] = time.perf_counter() - t
    report = ProblemReport()
    user_locks, user_forbids = resolve_pair_specs(roster, list(pair_specs or []), report)
    if report.errors:
        raise InputRejected(report)
    _, never = resolve_pair_specs(roster, rnd.forbids, ProblemReport())
    forbids = np.unique(np.concatenate([user_forbids, never]), axis=0) if len(never) else user_forbids
    t = time.perf_counter()
    graph = build_graph(roster, forbids)
    timings["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    solve_deadline = t + SOLVE_SHARE * (deadline - t) if explain else deadline

    # 4. The previous pairs against the graph.
    rnd.user_locks = len(user_locks)
    _check_against_graph(rnd, graph, roster, user_locks, forbids)
    # 5. keep, or repair's first solve.
    how = {"engine": engine, "seed": seed, "workers": workers, "deadline": deadline, "solve_deadline": solve_deadline}
    if rnd.mode == "keep":
        held = _keep_locks(rnd, graph, roster, user_locks)
    else:
        held, first = _repair_locks(rnd, graph, user_locks, how, timings)
        if first is not None:  # no assignment at all under the consilium's locks
            return MatchResult(config, participants, roster, graph, first, user_locks, seed, engine, timings,
                               forbids, deadline)
    # 6. The final solve.
    locks = user_locks + held
    solution = solve_explained(graph, locks, timings=timings, **how)
    timings["solve"] = time.perf_counter() - t
    return MatchResult(config, participants, roster, graph, solution, locks, seed, engine, timings, forbids,
                       deadline)


def _check_against_graph(rnd: Round, graph, roster, user_locks, forbids) -> None:
    """Step 4: each open previous pair's edge, or the rules it breaks now (with details), the
    consilium's forbid, or the consilium's lock of its mentee elsewhere."""
    from .. import constraints
    from ..solve import Lock, edges_of_locks
    from ..solve.objective import slot_of_edges

    per_form = roster.config.program.one_mentor_per == "form"
    locked_to = {}
    for lock in user_locks:
        locked_to.setdefault((lock.mentee, lock.form if per_form else None), []).append(lock.mentor)
    forbidden = {(int(i), int(j)) for i, j in forbids.tolist()}
    for pair in rnd.old:
        if pair.ended is not None:
            continue
        i, j = roster.mentees.index[pair.mentee_id], roster.mentors.index[pair.mentor_id]
        others = [k for k in locked_to.get((i, pair.form if per_form else None), []) if k != j]
        if others:
            pair.end("consilium_lock", mentor_id=roster.mentors.ids[others[0]])
            continue
        edges, clashes = edges_of_locks(graph, [Lock(i, j, pair.form, pair.source)])
        if edges[0] >= 0:
            pair.edge = edges[0]
            continue
        rules = [code for code in clashes[0]["rules"] if code != "forbidden"]
        if (i, j) in forbidden and not rules:
            pair.end("forbidden")
            continue
        f = roster.form_ids.index(pair.form) if pair.form in roster.form_ids else graph.reason_form(i, j)
        form = roster.form_ids[f] if f >= 0 else None
        reasons = []
        for code in rules:
            rule = constraints.rule_by_code(code)
            if rule is not None and form is not None:
                details = rule.details(roster, i, j, form)
            elif code == "min_score":
                details = {"min": roster.config.program.min_score}
            else:
                details = {}
            reasons.append({"code": code, "form": form, "details": _jsonable(details)})
        pair.end("rule_broken", rules=reasons)
    slot = slot_of_edges(graph)
    seen: dict[int, OldPair] = {}
    for pair in rnd.old:  # one previous pair per slot (a result folder never has two; a table is checked)
        if pair.edge >= 0:
            s = int(slot[pair.edge])
            if s in seen:
                pair.end("could_not_stay")
            seen[s] = pair


def _jsonable(details: dict) -> dict:
    from ..jsonutil import jsonable

    return jsonable(details)


def _keep_locks(rnd: Round, graph, roster, user_locks) -> list:
    """Step 5, keep: every open previous pair locked; past a mentor's capacity (it fell since),
    the best-scored ones stay and the rest end with capacity_reduced."""
    from ..solve import Lock

    taken = np.bincount(np.array([lk.mentor for lk in user_locks], dtype=np.int64), minlength=roster.mentors.n)
    user_pairs = {(lk.mentee, lk.mentor) for lk in user_locks}
    open_pairs = [p for p in rnd.old if p.ended is None]
    open_pairs.sort(key=lambda p: (-int(graph.score_int[p.edge]), p.mentee_id))
    locks = []
    for pair in open_pairs:
        i, j = int(graph.mentee[pair.edge]), int(graph.mentor[pair.edge])
        if (i, j) in user_pairs:
            continue  # the consilium's own lock holds it
        capacity = int(roster.mentors.capacity[j])
        if taken[j] >= capacity:
            pair.end("capacity_reduced", capacity=capacity)
            continue
        taken[j] += 1
        locks.append(Lock(i, j, roster.form_ids[int(graph.form[pair.edge])], pair.source))
    return locks


def _repair_locks(rnd: Round, graph, user_locks, how: dict, timings: dict):
    """Step 5, repair: the optimum with the levels still_paired and kept; the previous mentees'
    pairs in it, as locks. Returns (locks, None), or ([], solution) when that solve has no
    assignment (the consilium's locks clash). `how`: pipeline.solve_explained's options."""
    from ..graph import SCORE_SCALE
    from ..pipeline import solve_explained
    from ..solve import Lock
    from ..solve.objective import slot_of_edges

    previous = np.zeros(graph.n_edges, dtype=bool)
    edges = [p.edge for p in rnd.old if p.ended is None]
    previous[edges] = True
    roster = graph.roster
    load = np.bincount(graph.mentor[np.asarray(edges, dtype=np.int64)], minlength=roster.mentors.n)
    rnd.over_capacity = {roster.mentors.ids[j]: int(roster.mentors.capacity[j])
                         for j in np.flatnonzero(load > roster.mentors.capacity).tolist()}
    graph.previous_pairs = previous
    t = time.perf_counter()
    try:
        first = solve_explained(graph, user_locks, timings={}, **how)
    finally:
        graph.previous_pairs = None
    timings["repair"] = time.perf_counter() - t
    # The two levels more make the weights larger: the first solve may compare scores in coarser
    # steps than the final one (the objective's score_divisor); said, not hidden.
    divisor = int(first.objective_def.score_divisor) if first.objective_def else 1
    rnd.stage = {"status": first.status, "proof": first.proof, "levels": dict(first.levels),
                 "level_gaps": dict(first.level_gaps), "objective_levels": list(first.objective_def.names)
                 if first.objective_def else [],
                 "score_step": divisor / SCORE_SCALE, "finest_score_step": 1 / SCORE_SCALE}
    if first.status in ("INFEASIBLE", "UNKNOWN"):
        return [], first
    slot = slot_of_edges(graph)
    held = np.zeros(int(slot.max()) + 1 if len(slot) else 0, dtype=bool)
    held[slot[edges]] = True
    user_slots = {int(slot[e]) for e in _lock_edges(graph, user_locks)}
    locks = []
    for e in first.edges.tolist():
        if held[slot[e]] and int(slot[e]) not in user_slots:
            locks.append(Lock(int(graph.mentee[e]), int(graph.mentor[e]), roster.form_ids[int(graph.form[e])],
                              "repair"))
    return locks, None


def _lock_edges(graph, locks) -> list[int]:
    from ..solve import edges_of_locks

    return [e for e in edges_of_locks(graph, locks)[0] if e >= 0]


# ---------------------------------------------------------------------------------------------
# Step 7: the changes


def round_changes(rnd: Round, result) -> list[dict]:
    """Every difference from the previous round: a previous pair kept, moved (the mentee has
    another mentor now) or dissolved (the mentee has none, or left), a new pair new; each with
    its cause and the cause's parameters."""
    graph, roster = result.graph, result.roster
    per_form = roster.config.program.one_mentor_per == "form"
    new_of: dict[tuple, tuple[str, str]] = {}
    for e in result.solution.edges.tolist():
        t, m, f = (roster.mentees.ids[int(graph.mentee[e])], roster.mentors.ids[int(graph.mentor[e])],
                   roster.form_ids[int(graph.form[e])])
        new_of[(t, f if per_form else None)] = (m, f)
    used = set()
    records = []
    for pair in rnd.old:
        form = pair.form
        if per_form and form is None and pair.edge >= 0:
            form = roster.form_ids[int(graph.form[pair.edge])]
        key = (pair.mentee_id, form if per_form else None)
        new = new_of.get(key) if rnd.gone.get(pair.mentee_id) != "left" else None
        if new is not None and key in used:
            new = None
        record = {"mentee_id": pair.mentee_id, "previous_mentor_id": pair.mentor_id, "previous_form": form,
                  "mentor_id": None, "form": None, "source": pair.source}
        if new is not None:
            used.add(key)
            record["mentor_id"], record["form"] = new
        if new is not None and new[0] == pair.mentor_id:
            record.update(change="kept", cause="still_valid", params={})
        else:
            cause = pair.ended
            if cause is None and pair.mentor_id in rnd.over_capacity:
                cause, pair.params = "capacity_reduced", {"capacity": rnd.over_capacity[pair.mentor_id]}
            cause = cause or ("made_room" if new is not None else "could_not_stay")
            record.update(change="moved" if new is not None else "dissolved", cause=cause, params=dict(pair.params))
        records.append(record)
    for (t, _), (m, f) in sorted(new_of.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        key = (t, f if per_form else None)
        if key in used:
            continue
        if t in rnd.raised:
            cause, params = "waited", {"rounds": rnd.raised[t], "priority": rnd.waiting_priority}
        elif rnd.previous.kind == "result" and t not in rnd.previous.names:
            cause, params = "arrived", {}
        else:
            cause, params = "had_none", {}
        records.append({"mentee_id": t, "previous_mentor_id": None, "previous_form": None, "mentor_id": m,
                        "form": f, "source": None, "change": "new", "cause": cause, "params": params})
    _who_gained(records)
    order = {"dissolved": 0, "moved": 1, "new": 2, "kept": 3}
    records.sort(key=lambda r: (order[r["change"]], r["mentee_id"], r["previous_mentor_id"] or "",
                                r["mentor_id"] or ""))
    return records


def _who_gained(records: list[dict]) -> None:
    """A pair the solver moved (made_room) names the mentees it made room for: those paired
    anew, or moved for a cause of their own, that the moves connect to it (through the mentors
    whose places changed hands)."""
    parent: dict[str, str] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    changed = [r for r in records if r["change"] != "kept"]
    for r in changed:
        for mentor in (r["previous_mentor_id"], r["mentor_id"]):
            if mentor is not None:
                parent[find("t:" + r["mentee_id"])] = find("m:" + mentor)
    gainers: dict[str, list[str]] = {}
    for r in changed:
        if r["mentor_id"] is not None and r["cause"] != "made_room":
            gainers.setdefault(find("t:" + r["mentee_id"]), []).append(r["mentee_id"])
    for r in changed:
        if r["cause"] == "made_room":
            gained = sorted(set(gainers.get(find("t:" + r["mentee_id"]), [])))
            # Moved with nobody gaining: the pair itself could not stay (the rules of groups).
            r["cause"], r["params"] = ("made_room", {"mentees": gained}) if gained else ("could_not_stay", {})


def never_again(rnd: Round, records: list[dict]) -> list[dict]:
    """The pairs no later round proposes: the earlier rounds' and the consilium's forbids (in
    the result's forbids already) and this round's previous pairs that ended for a reason of
    their own."""
    return [{"mentee_id": r["mentee_id"], "mentor_id": r["previous_mentor_id"], "cause": r["cause"]}
            for r in records if r["change"] in ("moved", "dissolved") and r["cause"] not in MOVED_BY_SOLVER]


def waiting_after(rnd: Round, unmatched_ids: list[str]) -> dict[str, int]:
    """Rounds each mentee left without a pair in this round has waited, this one included."""
    return {t: rnd.previous.waiting.get(t, 0) + 1 for t in sorted(unmatched_ids)}
