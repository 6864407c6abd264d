"""One wording of result.json's pieces, for every presenter: `matcher explain` in the
terminal and report.html word the same reasons, suggested changes, titles, effects of a
change (`effect`, `moves`, `forcing`), statuses of alternative mentors (`status`,
`status_details`, `status_line`) and reasons a mentor has no mentees (`unused`) through here.

People are named alike everywhere: "Name (ID)", with their gender for the words that agree
with it (`{mentor:gender:его|её|этого наставника}`, i18n.Gendered), and their class or
category and subjects beside the name where a list shows them (`about`). The layout is all
that differs: where a layout needs its own words (the report lists the moved mentees under a
text, a line of text names them in it) the message has a variant per style,
`<code>.<style>`, used when registered, `<code>` otherwise. A change's words live
with its owner (the rule module or constraints.places that suggests it): `change.<kind>`
messages, and an optional `change_words(change, words) -> dict` for parameters beyond the
mentor, the form and numbers.
"""
from __future__ import annotations

from . import constraints
from .i18n import MESSAGES, Gendered, Texts, number, register, render
from .results import component_reason, form_title, people_index, person, position, reason_params, sentence, \
    subjects, unmatched_line

__all__ = ["STYLES", "Words", "form_title"]

STYLES = ("terminal", "report")
MOVES_SHOWN = 5  # moves listed in a line of text; the report lists them all below it
_UNSEEN = object()

