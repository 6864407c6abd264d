"""Reading and validating questionnaires at scale: `matcher sample` writes the school,
`matcher validate` reads, maps, coerces and checks every row (each a measured subprocess).

    python benchmarks/ingest.py             # 100,000 mentees (~160k participants), README updated
    python benchmarks/ingest.py --quick     # 2,000 mentees, README untouched
    python benchmarks/ingest.py --xlsx      # also the same school as one XLSX workbook
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import DATA_DIR, OUT_DIR, fmt_mb, fmt_seconds, measure  # noqa: E402


def count_rows(path: Path) -> int:
    with open(path, encoding="utf-8-sig") as f:
        return max(0, sum(1 for _ in f) - 1)


def problems(run: _bench.Run) -> str:
    m = re.findall(r"(\d+) error\(s\), (\d+) warning\(s\)", run.stdout + run.stderr)
    return f"{m[-1][0]} errors, {m[-1][1]} warnings" if m else "-"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--mentees", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="validate runs for the median (when under 60 s)")
    ap.add_argument("--xlsx", action="store_true", help="also measure one XLSX workbook of the same school")
    ap.add_argument("--wall-limit", type=float, default=1800.0)
    ap.add_argument("--no-readme", action="store_true")
    args = ap.parse_args(argv)
    n = 2000 if args.quick else args.mentees
    repeat = 1 if args.quick else args.repeat
    cli = _bench.matcher_cli()
    headers = ["step", "rows", "wall time", "peak RSS", "exit code", "problems found", "command"]
    rows = []

    formats = ["csv"] + (["xlsx"] if args.xlsx else [])
    for fmt in formats:
        d = DATA_DIR / f"ingest-{n}-{fmt}"
        if d.exists():
            shutil.rmtree(d)
        gen_cmd = [*cli, "sample", "--mentees", str(n), "--out", str(d), "--format", fmt]
        gen = measure(gen_cmd, timeout=args.wall_limit)
        print(f"sample ({fmt}): {fmt_seconds(gen.wall)}, {fmt_mb(gen.peak_rss_mb)}, exit {gen.returncode}", flush=True)
        if fmt == "csv":
            files = ["--mentors", str(d / "mentors.csv"), "--mentees", str(d / "mentees.csv")]
            n_rows = count_rows(d / "mentors.csv") + count_rows(d / "mentees.csv") if gen.ok else 0
        else:
            files = ["--participants", str(d / "school.xlsx")]
            n_rows = None
        rows.append([f"`matcher sample` ({fmt.upper()})", f"{n_rows:,}" if n_rows else "-",
                     fmt_seconds(gen.wall), fmt_mb(gen.peak_rss_mb), gen.returncode, "-",
                     "`" + " ".join(["matcher", *gen_cmd[len(cli):]]).replace(str(_bench.REPO) + "/", "") + "`"])
        if not gen.ok:
            continue
        val_cmd = [*cli, "validate", *files]
        runs = []
        while len(runs) < repeat:
            run = measure(val_cmd, timeout=args.wall_limit)
            runs.append(run)
            print(f"validate ({fmt}): {fmt_seconds(run.wall)}, {fmt_mb(run.peak_rss_mb)}, exit {run.returncode}, "
                  f"{problems(run)}", flush=True)
            if run.timed_out or run.wall > 60 or "Traceback" in run.stderr:
                break
        run = _bench.median_run(runs)
        wall = fmt_seconds(run.wall) if not run.timed_out else f"did not finish in {args.wall_limit:.0f} s"
        if len(runs) > 1:
            wall += f" (median of {len(runs)})"
        code = run.returncode if "Traceback" not in run.stderr else f"{run.returncode}: {run.last_error_line()[:120]}"
        rows.append([f"`matcher validate` ({fmt.upper()})", f"{n_rows:,}" if n_rows else "-", wall,
                     fmt_mb(run.peak_rss_mb), code, problems(run),
                     "`" + " ".join(["matcher", *val_cmd[len(cli):]]).replace(str(_bench.REPO) + "/", "") + "`"])
        _bench.save_json(OUT_DIR / f"ingest-{n}-{fmt}.json", {"sample": gen, "validate": runs})

    body = "\n\n".join([f"Command: `{_bench.command_line()}`", _bench.machine_line(),
                        _bench.markdown_table(headers, rows),
                        "Exit code 1 = the validator found errors in the generated rows (it reports every one "
                        "and still reads the whole file)."])
    print(body)
    if not args.quick and not args.no_readme:
        _bench.update_readme("ingest", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
