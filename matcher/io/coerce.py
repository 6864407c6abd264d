"""Cell values -> typed field values. One coercer per column, built once per table.

A coercer takes a raw cell (text from CSV; text, number, bool or datetime from XLSX),
already stripped and never empty, and returns the field's value — or raises `Bad` with a
message code. Lookups are precomputed and repeated answers are memoised, so 100k rows
cost dictionary hits, not regex compiles.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Callable

from ..config import ProgramConfig
from ..i18n import register
from ..models import (ANY_SET, CATEGORY_ALIASES, CATEGORY_INDEX, FORM_ALIASES, FORM_INDEX,
                      GENDER_INDEX, MENTEE_VARIANT_ALIASES, MENTEE_VARIANT_INDEX, NO_SET, ROLE_ALIASES,
                      ROLE_INDEX, WISH_NAMES, YES_SET)
from ..text import MULTI_SEPARATORS, clean_id, closest, norm, split_multi

register({
    "io.not_a_number": ("«{value}» — не число", "'{value}' is not a number"),
    "io.not_an_integer": ("«{value}» — не целое число", "'{value}' is not a whole number"),
    "io.out_of_range": ("значение {value} вне допустимого диапазона {min}–{max}",
                        "value {value} is outside the allowed range {min}–{max}"),
    "io.below_min": ("значение {value} меньше допустимого минимума {min}",
                     "value {value} is below the allowed minimum {min}"),
    "io.bad_date": ("«{value}» — не дата: ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД",
                    "'{value}' is not a date: DD.MM.YYYY or YYYY-MM-DD expected"),
    "io.bad_grade": ("«{value}» — не класс: ожидается номер 1–11, можно с буквой («7Б»)",
                     "'{value}' is not a grade: a number 1–11 expected, a letter allowed ('7B')"),
    "io.grade_out_of_range": ("класс {grade} вне диапазона 1–11", "grade {grade} is outside the range 1–11"),
    "io.unknown_form": ("неизвестная форма наставничества «{value}»; формы программы: {known}",
                        "unknown form of mentoring '{value}'; the programme's forms: {known}"),
    "io.unknown_form_suggest": ("неизвестная форма наставничества «{value}»; возможно, имелась в виду «{suggestion}»",
                                "unknown form of mentoring '{value}'; did you mean '{suggestion}'?"),
    "io.form_not_in_program": ("форма «{value}» не входит в эту программу; формы программы: {known}",
                               "form '{value}' is not part of this programme; its forms: {known}"),
    "io.unknown_category": ("неизвестная категория «{value}»; допустимы: {known}",
                            "unknown category '{value}'; allowed: {known}"),
    "io.unknown_category_suggest": ("неизвестная категория «{value}»; возможно, имелась в виду «{suggestion}»",
                                    "unknown category '{value}'; did you mean '{suggestion}'?"),
    "io.unknown_role": ("неизвестная роль «{value}»: ожидается «наставник» или «наставляемый»",
                        "unknown role '{value}': 'mentor' or 'mentee' expected"),
    "io.unknown_role_suggest": ("неизвестная роль «{value}»; возможно, имелась в виду «{suggestion}»",
                                "unknown role '{value}'; did you mean '{suggestion}'?"),
    "io.unknown_gender": ("неизвестное значение пола «{value}»: ожидается «ж» или «м»",
                          "unknown gender '{value}': 'f' or 'm' expected"),
    "io.unknown_yes_no": ("«{value}» — ожидается «да» или «нет»", "'{value}': 'yes' or 'no' expected"),
    "io.unknown_variant": ("неизвестная категория наставляемого «{value}»; допустимы: {known}",
                           "unknown kind of mentee '{value}'; allowed: {known}"),
    "io.unknown_variant_suggest": ("неизвестная категория наставляемого «{value}»; возможно, имелась в виду "
                                   "«{suggestion}»",
                                   "unknown kind of mentee '{value}'; did you mean '{suggestion}'?"),
    "io.unknown_wish": ("неизвестное пожелание «{value}»: допустимы пол, возраст, интересы, помощь",
                        "unknown wish '{value}': gender, age, interests or offers expected"),
    "io.id_invisible": ("идентификатор состоит только из невидимых символов (например, пробела нулевой ширины): "
                        "его нельзя набрать; впишите видимый код",
                        "the id consists only of invisible characters (such as a zero-width space): "
                        "it cannot be typed; write a visible code"),
    "io.unknown_wish_suggest": ("неизвестное пожелание «{value}»; возможно, имелось в виду «{suggestion}»",
                                "unknown wish '{value}'; did you mean '{suggestion}'?"),
})

QUOTES = "«»\"“”„'‘’ "  # answers a form wraps in quotes: «Мы вместе»
FORMULA_CHARS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")

TEXT_FIELDS = frozenset({"id", "name", "program", "health", "register", "family", "notes"})
BOOL_FIELDS = frozenset({"consent", "data_consent", "guardian_consent", "trained",
                         *(f"want_{w}_hard" for w in WISH_NAMES)})
INT_RANGES: dict[str, tuple[int, int | None]] = {"capacity": (0, 50), "priority": (0, None), "group_min": (1, 50)}
FLOAT_RANGES: dict[str, tuple[float, float | None]] = {"age": (5, 100), "experience_years": (0, 60),
                                                       "want_age_min": (5, 100), "want_age_max": (5, 100)}
LIST_FIELDS = frozenset({"subjects", "interests", "offers", "needs", "availability", "want_interests",
                         "want_offers", "forms", "hard_wishes", "ranking", "avoid"})
# "не важно" / "any" in these means: no wish.
ANY_FIELDS = frozenset({"want_gender", "want_age_min", "want_age_max", "want_interests", "want_offers",
                        "hard_wishes"})
AGE_LIMITS = FLOAT_RANGES["age"]
# A wish answered "не важно" / "any" or "нет" / "no" is no wish at all.
NO_WISH = ANY_SET | NO_SET

WISH_ALIASES: dict[str, list[str]] = {
    "gender": ["gender", "want_gender", "пол", "пол партнера", "пол партнёра"],
    "age": ["age", "want_age", "возраст", "возраст партнера", "возраст партнёра"],
    "interests": ["interests", "want_interests", "интересы", "интересы партнера", "интересы партнёра"],
    "offers": ["offers", "want_offers", "помощь", "сферы помощи", "чем должен помочь партнер"],
}
WISH_INDEX = {norm(s): w for w, spellings in WISH_ALIASES.items() for s in spellings}

_GRADE = re.compile(r"(\d{1,2})\s*-?\s*([^\W\d_])?\s*(?:класс|кл\.?|grade|form)?", re.IGNORECASE)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,]+\d{1,2}:\d{2}(?::\d{2})?)?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_YEARS_SUFFIX = re.compile(r"\s*(?:лет|год|года|г\.|years?|yrs?\.?|y\.?o\.?)$", re.IGNORECASE)


class Bad(Exception):
    """A cell that cannot become its field's value: a message code and its parameters."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = params or {}