register({
    # what a change would do to the overall result
    "words.effect.none": ("общий результат не изменится", "the overall result stays the same"),
    "words.effect.matched": ("наставляемых в парах: {delta}", "mentees paired: {delta}"),
    "words.effect.priority": ("с приоритетом {priority} в парах: {delta}",
                              "priority {priority} mentees paired: {delta}"),
    "words.effect.score": ("сумма оценок: {delta}", "sum of scores: {delta}"),
    # the report lists the moves under the text; a line of text names the first few in it
    "words.effect.moves.terminal": ("перестановок у других: {count} ({moves})",
                                    "other mentees moved: {count} ({moves})"),
    "words.effect.moves.report": ("перестановок у других: {count}", "other mentees moved: {count}"),
    "words.effect.more": ("и ещё {count}", "and {count} more"),
    # an answer found keeping the proposal's other groups, that regrouping might improve
    "words.effect.within_groups": ("при остальных группах как в предложении",
                                   "with the other groups as proposed"),
    "words.effect.within_groups_score": ("при остальных группах как в предложении (перестройка групп может "
                                         "прибавить к сумме оценок не больше {gain})",
                                         "with the other groups as proposed (regrouping could add at most {gain} "
                                         "to the sum of scores)"),
    "words.move": ("{mentee}: {source} → {target}", "{mentee}: {source} → {target}"),
    "words.nobody": ("без наставника", "no mentor"),
    # choosing an alternative mentor instead of the chosen one
    "words.forcing.effect": ("Если назначить {mentor:gender:его|её|этого наставника}: {effects}.",
                             "Choosing this mentor instead: {effects}."),
    "words.forcing.equal": ("Равноценный вариант: общий итог не изменится.",
                            "An equal option: the overall result stays the same."),
    "words.forcing.equal_effect": ("Равноценный вариант: общий итог не изменится; {effects}.",
                                   "An equal option: the overall result stays the same; {effects}."),
    "words.forcing.unproven": ("(оптимальность пересчёта не доказана)", "(the re-solve is not proven optimal)"),
    # why an alternative cannot be chosen: the rule that decides, as far as the result shows it
    "words.forcing.no_place": ("Назначить {mentor:gender:его|её|этого наставника} нельзя: наставник не берёт "
                               "наставляемых (вместимость 0).",
                               "Cannot be chosen: the mentor takes no mentees (capacity 0)."),
    "words.forcing.locks": ("Назначить {mentor:gender:его|её|этого наставника} нельзя, не нарушив закреплений "
                            "консилиума.",
                            "Cannot be chosen without breaking a pair set by the consilium."),
    "words.forcing.group_rules": ("Назначить {mentor:gender:его|её|этого наставника} нельзя: этого не допускают "
                                  "правила групп (наименьший размер группы, разброс классов, запрет взаимного "
                                  "наставничества).",
                                  "Cannot be chosen: the rules of groups (smallest group size, spread of grades, "
                                  "no mutual mentoring) do not allow it."),
    "words.forcing.locks_or_group_rules": ("Назначить {mentor:gender:его|её|этого наставника} нельзя, не нарушив "
                                           "закреплений консилиума или правил групп (наименьший размер группы, "
                                           "разброс классов, запрет взаимного наставничества).",
                                           "Cannot be chosen without breaking a pair set by the consilium or a "
                                           "rule of groups (smallest group size, spread of grades, no mutual "
                                           "mentoring)."),
    "words.forcing.infeasible": ("Назначить {mentor:gender:его|её|этого наставника} нельзя: ни одно допустимое "
                                 "распределение не включает эту пару.",
                                 "Cannot be chosen: no legal assignment includes this pair."),
    "words.forcing.group_min": ("Назначить {mentor:gender:его|её|этого наставника} нельзя: группа наставника "
                                "не наберёт наименьшего размера ({min}).",
                                "Cannot be chosen: the group cannot reach its minimum of {min}."),
    "words.forcing.unchecked.budget": ("Не проверено: исчерпан лимит пересчётов.",
                                       "Not checked: the re-solve budget ran out."),
    "words.forcing.unchecked.deadline": ("Не проверено: не хватило отведённого времени (--time-limit).",
                                         "Not checked: not computed in time (--time-limit)."),
    "words.forcing.unchecked.time_limit": ("Не проверено: пересчёт не уложился во время.",
                                           "Not checked: the re-solve ran out of time."),
    # an alternative mentor's status, with and without the places taken
    "words.status.taken": ("мест нет: занято {load} из {capacity}", "no free place: {load} of {capacity} taken"),
    "words.status.free_place": ("есть место: занято {load} из {capacity}", "has a place: {load} of {capacity} taken"),
    "words.status.no_place": ("не берёт наставляемых (вместимость 0)", "takes no mentees (capacity 0)"),
    "words.status.group_min_unreachable": ("группа не наберётся: занято {load} из {capacity}",
                                           "the group cannot form: {load} of {capacity} taken"),
    "words.status.mutual": ("взаимное наставничество: занято {load} из {capacity}",
                            "mutual mentoring: {load} of {capacity} taken"),
    "words.status.blocked": ("не проходит правила", "breaks a rule"),
    "words.status.chosen": ("выбран", "chosen"),
    "words.status_short.taken": ("мест нет", "no free place"),
    "words.status_short.free_place": ("есть место", "has a place"),
    "words.status_short.no_place": ("не берёт наставляемых", "takes no mentees"),
    "words.status_short.group_min_unreachable": ("группа не наберётся", "the group cannot form"),
    "words.status_short.mutual": ("взаимное наставничество", "mutual mentoring"),
    "words.status_short.blocked": ("не проходит правила", "breaks a rule"),
    "words.status_short.chosen": ("выбран", "chosen"),
    "words.status_line": ("{status} — {details}", "{status} — {details}"),
    "words.detail.taken_by": ("{mentor:gender:сейчас у него|сейчас у неё|места заняты}: {mentees}",
                              "now mentoring: {mentees}"),
    "words.detail.group_min_unreachable": ("наставник ведёт группу не меньше {min} {min:plural:человека|человек|"
                                           "человек}, а подходящих "
                                           "наставляемых только {suitable}: группа не может собраться",
                                           "leads a group of at least {min}, but only {suitable} suitable "
                                           "{suitable:plural:mentee exists|mentees exist}: the group cannot be "
                                           "formed"),
    "words.detail.mutual": ("{a} и {b} не могут одновременно быть наставником и наставляемым друг для друга: "
                            "уже есть пара, где {a} — наставник, а {b} — {b:gender:наставляемый|наставляемая}",
                            "{a} and {b} cannot be each other's mentor and mentee at the same time: {a} already "
                            "mentors {b}"),
    # why a mentor has no mentees (or places left)
    "words.unused.no_candidates": ("ни один наставляемый не проходит обязательные правила с этим наставником",
                                   "no mentee passes the hard rules with this mentor"),
    # What the optimum proves: not better with this mentor (a tie is possible); without a proof, not even that.
    "words.unused.candidates_paired_elsewhere": ("подходящие наставляемые ({candidates}) получили других "
                                                 "наставников: если поставить их к этому наставнику, общий "
                                                 "результат лучше не станет",
                                                 "the suitable mentees ({candidates}) were paired with other "
                                                 "mentors: pairing them with this mentor does not make the overall "
                                                 "result better"),
    "words.unused.candidates_paired_elsewhere.unproven": (
        "подходящие наставляемые ({candidates}) получили других наставников, а решатель остановился по лимиту "
        "времени (--time-limit) раньше, чем проверил, не лучше ли было бы с этим наставником",
        "the suitable mentees ({candidates}) were paired with other mentors, and the solver stopped at the time "
        "limit (--time-limit) before checking whether this mentor would be better"),
    "words.unused.others_paired_elsewhere": (
        "{others} {others:plural:другой подходящий наставляемый получил другого наставника|других подходящих "
        "наставляемых получили других наставников|других подходящих наставляемых получили других наставников}, "
        "а подходящих этому наставнику наставляемых без пары нет",
        "{others} other suitable {others:plural:mentee was paired with another mentor|mentees were paired with "
        "other mentors}, and no unpaired mentee suits this mentor"),
    "words.unused.group_min_unreachable": ("наименьший размер группы {group_min} недостижим: подходящих "
                                           "наставляемых только {suitable}",
                                           "the group minimum {group_min} cannot be reached: only {suitable} "
                                           "suitable {suitable:plural:mentee|mentees}"),
    "words.unused.mutual": ("{a} и {b} не могут одновременно быть наставником и наставляемым друг для друга: "
                            "уже есть пара, где {a} — наставник, а {b} — {b:gender:наставляемый|наставляемая}",
                            "{a} and {b} cannot be each other's mentor and mentee at the same time: {a} already "
                            "mentors {b}"),
    "words.unused.group_rules": (
        "у {unpaired_candidates} {unpaired_candidates:plural:подходящего наставляемого|подходящих наставляемых|"
        "подходящих наставляемых} нет пары, но правила групп (наименьший размер группы, разброс классов, запрет "
        "взаимного наставничества) не дают поставить их к этому наставнику",
        "{unpaired_candidates} suitable {unpaired_candidates:plural:mentee has|mentees have} no pair, but the rules "
        "of groups (smallest group size, spread of grades, no mutual mentoring) keep them from this mentor"),
    # people
    # a person by role ("наставляемый" agrees with a woman, i18n); a name stays in the nominative,
    # so only "this mentee" has a form (`.of`) that follows a noun
    "words.who.mentee": ("наставляемый {id}", "mentee {id}"),
    "words.who.mentor": ("наставник {id}", "mentor {id}"),
    "words.this_mentee": ("{id:gender:этот наставляемый|эта наставляемая}", "this mentee"),
    "words.this_mentee.of": ("{id:gender:этого наставляемого|этой наставляемой}", "this mentee"),
    "words.about": ("{position} · {subjects}", "{position} · {subjects}"),
})


