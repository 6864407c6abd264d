"""The summary `matcher validate` prints: who is in the input, in which forms and
categories, whose consents are missing, and how many problems were found."""
from __future__ import annotations

from collections import Counter

from ..config import ProgramConfig
from ..i18n import number, register, render
from ..models import CATEGORY_ALIASES

register({
    "io.summary.files": ("Файлы: {files}", "Files: {files}"),
    "io.summary.participants": ("Участников без ошибок: {total} (наставников: {mentors}, наставляемых: {mentees}, в обеих ролях: {both})",
                                "Participants without errors: {total} (mentors: {mentors}, mentees: {mentees}, both roles: {both})"),
    "io.summary.by_form": ("По формам наставничества (наставники / наставляемые):",
                           "By form of mentoring (mentors / mentees):"),
    "io.summary.by_category": ("По категориям (наставники / наставляемые):", "By category (mentors / mentees):"),
    "io.summary.consents": ("Нет согласия («да» не указано): на участие — {consent}, на обработку персональных данных — {data_consent}, законного представителя у несовершеннолетних — {guardian_consent}",
                            "Consent missing (no 'yes'): participation {consent}, personal-data processing {data_consent}, guardian's consent of minors {guardian_consent}"),
    "io.summary.problems": ("Проблем: ошибок — {errors}, предупреждений — {warnings}",
                            "Problems: {errors} {errors:plural:error|errors}, {warnings} {warnings:plural:warning|warnings}"),
    "io.summary.no_form": ("(без формы)", "(no form)"),
    "io.category.none": ("(не указана)", "(not given)"),
    "io.category.teacher": ("учитель", "teacher"),
    "io.category.young_teacher": ("молодой специалист", "young teacher"),
    "io.category.student": ("ученик", "student"),
    "io.category.graduate": ("выпускник", "graduate"),
    "io.category.parent": ("родитель", "parent"),
    "io.category.employer": ("работодатель", "employer"),
    "io.category.university_student": ("студент", "university student"),
})


def summary_counts(ingest, config: ProgramConfig | None) -> dict:
    """Counts behind the summary: by role, form, category; missing consents; problems."""
    if config is None:
        from ..config import load_config

        config = load_config()
    people = ingest.participants
    ref = config.reference_date()
    adult = config.rules.adult_age
    roles = Counter(p.role for p in people)
    forms: dict[str, list[int]] = {}
    categories: dict[str, list[int]] = {}
    for p in people:
        side = (1, 0) if p.role == "mentor" else (0, 1) if p.role == "mentee" else (1, 1)
        for key in p.forms or [""]:
            c = forms.setdefault(key, [0, 0])
            c[0] += side[0]
            c[1] += side[1]
        c = categories.setdefault(p.category or "", [0, 0])
        c[0] += side[0]
        c[1] += side[1]
    minors = [p for p in people if (a := p.age_at(ref)) is not None and a < adult]
    return {
        "mentors": roles["mentor"] + roles["both"],
        "mentees": roles["mentee"] + roles["both"],
        "both": roles["both"],
        "total": len(people),
        "forms": forms,
        "categories": categories,
        "consent_missing": {
            "consent": sum(1 for p in people if p.consent is not True),
            "data_consent": sum(1 for p in people if p.data_consent is not True),
            "guardian_consent": sum(1 for p in minors if p.guardian_consent is not True),
        },
        "errors": len(ingest.report.errors),
        "warnings": len(ingest.report.warnings),
    }


def render_summary(ingest, config: ProgramConfig | None, lang: str) -> str:
    """The text `matcher validate` prints before the list of problems."""
    if config is None:
        from ..config import load_config

        config = load_config()
    counts = summary_counts(ingest, config)
    lines = [render("io.summary.files", {"files": ingest.files}, lang),
             render("io.summary.participants", {k: counts[k] for k in ("total", "mentors", "mentees", "both")}, lang)]
    order = {fid: i for i, fid in enumerate(config.form_ids)}
    if counts["forms"]:
        lines.append(render("io.summary.by_form", None, lang))
        for fid in sorted(counts["forms"], key=lambda f: (f == "", order.get(f, len(order)), f)):
            title = config.form_title(fid, lang) if fid else render("io.summary.no_form", None, lang)
            m, e = counts["forms"][fid]
            lines.append(f"  {title}: {number(m, lang)} / {number(e, lang)}")
    if counts["categories"]:
        lines.append(render("io.summary.by_category", None, lang))
        cat_order = {c: i for i, c in enumerate(CATEGORY_ALIASES)}
        for cat in sorted(counts["categories"], key=lambda c: (c == "", cat_order.get(c, len(cat_order)), c)):
            m, e = counts["categories"][cat]
            lines.append(f"  {render('io.category.' + (cat or 'none'), None, lang)}: {number(m, lang)} / {number(e, lang)}")
    lines.append(render("io.summary.consents", counts["consent_missing"], lang))
    lines.append(render("io.summary.problems", {"errors": counts["errors"], "warnings": counts["warnings"]}, lang))
    return "\n".join(lines)
