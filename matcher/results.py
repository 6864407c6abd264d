"""Result documents and output files: pairs.csv, unmatched.csv, result.json (+ pairs.xlsx).

result.json is deterministic for the same input, configuration and seed: no timestamps
and no wall times in it (the CLI prints those), sorted iteration everywhere.
"""
from __future__ import annotations

import functools
import gc
import json
from pathlib import Path

import numpy as np

from . import __version__, constraints, scoring
from .graph import DECIDING_BITS, SCORE_SCALE, deciding_reasons  # noqa: F401 - re-exported
from .i18n import Gendered, number, plural_category, register, render
from .io.outputset import OutputSet
from .io.writers import csv_bytes, xlsx_bytes
from .jsonutil import dumps_readable, jsonable

register({
    "unmatched.no_candidate": ("нет ни одного подходящего наставника: чаще всего мешает правило «{top_rule}»",
                               "no mentor passes the hard rules; most often blocked by: {top_rule}"),
    "unmatched.no_candidate_in_form": ("нет ни одного подходящего наставника: среди наставников, подходящих по форме, "
                                       "чаще всего мешает правило «{top_rule}» ({count})",
                                       "no mentor passes the hard rules; among mentors who fit the form, most often "
                                       "blocked by: {top_rule} ({count})"),
    "unmatched.no_mentor_in_form": ("в выбранных наставляемым формах нет ни одного наставника",
                                    "no mentor takes part in the mentee's forms"),
    "unmatched.no_form": ("{self:gender:наставляемый не указал|наставляемая не указала} ни одной формы "
                          "наставничества этой программы",
                          "the mentee chose no form of mentoring of this programme"),
    # What the optimum proves: no better (a tie is possible; explain finds the ties it checks: candidates_tied).
    "unmatched.candidates_taken": ("{count} {count:plural:подходящий наставник занят|подходящих наставника заняты|"
                                   "подходящих наставников заняты} другими наставляемыми: если поставить "
                                   "{self:gender:этого наставляемого|эту наставляемую} к {count:plural:этому наставнику|любому из них|любому из них}, "
                                   "общий результат лучше не станет",
                                   "{count} suitable {count:plural:mentor is|mentors are} needed by other mentees: "
                                   "pairing this mentee with {count:plural:that mentor|any of them} does not make the "
                                   "overall result better"),
    "unmatched.candidates_tied": ("{count} {count:plural:подходящий наставник занят|подходящих наставника заняты|"
                                  "подходящих наставников заняты} другими наставляемыми, но есть равноценный вариант "
                                  "— {mentor}: если поставить {self:gender:этого наставляемого|эту наставляемую} к "
                                  "этому наставнику, общий итог не изменится (решатель выбрал одно из равноценных "
                                  "распределений, консилиум может выбрать другое)",
                                  "{count} suitable {count:plural:mentor is|mentors are} needed by other mentees, but "
                                  "there is an equal option, {mentor}: pairing this mentee with that mentor leaves the "
                                  "overall result the same (the solver chose one of equally good assignments; the "
                                  "consilium may choose another)"),
    "unmatched.no_places": ("у {count} {count:plural:подходящего наставника|подходящих наставников|"
                            "подходящих наставников} нет мест (вместимость 0)",
                            "{count} suitable {count:plural:mentor has|mentors have} no places (capacity 0)"),
    # candidates_taken without the proof: the solver stopped at the time limit before it.
    "unmatched.not_chosen": ("{count} {count:plural:подходящий наставник занят|подходящих наставника заняты|"
                             "подходящих наставников заняты} другими наставляемыми, а решатель остановился по лимиту "
                             "времени (--time-limit) раньше, чем проверил, можно ли освободить место без потерь для "
                             "других пар",
                             "{count} suitable {count:plural:mentor is|mentors are} needed by other mentees, and the "
                             "solver stopped at the time limit (--time-limit) before checking whether a place could "
                             "be freed without a loss to other pairs"),
    "unmatched.category_not_in_form": ("категория наставляемого «{category}» не допускается в {forms_count:plural:"
                                       "выбранной форме|выбранных формах|выбранных формах} {forms} "
                                       "(допустимы: {allowed}): пару в {forms_count:plural:ней|них|них} составить "
                                       "нельзя",
                                       "the mentee's category '{category}' is not allowed in the chosen "
                                       "{forms_count:plural:form|forms} {forms} (allowed: {allowed}): no pair is "
                                       "possible there"),
    "unmatched.category_unknown_not_in_form": ("категория наставляемого не указана, а {forms_count:plural:"
                                               "выбранная форма|выбранные формы|выбранные формы} {forms} "
                                               "{forms_count:plural:допускает|допускают|допускают} только: {allowed}",
                                               "the mentee's category is not given, and the chosen "
                                               "{forms_count:plural:form|forms} {forms} "
                                               "{forms_count:plural:allows|allow} only: {allowed}"),
    "unmatched.group_min_unreachable": ("наставник {mentor} ведёт группу не меньше {min} {min:plural:человека|человек|"
                                        "человек}, а подходящих наставляемых только {suitable}: группа не может "
                                        "собраться",
                                        "mentor {mentor} leads a group of at least {min}, but only {suitable} "
                                        "suitable {suitable:plural:mentee exists|mentees exist}: the group "
                                        "cannot be formed"),
    "unmatched.mutual": ("{mentee} и {mentor} не могут одновременно быть наставником и наставляемым друг для "
                         "друга: уже есть пара, где {mentee} — наставник, а {mentor} — "
                         "{mentor:gender:наставляемый|наставляемая}",
                         "{mentee} and {mentor} cannot be each other's mentor and mentee at the same time: "
                         "{mentee} already mentors {mentor}"),
    "unmatched.group_rules": ("у подходящих наставников есть свободные места, но правила групп (наименьший размер "
                              "группы, разброс классов, запрет взаимного наставничества) не оставляют места для "
                              "{self:gender:этого наставляемого|этой наставляемой}",
                              "suitable mentors have free places, but the rules of groups (smallest group size, "
                              "spread of grades, no mutual mentoring) leave no room for this mentee"),
    # a person beside their name: a student's class, anyone else's category
    "person.grade": ("{grade} класс", "grade {grade}"),
    "header.mentor_position": ("Класс или категория наставника", "mentor_position"),
    "header.mentor_subjects": ("Предметы наставника", "mentor_subjects"),
    "header.mentee_position": ("Класс или категория наставляемого", "mentee_position"),
    "header.mentee_subjects": ("Предметы наставляемого", "mentee_subjects"),
    "category.teacher": ("учитель", "teacher"),
    "category.young_teacher": ("молодой специалист", "young teacher"),
    "category.student": ("{who:gender:ученик|ученица}", "student"),
    "category.graduate": ("{who:gender:выпускник|выпускница}", "graduate"),
    "category.parent": ("родитель", "parent"),
    "category.employer": ("работодатель", "employer"),
    "category.university_student": ("{who:gender:студент|студентка}", "university student"),
    "rule_title.self_pair": ("один и тот же человек", "same person"),
    "rule_title.form_compat": ("форма наставничества", "form of mentoring"),
    "rule_title.consent": ("согласие", "consent"),
    "rule_title.age_gap": ("разница в возрасте", "age gap"),
    "rule_title.grade_order": ("класс наставника", "mentor's grade"),
    "rule_title.experience": ("стаж", "experience"),
    "rule_title.same_subject": ("общий предмет", "same subject"),
    "rule_title.trained": ("подготовка наставника", "mentor training"),
    "rule_title.avoid": ("просьба не объединять", "asked not to be paired"),
    "rule_title.hard_wishes": ("обязательные пожелания", "hard wishes"),
    "rule_title.forbidden": ("запрет консилиума", "forbidden by the consilium"),
    "rule_title.min_score": ("минимальная оценка пары", "minimum pair score"),
    "rule_title.history": ("история программы", "the programme's history"),
    # why the programme's history keeps a pair out (matcher.history.carry; the "history" rule's details)
    "history.reason.ended": ("пару расформировали при перераспределении в {year} учебном году: она больше не "
                             "предлагается",
                             "dissolved by a re-match in {year}: not proposed again"),
    "history.reason.unacceptable": ("по мониторингу {year} учебного года пара неэффективна: {total} из 18 баллов "
                                    "(0–8 — недопустимый уровень)",
                                    "rated unacceptable in the {year} monitoring: {total} of 18 points (0–8 is "
                                    "unacceptable)"),
    "history.carry_excluded": ("Пар, которые по истории программы больше не предлагаются: {n} (расформированы при "
                               "перераспределении: {ended}; неэффективны по мониторингу: {unacceptable})",
                               "Pairs not proposed again because of the programme's history: {n} ({ended} dissolved "
                               "by a re-match, {unacceptable} rated unacceptable in monitoring)"),
    "history.carry_raised": ("Приоритет повышен на {by} для наставляемых, оставшихся без пары в {year} учебном "
                             "году: {n}",
                             "Priority raised by {by} for mentees left without a pair in {year}: {n}"),
    "component.interests": ("интересы", "interests"),
    "component.needs": ("запросы и помощь", "needs and offers"),
    "component.mirror": ("зеркальные пожелания", "mirror wishes"),
    "component.psych": ("психологическая совместимость", "psychological compatibility"),
    "component.ranking": ("выбор после быстрых встреч", "speed-meeting choices"),
    "component.availability": ("свободное время", "free time"),
    "header.mentor_id": ("Код наставника", "mentor_id"),
    "header.mentor_name": ("Наставник", "mentor_name"),
    "header.mentee_id": ("Код наставляемого", "mentee_id"),
    "header.mentee_name": ("Наставляемый", "mentee_name"),
    "header.form": ("Форма", "form"),
    "header.score": ("Оценка", "score"),
    "header.reasons": ("Обоснование", "reasons"),
    "header.reason_code": ("Код причины", "reason_code"),
    "header.reason": ("Причина", "reason"),
    "gap.priority.one": ("ещё до {n} наставляемого с приоритетом {priority}", "up to {n} more priority-{priority} mentee"),
    "gap.priority.few": ("ещё до {n} наставляемых с приоритетом {priority}",
                         "up to {n} more priority-{priority} mentees"),
    "gap.priority.many": ("ещё до {n} наставляемых с приоритетом {priority}",
                          "up to {n} more priority-{priority} mentees"),
    "gap.matched.one": ("ещё до {n} пары", "up to {n} more pair"),
    "gap.matched.few": ("ещё до {n} пар", "up to {n} more pairs"),
    "gap.matched.many": ("ещё до {n} пар", "up to {n} more pairs"),
    "gap.score": ("сумма оценок — ещё до {gap} ({pct} %)", "sum of scores up to {gap} more ({pct} %)"),
    "gap.score_resolution": ("оценки пар сравнивались с шагом {step} вместо {finest}: сумма оценок может быть "
                             "ниже наилучшей менее чем на {step} на каждую пару",
                             "pair scores were compared in steps of {step} instead of {finest}: the total score may "
                             "fall short of the best by less than {step} per pair"),
})

