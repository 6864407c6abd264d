"""Programme configuration: forms with their rules, constraint parameters, score weights.

Loaded from TOML over built-in defaults (`default_config.toml`, printed by
`matcher config --print-defaults`). Invalid configuration becomes Problems, not tracebacks.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .i18n import register
from .models import CATEGORY_ALIASES, MENTEE_VARIANT_ALIASES
from .problems import ProblemReport
from .tomlfile import read_toml

register({
    "config.unreadable": ("не удалось прочитать файл настроек: {error}", "cannot read the configuration file: {error}"),
    "config.bad_toml": ("файл настроек не является корректным TOML: {error}", "the configuration file is not valid TOML: {error}"),
    "config.invalid": ("недопустимое значение настройки {column}: {error}", "invalid setting {column}: {error}"),
    "config.unknown_category": ("неизвестная категория «{value}» в форме {form}", "unknown category '{value}' in form {form}"),
    "config.no_forms": ("в настройках нет ни одной формы наставничества", "the configuration defines no form of mentoring"),
    "config.unknown_variant": ("неизвестная категория наставляемого «{value}» в форме {form}; допустимы: {known}",
                               "unknown mentee variant '{value}' in form {form}; allowed: {known}"),
    "config.bounds_inverted": ("в форме {form} нижняя граница {low} = {low_value} больше верхней {high} = {high_value}",
                               "in form {form} the lower bound {low} = {low_value} is above the upper bound "
                               "{high} = {high_value}"),
})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgramSettings(_Strict):
    name: str = "Программа наставничества"
    reference_date: dt.date | None = None
    language: Literal["", "ru", "en"] = ""
    objective: Literal["lexicographic", "quality"] = "lexicographic"
    one_mentor_per: Literal["mentee", "form"] = "mentee"
    min_score: float = Field(0.0, ge=0.0, le=1.0)
    max_grade_spread: int | None = Field(None, ge=0, le=10)
    candidates_per_mentee: int = Field(3, ge=1, le=50)

    @field_validator("reference_date", mode="before")
    @classmethod
    def _empty_date(cls, v):
        if v in ("", None):
            return None
        if isinstance(v, str) and len(v.split(".")) == 3:  # DD.MM.YYYY, as Russian documents write it
            d, m, y = v.split(".")
            try:
                return dt.date(int(y), int(m), int(d))
            except ValueError:
                return v
        return v


class RuleSettings(_Strict):
    require_consent: bool = True
    require_data_consent: bool = True
    adult_age: int = Field(18, ge=1, le=30)
    require_guardian_consent: bool = True
    missing_consent_is_no: bool = True


class Weights(_Strict):
    interests: float = Field(1.0, ge=0)
    needs: float = Field(1.5, ge=0)
    mirror: float = Field(1.5, ge=0)
    psych: float = Field(0.5, ge=0)
    ranking: float = Field(1.0, ge=0)
    availability: float = Field(0.5, ge=0)


class ScaleTitle(_Strict):
    title_ru: str = ""
    title_en: str = ""


class PsychSettings(_Strict):
    complementary: list[str] = Field(default_factory=list)
    # scale name (the column psych_<name>, without the prefix) -> its titles in reports
    scales: dict[str, ScaleTitle] = Field(default_factory=dict)

    def title(self, scale: str, lang: str) -> str:
        """A scale's title in the reader's language; its name (spaces for '_') if it has none."""
        entry = self.scales.get(scale.removeprefix("psych_"))
        text = entry and (entry.title_ru if lang == "ru" else entry.title_en)
        return text or scale.removeprefix("psych_").replace("_", " ")


class FormRule(_Strict):
    title_ru: str = ""
    title_en: str = ""
    mentor_categories: list[str] = Field(default_factory=list)
    mentee_categories: list[str] = Field(default_factory=list)
    min_age_gap: float = Field(0, ge=0, le=80)
    min_grade_gap: int | None = Field(None, ge=0, le=10)
    max_mentee_experience: float | None = Field(None, ge=0)
    mentee_variants: list[str] = Field(default_factory=list)
    mentee_min_age: float | None = Field(None, ge=0, le=100)
    mentee_max_age: float | None = Field(None, ge=0, le=100)
    mentee_min_grade: int | None = Field(None, ge=1, le=11)
    mentee_max_grade: int | None = Field(None, ge=1, le=11)
    same_subject: bool = False
    require_trained: bool = False

    def title(self, form_id: str, lang: str) -> str:
        return (self.title_ru if lang == "ru" else self.title_en) or form_id


class RematchSettings(_Strict):
    # `matcher rematch`: priority classes added for a mentee left without a pair in an earlier
    # round ("the search for a mentor continues", 002 §9 step 5); 0 = none.
    waiting_priority: int = Field(1, ge=0, le=10)


class HistorySettings(_Strict):
    # `matcher match --history`: what the programme's earlier years change in this match.
    # carry_priority: priority classes added for a mentee left without a pair in the previous
    # school year's last run; 0 = none.
    carry_priority: int = Field(1, ge=0, le=10)
    # exclude_unacceptable: never propose again a pair whose after-stage monitoring in an
    # earlier year totalled 0-8 of 18 (the "unacceptable" band of 002 §6).
    exclude_unacceptable: bool = True


class ProgramConfig(_Strict):
    program: ProgramSettings = Field(default_factory=ProgramSettings)
    rules: RuleSettings = Field(default_factory=RuleSettings)
    weights: Weights = Field(default_factory=Weights)
    psych: PsychSettings = Field(default_factory=PsychSettings)
    forms: dict[str, FormRule] = Field(default_factory=dict)
    rematch: RematchSettings = Field(default_factory=RematchSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)

    @property
    def form_ids(self) -> list[str]:
        return list(self.forms)

    def reference_date(self) -> dt.date:
        return self.program.reference_date or dt.date.today()

    def form_title(self, form_id: str, lang: str) -> str:
        rule = self.forms.get(form_id)
        return rule.title(form_id, lang) if rule else form_id


def default_config_text() -> str:
    return resources.files("matcher").joinpath("default_config.toml").read_text(encoding="utf-8")


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if key == "forms":
            # Forms named in the user's file replace the default rule of that form entirely
            # except for fields left out; new forms are added.
            forms = dict(base.get("forms", {}))
            for fid, rule in (value or {}).items():
                forms[fid] = {**forms.get(fid, {}), **(rule or {})} if isinstance(rule, dict) else rule
            out["forms"] = forms
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def load_config(path: str | Path | None = None, report: ProblemReport | None = None,
                overrides: dict | None = None) -> ProgramConfig | None:
    """Defaults merged with a TOML file and overrides. Returns None (with problems) if invalid."""
    report = report if report is not None else ProblemReport()
    data = tomllib.loads(default_config_text())
    fname = str(path) if path else None
    if path is not None:
        user = read_toml(path, report, "config.unreadable", "config.bad_toml")
        if user is None:
            return None
        data = _merge(data, user)
    if overrides:
        data = _merge(data, overrides)
    try:
        config = ProgramConfig.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            report.add("config.invalid", file=fname, column=loc,
                       value=None if isinstance(err.get("input"), dict) else str(err.get("input")),
                       params={"error": err["msg"]})
        return None
    ok = True
    if not config.forms:
        report.add("config.no_forms", file=fname)
        ok = False
    for fid, rule in config.forms.items():
        for cat in [*rule.mentor_categories, *rule.mentee_categories]:
            if cat not in CATEGORY_ALIASES:
                report.add("config.unknown_category", file=fname, column=f"forms.{fid}", value=cat,
                           params={"form": fid})
                ok = False
        for variant in rule.mentee_variants:
            if variant not in MENTEE_VARIANT_ALIASES:
                report.add("config.unknown_variant", file=fname, column=f"forms.{fid}.mentee_variants",
                           value=variant, params={"form": fid, "known": list(MENTEE_VARIANT_ALIASES)})
                ok = False
        for low, high in (("mentee_min_age", "mentee_max_age"), ("mentee_min_grade", "mentee_max_grade")):
            lo, hi = getattr(rule, low), getattr(rule, high)
            if lo is not None and hi is not None and lo > hi:
                report.add("config.bounds_inverted", file=fname, column=f"forms.{fid}.{low}",
                           params={"form": fid, "low": low, "high": high, "low_value": lo, "high_value": hi})
                ok = False
    return config if ok else None
