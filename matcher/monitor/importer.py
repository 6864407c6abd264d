"""`matcher monitor import`: one stage of the programme's monitoring (002 §6) from a file into
the history.

The file (CSV, XLSX, XLS or ODS; Russian or English headers; a mapping file as for the
questionnaires) gives, per pair (mentee id + mentor id), the nine indicators of the
effectiveness table scored 0/1/2 and the satisfaction of both partners. One row per pair, or
one row per respondent with a role column (the pair's scores may then sit on either row).
Every problem is collected with file, row and column; a file with any error writes nothing,
and a file without one is written in one transaction (history.monitoring.record_import).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..history import History, HistoryError, sha256_file
from ..history.monitoring import (MonitoringImport, RecordedRun, RunPair, StageTaken, latest_run_pairs,
                                  record_import, stage_imports)
from ..i18n import register, render
from ..io.coerce import unneutralise
from ..io.idtable import IdTable, id_text, read_id_table
from ..io.mapping import load_mapping
from ..models import ROLE_INDEX
from ..problems import WARNING, ProblemReport
from ..text import norm
from .indicators import INDICATOR_BY_CODE, INDICATORS, SCORE_INDEX, indicator_headers

register({
    "monitor.history_missing": ("файл истории не найден: сначала запишите подбор пар этого года "
                                "(matcher match … --history {path})",
                                "the history file does not exist: record the year's matching first "
                                "(matcher match … --history {path})"),
    "monitor.no_runs": ("в истории нет ни одного записанного подбора пар: сначала matcher match … --history",
                        "the history holds no recorded matching: run matcher match … --history first"),
    "monitor.choose_programme": ("в истории несколько программ: укажите --programme (одну из: {choices})",
                                 "the history holds several programmes: give --programme (one of: {choices})"),
    "monitor.unknown_programme": ("в истории нет программы «{value}»; есть: {choices}",
                                  "the history has no programme '{value}'; it has: {choices}"),
    "monitor.unknown_year": ("для программы «{programme}» нет подбора пар за {value} учебный год; есть годы: {choices}",
                             "programme '{programme}' has no matching recorded for the school year {value}; its "
                             "years: {choices}"),
    "monitor.stage_imported": ("этап «{stage_ru}» мониторинга программы «{programme}» за {year} уже загружен {date} "
                               "из файла «{file}»: этап загружается один раз",
                               "the stage '{stage_en}' of the monitoring of '{programme}', {year}, was already "
                               "imported on {date} from the file '{file}': a stage is imported once"),
    "monitor.same_file": ("этот файл уже загружен как этап «{stage_ru}» ({date}, файл «{file}»): данные этапов "
                          "«до» и «после» не могут совпадать байт в байт",
                          "this file was already imported as the stage '{stage_en}' ({date}, file '{file}'): the "
                          "stages before and after cannot be the same bytes"),
    "monitor.bad_school_year": ("«{value}» — не учебный год: ожидается, например, 2026/2027",
                                "'{value}' is not a school year: e.g. 2026/2027 expected"),
    "monitor.stage.before": ("до входа в программу", "before the programme"),
    "monitor.stage.after": ("по итогам программы", "after the programme"),
    "monitor.bad_scale": ("шкала удовлетворённости [satisfaction]: нужны числа min < max",
                          "satisfaction scale [satisfaction]: numbers min < max are needed"),
    "monitor.bad_score": ("«{value}» — не балл: ожидается 0, 1 или 2 («не проявляется», «частично проявляется», "
                          "«проявляется в полной мере»)",
                          "'{value}' is not a score: 0, 1 or 2 expected ('not shown', 'partly shown', 'fully shown')"),
    "monitor.score_out_of_range": ("балл {value} вне диапазона 0–2", "score {value} is outside the range 0–2"),
    "monitor.score_missing": ("нет балла по этому показателю для пары «{pair}»",
                              "no score for this indicator for the pair {pair}"),
    "monitor.answer_conflict": ("{value} противоречит значению {other} в строке {row} для той же пары",
                                "{value} contradicts {other} at row {row} for the same pair"),
    "monitor.bad_satisfaction": ("«{value}» — не число: ожидается оценка удовлетворённости от {min} до {max}",
                                 "'{value}' is not a number: a satisfaction rating from {min} to {max} expected"),
    "monitor.satisfaction_out_of_range": ("оценка удовлетворённости {value} вне шкалы {min}–{max}",
                                          "satisfaction {value} is outside the scale {min}–{max}"),
    "monitor.satisfaction_needs_role": ("столбец удовлетворённости без столбца роли: непонятно, чья это оценка; "
                                        "назовите столбцы mentee_satisfaction и mentor_satisfaction или добавьте "
                                        "столбец роли",
                                        "a satisfaction column without a role column: whose rating it is is "
                                        "unknown; name the columns mentee_satisfaction and mentor_satisfaction or "
                                        "add a role column"),
    "monitor.unknown_pair": ("наставляемый {mentee} и наставник {mentor} не составляют пару в последнем подборе "
                             "программы «{programme}» за {year} ({date}){hint_ru}",
                             "mentee {mentee} and mentor {mentor} are not a pair in the last matching of "
                             "'{programme}' recorded for {year} ({date}){hint_en}"),
    "monitor.unknown_pair_partner": ("; там наставник этого наставляемого — {actual}",
                                     "; there this mentee's mentor is {actual}"),
    "monitor.unknown_pair_swapped": ("; похоже, коды наставляемого и наставника переставлены местами",
                                     "; the mentee's and the mentor's ids look swapped"),
    "monitor.unknown_pair_unpaired": ("; этот наставляемый там без пары", "; this mentee has no pair there"),
    "monitor.empty_id": ("пустой идентификатор", "empty id"),
    "monitor.duplicate_pair": ("пара «{pair}» уже есть в строке {row}", "the pair {pair} is already at row {row}"),
    "monitor.duplicate_respondent": ("ответы ({role_ru}) по паре «{pair}» уже есть в строке {row}",
                                     "the {role_en}'s answers for the pair {pair} are already at row {row}"),
    "monitor.pair_missing": ("нет мониторинга для пары «{pair}»", "no monitoring for the pair {pair}"),
    "monitor.role.mentee": ("наставляемый", "mentee"),
    "monitor.role.mentor": ("наставник", "mentor"),
    "monitor.imported": ("Мониторинг ({stage}) загружен: «{programme}», {year}: {imported} "
                         "{imported:plural:пара|пары|пар} из {total}; оценки удовлетворённости: наставляемых — "
                         "{mentees}, наставников — {mentors} (файл {file})",
                         "Monitoring ({stage}) imported: '{programme}', {year}: {imported} "
                         "{imported:plural:pair|pairs} of {total}; satisfaction ratings: {mentees} from mentees, "
                         "{mentors} from mentors (file {file})"),
    "monitor.pairs_missing": ("Без мониторинга: {count} {count:plural:пара|пары|пар}",
                              "Without monitoring: {count} {count:plural:pair|pairs}"),
})

STAGES = ("before", "after")
RESPONDENTS = ("mentee", "mentor")
DEFAULT_SCALE = (1.0, 10.0)  # the psychologist's satisfaction scale, unless the mapping file says otherwise

# Canonical field -> headers (compared after text.norm: case, ё/е and dashes folded). A name
# column ("Наставляемый", "ФИО наставника") is read by nobody: the pair is its ids.
COLUMNS: dict[str, list[str]] = {
    "mentee_id": ["mentee_id", "ID наставляемого", "Код наставляемого", "mentee id", "Идентификатор наставляемого"],
    "mentor_id": ["mentor_id", "ID наставника", "Код наставника", "mentor id", "Идентификатор наставника"],
    "role": ["role", "Роль", "respondent", "Респондент", "Кто отвечает"],
    "satisfaction": ["satisfaction", "Удовлетворённость", "Оценка удовлетворённости"],
    "mentee_satisfaction": ["mentee_satisfaction", "Удовлетворённость наставляемого", "mentee satisfaction"],
    "mentor_satisfaction": ["mentor_satisfaction", "Удовлетворённость наставника", "mentor satisfaction"],
    **{i.code: indicator_headers(i) for i in INDICATORS},
}
REQUIRED = ("mentee_id", "mentor_id", *(i.code for i in INDICATORS))
SATISFACTION_OF = {"mentee_satisfaction": "mentee", "mentor_satisfaction": "mentor"}

# A mapping file names a field by its canonical name, or an indicator as indicator_N.
_FIELD_NAMES = {norm(name): name for name in COLUMNS}
_FIELD_NAMES.update({f"indicator_{i.number}": i.code for i in INDICATORS})
_HEADER_INDEX = {norm(h): name for name, headers in COLUMNS.items() for h in headers}
# Google Forms writes a grid question's rows as "Question [Row]"; a numbered question as "1. …".
_GRID_ROW = re.compile(r"\[([^\[\]]+)\]\s*$")
_NUMBERED = re.compile(r"^\s*№?\s*\d+\s*[.)]\s*")


def _canonical(name: str) -> str | None:
    return _FIELD_NAMES.get(norm(name))


def _header_field(header: str) -> str | None:
    """A header the aliases miss: a Google Forms grid row «Оцените показатели [Показатель 1]»,
    or a numbered question «4) Наличие комфортного психологического климата в организации»."""
    row = _GRID_ROW.search(header)
    for text in ([row.group(1)] if row else []) + [_NUMBERED.sub("", header)]:
        found = _HEADER_INDEX.get(norm(text))
        if found:
            return found
    return None


@dataclass
class ImportOutcome:
    """What one import did: every problem, and when it was accepted, what was written."""

    report: ProblemReport
    data: MonitoringImport | None = None
    import_id: int | None = None
    total_pairs: int = 0
    missing: list[RunPair] = field(default_factory=list)  # the year's pairs the file has no row for

    @property
    def ok(self) -> bool:
        return self.import_id is not None


def import_monitoring(history_path, path, stage: str, *, programme: str | None = None,
                      school_year: str | None = None, mapping=None) -> ImportOutcome:
    """Reads one monitoring file and, when it has no error, writes it as `stage` (before |
    after) of the programme's year in the history at `history_path`. The programme defaults to
    the history's only one, the year to its latest with a recorded matching. The history is
    never changed by a rejected file."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}")
    report = ProblemReport()
    outcome = ImportOutcome(report)
    label = str(history_path)
    if not Path(history_path).is_file():  # History.open would create an empty one
        report.add("monitor.history_missing", file=label, params={"path": label})
        return outcome
    try:
        history = History.open(history_path)
    except HistoryError as exc:
        report.add(exc.code, file=label, params=exc.params)
        return outcome
    with history:
        year = _programme_year(history, programme, school_year, label, report)
        if year is None:
            return outcome
        programme, school_year = year
        run = latest_run_pairs(history, programme, school_year)
        sha = sha256_file(path) if Path(path).is_file() else ""
        _check_stage(history, programme, school_year, stage, sha, str(path), report)
        scale, column_map, values = _mapping(mapping, report)
        data = MonitoringImport(programme, school_year, stage, Path(path).name, sha, scale_max=scale[1])
        rows = _read(path, column_map, values, scale, run, data, report)
        outcome.total_pairs = len({(p.mentee_id, p.mentor_id) for p in run.pairs})
        if not report.ok or rows is None:
            return outcome
        outcome.missing = _missing(run, rows, str(path), report)
        try:
            outcome.import_id = record_import(history, data)
        except StageTaken as exc:
            _stage_taken(exc.previous, programme, school_year, str(path), report)
            return outcome
        outcome.data = data
    return outcome


