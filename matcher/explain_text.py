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
from .wording import Words

RESULT_FORMAT = "mentor-matcher/result"
FORCING_INDENT = " " * 6  # under its alternative's line

register({
    # errors
    "explain.no_result": ("в папке {path} нет файла result.json — укажите папку с результатами `matcher match`",
                          "{path} has no result.json — give the output directory of `matcher match`"),
    "explain.bad_json": ("файл {path} повреждён или не является JSON: {error}",
                         "{path} is damaged or not JSON: {error}"),
    "explain.history_raised": ("По истории программы приоритет повышен на {by}: в {year} учебном году пары не "
                               "нашлось.",
                               "Priority raised by {by} from the programme's history: no pair was found in {year}."),
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
    "explain.pair_title": ("Пара: наставник {mentor} – наставляемый {mentee}, форма «{form}»",
                           "Pair: mentor {mentor} – mentee {mentee}, form '{form}'"),
    "explain.about": ("  {who}: {about}", "  {who}: {about}"),
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
    "explain.alternatives": ("Другие наставники, которые подошли бы (лучшие по оценке), и почему не они:",
                             "Other mentors who would fit (best scores first), and why they were not chosen:"),
    "explain.no_alternatives": ("Других подходящих наставников нет.", "There is no other suitable mentor."),
    "explain.alt_line": ("  {n}. {mentor}, оценка {score}: {why}", "  {n}. {mentor}, score {score}: {why}"),
    # unmatched
    "explain.unmatched_title": ("Наставляемый {mentee} {mentee:gender:остался|осталась} без пары.",
                                "Mentee {mentee} has no pair."),
    "explain.blocked_by": ("Сколько наставников отсеяло каждое правило: {counts}.",
                           "Mentors ruled out, by rule: {counts}."),
    "explain.blocked_by_mentees": ("Сколько наставляемых отсеяло каждое правило: {counts}.",
                                   "Mentees ruled out, by rule: {counts}."),
    "explain.count_item": ("{rule} — {count}", "{rule}: {count}"),
    "explain.candidates": ("Подходящие наставники (лучшие по оценке):", "Suitable mentors (best scores first):"),
    "explain.near_misses": ("Ближе всего (мешает только одно правило):",
                            "Nearest misses (one rule stands in the way):"),
    "explain.near_line": ("  {mentor}, оценка была бы {score}: {why}", "  {mentor}, would score {score}: {why}"),
    "explain.suggestions": ("Что даст пару (каждое изменение проверено пересчётом):",
                            "What would give a pair (each change checked by re-solving):"),
    "explain.no_suggestions": ("Ни одно проверенное изменение одного условия не даёт этому наставляемому пару.",
                               "No checked single change gives this mentee a pair."),
    "explain.suggestion_line": ("  {n}. {change} → наставник — {mentor}; {effect}.",
                                "  {n}. {change} → paired with mentor {mentor}; {effect}."),
    "explain.suggestion_line_no_mentor": ("  {n}. {change} → {effect}.", "  {n}. {change} → {effect}."),
    "explain.unchecked": ("Не проверено (лимит пересчётов): {changes}.", "Not checked (re-solve limit): {changes}."),
    "explain.unchecked_not_in_time": ("Не проверено за отведённое время: {changes}.",
                                      "Not checked in time: {changes}."),
    # mentor
    "explain.mentor_title": ("Наставник {mentor}: занято мест — {load} из {capacity}.",
                             "Mentor {mentor}: {load} of {capacity} {capacity:plural:place|places} taken."),
    "explain.mentor_group_min": ("Группа не меньше {min} {min:plural:человека|человек|человек}.",
                                 "Leads a group of at least {min}."),
    "explain.mentor_mentees": ("Наставляемые:", "Mentees:"),
    "explain.mentor_mentee_line": ("  {mentee}, оценка {score}, форма «{form}»{locked}",
                                   "  {mentee}, score {score}, form '{form}'{locked}"),
    "explain.locked_mark": (" — закреплено консилиумом", " — locked by the consilium"),
    "explain.mentor_candidates": ("Подходящих наставляемых (проходят все правила): {count}.",
                                  "Suitable mentees (passing every rule): {count}."),
    "explain.mentor_free": ("Свободных мест: {free}.", "Free places: {free}."),
    "explain.mentor_no_capacity": ("У наставника нет мест (вместимость 0).", "The mentor has no places (capacity 0)."),
    # a pair that is not in the result
    "explain.not_a_pair": ("Наставник {mentor} и наставляемый {mentee} не составляют пару в этом результате.",
                           "Mentor {mentor} and mentee {mentee} are not a pair in this result."),
    "explain.not_a_pair_why": ("Почему не этот наставник: {why}", "Why not this mentor: {why}"),
    "explain.not_a_pair_unknown": ("Этот наставник не среди лучших вариантов, сохранённых в результате.",
                                   "This mentor is not among the best alternatives kept in the result."),
    "explain.mentee_has": ("Наставляемый {mentee} в паре, наставник — {mentor}.",
                           "Mentee {mentee} is paired with mentor {mentor}."),
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


def _score(words: Words, value) -> str:
    """A score as the report shows it: two decimals."""
    return "—" if value is None else words.num(float(value), 2)


def _words(doc: dict, lang: str) -> Words:
    """The shared wording (matcher.wording), in the terminal's layout."""
    return Words(doc, lang, "terminal")


def _counts(words: Words, blocked_by: dict) -> str:
    return "; ".join(words.text("explain.count_item", {"rule": words.text(f"rule_title.{code}"), "count": n})
                     for code, n in sorted(blocked_by.items(), key=lambda kv: (-kv[1], kv[0])))


def _alternative_lines(words: Words, alts: list[dict]) -> list[str]:
    lines = []
    for n, alt in enumerate(alts, start=1):
        lines.append(words.text("explain.alt_line", {"n": n, "mentor": words.person(alt["mentor_id"]),
                                                     "score": _score(words, alt.get("score")),
                                                     "why": words.status_line(alt)}))
        if alt.get("forcing") is not None:
            lines.append(FORCING_INDENT + words.forcing(alt["forcing"], alt))
    return lines


def _about_lines(words: Words, pair: dict) -> list[str]:
    """The two people of a pair with their class or category and subjects, when known."""
    lines = []
    for role in ("mentor", "mentee"):
        about = words.about(pair[f"{role}_id"])
        if about:
            lines.append(words.text("explain.about", {"who": words.person(pair[f"{role}_id"]), "about": about}))
    return lines


# ---------------------------------------------------------------------------------------------
# The three questions


def _pair_text(words: Words, pair: dict) -> list[str]:
    lines = [words.text("explain.pair_title", {"mentor": words.person(pair["mentor_id"]),
                                               "mentee": words.person(pair["mentee_id"]),
                                               "form": words.form(pair["form"])}),
             *_about_lines(words, pair),
             words.text("explain.pair_score", {"score": _score(words, pair.get("score"))})]
    ex = pair.get("explanation")
    if ex:
        lines.append(words.text("explain.pair_ranks", ex))
    if pair.get("locked"):
        lines.append(words.text("explain.pair_locked"))
    comps = pair.get("components") or {}
    if comps:
        lines.append(words.text("explain.components"))
        for name, c in sorted(comps.items(), key=lambda kv: (-kv[1].get("contribution", 0.0), kv[0])):
            lines.append(words.text("explain.component_line", {
                "contribution": words.num(float(c.get("contribution") or 0.0), 3),
                "title": words.text(f"component.{name}"), "reason": words.component(c.get("reason"))}))
    if not ex:
        lines.append(words.text("explain.no_explanations"))
        return lines
    alts = ex.get("alternatives") or []
    if alts:
        lines.append(words.text("explain.alternatives"))
        lines.extend(_alternative_lines(words, alts))
    else:
        lines.append(words.text("explain.no_alternatives"))
    return lines


def _unmatched_text(words: Words, u: dict) -> list[str]:
    lines = [words.text("explain.unmatched_title", {"mentee": words.person(u["mentee_id"])}),
             words.unmatched(u)]  # the words of unmatched.csv and the report
    ex = u.get("explanation")
    if not ex:
        lines.append(words.text("explain.no_explanations"))
        return lines
    counts = _counts(words, ex.get("blocked_by") or {})
    if counts:
        lines.append(words.text("explain.blocked_by", {"counts": counts}))
    if ex.get("candidates"):
        lines.append(words.text("explain.candidates"))
        lines.extend(_alternative_lines(words, ex["candidates"]))
    if ex.get("near_misses"):
        lines.append(words.text("explain.near_misses"))
        for nm in ex["near_misses"]:
            lines.append(words.text("explain.near_line", {"mentor": words.person(nm["mentor_id"]),
                                                          "score": _score(words, nm.get("score")),
                                                          "why": words.rule(nm.get("code"), nm.get("details"))}))
    if ex.get("suggestions"):
        lines.append(words.text("explain.suggestions"))
        for n, s in enumerate(ex["suggestions"], start=1):
            effect = s.get("effect") or {}
            mentor = effect.get("mentor_id")  # not known when the answer kept only the first moves
            lines.append(words.text("explain.suggestion_line" if mentor else "explain.suggestion_line_no_mentor", {
                "n": n, "change": words.change(s, u["mentee_id"]), "mentor": words.person(mentor),
                "effect": "; ".join(words.effect(effect)) or words.text("words.effect.none")}))
    else:
        lines.append(words.text("explain.no_suggestions"))
    for reason, code in (("budget", "explain.unchecked"), ("deadline", "explain.unchecked_not_in_time")):
        changes = [c for c in ex.get("unchecked") or [] if (c.get("reason") or "budget") == reason]
        if changes:
            lines.append(words.text(code, {"changes": "; ".join(words.change(c, u["mentee_id"]) for c in changes)}))
    return lines


def _mentor_text(words: Words, m: dict) -> list[str]:
    lines = [words.text("explain.mentor_title", {**m, "mentor": words.person(m["mentor_id"])})]
    about = words.about(m["mentor_id"])
    if about:
        lines.append(words.text("explain.about", {"who": words.person(m["mentor_id"]), "about": about}))
    ex = m.get("explanation") or {}
    if m.get("group_min"):
        lines.append(words.text("explain.mentor_group_min", {"min": m["group_min"]}))
    mentees = ex.get("mentees")
    if mentees is None:
        mentees = [{"mentee_id": t} for t in m.get("mentees") or []]
    if mentees:
        lines.append(words.text("explain.mentor_mentees"))
        locked = words.text("explain.locked_mark")
        for t in mentees:
            lines.append(words.text("explain.mentor_mentee_line", {
                "mentee": words.person(t["mentee_id"]), "score": _score(words, t.get("score")),
                "form": words.form(t.get("form")), "locked": locked if t.get("locked") else ""}))
    if not ex:
        lines.append(words.text("explain.no_explanations"))
        return lines
    if ex.get("status") == "no_capacity":
        lines.append(words.text("explain.mentor_no_capacity"))
    elif ex.get("free"):
        lines.append(words.text("explain.mentor_free", ex))
    lines.append(words.text("explain.mentor_candidates", {"count": ex.get("candidates", 0)}))
    if ex.get("why_unused"):
        lines.append(words.unused(ex, as_sentence=True))
        counts = _counts(words, ex.get("blocked_by") or {})
        if counts:
            lines.append(words.text("explain.blocked_by_mentees", {"counts": counts}))
    return lines


def _not_a_pair_text(words: Words, mentor_id: str, mentee_id: str) -> list[str]:
    """Why mentee_id did not get mentor_id: from the alternatives and near misses kept."""
    doc = words.doc
    lines = [words.text("explain.not_a_pair", {"mentor": words.person(mentor_id), "mentee": words.person(mentee_id)})]
    found = []
    for p in doc.get("pairs") or []:
        if p["mentee_id"] == mentee_id:
            lines.append(words.text("explain.mentee_has", {"mentee": words.person(p["mentee_id"]),
                                                           "mentor": words.person(p["mentor_id"])}))
            found += [a for a in (p.get("explanation") or {}).get("alternatives", []) if a["mentor_id"] == mentor_id]
    for u in doc.get("unmatched") or []:
        if u["mentee_id"] == mentee_id:
            ex = u.get("explanation") or {}
            found += [a for a in ex.get("candidates", []) if a["mentor_id"] == mentor_id]
            for nm in ex.get("near_misses", []):
                if nm["mentor_id"] == mentor_id:
                    found.append({"mentor_id": mentor_id, "score": nm.get("score"), "status": "blocked", "rules": [nm]})
    if found:
        lines.extend(_alternative_lines(words, found[:1]))
    else:
        lines.append(words.text("explain.not_a_pair_unknown"))
    return lines


def _from_history(doc: dict, lang: str, mentee: str) -> list[str]:
    """For a `match --history` result: whether the history raised this mentee's priority."""
    part = doc.get("history") or {}
    by = (part.get("raised") or {}).get(mentee)
    return [render("explain.history_raised", {"by": by, "year": part.get("previous_year", "")}, lang)] if by else []


def _since_previous(doc: dict, lang: str, *, mentee=None, mentor=None) -> list[str]:
    """For a re-matching round's result: what became of a mentee's pair, or of a previous
    mentor's pairs, since the previous round, and why ([] for any other result)."""
    if not doc.get("rematch"):
        return []
    from .rematch.words import explain_lines

    return explain_lines(doc, lang, mentee=mentee, mentor=mentor)


def explain_text(doc: dict, mentee=None, mentor=None, pair=None, lang: str = "en") -> str:
    """The explanation of one mentee, one mentor or one pair, worded in `lang`."""
    lang = "ru" if lang == "ru" else "en"
    # an id pasted from a spreadsheet may carry invisible characters the result's ids do not
    mentee = clean_id(mentee) if mentee else mentee
    mentor = clean_id(mentor) if mentor else mentor
    pair = tuple(clean_id(x) for x in pair) if pair else pair
    if not (mentee or mentor or pair):
        raise ExplainError("explain.nothing_asked", exit_code=2)
    words = _words(doc, lang)
    mentor_ids = {m["mentor_id"] for m in doc.get("mentors") or []} | {p["mentor_id"] for p in doc.get("pairs") or []}
    mentee_ids = {r["mentee_id"] for key in ("pairs", "unmatched") for r in doc.get(key) or []}
    sections: list[list[str]] = []
    if mentee:
        pairs = [p for p in doc.get("pairs") or [] if p["mentee_id"] == mentee]
        unmatched = [u for u in doc.get("unmatched") or [] if u["mentee_id"] == mentee]
        since = _since_previous(doc, lang, mentee=mentee)  # a re-matching round: what became of their pair
        if not pairs and not unmatched and not since:
            raise ExplainError("explain.unknown_mentee", {"id": mentee})
        sections += [_pair_text(words, p) for p in pairs]
        sections += [_unmatched_text(words, u) for u in unmatched]
        sections += [since] if since else []
        raised = _from_history(doc, lang, mentee)
        sections += [raised] if raised else []
    if mentor:
        record = [m for m in doc.get("mentors") or [] if m["mentor_id"] == mentor]
        since = _since_previous(doc, lang, mentor=mentor)
        if not record and not since:
            raise ExplainError("explain.unknown_mentor", {"id": mentor})
        sections += [_mentor_text(words, record[0])] if record else []
        sections += [since] if since else []
    if pair:
        mentor_id, mentee_id = pair
        since = _since_previous(doc, lang, mentee=mentee_id, mentor=mentor_id)
        if mentor_id not in mentor_ids and not since:
            raise ExplainError("explain.unknown_mentor", {"id": mentor_id})
        if mentee_id not in mentee_ids and not since:
            raise ExplainError("explain.unknown_mentee", {"id": mentee_id})
        pairs = [p for p in doc.get("pairs") or [] if p["mentor_id"] == mentor_id and p["mentee_id"] == mentee_id]
        if pairs:
            sections += [_pair_text(words, p) for p in pairs]
        elif mentor_id in mentor_ids and mentee_id in mentee_ids:
            sections.append(_not_a_pair_text(words, mentor_id, mentee_id))
        sections += [since] if since else []
    return "\n\n".join("\n".join(line for line in s if line) for s in sections)
