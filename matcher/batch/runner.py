"""A batch run: every programme found under INPUT matched on its own, in parallel, into OUT."""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import __version__
from ..i18n import register, render
from ..io.outputset import OutputError, prepare_plain_dir, verify_output_set
from ..io.writers import atomic_write_bytes
from ..problems import ProblemReport
from .discover import Programme, find_programmes
from .summary import LOW_MATCH_RATE, summary_files
from .worker import (DONE, FAILED, INFEASIBLE, REJECTED, Outcome, RunOptions, exception_text, run_programme,
                     run_programmes, write_outputs)

register({
    "batch.out_inside_input": ("--out {path} лежит внутри папки анкет {input}: при следующем запуске результаты "
                               "были бы приняты за программу; укажите папку вне её",
                               "--out {path} is inside the questionnaires' folder {input}: the next run would take "
                               "the results for a programme; give a directory outside it"),
    "batch.worker_died": ("процесс, обрабатывавший эту программу, завершился аварийно (нехватка памяти или сбой); "
                          "остальные программы не затронуты",
                          "the process running this programme died (out of memory, or a crash); the other "
                          "programmes are not affected"),
})

STATE = "batch.json"
STATE_FORMAT = "mentor-matcher/batch"
SAVE_EVERY = 5.0  # seconds between saves of the state while the batch runs: a killed batch resumes
REUSABLE = DONE | {REJECTED, INFEASIBLE}  # the same input gives the same answer; failures are run again


class BatchRejected(Exception):
    """The batch as a whole cannot run: no programme found, the district file unreadable, or
    the batch's own configuration or mapping invalid. Carries the problems."""

    def __init__(self, report: ProblemReport):
        super().__init__(f"{len(report.errors)} problem(s)")
        self.report = report


@dataclass
class Progress:
    """Where a running batch is, for a progress display: `record` is the programme just finished."""

    total: int
    done: int
    reused: int
    failed: int
    elapsed: float
    record: dict | None = None
    first: float = 0.0  # elapsed when the first programme came back (the workers' start is behind it)

    @property
    def eta(self) -> float | None:
        """Seconds left, from the pace since the first programme came back (reused ones cost nothing)."""
        ran = self.done - self.reused
        if ran < 2:
            return None if self.done < self.total else 0.0
        return (self.elapsed - self.first) / (ran - 1) * (self.total - self.done)


@dataclass
class BatchResult:
    out_dir: Path
    records: list[dict]  # one per programme, in the batch's order (see `record`)
    problems: list[str] = field(default_factory=list)  # the batch's own: rows without a programme
    seconds: float = 0.0
    files: dict[str, Path] = field(default_factory=dict)  # summary.csv, summary.html, batch.json

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.records if r["status"] not in DONE]

    @property
    def reused(self) -> int:
        return sum(1 for r in self.records if not r["ran"])

    @property
    def all_done(self) -> bool:
        return not self.failed and not self.problems


def record(outcome: Outcome, digest: str) -> dict:
    """A programme's entry in batch.json and in the summaries."""
    return {"name": outcome.name, "folder": outcome.folder, "status": outcome.status, "numbers": outcome.numbers,
            "problems": outcome.problems, "more_problems": outcome.more_problems, "notes": outcome.notes,
            "seconds": outcome.seconds, "peak_mb": outcome.peak_mb, "hash": digest, "ran": True}