def _programme_year(history: History, programme, school_year, label: str,
                    report: ProblemReport) -> tuple[str, str] | None:
    programmes = history.programmes()
    if not programmes:
        report.add("monitor.no_runs", file=label)
        return None
    if programme is None:
        if len(programmes) > 1:
            report.add("monitor.choose_programme", file=label, params={"choices": _choices(programmes)})
            return None
        programme = programmes[0]
    else:
        found = next((p for p in programmes if norm(p) == norm(programme)), None)
        if found is None:
            report.add("monitor.unknown_programme", file=label, value=programme,
                       params={"choices": _choices(programmes)})
            return None
        programme = found
    years = history.years(programme)
    if not years:
        report.add("monitor.no_runs", file=label)
        return None
    if school_year is None:
        school_year = years[-1]
    elif school_year not in years:
        report.add("monitor.unknown_year", file=label, value=school_year,
                   params={"programme": programme, "choices": ", ".join(years)})
        return None
    return programme, school_year


def _choices(names: list[str]) -> str:
    return ", ".join(f"«{n}»" for n in names)


def _check_stage(history: History, programme: str, year: str, stage: str, sha: str, label: str,
                 report: ProblemReport) -> None:
    for previous in stage_imports(history, programme, year).values():
        if previous.stage == stage:
            _stage_taken(previous, programme, year, label, report)
        elif previous.sha256 == sha:
            report.add("monitor.same_file", file=label,
                       params={**_words("stage", f"monitor.stage.{previous.stage}"),
                               "date": _date(previous.imported_at), "file": previous.file_name})


