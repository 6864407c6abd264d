"""The programme's history: runs, pairs and monitoring outcomes in one SQLite file.

Only this package speaks SQL (docs/architecture.md). `History.open(path)` creates or migrates
the file; `History.record_run(doc, kind=...)` keeps a run of `match` or `rematch`
(`record.record_outputs(history, done, ...)` from a written run); `carry.plan_carry` gives what
the earlier years change in this year's match (pairs never proposed again, raised priorities).
"""
from .schema import VERSION
from .store import History, HistoryError, parse_school_year, school_year, sha256_file

__all__ = ["VERSION", "History", "HistoryError", "parse_school_year", "school_year", "sha256_file"]
