"""`matcher batch` on a district of many small programmes: throughput with 1 and 2 worker
processes and on a Dask cluster of 2 worker processes (LocalCluster), each a whole
`matcher batch ... --force -q` process, measured from outside (wall time, peak memory).

Programme k is `matcher sample --mentees M --seed 1000+k` (M = 62 gives ~100 participants),
one folder each. Every run rewrites all outputs (--force); the Dask run's output folders are
compared with the 2-process run's, manifest by manifest (same bytes = same files).

    python benchmarks/batch.py                        # 1,000 programmes, README updated
    python benchmarks/batch.py --programmes 100       # 100 programmes, its own README table
    python benchmarks/batch.py --quick                # 20 programmes, README untouched
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import DATA_DIR, OUT_DIR, fmt_mb, fmt_seconds, measure  # noqa: E402

from matcher.sample import write_sample  # noqa: E402

SEED_BASE = 1000
RUNS = (("1 worker process", "local", 1), ("2 worker processes", "local", 2),
        ("Dask LocalCluster, 2 worker processes", "dask", 2))


def make_district(programmes: int, mentees: int) -> Path:
    root = DATA_DIR / f"batch-{programmes}x{mentees}"
    done = root / ".complete"
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        for k in range(programmes):
            write_sample(root / f"school{k + 1:04d}", n_mentees=mentees, seed=SEED_BASE + k)
        done.write_text("ok\n")
    return root


def run_batch(root: Path, executor: str, workers: int, tag: str, timeout: float) -> dict:
    out = OUT_DIR / f"batch-{tag}"
    if out.exists():
        shutil.rmtree(out)
    cmd = [*_bench.matcher_cli(), "batch", str(root), "--out", str(out), "--workers", str(workers), "--executor",
           executor, "--force", "-q", "--lang", "ru"]
    run = measure(cmd, timeout=timeout)
    if run.returncode not in (0, 5):
        raise SystemExit(f"matcher batch failed ({run.returncode}): {run.last_error_line()}")
    state = json.loads((out / "batch.json").read_text(encoding="utf-8"))["programmes"]
    records = list(state.values())
    participants = [r["numbers"].get("participants", 0) for r in records]
    return {"run": run, "out": out, "programmes": len(records),
            "done": sum(r["status"] in ("optimal", "unproven") for r in records),
            "participants": statistics.mean(participants) if participants else 0,
            "per_programme": statistics.median(r["seconds"] for r in records),
            "worker_peak_mb": max((r.get("peak_mb") or 0) for r in records),
            "worker_first_mb": statistics.median(sorted((r.get("peak_mb") or 0) for r in records)[:10])}


def same_outputs(a: Path, b: Path) -> bool:
    """Every programme folder of `a` has the same manifest (so the same files, byte for byte) in `b`."""
    folders = sorted(p.name for p in a.iterdir() if p.is_dir())
    return bool(folders) and all((a / f / "manifest.json").read_bytes() == (b / f / "manifest.json").read_bytes()
                                 for f in folders) and folders == sorted(p.name for p in b.iterdir() if p.is_dir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, default=1000, help="number of programmes (default 1,000)")
    parser.add_argument("--mentees", type=int, default=62, help="mentees per programme (62: ~100 participants)")
    parser.add_argument("--quick", action="store_true", help="20 programmes, README untouched")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per batch run")
    args = parser.parse_args()
    programmes = 20 if args.quick else args.programmes
    root = make_district(programmes, args.mentees)
    results = []
    for label, executor, workers in RUNS:
        tag = f"{programmes}-{executor}-{workers}"
        print(f"{label}: {programmes} programmes ...", file=sys.stderr, flush=True)
        results.append((label, run_batch(root, executor, workers, tag, args.timeout)))
    local2, dask2 = results[1][1], results[2][1]
    identical = same_outputs(local2["out"], dask2["out"])
    rows = []
    for label, r in results:
        wall = r["run"].wall
        rows.append([label, f"{r['done']} of {r['programmes']}", fmt_seconds(wall),
                     f"{r['programmes'] / wall:.1f}", fmt_seconds(r["per_programme"]),
                     fmt_mb(r["run"].peak_rss_mb), f"{fmt_mb(r['worker_first_mb'])} → {fmt_mb(r['worker_peak_mb'])}"])
    ratio = dask2["run"].wall / local2["run"].wall
    body = "\n\n".join([
        f"Command: `{_bench.command_line()}`",
        _bench.machine_line({"distributed": _bench.version_of("distributed")}),
        f"{programmes} programmes of {results[0][1]['participants']:.0f} participants on average "
        f"(`matcher sample --mentees {args.mentees}`, seeds {SEED_BASE}–{SEED_BASE + programmes - 1}); "
        "each run `matcher batch --force -q --lang ru` from start to end (worker start-up included).",
        _bench.markdown_table(["executor", "programmes done", "wall time", "programmes / s",
                               "per programme (median, in its worker)", "peak memory of the largest process",
                               "worker peak memory: first programmes → largest"], rows),
        f"Dask against 2 local worker processes: {ratio:.2f}× the wall time; outputs identical: "
        f"{'yes' if identical else 'NO'} (every programme's manifest.json, byte for byte)."])
    print(body)
    _bench.save_json(OUT_DIR / f"batch-{programmes}.json", {"results": results, "identical": identical})
    if not args.quick:
        _bench.update_readme(f"batch-{programmes}", body)


if __name__ == "__main__":
    main()
