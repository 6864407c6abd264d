"""The changes of a re-matching round in words, one wording for every presenter: changes.csv,
the CLI summary, report.html's "what changed" section and `matcher explain`.

Everything is read from result.json's `rematch` part (plan.round_changes' records): a record
is {change: kept | new | moved | dissolved, mentee_id, previous_mentor_id, mentor_id,
previous_form, form, cause, params, source}.
"""
from __future__ import annotations

from ..i18n import Gendered, number, register, render
from ..io.writers import csv_bytes
from ..wording import Words

CHANGES = ("dissolved", "moved", "new", "kept")
CHANGE_COLUMNS = ["change", "mentee_id", "mentee_name", "previous_mentor_id", "previous_mentor_name", "mentor_id",
                  "mentor_name", "form", "reason_code", "reason"]
SHOWN_IN_SUMMARY = 10  # changed pairs listed by the CLI; changes.csv and the report list them all

register({
    "rematch.change.kept": ("сохранена", "kept"),
    "rematch.change.new": ("новая", "new"),
    "rematch.change.moved": ("смена наставника", "moved"),
    "rematch.change.dissolved": ("расформирована", "dissolved"),
    "rematch.mode.keep": ("keep, без перестановок", "keep"),
    "rematch.mode.repair": ("repair, с наименьшими перестановками", "repair"),
    # causes
    "rematch.cause.still_valid": ("пара по-прежнему проходит все правила", "the pair still passes every rule"),
    "rematch.cause.waited": ("без пары {rounds} {rounds:plural:тур|тура|туров} подбора: приоритет повышен на "
                             "{priority}",
                             "without a pair for {rounds} {rounds:plural:round|rounds}: priority raised by {priority}"),
    "rematch.cause.arrived": ("новый участник программы", "new in the programme"),
    "rematch.cause.had_none": ("пары не было", "had no pair"),
    # {the_mentee} / {the_mentor}: the people of the record, for the words that agree with them
    "rematch.cause.mentee_left": ("{the_mentee:gender:наставляемый выбыл|наставляемая выбыла} из программы",
                                  "the mentee left the programme"),
    "rematch.cause.mentor_left": ("наставник {the_mentor:gender:выбыл|выбыла} из программы",
                                  "the mentor left the programme"),
    "rematch.cause.mentor_withdrew": ("наставник {the_mentor:gender:отказался|отказалась} от наставничества",
                                      "the mentor withdrew from mentoring"),
    "rematch.cause.not_in_questionnaires": ("{person} отсутствует в текущих анкетах",
                                            "{person} is not in the current questionnaires"),
    "rematch.cause.replacement_requested": ("{the_mentee:gender:наставляемый попросил|наставляемая попросила} "
                                            "другого наставника ({source}): прежний для "
                                            "{the_mentee:gender:него|неё} исключён",
                                            "the mentee asked for another mentor ({source}): the previous one is "
                                            "excluded for them"),
    "rematch.cause.rule_broken": ("пара больше не проходит правила: {rules}", "the pair now breaks a rule: {rules}"),
    "rematch.cause.forbidden": ("пару запретил консилиум", "the consilium forbade the pair"),
    "rematch.cause.capacity_reduced": ("наставник теперь берёт не больше {capacity}",
                                       "the mentor now takes at most {capacity}"),
    "rematch.cause.consilium_lock": ("консилиум закрепил наставляемого за другим наставником: {mentor}",
                                     "the consilium locked the mentee with mentor {mentor}"),
    "rematch.cause.made_room": ("перемещение дало пару: {mentees}", "the move let these mentees be paired: {mentees}"),
    "rematch.cause.could_not_stay": ("пару не удалось сохранить: этого не допускают места и правила групп",
                                     "the pair could not stay: the places and the rules of groups do not allow it"),
    # changes.csv
    "header.change": ("Изменение", "change"),
    "header.previous_mentor_id": ("Код прежнего наставника", "previous_mentor_id"),
    "header.previous_mentor_name": ("Прежний наставник", "previous_mentor_name"),
    # the CLI summary
    "rematch.summary": ("Изменения с прошлого тура (режим {mode}): пар сохранено — {kept}, новых — {new}, смен "
                        "наставника — {moved}, расформировано — {dissolved} (подробно: changes.csv)",
                        "Changes since the previous round ({mode}): {kept} kept, {new} new, {moved} moved, "
                        "{dissolved} dissolved (details: changes.csv)"),
    "rematch.summary_line": ("  {change}: {mentee}: {pair} — {reason}", "  {change}: {mentee}: {pair} — {reason}"),
    "rematch.summary_more": ("  … и ещё {count}", "  ... and {count} more"),
    "rematch.raised": ("Приоритет повышен на {priority} для ждавших пары с прошлых туров: {count}",
                       "Priority raised by {priority} for mentees who waited without a pair: {count}"),
    "rematch.repair_proven": ("Перестановок меньше всего среди распределений, дающих пару наибольшему числу "
                              "наставляемых (доказано: {proof})",
                              "Fewest changes among the assignments that pair the most mentees (proven: {proof})"),
    "rematch.repair_unproven": ("Наименьшее число перестановок не доказано (истёк --time-limit): {gaps}",
                                "The fewest changes are not proven (--time-limit reached): {gaps}"),
    "rematch.repair_resolution": ("При выборе перестановок оценки пар сравнивались с шагом {step} вместо {finest}: "
                                  "у сменивших наставника сумма оценок может быть ниже наилучшей менее чем на "
                                  "{step} на пару",
                                  "Choosing the moves compared pair scores in steps of {step} instead of {finest}: "
                                  "among the moved pairs the total score may fall short of the best by less than "
                                  "{step} per pair"),
    "rematch.gap.kept": ("ещё до {n} пар можно было бы сохранить", "up to {n} more pairs might have been kept"),
    "rematch.gap.still_paired": ("ещё до {n} наставляемых могли бы остаться с наставником",
                                 "up to {n} more mentees might have kept a mentor"),
    "rematch.hint_repair": ("Сохранить все прежние пары нельзя; запустите с --mode repair: пары, которым нужно, "
                            "сменят наставника", "Not every previous pair can stay; run with --mode repair: the pairs "
                            "that must will move"),
    "rematch.pair_move": ("{previous} → {mentor}", "{previous} → {mentor}"),
    # report.html
    "rematch.report.title": ("Что изменилось с прошлого тура", "What changed since the previous round"),
    "rematch.report.intro": ("Подбор {round}-го тура по результату прошлого ({previous}); режим: {mode}. Пары, "
                             "которые по-прежнему проходят все правила, {mode_rule}.",
                             "Round {round}, from the previous round's result ({previous}); mode: {mode}. Pairs that "
                             "still pass every rule {mode_rule}."),
    "rematch.report.keep_rule": ("сохранены как есть", "stay as they are"),
    "rematch.report.repair_rule": ("меняются, только когда это даёт пару большему числу наставляемых",
                                   "move only when that pairs more mentees"),
    "rematch.report.count.dissolved": ("расформировано", "dissolved"),
    "rematch.report.count.moved": ("сменили наставника", "moved"),
    "rematch.report.count.new": ("новых пар", "new"),
    "rematch.report.count.kept": ("сохранено", "kept"),
    "rematch.report.col_change": ("Изменение", "Change"),
    "rematch.report.col_mentee": ("Наставляемый", "Mentee"),
    "rematch.report.col_previous": ("Прежний наставник", "Previous mentor"),
    "rematch.report.col_mentor": ("Наставник теперь", "Mentor now"),
    "rematch.report.col_reason": ("Причина", "Reason"),
    "rematch.report.kept_note": ("Без изменений: {count} {count:plural:пара|пары|пар} (в changes.csv — все).",
                                 "Unchanged: {count} {count:plural:pair|pairs} (changes.csv lists them all)."),
    "rematch.report.nothing": ("С прошлого тура ничего не изменилось.", "Nothing changed since the previous round."),
    "rematch.report.badge": ("с прошлого тура", "since the previous round"),
    # matcher explain
    "rematch.explain.kept": ("Наставляемый {mentee}: пара с прошлого тура сохранена (наставник — {mentor}): "
                             "{reason}.",
                             "Mentee {mentee}: the pair with {mentor} is kept from the previous round: {reason}."),
    "rematch.explain.new": ("Наставляемый {mentee}: новая пара в этом туре (наставник — {mentor}): {reason}.",
                            "Mentee {mentee}: the pair with {mentor} is new this round: {reason}."),
    "rematch.explain.moved": ("Наставляемый {mentee}: смена наставника с прошлого тура, прежний — {previous}, "
                              "теперь — {mentor}; причина: {reason}.",
                              "Mentee {mentee}: moved since the previous round from {previous} to {mentor}; why: "
                              "{reason}."),
    "rematch.explain.dissolved": ("Наставляемый {mentee}: пара расформирована (прежний наставник — {previous}): {reason}.",
                                  "Mentee {mentee}: the pair with {previous} was dissolved: {reason}."),
})