def run_batch(input_path, out_dir, *, config: str | None = None, mapping: str | None = None,
              options: RunOptions = RunOptions(), executor=None, force: bool = False,
              low_match_rate: float = LOW_MATCH_RATE, on_progress: Callable[[Progress], None] | None = None
              ) -> BatchResult:
    """Match every programme under `input_path` on its own, as `matcher match` would, into
    `out_dir`/<programme>/, then write summary.csv, summary.html and batch.json there:

    1. find the programmes (matcher/batch/discover.py); check the batch's own configuration;
    2. check `out_dir`: a directory outside the input, writable;
    3. read the previous run's batch.json: a programme whose inputs, configuration and options
       hash as before, and whose outputs are intact, is taken as it is (unless `force`);
    4. run the others on `executor` (LocalExecutor or DaskExecutor; default: a LocalExecutor),
       each one's output set written by the worker that ran it when the executor's processes
       share this machine's disk (`executor.shares_disk`), else here as it comes back; batch.json is saved every few seconds,
       so a batch killed half-way resumes where it stopped;
    5. write batch.json, summary.csv and summary.html (programmes pairing less than
       `low_match_rate` of their mentees are listed as needing attention).

    Raises BatchRejected (the batch cannot run at all) and io.outputset.OutputError (`out_dir`
    cannot be written). A programme's own trouble is its record's status, never an exception."""
    from .executors import LocalExecutor

    t0 = time.perf_counter()
    # 1. the programmes
    found = find_programmes(input_path, config=config, mapping=mapping)
    _check_batch_settings(found)
    # 2. the output directory
    out = _prepare_out(out_dir, input_path)
    # 3. what the previous run left
    previous = _read_state(out)
    records: dict[str, dict] = {}
    to_run: list[Programme] = []
    digests = {}
    for programme in found.programmes:
        digest = digests[programme.folder] = programme_hash(programme, options)
        before = previous.get(programme.folder)
        if not force and _reusable(before, digest, out):
            records[programme.folder] = {**before, "ran": False}
        else:
            to_run.append(programme)
    total = len(found.programmes)
    failed = sum(1 for r in records.values() if r["status"] not in DONE)

    def state() -> dict:
        return {p.folder: records[p.folder] for p in found.programmes if p.folder in records}

    last_save = time.perf_counter()
    first = None

    def finished(programme: Programme, outcome: Outcome) -> None:
        nonlocal failed, last_save, first
        if outcome.files is not None:  # solved where --out cannot be seen: written here
            write_outputs(out, programme, outcome, options.lang)
        entry = records[programme.folder] = record(outcome, digests[programme.folder])
        failed += entry["status"] not in DONE
        if time.perf_counter() - last_save > SAVE_EVERY:
            _write_state(out, state())
            last_save = time.perf_counter()
        if on_progress:
            elapsed = time.perf_counter() - t0
            first = elapsed if first is None else first
            on_progress(Progress(total, len(records), total - len(to_run), failed, elapsed, entry, first))

    if on_progress:
        on_progress(Progress(total, len(records), len(records), failed, 0.0))
    # 4. the programmes to run
    if to_run:
        own = executor is None
        executor = executor or LocalExecutor()
        try:
            run_all(executor, to_run, options, finished, out if getattr(executor, "shares_disk", False) else None)
        finally:
            _write_state(out, state())
            if own:
                executor.close()
    # 5. the summaries
    result = BatchResult(out, [records[p.folder] for p in found.programmes],
                         found.problems.render(options.lang), time.perf_counter() - t0)
    for name, data in summary_files(result, options, low_match_rate).items():
        atomic_write_bytes(out / name, data)
        result.files[name] = out / name
    result.files[STATE] = _write_state(out, state())
    return result


