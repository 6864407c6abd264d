"""report.html: one self-contained page for the pedagogical consilium.

The page reads only the result document (`results.result_document`, plus the
explanations `explain.add_explanations` adds when present). Nothing leaves the page:
CSS, JS and the SVG charts are inlined, and a Content-Security-Policy forbids any
fetch. Questionnaire text is untrusted: the template autoescapes, data reaches the
script only through data-* attributes, and the script is pinned by its hash.
Every text is rendered from the message catalogue, so the page is Russian or English.

Layout of the work: `build_view` turns the document into plain, already-worded rows
(testable without a browser); the template only lays them out; charts are geometry
computed here and drawn by the template as inline SVG.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import math
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .i18n import MESSAGES, register, render
from .io.writers import atomic_write_bytes
from .results import unmatched_line

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE = "report.html.j2"

register({
    "report.title": ("Наставнические пары и группы", "Mentoring pairs and groups"),
    "report.subtitle": ("Предложение для педагогического консилиума", "Proposal for the pedagogical consilium"),
    "report.meta_program": ("Программа", "Programme"),
    "report.meta_reference_date": ("Расчётная дата", "Reference date"),
    "report.meta_generated": ("Дата формирования", "Generated"),
    "report.meta_files": ("Анкеты", "Questionnaires"),
    "report.meta_version": ("Версия", "Version"),
    "report.nav_summary": ("Сводка", "Summary"),
    "report.nav_pairs": ("Пары и группы", "Pairs and groups"),
    "report.nav_unmatched": ("Без пары", "Unmatched"),
    "report.nav_mentors": ("Наставники", "Mentors"),
    "report.nav_appendix": ("Приложение к приказу", "Appendix to the order"),
    "report.print": ("Печать", "Print"),
    "report.sensitive_included": (
        "Отчёт содержит чувствительные сведения (здоровье, учёт, семья). "
        "Не передавайте его за пределы консилиума.",
        "This report contains sensitive data (health, registers, family). Do not share it beyond the consilium."),
    "report.sensitive_excluded": (
        "Чувствительные сведения (здоровье, учёт, семья) в отчёт не включены.",
        "Sensitive data (health, registers, family) is not included in this report."),
    "report.anonymized": ("Вместо ФИО показаны инициалы; коды участников сохранены.",
                          "Initials are shown instead of names; participant codes are kept."),
    # summary
    "report.card_matched": ("Наставляемых с парой", "Mentees paired"),
    "report.card_matched_value": ("{matched} из {mentees}", "{matched} of {mentees}"),
    "report.card_unmatched": ("Без пары", "Unmatched"),
    "report.card_units": ("Пар и групп", "Pairs and groups"),
    "report.card_units_value": ("пар: {pairs}, групп: {groups}", "pairs: {pairs}, groups: {groups}"),
    "report.card_mentors": ("Наставников занято", "Mentors engaged"),
    "report.card_solution": ("Решение", "Solution"),
    "report.status_optimal": ("Оптимальность доказана", "Optimality proven"),
    "report.status_feasible": ("Оптимальность не доказана", "Optimality not proven"),
    "report.status_other": ("Статус решателя: {status}", "Solver status: {status}"),
    "report.gap": ("разрыв до границы оптимума: {gap}", "gap to the optimum's bound: {gap}"),
    "report.proof.flow": ("точный алгоритм потока минимальной стоимости", "exact min-cost flow"),
    "report.proof.flow_relaxation_feasible": (
        "точный алгоритм потока; решение соблюдает и дополнительные ограничения",
        "exact min-cost flow; the answer also meets the side constraints"),
    "report.proof.cpsat": ("решатель CP-SAT", "CP-SAT solver"),
    "report.proof.flow_branch_and_bound": ("метод ветвей и границ над точным алгоритмом потока",
                                           "branch and bound over exact min-cost flows"),
    "report.proof_other": ("способ доказательства: {proof}", "proof: {proof}"),
    "report.by_form": ("По формам наставничества", "By form of mentoring"),
    "report.by_priority": ("По приоритету наставляемых", "By mentee priority"),
    "report.col_form": ("Форма", "Form"),
    "report.col_priority": ("Приоритет", "Priority"),
    "report.col_mentees": ("Наставляемых", "Mentees"),
    "report.col_matched": ("С парой", "Paired"),
    "report.col_share": ("Доля", "Share"),
    "report.priority_value": ("приоритет {priority}", "priority {priority}"),
    "report.priority_plain": ("обычный (0)", "regular (0)"),
    "report.objective_title": ("Что оптимизировалось, по убыванию важности", "What was optimised, most important first"),
    "report.level.priority": ("наставляемые с приоритетом {priority} в парах", "priority {priority} mentees paired"),
    "report.level.matched": ("наставляемые в парах", "mentees paired"),
    "report.level.score": ("сумма оценок пар", "sum of pair scores"),
    "report.objective_quality": ("Сначала качество пар, затем охват", "Pair quality first, then coverage"),
    "report.candidate_pairs": ("Допустимых пар-кандидатов: {count}", "Candidate pairs that pass every rule: {count}"),
    "report.locks": ("Пар, закреплённых консилиумом: {count}", "Pairs set by the consilium: {count}"),
    "report.input_warnings": ("Предупреждений при чтении анкет: {count} (см. вывод программы и result.json)",
                              "Warnings while reading questionnaires: {count} (see the program output and result.json)"),
    # pairs
    "report.pairs_intro": (
        "Наставник с несколькими наставляемыми показан как группа. Нажмите на строку, чтобы увидеть, "
        "из чего сложилась оценка пары; нажмите на заголовок столбца, чтобы отсортировать.",
        "A mentor with several mentees is shown as a group. Click a row to see how the pair's score is made up; "
        "click a column header to sort."),
    "report.filter_text": ("ФИО или код", "Name or code"),
    "report.filter_text_label": ("Поиск", "Search"),
    "report.filter_form_label": ("Форма", "Form"),
    "report.filter_all_forms": ("Все формы", "All forms"),
    "report.expand_all": ("Развернуть все", "Expand all"),
    "report.collapse_all": ("Свернуть все", "Collapse all"),
    "report.shown": ("Показано пар: {shown} из {total}", "Pairs shown: {shown} of {total}"),
    "report.col_num": ("№", "No."),
    "report.col_mentor": ("Наставник", "Mentor"),
    "report.col_mentee": ("Наставляемый", "Mentee"),
    "report.col_score": ("Оценка", "Score"),
    "report.group_badge": ("группа: {count}", "group of {count}"),
    "report.places": ("мест занято: {load} из {capacity}", "places taken: {load} of {capacity}"),
    "report.group_min": ("группа не меньше {min}", "group of at least {min}"),
    "report.badge_priority": ("приоритет {priority}", "priority {priority}"),
    "report.badge_locked": ("закреплено консилиумом", "set by the consilium"),
    "report.no_pairs": ("Пар нет.", "No pairs."),
    "report.no_match_filter": ("Под условия поиска не подходит ни одна пара.", "No pair matches the search."),
    "report.explain_score": ("Из чего сложилась оценка {score}", "How the score {score} is made up"),
    "report.col_component": ("Критерий", "Criterion"),
    "report.col_fit": ("Совпадение", "Fit"),
    "report.col_weight": ("Вес", "Weight"),
    "report.col_contribution": ("Вклад", "Adds"),
    "report.col_reason": ("Обоснование", "Reason"),
    "report.sensitive_of": ("Чувствительные сведения", "Sensitive data"),
    "report.mentor_word": ("наставник", "mentor"),
    "report.mentee_word": ("наставляемый", "mentee"),
    # unmatched
    "report.unmatched_intro": (
        "Наставляемые, для которых пара не сложилась, с причиной. Поиск наставника для них продолжается.",
        "Mentees left without a pair, with the reason. The search for a mentor continues for them."),
    "report.more": ("Подробнее", "Details"),
    "report.all_matched": ("Все наставляемые получили пару.", "Every mentee has a pair."),
    "report.col_reason_unmatched": ("Причина", "Reason"),
    "report.col_candidates": ("Подходящих наставников", "Suitable mentors"),
    "report.col_blocked": ("Сколько наставников отсеяло правило", "Mentors ruled out, by rule"),
    "report.blocked_chip": ("{rule}: {count}", "{rule}: {count}"),
    # mentors
    "report.mentors_intro": ("Загрузка наставников и распределение оценок пар.",
                             "Mentor loads and the distribution of pair scores."),
    "report.places_used": ("Занято мест: {used} из {capacity}; наставников без наставляемых: {idle} из {mentors}",
                           "Places taken: {used} of {capacity}; mentors without mentees: {idle} of {mentors}"),
    "report.chart_load": ("Загрузка наставников", "Mentor loads"),
    "report.chart_load_x": ("наставляемых у наставника", "mentees per mentor"),
    "report.chart_load_y": ("наставников", "mentors"),
    "report.chart_load_full": ("все места заняты", "no free places"),
    "report.chart_load_free": ("есть свободные места", "free places left"),
    "report.chart_load_bar": ("наставляемых: {load}; наставников: {count} (без свободных мест: {full})",
                              "{load} mentee(s): {count} mentor(s) ({full} with no free places)"),
    "report.chart_score": ("Оценки пар", "Pair scores"),
    "report.chart_score_x": ("оценка пары", "pair score"),
    "report.chart_score_y": ("пар", "pairs"),
    "report.chart_score_bar": ("оценка {lo}–{hi}: пар {count}", "score {lo}–{hi}: {count} pair(s)"),
    "report.chart_median": ("медиана {median}", "median {median}"),
    "report.chart_empty": ("Нет данных для графика.", "No data for the chart."),
    "report.free_mentors": ("Наставники со свободными местами: {count}", "Mentors with free places: {count}"),
    "report.col_free": ("Свободно мест", "Free places"),
    "report.col_load": ("Занято", "Taken"),
    # appendix
    "report.appendix_to": ("Приложение к приказу", "Appendix to the order"),
    "report.appendix_date": ("от «____» ______________ 20____ г. № ________",
                             "dated ____ ______________ 20____, No. ________"),
    "report.appendix_title": ("Об утверждении наставнических пар/групп", "On approving the mentoring pairs/groups"),
    "report.appendix_col_num": ("№ п/п", "No."),
    "report.appendix_col_mentor": ("Наставник", "Mentor"),
    "report.appendix_col_mentees": ("Наставляемый / группа наставляемых", "Mentee / group of mentees"),
    "report.appendix_col_form": ("Форма наставничества", "Form of mentoring"),
    "report.appendix_sign_head": ("Руководитель образовательной организации", "Head of the school"),
    "report.appendix_sign_curator": ("Куратор программы наставничества", "Curator of the mentoring programme"),
    "report.appendix_signature": ("подпись", "signature"),
    "report.appendix_signature_name": ("расшифровка подписи", "name"),
    "report.footer": ("Сформировано программой mentor-matcher {version}; seed {seed}.",
                      "Made by mentor-matcher {version}; seed {seed}."),
    "sensitive.health": ("здоровье", "health"),
    "sensitive.register": ("учёт", "register"),
    "sensitive.family": ("семья", "family"),
})


# ---------------------------------------------------------------------------------------------
# Names


def initials(name: str) -> str:
    """Initials of a full name: 'Иванова Мария Сергеевна' -> 'И. М. С.'."""
    return " ".join(part[0].upper() + "." for part in str(name or "").split() if part[0].isalnum())


_NAME_SECTIONS_KEPT = ("program", "config", "input_files", "format", "package_version")


def anonymized(doc: dict) -> dict:
    """A copy of the document with every person's name replaced by initials (ids stay).

    A person's name is any value under a key `name`, `*_name` or `*_names`; the programme and
    configuration sections are left alone (the programme's own name is not a person's)."""
    def walk(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if isinstance(value, str) and (key == "name" or key.endswith("_name")):
                    out[key] = initials(value)
                elif isinstance(value, list) and key.endswith("_names"):
                    out[key] = [initials(v) if isinstance(v, str) else walk(v) for v in value]
                else:
                    out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return {k: (copy.deepcopy(v) if k in _NAME_SECTIONS_KEPT else walk(v)) for k, v in doc.items()}


# ---------------------------------------------------------------------------------------------
# Numbers in the reader's language


def fmt_num(value: float, digits: int, lang: str) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "ru":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fmt_int(value: int, lang: str) -> str:
    return fmt_num(int(value), 0, lang)


def fmt_pct(pct: float, digits: int, lang: str) -> str:
    text = fmt_num(pct, digits, lang)
    return f"{text}\u00a0%" if lang == "ru" else f"{text}%"


def fmt_share(part: int, whole: int, lang: str) -> str:
    if not whole:
        return "—"
    pct = 100.0 * part / whole
    return fmt_pct(pct, 0 if pct in (0.0, 100.0) else 1, lang)


def share_width(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


# ---------------------------------------------------------------------------------------------
# Charts: geometry here, drawing in the template (inline SVG)


def _nice_ticks(top: int, max_ticks: int = 5) -> list[int]:
    if top <= 0:
        return [0]
    raw = top / max_ticks
    mag = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    step = max(1, int(step))
    return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))


def _frame(width: int, height: int, top: int) -> dict:
    pad = {"left": 44, "right": 12, "top": 14, "bottom": 44}
    plot_w = width - pad["left"] - pad["right"]
    plot_h = height - pad["top"] - pad["bottom"]
    ticks = _nice_ticks(top)
    y_max = max(ticks[-1], 1)

    def y_of(v: float) -> float:
        return round(pad["top"] + plot_h * (1 - v / y_max), 1)

    return {"width": width, "height": height, "pad": pad, "plot_w": plot_w, "plot_h": plot_h,
            "x0": pad["left"], "x1": width - pad["right"], "y0": y_of(0), "y_of": y_of,
            "yticks": [{"y": y_of(t), "label": str(t)} for t in ticks], "y_max": y_max}


def score_chart(scores: list[float], lang: str, bins: int = 10) -> dict | None:
    """Histogram of pair scores in `bins` equal bins over 0..1, with the median marked."""
    if not scores:
        return None
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, max(0, int(float(s) * bins)))] += 1
    f = _frame(560, 230, max(counts))
    slot = f["plot_w"] / bins
    bars = []
    for k, count in enumerate(counts):
        lo, hi = k / bins, (k + 1) / bins
        y = f["y_of"](count)
        bars.append({"x": round(f["x0"] + k * slot + 2, 1), "w": round(slot - 4, 1), "y": y,
                     "h": round(f["y0"] - y, 1), "count": count, "label_y": round(y - 4, 1),
                     "title": render("report.chart_score_bar", {"lo": fmt_num(lo, 1, lang), "hi": fmt_num(hi, 1, lang),
                                                                "count": count}, lang)})
    xlabels = [{"x": round(f["x0"] + k * slot, 1), "label": fmt_num(k / bins, 1, lang)} for k in range(0, bins + 1, 2)]
    ordered = sorted(float(s) for s in scores)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    mx = round(f["x0"] + f["plot_w"] * min(1.0, max(0.0, median)), 1)
    return {**f, "bars": bars, "xlabels": xlabels, "median_x": mx,
            "median_label": render("report.chart_median", {"median": fmt_num(median, 2, lang)}, lang),
            "median_anchor": "end" if mx > f["x0"] + 0.75 * f["plot_w"] else "start",
            "x_title": render("report.chart_score_x", None, lang),
            "y_title": render("report.chart_score_y", None, lang)}


def load_chart(mentors: list[dict], lang: str) -> dict | None:
    """Mentors by number of mentees, each bar split into full (load = capacity) and with free places."""
    if not mentors:
        return None
    top_load = max(max(int(m["load"]) for m in mentors), 1)
    full = [0] * (top_load + 1)
    free = [0] * (top_load + 1)
    for m in mentors:
        load, cap = int(m["load"]), int(m["capacity"])
        (full if load >= cap else free)[load] += 1
    totals = [a + b for a, b in zip(full, free)]
    f = _frame(560, 230, max(totals))
    slot = f["plot_w"] / len(totals)
    bar_w = min(64.0, slot * 0.7)
    bars = []
    for load, total in enumerate(totals):
        x = round(f["x0"] + load * slot + (slot - bar_w) / 2, 1)
        y_total, y_full = f["y_of"](total), f["y_of"](full[load])
        bars.append({"x": x, "w": round(bar_w, 1), "cx": round(x + bar_w / 2, 1), "count": total,
                     "full_y": y_full, "full_h": round(f["y0"] - y_full, 1),
                     "free_y": y_total, "free_h": round(y_full - y_total, 1), "label_y": round(y_total - 4, 1),
                     "label": str(load),
                     "title": render("report.chart_load_bar", {"load": load, "count": total, "full": full[load]}, lang)})
    return {**f, "bars": bars,
            "x_title": render("report.chart_load_x", None, lang),
            "y_title": render("report.chart_load_y", None, lang),
            "legend_full": render("report.chart_load_full", None, lang),
            "legend_free": render("report.chart_load_free", None, lang)}


# ---------------------------------------------------------------------------------------------
# The view: the document turned into worded rows


def known(code: str, params: dict | None, lang: str, fallback: str) -> str:
    """The catalogue's text for a code from the document, or `fallback` for a code it does not know."""
    return render(code, params, lang) if code in MESSAGES else fallback


