"""mentor-matcher: mentoring pairs and groups for schools, proven optimal and explained.

    import matcher
    ingest = matcher.load(mentors="mentors.csv", mentees="mentees.csv")
    done = matcher.run(ingest, matcher.load_config(), "results")   # what `matcher match` does
    result = matcher.match(ingest.participants, matcher.load_config())   # the solved result only
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "run": ("matcher.pipeline", "run"),
    "match": ("matcher.pipeline", "match"),
    "load": ("matcher.io", "load"),
    "load_config": ("matcher.config", "load_config"),
    "result_document": ("matcher.results", "result_document"),
    "add_explanations": ("matcher.explain", "add_explanations"),
    "write_outputs": ("matcher.results", "write_outputs"),
    "write_report": ("matcher.report", "write_report"),
    "write_order": ("matcher.order", "write_order"),
    "run_rematch": ("matcher.rematch", "run_rematch"),
}


def __getattr__(name: str):
    # The solver stack (OR-Tools, scipy) loads only when first used.
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")
