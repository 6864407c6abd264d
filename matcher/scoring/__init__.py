"""Soft score components, one module each, every value in 0..1.

Every component module exposes:

    NAME: str                 component name, also its weight key in [weights]
    def score(roster, mentee, mentor) -> np.ndarray[float32]
        0..1 for each pair; `mentee`, `mentor` int64 index arrays of equal length.
        Bulk numpy, no Python loop per pair.
    def explain(roster, mentee: int, mentor: int) -> tuple[str, dict]
        a reason code and its parameters for one pair (one line for the consilium,
        e.g. ("interests.shared", {"shared": ["шахматы"], "count": 1})).

Weights come from the configuration; a weight of 0 switches a component off.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np

from . import availability, interests, mirror, needs, psych, ranking

COMPONENTS: list[ModuleType] = [interests, needs, mirror, psych, ranking, availability]
COMPONENT_NAMES: list[str] = [c.NAME for c in COMPONENTS]


def weights_vector(config) -> np.ndarray:
    return np.array([getattr(config.weights, name) for name in COMPONENT_NAMES], dtype=np.float64)


def component_matrix(roster, mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    """[E, C] float32 of every active component (columns of weight 0 stay zero)."""
    w = weights_vector(roster.config)
    out = np.zeros((len(mentee), len(COMPONENTS)), dtype=np.float32)
    for k, comp in enumerate(COMPONENTS):
        if w[k] > 0 and len(mentee):
            out[:, k] = np.clip(comp.score(roster, mentee, mentor), 0.0, 1.0)
    return out


def total_score(components: np.ndarray, config) -> np.ndarray:
    """Weighted mean of components, 0..1 (weights normalised to sum 1)."""
    w = weights_vector(config)
    if w.sum() <= 0:
        return np.zeros(len(components), dtype=np.float64)
    return components.astype(np.float64) @ (w / w.sum())
