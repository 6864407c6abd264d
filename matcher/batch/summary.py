"""The batch's summaries: summary.csv (a row per programme) and summary.html (the district's
overview: match rates per programme as an inline SVG chart, the programmes that need
attention, every programme's row). Worded from the catalogue in Russian or English; the page
is self-contained (no script, no request) and every name in it is escaped."""
from __future__ import annotations

from urllib.parse import quote

from ..i18n import number, register, render
from ..io.writers import csv_bytes
from ..report import _environment as templates  # report.html's templates and settings: one environment
from ..report import fmt_pct, fmt_share
from .worker import DONE, UNPROVEN, RunOptions

LOW_MATCH_RATE = 0.75  # below this share of mentees paired, a programme needs attention
CHART_BARS = 300  # the chart shows at most this many programmes (the lowest rates); the table has all
SHOWN_PROBLEMS = 20  # a programme's problems listed in the page; summary.csv and batch.json keep more

# Why mentees stayed unpaired (results.CandidateContext.reason), in the summary's column order.
REASONS = ("no_form", "category_not_in_form", "category_unknown_not_in_form", "no_mentor_in_form", "no_candidate",
           "no_candidate_in_form", "no_places", "candidates_taken", "candidates_tied", "not_chosen", "group_min_unreachable",
           "mutual", "group_rules")
COLUMNS = ("programme", "folder", "status", "participants", "mentors", "mentees", "matched", "unmatched",
           "match_rate", *(f"unmatched_{r}" for r in REASONS), "pairs", "groups", "errors", "warnings", "seconds",
           "run", "problems")

register({
    "batch.run.ran": ("выполнено", "ran"),
    "batch.run.reused": ("без изменений", "unchanged"),
    "batch.reason.no_form": ("нет формы программы", "no form of the programme"),
    "batch.reason.category_not_in_form": ("категория не подходит к форме", "category not in the form"),
    "batch.reason.category_unknown_not_in_form": ("категория не указана", "category not given"),
    "batch.reason.no_mentor_in_form": ("нет наставников формы", "no mentor in the form"),
    "batch.reason.no_candidate": ("нет подходящего наставника", "no suitable mentor"),
    "batch.reason.no_candidate_in_form": ("нет подходящего наставника формы", "no suitable mentor in the form"),
    "batch.reason.no_places": ("у подходящих наставников нет мест", "suitable mentors have no places"),
    "batch.reason.candidates_taken": ("подходящие наставники заняты", "suitable mentors taken"),
    "batch.reason.candidates_tied": ("заняты, есть равноценный вариант", "taken, an equal option exists"),
    "batch.reason.not_chosen": ("пара не выбрана", "pair not chosen"),
    "batch.reason.group_min_unreachable": ("группа не набирается", "group minimum not reached"),
    "batch.reason.mutual": ("взаимное наставничество", "mutual mentoring"),
    "batch.reason.group_rules": ("правила групп", "group rules"),
    "batch.column.programme": ("программа", "programme"),
    "batch.column.folder": ("папка", "folder"),
    "batch.column.status": ("статус", "status"),
    "batch.column.participants": ("участников", "participants"),
    "batch.column.mentors": ("наставников", "mentors"),
    "batch.column.mentees": ("наставляемых", "mentees"),
    "batch.column.matched": ("наставляемых с парой", "mentees paired"),
    "batch.column.unmatched": ("без пары", "unpaired"),
    "batch.column.match_rate": ("доля с парой", "match rate"),
    "batch.column.unmatched_reason": ("без пары: {reason}", "unpaired: {reason}"),
    "batch.column.pairs": ("пар", "pairs"),
    "batch.column.groups": ("групп", "groups"),
    "batch.column.errors": ("ошибок", "errors"),
    "batch.column.warnings": ("предупреждений", "warnings"),
    "batch.column.seconds": ("время, с", "time, s"),
    "batch.column.run": ("запуск", "run"),
    "batch.column.problems": ("проблемы", "problems"),
    "batch.more_problems": ("… и ещё {count} {count:plural:проблема|проблемы|проблем}",
                            "… and {count} more {count:plural:problem|problems}"),
    "batch.page.title": ("Наставничество: сводка по программам", "Mentoring: summary of the programmes"),
    "batch.page.subtitle": ("Пакетный подбор пар", "Batch matching"),
    "batch.page.programmes": ("Программ", "Programmes"),
    "batch.page.done": ("Готово", "Done"),
    "batch.page.attention_count": ("Требуют внимания", "Need attention"),
    "batch.page.failed": ("Не выполнено", "Not done"),
    "batch.page.paired": ("Наставляемых с парой", "Mentees paired"),
    "batch.page.paired_value": ("{matched} из {mentees}", "{matched} of {mentees}"),
    "batch.page.attention": ("Требуют внимания", "Need attention"),
    "batch.page.attention_none": ("Все программы выполнены, доля наставляемых с парой не ниже {rate}.",
                                  "Every programme is done, each pairing at least {rate} of its mentees."),
    "batch.page.low_rate": ("с парой {rate} наставляемых — ниже порога {threshold}",
                            "{rate} of mentees paired, below the threshold of {threshold}"),
    "batch.page.no_mentees": ("нет ни одного наставляемого", "no mentees"),
    "batch.page.chart": ("Доля наставляемых с парой по программам", "Share of mentees paired, by programme"),
    "batch.page.chart_some": ("Показаны {shown} {shown:plural:программа|программы|программ} с самой низкой "
                              "долей из {total}; все — в таблице ниже.",
                              "The {shown} programmes with the lowest rates of {total} are shown; all are in "
                              "the table below."),
    "batch.page.chart_threshold": ("порог {rate}", "threshold {rate}"),
    "batch.page.chart_bar": ("{name}: с парой {matched} из {mentees} ({rate})",
                             "{name}: {matched} of {mentees} paired ({rate})"),
    "batch.page.chart_empty": ("Нет выполненных программ с наставляемыми.", "No done programme with mentees."),
    "batch.page.all": ("Все программы", "All programmes"),
    "batch.page.open_report": ("отчёт", "report"),
    "batch.page.batch_problems": ("Строки без программы", "Rows without a programme"),
    "batch.page.files": ("Подробно: summary.csv; результаты каждой программы — в её папке.",
                         "Details: summary.csv; each programme's results are in its folder."),
})


