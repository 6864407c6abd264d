"""The monitoring report (`matcher monitor report`): the effectiveness table of 002 §6 for a
programme year, per pair, per form and for the programme, with its band; the change from
before to after, per indicator; the pairs that need the curator's attention; and which score
components predicted good outcomes, with the weights that suggests for next year.

Written as one output set (io/outputset.py): monitoring.html (self-contained: inline CSS and
SVG, no script, no request; autoescaped, so questionnaire text shows as text),
monitoring_pairs.csv, monitoring_indicators.csv, monitoring_components.csv (formulas
neutralised) and suggested_config.toml. `build_view` words everything; the template only lays
it out. Russian or English.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

from ..i18n import number, register, render
from ..io.outputset import OutputSet
from ..io.writers import csv_bytes
from ..report import _environment as templates  # report.html's templates and settings: one environment
from ..report import _frame, initials
from .analysis import Analysis, analyse, stage_total, suggested_weights
from .indicators import (BAND_CODES, CRITERIA, CRITERION_BY_CODE, INDICATOR_BY_NUMBER, INDICATORS, MAX_SCORE, MAX_TOTAL,
                         NUMBERS, band, band_title)
from .suggest import suggested_config_text
from .words import component_title, form_title, outcome_text, p_text, rule_text, verdict_text
from .year import MonitoredYear, load_year

TEMPLATE = "monitoring.html.j2"
LOW_SATISFACTION = 0.4  # a partner's satisfaction at or below this share of its scale needs attention
STAGES = ("before", "after")
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; connect-src 'none'; "
       "script-src 'none'; base-uri 'none'; form-action 'none'")
PAIR_COLUMNS = ("mentor_id", "mentor_name", "mentee_id", "mentee_name", "form", "before_total", "before_band",
                "after_total", "after_band", "change", *(f"before_i{k}" for k in NUMBERS),
                *(f"after_i{k}" for k in NUMBERS), "mentee_satisfaction", "mentor_satisfaction", "attention")
INDICATOR_COLUMNS = ("indicator", "criterion", "title", "pairs_before", "mean_before", "pairs_after", "mean_after",
                     "change")
COMPONENT_COLUMNS = ("component", "pairs", "rho", "rho_low", "rho_high", "partial_rho", "partial_low",
                     "partial_high", "p", "p_holm", "verdict", "weight", "suggested_weight")

register({
    "monitor_report.title": ("Мониторинг программы наставничества", "Monitoring of the mentoring programme"),
    "monitor_report.subtitle": ("{programme}, {year} учебный год", "{programme}, school year {year}"),
    "monitor_report.run": ("Пары: подбор от {date} ({pairs} {pairs:plural:пара|пары|пар})",
                           "Pairs: the matching of {date} ({pairs} {pairs:plural:pair|pairs})"),
    "monitor_report.import": ("{stage} мониторинг: {file}, загружен {date}", "Monitoring {stage}: {file}, imported {date}"),
    "monitor_report.import_missing": ("{stage} мониторинг не загружен", "Monitoring {stage}: not imported"),
    "monitor_report.stage.before": ("входной", "before"),
    "monitor_report.stage.after": ("итоговый", "after"),
    "monitor_report.stage_title.before": ("Входной", "Before"),
    "monitor_report.stage_title.after": ("Итоговый", "After"),
    "monitor_report.card_pairs": ("Пар с итоговым мониторингом", "Pairs monitored after"),
    "monitor_report.card_pairs_value": ("{monitored} из {pairs}", "{monitored} of {pairs}"),
    "monitor_report.card_programme": ("Программа: средняя сумма баллов", "Programme: mean total"),
    "monitor_report.card_programme_value": ("{mean} из {max}", "{mean} of {max}"),
    "monitor_report.card_change": ("Изменение от входного", "Change from before"),
    "monitor_report.card_attention": ("Требуют внимания куратора", "Need the curator's attention"),
    "monitor_report.levels": ("Уровень эффективности: программа и формы", "Effectiveness: the programme and its forms"),
    "monitor_report.levels_note": ("Уровни по 002 §6: {optimal} баллов — оптимальный, {acceptable} — допустимый, "
                                   "{unacceptable} — недопустимый; для программы и формы — по средней сумме пар.",
                                   "Levels as 002 §6 sets them: {optimal} points optimal, {acceptable} acceptable, "
                                   "{unacceptable} unacceptable; for the programme and a form, by the pairs' mean."),
    "monitor_report.programme": ("Вся программа", "The whole programme"),
    "monitor_report.col_level": ("Программа / форма", "Programme / form"),
    "monitor_report.col_pairs": ("Пар", "Pairs"),
    "monitor_report.col_mean_before": ("Средняя сумма: входной", "Mean total: before"),
    "monitor_report.col_mean_after": ("Средняя сумма: итоговый", "Mean total: after"),
    "monitor_report.col_change": ("Изменение", "Change"),
    "monitor_report.col_band": ("Уровень", "Level"),
    "monitor_report.col_bands": ("Пар по уровням (итоговый)", "Pairs by level (after)"),
    "monitor_report.bands_chart": ("Пары по уровням эффективности", "Pairs by level of effectiveness"),
    "monitor_report.bands_chart_bar": ("{stage}: {band} — {count} {count:plural:пара|пары|пар}",
                                       "{stage}: {band}, {count} {count:plural:pair|pairs}"),
    "monitor_report.chart_y_pairs": ("пар", "pairs"),
    "monitor_report.indicators": ("Показатели: входной и итоговый мониторинг",
                                  "Indicators: before and after"),
    "monitor_report.indicators_note": ("Средний балл пар по каждому показателю: 0 — не проявляется, 1 — частично, "
                                       "2 — в полной мере.",
                                       "The pairs' mean score per indicator: 0 not shown, 1 partly, 2 fully."),
    "monitor_report.col_indicator": ("Показатель", "Indicator"),
    "monitor_report.col_before": ("Входной", "Before"),
    "monitor_report.col_after": ("Итоговый", "After"),
    "monitor_report.indicator_bar": ("Показатель {k}, {stage}: средний балл {mean}. {title}",
                                     "Indicator {k}, {stage}: mean score {mean}. {title}"),
    "monitor_report.attention": ("Пары, требующие внимания куратора", "Pairs that need the curator's attention"),
    "monitor_report.attention_none": ("Таких пар нет: ни недопустимого уровня, ни снижения, ни низкой "
                                      "удовлетворённости.",
                                      "None: no unacceptable level, no drop, no low satisfaction."),
    "monitor_report.attention.unacceptable": ("недопустимый уровень: {total} из {max}",
                                              "unacceptable level: {total} of {max}"),
    "monitor_report.attention.drop": ("сумма баллов снизилась: {before} → {after}", "the total fell: {before} → {after}"),
    "monitor_report.attention.low_satisfaction_mentee": ("низкая удовлетворённость наставляемого: {value} из {max}",
                                                         "the mentee's satisfaction is low: {value} of {max}"),
    "monitor_report.attention.low_satisfaction_mentor": ("низкая удовлетворённость наставника: {value} из {max}",
                                                         "the mentor's satisfaction is low: {value} of {max}"),
    "monitor_report.pairs": ("Пары", "Pairs"),
    "monitor_report.col_mentor": ("Наставник", "Mentor"),
    "monitor_report.col_mentee": ("Наставляемый", "Mentee"),
    "monitor_report.col_form": ("Форма", "Form"),
    "monitor_report.col_total_before": ("Входной", "Before"),
    "monitor_report.col_total_after": ("Итоговый", "After"),
    "monitor_report.col_satisfaction": ("Удовлетворённость (наставляемый / наставник)",
                                        "Satisfaction (mentee / mentor)"),
    "monitor_report.pairs_note": ("Баллы показателей 1–9 — итогового мониторинга (входного, если итогового нет).",
                                  "Indicator scores 1–9 are those after (before, when there is no after)."),
    "monitor_report.not_monitored": ("Без мониторинга: {count} {count:plural:пара|пары|пар} подбора.",
                                     "Not monitored: {count} {count:plural:pair|pairs} of the matching."),
    "monitor_report.unknown_rows": ("Строк мониторинга, не относящихся к парам подбора: {count} (не учтены).",
                                    "Monitoring rows naming no pair of the matching: {count} (left out)."),
    "monitor_report.analysis": ("Какие составляющие подбора предсказали хороший результат",
                                "Which score components predicted a good outcome"),
    "monitor_report.analysis_basis": ("Результат пары — {outcome}. Пар с результатом: {n}. Для каждой составляющей: "
                                      "ранговая корреляция Спирмена ρ с результатом и 95 % доверительный интервал; "
                                      "частная ρ — при прочих составляющих, взятых неизменными; p — для частной ρ, "
                                      "с поправкой Холма на число составляющих.",
                                      "A pair's outcome: {outcome}. Pairs with an outcome: {n}. For each component: "
                                      "Spearman's rank correlation ρ with the outcome and its 95% confidence "
                                      "interval; the partial ρ holds the other components fixed; p is the partial "
                                      "ρ's, Holm-adjusted for the number of components."),
    "monitor_report.col_component": ("Составляющая", "Component"),
    "monitor_report.col_rho": ("ρ [95 % ДИ]", "ρ [95% CI]"),
    "monitor_report.col_partial": ("Частная ρ [95 % ДИ]", "Partial ρ [95% CI]"),
    "monitor_report.col_p": ("p (Холм)", "p (Holm)"),
    "monitor_report.col_verdict": ("Вывод", "Finding"),
    "monitor_report.correlation_note": ("Связь не доказывает причину: пары формировались не случайно.",
                                        "An association is not a cause: the pairs were not formed at random."),
    "monitor_report.weights": ("Предлагаемые веса на следующий год", "Suggested weights for next year"),
    "monitor_report.col_weight": ("Вес в этом году", "This year's weight"),
    "monitor_report.col_suggested": ("Предлагаемый вес", "Suggested weight"),
    "monitor_report.weights_note": ("Только предложение: ничего не применено. Настройки с этими весами — в "
                                    "suggested_config.toml рядом с отчётом (или matcher config --suggest-from).",
                                    "A suggestion only: nothing was applied. The configuration with these weights "
                                    "is suggested_config.toml beside this report (or matcher config --suggest-from)."),
    "monitor_report.files": ("Подробно: monitoring_pairs.csv, monitoring_indicators.csv, monitoring_components.csv.",
                             "Details: monitoring_pairs.csv, monitoring_indicators.csv, monitoring_components.csv."),
    "monitor_report.cli_summary": ("Мониторинг: {programme}, {year} учебный год — пар: {pairs}; средняя сумма ({stage}) "
                                   "{mean} из {max}: {band}; изменение от входного: {change}",
                                   "Monitoring: {programme}, school year {year} — pairs: {pairs}; mean total ({stage}) "
                                   "{mean} of {max}: {band}; change from before: {change}"),
    "monitor_report.cli_attention": ("Требуют внимания куратора: {count} {count:plural:пара|пары|пар}",
                                     "Pairs that need the curator's attention: {count}"),
    "monitor_report.cli_found": ("Составляющие, связанные с результатом: {found}",
                                 "Components associated with the outcome: {found}"),
    "monitor_report.cli_found_none": ("Ни одна составляющая подбора не связана с результатом значимо",
                                      "No score component is significantly associated with the outcome"),
    "monitor_report.cli_weights": ("Предлагаемые веса (suggested_config.toml, ничего не применено): {weights}",
                                   "Suggested weights (suggested_config.toml; nothing applied): {weights}"),
    "monitor_report.cli_weights_none": ("Менять веса оснований нет (suggested_config.toml — прежние веса)",
                                        "No reason to change the weights (suggested_config.toml keeps them)"),
    "monitor_report.cli_written": ("Отчёт мониторинга: {dir}", "Monitoring report: {dir}"),
    "monitor_header.mentor_id": ("код наставника", "mentor_id"),
    "monitor_header.mentor_name": ("наставник", "mentor_name"),
    "monitor_header.mentee_id": ("код наставляемого", "mentee_id"),
    "monitor_header.mentee_name": ("наставляемый", "mentee_name"),
    "monitor_header.form": ("форма", "form"),
    "monitor_header.before_total": ("входной: сумма", "before_total"),
    "monitor_header.before_band": ("входной: уровень", "before_band"),
    "monitor_header.after_total": ("итоговый: сумма", "after_total"),
    "monitor_header.after_band": ("итоговый: уровень", "after_band"),
    "monitor_header.change": ("изменение", "change"),
    "monitor_header.before_i": ("входной: показатель {k}", "before_i{k}"),
    "monitor_header.after_i": ("итоговый: показатель {k}", "after_i{k}"),
    "monitor_header.mentee_satisfaction": ("удовлетворённость наставляемого", "mentee_satisfaction"),
    "monitor_header.mentor_satisfaction": ("удовлетворённость наставника", "mentor_satisfaction"),
    "monitor_header.attention": ("требует внимания", "attention"),
    "monitor_header.indicator": ("показатель", "indicator"),
    "monitor_header.criterion": ("критерий", "criterion"),
    "monitor_header.title": ("название", "title"),
    "monitor_header.pairs_before": ("пар: входной", "pairs_before"),
    "monitor_header.mean_before": ("средний балл: входной", "mean_before"),
    "monitor_header.pairs_after": ("пар: итоговый", "pairs_after"),
    "monitor_header.mean_after": ("средний балл: итоговый", "mean_after"),
    "monitor_header.component": ("составляющая", "component"),
    "monitor_header.pairs": ("пар", "pairs"),
    "monitor_header.rho": ("ρ", "rho"),
    "monitor_header.rho_low": ("ρ: нижняя граница", "rho_low"),
    "monitor_header.rho_high": ("ρ: верхняя граница", "rho_high"),
    "monitor_header.partial_rho": ("частная ρ", "partial_rho"),
    "monitor_header.partial_low": ("частная ρ: нижняя граница", "partial_low"),
    "monitor_header.partial_high": ("частная ρ: верхняя граница", "partial_high"),
    "monitor_header.p": ("p", "p"),
    "monitor_header.p_holm": ("p (Холм)", "p_holm"),
    "monitor_header.verdict": ("вывод", "verdict"),
    "monitor_header.weight": ("вес", "weight"),
    "monitor_header.suggested_weight": ("предлагаемый вес", "suggested_weight"),
})


def _t(code: str, lang: str, **params) -> str:
    return render(f"monitor_report.{code}", params or None, lang)


# --- the year's numbers, not yet worded -------------------------------------------------------

def pair_outcomes(year: MonitoredYear) -> list[dict]:
    """Per pair of the run that has monitoring: its stages' entries and totals, the change,
    the band of its latest total and why it needs attention ((code, params) pairs)."""
    out = []
    for p in year.pairs:
        before, after = year.stage_entry("before", p), year.stage_entry("after", p)
        if before is None and after is None:
            continue
        totals = {"before": stage_total(before), "after": stage_total(after)}
        latest = totals["after"] if totals["after"] is not None else totals["before"]
        change = (totals["after"] - totals["before"]) if None not in totals.values() else None
        attention = []
        if latest is not None and band(latest) == "unacceptable":
            attention.append(("unacceptable", {"total": latest, "max": MAX_TOTAL}))
        if change is not None and change < 0:
            attention.append(("drop", {"before": totals["before"], "after": totals["after"]}))
        satisfaction = (after or before)["satisfaction"]
        for who in ("mentee", "mentor"):
            if who in satisfaction:
                value, scale = satisfaction[who]
                if scale and value <= LOW_SATISFACTION * scale:
                    attention.append((f"low_satisfaction_{who}", {"value": value, "max": scale}))
        out.append({"pair": p, "before": before, "after": after, "totals": totals, "change": change,
                    "band": band(latest) if latest is not None else None, "satisfaction": satisfaction,
                    "attention": attention})
    return out


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def level_numbers(outcomes: list[dict]) -> dict:
    """Pairs, mean totals per stage, the change of the means, the band of the latest mean and
    the pairs per band after (before when there is no after)."""
    means = {s: _mean([o["totals"][s] for o in outcomes if o["totals"][s] is not None]) for s in STAGES}
    latest = means["after"] if means["after"] is not None else means["before"]
    stage = "after" if means["after"] is not None else "before"
    counts = {b: sum(1 for o in outcomes if o["totals"][stage] is not None and band(o["totals"][stage]) == b)
              for b in BAND_CODES}
    change = means["after"] - means["before"] if None not in means.values() else None
    return {"pairs": len(outcomes), "means": means, "change": change, "counts": counts,
            "band": band(latest) if latest is not None else None}


def indicator_numbers(outcomes: list[dict]) -> list[dict]:
    rows = []
    for k in NUMBERS:
        scores = {s: [o[s]["scores"][k] for o in outcomes if o[s] and k in o[s]["scores"]] for s in STAGES}
        means = {s: _mean(scores[s]) for s in STAGES}
        rows.append({"indicator": k, "pairs": {s: len(scores[s]) for s in STAGES}, "means": means,
                     "change": means["after"] - means["before"] if None not in means.values() else None})
    return rows


# --- worded -------------------------------------------------------------------------------------

def _num(value: float | None, lang: str, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return "—"
    value = round(value, digits) or 0.0  # no "−0.00"
    text = number(value, lang, digits)
    return ("+" + text) if signed and value > 0 else text.replace("-", "−")


def _ci(ci: tuple[float, float] | None, lang: str) -> str:
    return f"[{_num(ci[0], lang, 2)}; {_num(ci[1], lang, 2)}]" if ci else ""


def person_name(name: str | None, anonymize: bool) -> str:
    if not name:
        return ""
    return initials(name) if anonymize else name


def attention_texts(outcome: dict, lang: str) -> list[str]:
    return [_t(f"attention.{code}", lang, **params) for code, params in outcome["attention"]]


def _band_text(name: str | None, lang: str) -> str:
    return band_title(name, lang) if name else "—"


def bands_chart(outcomes: list[dict], lang: str) -> dict | None:
    """Pairs per band, before and after side by side: geometry here, drawing in the template."""
    counts = {s: [sum(1 for o in outcomes if o["totals"][s] is not None and band(o["totals"][s]) == b)
                  for b in BAND_CODES] for s in STAGES}
    if not any(sum(c) for c in counts.values()):
        return None
    f, y_of = _frame(560, 230, max(max(c) for c in counts.values()), lang)
    slot = f["plot_w"] / len(BAND_CODES)
    bar_w = min(56.0, slot * 0.34)
    bars, labels = [], []
    for b, name in enumerate(BAND_CODES):
        left = f["x0"] + b * slot + slot / 2 - bar_w
        for s, stage in enumerate(STAGES):
            count = counts[stage][b]
            y = y_of(count)
            x = round(left + s * bar_w, 1)
            bars.append({"x": x, "w": round(bar_w - 2, 1), "y": y, "h": round(f["y0"] - y, 1), "stage": stage,
                         "band": name, "count_text": number(count, lang), "cx": round(x + bar_w / 2 - 1, 1),
                         "label_y": round(y - 4, 1),
                         "title": _t("bands_chart_bar", lang, stage=_t(f"stage_title.{stage}", lang),
                                     band=_band_text(name, lang), count=count)})
        labels.append({"x": round(f["x0"] + b * slot + slot / 2, 1), "label": _band_text(name, lang)})
    return {**f, "bars": bars, "labels": labels, "y_title": _t("chart_y_pairs", lang),
            "legend": [{"stage": s, "text": _t(f"stage_title.{s}", lang)} for s in STAGES]}


def indicator_chart(rows: list[dict], lang: str) -> dict | None:
    """Each indicator's mean score before and after as two horizontal bars on 0..2."""
    if not any(r["means"][s] is not None for r in rows for s in STAGES):
        return None
    label_w, plot_w, row_h, top = 34, 470, 30, 8
    height = top + row_h * len(rows) + 30
    y0 = top + row_h * len(rows)

    def x_of(v: float) -> float:
        return round(label_w + plot_w * v / MAX_SCORE, 1)

    bars, names = [], []
    for n, r in enumerate(rows):
        y = top + n * row_h
        title = INDICATOR_BY_NUMBER[r["indicator"]].title(lang)
        names.append({"y": y + row_h / 2 + 4, "label": str(r["indicator"]), "title": title})
        for s, stage in enumerate(STAGES):
            mean = r["means"][stage]
            if mean is None:
                continue
            bars.append({"x": label_w, "y": y + 3 + s * 12, "h": 11, "w": round(x_of(mean) - label_w, 1),
                         "stage": stage, "text_x": x_of(mean) + 4, "text_y": y + 12 + s * 12,
                         "text": number(mean, lang, 2),
                         "title": _t("indicator_bar", lang, k=r["indicator"], stage=_t(f"stage.{stage}", lang),
                                     mean=number(mean, lang, 2), title=title)})
    ticks = [{"x": x_of(v), "label": number(v, lang, 1)} for v in (0, 0.5, 1, 1.5, 2)]
    return {"width": label_w + plot_w + 50, "height": height, "x0": label_w, "y0": y0, "top": top, "bars": bars,
            "names": names, "ticks": ticks, "tick_y": y0 + 16,
            "legend": [{"stage": s, "text": _t(f"stage_title.{s}", lang)} for s in STAGES]}