Coercer = Callable[[object], object]


def cell_text(raw: object) -> str:
    """A cell as text, the way a spreadsheet shows it (ids written as numbers stay '101')."""
    if raw.__class__ is str:
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def unneutralise(text: str) -> str:
    """Undo the apostrophe writers put before a formula-like text ("'=x" -> "=x")."""
    if text[:1] == "'" and text[1:2] in FORMULA_CHARS:
        return text[1:]
    return text


# --- building blocks ---------------------------------------------------------------------

def _translate(table: dict | None, raw: object) -> object:
    if table:
        hit = table.get(norm(cell_text(raw)))
        if hit is not None:
            return hit
    return raw


def _number(raw: object, years: bool = False) -> float:
    if isinstance(raw, bool):
        raise Bad("io.not_a_number")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = cell_text(raw).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if years:
            text = _YEARS_SUFFIX.sub("", text)
        try:
            value = float(text)
        except ValueError:
            raise Bad("io.not_a_number") from None
    if not math.isfinite(value):
        raise Bad("io.not_a_number")
    return value


def _check_range(value: float, lo, hi) -> None:
    if hi is None:
        if value < lo:
            raise Bad("io.below_min", {"min": lo})
    elif not lo <= value <= hi:
        raise Bad("io.out_of_range", {"min": lo, "max": hi})


def _suggest(code: str, text: str, choices: list[str], **params) -> Bad:
    suggestion = closest(text, choices)
    if suggestion:
        return Bad(code + "_suggest", {"suggestion": suggestion, **params})
    return Bad(code, params)


# --- coercers by field --------------------------------------------------------------------

def text_coercer(table):
    def coerce(raw):
        return cell_text(_translate(table, raw)).strip()
    return coerce


def grade_letter_coercer(table):
    def coerce(raw):
        return cell_text(_translate(table, raw)).strip().upper()
    return coerce