# Columns after `reasons` came later: appended, so readers by position keep working.
PAIR_COLUMNS = ["mentor_id", "mentor_name", "mentee_id", "mentee_name", "form", "score", "reasons",
                "mentor_position", "mentor_subjects", "mentee_position", "mentee_subjects"]
UNMATCHED_COLUMNS = ["mentee_id", "mentee_name", "reason_code", "reason"]


_settled = False
YOUNG_THRESHOLD = 10_000  # objects allocated between collections of the youngest generation (Python's: 700)


def gc_settle() -> None:
    """After a process has imported the engine: the objects the imports made (modules,
    functions, classes: most of the heap) are moved out of the collector's reach for good, and
    the youngest generation is collected less often. A run makes ~10^6 small acyclic objects;
    with Python's defaults, the collector's passes over them and over the imports' objects took
    ~0.25 s of a 1,000-mentee re-match, ~0.05 s after this. Once a process: later calls (a
    batch worker's next programme, a test's next command) change nothing."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def gc_paused(build):
    """Run `build` with the cyclic garbage collector paused: a document is ~10^6 small
    objects, and the collector's full passes over the heap as they pile up took ~15 % of
    the explanations' time. Nothing built here needs it (no reference cycles)."""
    @functools.wraps(build)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return paused


def _round(x: float, digits: int = 4) -> float:
    return float(round(float(x), digits))