def _stage_taken(previous, programme: str, year: str, label: str, report: ProblemReport) -> None:
    report.add("monitor.stage_imported", file=label,
               params={**_words("stage", f"monitor.stage.{previous.stage}"), "programme": programme, "year": year,
                       "date": _date(previous.imported_at), "file": previous.file_name})


def _words(name: str, code: str, params: dict | None = None) -> dict[str, str]:
    """A message inside a problem's message, in both languages (`{name}_ru`, `{name}_en`): the
    problem is worded later, in the reader's language."""
    return {f"{name}_{lang}": render(code, params, lang) for lang in ("ru", "en")}


def _date(iso: str) -> str:
    return iso.replace("T", " ").removesuffix("+00:00") + (" UTC" if iso.endswith("+00:00") else "")


def _mapping(path, report: ProblemReport) -> tuple[tuple[float, float], dict[str, str], dict[str, dict]]:
    """The satisfaction scale, the columns (norm(header) -> field) and the answers' replacements."""
    mapping = load_mapping(path, report, canonical=_canonical, fields=list(_FIELD_NAMES),
                           sections=("satisfaction",))
    scale = DEFAULT_SCALE
    given = mapping.sections.get("satisfaction")
    if given is not None:
        lo, hi = given.get("min", scale[0]), given.get("max", scale[1])
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lo, hi))
        if numbers and lo < hi and not set(given) - {"min", "max"}:
            scale = (float(lo), float(hi))
        else:
            report.add("monitor.bad_scale", file=str(path), column="satisfaction")
    return scale, mapping.columns, mapping.values


