"""Terminal explanations, read from result.json alone (`matcher explain RESULT_DIR ...`).

The explanations in result.json are data (codes, numbers, ids: `matcher.explain`); this
module words them in Russian or English through the message catalogue. It needs neither
the questionnaires nor the solver, so a result directory can be explained anywhere.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import constraints, results, scoring  # noqa: F401 - their reason codes are in the catalogue
from .i18n import register, render
from .text import clean_id
from .wording import Words, form_title

RESULT_FORMAT = "mentor-matcher/result"
FORCING_INDENT = " " * 6  # under its alternative's line

register({
    # errors
    "explain.no_result": ("в папке {path} нет файла result.json — укажите папку с результатами `matcher match`",
                          "{path} has no result.json — give the output directory of `matcher match`"),
    "explain.bad_json": ("файл {path} повреждён или не является JSON: {error}",
                         "{path} is damaged or not JSON: {error}"),
    "explain.unreadable": ("не удалось прочитать {path}: {error}", "cannot read {path}: {error}"),
    "explain.not_result": ("файл {path} не похож на результат `matcher match`",
                           "{path} is not a result of `matcher match`"),
    "explain.nothing_asked": ("укажите, что объяснить: --mentee ID, --mentor ID или --pair НАСТАВНИК НАСТАВЛЯЕМЫЙ",
                              "say what to explain: --mentee ID, --mentor ID or --pair MENTOR MENTEE"),
    "explain.unknown_mentee": ("наставляемого с кодом «{id}» в этом результате нет",
                               "there is no mentee with id '{id}' in this result"),
    "explain.unknown_mentor": ("наставника с кодом «{id}» в этом результате нет",
                               "there is no mentor with id '{id}' in this result"),
    "explain.no_explanations": ("(в этом результате нет подробных объяснений: он получен без них)",
                                "(this result holds no detailed explanations)"),
    # pair
    "explain.pair_title": ("Пара: наставник {mentor_id} ({mentor_name}) – наставляемый {mentee_id} ({mentee_name}), "
                           "форма «{form}»",
                           "Pair: mentor {mentor_id} ({mentor_name}) – mentee {mentee_id} ({mentee_name}), "
                           "form '{form}'"),
    "explain.pair_score": ("Оценка пары: {score} из 1.", "Pair score: {score} of 1."),
    "explain.pair_ranks": ("Среди {mentor_candidates} {mentor_candidates:plural:подходящего наставляемому наставника|"
                           "подходящих наставляемому наставников|подходящих наставляемому наставников} этот — "
                           "{mentor_rank}-й по оценке; среди {mentee_candidates} {mentee_candidates:plural:"
                           "подходящего наставнику наставляемого|подходящих наставнику наставляемых|"
                           "подходящих наставнику наставляемых} этот — {mentee_rank}-й.",
                           "Among the mentee's {mentor_candidates} suitable {mentor_candidates:plural:mentor|mentors} "
                           "this one ranks {mentor_rank} by score; among the mentor's {mentee_candidates} suitable "
                           "{mentee_candidates:plural:mentee|mentees} this one ranks {mentee_rank}."),
    "explain.pair_locked": ("Пара закреплена решением консилиума.", "The consilium locked this pair."),
    "explain.components": ("Из чего сложилась оценка:", "How the score is made up:"),
    "explain.component_line": ("  +{contribution}  {title}: {reason}", "  +{contribution}  {title}: {reason}"),
    "explain.alternatives": ("Другие наставники, которые подошли бы (лучшие по оценке), и почему выбран не он:",
                             "Other mentors who would fit (best scores first), and why they were not chosen:"),
    "explain.no_alternatives": ("Других подходящих наставников нет.", "There is no other suitable mentor."),
    "explain.alt_line": ("  {n}. {mentor_id} ({mentor_name}), оценка {score}: {why}",
                         "  {n}. {mentor_id} ({mentor_name}), score {score}: {why}"),
    # unmatched
    "explain.unmatched_title": ("Наставляемый {mentee_id} ({mentee_name}) остался без пары.",
                                "Mentee {mentee_id} ({mentee_name}) has no pair."),
    "explain.why.no_form": ("Наставляемый не указал ни одной формы наставничества этой программы.",
                            "The mentee chose no form of mentoring of this programme."),
    "explain.why.no_mentor_in_form": ("В выбранных наставляемым формах нет ни одного наставника.",
                                      "No mentor takes part in the mentee's forms."),
    "explain.why.no_candidate": ("Ни один наставник не проходит обязательные правила.",
                                 "No mentor passes the hard rules."),
    "explain.why.candidates_taken": ("{count} {count:plural:подходящий наставник нужен|подходящих наставника нужны|"
                                     "подходящих наставников нужны} другим наставляемым: если поставить этого "
                                     "наставляемого к {count:plural:нему|любому из них|любому из них}, общий "
                                     "результат станет хуже.",
                                     "{count} suitable {count:plural:mentor is|mentors are} needed by other mentees: "
                                     "pairing this mentee with {count:plural:that mentor|any of them} makes the "
                                     "overall result worse."),
    "explain.why.candidates_without_places": ("{count} {count:plural:подходящий наставник не может|подходящих "
                                              "наставника не могут|подходящих наставников не могут} взять ни одного "
                                              "наставляемого: нет мест.",
                                              "{count} suitable {count:plural:mentor cannot|mentors cannot} take "
                                              "anyone: no places."),
    "explain.why.category_not_in_form": ("Категория наставляемого «{category}» не допускается в {forms_count:plural:"
                                         "выбранной форме|выбранных формах|выбранных формах} {forms} (допустимы: "
                                         "{allowed}): пару в {forms_count:plural:ней|них|них} составить нельзя.",
                                         "The mentee's category '{category}' is not allowed in the chosen "
                                         "{forms_count:plural:form|forms} {forms} (allowed: {allowed}): no pair is "
                                         "possible there."),
    "explain.why.category_unknown_not_in_form": ("Категория наставляемого не указана, а {forms_count:plural:"
                                                 "выбранная форма|выбранные формы|выбранные формы} {forms} "
                                                 "{forms_count:plural:допускает|допускают|допускают} только: "
                                                 "{allowed}.",
                                                 "The mentee's category is not given, and the chosen "
                                                 "{forms_count:plural:form|forms} {forms} "
                                                 "{forms_count:plural:allows|allow} only: {allowed}."),
    "explain.why.group_min_unreachable": ("Наставник {mentor} ведёт группу не меньше {min} человек, а подходящих "
                                          "наставляемых только {suitable}: группа не может собраться, и пары с ним "
                                          "нет ни у кого.",
                                          "Mentor {mentor} leads a group of at least {min}, but only {suitable} "
                                          "suitable {suitable:plural:mentee exists|mentees exist}: the group cannot "
                                          "be formed, so nobody is paired with this mentor."),
    "explain.why.mutual": ("{mentee} и {mentor} не могут одновременно быть наставником и наставляемым друг для "
                           "друга: {mentee} уже наставник для {mentor}.",
                           "{mentee} and {mentor} cannot be each other's mentor and mentee at the same time: "
                           "{mentee} already mentors {mentor}."),
    "explain.why.group_rules": ("У подходящих наставников есть свободные места, но правила групп (наименьший размер "
                                "группы, разброс классов, запрет взаимного наставничества) не оставляют места для "
                                "этого наставляемого.",
                                "Suitable mentors have free places, but the rules of groups (smallest group size, "
                                "spread of grades, no mutual mentoring) leave no room for this mentee."),
    "explain.blocked_by": ("Сколько наставников отсеяло каждое правило: {counts}.",
                           "Mentors ruled out, by rule: {counts}."),
    "explain.blocked_by_mentees": ("Сколько наставляемых отсеяло каждое правило: {counts}.",
                                   "Mentees ruled out, by rule: {counts}."),
    "explain.count_item": ("{rule} — {count}", "{rule}: {count}"),
    "explain.candidates": ("Подходящие наставники (лучшие по оценке):", "Suitable mentors (best scores first):"),
    "explain.near_misses": ("Ближе всего (мешает только одно правило):",
                            "Nearest misses (one rule stands in the way):"),
    "explain.near_line": ("  {mentor_id} ({mentor_name}), оценка была бы {score}: {why}",
                          "  {mentor_id} ({mentor_name}), would score {score}: {why}"),
    "explain.suggestions": ("Что даст пару (каждое изменение проверено пересчётом):",
                            "What would give a pair (each change checked by re-solving):"),
    "explain.no_suggestions": ("Ни одно проверенное изменение одного условия не даёт этому наставляемому пару.",
                               "No checked single change gives this mentee a pair."),
    "explain.suggestion_line": ("  {n}. {change} → пара с наставником {mentor_id}; {effect}.",
                                "  {n}. {change} → paired with mentor {mentor_id}; {effect}."),
    "explain.unchecked": ("Не проверено (лимит пересчётов): {changes}.", "Not checked (re-solve limit): {changes}."),
    "explain.unchecked_not_in_time": ("Не проверено за отведённое время: {changes}.",
                                      "Not checked in time: {changes}."),
    # mentor
    "explain.mentor_title": ("Наставник {mentor_id} ({mentor_name}): занято мест — {load} из {capacity}.",
                             "Mentor {mentor_id} ({mentor_name}): {load} of {capacity} "
                             "{capacity:plural:place|places} taken."),
    "explain.mentor_group_min": ("Группа не меньше {min} человек.", "Leads a group of at least {min}."),
    "explain.mentor_mentees": ("Наставляемые:", "Mentees:"),
    "explain.mentor_mentee_line": ("  {mentee_id} ({mentee_name}), оценка {score}, форма «{form}»{locked}",
                                   "  {mentee_id} ({mentee_name}), score {score}, form '{form}'{locked}"),
    "explain.locked_mark": (" — закреплено консилиумом", " — locked by the consilium"),
    "explain.mentor_candidates": ("Подходящих наставляемых (проходят все правила): {count}.",
                                  "Suitable mentees (passing every rule): {count}."),
    "explain.mentor_free": ("Свободных мест: {free}.", "Free places: {free}."),
    "explain.mentor_no_capacity": ("У наставника нет мест (вместимость 0).", "The mentor has no places (capacity 0)."),
    # a pair that is not in the result
    "explain.not_a_pair": ("Наставник {mentor_id} и наставляемый {mentee_id} не составляют пару в этом результате.",
                           "Mentor {mentor_id} and mentee {mentee_id} are not a pair in this result."),
    "explain.not_a_pair_why": ("Почему не этот наставник: {why}", "Why not this mentor: {why}"),
    "explain.not_a_pair_unknown": ("Этот наставник не среди лучших вариантов, сохранённых в результате.",
                                   "This mentor is not among the best alternatives kept in the result."),
    "explain.mentee_has": ("Наставляемый {mentee_id} в паре с наставником {mentor_id}.",
                           "Mentee {mentee_id} is paired with mentor {mentor_id}."),
})


class ExplainError(Exception):
    """A problem the user can fix (unknown id, missing or damaged result): code + parameters."""

    def __init__(self, code: str, params: dict | None = None, exit_code: int = 1):
        super().__init__(code)
        self.code, self.params, self.exit_code = code, params or {}, exit_code


def load_result(result_dir: Path) -> dict:
    """result.json of a result directory; every way it can be wrong is an ExplainError."""
    path = Path(result_dir) / "result.json"
    if not path.is_file():
        raise ExplainError("explain.no_result", {"path": str(result_dir)})
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExplainError("explain.unreadable", {"path": str(path), "error": str(exc)}) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExplainError("explain.bad_json", {"path": str(path), "error": str(exc)}) from None
    if not isinstance(doc, dict) or doc.get("format") != RESULT_FORMAT or not isinstance(doc.get("pairs"), list):
        raise ExplainError("explain.not_result", {"path": str(path)})
    return doc


# ---------------------------------------------------------------------------------------------
# Wording helpers


def _num(value, lang: str, digits: int = 3) -> str:
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".") if value is not None else "—"
    return text.replace(".", ",") if lang == "ru" else text


def _fixed(value, lang: str, digits: int = 3) -> str:
    text = f"{float(value or 0.0):.{digits}f}"
    return text.replace(".", ",") if lang == "ru" else text


def _words(doc: dict, lang: str) -> Words:
    """The shared wording, terminal style: people by id."""
    return Words(doc, lang, "terminal", person=str)


def _rule_text(reason: dict, lang: str, doc: dict | None = None) -> str:
    """One blocking rule with its details, worded (forms and categories by their titles)."""
    return _words(doc or {}, lang).rule(reason.get("code"), reason.get("details"))


def _effect_text(effect: dict, lang: str, doc: dict | None = None) -> str:
    parts = _words(doc or {}, lang).effect(effect)
    return "; ".join(parts) if parts else _words(doc or {}, lang).text("words.effect.none")


def _names(doc: dict) -> tuple[dict, dict]:
    mentors = {m["mentor_id"]: m.get("mentor_name", "") for m in doc.get("mentors") or []}
    mentees = {}
    for p in doc.get("pairs") or []:
        mentors.setdefault(p["mentor_id"], p.get("mentor_name", ""))
        mentees[p["mentee_id"]] = p.get("mentee_name", "")
    for u in doc.get("unmatched") or []:
        mentees[u["mentee_id"]] = u.get("mentee_name", "")
    return mentors, mentees


def _alternative_lines(doc: dict, alts: list[dict], lang: str, mentor_names: dict) -> list[str]:
    words = _words(doc, lang)
    lines = []
    for n, alt in enumerate(alts, start=1):
        lines.append(render("explain.alt_line", {"n": n, "mentor_id": alt["mentor_id"],
                                                 "mentor_name": mentor_names.get(alt["mentor_id"], ""),
                                                 "score": _num(alt.get("score"), lang, 2),
                                                 "why": words.status_line(alt)}, lang))
        if alt.get("forcing") is not None:
            lines.append(FORCING_INDENT + words.forcing(alt["forcing"]))
    return lines


# ---------------------------------------------------------------------------------------------
# The three questions


def _pair_text(doc: dict, pair: dict, lang: str) -> list[str]:
    mentor_names, _ = _names(doc)
    lines = [render("explain.pair_title", {**pair, "form": form_title(doc, pair["form"], lang)}, lang),
             render("explain.pair_score", {"score": _num(pair.get("score"), lang)}, lang)]
    ex = pair.get("explanation")
    if ex:
        lines.append(render("explain.pair_ranks", ex, lang))
    if pair.get("locked"):
        lines.append(render("explain.pair_locked", None, lang))
    comps = pair.get("components") or {}
    if comps:
        lines.append(render("explain.components", None, lang))
        for name, c in sorted(comps.items(), key=lambda kv: (-kv[1].get("contribution", 0.0), kv[0])):
            reason = c.get("reason") or {}
            lines.append(render("explain.component_line", {
                "contribution": _fixed(c.get("contribution", 0.0), lang),
                "title": render(f"component.{name}", None, lang),
                "reason": render(reason["code"], reason.get("params"), lang) if reason.get("code") else ""}, lang))
    if not ex:
        lines.append(render("explain.no_explanations", None, lang))
        return lines
    alts = ex.get("alternatives") or []
    if alts:
        lines.append(render("explain.alternatives", None, lang))
        lines.extend(_alternative_lines(doc, alts, lang, mentor_names))
    else:
        lines.append(render("explain.no_alternatives", None, lang))
    return lines


def _unmatched_text(doc: dict, u: dict, lang: str) -> list[str]:
    mentor_names, _ = _names(doc)
    lines = [render("explain.unmatched_title", u, lang)]
    ex = u.get("explanation")
    if not ex:
        lines.append(results.unmatched_line(u, lang, doc) if u.get("reason_code") else "")
        lines.append(render("explain.no_explanations", None, lang))
        return lines
    why_params = {"count": ex.get("candidates_total", 0),
                  **results.reason_params(ex.get("why_params") or {}, lang, doc)}
    if ex["why"] == "candidates_taken" and "count" in (ex.get("why_params") or {}):
        why_params["count"] = ex["why_params"]["count"]
    lines.append(render(f"explain.why.{ex['why']}", why_params, lang))
    counts = [render("explain.count_item", {"rule": render(f"rule_title.{code}", None, lang), "count": n}, lang)
              for code, n in sorted(ex.get("blocked_by", {}).items(), key=lambda kv: (-kv[1], kv[0]))]
    if counts:
        lines.append(render("explain.blocked_by", {"counts": "; ".join(counts)}, lang))
    if ex.get("candidates"):
        lines.append(render("explain.candidates", None, lang))
        lines.extend(_alternative_lines(doc, ex["candidates"], lang, mentor_names))
    if ex.get("near_misses"):
        lines.append(render("explain.near_misses", None, lang))
        for nm in ex["near_misses"]:
            lines.append(render("explain.near_line", {"mentor_id": nm["mentor_id"],
                                                      "mentor_name": mentor_names.get(nm["mentor_id"], ""),
                                                      "score": _num(nm.get("score"), lang, 2),
                                                      "why": _rule_text(nm, lang, doc)}, lang))
    words = _words(doc, lang)
    if ex.get("suggestions"):
        lines.append(render("explain.suggestions", None, lang))
        for n, s in enumerate(ex["suggestions"], start=1):
            effect = s.get("effect") or {}
            lines.append(render("explain.suggestion_line", {
                "n": n, "change": words.change(s, u["mentee_id"]), "mentor_id": effect.get("mentor_id") or "—",
                "effect": _effect_text(effect, lang, doc)}, lang))
    else:
        lines.append(render("explain.no_suggestions", None, lang))
    for reason, code in (("budget", "explain.unchecked"), ("deadline", "explain.unchecked_not_in_time")):
        changes = [c for c in ex.get("unchecked") or [] if (c.get("reason") or "budget") == reason]
        if changes:
            lines.append(render(code, {"changes": "; ".join(words.change(c, u["mentee_id"]) for c in changes)}, lang))
    return lines


def _mentor_text(doc: dict, m: dict, lang: str) -> list[str]:
    _, mentee_names = _names(doc)
    lines = [render("explain.mentor_title", m, lang)]
    ex = m.get("explanation") or {}
    if m.get("group_min"):
        lines.append(render("explain.mentor_group_min", {"min": m["group_min"]}, lang))
    mentees = ex.get("mentees")
    if mentees is None:
        mentees = [{"mentee_id": t} for t in m.get("mentees") or []]
    if mentees:
        lines.append(render("explain.mentor_mentees", None, lang))
        locked = render("explain.locked_mark", None, lang)
        for t in mentees:
            lines.append(render("explain.mentor_mentee_line", {
                "mentee_id": t["mentee_id"], "mentee_name": mentee_names.get(t["mentee_id"], ""),
                "score": _num(t.get("score"), lang, 2), "form": form_title(doc, t.get("form"), lang),
                "locked": locked if t.get("locked") else ""}, lang))
    if not ex:
        lines.append(render("explain.no_explanations", None, lang))
        return lines
    if ex.get("status") == "no_capacity":
        lines.append(render("explain.mentor_no_capacity", None, lang))
    elif ex.get("free"):
        lines.append(render("explain.mentor_free", ex, lang))
    lines.append(render("explain.mentor_candidates", {"count": ex.get("candidates", 0)}, lang))
    if ex.get("why_unused"):
        lines.append(_words(doc, lang).unused(ex, sentence=True))
        counts = [render("explain.count_item", {"rule": render(f"rule_title.{code}", None, lang), "count": n}, lang)
                  for code, n in sorted(ex.get("blocked_by", {}).items(), key=lambda kv: (-kv[1], kv[0]))]
        if counts:
            lines.append(render("explain.blocked_by_mentees", {"counts": "; ".join(counts)}, lang))
    return lines


def _not_a_pair_text(doc: dict, mentor_id: str, mentee_id: str, lang: str) -> list[str]:
    """Why mentee_id did not get mentor_id: from the alternatives and near misses kept."""
    mentor_names, _ = _names(doc)
    lines = [render("explain.not_a_pair", {"mentor_id": mentor_id, "mentee_id": mentee_id}, lang)]
    found = []
    for p in doc.get("pairs") or []:
        if p["mentee_id"] == mentee_id:
            lines.append(render("explain.mentee_has", p, lang))
            found += [a for a in (p.get("explanation") or {}).get("alternatives", []) if a["mentor_id"] == mentor_id]
    for u in doc.get("unmatched") or []:
        if u["mentee_id"] == mentee_id:
            ex = u.get("explanation") or {}
            found += [a for a in ex.get("candidates", []) if a["mentor_id"] == mentor_id]
            for nm in ex.get("near_misses", []):
                if nm["mentor_id"] == mentor_id:
                    found.append({"mentor_id": mentor_id, "score": nm.get("score"), "status": "blocked", "rules": [nm]})
    if found:
        lines.extend(_alternative_lines(doc, found[:1], lang, mentor_names))
    else:
        lines.append(render("explain.not_a_pair_unknown", None, lang))
    return lines


def explain_text(doc: dict, mentee=None, mentor=None, pair=None, lang: str = "en") -> str:
    """The explanation of one mentee, one mentor or one pair, worded in `lang`."""
    lang = "ru" if lang == "ru" else "en"
    # an id pasted from a spreadsheet may carry invisible characters the result's ids do not
    mentee = clean_id(mentee) if mentee else mentee
    mentor = clean_id(mentor) if mentor else mentor
    pair = tuple(clean_id(x) for x in pair) if pair else pair
    if not (mentee or mentor or pair):
        raise ExplainError("explain.nothing_asked", exit_code=2)
    mentor_names, mentee_names = _names(doc)
    sections: list[list[str]] = []
    if mentee:
        pairs = [p for p in doc.get("pairs") or [] if p["mentee_id"] == mentee]
        unmatched = [u for u in doc.get("unmatched") or [] if u["mentee_id"] == mentee]
        if not pairs and not unmatched:
            raise ExplainError("explain.unknown_mentee", {"id": mentee})
        sections += [_pair_text(doc, p, lang) for p in pairs]
        sections += [_unmatched_text(doc, u, lang) for u in unmatched]
    if mentor:
        record = [m for m in doc.get("mentors") or [] if m["mentor_id"] == mentor]
        if not record:
            raise ExplainError("explain.unknown_mentor", {"id": mentor})
        sections.append(_mentor_text(doc, record[0], lang))
    if pair:
        mentor_id, mentee_id = pair
        if mentor_id not in mentor_names:
            raise ExplainError("explain.unknown_mentor", {"id": mentor_id})
        if mentee_id not in mentee_names:
            raise ExplainError("explain.unknown_mentee", {"id": mentee_id})
        pairs = [p for p in doc.get("pairs") or [] if p["mentor_id"] == mentor_id and p["mentee_id"] == mentee_id]
        if pairs:
            sections += [_pair_text(doc, p, lang) for p in pairs]
        else:
            sections.append(_not_a_pair_text(doc, mentor_id, mentee_id, lang))
    return "\n\n".join("\n".join(line for line in s if line) for s in sections)