class Words:
    """Words for one result document in one language and presenter style."""

    def __init__(self, doc: dict, lang: str, style: str):
        if style not in STYLES:
            raise ValueError(style)
        self.doc, self.lang, self.style = doc, lang, style
        self.people = people_index(doc)
        self._group_rules: bool | None = None
        self._components: dict[tuple, str] = {}
        self._persons: dict = {}
        self._abouts: dict = {}
        self._moves: dict[tuple, str] = {}  # the same few moves recur across many alternatives
        self.render = Texts(lang)
        self._styled: dict[str, str] = {}
        self._uses: dict[tuple, bool] = {}
        # what recurs across a district's thousands of alternatives, worded once
        self._forcings: dict[tuple, str] = {}
        self._statuses: dict[tuple, str] = {}
        self._taken: dict[tuple, str] = {}
        self._effects: dict[tuple, tuple[str, ...]] = {}
        self._scores: dict = {}  # a score change as shown (None: too small to show)

    def text(self, code: str, params: dict | None = None) -> str:
        """The message `code` in this presenter's variant, if it has one."""
        styled = self._styled.get(code)
        if styled is None:
            styled = self._styled[code] = f"{code}.{self.style}" if f"{code}.{self.style}" in MESSAGES else code
        return self.render(styled, params)

    def uses(self, code: str, param: str) -> bool:
        """Whether this presenter's variant of message `code` shows parameter `param`."""
        used = self._uses.get((code, param))
        if used is None:
            styled = f"{code}.{self.style}"
            text = (MESSAGES.get(styled) or MESSAGES.get(code) or ("", ""))[0 if self.lang == "ru" else 1]
            used = self._uses[code, param] = "{" + param + "}" in text or "{" + param + ":" in text
        return used

    def has(self, code: str) -> bool:
        return f"{code}.{self.style}" in MESSAGES or code in MESSAGES

    def person(self, pid, name: str | None = None):
        """"Name (ID)" (the id alone when no name is on record; `name` if the entry naming them
        has one and the document's records do not), with the person's gender."""
        if pid is None:
            return self.nobody()
        if name and not (self.people.get(pid) or {}).get("name"):
            return person({pid: {"name": name}}, pid)
        named = self._persons.get(pid)
        if named is None:
            named = self._persons[pid] = person(self.people, pid)
        return named

    def about(self, pid) -> str:
        """What is shown beside a name in a list: class or category, and subjects (worded once a person)."""
        text = self._abouts.get(pid)
        if text is None:
            entry = self.people.get(pid) or {}
            where, what = position(entry, self.lang), subjects(entry)
            text = self._abouts[pid] = (self.text("words.about", {"position": where, "subjects": what})
                                        if where and what else where or what)
        return text

    def form(self, form) -> str:
        return form_title(self.doc, form, self.lang)

    def who(self, role, pid, self_id: str | None = None, of: bool = False) -> Gendered:
        """'mentee E1' (the role and the person, agreeing with the person's gender); the mentee a
        text is about is 'this mentee', and `of` gives its form that follows a noun ("consent of
        this mentee"). A name is never declined: a message puts it where the nominative reads right."""
        named = self.person(pid)
        this = self_id is not None and pid == self_id
        code = ("words.this_mentee.of" if of else "words.this_mentee") if this else f"words.who.{role}"
        if not self.has(code):
            return Gendered(f"{role or ''} {named}".strip(), named.gender)
        return Gendered(self.text(code, {"id": named}), named.gender)

    def rule(self, code: str, details: dict | None) -> str:
        """One blocking rule with its details: the most specific message the catalogue has."""
        params = self.params(details or {})
        specific = params.pop("code", None) or code
        for candidate in (specific, code):
            if candidate in MESSAGES:
                return render(candidate, params, self.lang)
        title = f"rule_title.{code}"
        return render(title, None, self.lang) if title in MESSAGES else str(code)

    def change(self, change: dict, self_id: str | None = None) -> str:
        """A suggested change, in its owner's words; the mentee it is for is 'this mentee'."""
        kind = change.get("change", "")
        mentor_id = change.get("mentor_id")
        params = {**self.params(change.get("params") or {}), "mentor": self.person(mentor_id) if mentor_id else ""}
        owner = constraints.fix_owner(kind)
        if owner is not None and hasattr(owner, "change_words"):
            params.update(owner.change_words(change, self, self_id))
        code = f"change.{kind}"
        return self.text(code, params) if self.has(code) else str(kind)

    # -- numbers ----------------------------------------------------------------------------
    def num(self, value, digits: int = 2) -> str:
        """A number as the reader writes it (i18n.number)."""
        return number(value, self.lang, digits)

    def signed(self, value, digits: int = 0) -> str:
        return ("+" if value > 0 else "\u2212" if value < 0 else "") + self.num(abs(value), digits)

    def params(self, params: dict) -> dict:
        """A reason's or a change's parameters as a reader sees them (results.reason_params):
        people by name, titles of rules, forms, categories and scales, the reader's numbers."""
        return reason_params(params or {}, self.lang, self.doc, self.people)

    def component(self, reason: dict | None) -> str:
        """A score component's reason (psychological scales by their titles); the same reason
        recurs across many pairs, so each is worded once."""
        reason = reason or {}
        key = (reason.get("code"), repr(reason.get("params")))
        text = self._components.get(key)
        if text is None:
            text = self._components[key] = component_reason(reason, self.lang, self.doc)
        return text

    def unmatched(self, record: dict) -> str:
        """Why a mentee has no pair, as a sentence: the words of unmatched.csv."""
        return sentence(unmatched_line(record, self.lang, self.doc, self.people)) if record.get("reason_code") else ""

    # -- what a change or a forced pair would do -------------------------------------------
    def nobody(self) -> str:
        return self.text("words.nobody")

    def move(self, move: dict) -> str:
        """One mentee whose mentor changes: 'E1: R1 → R2'."""
        key = (move.get("mentee_id"), move.get("from"), move.get("to"))
        text = self._moves.get(key)
        if text is None:
            text = self._moves[key] = self.text("words.move", {"mentee": self.person(key[0]),
                                                               "source": self.person(key[1]),
                                                               "target": self.person(key[2])})
        return text

    def moves(self, effect: dict) -> list[str]:
        """Each mentee moved, and how many more there are when the answer kept only the first."""
        moves = [self.move(m) for m in effect.get("moves") or []]
        rest = int(effect.get("moves_total") or len(moves)) - len(moves)
        return moves + [self.text("words.effect.more", {"count": rest})] if rest > 0 else moves

    def effect(self, effect: dict) -> list[str]:
        """The change to the overall result, part by part: mentees paired, by priority (highest
        first), the sum of scores, the other mentees moved (the terminal names the first few
        in the text; the report lists them all under it). Worded once per distinct `_shown`."""
        return list(self._effect_of(self._shown(effect)))

    def _effect_of(self, shown: tuple) -> tuple[str, ...]:
        parts = self._effects.get(shown)
        if parts is None:
            parts = self._effects[shown] = self._effect_parts(shown)
        return parts

    def _shown(self, effect: dict) -> tuple:
        """What the words of an effect show, as the reader's numbers: (mentees paired, the
        priorities' changes, the sum of scores, how many others move and the first moves when the
        text names them, kept within the proposal's groups, the bound on what regrouping adds)."""
        levels = effect.get("levels") or {}
        matched = int(effect.get("matched_delta") or levels.get("matched", 0))
        changed = [n for n, delta in levels.items() if delta and n.startswith("priority_")]  # mostly none
        priorities = tuple((name.split("_", 1)[1], int(levels[name]))
                           for name in sorted(changed, key=lambda n: -int(n.split("_", 1)[1])
                                              if n.split("_", 1)[1].isdigit() else 0)) if changed else ()
        score = float(effect.get("score_delta") or 0.0)
        score_shown = self._scores.get(score, _UNSEEN)
        if score_shown is _UNSEEN:
            # a small change is not shown as ±0.00
            score_shown = self._scores[score] = (self.signed(score, 2 if abs(score) >= 0.005 else 3)
                                                 if abs(score) >= 0.0005 else None)
        moves = effect.get("moves") or []
        total = int(effect.get("moves_total") or len(moves)) if moves else 0
        named = (tuple((m.get("mentee_id"), m.get("from"), m.get("to")) for m in moves[:MOVES_SHOWN])
                 if moves and self.uses("words.effect.moves", "moves") else None)  # the report lists them instead
        within = bool(effect.get("within_groups"))
        return matched, priorities, score_shown, total, named, within, effect.get("bound_score_gain") if within else None

    def _effect_parts(self, shown: tuple) -> tuple[str, ...]:
        matched, priorities, score, total, named, within, gain = shown
        parts = []
        if matched:
            parts.append(self.text("words.effect.matched", {"delta": self.signed(matched)}))
        for priority, delta in priorities:
            parts.append(self.text("words.effect.priority", {"priority": priority, "delta": self.signed(delta)}))
        if score is not None:
            parts.append(self.text("words.effect.score", {"delta": score}))
        if total:
            listed = ""
            if named is not None:
                moved = [self.move({"mentee_id": m, "from": a, "to": b}) for m, a, b in named]
                if total > len(moved):
                    moved.append(self.text("words.effect.more", {"count": total - len(moved)}))
                listed = ", ".join(moved)
            parts.append(self.text("words.effect.moves", {"moves": listed, "count": total}))
        if within:
            parts.append(self.text("words.effect.within_groups_score", {"gain": self.num(gain, 3)})
                         if gain else self.text("words.effect.within_groups"))
        return tuple(parts)

    def forcing(self, forcing: dict, entry: dict | None = None) -> str:
        """What choosing an alternative mentor (`entry`, the alternative) instead would do, as one
        sentence; when it cannot be done, the rule that decides it. The sentences name the mentor
        only by the words that agree with their gender, so only the gender is passed, and the
        same sentence is worded once."""
        entry = entry or {}
        checked, feasible, rule = bool(forcing.get("checked")), bool(forcing.get("feasible")), forcing.get("rule")
        shown = self._shown(forcing) if checked and feasible and not rule else None  # its effect, when it has one
        # everything _forcing reads (the document's locks and rules of groups are the same for all)
        key = (self.person(entry.get("mentor_id")).gender if entry.get("mentor_id") else False,
               entry.get("status") == "no_place" or entry.get("capacity") == 0,
               checked, forcing.get("reason"), feasible, rule, forcing.get("min", "?"), type(forcing.get("min", "?")),
               shown, bool(forcing.get("objective_delta")), forcing.get("proven") is False)
        text = self._forcings.get(key)
        if text is None:
            text = self._forcings[key] = self._forcing(forcing, entry, shown)
        return text

    def _forcing(self, forcing: dict, entry: dict, shown: tuple | None) -> str:
        mentor = Gendered("", self.person(entry.get("mentor_id")).gender) if entry.get("mentor_id") else ""
        if not forcing.get("checked"):
            code = f"words.forcing.unchecked.{forcing.get('reason') or 'budget'}"
            return self.text(code if self.has(code) else "words.forcing.unchecked.budget")
        if not forcing.get("feasible") or forcing.get("rule"):
            return self.text(f"words.forcing.{self.deciding_rule(forcing, entry)}",
                             {"mentor": mentor, "min": forcing.get("min", "?")})
        effects = self._effect_of(shown)
        if forcing.get("objective_delta") == 0:  # a legal assignment as good as the proposal: a tie
            text = self.text("words.forcing.equal_effect", {"effects": "; ".join(effects)}) if effects \
                else self.text("words.forcing.equal")
        else:
            text = self.text("words.forcing.effect", {"mentor": mentor,
                                                      "effects": "; ".join(effects) or self.text("words.effect.none")})
        if forcing.get("proven") is False:
            text += " " + self.text("words.forcing.unproven")
        return text

    def deciding_rule(self, forcing: dict, entry: dict) -> str:
        """The rule that keeps an alternative out: the one the explanation names, else what the
        result shows — a mentor without places, else the locks and the rules of groups this
        run has (a min-cost flow without them can always take the pair in)."""
        rule = forcing.get("rule")
        if rule and self.has(f"words.forcing.{rule}"):
            return rule
        if entry.get("status") == "no_place" or entry.get("capacity") == 0:
            return "no_place"
        locks, groups = bool(self.doc.get("locks")), self.has_group_rules()
        return ("locks_or_group_rules" if locks and groups else "locks" if locks else "group_rules" if groups
                else "infeasible")

    def has_group_rules(self) -> bool:
        """Whether the run has rules of groups: a group minimum, a spread of grades, or people in
        both roles (who may not mentor each other)."""
        if self._group_rules is None:
            mentors = self.doc.get("mentors") or []
            program = (self.doc.get("config") or {}).get("program") or {}
            mentor_ids = {m.get("mentor_id") for m in mentors}
            mentee_ids = {r.get("mentee_id") for key in ("pairs", "unmatched") for r in self.doc.get(key) or []}
            self._group_rules = (any((m.get("group_min") or 0) > 1 for m in mentors)
                                 or program.get("max_grade_spread") is not None or bool(mentor_ids & mentee_ids))
        return self._group_rules

    # -- alternatives -----------------------------------------------------------------------
    def status(self, entry: dict) -> str:
        """An alternative mentor's status, with the places taken when known."""
        key = (entry.get("status", ""), entry.get("load"), entry.get("capacity"))
        text = self._statuses.get(key)
        if text is None:
            text = self._statuses[key] = self._status(entry)
        return text

    def _status(self, entry: dict) -> str:
        status = entry.get("status", "")
        if entry.get("load") is not None and entry.get("capacity") is not None:
            code = f"words.status.{status}"
            return self.text(code, {"load": entry["load"], "capacity": entry["capacity"]}) if self.has(code) \
                else status
        code = f"words.status_short.{status}"
        return self.text(code) if self.has(code) else status

    def status_details(self, entry: dict) -> list[str]:
        """What the status rests on, one sentence each: the rules broken, the mentees who hold
        the places, the group that cannot form, the mutual pair."""
        if entry.get("status") == "blocked":
            return [self.rule(r.get("code", ""), r.get("details")) for r in entry.get("rules") or []]
        details = []
        if entry.get("mentees"):
            key = (entry.get("mentor_id"), tuple(entry["mentees"]))
            taken = self._taken.get(key)
            if taken is None:
                taken = self._taken[key] = self.text("words.detail.taken_by", {
                    "mentor": self.person(entry.get("mentor_id")),
                    "mentees": ", ".join(self.person(m) for m in entry["mentees"])})
            details.append(taken)
        if entry.get("status") == "group_min_unreachable":
            details.append(self.text("words.detail.group_min_unreachable", {
                "min": entry.get("group_min", "?"), "suitable": entry.get("suitable", "?")}))
        elif entry.get("status") == "mutual":
            pair = entry.get("mutual") or {}
            details.append(self.text("words.detail.mutual", {"a": self.person(pair.get("mentor_id")),
                                                             "b": self.person(pair.get("mentee_id"))}))
        return details

    def status_line(self, entry: dict) -> str:
        """The status and what it rests on, as one line."""
        details = self.status_details(entry)
        status = self.status(entry)
        return self.text("words.status_line", {"status": status, "details": "; ".join(details)}) if details \
            else status

    # -- mentors ----------------------------------------------------------------------------
    def unused(self, explanation: dict, as_sentence: bool = False) -> str:
        """Why a mentor has no mentees, or places left ('' when the explanation gives no
        reason); as a sentence (capital letter, full stop) for a line of text."""
        why = explanation.get("why_unused")
        if not why:
            return ""
        pair = explanation.get("mutual") or {}
        code = f"words.unused.{why}"
        if not self.has(code):
            return str(why)
        if explanation.get("proven") is False and self.has(f"{code}.unproven"):
            code += ".unproven"  # an answer cut short proves nothing about the better choice
        text = self.text(code, {**explanation, "candidates": explanation.get("candidates", 0),
                                "a": self.person(pair.get("mentor_id")), "b": self.person(pair.get("mentee_id"))})
        return sentence(text) if as_sentence else text