PROFILE_FIELDS = ("gender", "category", "grade", "subjects")


def profile(person, role: str) -> dict:
    """What a reader is shown beside a person's name, as `<role>_<field>` keys: gender (for the
    words that agree with it), category, class with its letter ("7Б"), subjects."""
    grade = f"{person.grade}{person.grade_letter or ''}" if person.grade is not None else None
    return {f"{role}_gender": person.gender, f"{role}_category": person.category, f"{role}_grade": grade,
            f"{role}_subjects": list(person.subjects)}


def pair_records(result) -> list[dict]:
    graph, roster = result.graph, result.roster
    weights = scoring.weights_vector(roster.config, roster)
    wsum = weights.sum() or 1.0
    locked = {(lk.mentee, lk.mentor) for lk in result.locks}
    # The chosen edges' arrays read once as Python values, not element by element.
    edges = np.asarray(result.solution.edges, dtype=np.int64)
    mentees, mentors = graph.mentee[edges].tolist(), graph.mentor[edges].tolist()
    forms, scores, score_ints = graph.form[edges].tolist(), graph.score[edges].tolist(), graph.score_int[edges].tolist()
    live = [(k, comp, float(weights[k]), _round(weights[k] / wsum)) for k, comp in enumerate(scoring.COMPONENTS)
            if weights[k] > 0]
    values = graph.components[edges][:, [k for k, *_ in live]].tolist() if len(edges) else []
    reasons = [scoring.explain_pairs(comp, roster, mentees, mentors) for _, comp, *_ in live]
    priority = roster.mentees.priority.tolist()
    wsum = float(wsum)
    named = [(comp.NAME, weight, weight_share) for _, comp, weight, weight_share in live]
    out = []
    for n, (i, j) in enumerate(zip(mentees, mentors)):
        comps = {}
        for (name, weight, weight_share), value, reason in zip(named, values[n], reasons):
            code, params = reason[n]
            comps[name] = {
                "value": round(value, 4), "weight": weight_share,
                "contribution": round(value * weight / wsum, 4),
                "reason": {"code": code, "params": params},  # JSON values already (scoring's contract)
            }
        out.append({
            "mentor_id": roster.mentors.ids[j], "mentor_name": roster.mentors.names[j],
            "mentee_id": roster.mentees.ids[i], "mentee_name": roster.mentees.names[i],
            **profile(roster.mentees.participants[i], "mentee"),
            "form": roster.form_ids[forms[n]], "score": _round(scores[n]),
            "score_int": int(score_ints[n]), "priority": int(priority[i]),
            "locked": (i, j) in locked, "components": comps,
        })
    out.sort(key=lambda p: (p["mentor_id"], p["mentee_id"], p["form"]))
    return out


def rules_blocking(masks: np.ndarray) -> dict[str, int]:
    """How many pairs of a row of reason masks each rule really blocks (deciding_reasons)."""
    reduced = deciding_reasons(masks)
    out = {}
    for code, bit in constraints.RULE_BIT.items():
        count = int(np.count_nonzero(reduced & bit))
        if count:
            out[code] = count
    return out


