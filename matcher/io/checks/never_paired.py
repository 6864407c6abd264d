"""A row its own forms can never pair, from the form rules alone: its category is allowed
in none of the forms it named (for its role), or a form needs the mentee's age and none is
given. A warning, and only for rows without errors (an error already keeps them out).
`FormRules` holds what each form asks of a row; a new per-form condition goes there."""
from __future__ import annotations

from ...config import ProgramConfig
from ...i18n import register, render
from ...problems import WARNING
from .base import Found

CODES = ("io.category_never_paired_mentee", "io.category_never_paired_mentor", "io.category_never_paired_both",
         "io.age_unknown_for_form", "io.age_unknown_for_forms")

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
})


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


def prepare(table):
    present = table.present
    never_paired = FormRules(table.config).never_paired

    def pairable_in_own_forms(row):
        data = row.data
        forms = data.get("forms")
        if row.ok and row.role is not None and forms:
            age_known = data.get("age") is not None or row.birth is not None
            for code, fld, params in never_paired(row.role, data.get("category"), tuple(forms), age_known):
                column = present.get(fld) or (present.get("birth_date") if fld == "age" else None)
                yield Found(code, WARNING, column, None, params)

    return pairable_in_own_forms