class _Texts:
    """`T.name` or `T('name', **params)` renders report.<name> in the page's language."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, name: str, **params) -> str:
        return render(f"report.{name}", params or None, self.lang)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return render(f"report.{name}", None, self.lang)


def _sensitive_rows(sensitive: dict | None, pid: str, lang: str) -> list[dict]:
    if not sensitive:
        return []
    fields = sensitive.get(pid) or {}
    return [{"field": known(f"sensitive.{k}", None, lang, str(k)), "value": str(v)}
            for k, v in sorted(fields.items()) if v not in (None, "")]


def _components(components: dict, lang: str) -> list[dict]:
    rows = []
    ranked = sorted(components.items(), key=lambda kv: (-kv[1].get("contribution", 0.0), kv[0]))
    for name, c in ranked:
        reason = c.get("reason") or {}
        value = float(c.get("value", 0.0))
        rows.append({
            "title": known(f"component.{name}", None, lang, name),
            "value_pct": round(100 * min(1.0, max(0.0, value)), 1),
            "value": fmt_share(round(value * 1000), 1000, lang),
            "weight": fmt_share(round(float(c.get("weight", 0.0)) * 1000), 1000, lang),
            "contribution": "+" + fmt_num(float(c.get("contribution", 0.0)), 3, lang),
            "reason": render(reason["code"], reason.get("params"), lang) if reason.get("code") else "",
        })
    return rows


def pair_explanation(explanation, doc, lang):
    return None


def unmatched_explanation(explanation, doc, lang):
    return None


def candidates_view(candidates, doc, lang):
    return None


def _form_title(doc: dict, form: str, lang: str) -> str:
    forms = (doc.get("program") or {}).get("forms") or {}
    entry = forms.get(form) or {}
    return entry.get("title_ru" if lang == "ru" else "title_en") or form


def appendix_rows(units: list[dict], form_ids: list[str]) -> list[dict]:
    """The order's table: one numbered row per pair or group, by form, then mentor's name."""
    ordered = sorted(units, key=lambda u: (form_ids.index(u["form"]), u["mentor_name"], u["mentor_id"]))
    return [{"num": k + 1, "mentor_name": u["mentor_name"], "mentor_id": u["mentor_id"],
             "mentees": [{"name": r["mentee_name"], "id": r["mentee_id"]} for r in u["rows"]],
             "form_title": u["form_title"]} for k, u in enumerate(ordered)]


def build_view(doc: dict, lang: str = "en", sensitive: dict | None = None, anonymize: bool = False) -> dict:
    """Everything the template shows, worded in `lang`; the template adds no logic of its own."""
    lang = "ru" if lang == "ru" else "en"
    if anonymize:
        doc = anonymized(doc)
    T = _Texts(lang)
    program = doc.get("program") or {}
    summary = doc.get("summary") or {}
    solver = doc.get("solver") or {}
    pairs = list(doc.get("pairs") or [])
    mentors = list(doc.get("mentors") or [])
    mentor_by_id = {m["mentor_id"]: m for m in mentors}
    form_ids = list((program.get("forms") or {}).keys())
    for p in pairs:
        if p["form"] not in form_ids:
            form_ids.append(p["form"])

    # Units: a mentor's mentees in one form; more than one mentee (or a group minimum) is a group.
    units: dict[tuple[str, str], dict] = {}
    for p in pairs:
        key = (p["mentor_id"], p["form"])
        if key not in units:
            m = mentor_by_id.get(p["mentor_id"], {})
            units[key] = {"mentor_id": p["mentor_id"], "mentor_name": p["mentor_name"], "form": p["form"],
                          "form_title": _form_title(doc, p["form"], lang),
                          "capacity": m.get("capacity"), "load": m.get("load"), "group_min": m.get("group_min"),
                          "mentor_sensitive": _sensitive_rows(sensitive, p["mentor_id"], lang), "pairs": []}
        units[key]["pairs"].append(p)
    unit_list = sorted(units.values(), key=lambda u: (u["mentor_id"], form_ids.index(u["form"])))
    number = 0
    for u in unit_list:
        u["pairs"].sort(key=lambda p: (p["mentee_name"], p["mentee_id"]))
        u["is_group"] = len(u["pairs"]) > 1 or bool(u["group_min"])
        u["group_badge"] = T("group_badge", count=len(u["pairs"])) if u["is_group"] else ""
        u["places"] = (T("places", load=u["load"], capacity=u["capacity"])
                       if u["capacity"] is not None and u["load"] is not None else "")
        u["group_min_text"] = T("group_min", min=u["group_min"]) if u["group_min"] else ""
        u["search"] = f"{u['mentor_name']} {u['mentor_id']}".lower()
        rows = []
        for p in u["pairs"]:
            number += 1
            score = float(p.get("score", 0.0))
            rows.append({
                "num": number, "mentee_id": p["mentee_id"], "mentee_name": p["mentee_name"],
                "mentor_id": p["mentor_id"], "mentor_name": p["mentor_name"],
                "form": p["form"], "form_title": u["form_title"],
                "score": round(score, 4), "score_text": fmt_num(score, 2, lang),
                "score_pct": round(100 * min(1.0, max(0.0, score)), 1),
                "score_class": "hi" if score >= 0.6 else "mid" if score >= 0.4 else "lo",
                "priority": int(p.get("priority", 0)),
                "priority_badge": T("badge_priority", priority=p["priority"]) if p.get("priority") else "",
                "locked": bool(p.get("locked")),
                "search": f"{p['mentee_name']} {p['mentee_id']}".lower(),
                "components": _components(p.get("components") or {}, lang),
                "explain_title": T("explain_score", score=fmt_num(score, 2, lang)),
                "explanation": pair_explanation(p.get("explanation"), doc, lang),
                "mentee_sensitive": _sensitive_rows(sensitive, p["mentee_id"], lang),
            })
        u["rows"] = rows
        del u["pairs"]

    unmatched = []
    for u in sorted(doc.get("unmatched") or [], key=lambda u: (-int(u.get("priority", 0)), u["mentee_id"])):
        blocked = sorted((u.get("blocked_by") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        unmatched.append({
            "mentee_id": u["mentee_id"], "mentee_name": u["mentee_name"], "priority": int(u.get("priority", 0)),
            "reason": unmatched_line(u, lang) if u.get("reason_code") else "",
            "candidates": u.get("candidates", 0),
            "blocked": [T("blocked_chip", rule=known(f"rule_title.{code}", None, lang, code), count=count)
                        for code, count in blocked],
            "explanation": unmatched_explanation(u.get("explanation"), doc, lang),
            "sensitive": _sensitive_rows(sensitive, u["mentee_id"], lang),
        })

    # Summary figures.
    mentees_n = int(summary.get("mentees", 0))
    matched_n = int(summary.get("matched_mentees", len({p["mentee_id"] for p in pairs})))
    by_form = []
    for form, row in (summary.get("by_form") or {}).items():
        if row.get("mentees"):
            by_form.append({"title": _form_title(doc, form, lang), "mentees": row["mentees"], "matched": row["matched"],
                            "share": fmt_share(row["matched"], row["mentees"], lang),
                            "width": share_width(row["matched"], row["mentees"])})
    by_priority = []
    for prio, row in sorted((summary.get("by_priority") or {}).items(), key=lambda kv: -int(kv[0])):
        title = T("priority_value", priority=prio) if int(prio) else T.priority_plain
        by_priority.append({"title": title, "mentees": row["mentees"], "matched": row["matched"],
                            "share": fmt_share(row["matched"], row["mentees"], lang),
                            "width": share_width(row["matched"], row["mentees"])})
    status = solver.get("status", "")
    proven = bool(solver.get("proven_optimal", status == "OPTIMAL"))
    if proven:
        status_text = T.status_optimal
    elif status == "FEASIBLE":
        status_text = T.status_feasible
    else:
        status_text = T("status_other", status=status or "—")
    proof = solver.get("proof") or ""
    gap = float(solver.get("gap") or 0.0)
    levels = []
    level_values = solver.get("levels") or {}
    for name in solver.get("objective_levels") or list(level_values):
        value = level_values.get(name)
        if name.startswith("priority_"):
            title = T("level.priority", priority=name.split("_", 1)[1])
        elif name in ("matched", "score"):
            title = render(f"report.level.{name}", None, lang)
        else:
            title = name
        if value is None:
            shown = "—"
        elif name == "score":
            shown = fmt_num(value / 1000.0, 2, lang)
        else:
            shown = fmt_int(value, lang)
        levels.append({"title": title, "value": shown})
    groups_n = sum(1 for u in unit_list if u["is_group"])
    engaged = sum(1 for m in mentors if int(m.get("load", 0)) > 0)
    capacity_total = sum(int(m.get("capacity", 0)) for m in mentors)
    used_total = sum(int(m.get("load", 0)) for m in mentors)
    free_mentors = [{"mentor_id": m["mentor_id"], "mentor_name": m["mentor_name"], "load": m["load"],
                     "capacity": m["capacity"], "free": int(m["capacity"]) - int(m["load"]),
                     "sensitive": _sensitive_rows(sensitive, m["mentor_id"], lang)}
                    for m in mentors if int(m.get("capacity", 0)) > int(m.get("load", 0))]

    forms_present = [f for f in form_ids if any(u["form"] == f for u in unit_list)]
    metadata = doc.get("metadata") or {}
    generated = metadata.get("generated") or metadata.get("date") or ""
    return {
        "lang": lang, "T": T, "sensitive_included": sensitive is not None, "anonymized": anonymize,
        "program_name": program.get("name", ""), "reference_date": program.get("reference_date", ""),
        "generated": str(generated), "input_files": ", ".join(doc.get("input_files") or []),
        "version": doc.get("package_version", ""), "seed": doc.get("seed", ""),
        "cards": {
            "matched": T("card_matched_value", matched=fmt_int(matched_n, lang), mentees=fmt_int(mentees_n, lang)),
            "matched_share": fmt_share(matched_n, mentees_n, lang),
            "matched_width": share_width(matched_n, mentees_n),
            "unmatched": fmt_int(summary.get("unmatched_mentees", len(unmatched)), lang),
            "units": fmt_int(len(unit_list), lang),
            "units_detail": T("card_units_value", pairs=len(unit_list) - groups_n, groups=groups_n),
            "mentors": T("card_matched_value", matched=fmt_int(engaged, lang), mentees=fmt_int(len(mentors), lang)),
            "status": status_text, "proven": proven,
            "proof": known(f"report.proof.{proof}", None, lang, T("proof_other", proof=proof)) if proof else "",
            "gap": "" if proven else T("gap", gap=fmt_pct(100.0 * gap, 2, lang)),
        },
        "by_form": by_form, "by_priority": by_priority if len(by_priority) > 1 else [],
        "levels": levels,
        "objective_quality": (program.get("objective") == "quality"),
        "candidate_pairs": T("candidate_pairs", count=fmt_int(summary.get("candidate_pairs", 0), lang)),
        "locks": T("locks", count=len(doc.get("locks") or [])) if doc.get("locks") else "",
        "input_warnings": (T("input_warnings", count=len(doc["input_warnings"]))
                           if doc.get("input_warnings") else ""),
        "units": unit_list, "pairs_total": number,
        "forms": [{"id": f, "title": _form_title(doc, f, lang)} for f in forms_present],
        "unmatched": unmatched,
        "candidates": candidates_view(doc.get("candidates"), doc, lang),
        "analysis": doc.get("analysis"),
        "places_used": T("places_used", used=fmt_int(used_total, lang), capacity=fmt_int(capacity_total, lang),
                         idle=fmt_int(len(mentors) - engaged, lang), mentors=fmt_int(len(mentors), lang)),
        "free_mentors": free_mentors,
        "load_chart": load_chart(mentors, lang),
        "score_chart": score_chart([p.get("score", 0.0) for p in pairs], lang),
        "appendix": appendix_rows(unit_list, form_ids),
    }


# ---------------------------------------------------------------------------------------------
# Rendering


def _static(name: str, closing: str) -> str:
    text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    if closing in text.lower():  # our own asset must not end its element early
        raise ValueError(f"{name} contains {closing}")
    return text


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_report(doc: dict, lang: str = "en", sensitive: dict | None = None, anonymize: bool = False) -> str:
    """report.html as text: same document and options give the same bytes."""
    view = build_view(doc, lang, sensitive=sensitive, anonymize=anonymize)
    css = _static("report.css", "</style")
    js = _static("report.js", "</script")
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; connect-src 'none'; "
           f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'")
    # css and js are this package's own files, not data: they go in as they are.
    return _environment().get_template(TEMPLATE).render(css=Markup(css), js=Markup(js), csp=csp, **view)


def write_report(doc: dict, out_dir, lang: str = "en", sensitive: dict | None = None,
                 anonymize: bool = False) -> Path:
    """Write out_dir/report.html atomically; returns its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.html"
    atomic_write_bytes(path, render_report(doc, lang, sensitive=sensitive, anonymize=anonymize).encode("utf-8"))
    return path
