"""The programme history: one SQLite file, opened, migrated and written in transactions.

`History.open(path)` creates the file or brings it up to the current schema;
`record_run` keeps one run of `matcher match` or `matcher rematch` (its inputs' hashes, the
configuration, the pairs with their score components, the mentees left unpaired, the pairs a
re-match dissolved) under its programme and school year. Whatever fails inside a
transaction leaves the file as it was.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..i18n import register
from .schema import SchemaError, migrate

register({
    "history.newer": ("файл истории создан более новой версией программы (схема {found}, эта версия читает "
                      "до {supported}); обновите mentor-matcher",
                      "the history file was written by a newer version (schema {found}; this version reads up "
                      "to {supported}); upgrade mentor-matcher"),
    "history.not_history": ("файл не является историей программы наставничества (в нём другие таблицы)",
                            "the file is not a mentoring programme history (it holds other tables)"),
    "history.unreadable": ("файл истории не открывается как база SQLite: {error}",
                           "the history file cannot be opened as an SQLite database: {error}"),
})


# The effectiveness table of 002 §6: nine indicators of 0..2 points; 0-8 in all is "unacceptable".
INDICATORS = 9
UNACCEPTABLE_MAX = 8
# The cause a re-match gives a pair it only carries on from an earlier round (rematch.plan).
CARRIED = "earlier"


class HistoryError(Exception):
    """The history file cannot be used; `code`/`params` word it in the reader's language."""

    def __init__(self, code: str, params: dict | None = None, path: str | None = None):
        super().__init__(code)
        self.code, self.params, self.path = code, params or {}, path


def school_year(date: dt.date) -> str:
    """The school year a date falls in: September to August ('2026/2027' from 1 Sept 2026)."""
    start = date.year if date.month >= 9 else date.year - 1
    return f"{start}/{start + 1}"


