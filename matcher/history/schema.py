"""The programme history's schema and its migrations (the only SQL of the package lives in
`matcher/history/`).

One SQLite file per school (or per curator): programmes, their school years, every recorded
run with its pairs and their score components, the monitoring imported for a year. The
schema's version is SQLite's `user_version`; each migration is applied once, in order, in one
transaction, so a file written by an older version is brought up to date on opening and a
file from a newer version is refused rather than misread.
"""
from __future__ import annotations

import sqlite3

# Migration k (1-based) brings a database of version k - 1 to version k. Never edit a
# released migration: add the next one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE programme (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE
    );
    CREATE TABLE run (
        id              INTEGER PRIMARY KEY,
        programme_id    INTEGER NOT NULL REFERENCES programme(id),
        school_year     TEXT NOT NULL,              -- '2026/2027'
        kind            TEXT NOT NULL CHECK (kind IN ('match', 'rematch')),
        recorded_at     TEXT NOT NULL,              -- ISO 8601, UTC
        package_version TEXT NOT NULL,
        status          TEXT NOT NULL,              -- OPTIMAL | FEASIBLE
        proof           TEXT,
        anonymized      INTEGER NOT NULL CHECK (anonymized IN (0, 1)),
        config_json     TEXT NOT NULL,              -- the configuration the run used
        result_sha256   TEXT NOT NULL               -- of result.json as written
    );
    CREATE INDEX run_year ON run(programme_id, school_year);
    CREATE TABLE run_input (
        run_id      INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        file_name   TEXT NOT NULL,                  -- the name only, never the path
        sha256      TEXT NOT NULL,
        PRIMARY KEY (run_id, file_name)
    );
    CREATE TABLE pair (
        id          INTEGER PRIMARY KEY,
        run_id      INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        mentee_id   TEXT NOT NULL,
        mentor_id   TEXT NOT NULL,
        mentee_name TEXT,                           -- NULL when the run was recorded anonymized
        mentor_name TEXT,
        form        TEXT NOT NULL,
        score       REAL NOT NULL,
        priority    INTEGER NOT NULL,
        locked      INTEGER NOT NULL,
        UNIQUE (run_id, mentee_id, mentor_id, form)
    );
    CREATE TABLE pair_component (
        pair_id      INTEGER NOT NULL REFERENCES pair(id) ON DELETE CASCADE,
        component    TEXT NOT NULL,                 -- scoring component name (interests, mirror, ...)
        value        REAL NOT NULL,                 -- 0..1
        weight       REAL NOT NULL,                 -- its share of the weights
        contribution REAL NOT NULL,
        PRIMARY KEY (pair_id, component)
    );
    CREATE TABLE unmatched (
        run_id      INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        mentee_id   TEXT NOT NULL,
        mentee_name TEXT,
        priority    INTEGER NOT NULL,
        PRIMARY KEY (run_id, mentee_id)
    );
    CREATE TABLE ended_pair (                       -- a pair a re-match dissolved (never proposed again)
        run_id      INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        mentee_id   TEXT NOT NULL,
        mentor_id   TEXT NOT NULL,
        reason      TEXT NOT NULL,                  -- the rematch change code
        PRIMARY KEY (run_id, mentee_id, mentor_id)
    );
    CREATE TABLE monitoring_import (
        id           INTEGER PRIMARY KEY,
        programme_id INTEGER NOT NULL REFERENCES programme(id),
        school_year  TEXT NOT NULL,
        stage        TEXT NOT NULL CHECK (stage IN ('before', 'after')),
        file_name    TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        imported_at  TEXT NOT NULL,
        UNIQUE (programme_id, school_year, stage)   -- a stage is imported once
    );
    CREATE TABLE monitoring_score (                 -- the effectiveness table of 002 §6, per pair
        import_id   INTEGER NOT NULL REFERENCES monitoring_import(id) ON DELETE CASCADE,
        mentee_id   TEXT NOT NULL,
        mentor_id   TEXT NOT NULL,
        indicator   INTEGER NOT NULL CHECK (indicator BETWEEN 1 AND 9),
        score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 2),
        PRIMARY KEY (import_id, mentee_id, mentor_id, indicator)
    );
    CREATE TABLE monitoring_satisfaction (          -- each partner's satisfaction (the psychologist's survey)
        import_id   INTEGER NOT NULL REFERENCES monitoring_import(id) ON DELETE CASCADE,
        mentee_id   TEXT NOT NULL,
        mentor_id   TEXT NOT NULL,
        respondent  TEXT NOT NULL CHECK (respondent IN ('mentee', 'mentor')),
        value       REAL NOT NULL,                  -- on the scale below
        scale_max   REAL NOT NULL,
        PRIMARY KEY (import_id, mentee_id, mentor_id, respondent)
    );
    """,
)

VERSION = len(MIGRATIONS)


class SchemaError(Exception):
    """The file is not a history this version can read (newer, or not a history at all)."""

    def __init__(self, code: str, params: dict):
        super().__init__(code)
        self.code, self.params = code, params


def migrate(conn: sqlite3.Connection) -> int:
    """Brings the database to VERSION, one transaction per migration; returns the version
    found. Raises SchemaError for a database newer than this package."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > VERSION:
        raise SchemaError("history.newer", {"found": found, "supported": VERSION})
    if found == 0 and conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
        raise SchemaError("history.not_history", {})
    for version in range(found + 1, VERSION + 1):
        with conn:  # one transaction: a migration is applied whole or not at all
            conn.execute("BEGIN")
            for statement in _statements(MIGRATIONS[version - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    return found


def _statements(script: str) -> list[str]:
    """A migration's statements (executescript would commit on its own)."""
    out, current = [], []
    for line in script.splitlines():
        current.append(line.split("--", 1)[0])
        if sqlite3.complete_statement("\n".join(current)):
            text = "\n".join(current).strip()
            if text:
                out.append(text)
            current = []
    return out