class ChangeWords:
    """The changes of one result document in one language."""

    def __init__(self, doc: dict, lang: str, style: str = "terminal"):
        self.doc, self.lang = doc, lang
        self.words = Words(doc, lang, style)
        part = doc.get("rematch") or {}
        self.records: list[dict] = part.get("changes") or []
        self.names: dict[str, str] = part.get("names") or {}
        self.genders: dict[str, str] = part.get("genders") or {}

    def person(self, pid):
        if not pid:
            return "—"
        named = self.words.person(pid, self.names.get(pid))
        if named.gender is None and self.genders.get(pid):  # someone since gone: as the round recorded them
            return Gendered(str(named), self.genders[pid])
        return named

    def change(self, record: dict) -> str:
        return render(f"rematch.change.{record['change']}", None, self.lang)

    def reason(self, record: dict) -> str:
        cause, params = record["cause"], dict(record.get("params") or {})
        params["the_mentee"] = self.person(record.get("mentee_id"))
        params["the_mentor"] = self.person(record.get("previous_mentor_id") or record.get("mentor_id"))
        if cause == "rule_broken":
            params["rules"] = "; ".join(self.words.rule(r.get("code"), r.get("details")) for r in params.get("rules")
                                        or [])
        elif cause == "made_room":
            params["mentees"] = ", ".join(str(self.person(t)) for t in params.get("mentees") or [])
        elif cause == "not_in_questionnaires":
            params["person"] = self.person(params.get("id"))
        elif cause == "consilium_lock":
            params["mentor"] = self.person(params.get("mentor_id"))
        elif cause == "capacity_reduced":
            params["capacity"] = int(params.get("capacity") or 0)
        return render(f"rematch.cause.{cause}", params, self.lang)

    def pair(self, record: dict) -> str:
        previous, mentor = record.get("previous_mentor_id"), record.get("mentor_id")
        if previous and mentor and previous != mentor:
            return render("rematch.pair_move", {"previous": self.person(previous), "mentor": self.person(mentor)},
                          self.lang)
        return str(self.person(mentor or previous))

    def counts(self) -> dict[str, int]:
        return {c: sum(1 for r in self.records if r["change"] == c) for c in CHANGES}

    def block(self, record: dict) -> tuple[str, str]:
        """report.html's block in a pair's explanation: a title and the sentence of `explain`."""
        return render("rematch.report.badge", None, self.lang), self.explain(record)

    def explain(self, record: dict) -> str:
        """One sentence for `matcher explain`: what happened to the pair since the previous round, and why."""
        return render(f"rematch.explain.{record['change']}", {
            "reason": self.reason(record), "mentee": self.person(record["mentee_id"]),
            "previous": self.person(record.get("previous_mentor_id")), "mentor": self.person(record.get("mentor_id"))},
            self.lang)