def _t(code: str, lang: str, **params) -> str:
    return render(code, params or None, lang)


def match_rate(entry: dict) -> float | None:
    numbers = entry["numbers"]
    if entry["status"] not in DONE or not numbers.get("mentees"):
        return None
    return numbers["matched"] / numbers["mentees"]


def problem_lines(entry: dict, lang: str, limit: int | None = None) -> list[str]:
    """A programme's problems and notes as lines, the count of those left out last."""
    lines = entry["notes"] + entry["problems"]
    more = entry["more_problems"]
    if limit is not None and len(lines) > limit:
        more += len(lines) - limit
        lines = lines[:limit]
    if more:
        lines = lines + [_t("batch.more_problems", lang, count=more)]
    return lines


# --- summary.csv --------------------------------------------------------------------------------

def summary_csv(result, lang: str = "en", headers: str = "en") -> bytes:
    """A row per programme: its numbers, unpaired mentees by reason, status and problems."""

    def head(column: str) -> str:
        if column.startswith("unmatched_") and column != "unmatched":
            return render("batch.column.unmatched_reason",
                          {"reason": render(f"batch.reason.{column[len('unmatched_'):]}", None, headers)}, headers)
        return render(f"batch.column.{column}", None, headers)

    rows = []
    for entry in result.records:
        numbers, rate = entry["numbers"], match_rate(entry)
        by_reason = numbers.get("unmatched_by_reason") or {}
        done = entry["status"] in DONE
        rows.append([
            entry["name"], entry["folder"], _t(f"batch.status.{entry['status']}", lang),
            numbers.get("participants", ""), numbers.get("mentors", ""), numbers.get("mentees", ""),
            numbers.get("matched", ""), numbers.get("unmatched", ""), "" if rate is None else f"{rate:.3f}",
            *((by_reason.get(f"unmatched.{r}", 0) if done else "") for r in REASONS),
            numbers.get("pairs", ""), numbers.get("groups", ""), numbers.get("errors", 0), numbers.get("warnings", 0),
            f"{entry['seconds']:.2f}", _t("batch.run.ran" if entry["ran"] else "batch.run.reused", lang),
            "\n".join(problem_lines(entry, lang))])
    return csv_bytes([head(c) for c in COLUMNS], rows, encoding="utf-8-sig")


# --- summary.html -------------------------------------------------------------------------------

def attention(entry: dict, lang: str, low_rate: float) -> list[str]:
    """Why a programme needs the district's attention: not done, unproven, few paired, no mentees."""
    status = entry["status"]
    if status not in DONE:
        return [_t(f"batch.status.{status}", lang)]
    reasons = [_t(f"batch.status.{UNPROVEN}", lang)] if status == UNPROVEN else []
    rate = match_rate(entry)
    if not entry["numbers"].get("mentees"):
        reasons.append(_t("batch.page.no_mentees", lang))
    elif rate < low_rate:
        reasons.append(_t("batch.page.low_rate", lang, rate=fmt_share(entry["numbers"]["matched"],
                                                                          entry["numbers"]["mentees"], lang),
                          threshold=fmt_pct(100 * low_rate, 0, lang)))
    return reasons


