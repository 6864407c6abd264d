"""Psychological compatibility from the psych_* scales.

002: the psychologist runs «тесты на выявление психологической совместимости»; 004 names
«психологические характеристики». Scales are normalised to 0..1 by their range in the
input (arrays.build_roster). Per scale the fit is similarity 1 - |a - b|, or
complementarity |a - b| for the scales listed in [psych].complementary (leader – passive).
Score = mean fit over the scales both people have; none in common: neutral 0.5.
"""
from __future__ import annotations

import math

import numpy as np

from ..i18n import register
from ._util import row_kinds

NAME = "psych"
NEUTRAL = 0.5

# Scales are named by their id (psych_<id>); the presenter shows the configuration's title
# ([psych.scales], results.scale_title) for the parameters scale, best_scale, worst_scale, scales.
register({
    "psych.fit": ("лучшая совместимость по шкале «{best_scale}» ({best_fit}\u00a0%), худшая — по шкале "
                  "«{worst_scale}» ({worst_fit}\u00a0%)",
                  "best fit on the scale '{best_scale}' ({best_fit}%), worst on '{worst_scale}' ({worst_fit}%)"),
    "psych.even": ("одинаковая совместимость по всем общим шкалам ({fit}\u00a0%): {scales}",
                   "the same fit on every common scale ({fit}%): {scales}"),
    "psych.single": ("совместимость по шкале «{scale}»: {fit}\u00a0%", "fit on the scale '{scale}': {fit}%"),
    "psych.unknown": ("нет общих психологических шкал", "no psychological scales in common"),
})


def applies(roster) -> bool:
    """Informative only if some scale was measured on both sides."""
    a, b = roster.mentees.psych, roster.mentors.psych
    return bool(a.size and b.size and (~np.isnan(a).all(axis=0) & ~np.isnan(b).all(axis=0)).any())


def _fit(a: np.ndarray, b: np.ndarray, complementary: np.ndarray) -> np.ndarray:
    """Per-scale fit, nan where either value is missing."""
    diff = np.abs(a - b)
    return np.where(complementary, diff, 1 - diff)


def kinds(roster):
    return row_kinds(roster.mentees.psych), row_kinds(roster.mentors.psych)


def score(roster, mentee, mentor):
    shape = np.broadcast_shapes(np.shape(mentee), np.shape(mentor))
    if not roster.psych_scales or not applies(roster):
        return np.full(shape, NEUTRAL, dtype=np.float32)
    a_all = roster.mentees.psych.astype(np.float32)
    b_all = roster.mentors.psych.astype(np.float32)
    # Scale by scale in float32, in scale order (what a sum over each pair's scales adds up).
    total = np.zeros(shape, dtype=np.float32)
    common = np.zeros(shape, dtype=np.int64)
    for k, complementary in enumerate(roster.psych_complementary):
        fit = _fit(a_all[mentee, k], b_all[mentor, k], complementary)
        known = ~np.isnan(fit)
        total += np.where(known, fit, np.float32(0))
        common += known
    out = np.where(common > 0, total.astype(np.float64) / np.maximum(common, 1), NEUTRAL)
    return np.clip(out.astype(np.float32), 0.0, 1.0)


def _label(scale: str) -> str:
    return scale.removeprefix("psych_")


def explain(roster, mentee, mentor):
    return explain_pairs(roster, [int(mentee)], [int(mentor)])[0]


def explain_pairs(roster, mentees, mentors) -> list[tuple[str, dict]]:
    """`explain` of many pairs at once: every pair's fits in one array operation."""
    fits = _fit(roster.mentees.psych[np.asarray(mentees, dtype=np.int64)],
                roster.mentors.psych[np.asarray(mentors, dtype=np.int64)], roster.psych_complementary)
    labels = [_label(scale) for scale in roster.psych_scales]
    return [_explain(row, labels) for row in fits.tolist()]


def _explain(fit: list[float], labels: list[str]) -> tuple[str, dict]:
    have = [k for k, x in enumerate(fit) if not math.isnan(x)]
    if len(have) == 0:
        return "psych.unknown", {}
    names = [labels[k] for k in have]
    values = [int(round(100 * fit[k])) for k in have]
    if len(have) == 1:
        return "psych.single", {"scale": names[0], "fit": values[0]}
    best = values.index(max(values))  # the first best scale, the last worst one
    worst = len(values) - 1 - values[::-1].index(min(values))
    if values[best] == values[worst]:
        return "psych.even", {"fit": values[best], "scales": names}
    return "psych.fit", {"best_scale": names[best], "best_fit": values[best],
                         "worst_scale": names[worst], "worst_fit": values[worst]}
