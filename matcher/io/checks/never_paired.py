"""A row its own forms can never pair, from the form rules alone: its category is allowed
in none of the forms it named (for its role), or a form needs the mentee's age and none is
given. A warning, and only for rows without errors (an error already keeps them out).
`FormRules` holds what each form asks of a row; a new per-form condition goes there."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ...arrays import CATEGORIES, VARIANT_BIT
from ...config import ProgramConfig
from ...constraints import MENTEE_RULES
from ...i18n import register, render
from ...problems import WARNING
from .base import Found

CODES = ("io.category_never_paired_mentee", "io.category_never_paired_mentor", "io.category_never_paired_both",
         "io.age_unknown_for_form", "io.age_unknown_for_forms", "io.mentee_never_paired")

register({
    "io.category_never_paired_mentee": ("наставляемый категории «{category_ru}» не допускается ни в одной из "
                                        "указанных им форм ({forms_ru}) и не попадёт в пару",
                                        "a mentee of category '{category}' is not allowed in any of the forms "
                                        "named ({forms}) and will not be paired"),
    "io.category_never_paired_mentor": ("наставник категории «{category_ru}» не допускается ни в одной из "
                                        "указанных им форм ({forms_ru}) и не получит наставляемых",
                                        "a mentor of category '{category}' is not allowed in any of the forms "
                                        "named ({forms}) and will get no mentees"),
    "io.category_never_paired_both": ("участник категории «{category_ru}» не допускается ни в одной из указанных "
                                      "им форм ({forms_ru}) ни как наставник, ни как наставляемый",
                                      "a participant of category '{category}' is not allowed in any of the forms "
                                      "named ({forms}), as mentor or as mentee"),
    "io.age_unknown_for_form": ("не указаны ни возраст, ни дата рождения, а в форме {forms_ru} возраст нужен "
                                "(минимальная разница в возрасте с наставником): в ней наставляемый не попадёт в пару",
                                "neither age nor birth date is given, and form {forms} needs one (a minimum age "
                                "gap with the mentor): the mentee will not be paired in it"),
    "io.age_unknown_for_forms": ("не указаны ни возраст, ни дата рождения, а в формах {forms_ru} возраст нужен "
                                 "(минимальная разница в возрасте с наставником): в них наставляемый не попадёт в пару",
                                 "neither age nor birth date is given, and forms {forms} need one (a minimum age "
                                 "gap with the mentor): the mentee will not be paired in them"),
    "io.mentee_never_paired": ("наставляемый не проходит правила ни одной из указанных им форм и не попадёт в пару: "
                               "{reasons_ru}",
                               "the mentee passes the rules of none of the forms named and will not be paired: "
                               "{reasons}"),
})


def _mentee_side(data: dict, age) -> SimpleNamespace:
    """One row as the arrays the mentee-only rules read (constraints.MENTEE_RULES)."""
    category = data.get("category")
    experience = data.get("experience_years")
    return SimpleNamespace(
        age=np.array([np.nan if age is None else float(age)]),
        grade=np.array([-1 if data.get("grade") is None else int(data["grade"])], dtype=np.int16),
        category=np.array([CATEGORIES.index(category) if category in CATEGORIES else -1], dtype=np.int16),
        variants=np.array([sum(VARIANT_BIT[v] for v in set(data.get("mentee_variants") or ()) if v in VARIANT_BIT)],
                          dtype=np.uint16),
        experience=np.array([np.nan if experience is None else float(experience)]))


class FormRules:
    """What each form of the configuration asks of a row, precomputed once: the categories
    allowed per role (None = any) and why the form needs a mentee's age (None = it does not)."""

    def __init__(self, config: ProgramConfig):
        self.config = config
        self.categories = {fid: {"mentor": frozenset(r.mentor_categories) or None,
                                 "mentee": frozenset(r.mentee_categories) or None}
                           for fid, r in config.forms.items()}
        self.needs_age = {fid: "min_age_gap" for fid, r in config.forms.items() if r.min_age_gap > 0}
        self._memo: dict = {}

    def _titles(self, forms) -> dict:
        return {"forms_ru": ", ".join(f"«{self.config.form_title(f, 'ru')}»" for f in forms),
                "forms": ", ".join(f"'{self.config.form_title(f, 'en')}'" for f in forms)}

    def never_paired(self, role: str, category: str | None, forms: tuple, age_known: bool) -> list:
        """Warnings (code, field of the column to point at, params) for a row that can never
        be paired in its own forms, from the form rules alone. Memoised: rows repeat."""
        key = (role, category, forms, age_known)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        out = []
        forms = tuple(f for f in forms if f in self.categories)
        sides = ("mentor", "mentee") if role == "both" else (role,)
        if category is not None and forms and not any(
                self.categories[f][side] is None or category in self.categories[f][side]
                for f in forms for side in sides):
            out.append((f"io.category_never_paired_{role}", "category",
                        {"category": render(f"io.category.{category}", None, "en"),
                         "category_ru": render(f"io.category.{category}", None, "ru"), **self._titles(forms)}))
        if not age_known and role in ("mentee", "both"):
            need = [f for f in forms if f in self.needs_age
                    and (self.categories[f]["mentee"] is None or category in self.categories[f]["mentee"])]
            if need:
                code = "io.age_unknown_for_form" if len(need) == 1 else "io.age_unknown_for_forms"
                out.append((code, "age", self._titles(need)))
        self._memo[key] = out
        return out

    def mentee_rules_block(self, data: dict, age, forms: tuple) -> dict | None:
        """When every form named (that admits the category) is closed to this mentee by a
        mentee-only rule — the very rules the matching applies — the params of the warning."""
        key = ("mentee_rules", data.get("category"), forms, age, data.get("grade"),
               tuple(sorted(data.get("mentee_variants") or ())), data.get("experience_years"))
        if key in self._memo:  # rows repeat: a school has few distinct such profiles
            return self._memo[key]
        self._memo[key] = out = self._mentee_rules_block(data, age, forms)
        return out

    def _mentee_rules_block(self, data: dict, age, forms: tuple) -> dict | None:
        forms = tuple(f for f in forms if f in self.categories and (
            self.categories[f]["mentee"] is None or data.get("category") in self.categories[f]["mentee"]))
        if not forms:
            return None
        side = None
        reasons = []
        for f in forms:
            rule = self.config.forms[f]
            side = side or _mentee_side(data, age)
            failed = [r.CODE for r in MENTEE_RULES if not r.admits(side, rule)[0]]
            if not failed:
                return None
            reasons.append((f, failed))
        def words(lang):
            quote = "«{}»" if lang == "ru" else "'{}'"
            return "; ".join(quote.format(self.config.form_title(f, lang)) + ": " + ", ".join(
                render(f"rule_title.{code}", None, lang) for code in failed) for f, failed in reasons)
        return {"reasons_ru": words("ru"), "reasons": words("en")}


def prepare(table):
    present = table.present
    rules = FormRules(table.config)
    never_paired = rules.never_paired

    def pairable_in_own_forms(row):
        data = row.data
        forms = data.get("forms")
        if row.ok and row.role is not None and forms:
            age_known = data.get("age") is not None or row.birth is not None
            found = never_paired(row.role, data.get("category"), tuple(forms), age_known)
            for code, fld, params in found:
                column = present.get(fld) or (present.get("birth_date") if fld == "age" else None)
                yield Found(code, WARNING, column, None, params)
            if row.role == "mentee" and not found:
                params = rules.mentee_rules_block(data, row.age, tuple(forms))
                if params is not None:
                    yield Found("io.mentee_never_paired", WARNING, present.get("forms"), None, params)

    return pairable_in_own_forms
