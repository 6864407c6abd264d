"""Contradictory locks: the smallest set of consilium decisions that cannot hold together,
and the rules they clash over.

When the locks admit no assignment (exit code 3), the solver reports a clash: a lock a hard
rule blocks, one mentee locked twice, a mentor locked past capacity, or an unsatisfiable core
of CP-SAT's lock assumptions. A core is sufficient, not minimal (it often names every lock),
so each clash is reduced by deletion: drop a lock, re-check feasibility, keep it out if the
rest still cannot hold. What is left is minimal — removing any one lock makes the rest
feasible — and the rules involved are found the same way: a family of rules (one mentor per
mentee, capacity, group minimum, grade spread, no mutual mentoring, one pair once) is
involved when relaxing it alone makes the core feasible.

Every check is a feasibility question, not an optimisation: locks alone are a feasible
assignment unless a side constraint (group minimums, ...) is on, and then CP-SAT answers
with an objective of zero, which it settles at its first solution.
"""
from __future__ import annotations

import time
from collections import Counter

import numpy as np

from . import constraints
from .i18n import register
from .solve import edges_of_locks, side_constraints
from .solve.cpsat import SideConstraints, solve_cpsat
from .solve.objective import slot_of_edges
from .jsonutil import jsonable
from .results import category_title, deciding_reasons, person

# The keys of a clash, its locks and its rules that hold a person's id.
PERSON_KEYS = ("mentor", "mentee", "a", "b", "id", "mentor_id", "mentee_id", "partner_id")

FAMILIES = ("one_mentor", "capacity", "group_min", "grade_spread", "mutual", "same_pair")

register({
    # the clash as the solver found it; people as "Name (ID)"
    "conflict.lock_blocked": ("закрепление {source} «{mentor} – {mentee}» нарушает правила: {rules}",
                              "lock {source} {mentor} – {mentee} breaks the rules: {rules}"),
    "conflict.lock_one_mentor": ("наставляемый {mentee} по закреплениям {sources} получает больше одного наставника",
                                 "locks {sources} give mentee {mentee} more than one mentor"),
    "conflict.lock_capacity": ("наставник {mentor}: закрепления {sources} превышают число мест — {capacity}",
                               "locks {sources} exceed the places of mentor {mentor}: {capacity}"),
    "conflict.lock_core": ("закрепления {sources} вместе несовместимы с правилами (групповой минимум, вместимость)",
                           "locks {sources} together cannot hold under the rules (group minimum, capacity)"),
    "conflict.minimal": ("Этого достаточно для противоречия: снятие любого из этих закреплений его устраняет.",
                         "This is enough for the clash: dropping any one of these locks resolves it."),
    "conflict.minimal_one": ("Снятие этого закрепления устраняет противоречие.",
                             "Dropping this lock resolves the clash."),
    "conflict.not_minimal": ("Проверка сокращения прервана по времени: возможно, не все закрепления здесь необходимы.",
                             "Reducing the clash was cut short by time: not every lock here may be needed."),
    "conflict.item": ("закрепление {source}: наставник {mentor} – наставляемый {mentee}",
                      "lock {source}: mentor {mentor} – mentee {mentee}"),
    "conflict.item_form": ("закрепление {source}: наставник {mentor} – наставляемый {mentee} (форма «{form}»)",
                           "lock {source}: mentor {mentor} – mentee {mentee} (form '{form}')"),
    "conflict.no_source": ("без указания строки", "no row given"),
    "conflict.rules": ("Правила, с которыми они расходятся:", "Rules they clash with:"),
    "conflict.rule.one_mentor": ("наставляемый {mentee} может иметь только одного наставника",
                                 "mentee {mentee} can have only one mentor"),
    "conflict.rule.one_mentor_form": ("наставляемый {mentee} может иметь только одного наставника в форме «{form}»",
                                      "mentee {mentee} can have only one mentor in form '{form}'"),
    "conflict.rule.capacity": ("наставник {mentor}: вместимость — не больше {capacity} (закреплено: {locked})",
                               "mentor {mentor} takes at most {capacity} (locked: {locked})"),
    "conflict.rule.group_min": ("наставник {mentor} ведёт группу не меньше {min} или не ведёт её вовсе; "
                                "подходящих наставляемых для группы не хватает",
                                "mentor {mentor} leads a group of at least {min} or none; not enough mentees "
                                "can join it"),
    "conflict.rule.grade_spread": ("наставник {mentor}: в группе классы различаются не больше чем на {max} "
                                   "(закреплены классы: {grades})",
                                   "grades in mentor {mentor}'s group differ by at most {max} "
                                   "(locked grades: {grades})"),
    "conflict.rule.mutual": ("{a} и {b} не могут быть наставниками друг для друга",
                             "{a} and {b} cannot mentor each other"),
    "conflict.rule.same_pair": ("пара «{mentor} – {mentee}» может быть только в одной форме",
                                "the pair {mentor} – {mentee} can be in one form only"),
    "conflict.rule.blocked": ("пару «{mentor} – {mentee}» запрещает правило: {rule}",
                              "the pair {mentor} – {mentee} is blocked by the rule: {rule}"),
    "conflict.no_shared_form": ("наставник {mentor_id} и наставляемый {mentee_id}: нет общей формы "
                                "наставничества (наставник: {mentor_forms}; наставляемый: {mentee_forms})",
                                "mentor {mentor_id} and mentee {mentee_id} share no form of mentoring "
                                "(mentor: {mentor_forms}; mentee: {mentee_forms})"),
    "conflict.no_form": ("нет", "none"),
})