def mentee_rules_blocking(graph, i: int) -> dict[str, int]:
    """rules_blocking of mentee i's row, from the graph's counts."""
    return {code: int(n) for code, n in zip(constraints.RULE_CODES, graph.blocked_counts[i].tolist()) if n}


def category_misfit(roster, i: int) -> dict | None:
    """When mentee i's category is allowed in none of the forms they chose: the category, the
    forms and the categories those forms allow; None when some chosen form admits them."""
    from .arrays import CATEGORIES

    forms = [f for f in roster.form_ids if int(roster.mentees.forms[i]) & roster.form_bit(f)]
    code = int(roster.mentees.category[i])
    category = CATEGORIES[code] if code >= 0 else None
    allowed: list[str] = []
    for f in forms:
        rule = roster.config.forms[f]
        if not rule.mentee_categories or category in rule.mentee_categories:
            return None
        allowed += [c for c in rule.mentee_categories if c not in allowed]
    if not forms:
        return None
    return {"category": category, "forms": forms, "allowed": allowed}


class CandidateContext:
    """What stands between an unpaired mentee and a suitable mentor besides the hard rules:
    places taken, a group that can never reach its minimum, a mutual pair already chosen."""

    def __init__(self, result, side=None):
        from .solve import side_constraints

        graph, roster = result.graph, result.roster
        self.graph, self.roster = graph, roster
        self.edges = np.asarray(result.solution.edges, dtype=np.int64)
        self.chosen = np.zeros(graph.n_edges, dtype=bool)
        self.chosen[self.edges] = True
        self.capacity = roster.mentors.capacity.astype(np.int64)
        self.load = np.bincount(graph.mentor[self.edges], minlength=roster.mentors.n)
        # Whether "pairing them there makes the result worse" is proven (else only that the places are taken).
        self.proven = result.solution.status == "OPTIMAL"
        self.unreachable = unreachable_groups(result)
        self.in_unreachable = np.zeros(roster.mentors.n, dtype=bool)
        self.in_unreachable[list(self.unreachable)] = True
        self.partners: dict[int, list[int]] = {}
        for a, b in (side if side is not None else side_constraints(graph)).mutual_pairs.tolist():
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)
        # Candidate pairs whose reverse pair (the same two people, roles swapped) is chosen.
        self.mutual_blocked = np.zeros(graph.n_edges, dtype=bool)
        for e in self.partners:
            self.mutual_blocked[e] = self.mutual_partner(e) is not None

    def mutual_partner(self, e: int) -> int | None:
        """The chosen edge that makes edge e the second half of mutual mentoring, if any."""
        return next((x for x in self.partners.get(int(e), []) if self.chosen[x]), None)

    STATES = ("no_place", "group_min_unreachable", "mutual", "taken", "free_place")

    def states(self, edges: np.ndarray) -> np.ndarray:
        """Per candidate edge, an index into STATES (the first that applies)."""
        edges = np.asarray(edges, dtype=np.int64)
        k = self.graph.mentor[edges]
        out = np.full(len(edges), 4, dtype=np.int8)
        out[self.load[k] >= self.capacity[k]] = 3
        out[self.mutual_blocked[edges]] = 2
        out[self.in_unreachable[k]] = 1
        out[self.capacity[k] <= 0] = 0
        return out

    def state(self, e: int) -> str:
        """no_place | group_min_unreachable | mutual | taken | free_place, for a candidate edge."""
        return self.STATES[int(self.states(np.array([e]))[0])]

    def reason(self, i: int) -> tuple[str, dict]:
        """The reason code (unmatched.*) and parameters of why unpaired mentee i has no pair."""
        graph, roster = self.graph, self.roster
        if roster.mentees.forms[i] == 0:
            return "unmatched.no_form", {}
        misfit = category_misfit(roster, i)
        if misfit is not None:
            code = "unmatched.category_not_in_form" if misfit["category"] else "unmatched.category_unknown_not_in_form"
            return code, misfit
        cand = graph.edges_of_mentee(i)
        if not len(cand):
            if not graph.shares_form(i):
                return "unmatched.no_mentor_in_form", {}
            counts = mentee_rules_blocking(graph, i)
            top = max((c for c in counts if c != "form_compat"), key=lambda c: (counts[c], c), default="form_compat")
            if top == "form_compat":
                return "unmatched.no_candidate", {"top_rule": top}
            # Mentors of other forms (counted under the form rule) are no one's obstacle: the
            # headline names the rule among those who fit the form, with its count.
            return "unmatched.no_candidate_in_form", {"top_rule": top, "count": counts[top]}
        states = self.states(cand)
        live, live_states = cand[states > 0], states[states > 0]
        if not len(live):
            return "unmatched.no_places", {"count": len(cand)}
        if (live_states == 1).all():
            k = min((int(x) for x in graph.mentor[live]), key=lambda k: roster.mentors.ids[k])
            return "unmatched.group_min_unreachable", {"mentor": roster.mentors.ids[k],
                                                      "min": int(roster.mentors.group_min[k]),
                                                      "suitable": int(self.unreachable[k])}
        if (live_states == 2).all():
            return "unmatched.mutual", {"mentee": roster.mentees.ids[i],
                                        "mentor": roster.mentors.ids[int(graph.mentor[live[0]])]}
        if (live_states == 4).any():
            # Proven for an optimum (one more pair would raise it) and for an answer cut short,
            # which the solver completes (solve.side.complete): no free place takes them legally.
            return "unmatched.group_rules", {}
        taken = int((live_states == 3).sum())
        return ("unmatched.candidates_taken" if self.proven else "unmatched.not_chosen"), {"count": taken}


