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

Large programmes (more than `INLINE_UNITS` pairs and groups): every row would make a page
of tens of megabytes that a browser opens in seconds. Then only the first page of rows is
in the HTML (readable without JavaScript and printable; the order's annex still lists
every pair), and all rows travel as one compact JSON block (`<script type="application/json">`,
every string once in a table, never executed, `<` escaped) that the script pages through,
sorts, filters and expands on demand. The words are still made here, once.

The consilium's decisions (approve, forbid, lock instead) are taken in the page and saved as a
`--locks` file by the page itself: report_decisions.py gives the data, decisions.js (inlined
after report.js, in the same script) the controls.
"""
from __future__ import annotations

import base64
import copy
import functools
import gc
import hashlib
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .i18n import MESSAGES, Gendered, Texts, register, render
from .i18n import number as reader_number
from .io.outputset import MANIFEST, replace_in_set
from .io.writers import atomic_write_bytes
from .order import annex_rows  # the annex as the order files show it, numbered the same
from .report_decisions import decisions_view
from .results import form_order, gap_text, is_group, pair_counts, score_resolution_text
from .wording import Words
from .wording import form_title as _form_title  # one form title for every presenter

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE = "report.html.j2"
INLINE_UNITS = 300  # up to this many pairs and groups every row is in the HTML, as it always was
PAGE_UNITS = 25  # above it: this many units in the HTML (and per «show more»), the rest from the page's data
ALTERNATIVES_SHOWN = 3  # other mentors shown per pair; the rest stay in result.json
SCORE_WEAK, SCORE_STRONG = 0.4, 0.6  # score bands: the bars' colours and the score filter

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
    # one vocabulary of counts (results.pair_counts): pairs are mentor–mentee pairs, some of them in groups
    "report.card_units": ("Пар «наставник – наставляемый»", "Mentor–mentee pairs"),
    "report.card_units_value": ("индивидуальных: {individual_pairs}; групп: {groups} (наставляемых в них: "
                                "{mentees_in_groups})",
                                "individual: {individual_pairs}; groups: {groups} ({mentees_in_groups} mentees "
                                "in them)"),
    "report.pairs_count": ("{pairs} {pairs:plural:пара|пары|пар}, {groups} {groups:plural:группа|группы|групп}",
                           "{pairs} {pairs:plural:pair|pairs}, {groups} {groups:plural:group|groups}"),
    "report.card_mentors": ("Наставников с парой", "Mentors engaged"),
    "report.card_solution": ("Решение", "Solution"),
    "report.status_optimal": ("Оптимальность доказана", "Optimality proven"),
    "report.status_feasible": ("Оптимальность не доказана", "Optimality not proven"),
    "report.status_other": ("Статус решателя: {status}", "Solver status: {status}"),
    "report.gap": ("разрыв до границы оптимума: {gap}", "gap to the optimum's bound: {gap}"),
    "report.status_feasible_time": ("Оптимальность не доказана: истекло отведённое время",
                                    "Optimality not proven: the time limit was reached"),
    "report.score_resolution": ("Внимание: {text}.", "Note: {text}."),
    "report.proof.flow_repaired": ("допустимое решение из точного потока: группы, нарушившие правила, "
                                   "расформированы, их участники поставлены на свободные места",
                                   "a legal answer built on the exact min-cost flow: groups that broke a rule "
                                   "dissolved, their members given free places"),
    "report.proof.level_bounds": ("граница оптимума по каждому уровню цели",
                                  "the optimum's bound on every level of the objective"),
    "report.x.unchecked_title_deadline": ("Не проверены: не хватило отведённого времени (--time-limit)",
                                          "Not checked: not computed in time (--time-limit)"),
    "report.note.not_computed_in_time": ("Не вычислено за отведённое время (--time-limit): цена замены для "
                                         "{alternatives} {alternatives:plural:альтернативы|альтернатив|альтернатив}, "
                                         "проверка {changes} {changes:plural:возможного изменения|возможных "
                                         "изменений|возможных изменений}.",
                                         "Not computed in time (--time-limit): the cost of {alternatives} "
                                         "{alternatives:plural:alternative|alternatives}, the check of {changes} "
                                         "possible {changes:plural:change|changes}."),
    "report.proof.flow": ("точный алгоритм потока минимальной стоимости", "exact min-cost flow"),
    "report.proof.flow_relaxation_feasible": (
        "точный алгоритм потока; решение соблюдает и дополнительные ограничения",
        "exact min-cost flow; the answer also meets the side constraints"),
    "report.proof.cpsat": ("решатель CP-SAT", "CP-SAT solver"),
    "report.proof.flow_branch_and_bound": ("метод ветвей и границ над точным алгоритмом потока",
                                           "branch and bound over exact min-cost flows"),
    "report.proof.flow_working_set": (
        "метод ветвей и границ над лучшими кандидатами каждого наставляемого (возможных пар десятки миллионов)",
        "branch and bound over each mentee's best candidates (tens of millions of possible pairs)"),
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
    "report.objective_title": ("Что оптимизировалось, по убыванию важности",
                               "What was optimised, most important first"),
    "report.level.priority": ("наставляемые с приоритетом {priority} в парах", "priority {priority} mentees paired"),
    "report.level.matched": ("наставляемые в парах", "mentees paired"),
    "report.level.score": ("сумма оценок пар", "sum of pair scores"),
    "report.objective_quality": ("Сначала качество пар, затем охват", "Pair quality first, then coverage"),
    "report.candidate_pairs": ("Допустимых пар-кандидатов: {count}", "Candidate pairs that pass every rule: {count}"),
    "report.locks": ("Пар, закреплённых консилиумом: {count}", "Pairs set by the consilium: {count}"),
    "report.input_warnings": ("Предупреждений при чтении анкет: {count} (см. вывод программы и result.json)",
                              "Warnings while reading questionnaires: {count} "
                              "(see the program output and result.json)"),
    # pairs
    "report.pairs_intro": (
        "Наставник с несколькими наставляемыми показан как группа. Нажмите на строку, чтобы увидеть, "
        "из чего сложилась оценка пары.",
        "A mentor with several mentees is shown as a group. Click a row to see how the pair's score is made up."),
    "report.pairs_sort_hint": ("Нажмите на заголовок столбца, чтобы отсортировать.", "Click a column header to sort."),
    "report.filter_text": ("ФИО или код", "Name or code"),
    "report.filter_text_label": ("Поиск", "Search"),
    "report.filter_form_label": ("Форма", "Form"),
    "report.filter_all_forms": ("Все формы", "All forms"),
    "report.expand_all": ("Развернуть все", "Expand all"),
    "report.collapse_all": ("Свернуть все", "Collapse all"),
    "report.search_hits": ("Найдено — пар: {pairs}; без пары: {unmatched}; наставников со свободными местами: "
                           "{mentors}",
                           "Found — pairs: {pairs}; unmatched: {unmatched}; mentors with free places: {mentors}"),
    "report.no_match_search": ("Под условия поиска никто не подходит.", "Nobody matches the search."),
    "report.needs_js": ("Поиск, фильтры, сортировка и печать одного приложения работают только при включённом "
                        "JavaScript; все разделы отчёта показаны и без него.",
                        "Search, filters, sorting and printing the appendix alone need JavaScript; every section "
                        "of the report is shown without it."),
    "report.filter_priority_label": ("Приоритет", "Priority"),
    "report.filter_all_priorities": ("Любой", "Any"),
    "report.filter_class_label": ("Класс", "Class"),
    "report.filter_all_classes": ("Все классы", "All classes"),
    "report.filter_score_label": ("Оценка", "Score"),
    "report.filter_all_scores": ("Любая", "Any"),
    "report.score_band_lo": ("слабые: ниже {weak}", "weak: below {weak}"),
    "report.score_band_mid": ("средние: от {weak} до {strong}", "medium: {weak} to {strong}"),
    "report.score_band_hi": ("сильные: {strong} и выше", "strong: {strong} and above"),
    "report.weakest": ("Сначала самые слабые пары", "Weakest pairs first"),
    "report.print_annex": ("Напечатать только приложение", "Print the appendix only"),
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
    "report.rows_paged": ("Пар много: сразу показаны первые {shown} из {total}, остальные — по кнопке «Показать ещё» "
                          "и через поиск (нужен JavaScript). Для печати полный перечень пар — в приложении к приказу; "
                          "все пары есть и в pairs.csv и result.json.",
                          "A long list: the first {shown} of {total} pairs are shown at once, the rest with «Show more» "
                          "and the search (needs JavaScript). For printing, every pair is in the appendix to the order; "
                          "every pair is also in pairs.csv and result.json."),
    "report.show_more": ("Показать ещё (осталось пар: {count})", "Show more (pairs left: {count})"),
    "report.candidates_paged": ("Показаны первые {shown} из {total}; весь список открывается при включённом "
                                "JavaScript и есть в result.json.",
                                "The first {shown} of {total} are shown; the whole list opens with JavaScript on "
                                "and is in result.json."),
    "report.x.alternatives_more": ("Ещё {count} {count:plural:возможный наставник|возможных наставника|"
                                   "возможных наставников} — в result.json.",
                                   "{count} more possible {count:plural:mentor|mentors} in result.json."),
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
    "report.col_blocked": ("Отсеяно наставников, по правилам", "Mentors ruled out, by rule"),
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
                              "{load} {load:plural:mentee|mentees}: {count} {count:plural:mentor|mentors} ({full} "
                              "with no free places)"),
    "report.chart_score": ("Оценки пар", "Pair scores"),
    "report.chart_score_x": ("оценка пары", "pair score"),
    "report.chart_score_y": ("пар", "pairs"),
    "report.chart_score_bar": ("пар с оценкой {lo}–{hi}: {count}", "score {lo}–{hi}: {count} {count:plural:pair|pairs}"),
    "report.chart_median": ("медиана {median}", "median {median}"),
    "report.chart_empty": ("Нет данных для графика.", "No data for the chart."),
    "report.free_mentors": ("Наставники со свободными местами: {count}", "Mentors with free places: {count}"),
    "report.col_free": ("Свободно мест", "Free places"),
    "report.col_load": ("Занято", "Taken"),
    "report.footer": ("Сформировано программой mentor-matcher {version}; seed {seed}.",
                      "Made by mentor-matcher {version}; seed {seed}."),
    # explanations
    "report.x.ranks_title": ("Место в списках друг друга", "Rank in each other's lists"),
    "report.x.ranks": ("Для {mentee:gender:наставляемого|наставляемой} это наставник № {mentor_rank} из "
                       "{mentor_candidates} {mentor_candidates:plural:подходящего|подходящих|подходящих} (по оценке "
                       "пары); для наставника {mentee:gender:этот наставляемый|эта наставляемая} — № {mentee_rank} из "
                       "{mentee_candidates}.",
                       "For the mentee this mentor is No. {mentor_rank} of {mentor_candidates} suitable "
                       "{mentor_candidates:plural:mentor|mentors} (by pair score); for the mentor this mentee is "
                       "No. {mentee_rank} of {mentee_candidates}."),
    "report.x.locked": ("Пару закрепил консилиум: другие варианты не рассматривались.",
                        "The consilium set this pair: other options were not weighed."),
    "report.x.alternatives": ("Другие возможные наставники и почему не они", "Other possible mentors and why not them"),
    "report.x.alt_head": ("{mentor}, оценка {score}", "{mentor}, score {score}"),
    "report.x.no_candidates": ("подходящих наставников нет", "no suitable mentor"),
    "report.x.near_misses": ("Ближе всего к паре: мешает одно правило", "Closest to a pair: one rule in the way"),
    "report.x.candidates": ("Подходящие наставники", "Suitable mentors"),
    "report.x.candidates_more": ("и ещё {count}", "and {count} more"),
    "report.x.suggestions": ("Проверенные предложения", "Checked suggestions"),
    "report.x.no_suggestion": ("Изменения одного условия, которое дало бы пару, не найдено.",
                               "No single change was found that would give a pair."),
    "report.x.verified": ("проверено пересчётом", "checked by re-solving"),
    "report.x.unchecked_title": ("Не проверены: исчерпан лимит пересчётов", "Not checked: the re-solve budget ran out"),
    "report.x.unchecked": ("не проверено", "not checked"),
    "report.x.effect_mentor": ("наставник — {mentor}", "the mentor is {mentor}"),
    "report.x.result": ("Результат: {effects}.", "Result: {effects}."),
    "report.col_why": ("Почему свободен", "Why free"),
    "report.note.alternatives_unchecked": ("Для {count} {count:plural:альтернативы|альтернатив|альтернатив} цена "
                                           "замены не проверена: исчерпан лимит пересчётов.",
                                           "{count} {count:plural:alternative was|alternatives were} not checked: "
                                           "the re-solve budget ran out."),
    "report.note.changes_unchecked": ("{count} {count:plural:возможное изменение|возможных изменения|возможных "
                                      "изменений} для наставляемых без пары не {count:plural:проверено|проверены|"
                                      "проверены}: исчерпан лимит пересчётов.",
                                      "{count} possible {count:plural:change|changes} for unmatched mentees "
                                      "{count:plural:was|were} not checked: the re-solve budget ran out."),
    "report.note.blocked_alternatives_partial": ("Показаны не все наставники, которых отсеяло одно правило "
                                                 "(оценено не больше {cap} {cap:plural:пары|пар|пар}).",
                                                 "Not every mentor ruled out by a single rule is shown "
                                                 "(at most {cap} {cap:plural:pair was|pairs were} scored)."),
    "report.note.blocked_alternatives_skipped": ("Наставники, которых отсеяло одно правило, не показаны как "
                                                 "альтернативы: программа слишком велика (больше {cap} "
                                                 "{cap:plural:такой пары|таких пар|таких пар}).",
                                                 "Mentors ruled out by a single rule are not shown as alternatives: "
                                                 "the programme is too large (over {cap} such pairs)."),
    "report.note.near_misses_partial": ("Показаны не все наставники, которых отсеяло одно правило "
                                        "(оценено не больше {cap} {cap:plural:пары|пар|пар}).",
                                        "Not every mentor ruled out by a single rule is shown "
                                        "(at most {cap} {cap:plural:pair was|pairs were} scored)."),
    # analysis and candidate lists
    "report.nav_analysis": ("Анализ", "Analysis"),
    "report.analysis_intro": ("Какие правила сильнее всего сужают выбор и из чего складываются оценки выбранных пар.",
                              "Which rules narrow the choice most, and what the chosen pairs' scores are made of."),
    "report.rules_title": ("Правила, отсеивающие пары", "Rules that rule pairs out"),
    "report.col_rule": ("Правило", "Rule"),
    "report.col_pairs_blocked": ("Пар отсеяно", "Pairs ruled out"),
    "report.col_only_reason": ("Только этим правилом", "By this rule alone"),
    "report.rules_total": ("Всего возможных пар «наставник – наставляемый»: {count}",
                           "All mentor–mentee pairs: {count}"),
    "report.components_title": ("Из чего сложились оценки выбранных пар", "What the chosen pairs' scores are made of"),
    "report.col_mean": ("Среднее совпадение", "Mean fit"),
    "report.col_total_contribution": ("Суммарный вклад", "Total contribution"),
    "report.nav_candidates": ("Кандидатуры", "Candidates"),
    "report.candidates_intro": ("Лучшие по оценке наставники для каждого наставляемого: наставляемый может выбрать "
                                "наставника из предложенных кандидатур.",
                                "Each mentee's best mentors by score: a mentee may choose a mentor from the proposed "
                                "candidates."),
    "report.candidates_show": ("Показать список (наставляемых: {count})",
                               "Show the list ({count} {count:plural:mentee|mentees})"),
    "report.col_rank_n": ("Кандидатура {rank}", "Candidate {rank}"),
    "sensitive.health": ("здоровье", "health"),
    "sensitive.register": ("учёт", "register"),
    "sensitive.family": ("семья", "family"),
    "sensitive.notes": ("заметки", "notes"),
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
    return reader_number(value, lang, digits)


def fmt_int(value: int, lang: str) -> str:
    return fmt_num(int(value), 0, lang)


def fmt_pct(pct: float, digits: int, lang: str) -> str:
    text = fmt_num(pct, digits, lang)
    return f"{text}\u00a0%" if lang == "ru" else f"{text}%"


def fmt_share(part: int, whole: int, lang: str) -> str:
    if not whole:
        return "—"
    pct = 100.0 * part / whole
    if 0 < pct < 0.05 or 99.95 <= pct < 100:  # a share that rounds to none or all, but is not
        return ("<" if pct < 50 else ">") + fmt_pct(0.1 if pct < 50 else 99.9, 1, lang)
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
    return list(range(0, -(-top // step) * step + 1, step))


def _frame(width: int, height: int, top: int, lang: str) -> tuple[dict, Callable[[float], float]]:
    """A plot area with its y axis up to a round number above `top`; returns it and y(value)."""
    pad = {"left": 44, "right": 12, "top": 14, "bottom": 44}
    plot_w = width - pad["left"] - pad["right"]
    plot_h = height - pad["top"] - pad["bottom"]
    ticks = _nice_ticks(top)
    y_max = max(ticks[-1], 1)

    def y_of(v: float) -> float:
        return round(pad["top"] + plot_h * (1 - v / y_max), 1)

    frame = {"width": width, "height": height, "pad": pad, "plot_w": plot_w, "plot_h": plot_h,
             "x0": pad["left"], "x1": width - pad["right"], "y0": y_of(0),
             "yticks": [{"y": y_of(t), "label": fmt_int(t, lang)} for t in ticks]}
    return frame, y_of


def score_chart(scores: list[float], lang: str, bins: int = 10) -> dict | None:
    """Histogram of pair scores in `bins` equal bins over 0..1, with the median marked."""
    if not scores:
        return None
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, max(0, int(float(s) * bins)))] += 1
    f, y_of = _frame(560, 230, max(counts), lang)
    slot = f["plot_w"] / bins
    bars = []
    for k, count in enumerate(counts):
        lo, hi = k / bins, (k + 1) / bins
        y = y_of(count)
        bars.append({"x": round(f["x0"] + k * slot + 2, 1), "w": round(slot - 4, 1), "y": y,
                     "h": round(f["y0"] - y, 1), "count": count, "count_text": fmt_int(count, lang),
                     "label_y": round(y - 4, 1),
                     "title": render("report.chart_score_bar", {"lo": fmt_num(lo, 1, lang), "hi": fmt_num(hi, 1, lang),
                                                                "count": count}, lang)})
    xlabels = [{"x": round(f["x0"] + k * slot, 1), "label": fmt_num(k / bins, 1, lang)} for k in range(0, bins + 1, 2)]
    ordered = sorted(float(s) for s in scores)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    mx = round(f["x0"] + f["plot_w"] * min(1.0, max(0.0, median)), 1)
    return {**f, "bars": bars, "xlabels": xlabels, "median_x": mx,
            "median_label": render("report.chart_median", {"median": fmt_num(median, 2, lang)}, lang),
            "x_title": render("report.chart_score_x", None, lang),
            "y_title": render("report.chart_score_y", None, lang)}


def load_chart(mentors: list[dict], lang: str) -> dict | None:
    """Mentors by number of mentees, each bar split into full (load = capacity) and with free places;
    mentors who take no mentee this time (capacity 0) are not on it: they offer no place."""
    mentors = [m for m in mentors if int(m["capacity"]) > 0]
    if not mentors:
        return None
    top_load = max(max(int(m["load"]) for m in mentors), 1)
    full = [0] * (top_load + 1)
    free = [0] * (top_load + 1)
    for m in mentors:
        load, cap = int(m["load"]), int(m["capacity"])
        (full if load >= cap else free)[load] += 1
    totals = [a + b for a, b in zip(full, free)]
    f, y_of = _frame(560, 230, max(totals), lang)
    slot = f["plot_w"] / len(totals)
    bar_w = min(64.0, slot * 0.7)
    bars = []
    for load, total in enumerate(totals):
        x = round(f["x0"] + load * slot + (slot - bar_w) / 2, 1)
        y_total, y_full = y_of(total), y_of(full[load])
        bars.append({"x": x, "w": round(bar_w, 1), "cx": round(x + bar_w / 2, 1), "count": total,
                     "count_text": fmt_int(total, lang),
                     "full_y": y_full, "full_h": round(f["y0"] - y_full, 1),
                     "free_y": y_total, "free_h": round(y_full - y_total, 1), "label_y": round(y_total - 4, 1),
                     "label": str(load),
                     "title": render("report.chart_load_bar", {"load": load, "count": total, "full": full[load]},
                                     lang)})
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
        self._render = Texts(lang)

    def __call__(self, name: str, **params) -> str:
        return self._render(f"report.{name}", params or None)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._render(f"report.{name}")


def _sensitive_rows(sensitive: dict | None, pid: str, lang: str) -> list[dict]:
    if not sensitive:
        return []
    fields = sensitive.get(pid) or {}
    return [{"field": known(f"sensitive.{k}", None, lang, str(k)), "value": str(v)}
            for k, v in sorted(fields.items()) if v not in (None, "")]


def _components(components: dict, words: Words, lang: str, worded: dict | None = None) -> list[dict]:
    """A pair's score components, strongest first, worded; `worded` remembers each distinct
    component (the same one recurs across many pairs) and the rows share it."""
    rows = []
    ranked = sorted(components.items(), key=lambda kv: (-kv[1].get("contribution", 0.0), kv[0]))
    for name, c in ranked:
        reason = c.get("reason") or {}
        key = (name, c.get("value", 0.0), c.get("weight", 0.0), c.get("contribution", 0.0), reason.get("code"),
               repr(reason.get("params")))
        row = worded.get(key) if worded is not None else None
        if row is None:
            value = float(c.get("value", 0.0))
            row = {
                "title": known(f"component.{name}", None, lang, name),
                "value_pct": round(100 * min(1.0, max(0.0, value)), 1),
                "value": fmt_share(round(value * 1000), 1000, lang),
                "weight": fmt_share(round(float(c.get("weight", 0.0)) * 1000), 1000, lang),
                "contribution": "+" + fmt_num(float(c.get("contribution", 0.0)), 3, lang),
                "reason": words.component(reason),
            }
            if worded is not None:
                worded[key] = row
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Explanations (matcher.explain): worded when the document has them, absent otherwise


def _block(kind: str, title: str, text: str = "", items: list | None = None) -> dict:
    return {"kind": kind, "title": title, "text": text, "entries": items or []}


def _item(head: str = "", text: str = "", badge: str = "", badge_kind: str = "muted", sub: list | None = None,
          cls: str = "") -> dict:
    return {"head": head, "text": text, "badge": badge, "badge_kind": badge_kind, "sub": sub or [], "cls": cls}


_STATUS_KIND = {"chosen": "good", "free_place": "good", "blocked": "bad", "taken": "muted", "no_place": "muted",
                "group_min_unreachable": "bad", "mutual": "bad"}  # an alternative's badge colour


class _Explainer:
    """Words for the structured explanations: pairs, unmatched mentees, mentors, analysis."""

    def __init__(self, doc: dict, lang: str):
        self.doc, self.lang = doc, lang
        self.words = Words(doc, lang, "report")
        self.worded_components: dict[tuple, dict] = {}
        self.heads: dict[tuple, str] = {}
        self.nums: dict[tuple, str] = {}

    def t(self, name: str, **params) -> str:
        return self.words.render(f"report.{name}", params or None)

    def person(self, pid, name: str | None = None) -> str:
        return self.words.person(pid, name)

    def changes(self):
        """The words of a re-matching round's changes (matcher.rematch.words), made once."""
        if getattr(self, "_changes", None) is None:
            from .rematch.words import ChangeWords

            self._changes = ChangeWords(self.doc, self.lang, "report")
        return self._changes

    def num(self, value: float, digits: int = 2) -> str:
        """fmt_num, each positive value written once (a score recurs across thousands of rows)."""
        if not value > 0:  # zero keeps its sign («-0,00»): not cached
            return fmt_num(value, digits, self.lang)
        text = self.nums.get((value, digits))
        if text is None:
            text = self.nums[value, digits] = fmt_num(value, digits, self.lang)
        return text

    def rule_text(self, code: str, details: dict | None) -> str:
        return self.words.rule(code, details)

    # -- what a forced change would do ------------------------------------------------------
    def forcing(self, forcing: dict | None, entry: dict | None = None) -> tuple[str, list[str]]:
        if not forcing:
            return "", []
        text = self.words.forcing(forcing, entry)
        shown = forcing.get("checked") and not forcing.get("rule") and forcing.get("feasible")
        moves = self.words.moves(forcing) if shown else []
        return text, moves

    def status(self, entry: dict) -> tuple[str, str]:
        return self.words.status(entry), _STATUS_KIND.get(entry.get("status", ""), "muted")

    def mentor_entry(self, entry: dict) -> dict:
        badge, badge_kind = self.status(entry)
        key = (entry.get("mentor_id"), entry.get("mentor_name"), entry.get("score", 0.0))
        head = self.heads.get(key)
        if head is None:  # a mentor and a score recur across many pairs' alternatives
            head = self.heads[key] = self.t("x.alt_head", mentor=self.person(key[0], key[1]),
                                            score=self.num(float(key[2])))
        text, moves = ("", []) if entry.get("status") == "blocked" else self.forcing(entry.get("forcing"), entry)
        return _item(head=head, text=text, badge=badge, badge_kind=badge_kind,
                     sub=self.words.status_details(entry) + moves)

    # -- per pair ---------------------------------------------------------------------------
    def pair(self, expl: dict | None, mentee_gender: str | None = None) -> list[dict]:
        if not expl:
            return []
        blocks = []
        if "mentor_rank" in expl:
            blocks.append(_block("ranks", self.t("x.ranks_title"), self.t(
                "x.ranks", mentee=Gendered("", mentee_gender), mentor_rank=expl["mentor_rank"], mentor_candidates=expl.get("mentor_candidates", "?"),
                mentee_rank=expl.get("mentee_rank", "?"), mentee_candidates=expl.get("mentee_candidates", "?"))))
        if expl.get("locked"):
            blocks.append(_block("locked", self.t("badge_locked"), self.t("x.locked")))
        if expl.get("change"):  # a re-matching round: what became of the pair since the previous one
            blocks.append(_block("change", *self.changes().block(expl["change"])))
        alternatives = [self.mentor_entry(a) for a in expl.get("alternatives") or []]
        if alternatives:
            blocks.append(_block("alternatives", self.t("x.alternatives"), items=alternatives))
        return blocks

    # -- per unmatched mentee ---------------------------------------------------------------
    def change(self, change: dict, self_id: str | None = None) -> str:
        """A suggested change in words; the unmatched mentee it is for is 'this mentee'."""
        return self.words.change(change, self_id)

    def suggestion(self, s: dict, self_id: str | None = None) -> dict:
        effect = s.get("effect") or {}
        parts = []
        if effect.get("mentor_id"):
            parts.append(self.t("x.effect_mentor", mentor=self.person(effect["mentor_id"])))
        parts += self.words.effect(effect)
        return _item(head=self.change(s, self_id), text=self.t("x.result", effects="; ".join(parts)) if parts else "",
                     badge=self.t("x.verified"),
                     badge_kind="good", sub=self.words.moves(effect), cls="plain")

    def unmatched(self, expl: dict | None, mentee_id: str | None = None) -> dict:
        """Blocks shown at once (suggestions) and blocks behind 'Details' (candidates, near misses)."""
        if not expl:
            return {"main": [], "more": []}
        blocks, more = [], []
        suggestions = [self.suggestion(s, mentee_id) for s in expl.get("suggestions") or []]
        unchecked = [_item(head=self.change(c, mentee_id), badge=self.t("x.unchecked"), cls="plain")
                     for c in expl.get("unchecked") or []]
        if suggestions:
            blocks.append(_block("suggestions", self.t("x.suggestions"), items=suggestions))
        elif "suggestions" in expl and not unchecked:
            blocks.append(_block("suggestions", self.t("x.suggestions"), self.t("x.no_suggestion")))
        if unchecked:
            late = any(c.get("reason") == "deadline" for c in expl.get("unchecked") or [])
            more.append(_block("unchecked", self.t("x.unchecked_title_deadline" if late else "x.unchecked_title"),
                               items=unchecked))
        candidates = [self.mentor_entry(c) for c in expl.get("candidates") or []]
        if candidates:
            extra = int(expl.get("candidates_total", len(candidates))) - len(candidates)
            more.append(_block("candidates", self.t("x.candidates"),
                               self.t("x.candidates_more", count=extra) if extra > 0 else "", candidates))
        near_by_reason: dict[str, list[str]] = {}  # the same rule often stops several mentors
        for n in expl.get("near_misses") or []:
            reason = self.rule_text(n.get("code", ""), n.get("details"))
            near_by_reason.setdefault(reason, []).append(
                self.t("x.alt_head", mentor=self.person(n.get("mentor_id"), n.get("mentor_name")),
                       score=self.num(float(n.get("score", 0.0)))))
        near = [_item(head=reason, sub=mentors, cls="plain") for reason, mentors in near_by_reason.items()]
        if near:
            more.append(_block("near", self.t("x.near_misses"), items=near))
        return {"main": blocks, "more": more}

    # -- mentors, candidates, analysis ------------------------------------------------------
    def mentor_why(self, mentor: dict) -> str:
        return self.words.unused(mentor.get("explanation") or {})

    def candidates(self) -> dict | None:
        lists = self.doc.get("candidates")
        if not isinstance(lists, dict) or not lists:
            return None
        width = max((len(v) for v in lists.values()), default=0)
        rows = []
        for mentee_id, entries in lists.items():
            cells = []
            for c in entries:
                badge, badge_kind = self.status(c)
                cells.append({"mentor": self.person(c.get("mentor_id"), c.get("mentor_name")),
                              "score": self.num(float(c.get("score", 0.0))), "badge": badge, "badge_kind": badge_kind})
            if cells:
                cells += [None] * (width - len(cells))
            rows.append({"mentee": self.person(mentee_id), "cells": cells})
        return {"rows": rows, "ranks": [self.t("col_rank_n", rank=k + 1) for k in range(width)],
                "summary": self.t("candidates_show", count=len(rows))}

    def analysis(self) -> dict | None:
        analysis = self.doc.get("analysis")
        if not isinstance(analysis, dict):
            return None
        total = int(analysis.get("pairs_total") or 0)
        rules = []
        by_rule = analysis.get("rules") or {}
        for code, row in sorted(by_rule.items(), key=lambda kv: (-kv[1].get("pairs_blocked", 0), kv[0])):
            blocked = int(row.get("pairs_blocked", 0))
            rules.append({"title": known(f"rule_title.{code}", None, self.lang, code),
                          "blocked": fmt_int(blocked, self.lang),
                          "only": fmt_int(int(row.get("only_reason", 0)), self.lang),
                          "share": fmt_share(blocked, total, self.lang), "width": share_width(blocked, total)})
        components = []
        comps = analysis.get("components") or {}
        top = max((float(c.get("total_contribution") or 0.0) for c in comps.values()), default=0.0)
        for name, c in sorted(comps.items(), key=lambda kv: (-float(kv[1].get("total_contribution") or 0.0), kv[0])):
            mean = c.get("mean_value")
            components.append({"title": known(f"component.{name}", None, self.lang, name),
                               "weight": fmt_pct(100.0 * float(c.get("weight") or 0.0), 1, self.lang),
                               "mean": "—" if mean is None else fmt_pct(100.0 * float(mean), 1, self.lang),
                               "total": self.num(float(c.get("total_contribution") or 0.0)),
                               "width": share_width(float(c.get("total_contribution") or 0.0), top)})
        if not rules and not components:
            return None
        return {"rules": rules, "components": components,
                "total": self.t("rules_total", count=fmt_int(total, self.lang)) if total else ""}

    def notes(self) -> list[str]:
        out = []
        for note in (self.doc.get("explanations") or {}).get("notes") or []:
            code = note.get("code", "")
            mine = "report.note." + code.rsplit(".", 1)[-1]
            out.append(known(code, note.get("params"), self.lang,
                             known(mine, note.get("params"), self.lang, code)))
        return out