def _level_row(title: str, numbers: dict, lang: str, total: bool = False) -> dict:
    return {"title": title, "total": total, "pairs": number(numbers["pairs"], lang),
            "before": _num(numbers["means"]["before"], lang), "after": _num(numbers["means"]["after"], lang),
            "change": _num(numbers["change"], lang, signed=True), "band": numbers["band"],
            "band_text": _band_text(numbers["band"], lang),
            "counts": [{"band": b, "count": number(numbers["counts"][b], lang)} for b in BAND_CODES]}


def build_view(year: MonitoredYear, analysis: Analysis, lang: str = "en", anonymize: bool = False) -> dict:
    config = year.run["config"]
    outcomes = pair_outcomes(year)
    forms = list(config.get("forms") or {})
    forms += sorted({o["pair"]["form"] for o in outcomes} - set(forms))
    programme = level_numbers(outcomes)
    levels = [_level_row(_t("programme", lang), programme, lang, total=True)]
    for form in forms:
        in_form = [o for o in outcomes if o["pair"]["form"] == form]
        if in_form:
            levels.append(_level_row(form_title(config, form, lang), level_numbers(in_form), lang))
    indicators = indicator_numbers(outcomes)
    by_indicator = {r["indicator"]: r for r in indicators}
    criteria = [{"title": c.title(lang),
                 "rows": [{"k": i.number, "title": i.title(lang),
                           "before": _num(by_indicator[i.number]["means"]["before"], lang, 2),
                           "after": _num(by_indicator[i.number]["means"]["after"], lang, 2),
                           "change": _num(by_indicator[i.number]["change"], lang, 2, signed=True)}
                          for i in INDICATORS if i.criterion == c.code]}
                for c in CRITERIA]
    pairs, attention = [], []
    form_rank = {f: n for n, f in enumerate(forms)}
    for o in sorted(outcomes, key=lambda o: (form_rank[o["pair"]["form"]], o["pair"]["mentor_id"],
                                             o["pair"]["mentee_id"])):
        p = o["pair"]
        shown = o["after"] or o["before"]
        sat = o["satisfaction"]
        row = {"mentor": person_name(p["mentor_name"], anonymize), "mentor_id": p["mentor_id"],
               "mentee": person_name(p["mentee_name"], anonymize), "mentee_id": p["mentee_id"],
               "form": form_title(config, p["form"], lang),
               "scores": [shown["scores"].get(k, "—") for k in NUMBERS],
               "before": _num(o["totals"]["before"], lang, 0), "after": _num(o["totals"]["after"], lang, 0),
               "change": _num(o["change"], lang, 0, signed=True), "band": o["band"],
               "band_text": _band_text(o["band"], lang),
               "satisfaction": " / ".join(number(sat[w][0], lang) if w in sat else "—" for w in ("mentee", "mentor")),
               "attention": attention_texts(o, lang)}
        pairs.append(row)
        if row["attention"]:
            attention.append(row)
    weights = suggested_weights(config.get("weights") or {}, analysis)
    findings = {f.component: f for f in analysis.findings}
    analysis_view = {
        "basis": _t("analysis_basis", lang, outcome=outcome_text(analysis, lang), n=analysis.n),
        "too_few": render("monitor.too_few", {"n": analysis.n, "min": analysis.min_pairs}, lang)
        if analysis.too_few and analysis.outcome != "none" else "",
        "rows": [{"component": component_title(f.component, lang), "name": f.component,
                  "rho": _num(f.rho, lang, 2), "rho_ci": _ci(f.rho_ci, lang), "partial": _num(f.partial, lang, 2),
                  "partial_ci": _ci(f.partial_ci, lang), "p": p_text(f.p_holm, lang), "verdict": f.verdict,
                  "verdict_text": verdict_text(f, lang)} for f in analysis.findings],
        "weights": [{"component": component_title(name, lang), "name": name, "current": number(old, lang),
                     "suggested": number(new, lang), "changed": new != old,
                     "why": verdict_text(findings.get(name), lang)} for name, (old, new, _) in weights.items()],
        "rule": rule_text(analysis.alpha, lang),
    }
    run = year.run
    meta = [_t("run", lang, date=run["recorded_at"][:10], pairs=len(year.pairs))]
    for stage in STAGES:
        entry = year.stages.get(stage)
        meta.append(_t("import", lang, stage=_t(f"stage.{stage}", lang), file=entry["file_name"],
                       date=entry["imported_at"][:10]) if entry else
                    _t("import_missing", lang, stage=_t(f"stage.{stage}", lang)))
    monitored_after = sum(1 for o in outcomes if o["totals"]["after"] is not None)
    mean_latest = programme["means"]["after"] if programme["means"]["after"] is not None else programme["means"]["before"]
    cards = [(_t("card_pairs", lang), _t("card_pairs_value", lang, monitored=monitored_after, pairs=len(year.pairs))),
             (_t("card_programme", lang), _t("card_programme_value", lang, mean=_num(mean_latest, lang),
                                             max=MAX_TOTAL)),
             (_t("card_change", lang), _num(programme["change"], lang, signed=True)),
             (_t("card_attention", lang), number(len(attention), lang))]
    notes = []
    if len(outcomes) < len(year.pairs):
        notes.append(_t("not_monitored", lang, count=len(year.pairs) - len(outcomes)))
    if year.unknown_rows():
        notes.append(_t("unknown_rows", lang, count=year.unknown_rows()))
    T = {key: _t(key, lang) for key in (
        "title", "levels", "col_level", "col_pairs", "col_mean_before", "col_mean_after", "col_change", "col_band",
        "col_bands", "bands_chart", "indicators", "indicators_note", "col_indicator", "col_before", "col_after",
        "attention", "attention_none", "pairs", "col_mentor", "col_mentee", "col_form", "col_total_before",
        "col_total_after", "col_satisfaction", "pairs_note", "analysis", "col_component", "col_rho", "col_partial",
        "col_p", "col_verdict", "correlation_note", "weights", "col_weight", "col_suggested", "weights_note",
        "files")}
    T["subtitle"] = _t("subtitle", lang, programme=year.programme, year=year.year)
    T["levels_note"] = _t("levels_note", lang, optimal="15–18", acceptable="9–14", unacceptable="0–8")
    T["band_names"] = [_band_text(b, lang) for b in BAND_CODES]
    return {"lang": lang, "T": T, "csp": CSP, "meta": meta, "cards": cards, "levels": levels,
            "bands_chart": bands_chart(outcomes, lang), "criteria": criteria,
            "indicator_chart": indicator_chart(indicators, lang), "attention": attention, "pairs": pairs,
            "indicator_numbers": list(NUMBERS), "notes": notes, "analysis": analysis_view}