def rate_chart(records: list[dict], lang: str, low_rate: float) -> dict | None:
    """Horizontal bars, one per done programme with mentees, lowest rate first; a dashed line
    at the attention threshold. Geometry here, drawing in the template."""
    rated = sorted(((match_rate(e), e) for e in records if match_rate(e) is not None),
                   key=lambda re_: (re_[0], re_[1]["name"]))
    if not rated:
        return None
    shown = rated[:CHART_BARS]
    label_w, plot_w, row_h, top, bottom = 230, 470, 18, 8, 34
    width, height = label_w + plot_w + 70, top + row_h * len(shown) + bottom
    y0 = top + row_h * len(shown)

    def x_of(rate: float) -> float:
        return round(label_w + plot_w * rate, 1)

    bars = []
    for k, (rate, entry) in enumerate(shown):
        numbers = entry["numbers"]
        name = entry["name"]
        pct = fmt_share(numbers["matched"], numbers["mentees"], lang)
        y = top + k * row_h
        bars.append({"y": y + 3, "h": row_h - 6, "text_y": y + row_h - 5, "w": round(plot_w * rate, 1),
                     "x_end": x_of(rate) + 4, "name": name if len(name) <= 34 else name[:33] + "…", "pct": pct,
                     "low": rate < low_rate,
                     "title": _t("batch.page.chart_bar", lang, name=name, matched=numbers["matched"],
                                 mentees=numbers["mentees"], rate=pct)})
    ticks = [{"x": x_of(t / 100), "label": fmt_pct(t, 0, lang)} for t in range(0, 101, 25)]
    note = _t("batch.page.chart_some", lang, shown=len(shown), total=len(rated)) if len(shown) < len(rated) else ""
    return {"width": width, "height": height, "x0": label_w, "x1": label_w + plot_w, "y0": y0, "top": top,
            "bars": bars, "ticks": ticks, "tick_y": y0 + 16, "threshold_x": x_of(low_rate),
            "threshold": _t("batch.page.chart_threshold", lang, rate=fmt_pct(100 * low_rate, 0, lang)),
            "note": note}


def build_view(result, lang: str, low_rate: float) -> dict:
    records = result.records
    done = [e for e in records if e["status"] in DONE]
    mentees = sum(e["numbers"].get("mentees", 0) for e in done)
    matched = sum(e["numbers"].get("matched", 0) for e in done)
    needs = []
    rows = []
    for entry in records:
        reasons = attention(entry, lang, low_rate)
        link = quote(f"{entry['folder']}/report.html") if entry["status"] in DONE else None
        numbers = entry["numbers"]
        item = {"name": entry["name"], "folder": entry["folder"], "link": link, "status": entry["status"],
                "status_text": _t(f"batch.status.{entry['status']}", lang), "reasons": reasons,
                "lines": problem_lines(entry, lang, SHOWN_PROBLEMS),
                "mentees": number(numbers["mentees"], lang) if "mentees" in numbers else "—",
                "matched": number(numbers["matched"], lang) if "matched" in numbers else "—",
                "rate": fmt_share(numbers["matched"], numbers["mentees"], lang) if "matched" in numbers else "—",
                "seconds": number(entry["seconds"], lang, 1),
                "run": _t("batch.run.ran" if entry["ran"] else "batch.run.reused", lang)}
        rows.append(item)
        if reasons:
            needs.append(item)
    T = {key: _t(f"batch.page.{key}", lang) for key in (
        "title", "subtitle", "programmes", "done", "attention_count", "failed", "paired", "attention", "chart",
        "chart_empty", "all", "open_report", "batch_problems", "files")}
    T.update({f"col_{c}": _t(f"batch.column.{c}", lang) for c in (
        "programme", "status", "mentees", "matched", "match_rate", "seconds", "run", "problems")})
    cards = [(T["programmes"], number(len(records), lang)), (T["done"], number(len(done), lang)),
             (T["failed"], number(len(records) - len(done), lang)), (T["attention_count"], number(len(needs), lang)),
             (T["paired"], _t("batch.page.paired_value", lang, matched=matched, mentees=mentees) +
              (f" ({fmt_share(matched, mentees, lang)})" if mentees else ""))]
    return {"lang": lang, "T": T, "cards": cards, "needs": needs, "rows": rows,
            "none_needed": _t("batch.page.attention_none", lang, rate=fmt_pct(100 * low_rate, 0, lang)),
            "chart": rate_chart(records, lang, low_rate), "batch_problems": result.problems,
            "csp": "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; "
                   "connect-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'"}


def summary_html(result, lang: str = "en", low_rate: float = LOW_MATCH_RATE) -> str:
    return templates().get_template("summary.html.j2").render(**build_view(result, lang, low_rate))


def summary_files(result, options: RunOptions, low_rate: float = LOW_MATCH_RATE) -> dict[str, bytes]:
    return {"summary.csv": summary_csv(result, options.lang, options.headers),
            "summary.html": summary_html(result, options.lang, low_rate).encode("utf-8")}
