"""A district's programmes in one run: `matcher batch INPUT --out DIR` (README, "District batch").

    from matcher.batch import run_batch, RunOptions, LocalExecutor, DaskExecutor
    result = run_batch("district", "results", options=RunOptions(lang="ru"), executor=LocalExecutor(2))
    result.records   # one per programme: status, numbers, problems; result.all_done

Each programme is matched on its own by the library's one-programme entry (`matcher.run`,
called by worker.run_programme) through an executor — worker processes here, or a Dask
cluster — the same function either way. Layer 5 (docs/architecture.md): above one run.
"""
from __future__ import annotations

from .discover import Programme, find_programmes
from .executors import DaskExecutor, ExecutorError, LocalExecutor
from .runner import BatchRejected, BatchResult, Progress, run_batch
from .worker import RunOptions, run_programme

__all__ = ["BatchRejected", "BatchResult", "DaskExecutor", "ExecutorError", "LocalExecutor", "Programme", "Progress",
           "RunOptions", "find_programmes", "run_batch", "run_programme"]