@dataclass
class _PairRows:
    first_row: int
    scores: dict[str, tuple[int, int]] = field(default_factory=dict)  # indicator code -> (score, row)
    satisfaction: dict[str, tuple[float, int]] = field(default_factory=dict)  # respondent -> (value, row)
    respondents: dict[str, int] = field(default_factory=dict)  # respondent layout: role -> row
    rejected: set[str] = field(default_factory=set)  # indicators with a bad cell (reported there)


def _read(path, column_map, values, scale, run: RecordedRun, data: MonitoringImport,
          report: ProblemReport) -> dict[tuple[str, str], _PairRows] | None:
    """The file's rows by pair, every problem in `report`; `data` gets the scores and ratings."""
    table = read_id_table(path, COLUMNS, REQUIRED, report, mapping=column_map, header_field=_header_field)
    if table is None:
        return None
    header = table.headers
    for name, column in table.repeated:  # which one holds the answers is anyone's guess
        report.add("io.duplicate_column", file=table.label, row=table.header_row, column=column,
                   params={"field": name, "other": header[name]})
    by_role = "role" in header
    if "satisfaction" in header and not by_role:
        report.add("monitor.satisfaction_needs_role", file=table.label, row=table.header_row,
                   column=header["satisfaction"])
    known = {(p.mentee_id, p.mentor_id): p for p in run.pairs}
    mentor_of = {}
    for p in run.pairs:
        mentor_of.setdefault(p.mentee_id, p)
    pairs: dict[tuple[str, str], _PairRows] = {}
    for row, cells in table.rows:
        mentee, mentor = id_text(cells["mentee_id"]), id_text(cells["mentor_id"])
        empty = [name for name, value in (("mentee_id", mentee), ("mentor_id", mentor)) if not value]
        for name in empty:
            report.add("monitor.empty_id", file=table.label, row=row, column=header[name])
        if empty:
            continue
        key = (mentee, mentor)
        if key not in known:
            _unknown_pair(key, known, mentor_of.get(mentee), run, data, table, row, report)
            continue
        role = None
        if by_role:
            role = ROLE_INDEX.get(norm(cells["role"]))
            if role not in RESPONDENTS:
                report.add("io.unknown_role", file=table.label, row=row, column=header["role"], value=cells["role"])
                continue
        entry = pairs.get(key)
        if entry is None:
            entry = pairs[key] = _PairRows(row)
        elif not by_role:
            report.add("monitor.duplicate_pair", file=table.label, row=row,
                       params={"pair": _pair_words(known[key]), "row": entry.first_row})
            continue
        elif role in entry.respondents:
            report.add("monitor.duplicate_respondent", file=table.label, row=row,
                       params={"pair": _pair_words(known[key]), "row": entry.respondents[role],
                               **_words("role", f"monitor.role.{role}")})
            continue
        if role:
            entry.respondents[role] = row
        _scores(cells, values, entry, table, row, report)
        _satisfaction(cells, values, role, scale, entry, table, row, report)
    for key, entry in pairs.items():
        for indicator in INDICATORS:
            if indicator.code not in entry.scores and indicator.code not in entry.rejected:
                report.add("monitor.score_missing", file=table.label, row=entry.first_row,
                           column=header[indicator.code], params={"pair": _pair_words(known[key])})
        data.scores[key] = {INDICATOR_BY_CODE[code].number: score for code, (score, _row) in entry.scores.items()}
        if entry.satisfaction:
            data.satisfaction[key] = {who: value for who, (value, _row) in entry.satisfaction.items()}
    return pairs


