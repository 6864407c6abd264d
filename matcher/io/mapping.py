"""Which column holds which canonical field: the mapping file, then built-in aliases.

Headers match exactly after text.norm() — never by substring («Пол» and «Пол наставника»
are different columns). The mapping file wins: a built-in alias applies only to a field
the mapping leaves out, so a form's own `ID` column next to the participant code that the
mapping names as `id` is ignored, not read as a second id.

Mapping file (TOML):

    [columns]
    gender = "Укажите, пожалуйста, ваш пол"
    id = ["Код наставника", "Код ученика"]      # alternatives: mentors' and mentees' forms differ

    [values.category]
    "Студент вуза" = "university_student"
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import register
from ..problems import WARNING, ProblemReport
from ..tomlfile import read_toml
from ..text import closest, norm
from .aliases import FIELD_ALIASES, HEADER_INDEX, PSYCH_PREFIXES

register({
    "io.mapping_unreadable": ("не удалось прочитать файл сопоставления: {error}",
                              "cannot read the mapping file: {error}"),
    "io.mapping_bad_toml": ("файл сопоставления не является корректным TOML: {error}",
                            "the mapping file is not valid TOML: {error}"),
    "io.mapping_unknown_section": ("неизвестный раздел «{value}» в файле сопоставления: допустимы [columns] и [values.ПОЛЕ]",
                                   "unknown section '{value}' in the mapping file: use [columns] and [values.FIELD]"),
    "io.mapping_unknown_field": ("неизвестное поле «{value}» в файле сопоставления",
                                 "unknown field '{value}' in the mapping file"),
    "io.mapping_unknown_field_suggest": ("неизвестное поле «{value}» в файле сопоставления; возможно, имелось в виду «{suggestion}»",
                                         "unknown field '{value}' in the mapping file; did you mean '{suggestion}'?"),
    "io.mapping_bad_header": ("для поля нужен текст заголовка или список заголовков",
                              "a field needs a header text or a list of header texts"),
    "io.mapping_bad_value": ("замена ответа должна быть текстом, числом, да/нет или списком текстов",
                             "an answer's replacement must be a text, a number, true/false or a list of texts"),
    "io.mapping_header_twice": ("заголовок «{value}» сопоставлен двум полям: {field} и {other}",
                                "header '{value}' is mapped to two fields: {field} and {other}"),
    "io.unmapped_column": ("столбец не распознан и будет пропущен (добавьте его в файл сопоставления, если он нужен)",
                           "column not recognised and skipped (add it to a mapping file if it is needed)"),
    "io.shadowed_column": ("столбец пропущен: файл сопоставления берёт поле {field} из другого столбца",
                           "column skipped: the mapping file takes field {field} from another column"),
    "io.duplicate_column": ("столбцы «{other}» и «{column}» оба означают поле {field}: оставьте один или переименуйте",
                            "columns '{other}' and '{column}' both mean field {field}: keep one or rename one"),
    "io.garbled_header": ("заголовок искажён неверной кодировкой (похоже на «{decoded}»): сохраните файл в UTF-8",
                          "the header is garbled by a wrong encoding (looks like '{decoded}'): save the file as UTF-8"),
})

# Canonical fields a column can hold (psych_<scale> columns are open-ended).
CANONICAL_FIELDS: frozenset[str] = frozenset(FIELD_ALIASES) | {"grade_letter"}
SENSITIVE = ("health", "register", "family", "notes")

# Google Forms / Yandex Forms add the time of submission: map nothing, say nothing.
TIMESTAMP_HEADERS = frozenset(norm(h) for h in ("Отметка времени", "Timestamp", "Время создания",
                                                "Время отправки", "Дата и время отправки"))
_PSYCH_PREFIXES = tuple(norm(p) for p in PSYCH_PREFIXES)


def psych_field(header: str) -> str | None:
    """`psych_<scale>` for a header with a psychological-scale prefix, else None."""
    key = norm(header)
    for prefix in _PSYCH_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            scale = key[len(prefix):].strip().replace(" ", "_")
            if scale:
                return "psych_" + scale
    return None


@dataclass
class Mapping:
    path: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # norm(header) -> canonical field
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # field -> norm(answer) -> replacement
    written: dict[str, list[str]] = field(default_factory=dict)  # field -> header texts as the file gives them
    sections: dict[str, dict] = field(default_factory=dict)  # the caller's own sections (load_mapping's `sections`)

    @property
    def fields(self) -> set[str]:
        return set(self.columns.values())


def _canonical(name: str) -> str | None:
    name = name.strip()
    if name in CANONICAL_FIELDS:
        return name
    if name.startswith("psych_") and len(name) > 6:
        return psych_field(name)
    return None


def load_mapping(path: str | Path | None, report: ProblemReport, *, canonical=None, fields=None,
                 sections: tuple[str, ...] = ()) -> Mapping:
    """The mapping file's columns and value tables; every problem in it goes to `report`
    (under the mapping file's name) and the valid parts are still used. Another kind of table
    than the questionnaires (monitoring) gives its own `canonical` (a field name as the file
    writes it -> the field, or None), `fields` (the names a misspelling is compared with) and
    `sections` (more tables it reads itself, kept in `Mapping.sections`)."""
    canonical = canonical or _canonical
    fields = sorted(fields or CANONICAL_FIELDS)
    mapping = Mapping(path=str(path) if path else None)
    if not path:
        return mapping
    fname = str(path)
    data = read_toml(path, report, "io.mapping_unreadable", "io.mapping_bad_toml")
    if data is None:
        return mapping
    for section in data:
        if section not in ("columns", "values", *sections) or not isinstance(data[section], dict):
            report.add("io.mapping_unknown_section", file=fname, value=section)
        elif section in sections:
            mapping.sections[section] = data[section]
    columns = data.get("columns") if isinstance(data.get("columns"), dict) else {}
    for name, headers in columns.items():
        where = f"columns.{name}"
        fld = canonical(name)
        if fld is None:
            _unknown_field(report, fname, where, name, fields)
            continue
        if isinstance(headers, str):
            headers = [headers]
        if not isinstance(headers, list) or not headers or not all(isinstance(h, str) and h.strip() for h in headers):
            report.add("io.mapping_bad_header", file=fname, column=where)
            continue
        for header in headers:
            key = norm(header)
            other = mapping.columns.get(key)
            if other is not None and other != fld:
                report.add("io.mapping_header_twice", file=fname, column=where, value=header,
                           params={"field": other, "other": fld})
                continue
            mapping.columns[key] = fld
            mapping.written.setdefault(fld, []).append(header)
    values = data.get("values") if isinstance(data.get("values"), dict) else {}
    for name, table in values.items():
        where = f"values.{name}"
        fld = canonical(name)
        if fld is None:
            _unknown_field(report, fname, where, name, fields)
            continue
        if not isinstance(table, dict):
            report.add("io.mapping_bad_value", file=fname, column=where)
            continue
        out = mapping.values.setdefault(fld, {})
        for answer, replacement in table.items():
            fixed = _replacement(replacement)
            if fixed is None:
                report.add("io.mapping_bad_value", file=fname, column=f"{where}.{answer}",
                           value=str(replacement))
                continue
            out[norm(answer)] = fixed
    return mapping


def _unknown_field(report: ProblemReport, fname: str, where: str, name: str, fields: list[str]) -> None:
    suggestion = closest(name, fields)
    if suggestion:
        report.add("io.mapping_unknown_field_suggest", file=fname, column=where, value=name,
                   params={"suggestion": suggestion})
    else:
        report.add("io.mapping_unknown_field", file=fname, column=where, value=name)


def _replacement(value) -> object | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


# --- headers -> fields -------------------------------------------------------------------

# How a column was matched.
MAPPED, IGNORED, UNMAPPED = "mapped", "ignored", "unmapped"
SHADOWED, DUPLICATE, BLANK = "shadowed", "duplicate", "blank"


@dataclass
class HeaderMatch:
    index: int
    header: str  # as written
    field: str  # canonical field ("" when the column maps to nothing)
    status: str
    other: str = ""  # the column that already holds this field (duplicate)


def match_headers(headers: list[str], mapping: Mapping) -> list[HeaderMatch]:
    """One match per column, in order. The mapping file first, then built-in aliases for
    fields the mapping leaves out; a field held by two columns is a duplicate."""
    by_mapping = mapping.columns
    mapped_fields = mapping.fields
    holder: dict[str, str] = {}
    out: list[HeaderMatch] = []
    for i, header in enumerate(headers):
        key = norm(header)
        fld, status = "", UNMAPPED
        if not key:
            status = BLANK
        elif key in by_mapping:
            fld, status = by_mapping[key], MAPPED
        elif key in TIMESTAMP_HEADERS:
            status = IGNORED
        else:
            alias = psych_field(header) or HEADER_INDEX.get(key)
            if alias is not None:
                if alias in mapped_fields:
                    fld, status = alias, SHADOWED
                else:
                    fld, status = alias, MAPPED
        if status == MAPPED:
            if fld in holder:
                out.append(HeaderMatch(i, header, fld, DUPLICATE, holder[fld]))
                continue
            holder[fld] = header
        out.append(HeaderMatch(i, header, fld, status))
    return out


def garbled(header: str) -> str | None:
    """The text a header was before a wrong encoding garbled it (UTF-8 read as cp1251
    or Latin-1 and saved again), or None."""
    for wrong in ("cp1251", "cp1252", "latin-1"):
        try:
            fixed = header.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != header and any("\u0400" <= ch <= "\u04ff" for ch in fixed):
            return fixed
    return None


def report_header_problems(label: str, header_row: int, matches: list[HeaderMatch], report: ProblemReport) -> None:
    """Duplicate columns are errors; unrecognised and shadowed ones are one warning per column."""
    for m in matches:
        if m.status == DUPLICATE:
            report.add("io.duplicate_column", file=label, row=header_row, column=m.header,
                       params={"field": m.field, "other": m.other})
        elif m.status == SHADOWED:
            report.add("io.shadowed_column", WARNING, file=label, row=header_row, column=m.header,
                       params={"field": m.field})
        elif m.status == UNMAPPED:
            fixed = garbled(m.header)
            if fixed is not None:
                report.add("io.garbled_header", WARNING, file=label, row=header_row, column=m.header,
                           params={"decoded": fixed})
            else:
                report.add("io.unmapped_column", WARNING, file=label, row=header_row, column=m.header)