def parse_school_year(text: str) -> str | None:
    """'2026/2027' from '2026/2027', '2026-2027' or ' 2026 / 2027 ' (the form every command takes
    and the history stores); None when it is not a school year."""
    found = re.fullmatch(r"\s*(\d{4})\s*[/-]\s*(\d{4})\s*", text)
    if found is None or int(found[2]) != int(found[1]) + 1:
        return None
    return f"{found[1]}/{found[2]}"


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class History:
    """An open history file. Use as a context manager, or call close()."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn, self.path = conn, path

    @classmethod
    def open(cls, path: str | Path) -> History:
        """Opens (creating it if absent) and migrates the history at `path`. Raises
        HistoryError when it is not a history this version can read."""
        conn = None
        try:
            if Path(path).is_dir():
                raise sqlite3.OperationalError("is a directory")
            conn = sqlite3.connect(str(path), isolation_level=None)  # transactions are explicit
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
            _check_writable(conn)
        except SchemaError as exc:
            conn.close()
            raise HistoryError(exc.code, exc.params, str(path)) from None
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise HistoryError("history.unreadable", {"error": str(exc)}, str(path)) from None
        return cls(conn, str(path))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- writing ------------------------------------------------------------------------

    def programme_id(self, name: str) -> int:
        self.conn.execute("INSERT OR IGNORE INTO programme(name) VALUES (?)", (name,))
        return self.conn.execute("SELECT id FROM programme WHERE name = ?", (name,)).fetchone()[0]

    def record_run(self, doc: dict, *, kind: str, year: str | None = None, input_hashes: dict[str, str] | None = None,
                   result_sha256: str = "", anonymize: bool = False) -> int:
        """Keeps one run (the result document `doc` of match or rematch) and returns its id.
        `year` defaults to the school year of the programme's reference date; `input_hashes`:
        file name -> sha256 of each input read; `anonymize`: ids only, no names."""
        program = doc["program"]
        year = year or school_year(dt.date.fromisoformat(program["reference_date"]))
        solver = doc["solver"]
        with self.transaction() as conn:
            programme = self.programme_id(program["name"])
            run = conn.execute(
                "INSERT INTO run(programme_id, school_year, kind, recorded_at, package_version, status, proof, "
                "anonymized, config_json, result_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (programme, year, kind, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                 doc.get("package_version", ""), solver["status"], solver.get("proof"), int(anonymize),
                 json.dumps(doc.get("config", {}), ensure_ascii=False, sort_keys=True), result_sha256)).lastrowid
            conn.executemany("INSERT INTO run_input(run_id, file_name, sha256) VALUES (?, ?, ?)",
                             [(run, name, digest) for name, digest in sorted((input_hashes or {}).items())])
            for p in doc["pairs"]:
                pair = conn.execute(
                    "INSERT INTO pair(run_id, mentee_id, mentor_id, mentee_name, mentor_name, form, score, priority, "
                    "locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (run, p["mentee_id"], p["mentor_id"], None if anonymize else p.get("mentee_name"),
                     None if anonymize else p.get("mentor_name"), p["form"], float(p["score"]),
                     int(p.get("priority", 0)), int(bool(p.get("locked"))))).lastrowid
                conn.executemany(
                    "INSERT INTO pair_component(pair_id, component, value, weight, contribution) VALUES (?, ?, ?, ?, ?)",
                    [(pair, name, float(c["value"]), float(c["weight"]), float(c["contribution"]))
                     for name, c in sorted((p.get("components") or {}).items())])
            conn.executemany(
                "INSERT INTO unmatched(run_id, mentee_id, mentee_name, priority) VALUES (?, ?, ?, ?)",
                [(run, u["mentee_id"], None if anonymize else u.get("mentee_name"), int(u.get("priority", 0)))
                 for u in doc.get("unmatched", [])])
            conn.executemany(
                "INSERT OR IGNORE INTO ended_pair(run_id, mentee_id, mentor_id, reason) VALUES (?, ?, ?, ?)",
                [(run, e["mentee_id"], e["mentor_id"], e["reason"]) for e in _dissolved(doc)])
        return run

    # --- reading ------------------------------------------------------------------------

    def latest_run(self, programme: str, year: str) -> int | None:
        """The last run recorded for the programme's year (the pairs that year works with)."""
        row = self.conn.execute(
            "SELECT run.id FROM run JOIN programme ON programme.id = run.programme_id "
            "WHERE programme.name = ? AND run.school_year = ? ORDER BY run.id DESC LIMIT 1", (programme, year)).fetchone()
        return row[0] if row else None

    def years(self, programme: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT school_year FROM run JOIN programme ON programme.id = run.programme_id "
            "WHERE programme.name = ? ORDER BY school_year", (programme,))]

    def programmes(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM programme ORDER BY name")]

    def ended_pairs(self, programme: str) -> list[tuple[str, str, str, str]]:
        """(mentee, mentor, school year, cause) of each pair a re-match of the programme ended
        (never to be proposed again), once per pair: when it was first ended for a cause of its
        own; a pair later rounds only carried on ("earlier": ended before the history began, or
        kept out by the history itself) when nothing else is known of it."""
        first: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        carried: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        for mentee, mentor, year, cause in self.conn.execute(
                "SELECT e.mentee_id, e.mentor_id, run.school_year, e.reason FROM ended_pair e "
                "JOIN run ON run.id = e.run_id JOIN programme ON programme.id = run.programme_id "
                "WHERE programme.name = ? ORDER BY run.school_year, run.id", (programme,)):
            (carried if cause == CARRIED else first).setdefault((mentee, mentor), (mentee, mentor, year, cause))
        return sorted({**carried, **first}.values())

    def unacceptable_pairs(self, programme: str, before_year: str) -> list[tuple[str, str, str, int]]:
        """(mentee, mentor, school year, total) of each pair whose after-stage monitoring in a
        school year before `before_year` scored all nine indicators with a total of at most
        UNACCEPTABLE_MAX (the "unacceptable" band of 002 §6); the latest such year per pair."""
        latest: dict[tuple[str, str], tuple[str, str, str, int]] = {}
        for mentee, mentor, year, total in self.conn.execute(
                "SELECT s.mentee_id, s.mentor_id, i.school_year, sum(s.score) FROM monitoring_score s "
                "JOIN monitoring_import i ON i.id = s.import_id JOIN programme ON programme.id = i.programme_id "
                "WHERE programme.name = ? AND i.stage = 'after' AND i.school_year < ? "
                "GROUP BY i.id, s.mentee_id, s.mentor_id HAVING count(*) = ? AND sum(s.score) <= ? "
                "ORDER BY i.school_year", (programme, before_year, INDICATORS, UNACCEPTABLE_MAX)):
            latest[(mentee, mentor)] = (mentee, mentor, year, int(total))
        return sorted(latest.values())

    def unmatched_in(self, programme: str, year: str) -> list[str]:
        """The mentees the programme's last run of `year` left without a pair."""
        run = self.latest_run(programme, year)
        if run is None:
            return []
        return [r[0] for r in self.conn.execute("SELECT mentee_id FROM unmatched WHERE run_id = ? ORDER BY mentee_id",
                                                (run,))]


def _check_writable(conn: sqlite3.Connection) -> None:
    """Fails now (sqlite3.OperationalError) rather than after the solve when the file cannot
    be written (read-only, locked by another program): a write of the version as it is, undone."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"PRAGMA user_version = {int(version)}")
    finally:
        conn.execute("ROLLBACK")


def _dissolved(doc: dict) -> list[dict]:
    """The pairs a re-match says are never to be proposed again (dissolved at a mentee's
    request, rejected by the consilium, or ended in an earlier round), with their cause."""
    part = doc.get("rematch") or {}
    return [{"mentee_id": e["mentee_id"], "mentor_id": e["mentor_id"], "reason": e.get("cause") or "dissolved"}
            for e in part.get("never_again", [])]
