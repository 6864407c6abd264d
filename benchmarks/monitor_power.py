"""How often the monitoring analysis finds a planted effect, and how often it finds one that is
not there (README, "The programme's year: monitoring").

The sample school is matched once; for each seed, synthetic monitoring (matcher/monitor/
synthetic.py) with the effect planted on one component and with none; the analysis
(matcher/monitor/analysis.py) is run on both. Counts, not times.

    python benchmarks/monitor_power.py                       # 300 mentees, 200 seeds, effect on interests
    python benchmarks/monitor_power.py --effect psych --seeds 50
"""
from __future__ import annotations

import argparse
from collections import Counter

from matcher.config import load_config
from matcher.monitor.analysis import analyse
from matcher.monitor.synthetic import synthetic_stages
from matcher.pipeline import match
from matcher.results import result_document
from matcher.sample import generate_school


def as_stages(rows_by_stage: dict[str, list[dict]]) -> dict[str, dict]:
    """synthetic_stages' rows as history.queries.monitoring gives them back."""
    return {stage: {"pairs": {(r["mentee_id"], r["mentor_id"]): {
        "scores": r["scores"], "satisfaction": {who: (v, 10) for who, v in r["satisfaction"].items()}}
        for r in rows}} for stage, rows in rows_by_stage.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentees", type=int, default=300)
    parser.add_argument("--school-seed", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--effect", default="interests")
    args = parser.parse_args()
    doc = result_document(match(generate_school(args.mentees, seed=args.school_seed), load_config(), time_limit=60))
    pairs = [{"mentee_id": p["mentee_id"], "mentor_id": p["mentor_id"],
              "components": {name: c["value"] for name, c in p["components"].items()}} for p in doc["pairs"]]
    found = alone = clean = 0
    false_findings: Counter = Counter()
    for seed in range(args.seeds):
        planted = analyse(pairs, as_stages(synthetic_stages(pairs, args.effect, seed))).significant
        found += args.effect in planted
        alone += planted == [args.effect]
        nothing = analyse(pairs, as_stages(synthetic_stages(pairs, None, seed))).significant
        clean += not nothing
        false_findings.update(nothing)
    print(f"{len(pairs)} pairs, {args.seeds} seeds; effect on {args.effect}: found {found}, alone {alone}; "
          f"no effect: nothing found {clean} (false findings: {dict(sorted(false_findings.items()))})")


if __name__ == "__main__":
    main()