def number_coercer(field: str, table, whole: bool):
    lo, hi = INT_RANGES[field] if whole else FLOAT_RANGES.get(field, (None, None))
    any_ok = field in ANY_FIELDS
    years = field in ("age", "experience_years", "want_age_min", "want_age_max")

    def coerce(raw):
        raw = _translate(table, raw)
        if any_ok and norm(cell_text(raw)) in NO_WISH:
            return None
        value = _number(raw, years)
        if whole:
            if not value.is_integer():
                raise Bad("io.not_an_integer")
            value = int(value)
        if lo is not None:
            _check_range(value, lo, hi)
        return value
    return coerce


def yes_no_coercer(table):
    def coerce(raw):
        raw = _translate(table, raw)
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        key = norm(cell_text(raw))
        if key in YES_SET:
            return True
        if key in NO_SET:
            return False
        raise Bad("io.unknown_yes_no")
    return coerce


def enum_coercer(index: dict[str, str], code: str, spellings: list[str], table, any_ok: bool = False,
                 suggest: bool = True):
    def coerce(raw):
        key = norm(cell_text(_translate(table, raw)))
        hit = index.get(key)
        if hit is None:
            hit = index.get(key.strip(QUOTES))
        if hit is not None:
            return hit
        if any_ok and key in NO_WISH:
            return None
        if suggest:
            raise _suggest(code, key, spellings, known=sorted(set(index.values())))
        raise Bad(code)
    return coerce


def grade_coercer(table):
    def coerce(raw):
        raw = _translate(table, raw)
        if isinstance(raw, bool):
            raise Bad("io.bad_grade")
        if isinstance(raw, (int, float)):
            if not float(raw).is_integer():
                raise Bad("io.bad_grade")
            grade, letter = int(raw), None
        else:
            m = _GRADE.fullmatch(cell_text(raw).strip().translate(_DASHES))
            if m is None:
                raise Bad("io.bad_grade")
            grade, letter = int(m.group(1)), m.group(2)
        if not 1 <= grade <= 11:
            raise Bad("io.grade_out_of_range", {"grade": grade})
        return grade, (letter.upper() if letter else None)
    return coerce


def date_coercer(table):
    def coerce(raw):
        raw = _translate(table, raw)
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = cell_text(raw).strip()
        m = _DMY.fullmatch(text)
        if m is not None:
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            m = _YMD.fullmatch(text)
            if m is None:
                raise Bad("io.bad_date")
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not 1900 <= year <= 2100:
            raise Bad("io.bad_date")
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise Bad("io.bad_date") from None
    return coerce


def split_items(text: str) -> list[str]:
    """text.split_multi, cheaper: a one-item cell is not split, repeats are found by
    case-folding (the separators are the same)."""
    if ";" not in text and "," not in text and "\n" not in text and "\r" not in text:
        text = text.strip()
        return [text] if text else []
    out: list[str] = []
    seen: set[str] = set()
    for part in MULTI_SEPARATORS.split(text):
        part = part.strip()
        if part:
            key = part.casefold().replace("ё", "е")
            if key not in seen:
                seen.add(key)
                out.append(part)
    return out


def _items(table, raw) -> list[str]:
    """Items of a multi-valued cell; the mapping's value table may replace the whole cell
    or each item."""
    whole = _translate(table, raw)
    if isinstance(whole, tuple):
        return list(whole)
    if not table:
        return split_items(cell_text(whole))
    out = []
    for item in split_multi(cell_text(whole)):
        hit = _translate(table, item)
        if isinstance(hit, tuple):
            out.extend(hit)
        else:
            out.append(hit)
    return out


def list_coercer(field: str, table):
    any_ok = field in ANY_FIELDS

    def coerce(raw):
        items = _items(table, raw)
        if any_ok and len(items) == 1 and norm(items[0]) in NO_WISH:
            return ()
        return tuple(unneutralise(i.strip()) for i in items if i.strip())
    return coerce


def id_coercer(table):
    def coerce(raw):
        raw = _translate(table, raw) if table else raw
        pid = clean_id(cell_text(raw))
        if not pid:
            raise Bad("io.id_invisible")
        return pid
    return coerce


def id_list_coercer(table):
    def coerce(raw):
        return [pid for pid in (clean_id(cell_text(i)) for i in _items(table, raw)) if pid]
    return coerce


def forms_coercer(config: ProgramConfig, table):
    index = dict(FORM_INDEX)
    program_forms = set(config.forms)
    for fid, rule in config.forms.items():
        for spelling in (fid, rule.title_ru, rule.title_en):
            if spelling:
                index[norm(spelling)] = fid
                index[norm(spelling).replace("_", " ")] = fid
    spellings = sorted({*program_forms, *(r.title_ru for r in config.forms.values() if r.title_ru),
                        *(r.title_en for r in config.forms.values() if r.title_en),
                        *(s for ss in FORM_ALIASES.values() for s in ss)})
    known = sorted(program_forms)

    def one(item: str) -> str:
        key = norm(item)
        fid = index.get(key)
        if fid is None:
            fid = index.get(key.strip(QUOTES))
        if fid is None:
            raise _suggest("io.unknown_form", item, spellings, known=known, value=item)
        if fid not in program_forms:
            raise Bad("io.form_not_in_program", {"known": known, "value": item})
        return fid

    def coerce(raw):
        out: list[str] = []
        for item in _items(table, raw):
            fid = one(item)
            if fid not in out:
                out.append(fid)
        return tuple(out)
    return coerce


