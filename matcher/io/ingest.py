"""Questionnaire ingest: read CSV / XLSX, map headers, coerce values, validate.

    from matcher.io import load
    ingest = load(mentors="mentors.csv", mentees="mentees.xlsx", mapping="forms.toml", config=config)
    ingest.participants   # valid rows, in input order (mentors file first, then mentees)
    ingest.report         # every problem, as file:row:column + code (errors and warnings)

Nothing here raises for bad input: the CLI decides the exit code from the report.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field

from ..config import ProgramConfig, load_config
from ..models import Participant
from ..problems import ERROR, ProblemReport
from ..text import norm
from .aliases import HEADER_INDEX
from .mapping import Mapping, load_mapping
from .readers import read_tables
from .summary import render_summary, summary_counts
from .validate import Collector

# File-level problems after which a file's rows (and so its ids) are not all known.
UNREADABLE = frozenset({"io.file_not_found", "io.unreadable", "io.empty_file", "io.binary_file", "io.bad_csv",
                        "io.cell_too_long", "io.bad_xlsx", "io.bad_xls", "io.bad_ods", "io.no_usable_sheet"})

__all__ = ["Ingest", "load", "render_summary", "summary_counts", "Mapping", "load_mapping"]


@dataclass
class Ingest:
    participants: list[Participant]  # valid rows only, in input order (mentors file first, then mentees)
    report: ProblemReport  # every problem: errors and warnings
    files: list[str]
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # per file: header as written -> field or ""


def load(*, mentors=None, mentees=None, participants=None, mapping=None,
         config: ProgramConfig | None = None) -> Ingest:
    """Read and validate questionnaires: two files (role implied) and/or one file with a
    role column (or a workbook with a mentors sheet and a mentees sheet). `mapping` is a
    mapping file's path or a loaded `Mapping`; `config` defaults to the built-in one."""
    report = ProblemReport()
    if config is None:
        config = load_config(None, report)
    the_mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping, report)
    collector = Collector(config, the_mapping, report)
    mapped_id = {h for h, f in the_mapping.columns.items() if f == "id"}

    def looks_like_table(headers: list[str]) -> bool:
        keys = {norm(h) for h in headers}
        return bool(keys & mapped_id) or any(HEADER_INDEX.get(k) == "id" for k in keys)

    files: list[str] = []
    # Ingest allocates millions of small objects that all stay alive: the cyclic garbage
    # collector would rescan them again and again for nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for path, role in ((mentors, "mentor"), (mentees, "mentee"), (participants, None)):
            if path is None or path == "":
                continue
            files.append(str(path))
            seen = len(report.problems)
            for table in read_tables(path, role, report, looks_like_table):
                collector.add_table(table)
            if any(p.code in UNREADABLE and p.severity == ERROR for p in report.problems[seen:]):
                collector.ids_incomplete = True
        people = collector.finish()
    finally:
        if gc_was_enabled:
            gc.enable()
    return Ingest(participants=people, report=report, files=files, columns=collector.columns)