def unreachable_groups(result) -> dict[int, int]:
    """Group mentors whose minimum no assignment reaches: mentor -> how many mentees could
    join them (suitable, not locked to another mentor), which is fewer than the minimum."""
    graph, roster = result.graph, result.roster
    group_min = roster.mentors.group_min
    if not (group_min > 1).any() or not graph.n_edges:
        return {}
    capacity = roster.mentors.capacity
    # Only group mentors' edges count; distinct pairs by sorting (a hash unique of millions of
    # keys took seconds).
    of_group = np.flatnonzero(((group_min > 1) & (capacity > 0))[graph.mentor])
    pairs = np.sort(graph.mentee[of_group] * np.int64(roster.mentors.n) + graph.mentor[of_group])
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    mentee, mentor = pairs // roster.mentors.n, pairs % roster.mentors.n
    if roster.config.program.one_mentor_per != "form" and result.locks:
        locked_to = np.full(roster.mentees.n, -1, dtype=np.int64)
        for lock in result.locks:
            locked_to[lock.mentee] = lock.mentor
        keep = (locked_to[mentee] < 0) | (locked_to[mentee] == mentor)
        mentor = mentor[keep]
    can_join = np.bincount(mentor, minlength=roster.mentors.n)
    out = {}
    for j in np.flatnonzero((group_min > 1) & (capacity > 0)).tolist():
        if min(int(can_join[j]), int(capacity[j])) < int(group_min[j]):
            out[j] = int(can_join[j])
    return out


def unmatched_records(result) -> list[dict]:
    graph, roster = result.graph, result.roster
    context = CandidateContext(result)
    out = []
    for i in result.unmatched_mentees():
        i = int(i)
        n_cand = len(graph.edges_of_mentee(i))
        code, params = context.reason(i)
        out.append({
            "mentee_id": roster.mentees.ids[i], "mentee_name": roster.mentees.names[i],
            **profile(roster.mentees.participants[i], "mentee"),
            "priority": int(roster.mentees.priority[i]), "reason_code": code, "reason_params": jsonable(params),
            "candidates": n_cand, "blocked_by": mentee_rules_blocking(graph, i),
        })
    out.sort(key=lambda u: u["mentee_id"])
    return out


def mentor_records(result) -> list[dict]:
    graph, roster = result.graph, result.roster
    load = np.bincount(graph.mentor[result.solution.edges], minlength=roster.mentors.n)
    members: dict[int, list[str]] = {}
    for e in result.solution.edges:
        members.setdefault(int(graph.mentor[e]), []).append(roster.mentees.ids[int(graph.mentee[e])])
    out = []
    for j in range(roster.mentors.n):
        out.append({
            "mentor_id": roster.mentors.ids[j], "mentor_name": roster.mentors.names[j],
            **profile(roster.mentors.participants[j], "mentor"),
            "capacity": int(roster.mentors.capacity[j]), "load": int(load[j]),
            "group_min": int(roster.mentors.group_min[j]) or None,
            "mentees": sorted(members.get(j, [])),
        })
    out.sort(key=lambda m: m["mentor_id"])
    return out


def pair_counts(pairs: list[dict], group_min: dict[str, int]) -> dict[str, int]:
    """The one vocabulary of counts: `pairs` are mentor–mentee pairs; a group is a mentor's
    mentees in one form when there are several or the mentor leads a group (`group_min`, by
    mentor id); `mentees_in_groups` are the pairs inside groups, `individual_pairs` the rest."""
    sizes: dict[tuple, int] = {}
    for p in pairs:
        key = (p["mentor_id"], p["form"])
        sizes[key] = sizes.get(key, 0) + 1
    groups = [key for key, n in sizes.items() if is_group(n, group_min.get(key[0]))]
    in_groups = sum(sizes[key] for key in groups)
    return {"pairs": len(pairs), "individual_pairs": len(pairs) - in_groups, "groups": len(groups),
            "mentees_in_groups": in_groups}


def is_group(size: int, group_min) -> bool:
    """A mentor's mentees in one form are a group when there are several, or the mentor leads one."""
    return size > 1 or bool(group_min)


