"""Soft score components, one module each, every value in 0..1.

Every component module exposes:

    NAME: str                 component name, also its weight key in [weights]
    def score(roster, mentee, mentor) -> np.ndarray[float32]
        0..1 for each pair; `mentee`, `mentor` int64 index arrays of equal length.
        Bulk numpy, no Python loop per pair.
    def explain(roster, mentee: int, mentor: int) -> tuple[str, dict]
        a reason code and its parameters for one pair (one line for the consilium,
        e.g. ("interests.shared", {"shared": ["шахматы"], "count": 1})).
    def applies(roster) -> bool     (optional; True when absent)
        whether the roster holds the data the component is about (anyone ranked, any
        psych scale on both sides, ...). A component that does not apply gives the same
        neutral value to every pair; passing the roster to `weights_vector` / `total_score`
        leaves it out of the weighted mean, so missing data does not shift every total.

Weights come from the configuration; a weight of 0 switches a component off.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np

from . import availability, interests, mirror, needs, psych, ranking

COMPONENTS: list[ModuleType] = [interests, needs, mirror, psych, ranking, availability]
COMPONENT_NAMES: list[str] = [c.NAME for c in COMPONENTS]


def component_applies(comp: ModuleType, roster) -> bool:
    check = getattr(comp, "applies", None)
    return True if check is None else bool(check(roster))


def weights_vector(config, roster=None) -> np.ndarray:
    """Configured weights in COMPONENTS order; with a roster, components that do not apply
    to it weigh 0 (unless none applies, then the configured weights stand)."""
    w = np.array([getattr(config.weights, name) for name in COMPONENT_NAMES], dtype=np.float64)
    if roster is not None:
        live = w * np.array([component_applies(c, roster) for c in COMPONENTS], dtype=np.float64)
        if live.sum() > 0:
            return live
    return w


def component_matrix(roster, mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    """[E, C] float32 of every component of positive weight (columns of weight 0 stay zero)."""
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    w = weights_vector(roster.config)
    out = np.zeros((len(mentee), len(COMPONENTS)), dtype=np.float32)
    for k, comp in enumerate(COMPONENTS):
        if w[k] > 0 and len(mentee):
            value = np.nan_to_num(comp.score(roster, mentee, mentor), nan=0.0)
            out[:, k] = np.clip(value, 0.0, 1.0)
    return out


def total_score(components: np.ndarray, config, roster=None) -> np.ndarray:
    """Weighted mean of components, 0..1 (weights normalised to sum 1). Pass the roster to
    leave out components that do not apply to it (see `weights_vector`)."""
    w = weights_vector(config, roster)
    if w.sum() <= 0:
        return np.zeros(len(components), dtype=np.float64)
    return np.clip(components.astype(np.float64) @ (w / w.sum()), 0.0, 1.0)