def render_monitoring(year: MonitoredYear, analysis: Analysis, lang: str = "en", anonymize: bool = False) -> str:
    return templates().get_template(TEMPLATE).render(**build_view(year, analysis, lang, anonymize))


# --- CSV ----------------------------------------------------------------------------------------

def _head(columns, headers: str) -> list[str]:
    if headers != "ru":
        return list(columns)
    out = []
    for c in columns:
        stage, _, k = c.partition("_i")
        out.append(render(f"monitor_header.{stage}_i", {"k": k}, "ru") if k.isdigit() and stage in STAGES
                   else render(f"monitor_header.{c}", None, "ru"))
    return out


def _csv_num(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def monitoring_csv_files(year: MonitoredYear, analysis: Analysis, lang: str = "en", headers: str = "en",
                         anonymize: bool = False) -> dict[str, bytes]:
    """monitoring_pairs.csv, monitoring_indicators.csv and monitoring_components.csv."""
    config = year.run["config"]
    outcomes = pair_outcomes(year)
    pair_rows = []
    for o in outcomes:
        p, sat = o["pair"], o["satisfaction"]
        pair_rows.append([
            p["mentor_id"], person_name(p["mentor_name"], anonymize), p["mentee_id"],
            person_name(p["mentee_name"], anonymize), p["form"],
            *(x for s in STAGES for x in (o["totals"][s], _band_text(band(o["totals"][s]), lang)
                                          if o["totals"][s] is not None else None)),
            o["change"], *((o[s] or {"scores": {}})["scores"].get(k) for s in STAGES for k in NUMBERS),
            *(_csv_num(sat[w][0], 0 if float(sat[w][0]).is_integer() else 1) if w in sat else None
              for w in ("mentee", "mentor")),
            "; ".join(attention_texts(o, lang))])
    indicator_rows = [[r["indicator"], CRITERION_BY_CODE[INDICATOR_BY_NUMBER[r["indicator"]].criterion].title(lang),
                       INDICATOR_BY_NUMBER[r["indicator"]].title(lang), r["pairs"]["before"],
                       _csv_num(r["means"]["before"]), r["pairs"]["after"], _csv_num(r["means"]["after"]),
                       _csv_num(r["change"])] for r in indicator_numbers(outcomes)]
    weights = suggested_weights(config.get("weights") or {}, analysis)
    component_rows = []
    for f in analysis.findings:
        old, new, _ = weights.get(f.component, (None, None, None))
        component_rows.append([f.component, f.n, _csv_num(f.rho, 4), *(_csv_num(v, 4) for v in (f.rho_ci or (None,) * 2)),
                               _csv_num(f.partial, 4), *(_csv_num(v, 4) for v in (f.partial_ci or (None,) * 2)),
                               _csv_num(f.p, 6), _csv_num(f.p_holm, 6), verdict_text(f, lang), old, new])
    return {"monitoring_pairs.csv": csv_bytes(_head(PAIR_COLUMNS, headers), pair_rows, encoding="utf-8-sig"),
            "monitoring_indicators.csv": csv_bytes(_head(INDICATOR_COLUMNS, headers), indicator_rows,
                                                   encoding="utf-8-sig"),
            "monitoring_components.csv": csv_bytes(_head(COMPONENT_COLUMNS, headers), component_rows,
                                                   encoding="utf-8-sig")}


# --- the whole report ---------------------------------------------------------------------------

def monitoring_files(year: MonitoredYear, analysis: Analysis, lang: str = "en", headers: str = "en",
                     anonymize: bool = False) -> dict[str, bytes]:
    return {"monitoring.html": render_monitoring(year, analysis, lang, anonymize).encode("utf-8"),
            **monitoring_csv_files(year, analysis, lang, headers, anonymize),
            "suggested_config.toml": suggested_config_text(year, analysis, lang).encode("utf-8")}


@dataclass
class WrittenReport:
    out_dir: Path  # as the caller named it
    year: MonitoredYear
    analysis: Analysis


def write_monitoring_report(history_path, out_dir, *, programme: str | None = None, year: str | None = None,
                            lang: str = "en", headers: str = "en", anonymize: bool = False) -> WrittenReport:
    """Write the monitoring report's files into `out_dir` as one output set. HistoryError when
    the history has no such monitored year; OutputError when `out_dir` cannot be written
    (checked before anything is read)."""
    with OutputSet(out_dir) as outputs:
        monitored = load_year(history_path, programme, year)
        analysis = analyse(monitored.pairs, monitored.stages)
        for name, data in monitoring_files(monitored, analysis, lang, headers, anonymize).items():
            outputs.add(name, data)
        outputs.commit()
        return WrittenReport(Path(out_dir), monitored, analysis)


def summary_lines(written: WrittenReport, lang: str) -> list[str]:
    """What the terminal says after the report: the programme's level, the pairs that need
    attention, the components found and the weights suggested."""
    outcomes = pair_outcomes(written.year)
    numbers = level_numbers(outcomes)
    stage = "after" if numbers["means"]["after"] is not None else "before"
    lines = [_t("cli_summary", lang, programme=written.year.programme, year=written.year.year,
                pairs=sum(1 for o in outcomes if o["totals"][stage] is not None),
                stage=_t(f"stage.{stage}", lang), mean=_num(numbers["means"][stage], lang), max=MAX_TOTAL,
                band=_band_text(numbers["band"], lang), change=_num(numbers["change"], lang, signed=True)),
             _t("cli_attention", lang, count=sum(1 for o in outcomes if o["attention"]))]
    analysis = written.analysis
    if analysis.too_few and analysis.outcome != "none":
        lines.append(render("monitor.too_few", {"n": analysis.n, "min": analysis.min_pairs}, lang))
    found = [f for f in analysis.findings if f.verdict in ("positive", "negative")]
    lines.append(_t("cli_found", lang, found="; ".join(
        f"{component_title(f.component, lang)}: {verdict_text(f, lang, with_stats=True)}" for f in found))
        if found else _t("cli_found_none", lang))
    weights = suggested_weights(written.year.run["config"].get("weights") or {}, analysis)
    changed = [f"{component_title(name, lang)} {number(old, lang)} → {number(new, lang)}"
               for name, (old, new, _) in weights.items() if new != old]
    lines.append(_t("cli_weights", lang, weights="; ".join(changed)) if changed else _t("cli_weights_none", lang))
    lines.append(_t("cli_written", lang, dir=str(written.out_dir)))
    return lines