class _Oracle:
    """Feasibility of a subset of the locks, optionally with one family of rules relaxed."""

    def __init__(self, graph, locks, deadline: float, seed: int, workers: int):
        self.graph, self.locks = graph, locks
        self.roster = graph.roster
        self.slot = slot_of_edges(graph)
        self.capacity = self.roster.mentors.capacity.astype(np.int64)
        self.side = side_constraints(graph)
        self.lock_edges, _ = edges_of_locks(graph, locks)
        self.deadline = deadline
        self.seed, self.workers = seed, workers
        self.zero = np.zeros(graph.n_edges, dtype=np.int64)

    def _relaxed(self, relax: str | None):
        slot, capacity, side = self.slot, self.capacity, self.side
        if relax == "one_mentor":
            slot = np.arange(self.graph.n_edges, dtype=np.int64)
        elif relax == "capacity":
            capacity = np.full_like(capacity, max(1, self.graph.n_edges))
        elif relax in ("group_min", "grade_spread", "mutual", "same_pair"):
            side = SideConstraints(
                group_min=np.zeros_like(side.group_min) if relax == "group_min" else side.group_min,
                max_grade_spread=None if relax == "grade_spread" else side.max_grade_spread,
                mentee_grade=side.mentee_grade,
                mutual_pairs=np.zeros((0, 2), np.int64) if relax == "mutual" else side.mutual_pairs,
                same_pair_groups=[] if relax == "same_pair" else side.same_pair_groups)
        return slot, capacity, side

    def feasible(self, subset: list[int], relax: str | None = None) -> bool | None:
        """True, False, or None when the check ran out of time."""
        edges = [self.lock_edges[k] for k in subset]
        if any(e < 0 for e in edges):
            return False  # a lock no rule admits
        slot, capacity, side = self._relaxed(relax)
        if len({int(slot[e]) for e in edges}) < len(edges):
            return False
        load = Counter(int(self.graph.mentor[e]) for e in edges)
        if any(n > capacity[j] for j, n in load.items()):
            return False
        if not side.active(self.graph, capacity):
            return True  # the locks alone are an assignment
        left = self.deadline - time.perf_counter()
        if left <= 0:
            return None
        res = solve_cpsat(self.graph, self.zero, slot, capacity, side, edges, time_limit=left, seed=self.seed,
                          workers=self.workers)
        if res.status in ("OPTIMAL", "FEASIBLE"):
            return True
        return False if res.status == "INFEASIBLE" else None


