"""Questionnaires in, tables out: reading and validating questionnaires (`load`, ingest.py),
writing tables and output sets (writers.py, outputset.py).

The names below load their modules when first used: a command that only writes files
(`matcher sample`, an output set) does not load the configuration and validation machinery.
"""
from __future__ import annotations

__all__ = ["Ingest", "load", "render_summary", "summary_counts", "Mapping", "load_mapping"]

_LAZY = {
    "Ingest": "ingest", "load": "ingest", "UNREADABLE": "ingest",
    "render_summary": "summary", "summary_counts": "summary",
    "Mapping": "mapping", "load_mapping": "mapping",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