def build_view(doc: dict, lang: str = "en", sensitive: dict | None = None, anonymize: bool = False,
               inline_units: int = INLINE_UNITS, page_units: int = PAGE_UNITS) -> dict:
    """Everything the template shows, worded in `lang`; the template adds no logic of its own.

    Steps: (1) the units (pairs and groups) with their numbered rows, (2) the unmatched
    mentees, (3) the summary figures by form and by priority, (4) the solver's status and
    objective levels, (5) the mentors' places and the mentors with places left, (6) the
    view: cards, sections and the order's annex, (7) for more than `inline_units` units, the
    first `page_units` of them in the HTML and every row as the page's compact data."""
    lang = "ru" if lang == "ru" else "en"
    if anonymize:
        doc = anonymized(doc)
    T = _Texts(lang)
    words = _Explainer(doc, lang)
    program = doc.get("program") or {}
    summary = doc.get("summary") or {}
    pairs = list(doc.get("pairs") or [])
    mentors = list(doc.get("mentors") or [])
    form_ids = form_order(doc)

    unit_list, pairs_total = _units(doc, pairs, mentors, form_ids, T, words, lang, sensitive)
    unmatched = _unmatched_rows(doc, T, words, lang, sensitive)
    by_form = _by_form_rows(doc, summary, lang)
    by_priority = _by_priority_rows(summary, T, lang)
    status = _solver_status(doc.get("solver") or {}, T, lang)
    levels = _objective_levels(doc.get("solver") or {}, T, lang)
    free_mentors = _free_mentors(mentors, words, lang, sensitive)

    forms_present = [f for f in form_ids if any(u["form"] == f for u in unit_list)]
    metadata = doc.get("metadata") or {}
    generated = metadata.get("generated") or metadata.get("date") or ""
    candidates = words.candidates()
    view = {
        "lang": lang, "T": T, "sensitive_included": sensitive is not None, "anonymized": anonymize,
        "program_name": program.get("name", ""), "reference_date": program.get("reference_date", ""),
        "generated": str(generated), "input_files": ", ".join(doc.get("input_files") or []),
        "version": doc.get("package_version", ""), "seed": str(doc.get("seed", "")),
        "cards": _cards(summary, pairs, unmatched, mentors, status, T, lang),
        "pairs_count": T("pairs_count", **unit_counts(pairs, mentors)),
        "unmatched_count": fmt_int(len(unmatched), lang),
        "by_form": by_form, "by_priority": by_priority if len(by_priority) > 1 else [],
        "levels": levels,
        "objective_quality": (program.get("objective") == "quality"),
        "candidate_pairs": T("candidate_pairs", count=fmt_int(summary.get("candidate_pairs", 0), lang)),
        "locks": T("locks", count=len(doc.get("locks") or [])) if doc.get("locks") else "",
        "input_warnings": (T("input_warnings", count=len(doc["input_warnings"]))
                           if doc.get("input_warnings") else ""),
        "units": unit_list, "pairs_total": pairs_total,
        "forms": [{"value": f, "title": _form_title(doc, f, lang)} for f in forms_present],
        **_filter_options(unit_list, T, lang),
        "unmatched": unmatched,
        "candidates": candidates,
        "analysis": words.analysis(),
        "notes": words.notes(),
        "places_used": _places_used(mentors, T, lang),
        "free_mentors": free_mentors,
        "load_chart": load_chart(mentors, lang),
        "score_chart": score_chart([p.get("score", 0.0) for p in pairs], lang),
        "appendix": annex_rows(doc, lang),
        "decisions": decisions_view(doc, unit_list, ALTERNATIVES_SHOWN, lang),
        "changes": _changes_view(doc, lang, words),
    }
    view.update(_paging(unit_list, pairs_total, candidates, T, inline_units, page_units))
    return view