def _vocabulary_coercer(table, lookup, spellings: list[str], code: str, **params):
    """A multi-valued cell of a closed vocabulary: each item through `lookup` (None = unknown,
    reported as `code` with the closest spelling); "не важно"/"any" alone means none."""
    def coerce(raw):
        items = _items(table, raw)
        if len(items) == 1 and norm(items[0]) in NO_WISH:
            return ()
        out: list[str] = []
        for item in items:
            value = lookup(norm(item))
            if value is None:
                raise _suggest(code, item, spellings, value=item, **params)
            if value not in out:
                out.append(value)
        return tuple(out)
    return coerce


def hard_wishes_coercer(table):
    return _vocabulary_coercer(table, WISH_INDEX.get, sorted(s for ss in WISH_ALIASES.values() for s in ss),
                               "io.unknown_wish")


def variants_coercer(table):
    def lookup(key):
        return MENTEE_VARIANT_INDEX.get(key) or MENTEE_VARIANT_INDEX.get(key.strip(QUOTES))

    spellings = sorted({s for ss in MENTEE_VARIANT_ALIASES.values() for s in ss} | set(MENTEE_VARIANT_ALIASES))
    return _vocabulary_coercer(table, lookup, spellings, "io.unknown_variant", known=list(MENTEE_VARIANT_ALIASES))


@dataclass(frozen=True)
class Coercion:
    """How one column's cells become values: `fn` (None = the text as it is), whether
    repeated answers are memoised, and whether a memoised list is copied per row."""

    fn: Coercer | None
    memo: bool = False
    copy: bool = False

    def __call__(self, raw):
        if self.fn is None:
            return cell_text(raw)
        value = self.fn(raw)
        return list(value) if self.copy else value


def make_coercer(field: str, config: ProgramConfig, values: dict[str, dict] | None = None) -> Coercion:
    """The coercion of one canonical field (psych_<scale> included) for one table."""
    table = (values or {}).get(field)
    if field == "id":
        return Coercion(id_coercer(table))
    if field in TEXT_FIELDS:
        return Coercion(text_coercer(table) if table else None)
    if field == "grade_letter":
        return Coercion(grade_letter_coercer(table), memo=True)
    if field in INT_RANGES:
        return Coercion(number_coercer(field, table, whole=True), memo=True)
    if field in FLOAT_RANGES or field.startswith("psych_"):
        return Coercion(number_coercer(field, table, whole=False), memo=True)
    if field in BOOL_FIELDS:
        return Coercion(yes_no_coercer(table), memo=True)
    if field == "role":
        spellings = sorted(s for ss in ROLE_ALIASES.values() for s in ss)
        return Coercion(enum_coercer(ROLE_INDEX, "io.unknown_role", spellings, table), memo=True)
    if field == "gender":
        return Coercion(enum_coercer(GENDER_INDEX, "io.unknown_gender", [], table, suggest=False), memo=True)
    if field == "want_gender":
        return Coercion(enum_coercer(GENDER_INDEX, "io.unknown_gender", [], table, any_ok=True, suggest=False),
                        memo=True)
    if field == "category":
        spellings = sorted({s for ss in CATEGORY_ALIASES.values() for s in ss} | set(CATEGORY_ALIASES))
        return Coercion(enum_coercer(CATEGORY_INDEX, "io.unknown_category", spellings, table), memo=True)
    if field == "grade":
        return Coercion(grade_coercer(table), memo=True)
    if field == "birth_date":
        return Coercion(date_coercer(table), memo=True)
    if field == "forms":
        return Coercion(forms_coercer(config, table), memo=True, copy=True)
    if field == "hard_wishes":
        return Coercion(hard_wishes_coercer(table), memo=True, copy=True)
    if field == "mentee_variants":
        return Coercion(variants_coercer(table), memo=True, copy=True)
    if field in ("ranking", "avoid"):
        return Coercion(id_list_coercer(table))
    if field in LIST_FIELDS:
        return Coercion(list_coercer(field, table), memo=True, copy=True)
    return Coercion(text_coercer(table) if table else None)