def minimal_core(oracle: _Oracle, core: list[int]) -> tuple[list[int], bool]:
    """Deletion filter: every lock whose removal leaves the rest infeasible goes. Returns the
    core and whether it is proven minimal (no check was cut short)."""
    core = sorted(set(core))
    minimal = True
    for k in list(core):
        if len(core) <= 1:
            break  # one lock that cannot hold: no locks at all always can
        trial = [x for x in core if x != k]
        verdict = oracle.feasible(trial)
        if verdict is False:
            core = trial
        elif verdict is None:
            minimal = False
    return core, minimal


def _rule_details(oracle: _Oracle, core: list[int], families: list[str]) -> list[dict]:
    """Each rule involved, with the people and numbers it is about."""
    graph, roster, locks = oracle.graph, oracle.roster, oracle.locks
    edges = [oracle.lock_edges[k] for k in core]
    out = []
    for k, e in zip(core, edges):
        if e < 0:
            lock = locks[k]
            mask = graph.reason_mask(lock.mentee, lock.mentor)
            f = graph.reason_form(lock.mentee, lock.mentor)
            form = lock.form or (roster.form_ids[f] if f >= 0 else None)
            if lock.form is not None:
                mask = int(constraints.reasons_mask(roster, np.array([lock.mentee]), np.array([lock.mentor]),
                                                    lock.form)[0]) or mask
            # Outside the form's categories the other rules of that form stand in nobody's way.
            for code in graph.reason_codes(int(deciding_reasons(np.array([mask], dtype=np.uint32))[0])):
                rule = constraints.rule_by_code(code)
                if rule and form:
                    details = rule.details(roster, lock.mentee, lock.mentor, form)
                elif code == "form_compat":
                    details = _no_shared_form(roster, lock.mentee, lock.mentor)
                else:
                    details = {}
                out.append({"code": "blocked", "rule": code, "mentor": roster.mentors.ids[lock.mentor],
                            "mentee": roster.mentees.ids[lock.mentee], "form": form,
                            "details": jsonable(details)})
    valid = [e for e in edges if e >= 0]
    per_form = roster.config.program.one_mentor_per == "form"
    if "one_mentor" in families:
        by_slot = Counter(int(oracle.slot[e]) for e in valid)
        for e in valid:
            if by_slot.get(int(oracle.slot[e]), 0) > 1:
                by_slot[int(oracle.slot[e])] = 0
                out.append({"code": "one_mentor", "mentee": roster.mentees.ids[int(graph.mentee[e])],
                            "form": roster.form_ids[int(graph.form[e])] if per_form else None})
    mentors = sorted({int(graph.mentor[e]) for e in valid})
    load = Counter(int(graph.mentor[e]) for e in valid)
    if "capacity" in families:
        for j in mentors:
            out.append({"code": "capacity", "mentor": roster.mentors.ids[j], "capacity": int(oracle.capacity[j]),
                        "locked": int(load[j])})
    if "group_min" in families:
        for j in mentors:
            if oracle.side.group_min[j] > 1:
                out.append({"code": "group_min", "mentor": roster.mentors.ids[j], "min": int(oracle.side.group_min[j])})
    if "grade_spread" in families:
        for j in mentors:
            grades = sorted(int(oracle.side.mentee_grade[graph.mentee[e]]) for e in valid
                            if graph.mentor[e] == j and oracle.side.mentee_grade[graph.mentee[e]] >= 0)
            if len(grades) > 1:
                out.append({"code": "grade_spread", "mentor": roster.mentors.ids[j],
                            "max": oracle.side.max_grade_spread, "grades": grades})
    if "mutual" in families:
        chosen = set(valid)
        for a, b in oracle.side.mutual_pairs.tolist():
            if a in chosen and b in chosen:
                out.append({"code": "mutual", "a": roster.mentors.ids[int(graph.mentor[a])],
                            "b": roster.mentors.ids[int(graph.mentor[b])]})
    if "same_pair" in families:
        chosen = set(valid)
        for group in oracle.side.same_pair_groups:
            if sum(int(e) in chosen for e in group) > 1:
                e = int(group[0])
                out.append({"code": "same_pair", "mentor": roster.mentors.ids[int(graph.mentor[e])],
                            "mentee": roster.mentees.ids[int(graph.mentee[e])]})
    return out