def _changes_view(doc: dict, lang: str, words: _Explainer) -> dict | None:
    """A re-matching round's "what changed" section (matcher.rematch.words); None otherwise."""
    if not doc.get("rematch"):
        return None
    from .rematch.words import report_view

    return report_view(doc, lang, words.changes())


def _paging(unit_list: list[dict], pairs_total: int, candidates: dict | None, T: _Texts, inline_units: int,
            page_units: int) -> dict:
    """Step 7. What the HTML holds and what travels as data: up to `inline_units` units, every row
    is in the HTML and there is no data; above, the first `page_units` units (and candidate rows)
    are in the HTML, with a note on where the rest is, and every row is in `data`."""
    if len(unit_list) <= inline_units:
        return {"units_html": unit_list, "candidate_rows_html": (candidates or {}).get("rows") or [],
                "data": None, "rows_note": "", "candidates_note": "", "show_more": ""}
    first = unit_list[:max(1, page_units)]
    shown = sum(len(u["rows"]) for u in first)
    cand_rows = (candidates or {}).get("rows") or []
    cand_first = cand_rows[:max(1, page_units)]
    return {
        "units_html": first, "candidate_rows_html": cand_first,
        "data": compact_data(unit_list, candidates, page_units),
        "rows_note": T("rows_paged", shown=shown, total=pairs_total),
        "candidates_note": (T("candidates_paged", shown=len(cand_first), total=len(cand_rows))
                            if len(cand_rows) > len(cand_first) else ""),
        "show_more": T.show_more,
    }


