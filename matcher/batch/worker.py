"""One programme of a batch, from its questionnaires to its output files, in whatever process
runs it: local worker processes and Dask workers call the same `run_programme` (no second
code path). It runs `matcher.run` — all `matcher match` does — into an output set kept in
memory, then writes that set under --out with the same atomic swap and manifest (in the
worker when it sees --out, else in the batch's own process), so a programme's folder holds
byte for byte what `matcher match` writes for it alone.

Nothing here raises for a programme's own trouble: bad input, a clash of locks, a bug or a
memory error in one programme becomes its Outcome, and the batch goes on.
"""
from __future__ import annotations

import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import register, render
from ..io.outputset import OutputError, OutputSet
from ..problems import ERROR, ProblemReport
from .discover import Programme

register({
    "batch.engine_flow": ("метод flow не выражает групповые минимумы, разброс классов и взаимное наставничество "
                          "этой программы; используйте --engine auto или cpsat",
                          "the flow engine cannot express this programme's group minimums, grade spread or "
                          "mutual mentoring; use --engine auto or cpsat"),
    "batch.infeasible": ("нет допустимого распределения при заданных закреплениях:",
                         "no feasible assignment under the given locks:"),
    "batch.no_solution": ("решатель не нашёл ни одного решения за {seconds} с; увеличьте --time-limit",
                          "the solver found no solution within {seconds} s; raise --time-limit"),
    "batch.crashed": ("сбой при обработке программы: {error}", "the programme failed: {error}"),
    "batch.status.optimal": ("готово, оптимум доказан", "done, proven optimal"),
    "batch.status.unproven": ("готово, оптимум не доказан", "done, optimality not proven"),
    "batch.status.rejected": ("анкеты отклонены", "input rejected"),
    "batch.status.infeasible": ("закрепления несовместимы", "locks cannot hold"),
    "batch.status.no_solution": ("решение не найдено за отведённое время", "no solution in the time limit"),
    "batch.status.failed": ("сбой", "failed"),
})

# Statuses of a programme in the summary (worded by summary.py).
OPTIMAL, UNPROVEN = "optimal", "unproven"  # done: proven optimal, or the best found in the time limit
REJECTED = "rejected"  # its input (questionnaires, configuration, locks) has errors: nothing written
INFEASIBLE, NO_SOLUTION = "infeasible", "no_solution"  # locks that cannot hold; nothing found in time
FAILED = "failed"  # a crash: a bug, a memory error, a worker that died, outputs that cannot be written
DONE = frozenset({OPTIMAL, UNPROVEN})

PROBLEM_LINES = 100  # a programme's problems kept as lines; the rest only counted


@dataclass(frozen=True)
class RunOptions:
    """What `matcher match` takes besides the questionnaires, the same for every programme."""

    lang: str = "en"
    headers: str = "en"
    seed: int = 0
    time_limit: float = 60.0
    engine: str = "auto"
    xlsx: bool = False
    anonymize: bool = False
    include_sensitive: bool = False


@dataclass
class Outcome:
    """What one programme came to: its summary numbers, problems and output files."""

    name: str
    folder: str
    status: str
    numbers: dict = field(default_factory=dict)  # participants, mentees, matched, unmatched by reason, ...
    problems: list[str] = field(default_factory=list)  # the input's errors: file:row:column: message
    more_problems: int = 0  # beyond PROBLEM_LINES
    notes: list[str] = field(default_factory=list)  # what else to say: the clash, the gap, the error
    files: dict[str, bytes] | None = None  # the output set, by file name (done programmes only)
    seconds: float = 0.0
    peak_mb: float | None = None  # the worker process's peak resident memory so far


