"""The monitoring of a programme's year in its history: which pairs the year works with, which
stages were imported, and one stage's scores written whole (002 §6: monitoring before entering
the programme and after it).

`MonitoringImport` is what `matcher monitor import` read from one file; `record_import`
writes it in one transaction, so a file is imported whole or not at all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .store import History


@dataclass(frozen=True)
class RunPair:
    mentee_id: str
    mentor_id: str
    mentee_name: str | None  # None when the run was recorded anonymized
    mentor_name: str | None
    form: str


@dataclass(frozen=True)
class RecordedRun:
    id: int
    recorded_at: str
    kind: str
    pairs: tuple[RunPair, ...]


@dataclass(frozen=True)
class StageImport:
    stage: str
    file_name: str
    sha256: str
    imported_at: str


@dataclass
class MonitoringImport:
    """One stage of one programme's year, as read from one file."""

    programme: str
    school_year: str
    stage: str  # before | after
    file_name: str  # the name only, never the path
    sha256: str
    scores: dict[tuple[str, str], dict[int, int]] = field(default_factory=dict)  # (mentee, mentor) -> indicator -> 0..2
    # (mentee, mentor) -> respondent (mentee | mentor) -> value, on a scale up to `scale_max`
    satisfaction: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    scale_max: float = 10.0


def latest_run_pairs(history: History, programme: str, year: str) -> RecordedRun | None:
    """The last run recorded for the programme's year with its pairs (the pairs the year works
    with), or None when the year has no run."""
    run_id = history.latest_run(programme, year)
    if run_id is None:
        return None
    recorded_at, kind = history.conn.execute("SELECT recorded_at, kind FROM run WHERE id = ?", (run_id,)).fetchone()
    pairs = tuple(RunPair(*row) for row in history.conn.execute(
        "SELECT mentee_id, mentor_id, mentee_name, mentor_name, form FROM pair WHERE run_id = ? "
        "ORDER BY mentee_id, mentor_id, form", (run_id,)))
    return RecordedRun(run_id, recorded_at, kind, pairs)


def stage_imports(history: History, programme: str, year: str) -> dict[str, StageImport]:
    """The stages already imported for the programme's year, by stage."""
    rows = history.conn.execute(
        "SELECT stage, file_name, sha256, imported_at FROM monitoring_import "
        "JOIN programme ON programme.id = monitoring_import.programme_id "
        "WHERE programme.name = ? AND school_year = ? ORDER BY stage", (programme, year))
    return {row[0]: StageImport(*row) for row in rows}


class StageTaken(Exception):
    """The stage was imported meanwhile (by another process): nothing was written."""

    def __init__(self, previous: StageImport):
        super().__init__(previous.stage)
        self.previous = previous


def record_import(history: History, data: MonitoringImport) -> int:
    """Writes one stage (the import, every score, every satisfaction value) in one transaction
    and returns the import's id. Raises StageTaken, writing nothing, when the stage is there
    already (checked under the transaction's write lock: two imports of a stage never both land)."""
    with history.transaction() as conn:
        taken = stage_imports(history, data.programme, data.school_year).get(data.stage)
        if taken is not None:
            raise StageTaken(taken)
        programme = conn.execute("SELECT id FROM programme WHERE name = ?", (data.programme,)).fetchone()[0]
        import_id = conn.execute(
            "INSERT INTO monitoring_import(programme_id, school_year, stage, file_name, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (programme, data.school_year, data.stage, data.file_name, data.sha256,
             dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))).lastrowid
        conn.executemany(
            "INSERT INTO monitoring_score(import_id, mentee_id, mentor_id, indicator, score) VALUES (?, ?, ?, ?, ?)",
            [(import_id, mentee, mentor, indicator, score)
             for (mentee, mentor), scores in sorted(data.scores.items())
             for indicator, score in sorted(scores.items())])
        conn.executemany(
            "INSERT INTO monitoring_satisfaction(import_id, mentee_id, mentor_id, respondent, value, scale_max) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(import_id, mentee, mentor, respondent, value, data.scale_max)
             for (mentee, mentor), values in sorted(data.satisfaction.items())
             for respondent, value in sorted(values.items())])
    return import_id