def changes_csv(doc: dict, lang: str = "en", headers: str = "en") -> bytes:
    """changes.csv: every pair of the previous round and every new one, what became of it and why."""
    words = ChangeWords(doc, lang)
    names = dict(words.names)
    head = [render(f"header.{c}", None, "ru") for c in CHANGE_COLUMNS] if headers == "ru" else CHANGE_COLUMNS
    people = words.words.people
    rows = []

    def name(pid):
        return ((people.get(pid) or {}).get("name") or names.get(pid) or "") if pid else ""

    for r in words.records:
        rows.append([words.change(r), r["mentee_id"], name(r["mentee_id"]), r.get("previous_mentor_id") or "",
                     name(r.get("previous_mentor_id")), r.get("mentor_id") or "", name(r.get("mentor_id")),
                     r.get("form") or r.get("previous_form") or "", r["cause"], words.reason(r)])
    return csv_bytes(head, rows, encoding="utf-8-sig")


def summary_lines(doc: dict, lang: str) -> list[str]:
    """The CLI's lines after the usual summary: the counts of changes, the changed pairs (the first
    few), the waiting mentees whose priority rose, and in repair mode whether the fewest changes are proven."""
    part = doc.get("rematch") or {}
    words = ChangeWords(doc, lang)
    counts = words.counts()
    lines = [render("rematch.summary", {"mode": render(f"rematch.mode.{part.get('mode', 'keep')}", None, lang),
                                        **counts}, lang)]
    changed = [r for r in words.records if r["change"] in ("dissolved", "moved")]
    changed += [r for r in words.records if r["change"] == "new"]
    for r in changed[:SHOWN_IN_SUMMARY]:
        lines.append(render("rematch.summary_line", {"change": words.change(r), "mentee": words.person(r["mentee_id"]),
                                                     "pair": words.pair(r), "reason": words.reason(r)}, lang))
    if len(changed) > SHOWN_IN_SUMMARY:
        lines.append(render("rematch.summary_more", {"count": len(changed) - SHOWN_IN_SUMMARY}, lang))
    if part.get("raised"):
        lines.append(render("rematch.raised", {"priority": part.get("waiting_priority", 0),
                                               "count": len(part["raised"])}, lang))
    stage = part.get("repair_solve")
    if stage:
        if stage.get("status") == "OPTIMAL":
            lines.append(render("rematch.repair_proven", {"proof": stage.get("proof", "")}, lang))
        else:
            gaps = [render(f"rematch.gap.{name}", {"n": n}, lang) for name, n in (stage.get("level_gaps") or {}).items()
                    if n and name in ("kept", "still_paired")]
            lines.append(render("rematch.repair_unproven", {"gaps": "; ".join(gaps) or "—"}, lang))
        resolution = resolution_note(stage, lang)
        if resolution:
            lines.append(resolution)
    return lines


