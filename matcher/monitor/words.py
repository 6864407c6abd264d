"""The one wording of the monitoring's findings, for the report, its CSV files and the
suggested configuration's comments (reasons are data until here)."""
from __future__ import annotations

from ..i18n import MESSAGES, number, register, render
from ..results import form_title as _form_title
from .analysis import LOWER, RAISE, Analysis, Finding

register({
    "monitor.verdict.positive": ("значимо положительная связь", "significantly positive"),
    "monitor.verdict.negative": ("значимо отрицательная связь", "significantly negative"),
    "monitor.verdict.none": ("значимой связи нет", "no significant association"),
    "monitor.verdict.too_few": ("слишком мало пар, чтобы судить", "too few pairs to tell"),
    "monitor.verdict.constant": ("одинакова у всех пар", "the same in every pair"),
    "monitor.verdict.collinear": ("меняется только вместе с другими составляющими",
                                  "varies only with the other components"),
    "monitor.verdict.not_scored": ("не учитывалась в этом подборе", "not scored in this run"),
    "monitor.verdict.stats": ("частная ρ = {rho}, p {p}", "partial ρ = {rho}, p {p}"),
    "monitor.outcome.change": ("изменение суммы баллов от входного к итоговому мониторингу",
                               "the change of the total from the monitoring before to the one after"),
    "monitor.outcome.after": ("сумма баллов итогового мониторинга (входной не загружен)",
                              "the total of the monitoring after the programme (the one before was not imported)"),
    "monitor.outcome.none": ("итоговый мониторинг не загружен: анализ невозможен",
                             "the monitoring after the programme was not imported: nothing to analyse"),
    "monitor.too_few": ("Пар с результатом: {n}, это меньше {min}: выводы о составляющих были бы случайными, ни одна "
                        "не названа значимой.",
                        "{n} {n:plural:pair has|pairs have} an outcome, fewer than {min}: findings about the "
                        "components would be chance, none is called significant."),
    "monitor.suggest.header": ("Предлагаемые настройки на следующий учебный год после {year}: программа «{programme}», "
                               "по её мониторингу (matcher monitor report).",
                               "Suggested configuration for the school year after {year}: programme '{programme}', "
                               "from its monitoring (matcher monitor report)."),
    "monitor.suggest.only": ("Только предложение: ничего не применено. Проверьте файл и передайте его matcher match "
                             "через --config.",
                             "A suggestion only: nothing was applied. Review it, then give it to matcher match with "
                             "--config."),
    "monitor.suggest.rule": ("Правило весов: составляющая со значимой положительной частной ранговой связью с "
                             "результатом (p с поправкой Холма < {alpha}) — вес ×{raise_by}, со значимой "
                             "отрицательной — ×{lower_by}, остальные без изменений.",
                             "The weights' rule: a component with a significantly positive partial rank "
                             "correlation with the outcome (Holm-adjusted p < {alpha}) gets its weight ×{raise_by}, "
                             "a significantly negative one ×{lower_by}, the others stay."),
    "monitor.suggest.basis": ("Результат пары — {outcome}; пар: {n}.", "A pair's outcome: {outcome}; pairs: {n}."),
    "monitor.suggest.changed": ("было {old}: {verdict}", "was {old}: {verdict}"),
    "monitor.suggest.kept": ("без изменений: {verdict}", "unchanged: {verdict}"),
    "monitor.suggest.reference_date": ("дата подбора {year} учебного года: укажите дату следующего",
                                       "the date of the {year} matching: set next year's"),
})


def component_title(name: str, lang: str) -> str:
    """A score component's title as the matching's report gives it; its name if unknown."""
    code = f"component.{name}"
    return render(code, None, lang) if code in MESSAGES else name


def form_title(config: dict, form: str, lang: str) -> str:
    """A form's title from the run's configuration, as the matching's report gives it."""
    return _form_title({"program": {"forms": config.get("forms") or {}}}, form, lang)


def p_text(p: float | None, lang: str) -> str:
    if p is None:
        return "—"
    return ("< " + number(0.001, lang, 3)) if p < 0.001 else number(p, lang, 3)


def verdict_text(finding: Finding | None, lang: str, *, with_stats: bool = False) -> str:
    """What the analysis says of one component; `with_stats` adds its partial ρ and p."""
    verdict = finding.verdict if finding is not None else "not_scored"
    text = render(f"monitor.verdict.{verdict}", None, lang)
    if with_stats and finding is not None and finding.partial is not None and verdict != "too_few":
        p = p_text(finding.p_holm, lang)
        text += " (" + render("monitor.verdict.stats", {"rho": number(finding.partial, lang, 2),
                                                        "p": p if p.startswith("<") else "= " + p}, lang) + ")"
    return text


def outcome_text(analysis: Analysis, lang: str) -> str:
    return render(f"monitor.outcome.{analysis.outcome}", None, lang)


def rule_text(alpha: float, lang: str) -> str:
    return render("monitor.suggest.rule", {"alpha": number(alpha, lang, 2), "raise_by": number(RAISE, lang),
                                           "lower_by": number(LOWER, lang)}, lang)
