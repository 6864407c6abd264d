"""Closing the loop (issue 14): which score components of the matching predicted good outcomes,
and what that suggests for next year's weights.

1. The outcome of a pair: the change of its effectiveness total from before to after the
   programme when both stages were imported (each pair's own starting level drops out), else
   the total after.
2. Per component: Spearman's rank correlation with the outcome, with a 95 % confidence
   interval (Fisher's z); and the partial rank correlation, holding the other components
   fixed (ranks regressed on the others' ranks, residuals correlated): components move
   together (shared interests are also a mirror wish), and only the partial one says which of
   them carries the outcome. Its p-value (t with n - 2 - others degrees of freedom) is
   corrected for testing every component at once (Holm).
3. A component is significant when its Holm-adjusted p is below `ALPHA`, and never with fewer
   than `MIN_PAIRS` pairs: then the findings are shown, labelled too few.
4. Suggested weights: a significantly positive component's weight times `RAISE`, a
   significantly negative one's times `LOWER`, the rest unchanged. A suggestion for the
   curator, never applied to a run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .indicators import NUMBERS

MIN_PAIRS = 20  # below this the analysis says "too few pairs" and calls nothing significant
ALPHA = 0.05
CONFIDENCE = 0.95
RAISE, LOWER = 1.5, 0.5
WEIGHT_STEP = 0.05  # suggested weights are rounded to this


def stage_total(entry: dict | None) -> int | None:
    """A pair's total at one stage (0..18), or None unless all nine indicators were scored."""
    if not entry or len(entry["scores"]) != len(NUMBERS):
        return None
    return sum(entry["scores"].values())


@dataclass
class Finding:
    component: str
    n: int
    rho: float | None = None           # Spearman's rank correlation with the outcome
    rho_ci: tuple[float, float] | None = None
    partial: float | None = None       # the same, the other components held fixed
    partial_ci: tuple[float, float] | None = None
    p: float | None = None             # of the partial correlation
    p_holm: float | None = None
    verdict: str = "none"              # positive | negative | none | too_few | constant | collinear


@dataclass
class Analysis:
    outcome: str                       # change | after | none (no after stage)
    n: int
    too_few: bool
    findings: list[Finding]
    min_pairs: int = MIN_PAIRS
    alpha: float = ALPHA

    @property
    def significant(self) -> list[str]:
        return [f.component for f in self.findings if f.verdict in ("positive", "negative")]


def outcomes(pairs: list[dict], stages: dict[str, dict]) -> tuple[str, list[tuple[dict, float]]]:
    """The outcome's kind and (pair, outcome) for every pair that has one."""
    before = (stages.get("before") or {}).get("pairs", {})
    after = (stages.get("after") or {}).get("pairs", {})
    if not after:
        return "none", []
    kind = "change" if before else "after"
    out = []
    for p in pairs:
        key = (p["mentee_id"], p["mentor_id"])
        total_after = stage_total(after.get(key))
        if total_after is None:
            continue
        if kind == "after":
            out.append((p, float(total_after)))
            continue
        total_before = stage_total(before.get(key))
        if total_before is not None:
            out.append((p, float(total_after - total_before)))
    return kind, out


def analyse(pairs: list[dict], stages: dict[str, dict], *, min_pairs: int = MIN_PAIRS,
            alpha: float = ALPHA) -> Analysis:
    """The findings for every score component the pairs carry (see the module docstring)."""
    from scipy import stats

    kind, rows = outcomes(pairs, stages)
    names = sorted({c for p, _ in rows for c in p["components"]})
    n = len(rows)
    too_few = n < min_pairs
    findings = [Finding(c, n) for c in names]
    if not rows or not names:
        return Analysis(kind, n, True, findings, min_pairs, alpha)
    y = stats.rankdata([o for _, o in rows])
    x = np.column_stack([stats.rankdata([p["components"].get(c, 0.0) for p, _ in rows]) for c in names])
    live = [j for j in range(len(names)) if np.ptp(x[:, j]) > 0]
    z_crit = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    tested = []
    for j, f in enumerate(findings):
        if j not in live:
            f.verdict = "constant"
            continue
        if np.ptp(y) > 0:
            f.rho = float(stats.spearmanr(x[:, j], y).statistic)
            f.rho_ci = _fisher_ci(f.rho, n - 3, z_crit)
        others = [k for k in live if k != j]
        df = n - 2 - len(others)
        if df < 2 or np.ptp(y) == 0:
            f.verdict = "too_few" if too_few else "none"
            continue
        design = np.column_stack([np.ones(n), x[:, others]])
        rx = _residual(design, x[:, j])
        ry = _residual(design, y)
        if rx.std() < 1e-9 * max(1.0, x[:, j].std()):
            f.verdict = "collinear"  # the component moves only with the others: no separate finding
            continue
        r = float(np.clip(np.corrcoef(rx, ry)[0, 1], -1.0, 1.0)) if ry.std() > 0 else 0.0
        f.partial = r
        f.partial_ci = _fisher_ci(r, df - 1, z_crit)
        t = r * math.sqrt(df / max(1e-300, 1.0 - r * r))
        f.p = float(2 * stats.t.sf(abs(t), df))
        tested.append(f)
    for f, adjusted in zip(tested, holm([f.p for f in tested])):
        f.p_holm = adjusted
        if too_few:
            f.verdict = "too_few"
        elif adjusted < alpha:
            f.verdict = "positive" if f.partial > 0 else "negative"
    return Analysis(kind, n, too_few, findings, min_pairs, alpha)


def _residual(design: np.ndarray, v: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(design, v, rcond=None)
    return v - design @ coef


def _fisher_ci(r: float, dof: int, z_crit: float) -> tuple[float, float] | None:
    """The confidence interval of a correlation through Fisher's z (standard error 1/sqrt(dof))."""
    if dof < 1:
        return None
    z = math.atanh(min(max(r, -0.999999), 0.999999))
    half = z_crit / math.sqrt(dof)
    return math.tanh(z - half), math.tanh(z + half)


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: each p times the number of hypotheses not yet rejected,
    made monotone, capped at 1 (in the input's order)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda k: p_values[k])
    adjusted, running = [0.0] * m, 0.0
    for rank, k in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[k]))
        adjusted[k] = running
    return adjusted


def suggested_weights(weights: dict[str, float], analysis: Analysis) -> dict[str, tuple[float, float, str]]:
    """{component: (current weight, suggested weight, verdict)} for every weight of the
    run's configuration (rule 4 of the module docstring)."""
    verdicts = {f.component: f.verdict for f in analysis.findings}
    out = {}
    for name, weight in weights.items():
        verdict = verdicts.get(name, "not_scored")
        factor = RAISE if verdict == "positive" else LOWER if verdict == "negative" else 1.0
        suggested = round(round(weight * factor / WEIGHT_STEP) * WEIGHT_STEP, 2) if factor != 1.0 else weight
        out[name] = (weight, suggested, verdict)
    return out
