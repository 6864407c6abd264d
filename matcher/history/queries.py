"""What the monitoring report reads from the history: a programme year's last run with its pairs
and their score components, and the year's monitoring by stage (`monitoring.record_import`
writes it). SQL stays in this package (docs/architecture.md)."""
from __future__ import annotations

import json

from ..i18n import register
from .store import History, HistoryError

register({
    "history.year.empty": ("в истории нет ни одного записанного подбора пар", "the history holds no recorded matching"),
    "history.year.choose_programme": ("в истории несколько программ ({programmes}); укажите одну через --programme",
                                 "the history holds several programmes ({programmes}); choose one with --programme"),
    "history.year.unknown_programme": ("в истории нет программы «{programme}»; есть: {known}",
                                  "the history has no programme '{programme}'; it has: {known}"),
    "history.year.unknown_year": ("у программы «{programme}» нет подбора за {year} учебный год; есть: {years}",
                             "the programme '{programme}' has no matching in the school year {year}; it has: {years}"),
    "history.year.no_monitoring": ("мониторинг программы «{programme}» за {year} учебный год не загружен "
                              "(matcher monitor import)",
                              "no monitoring of the programme '{programme}' for the school year {year} has been "
                              "imported (matcher monitor import)"),
})


def select_year(history: History, programme: str | None = None, year: str | None = None, *,
                monitored: bool = False) -> tuple[str, str, int]:
    """(programme, school year, id of its last run): the programme named, or the only one;
    the year named, or the latest (with `monitored`, the latest with monitoring imported).
    HistoryError names what is missing and what there is."""
    names = history.programmes()
    if not names:
        raise HistoryError("history.year.empty", {}, history.path)
    if programme is None:
        if len(names) > 1:
            raise HistoryError("history.year.choose_programme", {"programmes": names}, history.path)
        programme = names[0]
    elif programme not in names:
        raise HistoryError("history.year.unknown_programme", {"programme": programme, "known": names}, history.path)
    years = history.years(programme)
    if year is None:
        with_data = monitored_years(history, programme) if monitored else []
        year = next((y for y in reversed(years) if y in with_data), years[-1] if years else None)
    if year not in years:
        raise HistoryError("history.year.unknown_year", {"programme": programme, "year": year, "years": years or "—"},
                           history.path)
    return programme, year, history.latest_run(programme, year)


def monitored_years(history: History, programme: str) -> list[str]:
    return [r[0] for r in history.conn.execute(
        "SELECT DISTINCT school_year FROM monitoring_import JOIN programme ON programme.id = programme_id "
        "WHERE programme.name = ? ORDER BY school_year", (programme,))]


def run_record(history: History, run_id: int) -> dict:
    """The run's row: programme, school year, kind, when, status, whether anonymized, and the
    configuration it used (a dict)."""
    row = history.conn.execute(
        "SELECT programme.name, school_year, kind, recorded_at, status, anonymized, config_json, package_version "
        "FROM run JOIN programme ON programme.id = run.programme_id WHERE run.id = ?", (run_id,)).fetchone()
    keys = ("programme", "school_year", "kind", "recorded_at", "status", "anonymized", "config", "package_version")
    record = dict(zip(keys, row))
    record["config"] = json.loads(record["config"])
    record["anonymized"] = bool(record["anonymized"])
    return record


def run_pairs(history: History, run_id: int) -> list[dict]:
    """The run's pairs, sorted by mentor, mentee and form, each with its score components
    {name: value 0..1} and the weights' shares {name: share} the run used."""
    pairs, by_id = [], {}
    for pid, mentee, mentor, mentee_name, mentor_name, form, score, priority, locked in history.conn.execute(
            "SELECT id, mentee_id, mentor_id, mentee_name, mentor_name, form, score, priority, locked FROM pair "
            "WHERE run_id = ? ORDER BY mentor_id, mentee_id, form", (run_id,)):
        by_id[pid] = {"mentee_id": mentee, "mentor_id": mentor, "mentee_name": mentee_name,
                      "mentor_name": mentor_name, "form": form, "score": score, "priority": priority,
                      "locked": bool(locked), "components": {}, "weights": {}}
        pairs.append(by_id[pid])
    for pid, component, value, weight in history.conn.execute(
            "SELECT pair_id, component, value, weight FROM pair_component JOIN pair ON pair.id = pair_id "
            "WHERE run_id = ? ORDER BY pair_id, component", (run_id,)):
        by_id[pid]["components"][component] = value
        by_id[pid]["weights"][component] = weight
    return pairs


def monitoring(history: History, programme: str, year: str) -> dict[str, dict]:
    """The year's monitoring by stage ('before', 'after'): the import (file name, sha256, when)
    and, per pair (mentee id, mentor id), the nine indicators' scores {indicator: 0..2} and
    each partner's satisfaction {respondent: (value, scale maximum)}."""
    stages: dict[str, dict] = {}
    for import_id, stage, file_name, sha256, imported_at in history.conn.execute(
            "SELECT monitoring_import.id, stage, file_name, sha256, imported_at FROM monitoring_import "
            "JOIN programme ON programme.id = programme_id WHERE programme.name = ? AND school_year = ? "
            "ORDER BY stage", (programme, year)):
        pairs: dict[tuple[str, str], dict] = {}

        def entry(mentee: str, mentor: str) -> dict:
            return pairs.setdefault((mentee, mentor), {"scores": {}, "satisfaction": {}})

        for mentee, mentor, indicator, score in history.conn.execute(
                "SELECT mentee_id, mentor_id, indicator, score FROM monitoring_score WHERE import_id = ? "
                "ORDER BY mentee_id, mentor_id, indicator", (import_id,)):
            entry(mentee, mentor)["scores"][indicator] = score
        for mentee, mentor, respondent, value, scale_max in history.conn.execute(
                "SELECT mentee_id, mentor_id, respondent, value, scale_max FROM monitoring_satisfaction "
                "WHERE import_id = ? ORDER BY mentee_id, mentor_id, respondent", (import_id,)):
            entry(mentee, mentor)["satisfaction"][respondent] = (value, scale_max)
        stages[stage] = {"file_name": file_name, "sha256": sha256, "imported_at": imported_at, "pairs": pairs}
    return stages