def summary_record(result, pairs, unmatched) -> dict:
    roster, graph = result.roster, result.graph
    by_form = {}
    for f, form in enumerate(roster.form_ids):
        bit = np.uint64(1) << np.uint64(f)
        in_form = int(np.count_nonzero(roster.mentees.forms & bit))
        by_form[form] = {"mentees": in_form, "matched": sum(1 for p in pairs if p["form"] == form)}
    matched_ids = {p["mentee_id"] for p in pairs}
    by_priority = {}
    for p in sorted({int(x) for x in roster.mentees.priority}):
        ids = [roster.mentees.ids[i] for i in np.flatnonzero(roster.mentees.priority == p)]
        by_priority[str(p)] = {"mentees": len(ids), "matched": sum(1 for x in ids if x in matched_ids)}
    group_min = {roster.mentors.ids[j]: int(g) for j, g in enumerate(roster.mentors.group_min.tolist()) if g}
    return {
        "mentors": roster.mentors.n, "mentees": roster.mentees.n, "candidate_pairs": int(graph.n_edges),
        **pair_counts(pairs, group_min),
        "matched_mentees": len(matched_ids), "unmatched_mentees": len(unmatched),
        "total_score": _round(sum(p["score"] for p in pairs)),
        "by_form": by_form, "by_priority": by_priority,
    }


@gc_paused
def result_document(result, *, extra: dict | None = None, input_files: list[str] | None = None,
                    warnings: list[dict] | None = None) -> dict:
    sol = result.solution
    pairs = pair_records(result)
    unmatched = unmatched_records(result)
    doc = {
        "format": "mentor-matcher/result",
        "format_version": 1,
        "package_version": __version__,
        "seed": result.seed,
        "program": {
            "name": result.config.program.name,
            "reference_date": result.roster.reference_date.isoformat(),
            "objective": result.config.program.objective,
            "one_mentor_per": result.config.program.one_mentor_per,
            "forms": {f: {"title_ru": result.config.form_title(f, "ru"), "title_en": result.config.form_title(f, "en")}
                      for f in result.roster.form_ids},
            "psych_scales": {s.removeprefix("psych_"): {"title_ru": result.config.psych.title(s, "ru"),
                                                        "title_en": result.config.psych.title(s, "en")}
                             for s in result.roster.psych_scales},
        },
        "input_files": [Path(f).name for f in (input_files or [])],
        "solver": {
            "engine_requested": result.engine, "engine": sol.engine, "status": sol.status,
            "proven_optimal": sol.status == "OPTIMAL", "proof": sol.proof,
            "objective": int(sol.objective), "bound": int(sol.bound), "gap": _round(sol.gap, 6),
            "levels": sol.levels,
            "objective_levels": sol.objective_def.names if sol.objective_def else [],
            "level_weights": [int(w) for w in sol.objective_def.weights] if sol.objective_def else [],
            "stopped_by_time_limit": bool(sol.stopped_by_time_limit),
            **_gap_record(sol),
        },
        "summary": summary_record(result, pairs, unmatched),
        "pairs": pairs,
        "unmatched": unmatched,
        "mentors": mentor_records(result),
        "locks": [{"mentee_id": result.roster.mentees.ids[lk.mentee], "mentor_id": result.roster.mentors.ids[lk.mentor],
                   "form": lk.form, "source": lk.source} for lk in result.locks],
        "forbids": [{"mentee_id": result.roster.mentees.ids[int(i)], "mentor_id": result.roster.mentors.ids[int(j)]}
                    for i, j in result.forbids.tolist()],
        "input_warnings": warnings or [],
        "config": json.loads(result.config.model_dump_json()),
    }
    if extra:
        doc.update(extra)
    return doc



def _gap_record(sol) -> dict:
    """The unproven answer's distance to the optimum, level by level (objective.level_gaps):
    level_gaps {level: at most this much more} in mentees or pairs, the score in score units;
    score_gap_relative: the score's gap over its own total. And the score's resolution: the
    step in which the solver compared scores (finer than 1/SCORE_SCALE only if coarsened)."""
    obj = sol.objective_def
    divisor = int(getattr(obj, "score_divisor", 1)) if obj is not None else 1
    gaps = {}
    for name, gap in (sol.level_gaps or {}).items():
        gaps[name] = _round(gap * divisor / SCORE_SCALE, 6) if name == "score" else int(gap)
    score_total = int(sol.levels.get("score", 0)) if sol.levels else 0
    relative = (_round(sol.level_gaps["score"] / max(1, score_total), 6)
                if "score" in (sol.level_gaps or {}) else 0.0)
    return {
        "level_gaps": gaps,
        "score_gap_relative": relative,
        "score_resolution": {"step": divisor / SCORE_SCALE, "finest_step": 1 / SCORE_SCALE, "coarsened": divisor > 1,
                             "max_loss_per_pair": _round((divisor - 1) / SCORE_SCALE, 6)},
    }


def _pct(x: float, lang: str) -> str:
    text = f"{x:.1f}" if x >= 0.1 or x == 0 else f"{x:.2g}"
    return text.replace(".", ",") if lang == "ru" else text


def gap_text(solver: dict, lang: str) -> str:
    """The unproven answer's gap in words, level by level: "up to 1 more priority-1 mentee, up
    to 11 more pairs, sum of scores up to 3.5 more (0.3 %)" (levels that cannot gain are left out); the
    relative gap of the combined objective for documents without level gaps."""
    parts = []
    for name, gap in (solver.get("level_gaps") or {}).items():
        if not gap:
            continue
        if name.startswith("priority_"):
            parts.append(render(f"gap.priority.{plural_category(gap, lang)}", {"n": gap, "priority": name[len("priority_"):]},
                                lang))
        elif name == "matched":
            parts.append(render(f"gap.matched.{plural_category(gap, lang)}", {"n": gap}, lang))
        elif name == "score":
            parts.append(render("gap.score", {"gap": number(float(gap), lang),
                                              "pct": _pct(100 * float(solver.get("score_gap_relative") or 0), lang)},
                                lang))
    if not parts:
        return f"{_pct(100 * float(solver.get('gap') or 0), lang)} %"
    return ", ".join(parts)