class CollectedOutputs(OutputSet):
    """The output set `matcher.run` writes, kept in memory: the batch writes it under --out
    itself (on the machine the batch runs on, also when a Dask cluster solved it)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.files: dict[str, bytes] = {}

    def prepare(self) -> "CollectedOutputs":
        self._prepared = True
        return self

    def add(self, name: str, data: bytes):
        self.files[name] = data
        return self.staging / name

    def commit(self):
        self._prepared = False
        return self.target

    def discard(self) -> None:
        self._prepared = False


def warm() -> None:
    """Import the whole run (a local worker's initializer, a Dask worker's first programme),
    then settle the collector (results.gc_settle: once a process)."""
    from .. import explain, pipeline, report, results  # noqa: F401

    results.gc_settle()


def run_programme(programme: Programme, options: RunOptions, out: str | Path | None = None) -> Outcome:
    """Read, check, match, explain and render one programme, as `matcher match` would. With
    `out` (the batch's --out, seen by this process under the same path), the output set is
    written there, into out/<folder>, by this process; without it, the files come back in the
    Outcome for the batch to write."""
    warm()
    t0 = time.perf_counter()
    try:
        outcome = _run(programme, options)
    except Exception as exc:  # a bug or a resource limit in one programme never stops the batch
        outcome = Outcome(programme.name, programme.folder, FAILED, notes=[
            render("batch.crashed", {"error": exception_text(exc)}, options.lang)])
    if out is not None and outcome.files is not None:
        write_outputs(Path(out), programme, outcome, options.lang)
    outcome.seconds = round(time.perf_counter() - t0, 3)
    outcome.peak_mb = peak_memory_mb()
    return outcome


def run_programmes(programmes: tuple[Programme, ...], options: RunOptions, out: str | Path | None = None
                   ) -> list[Outcome]:
    """run_programme for each of a chunk of programmes, one after another, in one task."""
    return [run_programme(programme, options, out) for programme in programmes]


def write_outputs(out: Path, programme: Programme, outcome: Outcome, lang: str) -> None:
    """The programme's output set into out/<folder>, as `matcher match --out` writes it
    (staged, swapped in, with its manifest); a folder that cannot be written fails this
    programme only. The files are dropped from the Outcome once written."""
    try:
        with OutputSet(out / outcome.folder, inputs=programme.inputs()) as outputs:
            for name, data in outcome.files.items():
                outputs.add(name, data)
            outputs.commit()
    except OutputError as exc:
        outcome.status = FAILED
        outcome.notes.append(exc.message(lang))
    outcome.files = None


def _run(programme: Programme, options: RunOptions) -> Outcome:
    from .. import io
    from ..config import load_config
    from ..conflicts import conflict_lines
    from ..locks import load_pair_specs
    from ..pipeline import run
    from ..problems import InputRejected
    from ..results import gap_text
    from ..solve import EngineError

    lang = options.lang
    report = ProblemReport(list(programme.problems))
    if report.errors:
        return rejected(programme, report, lang)
    config = load_config(programme.config, report)
    if config is None:
        return rejected(programme, report, lang)
    if programme.tables is not None:
        ingest = _ingest_tables(programme, config)
    else:
        ingest = io.load(mentors=programme.mentors, mentees=programme.mentees, participants=programme.participants,
                         mapping=programme.mapping, config=config)
    numbers = people_numbers(ingest.participants)
    numbers["warnings"] = len(ingest.report.warnings)
    if ingest.report.errors:
        return rejected(programme, ingest.report, lang, numbers)
    pair_specs = []
    if programme.locks:
        pair_specs, locks_report = load_pair_specs(programme.locks)
        if locks_report.errors:
            return rejected(programme, locks_report, lang, numbers)
    outputs = CollectedOutputs(programme.folder).prepare()
    try:
        done = run(ingest, config, outputs, pair_specs=pair_specs, engine=options.engine,
                   time_limit=options.time_limit, seed=options.seed, lang=lang, headers=options.headers,
                   xlsx=options.xlsx, anonymize=options.anonymize, include_sensitive=options.include_sensitive)
    except InputRejected as exc:  # unknown ids in the locks
        return rejected(programme, exc.report, lang, numbers)
    except EngineError:
        return Outcome(programme.name, programme.folder, FAILED, numbers,
                       notes=[render("batch.engine_flow", None, lang)])
    if done.status == "INFEASIBLE":
        notes = [render("batch.infeasible", None, lang)]
        for item in done.match.solution.conflict:
            notes += conflict_lines(item, lang)
        return Outcome(programme.name, programme.folder, INFEASIBLE, numbers, notes=notes)
    if done.status == "UNKNOWN":
        return Outcome(programme.name, programme.folder, NO_SOLUTION, numbers, notes=[
            render("batch.no_solution", {"seconds": options.time_limit}, lang)])
    doc = done.document
    numbers.update(result_numbers(doc))
    status = OPTIMAL if done.status == "OPTIMAL" else UNPROVEN
    notes = [gap_text(doc["solver"], lang)] if status == UNPROVEN else []
    return Outcome(programme.name, programme.folder, status, numbers, notes=notes, files=outputs.files)


def _ingest_tables(programme: Programme, config):
    """A district file's rows of this programme, validated as `matcher.load` validates a file."""
    from ..io import Ingest
    from ..io.mapping import load_mapping
    from ..io.validate import Collector

    report = ProblemReport()
    collector = Collector(config, load_mapping(programme.mapping, report), report)
    for table in programme.tables:
        collector.add_table(table)
    people = collector.finish()
    return Ingest(people, report, [programme.participants], collector.columns)


def rejected(programme: Programme, report: ProblemReport, lang: str, numbers: dict | None = None) -> Outcome:
    """A programme whose input has errors: each error as file:row:column: message (its warnings
    are counted; `matcher validate` on its files lists them)."""
    lines = [p.render(lang) for p in report.sorted() if p.severity == ERROR]
    numbers = {**(numbers or {}), "errors": len(report.errors), "warnings": len(report.warnings)}
    return Outcome(programme.name, programme.folder, REJECTED, numbers, problems=lines[:PROBLEM_LINES],
                   more_problems=max(0, len(lines) - PROBLEM_LINES))


def people_numbers(participants) -> dict:
    mentors = sum(1 for p in participants if p.role == "mentor")
    return {"participants": len(participants), "mentors": mentors, "mentees": len(participants) - mentors}


def result_numbers(doc: dict) -> dict:
    """The summary's numbers of a done programme, from its result document."""
    summary = doc["summary"]
    reasons = Counter(u["reason_code"] for u in doc["unmatched"])
    return {"mentors": summary["mentors"], "mentees": summary["mentees"], "matched": summary["matched_mentees"],
            "unmatched": summary["unmatched_mentees"], "pairs": summary["pairs"], "groups": summary["groups"],
            "unmatched_by_reason": dict(sorted(reasons.items())), "solver": doc["solver"]["status"],
            "proof": doc["solver"]["proof"]}


def exception_text(exc: BaseException) -> str:
    """The error and where it came from, in one line: enough to file a bug, no traceback wall."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def peak_memory_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