def compact_data(unit_list: list[dict], candidates: dict | None, page_units: int) -> dict:
    """The rows of a large programme as the page's data, positions as report.js reads them:

    unit  [mentor_name, mentor_id, is_group, group_badge, places, group_min_text, mentor_sensitive, rows,
           mentor_about]
    row   [num, mentee_name, mentee_id, form, form_title, score, score_text, score_pct, score_class,
           priority_badge, locked, components, explanation, mentee_sensitive, explain_title, alternatives_more,
           mentee_about, priority, class]
    components: positions in `c` = [title, value_pct, value, weight, contribution, reason];
    explanation: blocks [kind, title, text, [item [head, text, badge, badge_kind, [sub], cls]]];
    sensitive: [[field, value]]; candidates `k`: [mentee, [[mentor, score, badge, badge_kind] or 0]].

    Every distinct string is written once, in `s`, and every distinct worded component once, in
    `c` (the same one recurs across many pairs); records hold their positions, numbered by use
    (most used first: the references repeated most are the shortest numbers). A string used a
    few times whose wording, numbers aside, other strings share («№ 3 из 487…») is written as
    [position of that wording in `s`, its numbers] (the wording holds U+0000 where a number
    goes; a number with leading zeros stays a string). Two passes over the rows: the first only
    counts."""
    def component_key(c: dict) -> tuple:
        return c["title"], c["value_pct"], c["value"], c["weight"], c["contribution"], c["reason"]

    def build(text: Callable, component: Callable) -> dict:
        def sensitive(rows: list[dict]) -> list:
            return [[text(r["field"]), text(r["value"])] for r in rows]

        def blocks(explanation: list[dict]) -> list:
            return [[text(b["kind"]), text(b["title"]), text(b["text"]),
                     [[text(i["head"]), text(i["text"]), text(i["badge"]), text(i["badge_kind"]),
                       [text(x) for x in i["sub"]], text(i["cls"])] for i in b["entries"]]] for b in explanation]

        units = []
        for u in unit_list:
            rows = [[r["num"], text(r["mentee_name"]), text(r["mentee_id"]), text(r["form"]), text(r["form_title"]),
                     r["score"], text(r["score_text"]), r["score_pct"], text(r["score_class"]),
                     text(r["priority_badge"]), int(r["locked"]), [component(c) for c in r["components"]],
                     blocks(r["explanation"]), sensitive(r["mentee_sensitive"]), text(r["explain_title"]),
                     text(r["alternatives_more"]), text(r["mentee_about"]), r["priority"], text(r["class"])]
                    for r in u["rows"]]
            units.append([text(u["mentor_name"]), text(u["mentor_id"]), int(u["is_group"]), text(u["group_badge"]),
                          text(u["places"]), text(u["group_min_text"]), sensitive(u["mentor_sensitive"]), rows,
                          text(u["mentor_about"])])
        cands = [[text(row["mentee"]), [[text(c["mentor"]), text(c["score"]), text(c["badge"]), text(c["badge_kind"])]
                                        if c else 0 for c in row["cells"]]]
                 for row in (candidates or {}).get("rows") or []]
        return {"page": max(1, page_units), "u": units, "k": cands}

    strings_seen: list = []
    components_seen: list = []
    build(strings_seen.append, lambda c: components_seen.append(component_key(c)))
    component_uses = Counter(components_seen)
    for key in component_uses:  # a component's strings are written once, in `c`
        strings_seen.extend((key[0], *key[2:]))
    string_uses = Counter(strings_seen)
    numbered = _numbered_strings(string_uses)
    for text, (wording, _) in numbered.items():
        string_uses[wording] += string_uses.pop(text)
    S = {text: k for k, (text, _) in enumerate(string_uses.most_common())}
    C = {key: k for k, (key, _) in enumerate(component_uses.most_common())}
    refs = {text: [S[wording], *numbers] for text, (wording, numbers) in numbered.items()}
    refs.update(S)
    data = build(refs.__getitem__, lambda c: C[component_key(c)])
    data["c"] = [[refs[k[0]], k[1], refs[k[2]], refs[k[3]], refs[k[4]], refs[k[5]]] for k in C]
    data["s"] = list(S)
    return data