def score_resolution_text(solver: dict, lang: str) -> str | None:
    """What a coarsened score costs, in words; None at full resolution."""
    res = solver.get("score_resolution") or {}
    if not res.get("coarsened"):
        return None
    return render("gap.score_resolution", {"step": f"{res['step']:g}", "finest": f"{res['finest_step']:g}"}, lang)


def reason_line(components: dict, lang: str, top: int = 3, doc: dict | None = None,
                worded: dict | None = None) -> str:
    """The pair's strongest components as one line for pairs.csv; `worded` remembers each
    distinct reason (the same one recurs across many pairs)."""
    ranked = sorted(components.items(), key=lambda kv: (-kv[1]["contribution"], kv[0]))
    parts = []
    for name, c in ranked[:top]:
        if c["value"] <= 0:
            continue
        reason = c["reason"]
        if worded is None:
            parts.append(component_reason(reason, lang, doc))
            continue
        key = (reason.get("code"), repr(reason.get("params")))
        text = worded.get(key)
        if text is None:
            text = worded[key] = component_reason(reason, lang, doc)
        parts.append(text)
    return "; ".join(parts)


def form_title(doc: dict | None, form, lang: str) -> str:
    """A form's title in the reader's language, from the document's programme; the id if unknown."""
    entry = (((doc or {}).get("program") or {}).get("forms") or {}).get(form) or {}
    return entry.get("title_ru" if lang == "ru" else "title_en") or str(form)


def form_order(doc: dict) -> list[str]:
    """The programme's forms in its order, then any other form a pair is in."""
    form_ids = list((((doc or {}).get("program") or {}).get("forms") or {}).keys())
    for p in (doc or {}).get("pairs") or []:
        if p["form"] not in form_ids:
            form_ids.append(p["form"])
    return form_ids


def category_title(category, lang: str, gender: str | None = None) -> str:
    """A category's title, agreeing with the person's gender where Russian has two words
    («выпускник», «выпускница»); the masculine one for a category in general."""
    return render(f"category.{category}", {"who": Gendered("", gender)}, lang) if category else "—"


def scale_title(doc: dict | None, scale, lang: str) -> str:
    """A psychological scale's title in the reader's language, from the document's programme
    (the configuration's [psych.scales]); its name if unknown."""
    name = str(scale).removeprefix("psych_")
    entry = (((doc or {}).get("program") or {}).get("psych_scales") or {}).get(name) or {}
    return entry.get("title_ru" if lang == "ru" else "title_en") or name.replace("_", " ")


def people_index(doc: dict | None) -> dict[str, dict]:
    """Every person of a result document by id: name, gender, category, class, subjects (the
    `mentor_*` / `mentee_*` keys of its records; a person in both roles is one person)."""
    people: dict[str, dict] = {}
    keys = {role: [(field, f"{role}_{field}") for field in ("name", *PROFILE_FIELDS)] for role in ("mentor", "mentee")}

    def add(record: dict, role: str) -> None:
        pid = record.get(f"{role}_id")
        if pid is None:
            return
        entry = people.setdefault(pid, {"name": ""})
        for field, key in keys[role]:
            value = record.get(key)
            if value not in (None, "", []) and not entry.get(field):
                entry[field] = value

    doc = doc or {}
    for m in doc.get("mentors") or []:
        add(m, "mentor")
    for p in doc.get("pairs") or []:
        add(p, "mentee")
        add(p, "mentor")
    for u in doc.get("unmatched") or []:
        add(u, "mentee")
    return people


def person(people: dict, pid) -> Gendered:
    """A person as every presenter names them: "Name (ID)", or the id when the name is not on
    record; carrying their gender for the words that agree with it."""
    if pid is None:
        return Gendered("")
    entry = people.get(pid) or {}
    name = entry.get("name")
    return Gendered(f"{name} ({pid})" if name else str(pid), entry.get("gender"))


def position(entry: dict, lang: str) -> str:
    """A person's class (a student's, with its letter) or category, as shown beside the name."""
    if entry.get("grade"):
        return render("person.grade", {"grade": str(entry["grade"])}, lang)
    return category_title(entry["category"], lang, entry.get("gender")) if entry.get("category") else ""


def subjects(entry: dict) -> str:
    return ", ".join(entry.get("subjects") or [])


PERSON_KEYS = ("id", "mentor_id", "mentee_id", "mentor", "mentee", "partner_id")
SCALE_KEYS = ("scale", "best_scale", "worst_scale")