def _no_shared_form(roster, mentee: int, mentor: int) -> dict:
    def forms(side, k):
        return [f for f in roster.form_ids if int(side.forms[k]) & roster.form_bit(f)]

    return {"code": "conflict.no_shared_form", "mentor_id": roster.mentors.ids[mentor],
            "mentee_id": roster.mentees.ids[mentee], "mentor_forms": forms(roster.mentors, mentor),
            "mentee_forms": forms(roster.mentees, mentee)}


def explain_conflicts(graph, locks, raw: list[dict], *, time_limit: float = 20.0, seed: int = 0,
                      workers: int = 2, deadline: float | None = None) -> list[dict]:
    """The solver's clashes, each reduced to a minimal core of locks, with the rules involved.

    Every entry keeps its kind and keys ("lock" or "locks", "sources", ...) and gains
    "minimal" (proven), "items" (each lock: index, mentor, mentee, form, file:row) and
    "rule_details" (each rule: a code and its parameters). Clashes that name the same
    minimal core are merged. Checks cut short by the deadline (`time_limit` from now unless
    given) leave the core unproven ("minimal": false)."""
    deadline = time.perf_counter() + time_limit if deadline is None else deadline
    oracle = _Oracle(graph, locks, deadline, seed, workers)
    roster = graph.roster
    out, seen = [], set()
    for item in raw:
        named = [item["lock"]] if "lock" in item else list(item.get("locks", []))
        if not named:
            out.append(item)
            continue
        core, minimal = minimal_core(oracle, named)
        if tuple(core) in seen:
            continue
        seen.add(tuple(core))
        families = []
        if all(oracle.lock_edges[k] >= 0 for k in core):
            for family in FAMILIES:
                if oracle.feasible(core, relax=family) is True:
                    families.append(family)
        entry = dict(item)
        if "lock" in item:
            entry["lock"] = core[0]
            entry["source"] = locks[core[0]].source
        entry["locks"] = core
        entry["sources"] = [locks[k].source for k in core]
        entry["minimal"] = minimal
        entry["families"] = families
        entry["items"] = [{"lock": k, "mentor": roster.mentors.ids[locks[k].mentor],
                           "mentee": roster.mentees.ids[locks[k].mentee], "form": locks[k].form,
                           "source": locks[k].source} for k in core]
        entry["rule_details"] = _rule_details(oracle, core, families)
        entry["people"] = _people(roster, entry)
        # Messages name forms by their titles (conflict_lines has no configuration at hand).
        entry["form_titles"] = {f: {"ru": roster.config.form_title(f, "ru"), "en": roster.config.form_title(f, "en")}
                                for f in roster.form_ids}
        out.append(entry)
    return out


def _people(roster, entry: dict) -> dict:
    """Everyone the clash names, by id: name and gender (for the words that agree with them)."""
    ids = set()
    for part in [entry, *entry.get("items", []), *entry.get("rule_details", []),
                 *(r.get("details") or {} for r in entry.get("rule_details", []))]:
        ids.update(part[key] for key in PERSON_KEYS if isinstance(part.get(key), str))
    people = {}
    for pid in sorted(ids):
        for side in (roster.mentors, roster.mentees):
            k = side.index.get(pid)
            if k is not None:
                people[pid] = {"name": side.names[k], "gender": side.participants[k].gender}
                break
    return people


