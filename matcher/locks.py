"""Consilium decisions from a file: locks (must pair) and forbids (never pair)."""
from __future__ import annotations

from .problems import ProblemReport


def load_pair_specs(path):
    return [], ProblemReport()
