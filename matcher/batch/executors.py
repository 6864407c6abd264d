"""Where a batch's programmes run: worker processes on this machine, or a Dask cluster.

Both give the batch a `concurrent.futures` executor that calls the same function,
`worker.run_programme`, with the same arguments; the batch never knows which one it has.
Worker processes start once for the whole batch and import matcher once each, so a programme
costs its own work, not an interpreter's start.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
from concurrent.futures.process import BrokenProcessPool

from ..i18n import register

register({
    "batch.no_dask": ("для --executor dask нужен пакет distributed: pip install 'mentor-matcher[dask]'",
                      "--executor dask needs the package distributed: pip install 'mentor-matcher[dask]'"),
    "batch.no_scheduler": ("не удаётся подключиться к планировщику Dask {address}: {error}",
                           "cannot connect to the Dask scheduler {address}: {error}"),
    "batch.shared_out_alone": (
        "--shared-out ставится вместе с --executor dask --scheduler АДРЕС: рабочие процессы этого компьютера и "
        "локальный кластер Dask и так сами записывают результаты в --out",
        "--shared-out goes with --executor dask --scheduler ADDRESS: this machine's worker processes and the local "
        "Dask cluster write the results under --out themselves anyway"),
})


# The local cluster's housekeeping, made rarer: on 2 cores the scheduler, nannies and workers'
# event loops took ~14 % of the CPU beside ~0.2 s programmes (benchmarks/batch.py). Dask's
# sampling profiler (every 10 ms) slowed each programme by half; the event-loop tick (20 ms),
# system monitor (0.5 s) and memory monitor (0.1 s) cost more than they tell a batch of
# independent programmes; work stealing has nothing to balance when the batch hands out two
# programmes per worker thread at a time. A memory limit is still enforced, once a second.
LOCAL_CLUSTER_SETTINGS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
}
WINDOW_REFRESH = 5.0  # seconds between asking a Dask scheduler how many worker threads it has
# Programmes a Dask task takes: each task costs the scheduler, the client and the worker's event
# loop a few milliseconds of the same cores (1,000 programmes on 2 cores: 1.18x the local run
# with one programme a task, 1.09x with four).
DASK_CHUNK = 4


class ExecutorError(Exception):
    """The executor cannot start (no Dask, no scheduler): a message code and its parameters."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code, self.params = code, dict(params or {})


def warm_worker() -> None:
    """Import the whole run once per worker process, before its first programme."""
    from .worker import warm

    warm()


class LocalExecutor:
    """`workers` processes on this machine (default: one per core), started on first use.

    A process that dies (killed for memory, a crash in native code) breaks the pool;
    `restart()` starts a fresh one and the batch runs the programmes it was running again,
    one at a time, to find the one that killed it."""

    crash_errors = (BrokenProcessPool,)
    shares_disk = True  # the workers write each programme's outputs under --out themselves

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: cf.ProcessPoolExecutor | None = None

    @property
    def window(self) -> int:
        """Programmes handed out at once: enough to keep every worker busy, few enough that
        finished output sets never pile up in memory."""
        return 2 * self.workers

    def submit(self, fn, *args) -> cf.Future:
        if self._pool is None:
            # spawn: a clean interpreter per worker (no fork of a parent holding solver threads)
            self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=warm_worker)
        return self._pool.submit(fn, *args)

    def restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """The programmes on a Dask cluster: the scheduler at `scheduler` (tcp://host:8786), an
    existing `client`, or, with neither, a local cluster of `workers` processes. The cluster's
    workers must see the input files under the same paths. On the local cluster (or with
    `shares_disk=True`: the workers see --out under the same path too) each worker writes its
    programme's outputs; otherwise the outputs come back to this process, which writes them.
    The local cluster runs with LOCAL_CLUSTER_SETTINGS (on a cluster of your own, the same
    settings in the workers' configuration save the same share of the time). Dask retries a
    task whose worker died and gives up after its `allowed-failures`: that programme is then
    reported failed."""

    crash_errors = ()
    chunk = DASK_CHUNK  # programmes a task (runner.run_all): a task's own cost spread over several

    def __init__(self, scheduler: str | None = None, *, client=None, workers: int | None = None,
                 shares_disk: bool = False):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("batch.no_dask") from None
        self._own: list = []
        if client is None:
            try:
                if scheduler:
                    client = Client(scheduler, timeout="20s")
                else:
                    import dask

                    with dask.config.set(LOCAL_CLUSTER_SETTINGS):
                        cluster = LocalCluster(n_workers=max(1, workers or os.cpu_count() or 1),
                                               threads_per_worker=1, processes=True, dashboard_address=None)
                    self._own.append(cluster)
                    client = Client(cluster)
                    shares_disk = True
            except (OSError, TimeoutError) as exc:
                self.close()
                raise ExecutorError("batch.no_scheduler", {"address": scheduler or "local", "error": str(exc)}) \
                    from None
            self._own.insert(0, client)
        self.client, self.shares_disk = client, shares_disk
        self._window, self._window_at = 0, float("-inf")
        self._executor = client.get_executor(pure=False)

    @property
    def window(self) -> int:
        """Two programmes per worker thread of the cluster, asked of the scheduler at most
        every few seconds (workers may join or leave; one round trip per submission would
        cost more than the task's own bookkeeping)."""
        now = time.monotonic()
        if now - self._window_at > WINDOW_REFRESH:
            self._window = 2 * max(1, sum(self.client.nthreads().values()))
            self._window_at = now
        return self._window

    def submit(self, fn, *args) -> cf.Future:
        return self._executor.submit(fn, *args)

    def restart(self) -> None:  # Dask replaces dead workers itself
        pass

    def close(self) -> None:
        for thing in self._own:
            thing.close()
        self._own = []