_DIGITS = re.compile(r"([0-9]+)")


def _numbered_strings(uses: Counter) -> dict[str, tuple[str, list]]:
    """Strings with numbers whose wording without the numbers another such string shares, and
    that are used too few times for one entry of their own to be shorter: text -> (wording with
    U+0000 for each number, the numbers)."""
    split: dict[str, tuple[str, list]] = {}
    wordings: Counter = Counter()
    split_digits = _DIGITS.split
    for text, count in uses.items():
        if not isinstance(text, str) or "\0" in text:
            continue
        parts = split_digits(text)
        if len(parts) == 1:
            continue
        digits = parts[1::2]
        as_numbers = count * (6 + len("".join(digits)) + len(digits))  # [wording,n,...] at every use
        as_entry = len(text.encode("utf-8")) + 3 + count * 5  # the string once, a position at every use
        if as_numbers < as_entry:
            wording = "\0".join(parts[0::2])
            split[text] = (wording, digits)
            wordings[wording] += 1
    return {text: (wording, [int(d) if d == str(int(d)) and len(d) < 16 else d for d in digits])
            for text, (wording, digits) in split.items() if wordings[wording] > 1}


def data_json(data: dict) -> str:
    """`data` as the text of a `<script type="application/json">`: `<`, `>` and `&` written as
    \\u escapes, so no string in it can close the element or open a comment; JSON.parse reads
    them back as they were."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _units(doc: dict, pairs: list[dict], mentors: list[dict], form_ids: list[str], T: _Texts,
           words: _Explainer, lang: str, sensitive: dict | None) -> tuple[list[dict], int]:
    """Step 1. A unit is a mentor's mentees in one form; more than one mentee (or a group
    minimum) is a group. Units by mentor and form, their rows numbered through the whole
    list; returns the units and the number of rows."""
    mentor_by_id = {m["mentor_id"]: m for m in mentors}
    units: dict[tuple[str, str], dict] = {}
    for p in pairs:
        key = (p["mentor_id"], p["form"])
        if key not in units:
            m = mentor_by_id.get(p["mentor_id"], {})
            units[key] = {"mentor_id": p["mentor_id"], "mentor_name": p["mentor_name"], "form": p["form"],
                          "form_title": _form_title(doc, p["form"], lang),
                          "mentor_about": words.words.about(p["mentor_id"]),
                          "capacity": m.get("capacity"), "load": m.get("load"), "group_min": m.get("group_min"),
                          "mentor_sensitive": _sensitive_rows(sensitive, p["mentor_id"], lang), "pairs": []}
        units[key]["pairs"].append(p)
    unit_list = sorted(units.values(), key=lambda u: (u["mentor_id"], form_ids.index(u["form"])))
    number = 0
    for u in unit_list:
        u["pairs"].sort(key=lambda p: (p["mentee_name"], p["mentee_id"]))
        u["is_group"] = is_group(len(u["pairs"]), u["group_min"])
        u["group_badge"] = T("group_badge", count=len(u["pairs"])) if u["is_group"] else ""
        u["places"] = (T("places", load=u["load"], capacity=u["capacity"])
                       if u["capacity"] is not None and u["load"] is not None else "")
        u["group_min_text"] = T("group_min", min=u["group_min"]) if u["group_min"] else ""
        u["search"] = f"{u['mentor_name']} {u['mentor_id']}"
        rows = []
        for p in u["pairs"]:
            number += 1
            rows.append(_pair_row(p, number, u["form_title"], T, words, lang, sensitive))
        u["rows"] = rows
        del u["pairs"]
    return unit_list, number


def _pair_row(p: dict, number: int, form_title: str, T: _Texts, words: _Explainer, lang: str,
              sensitive: dict | None) -> dict:
    """One numbered pair of a unit: the mentee, the score and its parts, the explanation (the first
    `ALTERNATIVES_SHOWN` other mentors; how many more there are in result.json)."""
    score = float(p.get("score", 0.0))
    explanation = p.get("explanation")
    alternatives = (explanation or {}).get("alternatives") or []
    more = len(alternatives) - ALTERNATIVES_SHOWN
    if more > 0:
        explanation = {**explanation, "alternatives": alternatives[:ALTERNATIVES_SHOWN]}
    return {
        "num": number, "mentee_id": p["mentee_id"], "mentee_name": p["mentee_name"],
        "mentee_about": words.words.about(p["mentee_id"]),
        "mentor_id": p["mentor_id"], "mentor_name": p["mentor_name"],
        "form": p["form"], "form_title": form_title,
        "score": round(score, 4), "score_text": words.num(score),
        "score_pct": round(100 * min(1.0, max(0.0, score)), 1),
        "score_class": "hi" if score >= SCORE_STRONG else "mid" if score >= SCORE_WEAK else "lo",
        "priority": int(p.get("priority", 0)),
        "priority_badge": T("badge_priority", priority=p["priority"]) if p.get("priority") else "",
        "class": class_title(p),
        "locked": bool(p.get("locked")),
        "search": f"{p['mentee_name']} {p['mentee_id']}",
        "components": _components(p.get("components") or {}, words.words, lang, words.worded_components),
        "explain_title": T("explain_score", score=words.num(score)),
        "explanation": words.pair(explanation, p.get("mentee_gender")),
        "alternatives_more": T("x.alternatives_more", count=more) if more > 0 else "",
        "mentee_sensitive": _sensitive_rows(sensitive, p["mentee_id"], lang),
    }


def class_title(record: dict) -> str:
    """The mentee's class as the school writes it («7Б»): a pair's or an unmatched mentee's
    `mentee_grade`, the class with its letter; empty for a mentee without one (a teacher) or a
    document that does not carry it."""
    grade = record.get("mentee_grade")
    return "" if grade is None else str(grade)


def _class_order(title: str) -> tuple:
    number = re.match(r"\d*", title).group()
    return (int(number) if number else 99, title)


def _filter_options(unit_list: list[dict], T: _Texts, lang: str) -> dict:
    """The pairs list's filters: the priorities and classes its rows have (a filter with one value
    is left out), and the score bands of the bars' colours."""
    rows = [r for u in unit_list for r in u["rows"]]
    priorities = sorted({r["priority"] for r in rows}, reverse=True)
    classes = sorted({r["class"] for r in rows if r["class"]}, key=_class_order)
    weak, strong = fmt_num(SCORE_WEAK, 2, lang), fmt_num(SCORE_STRONG, 2, lang)
    return {
        "priorities": [{"value": str(k), "title": T("priority_value", priority=k) if k else T.priority_plain}
                       for k in priorities] if len(priorities) > 1 else [],
        "classes": [{"value": c, "title": c} for c in classes] if len(classes) > 1 else [],
        "score_bands": [{"value": band, "title": T(f"score_band_{band}", weak=weak, strong=strong)}
                        for band in ("lo", "mid", "hi")],
    }