def resolution_note(stage: dict | None, lang: str) -> str:
    """Repair mode's first solve compared scores in coarser steps than the final one: in words; '' if not."""
    step, finest = (stage or {}).get("score_step"), (stage or {}).get("finest_score_step")
    if not step or not finest or step <= finest:
        return ""
    return render("rematch.repair_resolution", {"step": number(step, lang), "finest": number(finest, lang)}, lang)


def report_view(doc: dict, lang: str, words: ChangeWords | None = None) -> dict | None:
    """report.html's "what changed" section (None for a result that is no re-matching): the
    counts, and a row per pair that changed (kept pairs only counted). `words`: the report's
    own ChangeWords for this document, if it has them."""
    part = doc.get("rematch")
    if not part:
        return None
    words = words or ChangeWords(doc, lang, "report")
    counts = words.counts()
    mode = part.get("mode", "keep")
    rows = []
    for r in words.records:
        if r["change"] == "kept":
            continue
        rows.append({"change": words.change(r), "kind": r["change"], "mentee": str(words.person(r["mentee_id"])),
                     "mentee_id": r["mentee_id"],
                     "previous": str(words.person(r["previous_mentor_id"])) if r.get("previous_mentor_id") else "—",
                     "mentor": str(words.person(r["mentor_id"])) if r.get("mentor_id") else "—",
                     "reason": words.reason(r)})
    t = lambda code, **params: render(f"rematch.report.{code}", params, lang)  # noqa: E731
    return {
        "title": t("title"),
        "intro": t("intro", round=int(part.get("round") or 2), previous=(part.get("previous") or {}).get("source", ""),
                   mode=render(f"rematch.mode.{mode}", None, lang), mode_rule=t(f"{mode}_rule")),
        "counts": [{"title": t(f"count.{c}"), "value": number(counts[c], lang)}
                   for c in CHANGES],
        "columns": [t(f"col_{c}") for c in ("change", "mentee", "previous", "mentor", "reason")],
        "rows": rows,
        "kept_note": t("kept_note", count=counts["kept"]) if counts["kept"] else "",
        "resolution": resolution_note(part.get("repair_solve"), lang),
        "nothing": t("nothing") if not rows else "",
    }


def explain_lines(doc: dict, lang: str, *, mentee: str | None = None, mentor: str | None = None) -> list[str]:
    """What happened since the previous round, for `matcher explain`: to a mentee's pair; to the
    pairs a mentor had (those that moved or were dissolved); to the pair of the two. [] for a
    result that is no re-matching."""
    words = ChangeWords(doc, lang)
    out = []
    for r in words.records:
        if mentee is not None and r["mentee_id"] != mentee:
            continue
        if mentor is not None and mentee is not None and mentor not in (r.get("previous_mentor_id"), r["mentor_id"]):
            continue
        if mentor is not None and mentee is None and (r.get("previous_mentor_id") != mentor
                                                      or r["change"] not in ("moved", "dissolved")):
            continue
        out.append(words.explain(r))
    return out