def _cell(cells: dict[str, str], name: str, values: dict[str, dict]) -> str:
    """A cell's text after the mapping file's [values.FIELD] replacement."""
    text = unneutralise(cells.get(name, "")).strip()
    replaced = values.get(name, {}).get(norm(text)) if text else None
    return str(replaced) if replaced is not None else text


def _scores(cells, values, entry: _PairRows, table: IdTable, row: int, report: ProblemReport) -> None:
    for indicator in INDICATORS:
        text = _cell(cells, indicator.code, values)
        if not text:
            continue
        column = table.headers[indicator.code]
        score = SCORE_INDEX.get(norm(text))
        if score is None:
            number = _number(text)
            if number is None or not number.is_integer() or not 0 <= number <= 2:
                code = "monitor.bad_score" if number is None or not number.is_integer() else "monitor.score_out_of_range"
                report.add(code, file=table.label, row=row, column=column, value=text)
                entry.rejected.add(indicator.code)
                continue
            score = int(number)
        previous = entry.scores.get(indicator.code)
        if previous is not None and previous[0] != score:
            report.add("monitor.answer_conflict", file=table.label, row=row, column=column, value=text,
                       params={"other": previous[0], "row": previous[1]})
            continue
        entry.scores.setdefault(indicator.code, (score, row))


def _satisfaction(cells, values, role, scale, entry: _PairRows, table: IdTable, row: int,
                  report: ProblemReport) -> None:
    lo, hi = scale
    given = [(name, who) for name, who in SATISFACTION_OF.items() if name in table.headers]
    if role and "satisfaction" in table.headers:
        given.append(("satisfaction", role))
    for name, who in given:
        text = _cell(cells, name, values)
        if not text:
            continue  # not every partner answers the psychologist's survey
        column = table.headers[name]
        value = _number(text)
        params = {"min": lo, "max": hi}
        if value is None:
            report.add("monitor.bad_satisfaction", file=table.label, row=row, column=column, value=text, params=params)
        elif not lo <= value <= hi:
            report.add("monitor.satisfaction_out_of_range", file=table.label, row=row, column=column, value=text,
                       params=params)
        elif who in entry.satisfaction and entry.satisfaction[who][0] != value:
            report.add("monitor.answer_conflict", file=table.label, row=row, column=column, value=text,
                       params={"other": entry.satisfaction[who][0], "row": entry.satisfaction[who][1]})
        else:
            entry.satisfaction.setdefault(who, (value, row))


def _number(text: str) -> float | None:
    try:
        value = float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _unknown_pair(key, known, actual: RunPair | None, run: RecordedRun, data: MonitoringImport, table: IdTable,
                  row: int, report: ProblemReport) -> None:
    mentee, mentor = key
    if (mentor, mentee) in known:
        hint = _words("hint", "monitor.unknown_pair_swapped")
    elif actual is not None:
        hint = _words("hint", "monitor.unknown_pair_partner", {"actual": _person(actual.mentor_id, actual.mentor_name)})
    else:
        hint = _words("hint", "monitor.unknown_pair_unpaired")
    report.add("monitor.unknown_pair", file=table.label, row=row, column=table.headers["mentor_id"],
               params={"mentee": mentee, "mentor": mentor, "programme": data.programme, "year": data.school_year,
                       "date": _date(run.recorded_at), **hint})


def _person(pid: str, name: str | None) -> str:
    return f"{name} ({pid})" if name else pid


def _pair_words(pair: RunPair) -> str:
    return f"{_person(pair.mentor_id, pair.mentor_name)} – {_person(pair.mentee_id, pair.mentee_name)}"


def _missing(run: RecordedRun, rows, label: str, report: ProblemReport) -> list[RunPair]:
    """The year's pairs the file has no row for: a warning each (the stage is imported without them)."""
    seen, out = set(), []
    for pair in run.pairs:
        key = (pair.mentee_id, pair.mentor_id)
        if key not in rows and key not in seen:
            seen.add(key)
            out.append(pair)
            report.add("monitor.pair_missing", WARNING, file=label, params={"pair": _pair_words(pair)})
    return out


def summary(outcome: ImportOutcome, lang: str) -> str:
    """The line that says what was imported (the pairs without monitoring are the report's warnings)."""
    data = outcome.data
    rated = [who for values in data.satisfaction.values() for who in values]
    return render("monitor.imported", {
        "stage": render(f"monitor.stage.{data.stage}", None, lang), "programme": data.programme,
        "year": data.school_year, "imported": len(data.scores), "total": outcome.total_pairs,
        "mentees": rated.count("mentee"), "mentors": rated.count("mentor"), "file": data.file_name}, lang)