def _unmatched_rows(doc: dict, T: _Texts, words: _Explainer, lang: str, sensitive: dict | None) -> list[dict]:
    """Step 2. Unmatched mentees, highest priority first: why, and which rules blocked how many."""
    unmatched = []
    for u in sorted(doc.get("unmatched") or [], key=lambda u: (-int(u.get("priority", 0)), u["mentee_id"])):
        blocked = sorted((u.get("blocked_by") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        unmatched.append({
            "mentee_id": u["mentee_id"], "mentee_name": u["mentee_name"], "priority": int(u.get("priority", 0)),
            "search": f"{u['mentee_name']} {u['mentee_id']}",
            "priority_badge": T("badge_priority", priority=u["priority"]) if u.get("priority") else "",
            "mentee_about": words.words.about(u["mentee_id"]),
            "reason": words.words.unmatched(u),
            "candidates": fmt_int(u.get("candidates", 0), lang),
            "blocked": [T("blocked_chip", rule=known(f"rule_title.{code}", None, lang, code), count=count)
                        for code, count in blocked],
            "explanation": words.unmatched(u.get("explanation"), u["mentee_id"]),
            "sensitive": _sensitive_rows(sensitive, u["mentee_id"], lang),
        })
    return unmatched


def _by_form_rows(doc: dict, summary: dict, lang: str) -> list[dict]:
    """Step 3a. Mentees paired per form (forms without mentees left out)."""
    by_form = []
    for form, row in (summary.get("by_form") or {}).items():
        if row.get("mentees"):
            by_form.append({"title": _form_title(doc, form, lang), "mentees": fmt_int(row["mentees"], lang),
                            "matched": fmt_int(row["matched"], lang),
                            "share": fmt_share(row["matched"], row["mentees"], lang),
                            "width": share_width(row["matched"], row["mentees"])})
    return by_form


def _by_priority_rows(summary: dict, T: _Texts, lang: str) -> list[dict]:
    """Step 3b. Mentees paired per priority, highest first."""
    by_priority = []
    for prio, row in sorted((summary.get("by_priority") or {}).items(), key=lambda kv: -int(kv[0])):
        title = T("priority_value", priority=prio) if int(prio) else T.priority_plain
        by_priority.append({"title": title, "mentees": fmt_int(row["mentees"], lang),
                            "matched": fmt_int(row["matched"], lang),
                            "share": fmt_share(row["matched"], row["mentees"], lang),
                            "width": share_width(row["matched"], row["mentees"])})
    return by_priority


def _solver_status(solver: dict, T: _Texts, lang: str) -> dict:
    """Step 4a. The solver's status as the status card shows it: proven or not, the proof, the gap."""
    status = solver.get("status", "")
    proven = bool(solver.get("proven_optimal", status == "OPTIMAL"))
    if proven:
        status_text = T.status_optimal
    elif status == "FEASIBLE":
        status_text = T.status_feasible_time if solver.get("stopped_by_time_limit") else T.status_feasible
    else:
        status_text = T("status_other", status=status or "—")
    proof = solver.get("proof") or ""
    gap = float(solver.get("gap") or 0.0)
    return {
        "status": status_text, "proven": proven,
        "proof": known(f"report.proof.{proof}", None, lang, T("proof_other", proof=proof)) if proof else "",
        "gap": "" if proven else T("gap", gap=gap_text(solver, lang) if solver.get("level_gaps")
                                   else fmt_pct(100.0 * gap, 2, lang)),
        "resolution": T("score_resolution", text=score_resolution_text(solver, lang))
        if score_resolution_text(solver, lang) else "",
    }


def _objective_levels(solver: dict, T: _Texts, lang: str) -> list[dict]:
    """Step 4b. The objective's levels in the solver's order, each with its value."""
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
    return levels


def _free_mentors(mentors: list[dict], words: _Explainer, lang: str, sensitive: dict | None) -> list[dict]:
    """Step 5a. Mentors with places left, and why they were not filled."""
    return [{"mentor_id": m["mentor_id"], "mentor_name": m["mentor_name"], "load": m["load"],
             "search": f"{m['mentor_name']} {m['mentor_id']}",
             "capacity": m["capacity"], "free": int(m["capacity"]) - int(m["load"]),
             "why": words.mentor_why(m),
             "sensitive": _sensitive_rows(sensitive, m["mentor_id"], lang)}
            for m in mentors if int(m.get("capacity", 0)) > int(m.get("load", 0))]


def _places_used(mentors: list[dict], T: _Texts, lang: str) -> str:
    """Step 5b. Places used of places offered, and the mentors left without a mentee."""
    engaged = sum(1 for m in mentors if int(m.get("load", 0)) > 0)
    capacity_total = sum(int(m.get("capacity", 0)) for m in mentors)
    used_total = sum(int(m.get("load", 0)) for m in mentors)
    return T("places_used", used=fmt_int(used_total, lang), capacity=fmt_int(capacity_total, lang),
             idle=fmt_int(len(mentors) - engaged, lang), mentors=fmt_int(len(mentors), lang))


def unit_counts(pairs: list[dict], mentors: list[dict]) -> dict[str, int]:
    """Pairs, individual pairs, groups, mentees in groups (results.pair_counts: one vocabulary)."""
    return pair_counts(pairs, {m["mentor_id"]: m.get("group_min") for m in mentors if m.get("group_min")})


def _cards(summary: dict, pairs: list[dict], unmatched: list[dict], mentors: list[dict],
           status: dict, T: _Texts, lang: str) -> dict:
    """Step 6. The figures at the top of the page: mentees paired, units, mentors engaged, status."""
    mentees_n = int(summary.get("mentees", 0))
    matched_n = int(summary.get("matched_mentees", len({p["mentee_id"] for p in pairs})))
    counts = unit_counts(pairs, mentors)
    engaged = sum(1 for m in mentors if int(m.get("load", 0)) > 0)
    return {
        "matched": T("card_matched_value", matched=fmt_int(matched_n, lang), mentees=fmt_int(mentees_n, lang)),
        "matched_share": fmt_share(matched_n, mentees_n, lang),
        "matched_width": share_width(matched_n, mentees_n),
        "unmatched": fmt_int(summary.get("unmatched_mentees", len(unmatched)), lang),
        "units": fmt_int(counts["pairs"], lang),
        "units_detail": T("card_units_value", **counts),
        "mentors": T("card_matched_value", matched=fmt_int(engaged, lang), mentees=fmt_int(len(mentors), lang)),
        **status,
    }


# ---------------------------------------------------------------------------------------------
# Rendering


def _static(name: str, closing: str) -> str:
    text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    if closing in text.lower():  # our own asset must not end its element early
        raise ValueError(f"{name} contains {closing}")
    return text


@functools.lru_cache(maxsize=1)  # compiling the template took half of a school's run: once per process
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       bytecode_cache=_TemplateCache(TEMPLATE_DIR / "__pycache__"))


class _TemplateCache(FileSystemBytecodeCache):
    """The compiled template kept beside the package's own bytecode, as Python keeps a module's
    (compiling it took about a tenth of a school's run): written only where Python writes
    bytecode, never an error where the package's folder cannot be written; Jinja checks it
    against the template's text and its own and Python's versions before use."""

    def __init__(self, directory: Path):
        super().__init__(str(directory), "%s.jinja.cache")

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged: compiled afresh
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        if sys.dont_write_bytecode:
            return
        try:
            Path(self.directory).mkdir(exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.lru_cache(maxsize=1)
def _template():
    """The report's template, compiled once a process."""
    return _environment().get_template(TEMPLATE)


def render_report(doc: dict, lang: str = "en", sensitive: dict | None = None, anonymize: bool = False,
                  inline_units: int = INLINE_UNITS, page_units: int = PAGE_UNITS) -> str:
    """report.html as text: same document and options give the same bytes."""
    # Wording a district makes millions of small, acyclic objects that live until the page is
    # written: cyclic GC passes over them would take about a third of the time; pause it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _render(doc, lang, sensitive, anonymize, inline_units, page_units)
    finally:
        if gc_was_enabled:
            gc.enable()


def _render(doc: dict, lang: str, sensitive: dict | None, anonymize: bool, inline_units: int,
            page_units: int) -> str:
    view = build_view(doc, lang, sensitive=sensitive, anonymize=anonymize, inline_units=inline_units,
                      page_units=page_units)
    # the data block is escaped by data_json (no `<` left in it), so it goes in as it is
    view["data"] = Markup(data_json(view["data"])) if view["data"] is not None else None
    css = _static("report.css", "</style") + "\n" + _static("decisions.css", "</style")
    # one script (one hash): the page's own, then the consilium's decisions (report_decisions.py)
    js = _static("report.js", "</script") + "\n" + _static("decisions.js", "</script")
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; connect-src 'none'; "
           f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'")
    # css and js are this package's own files, not data: they go in as they are.
    return _template().render(css=Markup(css), js=Markup(js), csp=csp, **view)


def write_report(doc: dict, out_dir, lang: str = "en", sensitive: dict | None = None,
                 anonymize: bool = False, inline_units: int = INLINE_UNITS, page_units: int = PAGE_UNITS) -> Path:
    """Write out_dir/report.html atomically; returns its path. Into a folder holding an output
    set (results.write_outputs wrote it) the report joins that set and its manifest, so
    `matcher explain` still reads the folder as one run's files."""
    out = Path(out_dir)
    data = render_report(doc, lang, sensitive=sensitive, anonymize=anonymize, inline_units=inline_units,
                         page_units=page_units).encode("utf-8")
    if (out / MANIFEST).is_file():
        return replace_in_set(out, {"report.html": data}) / "report.html"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.html"
    atomic_write_bytes(path, data)
    return path