def reason_params(params: dict, lang: str, doc: dict | None = None, people: dict | None = None) -> dict:
    """A reason's parameters as a reader sees them: people by name and code, titles of rules,
    forms, categories and psychological scales, not their codes; fractional numbers in the
    reader's notation. `people` (people_index) saves indexing the document at every call."""
    params = dict(params or {})
    if doc is not None and people is None and any(k in params for k in PERSON_KEYS):
        people = people_index(doc)
    if people is not None:
        for key in PERSON_KEYS:
            if isinstance(params.get(key), str):
                params[key] = person(people, params[key])
    if "top_rule" in params:
        params["top_rule"] = render(f"rule_title.{params['top_rule']}", None, lang)
    if "form" in params and isinstance(params["form"], str):
        params["form"] = form_title(doc, params["form"], lang)
    if isinstance(params.get("forms"), list):
        forms = params["forms"]
        params["forms_count"] = len(forms)
        params["forms"] = ", ".join(("«{}»" if lang == "ru" else "'{}'").format(form_title(doc, f, lang)) for f in forms)
    if "category" in params:  # the category of the person the reason names
        who = next((params[k] for k in PERSON_KEYS if isinstance(params.get(k), Gendered)), None)
        params["category"] = category_title(params["category"], lang, getattr(who, "gender", None))
    if isinstance(params.get("allowed"), list):
        params["allowed"] = ", ".join(category_title(c, lang) for c in params["allowed"])
    for key in SCALE_KEYS:
        if isinstance(params.get(key), str):
            params[key] = scale_title(doc, params[key], lang)
    if isinstance(params.get("scales"), list):
        params["scales"] = ", ".join(scale_title(doc, s, lang) for s in params["scales"])
    for key, value in params.items():
        if isinstance(value, float):
            params[key] = number(value, lang, 0 if value == int(value) else 1)
    return params


def component_reason(reason: dict | None, lang: str, doc: dict | None = None) -> str:
    """A score component's one-line reason, worded."""
    reason = reason or {}
    return render(reason["code"], reason_params(reason.get("params"), lang, doc), lang) if reason.get("code") else ""


def sentence(text: str) -> str:
    """A clause as a sentence of its own: a capital letter and a full stop."""
    return text[:1].upper() + text[1:] + ("" if not text or text.endswith((".", "!", "?")) else ".")


def unmatched_line(u: dict, lang: str, doc: dict | None = None, people: dict | None = None) -> str:
    """Why a mentee has no pair: the one wording of unmatched.csv, the report and `matcher explain`
    (`{self:gender:...}` agrees with the mentee's gender)."""
    params = reason_params(u["reason_params"], lang, doc, people)
    params.setdefault("self", Gendered("", u.get("mentee_gender")))
    return render(u["reason_code"], params, lang)


@gc_paused
def output_files(doc: dict, lang: str = "en", headers: str = "en", xlsx: bool = False) -> dict[str, bytes]:
    """The bytes of pairs.csv, unmatched.csv, result.json (and pairs.xlsx), by file name."""

    def head(cols):
        return [render(f"header.{c}", None, "ru") for c in cols] if headers == "ru" else cols

    people = people_index(doc)
    abouts: dict[str, list[str]] = {}
    reasons: dict[tuple, str] = {}

    def about(pid) -> list[str]:
        shown = abouts.get(pid)
        if shown is None:
            entry = people.get(pid) or {}
            shown = abouts[pid] = [position(entry, lang), subjects(entry)]
        return shown

    pair_rows = [[p["mentor_id"], p["mentor_name"], p["mentee_id"], p["mentee_name"], p["form"],
                  f"{p['score']:.3f}", reason_line(p["components"], lang, doc=doc, worded=reasons),
                  *about(p["mentor_id"]), *about(p["mentee_id"])] for p in doc["pairs"]]
    un_rows = [[u["mentee_id"], u["mentee_name"], u["reason_code"], unmatched_line(u, lang, doc, people)]
               for u in doc["unmatched"]]
    files = {
        "pairs.csv": csv_bytes(head(PAIR_COLUMNS), pair_rows, encoding="utf-8-sig"),
        "unmatched.csv": csv_bytes(head(UNMATCHED_COLUMNS), un_rows, encoding="utf-8-sig"),
    }
    # A line per pair, mentee, mentor for people on school-sized results; compact past that (a
    # district's is tens of MB).
    if len(doc["pairs"]) <= 1000:
        text = dumps_readable(doc)
    else:
        # A document has no reference cycles: the encoder need not track every container it enters.
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), check_circular=False) + "\n"
    files["result.json"] = text.encode("utf-8")
    if xlsx:
        files["pairs.xlsx"] = xlsx_bytes({"pairs": (head(PAIR_COLUMNS), pair_rows),
                                          "unmatched": (head(UNMATCHED_COLUMNS), un_rows)})
    return files


def write_outputs(doc: dict, out_dir: str | Path, lang: str = "en", headers: str = "en",
                  xlsx: bool = False) -> list[Path]:
    """Write pairs.csv, unmatched.csv, result.json (and pairs.xlsx) with their manifest.json,
    replacing out_dir's previous set as a whole (io/outputset.py); OutputError when it cannot."""
    files = output_files(doc, lang=lang, headers=headers, xlsx=xlsx)
    with OutputSet(out_dir) as outputs:
        for name, data in files.items():
            outputs.add(name, data)
        out = outputs.commit()
    return [out / name for name in files]