def _named(params: dict, people: dict) -> dict:
    """Parameters with each person as every presenter names them: "Name (ID)"."""
    return {k: person(people, v) if k in PERSON_KEYS and isinstance(v, str) else v for k, v in params.items()}


def conflict_headline(item: dict, lang: str) -> str:
    """What the clash is, in one line: the locks (file:row), the people, the rules."""
    from .i18n import render

    params = _named(item, item.get("people") or {})
    if "rules" in params:
        params["rules"] = ", ".join(render(f"rule_title.{r}", None, lang) for r in params["rules"])
    if "sources" in params:
        params["sources"] = ", ".join(str(s) for s in params["sources"] if s) or "-"
    params["source"] = params.get("source") or ""
    return render(f"conflict.{item['kind']}", params, lang)


def conflict_lines(item: dict, lang: str) -> list[str]:
    """A clash worded for the terminal: its locks, the rules involved, whether it is minimal."""
    from .i18n import render

    lines = []
    titles, people = item.get("form_titles") or {}, item.get("people") or {}
    for it in item.get("items", []):
        params = {**_named(it, people), "source": it.get("source") or render("conflict.no_source", None, lang)}
        if it.get("form"):
            params["form"] = _form_title(titles, it["form"], lang)
        lines.append(render("conflict.item_form" if it.get("form") else "conflict.item", params, lang))
    rules = item.get("rule_details") or []
    if rules:
        lines.append(render("conflict.rules", None, lang))
        for rule in rules:
            lines.append("  - " + rule_text(rule, lang, titles, people))
    if "minimal" in item:
        code = "conflict.not_minimal" if not item["minimal"] else \
            "conflict.minimal_one" if len(item.get("items", [])) == 1 else "conflict.minimal"
        lines.append(render(code, None, lang))
    return lines


def _form_title(titles: dict, form, lang: str) -> str:
    return (titles.get(form) or {}).get(lang) or str(form)


def rule_text(rule: dict, lang: str, titles: dict | None = None, people: dict | None = None) -> str:
    """One rule of a clash in words; `titles` (form id -> {lang: title}) names forms by title,
    `people` (id -> name, gender) people by name."""
    from .i18n import render

    titles, people = titles or {}, people or {}
    code = rule["code"]
    rule = _named(rule, people)
    if code == "blocked":
        details = _named(rule.get("details") or {}, people)
        detail_code = details.pop("code", None) or rule["rule"]
        if isinstance(details.get("form"), str):
            details["form"] = _form_title(titles, details["form"], lang)
        for key in ("mentor_forms", "mentee_forms"):
            if isinstance(details.get(key), list):
                details[key] = ", ".join(f"«{_form_title(titles, f, lang)}»" if lang == "ru" else
                                         f"'{_form_title(titles, f, lang)}'" for f in details[key]) \
                    or render("conflict.no_form", None, lang)
        if isinstance(details.get("allowed"), list):
            details["allowed"] = ", ".join(category_title(c, lang) for c in details["allowed"])
        if isinstance(details.get("category"), str):
            details["category"] = category_title(details["category"], lang)
        text = render(detail_code, details, lang) if details else render(f"rule_title.{rule['rule']}", None, lang)
        return render("conflict.rule.blocked", {**rule, "rule": text}, lang)
    if code == "one_mentor" and rule.get("form"):
        return render("conflict.rule.one_mentor_form", {**rule, "form": _form_title(titles, rule["form"], lang)}, lang)
    if code == "grade_spread":
        return render("conflict.rule.grade_spread", {**rule, "grades": ", ".join(map(str, rule["grades"]))}, lang)
    return render(f"conflict.rule.{code}", rule, lang)
