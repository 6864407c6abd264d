"""Shared helpers of the benchmark scripts: measured subprocesses, machine facts, README tables.

Every measured step runs as its own subprocess, so wall time and peak memory belong to
that step alone. Peak RSS is the child's own: a small launcher (_spawn.py) forks it and
reports wait4()'s ru_maxrss of that one child. Spawned straight from the driver, a child's
figure would be floored at the driver's own peak (Linux carries the replaced address
space's peak across exec, and a spawned child's is the driver's).
"""
from __future__ import annotations

import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "_data"
OUT_DIR = BENCH_DIR / "_out"
README = BENCH_DIR / "README.md"


@dataclass
class Run:
    """One measured subprocess."""

    cmd: list[str]
    wall: float  # seconds
    peak_rss_mb: float  # peak resident set of the child, MiB
    returncode: int | None  # None: killed at the time limit
    stdout: str = ""
    stderr: str = ""

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def last_error_line(self) -> str:
        lines = [ln for ln in self.stderr.strip().splitlines() if ln.strip()]
        return lines[-1].strip() if lines else f"exit code {self.returncode}"


def measure(cmd: list[str], *, timeout: float | None = None, cwd: str | Path | None = None,
            env: dict | None = None) -> Run:
    """Run `cmd`, return its wall time and peak RSS. At `timeout` the whole process group
    is killed and returncode is None."""
    out_path = OUT_DIR / f".stdout.{os.getpid()}"
    err_path = OUT_DIR / f".stderr.{os.getpid()}"
    rss_path = OUT_DIR / f".rss.{os.getpid()}"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    rss_path.unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-S", str(BENCH_DIR / "_spawn.py"), str(rss_path)]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*launcher, *[str(c) for c in cmd]], stdout=out, stderr=err, cwd=cwd, env=env,
                                start_new_session=True, close_fds=True)
        deadline = None if timeout is None else t0 + timeout
        status = rusage = None
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, rusage = os.wait4(proc.pid, 0)
                status = None
                break
            time.sleep(0.005)
        wall = time.perf_counter() - t0
    proc.returncode = -1  # reaped by wait4 above; keep Popen from waiting again
    code = None if status is None else os.waitstatus_to_exitcode(status)
    try:
        peak_kib = int(rss_path.read_text().strip())
    except (OSError, ValueError):  # killed at the time limit before the launcher could report
        peak_kib = rusage.ru_maxrss
    run = Run(cmd=[str(c) for c in cmd], wall=wall, peak_rss_mb=peak_kib / 1024.0,
              returncode=code, stdout=out_path.read_text(errors="replace"),
              stderr=err_path.read_text(errors="replace"))
    for path in (out_path, err_path, rss_path):
        path.unlink(missing_ok=True)
    return run


def median_run(runs: list[Run]) -> Run:
    """The run with the median wall time (its own peak memory goes with it)."""
    ordered = sorted(runs, key=lambda r: r.wall)
    return ordered[(len(ordered) - 1) // 2]


def median(values: list[float]) -> float:
    return statistics.median(values)


def rejection(run: Run) -> str:
    """The problems a CLI run printed when it rejected its input (exit 1 without a
    traceback); empty if it did not reject the input."""
    if run.returncode != 1 or "Traceback" in run.stderr:
        return ""
    return "; ".join(ln.strip() for ln in run.stderr.splitlines() if ": error:" in ln)[:300] or "input rejected"


def progress_stages(stderr: str) -> dict[str, float]:
    """`matcher match` progress lines ("matching... (0.7 s)": stage start times) -> seconds per stage."""
    marks = [(m.group(1), float(m.group(2))) for m in re.finditer(r"^(.+?)\.\.\. \((\d+(?:\.\d+)?) s\)\s*$", stderr, re.M)]
    return {name: (marks[k + 1][1] - t if k + 1 < len(marks) else None) for k, (name, t) in enumerate(marks)}


def matcher_cli() -> list[str]:
    """The `matcher` command of the running interpreter's environment."""
    script = Path(sys.executable).with_name("matcher")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "matcher.cli"]


def cli_has(command: str) -> bool:
    """Whether `matcher <command>` exists and answers --help."""
    try:
        res = subprocess.run([*matcher_cli(), command, "--help"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return res.returncode == 0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def source_state() -> str:
    """The commit measured, and whether the work tree differed from it (read-only git)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "matcher"],
                               cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return f"{head}{' + uncommitted changes in matcher/' if dirty else ''}" if head else "unknown"


def machine_line(extra_versions: dict[str, str] | None = None) -> str:
    versions = {"Python": platform.python_version()}
    for dist in ("mentor-matcher", "numpy", "scipy", "ortools", "pydantic", "openpyxl"):
        versions[dist] = version_of(dist)
    versions.update(extra_versions or {})
    vs = ", ".join(f"{k} {v}" for k, v in versions.items())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Machine: {os.cpu_count()} cores (`nproc`), {cpu_model()}, {mem_total_gb():.0f} GB RAM, "
            f"{platform.system()} {platform.release()}; load average when the table was written: {load} "
            f"(other work on the machine adds noise). Source: {source_state()}. Versions: {vs}.")


def python_version_of(python: str) -> str:
    try:
        res = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, timeout=60)
        return res.stdout.strip() or "?"
    except OSError:
        return "?"


def dist_version_in(python: str, dist: str) -> str:
    """Version of a distribution installed in another interpreter's environment."""
    code = f"from importlib import metadata; print(metadata.version({dist!r}))"
    try:
        res = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
    except OSError:
        return "-"
    return res.stdout.strip() if res.returncode == 0 else "-"


def command_line() -> str:
    """The command that ran this script, for the README (relative to the repository)."""
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(REPO)
    except ValueError:
        pass
    return " ".join(["python", str(script), *map(shlex.quote, sys.argv[1:])])


def markdown_table(headers: list[str], rows: list[list]) -> str:
    def cell(v) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def update_readme(section: str, body: str, readme: Path = README) -> None:
    """Replace the text between `<!-- BEGIN section -->` and `<!-- END section -->`."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    begin, end = f"<!-- BEGIN {section} -->", f"<!-- END {section} -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def save_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=_jsonable), encoding="utf-8")


def _jsonable(obj):
    if isinstance(obj, Run):
        d = asdict(obj)
        d["stdout"], d["stderr"] = d["stdout"][-2000:], d["stderr"][-2000:]
        return d
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "-"
    if s < 1:
        return f"{s:.2f} s"
    if s < 100:
        return f"{s:.1f} s"
    return f"{s:.0f} s"


def fmt_mb(mb: float | None) -> str:
    if mb is None:
        return "-"
    return f"{mb / 1024:.2f} GB" if mb >= 1024 else f"{mb:.0f} MB"


@dataclass
class Timer:
    """Wall-clock sections inside one process (for the profile breakdowns)."""

    sections: dict[str, float] = field(default_factory=dict)

    def section(self, name: str):
        timer = self

        class _Ctx:
            def __enter__(self):
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                timer.sections[name] = timer.sections.get(name, 0.0) + time.perf_counter() - self.t

        return _Ctx()