def run_all(executor, programmes: list[Programme], options: RunOptions,
            finished: Callable[[Programme, Outcome], None], out: Path | None = None) -> None:
    """Each programme through `executor`, `finished` called as each one comes back (in the
    order they finish). With `out`, each worker writes its programme's output set there itself
    (the executor's processes see --out under the same path), so the files never travel back
    to this process. An executor with `chunk` > 1 (Dask: each task costs the scheduler, the
    client and the worker's event loop some milliseconds) takes up to that many programmes a
    task, fewer when the batch is too small to keep every worker busy with whole chunks. A
    programme whose worker died, or whose chunk failed, is run again alone; failing alone, it
    is reported failed and the rest go on."""
    queue, suspects = deque(programmes), deque()
    where = () if out is None else (out,)
    size = max(1, min(getattr(executor, "chunk", 1), len(programmes) // (2 * max(1, executor.window))))
    inflight: dict[cf.Future, tuple[tuple[Programme, ...], bool, int]] = {}
    generation = 0  # of the local pool: a break seen from an older pool's futures restarts nothing
    while queue or suspects or inflight:
        alone = bool(suspects)
        while (suspects or (queue and not alone)) and len(inflight) < (1 if alone else executor.window):
            if alone:
                task = (suspects.popleft(),)
            else:
                task = tuple(queue.popleft() for _ in range(min(size, len(queue))))
            future = (executor.submit(run_programme, task[0], options, *where) if len(task) == 1 else
                      executor.submit(run_programmes, task, options, *where))
            inflight[future] = (task, alone, generation)
        done, _ = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
        for future in done:
            task, isolated, born = inflight.pop(future)
            try:
                result = future.result()
                outcomes = result if isinstance(result, list) else [result]
            except executor.crash_errors:
                if born == generation:
                    executor.restart()
                    generation += 1
                if not isolated:
                    suspects.extend(task)
                    continue
                outcomes = [Outcome(task[0].name, task[0].folder, FAILED,
                                    notes=[render("batch.worker_died", None, options.lang)])]
            except Exception as exc:  # a worker lost for good (Dask's KilledWorker), a lost connection
                if len(task) > 1:  # which programme of the chunk it was: each one alone tells
                    suspects.extend(task)
                    continue
                outcomes = [Outcome(task[0].name, task[0].folder, FAILED, notes=[
                    render("batch.crashed", {"error": exception_text(exc)}, options.lang)])]
            for programme, outcome in zip(task, outcomes):
                finished(programme, outcome)


def _check_batch_settings(found) -> None:
    """The batch's own configuration and mapping must be valid before anything runs: every
    programme without its own would be rejected for them. So must the district file be."""
    from ..config import load_config
    from ..io.mapping import load_mapping

    settings = ProblemReport()
    if found.config:
        load_config(found.config, settings)
    if found.mapping:
        load_mapping(found.mapping, settings)
    if settings.errors:
        raise BatchRejected(settings)
    if found.problems.errors and not (found.programmes and _only_row_problems(found.problems)):
        raise BatchRejected(found.problems)


def _only_row_problems(report: ProblemReport) -> bool:
    """Rows of a district file without a programme leave the others to run."""
    return all(p.code == "batch.no_program" for p in report.errors)


def _prepare_out(out_dir, input_path) -> Path:
    """A directory outside the input that is new, empty or an earlier batch's (its batch.json
    says so): the batch replaces summaries and folders in it, so nothing else may be there."""
    out, source = Path(out_dir), Path(input_path)
    real_out, real_in = Path(os.path.realpath(out)), Path(os.path.realpath(source))
    if out.exists() and not out.is_dir():
        raise OutputError("output.is_file", {"path": str(out)})
    if source.is_dir() and (real_out == real_in or real_in in real_out.parents):
        raise OutputError("batch.out_inside_input", {"path": str(out), "input": str(source)})
    if real_out in real_in.parents:
        raise OutputError("output.holds_input", {"path": str(out), "file": str(source)})
    if out.is_dir() and _state_doc(out) is None:
        try:
            present = sorted(entry.name for entry in os.scandir(out))
        except OSError as exc:
            raise OutputError("output.not_writable", {"path": str(out)}, exc) from None
        if present:
            raise OutputError("output.foreign_files", {"path": str(out), "files": [("", f) for f in present[:5]]})
    out = prepare_plain_dir(out)
    if not (out / STATE).exists():
        _write_state(out, {})  # the directory is a batch's from now on, also if this run is killed
    return out


def programme_hash(programme: Programme, options: RunOptions) -> str:
    """What a programme's outputs depend on: its files as named and their contents (or its
    rows of a district file), the options and the package version."""
    h = hashlib.sha256()

    def part(label: str, data: bytes) -> None:
        h.update(f"{label}:{len(data)}:".encode())
        h.update(data)

    part("version", __version__.encode())
    part("options", json.dumps(asdict(options), sort_keys=True).encode())
    part("folder", programme.folder.encode())
    part("problems", repr([(p.code, p.file, p.params) for p in programme.problems]).encode())
    for role in ("mentors", "mentees", "participants", "config", "mapping", "locks"):
        path = getattr(programme, role)
        part(role, (path or "").encode())
        if path and not (role == "participants" and programme.tables is not None):
            part(role, _file_digest(path))
    for table in programme.tables or []:
        part("table", json.dumps([table.label, table.sheet, table.role, table.headers, table.header_row, table.rows,
                                  table.uncached_formulas], ensure_ascii=False, default=repr).encode())
    return h.hexdigest()


def _file_digest(path: str) -> bytes:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:  # missing or unreadable: the worker reports it; its state is part of the hash
        return f"error {exc.errno}".encode()
    return h.hexdigest().encode()


def _reusable(before: dict | None, digest: str, out: Path) -> bool:
    if not before or before.get("hash") != digest or before.get("status") not in REUSABLE:
        return False
    if before["status"] in DONE:
        try:
            verify_output_set(out / before["folder"])
        except OutputError:  # outputs changed, missing or partial: run it again
            return False
    return True


def _state_doc(out: Path) -> dict | None:
    """The batch.json a batch left in out, or None when there is none of ours."""
    try:
        doc = json.loads((out / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != STATE_FORMAT or not isinstance(doc.get("programmes"), dict):
        return None
    return doc


def _read_state(out: Path) -> dict[str, dict]:
    """The previous run's records by output folder."""
    doc = _state_doc(out) or {"programmes": {}}
    return {k: v for k, v in doc["programmes"].items() if isinstance(v, dict) and "status" in v and "folder" in v}


def _write_state(out: Path, programmes: dict[str, dict]) -> Path:
    doc = {"format": STATE_FORMAT, "format_version": 1, "package_version": __version__, "programmes": programmes}
    path = out / STATE
    atomic_write_bytes(path, (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path
