"""A synthetic year of monitoring (`matcher monitor sample`): the effectiveness table of every
pair of a recorded run, before and after the programme, with a known planted effect.

Each pair has a latent level of its own (the same at both stages) and each indicator adds
noise; after the programme every pair grows a little, and with an effect the pairs whose
chosen score component is higher grow more (by `EFFECT` standard deviations of the latent
per standard deviation of the component). The latent is cut into 0 / 1 / 2 points at
`CUTS`. Satisfaction (1..10) follows the pair's level at the stage. `effect=None` plants
nothing: the analysis should then find no component significant. The same pairs, effect and
seed always give the same files.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..history import History
from ..history.queries import run_pairs, select_year
from ..i18n import register
from ..io.writers import atomic_write_bytes, csv_bytes
from .indicators import NUMBERS

PAIR_LEVEL = 0.7   # spread of the pairs' own level (shared by all indicators and both stages)
NOISE = 0.6        # each indicator's own noise, per stage
GROWTH = 0.6       # every pair's growth from before to after
EFFECT = 0.3       # the planted effect: growth per standard deviation of the component
CUTS = (-0.9, 0.6)  # latent below the first: 0 points; below the second: 1; else 2
SATISFIED = 6.5    # a pair's satisfaction at a latent level of 0 (before the programme, an average pair)
SATISFACTION_MAX = 10
COLUMNS = ("mentee_id", "mentor_id", *(f"i{k}" for k in NUMBERS), "mentee_satisfaction", "mentor_satisfaction")
STAGES = ("before", "after")

register({
    "monitor.unknown_effect": ("нет такой составляющей оценки пар: «{effect}»; у пар этого подбора есть: {known} "
                               "(или none — без эффекта)",
                               "no score component '{effect}'; the pairs of this run have: {known} (or none: no "
                               "effect)"),
    "monitor.no_pairs": ("в последнем подборе программы «{programme}» за {year} учебный год нет ни одной пары",
                         "the last matching of the programme '{programme}' for the school year {year} has no pairs"),
})


class SampleError(Exception):
    def __init__(self, code: str, params: dict):
        super().__init__(code)
        self.code, self.params = code, params


def synthetic_stages(pairs: list[dict], effect: str | None, seed: int) -> dict[str, list[dict]]:
    """Rows of both stages for `pairs` (run_pairs' records): mentee_id, mentor_id, scores
    {indicator: 0..2}, satisfaction {"mentee", "mentor": 1..10}. `effect`: the component whose
    value raises the growth, or None."""
    rng = np.random.default_rng(seed)
    n, k = len(pairs), len(NUMBERS)
    level = PAIR_LEVEL * rng.standard_normal(n)
    boost = np.zeros(n)
    if effect is not None:
        value = np.array([p["components"].get(effect, 0.0) for p in pairs], dtype=np.float64)
        spread = value.std()
        if spread > 0:
            boost = EFFECT * (value - value.mean()) / spread
    out = {}
    for stage, shift in zip(STAGES, (np.zeros(n), GROWTH + boost)):
        latent = (level + shift)[:, None] + NOISE * rng.standard_normal((n, k))
        scores = np.searchsorted(np.array(CUTS), latent)  # 0, 1 or 2 points
        mood = level + shift
        satisfaction = np.clip(np.rint(SATISFIED + 1.5 * mood[:, None] + 1.2 * rng.standard_normal((n, 2))),
                               1, SATISFACTION_MAX).astype(int)
        out[stage] = [{"mentee_id": p["mentee_id"], "mentor_id": p["mentor_id"],
                       "scores": dict(zip(NUMBERS, map(int, scores[i]))),
                       "satisfaction": {"mentee": int(satisfaction[i, 0]), "mentor": int(satisfaction[i, 1])}}
                      for i, p in enumerate(pairs)]
    return out


def stage_csv(rows: list[dict]) -> bytes:
    """One stage in the monitoring import format: a row per pair, i1..i9 and both
    satisfactions."""
    return csv_bytes(COLUMNS, [[r["mentee_id"], r["mentor_id"], *(r["scores"][k] for k in NUMBERS),
                                r["satisfaction"].get("mentee"), r["satisfaction"].get("mentor")] for r in rows],
                     encoding="utf-8-sig")


def write_sample_monitoring(history_path, out_dir, *, programme: str | None = None, year: str | None = None,
                            effect: str | None = "interests", seed: int = 1) -> list[Path]:
    """before.csv and after.csv in `out_dir` for the last recorded run of the programme's year
    (the only programme and latest year unless named). HistoryError when the history has no
    such run; SampleError for an effect the run's pairs have no component of, or no pairs."""
    with History.open(history_path) as history:
        programme, year, run_id = select_year(history, programme, year)
        pairs = run_pairs(history, run_id)
    if not pairs:
        raise SampleError("monitor.no_pairs", {"programme": programme, "year": year})
    known = sorted({c for p in pairs for c in p["components"]})
    if effect is not None and effect not in known:
        raise SampleError("monitor.unknown_effect", {"effect": effect, "known": known})
    stages = synthetic_stages(pairs, effect, seed)
    out = Path(out_dir)
    written = []
    for stage in STAGES:
        atomic_write_bytes(out / f"{stage}.csv", stage_csv(stages[stage]))
        written.append(out / f"{stage}.csv")
    return written
